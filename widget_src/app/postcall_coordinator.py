"""The post-call card's coordinator: the agent's actions on the card, and the card's whole life.

Runs in postcall.js. Every change goes to the outbox first (app/postcall_outbox_store.py), so
nothing typed is lost on a reload, a crash or a new call; a saved card is queued there for the
sender (app/postcall_sender.py), and an unknown caller is looked up by
app/postcall_caller_lookup.py. This module joins them to the card (ui/postcall/card.py).
"""

from postcall_constants import CARD_STYLES

from app.postcall_caller_lookup import CallerLookup
from app.postcall_outbox_store import OutboxStore
from app.postcall_sender import PostcallSender
from core.jscompat import get, now_ms
from core.postcall_logic import DUE_HOUR, due_ms
from core.postcall_outbox import (
    DRAFT,
    FAILED,
    content_of,
    drop_item,
    find_call,
    find_item,
    is_done,
    may_drop,
    new_item,
    pending_count,
    prune_drafts,
    prune_stale_drafts,
    put_item,
    queue,
)
from edge.amocrm_rest import AmoRest
from edge.dom import Listeners
from edge.timers import Timers
from ui.postcall.card import Card

STYLE_ID = "asng-card-styles"
SAVED_SHOWN_MS = 1500


def _offset_min():
    return __new__(Date()).getTimezoneOffset()


