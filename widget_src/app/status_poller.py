"""Keeps the agent's call status current by long-polling ``get_agent_status``.

After an answer it polls again at once; after an error it waits with exponential backoff
(0.5 s doubling to 30 s) and recovers with the first answer. The UI subscribes to status
changes. :meth:`StatusPoller.stop` ends the loop: no timer or request outlives it.
"""

from core.agent_status import initial_status, is_agent_status, read_status, same_status
from core.jscompat import AnyError, now_ms
from core.protocol import Cancelled, InvalidResponse, LongPollTimeout
from edge.logger import debug, guard, report_bug

# The shortest time between two polls: after an answer without news, and after a change.
QUIET_POLL_MS = 1000
CHANGED_POLL_MS = 200
# A poll the server held at least this long announced a change as it happened.
HELD_POLL_MS = 1000


class StatusPoller:
    """The long-poll loop of one server client."""

    def __init__(self, client, timers, backoff):
        self.client = client
        self.timers = timers
        self.backoff = backoff
        self.raw_status = initial_status()
        self.view = read_status(self.raw_status)
        self.listeners = []
        self.connection_listeners = []
        self.failing = False
        self.running = False
        self.run_id = 0
        self.answers = 0
        self.wake_up = None
        self.received_ms = None  # when the status shown was received (by this tab's poll or the leader's)
        self.on_answer = None  # on_answer(live) after every answer, changed or not

    def subscribe(self, listener):
        """Call ``listener(view, live)`` now and on every status change; returns an unsubscribe function.

        ``live`` is true when the change was seen as it happened (a call that began while the
        poll watched), false for a status found as it was (the first answer, given at once).
        """
        self.listeners.append(listener)
        listener(self.view, False)
        return lambda: self.listeners.remove(listener) if listener in self.listeners else None

    def on_connection(self, listener):
        """Call ``listener(error)`` after each failed poll and ``listener(None)`` when polls work again."""
        self.connection_listeners.append(listener)

    def _connection(self, error):
        self.failing = error != None
        for listener in list(self.connection_listeners):
            try:
                listener(error)
            except AnyError as listener_error:
                report_bug("connection listener", listener_error)

    def start(self):
        """Start polling (again nothing if already polling)."""
        if self.running:
            return
        self.running = True
        self.run_id = self.run_id + 1
        self._loop(self.run_id)

    def stop(self):
        """Stop polling; a pending answer is ignored."""
        self.running = False
        self.run_id = self.run_id + 1

    def publish(self, raw, live, received_ms):
        """Take ``raw``, received at ``received_ms``, as the current status (from this tab's poll or
        from the leading tab); True if it differs from the last one."""
        self.received_ms = received_ms
        if same_status(raw, self.raw_status):
            return False
        self.raw_status = raw
        self.view = read_status(raw)
        for listener in list(self.listeners):
            try:
                listener(self.view, live)
            except AnyError as error:
                report_bug("status listener", error)
        return True

    async def _loop(self, run_id):
        while self.running and run_id == self.run_id:
            sent = now_ms()
            try:
                raw = await self.client.get_agent_status(self.raw_status)
                held_ms = now_ms() - sent
                if not is_agent_status(raw):
                    # Sent back, it would be refused (410) forever: treat it as the server's error.
                    raise InvalidResponse("get_agent_status", "the result is not an AgentStatus")
            except AnyError as error:
                if run_id != self.run_id or isinstance(error, Cancelled):
                    return
                if isinstance(error, LongPollTimeout):
                    self._succeeded()
                    self._answered(False)
                    await self._keep_pace(sent, QUIET_POLL_MS)
                    continue
                delay = self.backoff.next_delay()
                debug("status poll failed, retrying in", delay, "ms:", error)
                self._connection(error)
                await self._pause(delay)
                continue
            if run_id != self.run_id:
                return
            self.answers = self.answers + 1
            self._succeeded()
            live = self.answers > 1 or held_ms >= HELD_POLL_MS
            changed = self.publish(raw, live, now_ms())
            self._answered(live)
            await self._keep_pace(sent, CHANGED_POLL_MS if changed else QUIET_POLL_MS)

    async def _keep_pace(self, sent_ms, gap_ms):
        """Wait until ``gap_ms`` after the poll was sent: a backend (or proxy) that answers at once,
        again and again, must not turn the long poll into a flood of requests."""
        remaining = sent_ms + gap_ms - now_ms()
        if remaining > 0:
            await self._pause(remaining)

    def _pause(self, delay_ms):
        """A backoff wait that :meth:`wake` can end early."""

        def wait(resolve, reject):
            timer = self.timers.timeout(lambda: self._end_pause(resolve), delay_ms)
            self.wake_up = lambda: self._end_pause(resolve, timer)

        return __new__(Promise(wait))

    def _end_pause(self, resolve, timer=None):
        self.timers.cancel(timer)
        self.wake_up = None
        resolve()

    def wake(self):
        """Retry at once if waiting after an error (the browser came back online)."""
        if self.wake_up != None:
            self.backoff.reset()
            self.wake_up()

    def show_connection(self, error):
        """Take the leading tab's view of the connection: ``error``, or None when its polls work."""
        if error != None or self.failing:
            self._connection(error)

    def _answered(self, live):
        self.received_ms = now_ms()
        if self.on_answer != None:
            guard("answer listener", self.on_answer, live)

    def _succeeded(self):
        self.backoff.reset()
        if self.failing:
            self._connection(None)
