"""The post-call outbox's decisions under CPython."""

from __future__ import annotations

from core.postcall_key import storage_key
from core.postcall_logic import classify
from core.postcall_outbox import (
    FAILED,
    QUEUED,
    empty_outbox,
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
    assert is_ready(item, "tab-b", 2000 + 20000)
    box = empty_outbox()
    put_item(box, item)
    assert next_wake_ms(box, "tab-b", 3000) == 22000


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
