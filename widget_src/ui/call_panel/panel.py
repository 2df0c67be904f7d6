"""The call panel's behaviour (behaviour.md §3): status to screen, search, dialling, call
controls, dragging, collapsing and the keyboard.

State lives here; :class:`PanelView` only draws it. Every timer comes from the session's
:class:`Timers` and every listener from one :class:`Listeners`, so unmounting leaves nothing.
"""

from build_constants import MIN_LENGTH_INTERNAL_NUMBER
from core.error_table import error_text
from core.jscompat import AnyError, get, now_ms
from core.panel_logic import (
    clamp_position,
    clock_offset_ms,
    contact_path,
    default_position,
    dial_action,
    elapsed_seconds,
    format_duration,
    move_index,
    read_position,
)
from core.phonebook_search import PhonebookSearch
from core.protocol import Cancelled
from edge.dom import Listeners
from edge.storage import load, save
from edge.styles import ensure_styles
from ui.call_panel.view import PanelView

STORAGE_KEY = "asteriskng.panel"
MESSAGE_MS = 6000
TICK_MS = 1000
HELD_POLL_MS = 1000


class CallPanel:
    """One mounted panel, fed by the session's client and status poller."""

    def __init__(self, amocrm, client, poller, timers):
        self.amocrm = amocrm
        self.client = client
        self.poller = poller
        self.timers = timers
        self.listeners = Listeners()
        self.search = PhonebookSearch(client, timers, self.show_search)
        self.view = None
        self.call = poller.view
        self.call_id = None
        self.offset_ms = 0
        self.overrides = {"is_mute": None, "is_hold": None}
        self.contact = None
        self.contacts = []
        self.active = -1
        self.list_open = False
        self.pending = False
        self.collapsed = False
        self.position = None
        self.tick_timer = None
        self.message_timer = None
        self.drag = None
        self.drag_listeners = []
        self.unsubscribe = None
        self.user_placed = False
        self.resize_observer = None

    # -- mounting -----------------------------------------------------------------------

    def mount(self):
        """Put the panel on the page and start following the agent's status."""
        ensure_styles()
        self.view = PanelView(self.amocrm)
        self.view.attach()
        stored = load(STORAGE_KEY)
        self.collapsed = get(stored, "collapsed", False) == True
        self.view.set_collapsed(self.collapsed)
        position = read_position(stored)
        self.user_placed = position != None
        self.place(position)
        self.bind()
        self.poller.on_connection(self.on_connection)
        self.unsubscribe = self.poller.subscribe(self.on_status)
        self.update_dial()
        self.search.load_recent()

    def unmount(self):
        """Remove the panel and its listeners (the session cancels the timers)."""
        self.listeners.remove_all()
        if self.resize_observer != None:
            self.resize_observer.disconnect()
        if self.unsubscribe != None:
            self.unsubscribe()
        if self.view != None:
            self.view.detach()

    def bind(self):
        view = self.view
        on = self.listeners.on
        on(view.input, "input", self.on_input)
        on(view.input, "focus", self.on_focus)
        on(view.input, "click", self.on_click_box)  # focus may have stayed there: open the list anyway
        on(view.input, "blur", self.close_list)
        on(view.input, "keydown", self.on_key)
        on(view.options, "mousedown", self.on_option_press)
        on(view.dial, "click", self.dial)
        on(view.mute, "click", self.toggle_mute)
        on(view.hold, "click", self.toggle_hold)
        on(view.hangup, "click", self.hangup)
        on(view.toggle, "click", self.toggle_collapsed)
        on(view.header, "mousedown", self.start_drag)
        on(view.root, "mousedown", self.keep_focus)
        on(window, "resize", self.keep_inside)
        on(window, "online", self.poller.wake)  # back online: poll now instead of after the backoff
        if window.ResizeObserver:
            # The panel grows with the call block and the option list: keep all of it on screen.
            self.resize_observer = __new__(ResizeObserver(self.keep_inside))
            self.resize_observer.observe(self.view.root)

    # -- the agent's status ---------------------------------------------------------------

    def on_status(self, call):
        if self.call.in_call and not call.in_call:
            self.search.load_recent()  # the call that just ended is now a recent contact
        if call.in_call and call.unique_id != self.call_id:
            # A call announced by a long poll the server held (or after the first answer) began while
            # we watched: its start is "now". A first answer given at once may be a call in progress.
            fresh = self.poller.answers > 1 or self.poller.last_wait_ms >= HELD_POLL_MS
            self.offset_ms = clock_offset_ms(call.timestamp, now_ms(), fresh)
        self.call_id = call.unique_id if call.in_call else None
        self.call = call
        self.overrides = {"is_mute": None, "is_hold": None}
        self.render_call()
        self.update_dial()

    def on_connection(self, error):
        self.view.set_connection(error_text(self.amocrm, error) if error != None else None)

    def render_call(self):
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
        self.render_controls()
        self.tick()
        if self.tick_timer == None:
            self.tick_timer = self.timers.interval(self.tick, TICK_MS)

    def render_controls(self):
        self.view.set_call_controls(self.flag("is_mute"), self.flag("is_hold"))

    def tick(self):
        self.view.set_timer(format_duration(elapsed_seconds(self.call.timestamp, now_ms(), self.offset_ms)))

    # -- commands -------------------------------------------------------------------------

    def fail(self, error):
        """Show why a command failed, for a few seconds."""
        self.view.set_alert(error_text(self.amocrm, error))
        self.timers.cancel(self.message_timer)
        self.message_timer = self.timers.timeout(lambda: self.view.set_alert(None), MESSAGE_MS)

    def current_action(self):
        return dial_action(self.call.in_call, self.contact, self.view.input.value, MIN_LENGTH_INTERNAL_NUMBER)

    def update_dial(self):
        self.view.set_dial_button(self.current_action() != None and not self.pending, self.call.in_call)

    async def dial(self):
        """The call button: call the contact or number, or transfer the current call to it."""
        action = self.current_action()
        if action == None or self.pending:
            return
        self.close_list()
        self.pending = True
        self.update_dial()
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
                self.fail(error)
        self.pending = False
        self.update_dial()

    def flag(self, name):
        """``is_mute``/``is_hold`` as shown: the optimistic value until the next status arrives."""
        override = self.overrides[name]
        return override if override != None else (self.call.is_mute if name == "is_mute" else self.call.is_hold)

    def toggle_mute(self, event):
        return self.toggle("is_mute", self.client.set_mute)

    def toggle_hold(self, event):
        return self.toggle("is_hold", self.client.set_hold)

    async def toggle(self, name, command):
        """Flip a call flag at once; the server's next status confirms it, a failure reverts it."""
        value = not self.flag(name)
        self.overrides[name] = value
        self.render_controls()
        try:
            await command(value)
        except AnyError as error:
            if not isinstance(error, Cancelled):
                self.overrides[name] = None
                self.render_controls()
                self.fail(error)

    async def hangup(self):
        try:
            await self.client.hangup()
        except AnyError as error:
            if not isinstance(error, Cancelled):
                self.fail(error)

    # -- search and the option list --------------------------------------------------------

    def on_input(self, event):
        self.contact = None
        self.list_open = True
        self.search.query(self.view.input.value)
        self.update_dial()

    def on_focus(self, event):
        self.list_open = True
        self.search.query(self.view.input.value)

    def on_click_box(self, event):
        if not self.list_open:
            self.on_focus(event)

    def show_search(self, kind, contacts, error):
        if not self.list_open:
            return
        self.view.set_loading(kind == "loading")
        if kind == "loading":
            return
        self.contacts = contacts
        self.active = -1
        if kind == "error":
            self.view.show_options(None, [], error_text(self.amocrm, error), -1)
        elif kind == "recent":
            self.view.show_options(self.amocrm.i18n("domain.amocrm.panel.last_contacts"), contacts, None, -1)
        else:
            self.view.show_options(None, contacts, self.amocrm.i18n("domain.amocrm.panel.no_contacts"), -1)

    def close_list(self, event=None):
        self.list_open = False
        self.active = -1
        self.search.cancel()
        self.view.set_loading(False)
        self.view.close_options()

    def select(self, index):
        contact = self.contacts[index]
        self.contact = contact
        self.view.input.value = contact["name"] if len(contact["name"]) > 0 else contact["phone"]
        self.close_list()
        self.update_dial()

    def keep_focus(self, event):
        """A press on the panel (not in the search box) must not blur it: the list would close,
        the panel would shrink and move, and the button under the pointer would miss the click."""
        if event.target != self.view.input:
            event.preventDefault()

    def on_option_press(self, event):
        event.preventDefault()  # keep the focus in the search box
        option = event.target.closest(".asng-option")
        if option != None:
            self.select(int(option.getAttribute("data-index")))

    def on_key(self, event):
        key = event.key
        if key == "ArrowDown" or key == "ArrowUp":
            event.preventDefault()
            if not self.list_open:
                self.on_focus(event)  # the options shown are not fresh yet: only open the list
                return
            self.active = move_index(self.active, len(self.contacts), 1 if key == "ArrowDown" else -1)
            self.view.set_active(self.active)
        elif key == "Enter":
            event.preventDefault()
            if self.list_open and self.active >= 0 and self.active < len(self.contacts):
                self.select(self.active)
            else:
                self.dial()
        elif key == "Escape" and self.list_open:
            event.preventDefault()
            self.close_list()

    # -- place, drag, collapse --------------------------------------------------------------

    def place(self, position):
        """Put the panel at ``position`` kept inside the window; None: the default bottom-right."""
        size = self.view.size()
        width = window.innerWidth
        height = window.innerHeight
        if position == None or not self.user_placed:
            position = default_position(size[0], size[1], width, height)
        else:
            position = clamp_position(position[0], position[1], size[0], size[1], width, height)
        self.position = position
        self.view.set_position(position[0], position[1])

    def keep_inside(self, event):
        self.place(self.position)

    def save_state(self):
        state = {"collapsed": self.collapsed}
        if self.user_placed:  # the default spot follows the window's corner: not a position to keep
            state["left"] = int(self.position[0])
            state["top"] = int(self.position[1])
        save(STORAGE_KEY, state)

    def toggle_collapsed(self, event):
        self.collapsed = not self.collapsed
        if self.collapsed:
            self.close_list()
        self.view.set_collapsed(self.collapsed)
        self.place(self.position)
        self.save_state()

    def start_drag(self, event):
        if event.button != 0 or self.view.toggle.contains(event.target):
            return
        event.preventDefault()
        self.end_drag(None)  # a drag whose mouseup never came
        self.drag = [event.clientX - self.position[0], event.clientY - self.position[1]]
        self.drag_listeners = [self.listeners.on(document, "mousemove", self.on_drag),
                               self.listeners.on(document, "mouseup", self.end_drag)]

    def on_drag(self, event):
        self.user_placed = True
        self.place([event.clientX - self.drag[0], event.clientY - self.drag[1]])

    def end_drag(self, event):
        if len(self.drag_listeners) == 0:
            return
        for off in self.drag_listeners:
            off()
        self.drag_listeners = []
        self.save_state()
