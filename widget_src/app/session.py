"""Everything that runs for one set of valid settings: client, monitor, status poll shared by the tabs.

A session is started by the lifecycle and stopped as a whole: ``stop`` cancels every timer
and pending request it made, so a destroyed or reconfigured widget leaves nothing behind.
"""

from app.click2call import call_number
from app.postcall_loader import PostcallLoader
from app.status_poller import StatusPoller
from app.tab_share import TabShare
from core.backoff import default_backoff
from core.tab_sync import group_name
from edge.dom import Listeners
from edge.server_client import ServerClient
from edge.timers import Timers
from ui.call_panel.panel import CallPanel


class Session:
    """The running widget for ``settings``."""

    def __init__(self, amocrm, settings, monitor):
        self.amocrm = amocrm
        self.settings = settings
        self.timers = Timers()
        self.monitor = monitor
        self.client = ServerClient(amocrm, settings, self.timers, monitor.record)
        self.poller = StatusPoller(self.client, self.timers, default_backoff())
        self.listeners = Listeners()
        self.panel = None
        self.share = None
        self.postcall = None

    def start(self):
        """Start the monitor and, when the settings show the panel, the panel and its status poll."""
        self.monitor.start(self.timers, self.settings.enable_notification)
        if self.settings.show_panel:
            settings = self.settings
            group = group_name(self.amocrm.user_id(), settings.server_address, settings.secret_key)
            self.share = TabShare(self.poller, group, self.timers, self.listeners)
            self.panel = CallPanel(self.amocrm, self.client, self.poller, self.timers)
            self.share.start()  # first: the panel's first render shows the kept status
            self.panel.mount()
            # Back online: poll now instead of after the backoff.
            self.listeners.on(window, "online", self.poller.wake)
            if self.settings.post_call_card:
                self.postcall = PostcallLoader(self.amocrm, self.panel.view.body)
                self.postcall.start()
                self.poller.subscribe(self.postcall.on_status)

    def stop(self):
        """Remove the panel, stop the poll, reject pending requests, cancel every timer."""
        if self.postcall != None:
            self.postcall.stop()
            self.postcall = None
        if self.panel != None:
            self.panel.unmount()
            self.panel = None
        if self.share != None:
            self.share.stop()
        self.listeners.remove_all()
        self.poller.stop()
        self.client.close()
        self.timers.cancel_all()

    def click_to_call(self, data):
        """Handle amoCRM's ``phone`` action."""
        return call_number(self.client, self.amocrm, data)
