"""The post-call card's pure logic under CPython: due times, payloads, amoCRM's answers."""

from __future__ import annotations

import datetime as dt

import pytest

from core.postcall_logic import (
    classify,
    contact_payload,
    created_id,
    digits_of,
    due_ms,
    field_name,
    find_note,
    find_task,
    found_contacts,
    local_text,
    note_payload,
    parse_local,
    task_payload,
)

NOW = int(dt.datetime(2026, 3, 10, 22, 30, 15, tzinfo=dt.UTC).timestamp() * 1000)


def test_in_one_hour_is_to_the_minute() -> None:
    assert due_ms("hour", NOW, 0, "") == NOW - 15000 + 3600000


@pytest.mark.parametrize("offset, expected", [
    # UTC: 22:30 on the 10th → the 11th, 10:00 UTC.
    (0, dt.datetime(2026, 3, 11, 10, 0, tzinfo=dt.UTC)),
    # Moscow (UTC+3, offset -180): already 01:30 on the 11th → the 12th, 10:00 Moscow = 07:00 UTC.
    (-180, dt.datetime(2026, 3, 12, 7, 0, tzinfo=dt.UTC)),
    # New York winter (UTC-5, offset 300): 17:30 on the 10th → the 11th, 10:00 local = 15:00 UTC.
    (300, dt.datetime(2026, 3, 11, 15, 0, tzinfo=dt.UTC)),
])
def test_tomorrow_at_ten_is_the_agents_local_tomorrow(offset: int, expected: dt.datetime) -> None:
    """Catches computing "tomorrow" in UTC: past local midnight in Moscow it would be today's 10:00."""
    assert due_ms("tomorrow", NOW, offset, "") == int(expected.timestamp() * 1000)


def test_picked_time_round_trips_through_the_picker_text() -> None:
    text = local_text(NOW, -180)
    assert text == "2026-03-11T01:30"
    assert due_ms("custom", NOW, -180, text) == NOW - 15000


@pytest.mark.parametrize("text", ["2026-02-29T10:00", "2026-04-31T10:00", "2026-13-01T10:00",
                                  "2026-1-01T10:00", "2026-12-31T24:00", "", None, "soon"])
def test_impossible_picker_values_give_no_due_time(text: str | None) -> None:
    """Catches 31 April silently becoming 1 May (a task due on a day the agent did not pick)."""
    assert parse_local(text, 0) is None


def test_leap_day_is_a_valid_pick() -> None:
    leap = dt.datetime(2024, 2, 29, 10, tzinfo=dt.UTC)
    assert parse_local("2024-02-29T10:00", 0) == int(leap.timestamp() * 1000)


def test_payloads_are_amocrms_shapes() -> None:
    assert note_payload("hi") == [{"note_type": "common", "params": {"text": "hi"}}]
    assert task_payload("Call back", 1700003600, "90000001", "7") == [{
        "text": "Call back", "complete_till": 1700003600, "entity_id": 90000001, "entity_type": "contacts",
        "task_type_id": 1, "responsible_user_id": 7}]
    assert contact_payload("Ann", "+7900") == [{"name": "Ann", "custom_fields_values": [
        {"field_code": "PHONE", "values": [{"value": "+7900", "enum_code": "WORK"}]}]}]


def test_a_search_answering_204_finds_nobody() -> None:
    assert found_contacts(204, None) == []
    body = {"_embedded": {"contacts": [
        {"id": 5, "name": "Ann", "responsible_user_id": 7,
         "custom_fields_values": [{"field_code": "PHONE", "values": [{"value": "+7 900"}]}]},
        {"id": "x"}, {"name": "no id"}]}}
    assert found_contacts(200, body) == [{"id": "5", "name": "Ann", "phone": "+7 900", "responsible": "7"}]


def test_digits_only_are_searched() -> None:
    assert digits_of("+7 (900) 123-45-67") == "79001234567"


@pytest.mark.parametrize("status, kind", [(200, "ok"), (401, "auth"), (403, "auth"), (429, "rate"),
                                          (400, "invalid"), (500, "unknown"), (0, "unknown"),
                                          (502, "unknown")])
def test_answers_are_classified(status: int, kind: str) -> None:
    assert classify(status, None, None)["kind"] == kind


def test_429_waits_as_long_as_amocrm_says() -> None:
    assert classify(429, {"retry_after": 7}, None)["wait_s"] == 7
    assert classify(429, {"retry_after": 7}, "12")["wait_s"] == 12  # the header wins
    assert classify(429, None, None)["wait_s"] == 1


def test_a_validation_error_names_the_field() -> None:
    body = {"validation-errors": [{"request_id": "0", "errors": [
        {"code": "RequiredField", "path": "custom_fields_values.0.values.0.value", "detail": "Missing."}]}],
        "detail": "Request validation failed"}
    verdict = classify(400, body, None)
    assert (verdict["field"], verdict["detail"]) == ("custom_fields_values.0.values.0.value", "Missing.")
    assert field_name(verdict["field"]) == "value"


def test_created_ids() -> None:
    assert created_id({"_embedded": {"notes": [{"id": 90000002}]}}, "notes") == "90000002"
    assert created_id({"_embedded": {"notes": []}}, "notes") is None
    assert created_id(None, "tasks") is None


def test_a_lost_note_is_found_by_text_author_and_time() -> None:
    """Catches re-POSTing a note whose answer was lost (the duplicate note of a retry)."""
    body = {"_embedded": {"notes": [
        {"id": 11, "note_type": "common", "params": {"text": "hi"}, "created_by": 7, "created_at": 1000},
        {"id": 12, "note_type": "common", "params": {"text": "hi"}, "created_by": 7, "created_at": 5000}]}}
    assert find_note(body, "hi", "7", 5100) == "12"
    assert find_note(body, "hi", "8", 5100) is None  # someone else's
    assert find_note(body, "hi", "7", 9000) is None  # an older note with the same words


def test_a_lost_task_is_found_by_its_fields() -> None:
    body = {"_embedded": {"tasks": [{"id": 21, "text": "Call back", "complete_till": 50, "entity_id": 5,
                                     "responsible_user_id": 7}]}}
    assert find_task(body, "Call back", 50, "5", "7") == "21"
    assert find_task(body, "Call back", 51, "5", "7") is None
