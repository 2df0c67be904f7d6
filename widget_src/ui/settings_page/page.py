"""The settings page inside amoCRM's settings modal (behaviour.md §4).

amoCRM calls ``settings($modal_body)`` when the user opens the widget's settings. The page
mounts the widget's own form into ``.widget-settings__desc-space`` and, once that worked,
hides amoCRM's generated ``.widget_settings_block`` (so on any failure amoCRM's own field
stays usable). Save writes the settings JSON into amoCRM's ``input[name=SETTINGS_FIELD]``,
announces the change and clicks amoCRM's own save button; amoCRM then calls ``onSave``,
which restarts the running widget with the new settings.

Everything a mounted form starts (timers, listeners, pending pings, the observer that
notices the modal closing) is stopped by :meth:`SettingsPage.close`, which also runs when
the form is opened again or its modal leaves the page.
"""

from build_constants import SETTINGS_FIELD
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
from edge.dom import Listeners, remove
from edge.logger import debug, warn
from edge.server_client import ServerClient
from edge.styles import ensure_styles
from edge.timers import Timers
from ui.settings_page.view import SettingsView

DESC_SPACE = ".widget-settings__desc-space"
SETTINGS_BLOCK = ".widget_settings_block"
SETTINGS_ROW = ".widget_settings_block__item_field"
SAVE_BUTTON = ".js-widget-save"
LOGO = "/images/logo_main.png"


def _has_dom():
    # __pragma__ ('ecom')
    #?__pragma__ ('js', '{}', 'return typeof document !== "undefined" && typeof window !== "undefined";')
    # __pragma__ ('noecom')
    return False


def _element_of(modal_body):
    """The DOM element of amoCRM's ``$modal_body`` (a jQuery object), or of a plain element."""
    if modal_body == None:
        return None
    if modal_body.nodeType == 1:
        return modal_body
    first = modal_body[0]
    if first != None and first.nodeType == 1:
        return first
    return None


def _find(scope, selector):
    """``selector`` inside the modal body, else inside its modal, else anywhere on the page."""
    if scope != None:
        found = scope.querySelector(selector)
        if found:
            return found
        modal = scope.closest(".modal") if scope.closest else None
        if modal:
            found = modal.querySelector(selector)
            if found:
                return found
    return document.querySelector(selector)


def _logo_url(amocrm):
    """``<path>/images/logo_main.png`` from the widget's settings, or None without a path."""
    path = amocrm.widget_path()
    if path == None:
        return None
    if path.endswith("/"):
        path = path[:len(path) - 1]
    return path + LOGO


