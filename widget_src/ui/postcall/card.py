"""The post-call card's behaviour: one call result on screen, its fields, keys and state.

The card edits one outbox item through ``actions`` (the service's functions: ``edit(id, key,
value)``, ``save(id)``, ``skip(id)``, ``pick(id, contact)``, ``open_first()``); the service sends
and tells the card what happened with :meth:`Card.refresh`. Every listener comes from one
:class:`Listeners`, so :meth:`Card.close` leaves nothing behind.
"""

from core.jscompat import get
from core.postcall_logic import DUE_CUSTOM, field_name, local_text
from core.postcall_outbox import DRAFT, FAILED, QUEUED, editable_parts
from edge.dom import Listeners
from ui.postcall.view import CardView, Indicator


def _typing_elsewhere(root):
    """True when the agent is typing in a field of the page outside the card."""
    active = document.activeElement
    if active == None or root.contains(active):
        return False
    tag = str(active.tagName or "").lower()
    return tag == "input" or tag == "textarea" or tag == "select" or active.isContentEditable == True


def _expand_panel(mount):
    """A collapsed panel is expanded (with its own toggle, which remembers it): a call result
    needs the agent's eyes."""
    panel = mount.closest(".asng-panel")
    if panel != None and panel.classList.contains("asng-panel--collapsed"):
        toggle = panel.querySelector(".asng-panel__toggle")
        if toggle != None:
            toggle.click()


class Card:
    """The card and the unsaved-results indicator inside the call panel's body (``mount``)."""

    def __init__(self, i18n, mount, actions, clock):
        self.i18n = i18n
        self.mount = mount
        self.actions = actions
        self.clock = clock  # [now_ms(), timezone offset in minutes]
        self.view = None
        self.item_id = None
        self.listeners = Listeners()
        self.create_field = None
        self.indicator = Indicator(mount)
        self.indicator_off = Listeners()
        self.indicator_off.on(self.indicator.root, "click", lambda event: self.actions["open_first"]())

    def showing(self):
        """The id of the item on screen, or None."""
        return self.item_id

    def open(self, item):
        """Show ``item`` (a new card replaces the one on screen; its draft stays in the outbox)."""
        self.close()
        self.item_id = item["id"]
        view = CardView(self.i18n, item)
        self.view = view
        view.attach(self.mount)
        on = self.listeners.on
        on(view.note, "input", lambda event: self.actions["edit"](self.item_id, "note", view.note.value))
        on(view.task_text, "input",
           lambda event: self.actions["edit"](self.item_id, "task_text", view.task_text.value))
        on(view.task_on, "change", self._on_toggle)
        on(view.picker, "change",
           lambda event: self.actions["edit"](self.item_id, "due_custom", view.picker.value))
        for button in view.presets:
            on(button, "click", self._on_preset)
        on(view.save, "click", lambda event: self.actions["save"](self.item_id))
        on(view.skip, "click", lambda event: self.actions["skip"](self.item_id))
        on(view.contact, "change", self._on_pick)
        on(view.root, "keydown", self._on_key)
        view.show_who(item["contact_name"], item["contact_id"], item["phone"])
        self.refresh(item, None)
        _expand_panel(self.mount)
        if not _typing_elsewhere(view.root):
            view.note.focus()

    def _on_toggle(self, event):
        self.actions["edit"](self.item_id, "task_on", self.view.task_on.checked == True)

    def _on_preset(self, event):
        preset = event.currentTarget.getAttribute("data-preset")
        self.actions["edit"](self.item_id, "due_preset", preset)
        if preset == DUE_CUSTOM:
            self.view.picker.focus()

    def _on_pick(self, event):
        target = event.target
        if target.classList.contains("asng-card__pick") and target.checked:
            self.actions["pick"](self.item_id, target.value)

    def _on_key(self, event):
        if event.key == "Enter" and (event.ctrlKey or event.metaKey):
            event.preventDefault()
            self.actions["save"](self.item_id)
        elif event.key == "Escape":
            event.preventDefault()
            self.actions["skip"](self.item_id)

    def show_choice(self, item, kind, candidates):
        """The unknown caller's part: searching, a list to pick from, or the create field."""
        if self.view == None or item["id"] != self.item_id:
            return
        self.view.show_who(item["contact_name"], item["contact_id"], item["phone"])
        name = get(item, "create_name", None)
        prefill = name if name != None else item["phone"]
        self.create_field = self.view.show_contact_choice(kind, candidates, prefill)
        if self.create_field != None:
            field = self.create_field
            self.listeners.on(field, "input",
                              lambda event: self.actions["edit"](self.item_id, "create_name", field.value))
            self.actions["edit"](self.item_id, "create_name", field.value)

    def refresh(self, item, problem):
        """Show ``item``'s state; ``problem`` is a local message (the card refused to save) or None."""
        if self.view == None or item["id"] != self.item_id:
            return
        view = self.view
        clock = self.clock()
        # Another tab of the agent may have typed into this call's card: show its text here, or
        # typing on would send this card's stale copy over it (every edit sends the whole field).
        view.show_fields(item["note"] or "", item["task_on"] == True, item["task_text"] or "")
        view.show_task(item["task_on"] == True, item["due_preset"],
                       item["due_custom"] or local_text(clock[0] + 86400000, clock[1]))
        state = item["state"]
        error = get(item, "error", None)
        if problem != None:
            view.show_status(problem, "error")
        elif state == QUEUED and error == None:
            view.show_status(self.i18n("domain.amocrm.postcall.saving"), "busy")
        elif state == QUEUED and error["kind"] == "rate":
            seconds = str(max(1, (item["next_ms"] - clock[0] + 999) // 1000))
            text = self.i18n("domain.amocrm.postcall.error_rate")
            view.show_status(text.replace("{seconds}", seconds), "busy")
        elif state == QUEUED:
            view.show_status(self.i18n("domain.amocrm.postcall.error_retrying"), "busy")
        elif state == FAILED and error != None and error["kind"] == "auth":
            view.show_status(self.i18n("domain.amocrm.postcall.error_auth"), "error")
        elif state == FAILED and error != None:
            text = self.i18n("domain.amocrm.postcall.error_field")
            view.show_status(text.replace("{field}", field_name(error["field"]) or error["step"])
                             .replace("{detail}", error["detail"]), "error")
        else:
            view.show_status("", None)
        view.set_state(editable_parts(item), state == QUEUED, state == FAILED, state != DRAFT)

    def saved(self):
        """amoCRM confirmed the item on screen."""
        if self.view != None:
            self.view.show_status(self.i18n("domain.amocrm.postcall.saved"), "done")
            self.view.set_state({"note": False, "task": False}, True, False, True)

    def show_unsent(self, count):
        """The indicator: ``count`` call results not saved yet (hidden for none or while a card is open)."""
        if count == 0 or self.view != None:
            self.indicator.show(None)
        elif count == 1:
            self.indicator.show(self.i18n("domain.amocrm.postcall.unsent_one"))
        else:
            text = self.i18n("domain.amocrm.postcall.unsent_many")
            self.indicator.show(text.replace("{count}", str(count)))

    def close(self):
        """Remove the card on screen (its item stays in the outbox unless the service dropped it)."""
        self.listeners.remove_all()
        if self.view != None:
            self.view.detach()
        self.view = None
        self.item_id = None
        self.create_field = None

    def destroy(self):
        """Remove the card and the indicator."""
        self.close()
        self.indicator_off.remove_all()
        self.indicator.detach()
