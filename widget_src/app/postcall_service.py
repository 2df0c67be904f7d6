"""The post-call card's service: the outbox in localStorage, the card, and the sender.

Runs in postcall.js. Every change goes to the outbox first (read, change, write: another tab may
have written meanwhile), so nothing typed is lost on a reload, a crash or a new call. The sender
takes one queued item at a time under a lease and, where the browser has them, a Web Lock; before
every write it checks amoCRM for that write (a lost answer, a double Save, another tab), so each
note, task and contact is written once (core/postcall_outbox.py).
"""

from postcall_constants import CARD_STYLES

from core.jscompat import AnyError, get, now_ms
from core.postcall_logic import (
    DUE_HOUR,
    classify,
    created_id,
    digits_of,
    due_ms,
    find_contact,
    find_note,
    find_task,
    found_contacts,
)
from core.postcall_outbox import (
    DRAFT,
    FAILED,
    attempt_key,
    drop_item,
    find_call,
    find_item,
    is_done,
    is_ready,
    mark_done,
    new_item,
    next_step,
    next_wake_ms,
    pending_count,
    prune_drafts,
    put_item,
    queue,
    read_outbox,
    record_answer,
    release,
    retry,
    storage_key,
    take,
)
from edge.amocrm_rest import AmoRest
from edge.dom import Listeners
from edge.logger import report_bug
from edge.storage import load, save
from edge.timers import Timers
from ui.postcall.card import Card

STYLE_ID = "asng-card-styles"
SAVED_SHOWN_MS = 1500
TAB_KEY = "asng.postcall.tab"


def _offset_min():
    return __new__(Date()).getTimezoneOffset()


def _tab_id():
    """This tab's id, kept across reloads (sessionStorage is per tab): a reloaded page takes over
    the items its previous page was sending instead of waiting for their lease to run out."""
    tab = None
    try:
        tab = window.sessionStorage.getItem(TAB_KEY)
        if tab == None:
            tab = "tab-" + str(now_ms()) + "-" + str(Math.floor(Math.random() * 1000000))
            window.sessionStorage.setItem(TAB_KEY, tab)
    except AnyError:
        tab = "tab-" + str(now_ms()) + "-" + str(Math.floor(Math.random() * 1000000))
    return tab


