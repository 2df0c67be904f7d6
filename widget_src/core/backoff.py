"""How long to wait before polling a failing server again."""

INITIAL_DELAY_MS = 500
MAX_DELAY_MS = 30000


class Backoff:
    """Exponential backoff: 0.5 s, 1 s, 2 s … capped at 30 s, back to 0.5 s after a success."""

    def __init__(self, initial_ms, max_ms):
        self.initial_ms = initial_ms
        self.max_ms = max_ms
        self.failures = 0

    def next_delay(self):
        """The wait after one more failure."""
        delay = self.initial_ms
        for _ in range(self.failures):
            delay = delay * 2
            if delay >= self.max_ms:
                delay = self.max_ms
                break
        self.failures = self.failures + 1
        return delay

    def reset(self):
        """The server answered: the next failure starts from the initial delay again."""
        self.failures = 0


def default_backoff():
    """The schedule the widget uses."""
    return Backoff(INITIAL_DELAY_MS, MAX_DELAY_MS)
