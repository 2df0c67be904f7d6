"""The post-call outbox: every draft and every unsent save, kept until amoCRM confirms it.

The outbox is one JSON value per amoCRM user (kept in localStorage by the card): ``{"items":
[...], "done": [call ids]}``. An item is one call's result: the call, what the agent typed, and
how far saving it got (the ids amoCRM gave). These functions decide; they do no I/O.

Saving one item is a sequence of steps, each one write: ``contact`` (create the contact, when the
caller was unknown), ``note``, ``task``. Before a write the item records the attempt's time; a
write whose answer never came (network failure, 5xx) is checked for in amoCRM before it is sent
again, so a lost answer, a double click or two tabs never make two notes or tasks.
"""

from core.jscompat import get, is_list, is_object, is_string
from core.postcall_logic import entity_id_text

DRAFT = "draft"  # shown in a card, not saved yet
QUEUED = "queued"  # the agent pressed Save: being sent, retried automatically
FAILED = "failed"  # amoCRM refused it (rights, a field): waits for the agent's Retry
# One request may take this long before the page gives up on it (edge/amocrm.py's REST_TIMEOUT_MS).
REQUEST_MS = 15000
# A tab sending an item holds it this long, renewed before the check and again before the write of
# every step: longer than a check and a write together, so no other tab takes the item meanwhile.
LEASE_MS = 2 * REQUEST_MS + 10000
# An empty draft this old is a leftover (a tab closed with its card open): the card's start drops it.
# Younger ones may be on screen in another tab.
STALE_DRAFT_MS = 12 * 3600000
RATE_GAP_MS = 150  # at most 7 requests per second (amoCRM's limit)
FIRST_RETRY_MS = 1000
MAX_RETRY_MS = 60000
MAX_DONE = 20
STEPS = ["contact", "note", "task"]


def empty_outbox():
    """An outbox with nothing in it."""
    return {"items": [], "done": []}


def read_outbox(raw):
    """The outbox in a stored value; anything unreadable is dropped, never an error."""
    if not is_object(raw):
        return empty_outbox()
    items = []
    for item in get(raw, "items", []) if is_list(get(raw, "items", None)) else []:
        if is_object(item) and is_string(get(item, "id", None)) and is_string(get(item, "state", None)):
            item["contact_id"] = entity_id_text(get(item, "contact_id", None))
            items.append(item)
    done = get(raw, "done", [])
    return {"items": items, "done": [d for d in done if is_string(d)] if is_list(done) else []}


def new_item(item_id, call, now_ms, task_text):
    """A fresh draft for ``call`` (``unique_id``, ``contact_id``, ``contact_name``, ``phone``,
    ``duration_s``)."""
    return {
        "id": item_id, "call_id": get(call, "unique_id", "") or "", "created_ms": now_ms,
        "phone": get(call, "phone", "") or "", "contact_id": entity_id_text(get(call, "contact_id", None)),
        "contact_name": get(call, "contact_name", "") or "", "duration_s": get(call, "duration_s", 0),
        "note": "", "task_on": False, "task_text": task_text, "due_preset": "tomorrow", "due_custom": "",
        "due_s": None, "create_name": None, "state": DRAFT, "note_id": None, "task_id": None,
        "attempt_contact": None, "attempt_note": None, "attempt_task": None, "error": None, "tries": 0,
        "next_ms": 0, "lease_owner": None, "lease_until": 0,
    }


def find_item(outbox, item_id):
    """The item with ``item_id``, or None."""
    for item in outbox["items"]:
        if item["id"] == item_id:
            return item
    return None


def find_call(outbox, call_id):
    """The item of the call ``call_id``, or None."""
    for item in outbox["items"]:
        if get(item, "call_id", None) == call_id:
            return item
    return None


def put_item(outbox, item):
    """Store ``item`` (replacing the one with its id)."""
    for index in range(len(outbox["items"])):
        if outbox["items"][index]["id"] == item["id"]:
            outbox["items"][index] = item
            return
    outbox["items"].append(item)


def drop_item(outbox, item_id):
    """Remove the item with ``item_id`` (a skipped draft)."""
    outbox["items"] = [item for item in outbox["items"] if item["id"] != item_id]


def mark_done(outbox, item):
    """amoCRM confirmed every write of ``item``: forget it, remember its call as saved."""
    drop_item(outbox, item["id"])
    call_id = get(item, "call_id", "")
    if len(call_id) > 0 and call_id not in outbox["done"]:
        outbox["done"].append(call_id)
    while len(outbox["done"]) > MAX_DONE:
        outbox["done"].pop(0)


def is_done(outbox, call_id):
    """True when the result of call ``call_id`` was saved (in this or another tab)."""
    return call_id in outbox["done"]


def has_content(item):
    """True when the agent typed a note or asked for a task."""
    note = get(item, "note", "")
    return (is_string(note) and len(note.strip()) > 0) or get(item, "task_on", False) == True


def pending_count(outbox):
    """How many call results are not saved yet (queued, refused, or a draft with something typed)."""
    count = 0
    for item in outbox["items"]:
        if item["state"] != DRAFT or has_content(item):
            count = count + 1
    return count


def prune_drafts(outbox, keep_id):
    """Drop drafts with nothing typed, except the one shown (``keep_id``)."""
    outbox["items"] = [item for item in outbox["items"]
                       if item["state"] != DRAFT or has_content(item) or item["id"] == keep_id]


