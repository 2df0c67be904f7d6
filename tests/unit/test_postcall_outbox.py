"""The post-call outbox's decisions under CPython."""

from __future__ import annotations

import ast
from pathlib import Path

from core.postcall_key import storage_key
from core.postcall_logic import classify
from core.postcall_outbox import (
    FAILED,
    LEASE_MS,
    QUEUED,
    RATE_GAP_MS,
    REQUEST_MS,
    STALE_DRAFT_MS,
    content_of,
    editable_parts,
    empty_outbox,
    is_done,
    is_ready,
    leased_by_other,
    mark_done,
    may_drop,
    new_item,
    next_step,
    next_wake_ms,
    pending_count,
    prune_drafts,
    prune_stale_drafts,
    put_item,
    queue,
    read_outbox,
    record_answer,
    retry_delay_ms,
    take,
)

CALL = {"unique_id": "u1", "contact_id": "5", "contact_name": "Ann", "phone": "+7900", "duration_s": 65}


def _queued(note: str = "hi", task: bool = True) -> dict:
    item = new_item("d1", CALL, 1000, "Call back")
    item["note"], item["task_on"] = note, task
    queue(item, 1700003600, 2000)
    return item


def test_steps_go_contact_note_task() -> None:
    item = _queued()
    assert next_step(item) == "note"
    item["note_id"] = "1"
    assert next_step(item) == "task"
    item["task_id"] = "2"
    assert next_step(item) is None
    unknown = new_item("d2", {**CALL, "contact_id": None}, 1, "x")
    assert next_step(unknown) == "contact"


def test_an_empty_note_is_not_sent() -> None:
    assert next_step(_queued(note="   ")) == "task"


def test_a_lost_answer_keeps_the_attempt_so_the_retry_checks_first() -> None:
    """Catches clearing the attempt on a 5xx/network failure: the retry would POST a second note."""
    item = _queued()
    item["attempt_note"] = 2000
    assert record_answer(item, "note", classify(0, None, None), None, 3000) == "wait"
    assert item["attempt_note"] == 2000 and item["state"] == QUEUED
    assert item["next_ms"] == 4000 and item["tries"] == 1


def test_429_waits_amocrms_delay_and_forgets_the_attempt() -> None:
    item = _queued()
    item["attempt_note"] = 2000
    assert record_answer(item, "note", classify(429, {"retry_after": 3}, None), None, 3000) == "wait"
    assert item["next_ms"] == 6000 and item["attempt_note"] is None


def test_rights_and_fields_stop_for_the_agent_and_keep_the_text() -> None:
    item = _queued()
    assert record_answer(item, "note", classify(401, None, None), None, 3000) == "stop"
    assert item["state"] == FAILED and item["note"] == "hi" and item["error"]["kind"] == "auth"


def test_backoff_doubles_to_a_minute() -> None:
    assert [retry_delay_ms(n) for n in range(1, 9)] == [1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000]


def test_another_tabs_lease_is_respected() -> None:
    """Catches two tabs sending the same item at once (two notes)."""
    item = _queued()
    take(item, "tab-a", 2000)
    assert not is_ready(item, "tab-b", 3000)
    assert is_ready(item, "tab-a", 3000)
    assert is_ready(item, "tab-b", 2000 + LEASE_MS)
    box = empty_outbox()
    put_item(box, item)
    assert next_wake_ms(box, "tab-b", 3000) == 2000 + LEASE_MS


