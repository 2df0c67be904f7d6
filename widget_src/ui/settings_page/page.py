"""The settings page inside amoCRM's settings modal (docs/behaviour.md §4).

amoCRM calls ``settings($modal_body)`` when the user opens the widget's settings. The page
mounts the widget's own form into amoCRM's modal (:mod:`edge.amocrm_settings_modal`) and, once
that worked, hides amoCRM's generated form (so on any failure amoCRM's own field stays usable).
Save hands the settings JSON to the modal, which saves it the way amoCRM's own form would;
amoCRM then calls ``onSave``, which restarts the running widget with the new settings.

Everything a mounted form starts (timers, listeners, pending pings, the observer that
notices the modal closing) is stopped by :meth:`SettingsPage.close`, which also runs when
the form is opened again or its modal leaves the page.
"""

from core.error_table import CHECKING, CONNECTED, NOT_CONFIGURED, status_for_error
from core.jscompat import AnyError
from core.settings import settings_json
from core.settings_form import (
    ACTION_PING,
    CHECK_DEBOUNCE_MS,
    LatestCheck,
    SettingsForm,
    check_action,
    check_subject,
)
from edge.amocrm_settings_modal import find_settings_modal
from edge.dom import Listeners, remove
from edge.logger import debug
from edge.server_client import ServerClient
from edge.styles import ensure_styles
from edge.timers import Timers
from ui.settings_page.view import SettingsView

LOGO = "/images/logo_main.png"


def _logo_url(amocrm):
    """``<path>/images/logo_main.png`` from the widget's settings, or None without a path."""
    path = amocrm.widget_path()
    if path == None:
        return None
    if path.endswith("/"):
        path = path[:len(path) - 1]
    return path + LOGO


