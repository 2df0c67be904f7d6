"""The post-call sender: writes the results queued in the outbox to amoCRM's REST API.

It takes one queued item at a time under a lease and, where the browser has them, a Web Lock; before
every write it checks amoCRM for that write (a lost answer, a double Save, another tab), so each
note, task and contact is written once (core/postcall_outbox.py). It knows nothing of the card: it
tells its owner of each recorded answer and of each finished item.
"""

from core.jscompat import AnyError, now_ms
from core.postcall_logic import (
    classify,
    created_id,
    digits_of,
    find_contact,
    find_note,
    find_task,
    found_contacts,
)
from core.postcall_outbox import (
    attempt_key,
    find_item,
    is_ready,
    mark_done,
    next_step,
    next_wake_ms,
    put_item,
    record_answer,
    release,
    take,
)
from edge.logger import report_bug


class PostcallSender:
    """Sends ``store``'s outbox through ``api`` (an :class:`edge.amocrm_rest.AmoRest`) as ``user_id``;
    calls ``on_written(item)`` after each answer and ``on_done(item_id)`` when an item is all written."""

    def __init__(self, store, api, timers, user_id, on_written, on_done):
        self.store = store
        self.api = api
        self.timers = timers
        self.user_id = user_id
        self.on_written = on_written
        self.on_done = on_done
        self.sending = False
        self.wake_timer = None
        self.stopped = False
        self.abort = None  # the AbortController of this sender's Web Lock requests

    def pump(self):
        """Send what is due, one write at a time; sleep until the next retry."""
        if self.sending or self.stopped:
            return
        self.sending = True
        self._send_all()

    def stop(self):
        """Send nothing more: an answer still on its way is dropped, the next wake-up cancelled."""
        self.stopped = True
        self.timers.cancel(self.wake_timer)
        self.wake_timer = None
        if self.abort != None:
            self.abort.abort()  # a lock request still waiting goes away (a granted one ends at once)

    async def _send_all(self):
        try:
            while not self.stopped:
                outbox = self.store.load()
                ready = None
                for item in outbox["items"]:
                    if ready == None and is_ready(item, self.store.owner, now_ms()):
                        ready = item
                if ready == None:
                    break
                await self._advance(ready["id"])
        except AnyError as error:  # never a rejected promise in amoCRM's page
            report_bug("post-call sender", error)
        self.sending = False
        if self.stopped:
            return
        wake = next_wake_ms(self.store.load(), self.store.owner, now_ms())
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
        if self.abort == None:
            self.abort = __new__(AbortController())
        options = {"signal": self.abort.signal}
        return locks.request(self.store.key, options,
                             lambda lock: self._advance_locked(item_id)).catch(self._not_granted)

    def _not_granted(self, error):
        """stop() aborted the lock request still waiting: that is no error."""
        if not self.stopped:
            raise error

    async def _advance_locked(self, item_id):
        """Check amoCRM for the step's write (a lost answer, another tab), then write it if missing."""
        if self.stopped:
            return  # the lock came after stop(): give it back at once
        outbox = self.store.load()
        item = find_item(outbox, item_id)
        if item == None or not is_ready(item, self.store.owner, now_ms()):
            return
        step = next_step(item)
        if step == None:
            mark_done(outbox, item)
            self.store.save(outbox)
            self.on_done(item_id)
            return
        take(item, self.store.owner, now_ms())
        put_item(outbox, item)
        self.store.save(outbox)
        answer = await self._check(step, item, item["created_ms"] // 1000)
        if self.stopped:
            return
        if answer["found"] != None or answer["verdict"]["kind"] != "ok":
            self._record(item_id, step, answer["verdict"], answer["found"])
            return

        def mark(changed):
            changed[attempt_key(step)] = now_ms()
            take(changed, self.store.owner, now_ms())  # the write gets a whole lease of its own
        self.store.change(item_id, mark)
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
        item = self.store.change(item_id, change)
        if item != None:
            self.on_written(item)

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
