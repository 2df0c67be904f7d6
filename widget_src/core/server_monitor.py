"""Decides when the server has failed often enough to tell the user (docs/behaviour.md §5)."""

from core.jscompat import is_number

WINDOW_MS = 5000
SUCCESS_THRESHOLD = 0.75


class ServerMonitor:
    """Counts request outcomes per window; :meth:`close_window` says whether to notify.

    A window where fewer than 75 % of the requests succeeded asks for a notification, at
    most once per ``delay_ms`` and only while notifications are enabled.
    """

    def __init__(self, delay_ms):
        self.delay_ms = delay_ms
        self.succeeded = 0
        self.failed = 0
        self.last_notified_ms = None

    def record(self, succeeded):
        """Count one finished request."""
        if succeeded:
            self.succeeded = self.succeeded + 1
        else:
            self.failed = self.failed + 1

    def close_window(self, now_ms, notifications_enabled, shared_notice=None):
        """End the current window; True when the user should be notified now.

        ``shared_notice()``, asked only after a failing window with notifications on, gives when
        another tab of the browser last notified (anything but a past time: unknown); see
        :func:`latest_notice`.
        """
        total = self.succeeded + self.failed
        failing = total > 0 and self.succeeded < SUCCESS_THRESHOLD * total
        self.succeeded = 0
        self.failed = 0
        if not failing or not notifications_enabled:
            return False
        if shared_notice != None:
            self.last_notified_ms = latest_notice(self.last_notified_ms, shared_notice(), now_ms)
        if self.last_notified_ms != None and now_ms - self.last_notified_ms < self.delay_ms:
            return False
        self.last_notified_ms = now_ms
        return True


def latest_notice(own_ms, shared_ms, now_ms):
    """When the browser last notified: the later of this tab's time and the one the tabs share.

    A shared value that is not a time, or lies in the future (a corrupt entry), is ignored.
    """
    if not is_number(shared_ms) or shared_ms > now_ms:
        return own_ms
    return shared_ms if own_ms == None or shared_ms > own_ms else own_ms
