"""Timers that the widget can stop all at once when amoCRM destroys it."""

from edge.logger import guard


class Timers:
    """Wraps the browser's timer functions and remembers what is still scheduled."""

    def __init__(self):
        self.timeouts = []
        self.intervals = []

    def timeout(self, callback, delay_ms):
        """Run ``callback`` once after ``delay_ms``; returns an id for :meth:`cancel`."""
        timer_id = None

        def fire():
            if timer_id in self.timeouts:
                self.timeouts.remove(timer_id)
            guard("timer", callback)

        timer_id = setTimeout(fire, delay_ms)
        self.timeouts.append(timer_id)
        return timer_id

    def interval(self, callback, every_ms):
        """Run ``callback`` every ``every_ms`` until cancelled."""
        timer_id = setInterval(lambda: guard("interval", callback), every_ms)
        self.intervals.append(timer_id)
        return timer_id

    def cancel(self, timer_id):
        """Stop one timer (unknown ids are ignored)."""
        if timer_id in self.timeouts:
            self.timeouts.remove(timer_id)
            clearTimeout(timer_id)
        if timer_id in self.intervals:
            self.intervals.remove(timer_id)
            clearInterval(timer_id)

    def cancel_all(self):
        """Stop every timer this object started."""
        for timer_id in self.timeouts:
            clearTimeout(timer_id)
        for timer_id in self.intervals:
            clearInterval(timer_id)
        self.timeouts = []
        self.intervals = []

    def count(self):
        """How many timers are scheduled."""
        return len(self.timeouts) + len(self.intervals)