class PostcallService:
    """The card's whole life in one page: ``host`` is script.js's plain interface."""

    def __init__(self, host):
        self.host = host
        self.user_id = str(host["user_id"])
        self.key = storage_key(self.user_id)
        self.owner = _tab_id()
        self.timers = Timers()
        self.listeners = Listeners()
        self.api = AmoRest(host["rest"], self.timers)
        self.card = None
        self.sending = False
        self.wake_timer = None
        self.choices = {}  # item id -> [kind, candidates] of the unknown caller's part
        self.stopped = False

    def i18n(self, key):
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
        outbox = self._load()
        prune_drafts(outbox, None)
        self._save(outbox)
        self.listeners.on(window, "storage", self._on_storage)
        self._changed(outbox)
        self.pump()

    def stop(self):
        """Stop everything: timers, listeners, answers still on their way; remove the card."""
        self.stopped = True
        self.api.close()
        self.timers.cancel_all()
        self.listeners.remove_all()
        if self.card != None:
            self.card.destroy()
        style = document.getElementById(STYLE_ID)
        if style != None:
            style.parentNode.removeChild(style)

    # -- the outbox -------------------------------------------------------------------------

    def _load(self):
        return read_outbox(load(self.key))

    def _save(self, outbox):
        save(self.key, outbox)

    def _change(self, item_id, change):
        """Read the outbox, apply ``change(item)`` to the item, write it back; the item or None."""
        outbox = self._load()
        item = find_item(outbox, item_id)
        if item == None:
            return None
        change(item)
        put_item(outbox, item)
        self._save(outbox)
        return item

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

    def _on_storage(self, event):
        if event.key == self.key and not self.stopped:
            self._changed(self._load())
            self.pump()

    # -- the agent's actions ----------------------------------------------------------------

    def call_ended(self, call):
        """A call just ended: open its card (a card on screen keeps its draft in the outbox)."""
        outbox = self._load()
        call_id = get(call, "unique_id", "")
        if is_done(outbox, call_id):
            return
        item = find_call(outbox, call_id)
        if item == None:
            default_text = self.i18n("domain.amocrm.postcall.task_default")
            item = new_item("call-" + call_id, call, now_ms(), default_text)
            put_item(outbox, item)
        prune_drafts(outbox, item["id"])  # the last card's draft stays only if something was typed
        self._save(outbox)
        self._open(item)

    def _open(self, item):
        self.card.open(item)
        self.card.show_unsent(0)
        if item["state"] == DRAFT and item["contact_id"] == None:
            self._find_contact(item)

    def open_first(self):
        """The indicator was pressed: show the oldest unsaved result."""
        outbox = self._load()
        for item in outbox["items"]:
            self._open(item)
            return

    def edit(self, item_id, key, value):
        """The agent changed a field: keep it at once."""
        def change(item):
            item[key] = value
        item = self._change(item_id, change)
        if item != None and (key == "task_on" or key == "due_preset"):
            self.card.refresh(item, None)

    def pick(self, item_id, contact_id):
        """The agent chose one of several contacts with the caller's number."""
        choice = get(self.choices, item_id, None)
        chosen = None
        for found in choice[1] if choice != None else []:
            if found["id"] == contact_id:
                chosen = found

        def change(item):
            item["contact_id"] = contact_id
            item["contact_name"] = chosen["name"] if chosen != None else ""
        self._change(item_id, change)

    def skip(self, item_id):
        """Skip (Escape): drop an unsaved draft; a result being saved only leaves the screen."""
        outbox = self._load()
        item = find_item(outbox, item_id)
        if item != None and item["state"] == DRAFT:
            drop_item(outbox, item_id)
            self._save(outbox)
        self.card.close()
        self._changed(outbox)

    def save(self, item_id):
        """Save (Ctrl+Enter): check the card, then queue it for sending (twice is once)."""
        outbox = self._load()
        item = find_item(outbox, item_id)
        if item == None:
            self.card.close()
            return
        if item["state"] == FAILED:
            retry(item, now_ms())
        elif item["state"] != DRAFT:
            return  # already being saved: a double click, or the other tab's Save
        else:
            problem = self._problem(item)
            if problem != None:
                self.card.refresh(item, problem)
                return
            due = due_ms(item["due_preset"], now_ms(), _offset_min(), item["due_custom"])
            queue(item, (due // 1000) if item["task_on"] == True else None, now_ms())
            if item["contact_id"] == None:
                item["create_name"] = item["create_name"].strip()
        put_item(outbox, item)
        self._save(outbox)
        self.card.refresh(item, None)
        self.pump()

    def _problem(self, item):
        """Why the card cannot be saved as it is, or None."""
        note = (item["note"] or "").strip()
        if len(note) == 0 and item["task_on"] != True:
            return self.i18n("domain.amocrm.postcall.error_empty")
        if item["contact_id"] == None and len((get(item, "create_name", "") or "").strip()) == 0:
            return self.i18n("domain.amocrm.postcall.error_contact")
        if item["task_on"] == True:
            due = due_ms(item["due_preset"] or DUE_HOUR, now_ms(), _offset_min(), item["due_custom"])
            if due == None:
                return self.i18n("domain.amocrm.postcall.error_due")
            if len((item["task_text"] or "").strip()) == 0:
                item["task_text"] = self.i18n("domain.amocrm.postcall.task_default")
        return None

    # -- the unknown caller -----------------------------------------------------------------

    async def _find_contact(self, item):
        try:
            await self._search(item)
        except AnyError as error:  # never a rejected promise in amoCRM's page
            report_bug("post-call contact search", error)

    async def _search(self, item):
        item_id = item["id"]
        digits = digits_of(item["phone"])
        if len(digits) == 0:
            self._choice(item_id, "create", [])
            return
        self._choice(item_id, "searching", [])
        answer = await self.api.search(digits)
        if self.stopped:
            return
        if answer["status"] != 200 and answer["status"] != 204:
            self._choice(item_id, "search_failed", [])
            return
        found = found_contacts(answer["status"], answer["body"])
        if len(found) == 1:
            def change(changed):
                changed["contact_id"] = found[0]["id"]
                changed["contact_name"] = found[0]["name"]
            self._change(item_id, change)
            self._choice(item_id, "none", found)
        elif len(found) > 1:
            self._choice(item_id, "pick", found)
        else:
            self._choice(item_id, "create", [])

    def _choice(self, item_id, kind, candidates):
        self.choices[item_id] = [kind, candidates]
        item = find_item(self._load(), item_id)
        if item != None:
            self.card.show_choice(item, kind, candidates)

    # -- the sender -------------------------------------------------------------------------

    def pump(self):
        """Send what is due, one write at a time; sleep until the next retry."""
        if self.sending or self.stopped:
            return
        self.sending = True
        self._send_all()

    async def _send_all(self):
        try:
            while not self.stopped:
                outbox = self._load()
                ready = None
                for item in outbox["items"]:
                    if ready == None and is_ready(item, self.owner, now_ms()):
                        ready = item
                if ready == None:
                    break
                await self._advance(ready["id"])
        except AnyError as error:
            report_bug("post-call sender", error)
        self.sending = False
        if self.stopped:
            return
        wake = next_wake_ms(self._load(), self.owner, now_ms())
        self.timers.cancel(self.wake_timer)
        self.wake_timer = None
        if wake != None:
            self.wake_timer = self.timers.timeout(self.pump, max(0, wake - now_ms()) + 10)

    def _advance(self, item_id):
        """One step of one item, under the page's Web Lock for this outbox when the browser has one.

        localStorage alone cannot keep two tabs from sending the same item (each tab may read the
        other's writes late); the lock makes the check-then-write of one step exclusive, and the
        check (in amoCRM, not in localStorage) sees what the other tab wrote.
        """
        locks = None
        # __pragma__ ('ecom')
        #?__pragma__ ('js', '{}', 'var nav = typeof navigator !== "undefined" ? navigator : null;')
        #?__pragma__ ('js', '{}', 'locks = nav && nav.locks ? nav.locks : null;')
        # __pragma__ ('noecom')
        if locks == None:
            return self._advance_locked(item_id)
        return locks.request(self.key, lambda lock: self._advance_locked(item_id))

    async def _advance_locked(self, item_id):
        """Check amoCRM for the step's write (a lost answer, another tab), then write it if missing."""
        outbox = self._load()
        item = find_item(outbox, item_id)
        if item == None or not is_ready(item, self.owner, now_ms()):
            return
        step = next_step(item)
        if step == None:
            mark_done(outbox, item)
            self._save(outbox)
            self._done(item_id)
            return
        take(item, self.owner, now_ms())
        put_item(outbox, item)
        self._save(outbox)
        answer = await self._check(step, item, item["created_ms"] // 1000)
        if self.stopped:
            return
        if answer["found"] != None or answer["verdict"]["kind"] != "ok":
            self._record(item_id, step, answer["verdict"], answer["found"])
            return

        def mark(changed):
            changed[attempt_key(step)] = now_ms()
        self._change(item_id, mark)
        answer = await self._write(step, item)
        if self.stopped:
            return
        verdict = classify(answer["status"], answer["body"], answer["retry_after"])
        entity = "contacts" if step == "contact" else step + "s"
        new_id = created_id(answer["body"], entity)
        if verdict["kind"] == "ok" and new_id == None:
            verdict = classify(0, None, None)  # an answer without the id: check before retrying
        self._record(item_id, step, verdict, new_id)

    def _record(self, item_id, step, verdict, new_id):
        outcome = [None]

        def change(item):
            outcome[0] = record_answer(item, step, verdict, new_id, now_ms())
            if outcome[0] != "next":
                release(item)
        item = self._change(item_id, change)
        if item != None:
            self.card.refresh(item, None)

    def _done(self, item_id):
        outbox = self._load()
        if self.card.showing() == item_id:
            self.card.saved()
            self.timers.timeout(lambda: self._close_saved(item_id), SAVED_SHOWN_MS)
        self.card.show_unsent(pending_count(outbox))

    def _close_saved(self, item_id):
        if self.card.showing() == item_id:
            self.card.close()
            self._changed(self._load())

    def _write(self, step, item):
        if step == "contact":
            return self.api.create_contact(item["create_name"], item["phone"])
        if step == "note":
            return self.api.add_note(item["contact_id"], item["note"].strip())
        return self.api.add_task(item["task_text"].strip(), item["due_s"], item["contact_id"], self.user_id)

    async def _check(self, step, item, since_s):
        """Is ``step``'s write already in amoCRM (made after ``since_s``, the card's time)?
        ``{found, verdict}``."""
        if step == "contact":
            answer = await self.api.search(digits_of(item["phone"]))
        elif step == "note":
            answer = await self.api.notes(item["contact_id"])
        else:
            answer = await self.api.tasks(item["contact_id"])
        verdict = classify(answer["status"], answer["body"], answer["retry_after"])
        found = None
        if verdict["kind"] == "ok":
            if step == "contact":
                found = find_contact(found_contacts(answer["status"], answer["body"]), item["create_name"])
            elif step == "note":
                found = find_note(answer["body"], item["note"].strip(), self.user_id, since_s)
            else:
                found = find_task(answer["body"], item["task_text"].strip(), item["due_s"],
                                  item["contact_id"], self.user_id)
        return {"found": found, "verdict": verdict}
