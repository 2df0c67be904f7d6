"""The widget's life inside amoCRM (docs/behaviour.md §1).

amoCRM calls render, init, bind_actions, settings, onSave and destroy in orders that vary
with navigation; every start-up step here is idempotent, so any sequence leaves at most
one session (one poll, one monitor) running.
"""

from app.monitor_service import MonitorService
from app.session import Session
from build_constants import SETTINGS_FIELD
from core.jscompat import AnyError, get, is_string
from core.settings import SettingsError, parse_settings
from edge.amocrm import phone_from_action
from edge.dom import Listeners
from edge.logger import debug, guard, warn
from edge.tabs import announce, watch_key


class Lifecycle:
    """Owns the current :class:`Session`, if any."""

    def __init__(self, amocrm):
        self.amocrm = amocrm
        self.session = None
        self.monitor = MonitorService(amocrm)
        self.unconfigured = False  # settings without a server address or key: Click2Call says so
        self.actions_registered = False
        self.listeners = Listeners()

    def start(self):
        """Start a session for the stored settings unless one runs or there is nothing to run."""
        if self.listeners.count() == 0:
            # Settings saved in another tab of this user switch this tab too, without a reload.
            watch_key(self.listeners, self._settings_key(), self._saved_elsewhere)
        if self.session != None:
            return
        self.run(self.amocrm.stored_settings())

    def _settings_key(self):
        return "asteriskng.settings." + str(self.amocrm.user_id())

    def _saved_elsewhere(self, value):
        raw = get(value, "raw", None)
        if is_string(raw):
            self.amocrm.keep_settings(raw)
            if not self._running_with(raw):  # saved unchanged: the session (and its poll) goes on
                self.run(raw)

    def _running_with(self, raw_settings):
        """True when the running session already has the settings in ``raw_settings``."""
        if self.session == None:
            return False
        try:
            return parse_settings(raw_settings).same_as(self.session.settings)
        except SettingsError:
            return False

    def run(self, raw_settings):
        """Start a session for ``raw_settings`` (JSON text), replacing a running one."""
        self.stop()
        self.unconfigured = False
        if self.amocrm.install_status() == "not_configured":
            debug("install status is not_configured: nothing to do")
            return
        try:
            settings = parse_settings(raw_settings)
        except SettingsError as error:
            warn("settings unusable, running without panel or notifications:", str(error))
            self.amocrm.set_status("error")
            return
        self.register_actions()
        if not settings.is_configured():
            debug("no server address or secret key yet")
            self.unconfigured = True
            return
        session = Session(self.amocrm, settings, self.monitor)
        try:
            session.start()
        except AnyError:
            session.stop()  # nothing half-started stays behind to block the next start
            raise
        self.session = session
        self.amocrm.set_status("installed")

    def register_actions(self):
        """Register Click2Call once: amoCRM keeps handlers across area changes."""
        if self.actions_registered:
            return
        self.actions_registered = True
        self.amocrm.add_action("phone", lambda data: guard("phone action", self.click_to_call, data))

    def click_to_call(self, data):
        """A phone number was clicked: dial it in the running session, or say why it cannot be."""
        if self.session != None:
            self.session.click_to_call(data)
        elif self.unconfigured and phone_from_action(data) != None:
            self.amocrm.show_error(self.amocrm.i18n("domain.amocrm.notification.call_failed.header"),
                                   phone_from_action(data) + ": " +
                                   self.amocrm.i18n("domain.amocrm.errors.not_configured"))

    def save(self, event):
        """onSave: switch to the settings being saved (or stop if the widget is disabled)."""
        fields = event["fields"] if event != None and "fields" in event else None
        if event != None and "active" in event and event["active"] == "N":
            self.stop()
            return
        raw = fields[SETTINGS_FIELD] if fields != None and SETTINGS_FIELD in fields else None
        if is_string(raw):
            announce(self._settings_key(), {"raw": raw})  # not kept: the key stays out of storage
        self.run(raw if raw != None else self.amocrm.stored_settings())

    def stop(self):
        """Stop the running session, if any."""
        if self.session != None:
            self.session.stop()
            self.session = None

    def close(self):
        """destroy: stop the session and stop following the other tabs' settings."""
        try:
            self.stop()
        finally:
            self.listeners.remove_all()
