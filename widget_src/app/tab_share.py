"""One status feed for all the tabs of a group: the leader polls, the others listen (docs/behaviour.md §9).

The panel and the monitor subscribe to the tab's :class:`StatusPoller` as before and cannot
tell whether their tab leads or follows: here the poller either polls (this tab leads) or is
fed the leader's state messages (it follows). The leader also keeps its last state in
storage, so the next page load shows the current call before any poll answers.
"""

from core.jscompat import get, now_ms
from core.tab_sync import is_fresh, read_error, read_message, state_message
from edge.storage import load, save
from edge.tabs import TabLink


class TabShare:
    """Joins ``poller`` to the tabs of ``group`` (a name from :func:`core.tab_sync.group_name`)."""

    def __init__(self, poller, group, timers, listeners):
        self.poller = poller
        self.group = group
        self.error = None
        self.link = TabLink(group, self._lead, self._receive, timers, listeners)
        poller.on_answer = self._tell
        poller.on_connection(self._connection)

    def start(self):
        """Show the kept state if it is fresh (before the panel's first render), then join the group."""
        kept = read_message(load(self.group + ".status"), self.group)
        if kept != None and is_fresh(kept, now_ms()):
            self._apply(kept, False)
        # Without one (storage blocked), the leader's next answer, within a long poll, brings it.
        self.link.start()

    def stop(self):
        """Leave the group and stop polling."""
        self.link.stop()
        self.poller.stop()

    def _lead(self, leading):
        if leading:
            self.poller.start()  # from the status the tab already shows: the server holds the poll
        else:
            self.poller.stop()

    def _connection(self, error):
        self.error = error
        if self.link.leading:
            self._tell(False)

    def _tell(self, live):
        """The leader's state to the other tabs and to storage."""
        poller = self.poller
        received = poller.received_ms if poller.received_ms != None else 0
        message = state_message(self.group, poller.raw_status, received, live, self.error)
        save(self.group + ".status", message)
        self.link.send(message)

    def _receive(self, message):
        message = read_message(message, self.group)
        if message != None and not self.link.leading:  # None: another group's or malformed
            self._apply(message, message["live"])

    def _apply(self, message, live):
        # received when the leader had it: what this tab keeps if it leads
        self.poller.publish(message["status"], live, message["at"])
        self.poller.show_connection(read_error(get(message, "error", None)))