def prune_stale_drafts(outbox, now_ms):
    """Drop drafts with nothing typed made STALE_DRAFT_MS ago or more (another tab may be showing a
    younger one); True when something was dropped."""
    kept = [item for item in outbox["items"] if item["state"] != DRAFT or has_content(item)
            or get(item, "created_ms", 0) > now_ms - STALE_DRAFT_MS]
    dropped = len(kept) != len(outbox["items"])
    outbox["items"] = kept
    return dropped


def content_of(item):
    """What the agent typed on ``item``'s card: ``{note, task_on, task_text}``."""
    return {"note": get(item, "note", "") or "", "task_on": get(item, "task_on", False) == True,
            "task_text": get(item, "task_text", "") or ""}


def may_drop(item, seen):
    """Skip may drop ``item``: a draft with nothing typed, or whose content is all the card saw
    (``seen``: :func:`content_of` the item when the card opened it, or after its own last edit).

    Another tab may have typed into the same call's card since: that text is not the skipping
    card's to drop (it stays in the outbox, and on the other tab's card).
    """
    if item["state"] != DRAFT:
        return False
    if not has_content(item):
        return True
    if seen == None:
        return False
    now = content_of(item)
    return (now["note"] == seen["note"] and now["task_on"] == seen["task_on"]
            and now["task_text"] == seen["task_text"])


def editable_parts(item):
    """Which parts of ``item``'s card the agent may still change: ``{note, task}`` (a part amoCRM
    already has is not sent again; nothing while the item is being sent)."""
    idle = item["state"] != QUEUED
    return {"note": idle and get(item, "note_id", None) == None,
            "task": idle and get(item, "task_id", None) == None}


def queue(item, due_s, now_ms):
    """The agent pressed Save: send ``item`` now (``due_s``: the task's deadline, fixed from now on)."""
    item["state"] = QUEUED
    item["due_s"] = due_s
    item["error"] = None
    item["tries"] = 0
    item["next_ms"] = now_ms


def next_step(item):
    """The next write of ``item``: ``contact``, ``note``, ``task``, or None when all are confirmed."""
    if get(item, "contact_id", None) == None:
        return "contact"
    if len((get(item, "note", "") or "").strip()) > 0 and get(item, "note_id", None) == None:
        return "note"
    if get(item, "task_on", False) == True and get(item, "task_id", None) == None:
        return "task"
    return None


def leased_by_other(item, owner, now_ms):
    """True while another tab is sending ``item``."""
    other = get(item, "lease_owner", None)
    return other != None and other != owner and get(item, "lease_until", 0) > now_ms


def is_ready(item, owner, now_ms):
    """True when this tab may send ``item``'s next write now."""
    return (item["state"] == QUEUED and get(item, "next_ms", 0) <= now_ms
            and not leased_by_other(item, owner, now_ms))


def take(item, owner, now_ms):
    """This tab sends ``item`` for the next LEASE_MS (taken again before each request of a step)."""
    item["lease_owner"] = owner
    item["lease_until"] = now_ms + LEASE_MS


def release(item):
    """This tab stopped sending ``item``."""
    item["lease_owner"] = None
    item["lease_until"] = 0


def retry_delay_ms(tries):
    """The wait before retry number ``tries`` (1, 2 …) after a failure: 1 s doubling to 60 s."""
    delay = FIRST_RETRY_MS
    for _ in range(1, tries):
        delay = delay * 2
        if delay >= MAX_RETRY_MS:
            return MAX_RETRY_MS
    return delay


def attempt_key(step):
    """The item field recording when ``step``'s write was sent without an answer yet."""
    return "attempt_" + step


def id_key(step):
    """The item field holding the id amoCRM gave ``step``'s write."""
    return "contact_id" if step == "contact" else step + "_id"


def record_answer(item, step, verdict, new_id, now_ms):
    """Apply amoCRM's answer to ``step`` (``verdict`` from :func:`core.postcall_logic.classify`).

    Returns ``next`` (go on with the next step), ``wait`` (retry automatically at ``next_ms``) or
    ``stop`` (amoCRM refused: the item waits for the agent).
    """
    kind = verdict["kind"]
    if kind == "ok":
        item[id_key(step)] = new_id
        item[attempt_key(step)] = None
        item["tries"] = 0
        item["error"] = None
        return "next"
    item["error"] = {"kind": kind, "field": verdict["field"], "detail": verdict["detail"], "step": step}
    if kind == "rate":
        item[attempt_key(step)] = None  # refused: nothing was written
        item["next_ms"] = now_ms + verdict["wait_s"] * 1000
        return "wait"
    if kind == "unknown":
        item["tries"] = get(item, "tries", 0) + 1  # the attempt stays: check before sending again
        item["next_ms"] = now_ms + retry_delay_ms(item["tries"])
        return "wait"
    item[attempt_key(step)] = None
    item["state"] = FAILED
    return "stop"


def retry(item, now_ms):
    """The agent pressed Retry on a refused item."""
    item["state"] = QUEUED
    item["error"] = None
    item["tries"] = 0
    item["next_ms"] = now_ms


def next_wake_ms(outbox, owner, now_ms):
    """When this tab should look at the outbox again (None: nothing queued)."""
    wake = None
    for item in outbox["items"]:
        if item["state"] != QUEUED:
            continue
        at = get(item, "next_ms", 0)
        if leased_by_other(item, owner, now_ms):
            at = item["lease_until"]
        if wake == None or at < wake:
            wake = at
    return wake