class SettingsPage:
    """Opens and closes the widget's settings form; at most one is mounted at a time."""

    def __init__(self, amocrm):
        self.amocrm = amocrm
        self.timers = Timers()
        self.listeners = Listeners()
        self.latest = LatestCheck()
        self.clients = []
        self.form = None
        self.view = None
        self.observer = None
        self.debounce_timer = None
        self.message_timer = None
        self.modal = None
        amocrm.expose("asteriskng_settings", self)

    # -- mounting ----------------------------------------------------------------------------

    def open(self, modal_body):
        """amoCRM's ``settings`` callback: mount the form (replacing an earlier one)."""
        self.close()
        modal = find_settings_modal(modal_body)
        if modal == None:
            return
        try:
            self._mount(modal)
        except AnyError:
            self.close()
            raise
        modal.hide_own_form()
        debug("settings page mounted")

    def _mount(self, modal):
        self.modal = modal
        self.form = SettingsForm(self.amocrm.stored_settings())
        ensure_styles()
        view = SettingsView(self.amocrm, _logo_url(self.amocrm))
        self.view = view
        view.fill(self.form)
        view.show_address_problem(self.form.address_invalid())
        self._refresh_save()
        self.listeners.on(view.address, "input", self._on_text_input)
        self.listeners.on(view.key, "input", self._on_text_input)
        self.listeners.on(view.address, "change", self._on_address_change)
        self.listeners.on(view.address, "keydown", self._on_keydown)
        self.listeners.on(view.key, "keydown", self._on_keydown)
        self.listeners.on(view.show_panel, "change", self._on_switch)
        self.listeners.on(view.enable_notification, "change", self._on_switch)
        self.listeners.on(view.post_call_card, "change", self._on_switch)
        self.listeners.on(view.reveal, "click", self._on_reveal)
        self.listeners.on(view.save, "click", self._on_save)
        self._check(True)
        modal.mount(view.root)
        self._watch_detach()

    def _watch_detach(self):
        """Close when amoCRM removes the modal (closed, or the page changed)."""
        if not window.MutationObserver:
            return
        self.observer = __new__(MutationObserver(self._on_mutation))
        self.observer.observe(document.body, {"childList": True, "subtree": True})

    def close(self):
        """Unmount: stop every timer, listener and pending ping; show amoCRM's form again."""
        self.latest.invalidate()
        self._cancel_checks()
        self.timers.cancel_all()
        self.listeners.remove_all()
        if self.observer != None:
            self.observer.disconnect()
            self.observer = None
        if self.modal != None:
            self.modal.show_own_form()
        if self.view != None:
            remove(self.view.root)
            debug("settings page closed")
        self.view = None
        self.form = None
        self.modal = None
        self.debounce_timer = None
        self.message_timer = None

    def is_open(self):
        """True while a form is mounted."""
        return self.view != None

    # -- events --------------------------------------------------------------------------------

    def _on_mutation(self, records, observer):
        if self.view != None and not self.view.root.isConnected:
            self.close()

    def _on_text_input(self, event):
        if self.form == None:
            return
        self.form.set_server_address(self.view.address.value)
        self.form.set_secret_key(self.view.key.value)
        self._refresh_save()
        self.timers.cancel(self.message_timer)
        self.message_timer = None
        if not self.form.address_invalid():
            self.view.show_address_problem(False)
        else:
            self.message_timer = self.timers.timeout(self._show_address_problem, CHECK_DEBOUNCE_MS)
        self._check(False)

    def _on_address_change(self, event):
        self._show_address_problem()

    def _show_address_problem(self):
        self.message_timer = None
        if self.form != None:
            self.view.show_address_problem(self.form.address_invalid())

    def _on_keydown(self, event):
        if event.key == "Enter" and self.form != None and self.form.can_save():
            event.preventDefault()
            self.save()

    def _on_switch(self, event):
        if self.form == None:
            return
        self.form.set_show_panel(self.view.show_panel.checked)
        self.form.set_enable_notification(self.view.enable_notification.checked)
        self.form.set_post_call_card(self.view.post_call_card.checked)
        self._refresh_save()

    def _on_reveal(self, event):
        if self.view != None:
            self.view.show_key(not self.view.key_visible)

    def _on_save(self, event):
        self.save()

    def _refresh_save(self):
        self.view.set_save_enabled(self.form.can_save())

    # -- connection checks ------------------------------------------------------------------

    def _check(self, immediate):
        """Check the form's address and key (after the debounce unless ``immediate``)."""
        settings = self.form.edited()
        subject = check_subject(settings)
        if self.latest.is_current_subject(subject):
            return
        ticket = self.latest.start(subject)
        self._cancel_checks()
        if check_action(settings) != ACTION_PING:
            self.view.show_status(NOT_CONFIGURED)
            return
        self.view.show_status(CHECKING)
        if immediate:
            self._ping(ticket, settings)
        else:
            self.debounce_timer = self.timers.timeout(lambda: self._ping(ticket, settings), CHECK_DEBOUNCE_MS)

    def _cancel_checks(self):
        """Drop the scheduled check and reject the pending pings (their answers are ignored)."""
        self.timers.cancel(self.debounce_timer)
        self.debounce_timer = None
        clients = self.clients
        self.clients = []
        for client in clients:
            client.close()

    def _ping(self, ticket, settings):
        self.debounce_timer = None
        if not self.latest.is_latest(ticket):
            return
        client = ServerClient(self.amocrm, settings, self.timers, lambda succeeded: None)
        self.clients.append(client)

        def answered(status):
            if client in self.clients:
                self.clients.remove(client)
            client.close()
            if status == None or self.view == None or not self.latest.is_latest(ticket):
                return
            debug("settings page: ping", status)
            self.view.show_status(status)

        client.ping().then(lambda result: answered(CONNECTED),
                           lambda error: answered(status_for_error(error)))

    # -- saving --------------------------------------------------------------------------------

    def save(self):
        """Write the settings into amoCRM's field and press amoCRM's own save button."""
        if self.form == None or not self.form.can_save():
            return
        settings = self.form.edited()
        self.form.mark_saved(settings)
        self.view.fill(self.form)
        self.view.show_address_problem(False)
        self._refresh_save()
        debug("settings page: saving")
        self.modal.save(settings_json(settings))
