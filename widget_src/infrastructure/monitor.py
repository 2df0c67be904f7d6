"""Runs the server monitor's 5-second window and shows its notification in amoCRM."""

from build_constants import NOTIFICATION_DELAY
from domain.server_monitor import WINDOW_MS, ServerMonitor
from infrastructure.jscompat import now_ms


class MonitorService:
    """Counts request outcomes and tells the user when the server keeps failing."""

    def __init__(self, amocrm, timers, notifications_enabled):
        self.amocrm = amocrm
        self.timers = timers
        self.notifications_enabled = notifications_enabled
        self.monitor = ServerMonitor(NOTIFICATION_DELAY * 1000)

    def record(self, succeeded):
        """Count one finished request."""
        self.monitor.record(succeeded)

    def start(self):
        """Begin closing a window every 5 s."""
        self.timers.interval(self.close_window, WINDOW_MS)

    def close_window(self):
        """Notify when the window just ended had too many failures."""
        if self.monitor.close_window(now_ms(), self.notifications_enabled):
            self.amocrm.show_error(self.amocrm.i18n("domain.amocrm.notification.not_available.header"),
                                   self.amocrm.i18n("domain.amocrm.notification.not_available.text"))