def _rest_timeout_ms() -> int:
    """edge/amocrm.py's REST_TIMEOUT_MS (the edge module needs the build's constants to import)."""
    source = Path(__file__).resolve().parents[2] / "widget_src" / "edge" / "amocrm.py"
    for node in ast.parse(source.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "REST_TIMEOUT_MS":
            return ast.literal_eval(node.value)
    raise AssertionError("REST_TIMEOUT_MS not found")


def test_the_lease_outlasts_a_whole_step_even_when_both_requests_time_out() -> None:
    """Catches a lease shorter than a step (check + write, each up to the REST timeout): another tab
    (without Web Locks) took the item while the write was still on its way, and wrote it twice."""
    assert REQUEST_MS == _rest_timeout_ms()
    assert LEASE_MS > 2 * REQUEST_MS + 2 * RATE_GAP_MS
    item = _queued()
    take(item, "tab-a", 2000)  # before the check
    step_ends = 2000 + 2 * (RATE_GAP_MS + REQUEST_MS)  # both timed out, without the renewal
    assert leased_by_other(item, "tab-b", step_ends)
    take(item, "tab-a", 2000 + RATE_GAP_MS + REQUEST_MS)  # renewed before the write
    assert leased_by_other(item, "tab-b", step_ends + REQUEST_MS)


def test_pending_counts_typed_drafts_and_unsent_saves_only() -> None:
    box = empty_outbox()
    put_item(box, new_item("a", CALL, 1, "x"))
    assert pending_count(box) == 0
    typed = new_item("b", CALL, 1, "x")
    typed["note"] = "call me"
    put_item(box, typed)
    put_item(box, _queued())
    assert pending_count(box) == 2
    prune_drafts(box, "none")
    assert [i["id"] for i in box["items"]] == ["b", "d1"]


def test_the_cards_start_drops_only_old_empty_drafts() -> None:
    """Catches the start of the card in one tab dropping the empty draft another tab is showing
    (its card closed) and writing the outbox when nothing changed (a storage event in every tab)."""
    now = 100 * STALE_DRAFT_MS
    box = empty_outbox()
    put_item(box, new_item("young", CALL, now - 60000, "x"))
    old_typed = new_item("old-typed", CALL, now - STALE_DRAFT_MS, "x")
    old_typed["note"] = "keep me"
    put_item(box, old_typed)
    old_queued = new_item("old-queued", CALL, now - STALE_DRAFT_MS, "x")
    queue(old_queued, None, now)
    put_item(box, old_queued)
    assert prune_stale_drafts(box, now) is False
    assert [i["id"] for i in box["items"]] == ["young", "old-typed", "old-queued"]
    put_item(box, new_item("old", CALL, now - STALE_DRAFT_MS, "x"))
    assert prune_stale_drafts(box, now) is True
    assert [i["id"] for i in box["items"]] == ["young", "old-typed", "old-queued"]


def test_skip_drops_only_what_its_card_saw() -> None:
    """Catches Skip in one tab dropping a draft another tab typed into after this card showed it."""
    item = new_item("d", CALL, 1, "Call back")
    seen = content_of(item)
    assert may_drop(item, seen) and may_drop(item, None)  # nothing typed: nothing to lose
    item["note"] = "typed in this tab"
    seen = content_of(item)  # the card's own edit
    assert may_drop(item, seen)
    item["note"] = "typed in this tab, and more in another"
    assert not may_drop(item, seen)
    item["note"] = "typed in this tab"
    item["task_on"] = True
    assert not may_drop(item, seen)
    item["task_on"] = False
    item["task_text"] = "ring back"
    assert not may_drop(item, seen)
    assert not may_drop(item, None)  # a card that never showed it
    queue(item, None, 5)
    assert not may_drop(item, content_of(item))  # being saved: Skip only leaves the screen


def test_written_parts_are_locked_on_the_card() -> None:
    """Catches a Retry card letting the agent edit a note amoCRM already has (never sent again)."""
    item = _queued()
    assert editable_parts(item) == {"note": False, "task": False}  # being sent
    item["state"] = FAILED
    assert editable_parts(item) == {"note": True, "task": True}
    item["note_id"] = "11"
    assert editable_parts(item) == {"note": False, "task": True}
    item["task_id"] = "12"
    assert editable_parts(item) == {"note": False, "task": False}


def test_the_outbox_key_is_per_user() -> None:
    assert storage_key(7) == "asng.postcall.7" and storage_key("12") == "asng.postcall.12"


def test_done_calls_are_remembered_and_bounded() -> None:
    box = empty_outbox()
    item = _queued()
    put_item(box, item)
    mark_done(box, item)
    assert box["items"] == [] and is_done(box, "u1")
    for n in range(30):
        mark_done(box, new_item(str(n), {"unique_id": f"c{n}"}, 1, "x"))
    assert len(box["done"]) == 20 and is_done(box, "c29")


def test_a_broken_stored_outbox_reads_as_empty() -> None:
    assert read_outbox("garbage") == empty_outbox()
    assert read_outbox({"items": [{"id": "a"}, 3, {"id": "b", "state": "queued"}]})["items"] == [
        {"id": "b", "state": "queued", "contact_id": None}]


def test_only_a_numeric_contact_id_reaches_an_api_path() -> None:
    # The id comes from the PBX backend and from storage, and is put into /api/v4/contacts/<id>/notes.
    for bad in ["1/../../leads", "5?x=1", "abc", "", "-5", "0", None, [5], {"id": 5}]:
        assert new_item("d", {**CALL, "contact_id": bad}, 1, "x")["contact_id"] is None, bad
        stored = read_outbox({"items": [{"id": "d", "state": "draft", "contact_id": bad}]})
        assert stored["items"][0]["contact_id"] is None, bad
    assert new_item("d", {**CALL, "contact_id": 7461242}, 1, "x")["contact_id"] == "7461242"
    assert new_item("d", CALL, 1, "x")["contact_id"] == "5"