class PostcallCoordinator:
    """The card's whole life in one page: ``host`` is script.js's plain interface."""

    def __init__(self, host):
        self.host = host
        self.user_id = str(host["user_id"])
        self.store = OutboxStore(self.user_id)
        self.timers = Timers()
        self.listeners = Listeners()
        self.api = AmoRest(host["rest"], self.timers)
        self.card = None
        self.seen = None  # what the card on screen showed of its item: at open, or its own last edit
        # Both report to the card, which exists only from start(): the methods look it up when called.
        self.sender = PostcallSender(self.store, self.api, self.timers, self.user_id,
                                     self._written, self._done)
        self.lookup = CallerLookup(self.store, self.api, self._show_choice)
        self.stopped = False

    def i18n(self, key):
        """The text of ``key`` in the agent's language (script.js's i18n)."""
        return self.host["i18n"](key)

    # -- start and stop ---------------------------------------------------------------------

    def start(self):
        """Show the card's parts, pick up unsent results and follow other tabs."""
        if document.getElementById(STYLE_ID) == None:
            style = document.createElement("style")
            style.id = STYLE_ID
            style.textContent = CARD_STYLES
            document.head.appendChild(style)
        actions = {"edit": self.edit, "save": self.save, "skip": self.skip, "pick": self.pick,
                   "open_first": self.open_first}
        self.card = Card(self.i18n, self.host["mount"], actions,
                         lambda: [now_ms(), _offset_min()])
        outbox = self.store.load()
        # Only leftovers: a younger empty draft may be on another tab's screen (and a write here
        # would wake every tab).
        if prune_stale_drafts(outbox, now_ms()):
            self.store.save(outbox)
        self.store.follow(self.listeners, self._on_other_tab)
        self._changed(outbox)
        self.sender.pump()

    def stop(self):
        """Stop everything: timers, listeners, answers still on their way; remove the card."""
        # The flags first: closing the API settles the requests on their way, and what awaits
        # them must then see that the card is gone.
        self.stopped = True
        self.sender.stop()
        self.lookup.stop()
        self.api.close()
        self.timers.cancel_all()
        self.listeners.remove_all()
        if self.card != None:
            self.card.destroy()
        style = document.getElementById(STYLE_ID)
        if style != None:
            style.parentNode.removeChild(style)

    # -- the outbox as other tabs and the sender change it ----------------------------------

    def _changed(self, outbox):
        """Bring the card and the indicator up to date with ``outbox``."""
        shown = self.card.showing()
        if shown != None:
            item = find_item(outbox, shown)
            if item == None:
                self.card.close()
            else:
                self.card.refresh(item, None)
        self.card.show_unsent(pending_count(outbox))

    def _on_other_tab(self):
        if not self.stopped:
            self._changed(self.store.load())
            self.sender.pump()  # the other tab may have queued a result, or given up its lease

    def _written(self, item):
        self.card.refresh(item, None)

    def _show_choice(self, item, kind, candidates):
        self.card.show_choice(item, kind, candidates)

    def _done(self, item_id):
        outbox = self.store.load()
        if self.card.showing() == item_id:
            self.card.saved()
            self.timers.timeout(lambda: self._close_saved(item_id), SAVED_SHOWN_MS)
        self.card.show_unsent(pending_count(outbox))

    def _close_saved(self, item_id):
        if self.card.showing() == item_id:
            self.card.close()
            self._changed(self.store.load())

    # -- the agent's actions ----------------------------------------------------------------

    def call_ended(self, call):
        """A call just ended: open its card (a card on screen keeps its draft in the outbox)."""
        outbox = self.store.load()
        call_id = get(call, "unique_id", "")
        if is_done(outbox, call_id):
            return
        item = find_call(outbox, call_id)
        if item == None:
            default_text = self.i18n("domain.amocrm.postcall.task_default")
            item = new_item("call-" + call_id, call, now_ms(), default_text)
            put_item(outbox, item)
        prune_drafts(outbox, item["id"])  # the last card's draft stays only if something was typed
        self.store.save(outbox)
        self._open(item)

    def _open(self, item):
        self.seen = content_of(item)
        self.card.open(item)
        self.card.show_unsent(0)
        if item["state"] == DRAFT and item["contact_id"] == None:
            self.lookup.find(item)

    def open_first(self):
        """The indicator was pressed: show the oldest unsaved result."""
        outbox = self.store.load()
        for item in outbox["items"]:
            self._open(item)
            return

    def edit(self, item_id, key, value):
        """The agent changed a field: keep it at once."""
        def change(item):
            item[key] = value
        item = self.store.change(item_id, change)
        if item != None and item_id == self.card.showing():
            self.seen = content_of(item)  # the card shows the whole item: it saw what it sends
        if item != None and (key == "task_on" or key == "due_preset"):
            self.card.refresh(item, None)

    def pick(self, item_id, contact_id):
        """The agent chose one of several contacts with the caller's number."""
        chosen = self.lookup.candidate(item_id, contact_id)

        def change(item):
            item["contact_id"] = contact_id
            item["contact_name"] = chosen["name"] if chosen != None else ""
        self.store.change(item_id, change)

    def skip(self, item_id):
        """Skip (Escape): drop an unsaved draft; a result being saved only leaves the screen, and so
        does a draft another tab typed into since this card saw it (that text is not this card's)."""
        outbox = self.store.load()
        item = find_item(outbox, item_id)
        seen = self.seen if item_id == self.card.showing() else None
        if item != None and may_drop(item, seen):
            drop_item(outbox, item_id)
            self.store.save(outbox)
        self.card.close()
        self._changed(outbox)

    def save(self, item_id):
        """Save (Ctrl+Enter): check the card, then queue it for sending (twice is once)."""
        outbox = self.store.load()
        item = find_item(outbox, item_id)
        if item == None:
            self.card.close()
            return
        if item["state"] != DRAFT and item["state"] != FAILED:
            return  # already being saved: a double click, or the other tab's Save
        # Save, and Retry after amoCRM refused: the card as it is now (every edit is in the item),
        # checked, and the task's deadline from the preset as now chosen. A part amoCRM already has
        # keeps its id (its fields are locked on the card) and is not sent again.
        due = None
        if item["task_on"] == True and item["task_id"] == None:
            due = due_ms(item["due_preset"] or DUE_HOUR, now_ms(), _offset_min(), item["due_custom"])
        problem = self._problem(item, due)
        if problem != None:
            self.card.refresh(item, problem)
            return
        if due != None and len((item["task_text"] or "").strip()) == 0:
            item["task_text"] = self.i18n("domain.amocrm.postcall.task_default")
        queue(item, (due // 1000) if due != None else item["due_s"], now_ms())
        if item["contact_id"] == None:
            item["create_name"] = item["create_name"].strip()
        put_item(outbox, item)
        self.store.save(outbox)
        self.card.refresh(item, None)
        self.sender.pump()

    def _problem(self, item, due):
        """Why the card cannot be saved as it is (``due``: the task's deadline in ms), or None."""
        note = (item["note"] or "").strip()
        if len(note) == 0 and item["task_on"] != True:
            return self.i18n("domain.amocrm.postcall.error_empty")
        if item["contact_id"] == None and len((get(item, "create_name", "") or "").strip()) == 0:
            return self.i18n("domain.amocrm.postcall.error_contact")
        if item["task_on"] == True and item["task_id"] == None and due == None:
            return self.i18n("domain.amocrm.postcall.error_due")
        return None
