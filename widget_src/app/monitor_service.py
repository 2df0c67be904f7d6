"""Runs the server monitor's 5-second window and shows its notification in amoCRM."""

from build_constants import NOTIFICATION_DELAY
from core.jscompat import now_ms
from core.server_monitor import WINDOW_MS, ServerMonitor
from edge.storage import load, save

# When this browser last showed the notification: the tabs share NOTIFICATION_DELAY.
NOTICE_KEY = "asteriskng.notified"


class MonitorService:
    """Counts request outcomes and tells the user when the server keeps failing.

    One per widget, not per session: the rate limit (NOTIFICATION_DELAY) must hold across
    page switches, which end one session and start the next, and across the browser's tabs
    (only the leading tab polls, and the time of the last notification is shared).
    """

    def __init__(self, amocrm):
        self.amocrm = amocrm
        self.notifications_enabled = False
        self.monitor = ServerMonitor(NOTIFICATION_DELAY * 1000)

    def record(self, succeeded):
        """Count one finished request."""
        self.monitor.record(succeeded)

    def start(self, timers, notifications_enabled):
        """Begin closing a window every 5 s on the session's ``timers``."""
        self.notifications_enabled = notifications_enabled
        timers.interval(self.close_window, WINDOW_MS)

    def close_window(self):
        """Notify when the window just ended had too many failures (and no tab has notified lately).

        The shared time is read from storage only when a notification is due, not every 5 s.
        """
        now = now_ms()
        if self.monitor.close_window(now, self.notifications_enabled, _shared_notice):
            save(NOTICE_KEY, now)
            self.amocrm.show_error(self.amocrm.i18n("domain.amocrm.notification.not_available.header"),
                                   self.amocrm.i18n("domain.amocrm.notification.not_available.text"))


def _shared_notice():
    """When a tab of this browser last showed the notification (None, or not a time: unknown)."""
    return load(NOTICE_KEY)
