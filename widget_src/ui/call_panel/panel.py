"""The call panel's behaviour (docs/behaviour.md §3): status to screen, search, dialling, call
controls and the keyboard. Where the panel sits is :class:`PanelPlacement`'s job.

State lives here; :class:`PanelView` only draws it. Every timer comes from the session's
:class:`Timers` and every listener from one :class:`Listeners`, so unmounting leaves nothing.
"""

from build_constants import MIN_LENGTH_INTERNAL_NUMBER
from core.error_table import error_text
from core.jscompat import AnyError, now_ms
from core.panel_logic import (
    clock_offset_ms,
    contact_path,
    dial_action,
    elapsed_seconds,
    format_duration,
    move_index,
)
from core.phonebook_search import PhonebookSearch
from core.protocol import Cancelled
from edge.dom import Listeners
from edge.styles import ensure_styles
from ui.call_panel.placement import PanelPlacement
from ui.call_panel.view import PanelView

MESSAGE_MS = 6000
TICK_MS = 1000


class CallPanel:
    """One mounted panel, fed by a status feed and sending commands through the session's client.

    The feed is anything with ``subscribe(listener)`` (``listener(view, live)`` now and on
    every change; ``live`` is true when the change was seen as it happened) and
    ``on_connection(listener)`` (``listener(error)``, None when requests work again). The panel
    does not know where the status comes from.
    """

    def __init__(self, amocrm, client, feed, timers):
        self.amocrm = amocrm
        self.client = client
        self.feed = feed
        self.timers = timers
        self.listeners = Listeners()
        self.search = PhonebookSearch(client, timers, self._show_search)
        self.view = None
        self.placement = None
        self.call = None
        self.call_id = None
        self.offset_ms = 0
        self.overrides = {"is_mute": None, "is_hold": None}
        self.contact = None
        self.contacts = []
        self.active = -1
        self.list_open = False
        self.pending = False
        self.tick_timer = None
        self.message_timer = None
        self.unsubscribe = None

    # -- mounting -----------------------------------------------------------------------

    def mount(self):
        """Put the panel on the page and start following the agent's status."""
        ensure_styles()
        self.view = PanelView(self.amocrm)
        self.view.attach()
        self.placement = PanelPlacement(self.view, self.listeners)
        self.placement.start(self._close_list)
        self._bind()
        self.feed.on_connection(self._on_connection)
        self.unsubscribe = self.feed.subscribe(self._on_status)
        self._update_dial()
        self.search.load_recent()

    def unmount(self):
        """Remove the panel and its listeners (the session cancels the timers)."""
        self.listeners.remove_all()
        if self.placement != None:
            self.placement.stop()
        if self.unsubscribe != None:
            self.unsubscribe()
        if self.view != None:
            self.view.detach()

    def _bind(self):
        view = self.view
        on = self.listeners.on
        on(view.input, "input", self._on_input)
        on(view.input, "focus", self._on_focus)
        on(view.input, "click", self._on_click_box)  # focus may have stayed there: open the list anyway
        on(view.input, "blur", self._close_list)
        on(view.input, "keydown", self._on_key)
        on(view.options, "mousedown", self._on_option_press)
        on(view.dial, "click", self._dial)
        on(view.mute, "click", self._toggle_mute)
        on(view.hold, "click", self._toggle_hold)
        on(view.hangup, "click", self._hangup)
        on(view.root, "mousedown", self._keep_focus)

    # -- the agent's status ---------------------------------------------------------------

    def _on_status(self, call, live):
        if self.call != None and self.call.in_call and not call.in_call:
            self.search.load_recent()  # the call that just ended is now a recent contact
        if call.in_call and call.unique_id != self.call_id:
            # A call seen beginning (live) started "now"; one found in progress keeps its timestamp.
            self.offset_ms = clock_offset_ms(call.timestamp, now_ms(), live)
        self.call_id = call.unique_id if call.in_call else None
        self.call = call
        self.overrides = {"is_mute": None, "is_hold": None}
        self._render_call()
        self._update_dial()

    def _on_connection(self, error):
        self.view.set_connection(error_text(self.amocrm.i18n, error) if error != None else None)

    def _render_call(self):
        call = self.call
        if not call.in_call:
            self.view.hide_call()
            self.timers.cancel(self.tick_timer)
            self.tick_timer = None
            return
        name = call.contact_name
        if name == None or len(name.strip()) == 0:
            name = self.amocrm.i18n("domain.amocrm.panel.unknown_contact")
        self.view.show_call(name, contact_path(call.contact_id), call.phone if call.phone != None else "")
        self._render_controls()
        self._tick()
        if self.tick_timer == None:
            self.tick_timer = self.timers.interval(self._tick, TICK_MS)

    def _render_controls(self):
        self.view.set_call_controls(self._flag("is_mute"), self._flag("is_hold"))

    def _tick(self):
        self.view.set_timer(format_duration(elapsed_seconds(self.call.timestamp, now_ms(), self.offset_ms)))

    # -- commands -------------------------------------------------------------------------

    def _fail(self, error):
        """Show why a command failed, for a few seconds."""
        self.view.set_alert(error_text(self.amocrm.i18n, error))
        self.timers.cancel(self.message_timer)
        self.message_timer = self.timers.timeout(lambda: self.view.set_alert(None), MESSAGE_MS)

    def _current_action(self):
        return dial_action(self.call.in_call, self.contact, self.view.input.value, MIN_LENGTH_INTERNAL_NUMBER)

    def _update_dial(self):
        self.view.set_dial_button(self._current_action() != None and not self.pending, self.call.in_call)

    async def _dial(self):
        """The call button: call the contact or number, or transfer the current call to it."""
        action = self._current_action()
        if action == None or self.pending:
            return
        self._close_list()
        self.pending = True
        self._update_dial()
        try:
            if action[0] == "originate":
                await self.client.originate(action[1])
            elif action[0] == "originate_by_contact":
                await self.client.originate_by_contact(action[1])
            else:
                await self.client.redirect(action[1])
            self.contact = None
            self.view.input.value = ""
        except AnyError as error:
            if not isinstance(error, Cancelled):
                self._fail(error)
        self.pending = False
        self._update_dial()

    def _flag(self, name):
        """``is_mute``/``is_hold`` as shown: the optimistic value until the next status arrives."""
        override = self.overrides[name]
        return (override if override != None
                else (self.call.is_mute if name == "is_mute" else self.call.is_hold))

    def _toggle_mute(self, event):
        return self._toggle("is_mute", self.client.set_mute)

    def _toggle_hold(self, event):
        return self._toggle("is_hold", self.client.set_hold)

    async def _toggle(self, name, command):
        """Flip a call flag at once; the server's next status confirms it, a failure reverts it."""
        value = not self._flag(name)
        self.overrides[name] = value
        self._render_controls()
        try:
            await command(value)
        except AnyError as error:
            if not isinstance(error, Cancelled):
                self.overrides[name] = None
                self._render_controls()
                self._fail(error)

    async def _hangup(self):
        try:
            await self.client.hangup()
        except AnyError as error:
            if not isinstance(error, Cancelled):
                self._fail(error)

    # -- search and the option list --------------------------------------------------------

    def _on_input(self, event):
        self.contact = None
        self.list_open = True
        self.search.query(self.view.input.value)
        self._update_dial()

    def _on_focus(self, event):
        self.list_open = True
        self.search.query(self.view.input.value)

    def _on_click_box(self, event):
        if not self.list_open:
            self._on_focus(event)

    def _show_search(self, kind, contacts, error):
        if not self.list_open:
            return
        self.view.set_loading(kind == "loading")
        if kind == "loading":
            return
        self.contacts = contacts
        self.active = -1
        if kind == "error":
            self.view.show_options(None, [], error_text(self.amocrm.i18n, error), -1)
        elif kind == "recent":
            self.view.show_options(self.amocrm.i18n("domain.amocrm.panel.last_contacts"), contacts, None, -1)
        else:
            self.view.show_options(None, contacts, self.amocrm.i18n("domain.amocrm.panel.no_contacts"), -1)

    def _close_list(self, event=None):
        self.list_open = False
        self.active = -1
        self.search.cancel()
        self.view.set_loading(False)
        self.view.close_options()

    def _select(self, index):
        contact = self.contacts[index]
        self.contact = contact
        self.view.input.value = contact["name"] if len(contact["name"]) > 0 else contact["phone"]
        self._close_list()
        self._update_dial()

    def _keep_focus(self, event):
        """A press on the panel (not in the search box) must not blur it: the list would close,
        the panel would shrink and move, and the button under the pointer would miss the click."""
        if event.target != self.view.input and event.target.closest(".asng-card") == None:
            event.preventDefault()  # the post-call card's fields take the focus themselves

    def _on_option_press(self, event):
        event.preventDefault()  # keep the focus in the search box
        option = event.target.closest(".asng-option")
        if option != None:
            self._select(int(option.getAttribute("data-index")))

    def _on_key(self, event):
        key = event.key
        if key == "ArrowDown" or key == "ArrowUp":
            event.preventDefault()
            if not self.list_open:
                self._on_focus(event)  # the options shown are not fresh yet: only open the list
                return
            self.active = move_index(self.active, len(self.contacts), 1 if key == "ArrowDown" else -1)
            self.view.set_active(self.active)
        elif key == "Enter":
            event.preventDefault()
            if self.list_open and self.active >= 0 and self.active < len(self.contacts):
                self._select(self.active)
            else:
                self._dial()
        elif key == "Escape" and self.list_open:
            event.preventDefault()
            self._close_list()