def _announce_change(input_node):
    """Tell amoCRM's form that the field changed: a DOM event, and jQuery's if it listens with it."""
    input_node.dispatchEvent(__new__(Event("change", {"bubbles": True})))
    jquery = window.jQuery
    if jquery:
        jquery(input_node).trigger("change")


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
        self.settings_input = None
        self.save_button = None
        self.hidden = []
        __pragma__('ifdef', 'DEBUG')
        amocrm.widget.asteriskng_settings = self
        __pragma__('endif')

    # -- mounting ----------------------------------------------------------------------------

    def open(self, modal_body):
        """amoCRM's ``settings`` callback: mount the form (replacing an earlier one)."""
        self.close()
        if not _has_dom():
            return
        body = _element_of(modal_body)
        space = _find(body, DESC_SPACE)
        settings_input = _find(body, "input[name=\"" + SETTINGS_FIELD + "\"]")
        save_button = _find(body, SAVE_BUTTON)
        if space == None or settings_input == None or save_button == None:
            warn("settings modal without", DESC_SPACE if space == None else "",
                 SETTINGS_FIELD if settings_input == None else "", SAVE_BUTTON if save_button == None else "",
                 ": keeping amoCRM's own form")
            return
        try:
            self.mount(space, settings_input, save_button)
        except AnyError:
            self.close()
            raise
        self.hide_amocrm_form(space, settings_input)
        debug("settings page mounted")

    def mount(self, space, settings_input, save_button):
        self.settings_input = settings_input
        self.save_button = save_button
        self.form = SettingsForm(self.amocrm.stored_settings())
        ensure_styles()
        view = SettingsView(self.amocrm, _logo_url(self.amocrm))
        self.view = view
        view.fill(self.form)
        view.show_address_problem(self.form.address_invalid())
        self.refresh_save()
        self.listeners.on(view.address, "input", self.on_text_input)
        self.listeners.on(view.key, "input", self.on_text_input)
        self.listeners.on(view.address, "change", self.on_address_change)
        self.listeners.on(view.address, "keydown", self.on_keydown)
        self.listeners.on(view.key, "keydown", self.on_keydown)
        self.listeners.on(view.show_panel, "change", self.on_switch)
        self.listeners.on(view.enable_notification, "change", self.on_switch)
        self.listeners.on(view.reveal, "click", self.on_reveal)
        self.listeners.on(view.save, "click", self.on_save)
        self.check(True)
        space.appendChild(view.root)
        self.watch_detach()

    def hide_amocrm_form(self, space, settings_input):
        """Hide amoCRM's generated block (or only our field's row, if the block holds the form)."""
        block = _find(space, SETTINGS_BLOCK)
        target = block
        if block == None or block.contains(space):
            target = settings_input.closest(SETTINGS_ROW) if settings_input.closest else None
        if target != None and not target.contains(space):
            self.hidden.append([target, target.style.display])
            target.style.display = "none"

    def watch_detach(self):
        """Close when amoCRM removes the modal (closed, or the page changed)."""
        if not window.MutationObserver:
            return
        self.observer = __new__(MutationObserver(self.on_mutation))
        self.observer.observe(document.body, {"childList": True, "subtree": True})

    def close(self):
        """Unmount: stop every timer, listener and pending ping; show amoCRM's form again."""
        self.latest.invalidate()
        self.cancel_checks()
        self.timers.cancel_all()
        self.listeners.remove_all()
        if self.observer != None:
            self.observer.disconnect()
            self.observer = None
        for entry in self.hidden:
            entry[0].style.display = entry[1]
        self.hidden = []
        if self.view != None:
            remove(self.view.root)
            debug("settings page closed")
        self.view = None
        self.form = None
        self.settings_input = None
        self.save_button = None
        self.debounce_timer = None
        self.message_timer = None

    def is_open(self):
        """True while a form is mounted."""
        return self.view != None

    # -- events --------------------------------------------------------------------------------

    def on_mutation(self, records, observer):
        if self.view != None and not self.view.root.isConnected:
            self.close()

    def on_text_input(self, event):
        if self.form == None:
            return
        self.form.set_server_address(self.view.address.value)
        self.form.set_secret_key(self.view.key.value)
        self.refresh_save()
        self.timers.cancel(self.message_timer)
        self.message_timer = None
        if not self.form.address_invalid():
            self.view.show_address_problem(False)
        else:
            self.message_timer = self.timers.timeout(self.show_address_problem, CHECK_DEBOUNCE_MS)
        self.check(False)

    def on_address_change(self, event):
        self.show_address_problem()

    def show_address_problem(self):
        self.message_timer = None
        if self.form != None:
            self.view.show_address_problem(self.form.address_invalid())

    def on_keydown(self, event):
        if event.key == "Enter" and self.form != None and self.form.can_save():
            event.preventDefault()
            self.save()

    def on_switch(self, event):
        if self.form == None:
            return
        self.form.set_show_panel(self.view.show_panel.checked)
        self.form.set_enable_notification(self.view.enable_notification.checked)
        self.refresh_save()

    def on_reveal(self, event):
        if self.view != None:
            self.view.show_key(not self.view.key_visible)

    def on_save(self, event):
        self.save()

    def refresh_save(self):
        self.view.set_save_enabled(self.form.can_save())

    # -- connection checks ------------------------------------------------------------------

    def check(self, immediate):
        """Check the form's address and key (after the debounce unless ``immediate``)."""
        settings = self.form.edited()
        subject = check_subject(settings)
        if self.latest.is_current_subject(subject):
            return
        ticket = self.latest.start(subject)
        self.cancel_checks()
        if check_action(settings) != ACTION_PING:
            self.view.show_status(NOT_CONFIGURED)
            return
        self.view.show_status(CHECKING)
        if immediate:
            self.ping(ticket, settings)
        else:
            self.debounce_timer = self.timers.timeout(lambda: self.ping(ticket, settings), CHECK_DEBOUNCE_MS)

    def cancel_checks(self):
        """Drop the scheduled check and reject the pending pings (their answers are ignored)."""
        self.timers.cancel(self.debounce_timer)
        self.debounce_timer = None
        clients = self.clients
        self.clients = []
        for client in clients:
            client.close()

    def ping(self, ticket, settings):
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

        client.ping().then(lambda result: answered(CONNECTED), lambda error: answered(status_for_error(error)))

    # -- saving --------------------------------------------------------------------------------

    def save(self):
        """Write the settings into amoCRM's field and press amoCRM's own save button."""
        if self.form == None or not self.form.can_save():
            return
        settings = self.form.edited()
        self.settings_input.value = settings_json(settings)
        _announce_change(self.settings_input)
        self.form.mark_saved(settings)
        self.view.fill(self.form)
        self.view.show_address_problem(False)
        self.refresh_save()
        debug("settings page: saving")
        self.save_button.click()
