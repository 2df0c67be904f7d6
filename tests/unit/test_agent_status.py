"""AgentStatus (docs/protocol.md, Models): the view the panel trusts, and comparing raw statuses."""

from __future__ import annotations

import copy

import pytest

from core.agent_status import (
    CONVERSATION,
    NOT_CONVERSATION,
    initial_status,
    read_status,
    same_status,
)

CALL_INFO = {
    "unique_id": "1669391112.43",
    "contact_name": "Rose Peters",
    "contact_id": 4183,
    "contact_phone": "79161234567",
    "is_hold": False,
    "is_mute": True,
    "timestamp": 1669391112,
}
NO_CALL = {"in_call": False, "unique_id": None, "contact_name": None, "contact_id": None, "phone": None,
           "is_hold": False, "is_mute": False, "timestamp": None}
EMPTY_CALL = dict(NO_CALL, in_call=True)


def in_call(**call_info: object) -> dict:
    return {"status": CONVERSATION, "call_info": dict(CALL_INFO, **call_info)}


def test_initial_status_is_not_conversation_and_fresh_each_time() -> None:
    first = initial_status()
    assert first == {"status": "NOT_CONVERSATION"}
    first["status"] = "changed"
    assert initial_status() == {"status": "NOT_CONVERSATION"}


def test_a_conversation_reads_every_field() -> None:
    assert vars(read_status(in_call())) == {
        "in_call": True,
        "unique_id": "1669391112.43",
        "contact_name": "Rose Peters",
        "contact_id": "4183",
        "phone": "79161234567",
        "is_hold": False,
        "is_mute": True,
        "timestamp": 1669391112,
    }


def test_read_status_leaves_the_raw_status_unchanged() -> None:
    raw = in_call(contact_id=None, is_hold="yes")
    before = copy.deepcopy(raw)
    read_status(raw)
    assert raw == before


@pytest.mark.parametrize(
    "raw",
    [
        {"status": NOT_CONVERSATION},
        {"status": NOT_CONVERSATION, "call_info": None},
        {"status": NOT_CONVERSATION, "call_info": CALL_INFO},
        {"status": "RINGING", "call_info": CALL_INFO},
        {"status": "conversation", "call_info": CALL_INFO},
        {"status": "", "call_info": CALL_INFO},
        {"status": None, "call_info": CALL_INFO},
        {"call_status": CONVERSATION, "call_info": CALL_INFO},
        {"call_info": CALL_INFO},
        {},
        None,
        [],
        "CONVERSATION",
        42,
    ],
)
def test_anything_but_a_conversation_reads_as_no_call(raw: object) -> None:
    assert vars(read_status(raw)) == NO_CALL


@pytest.mark.parametrize("call_info", [None, [], "info", 5])
def test_a_conversation_without_call_info_is_a_call_with_nothing_known(call_info: object) -> None:
    assert vars(read_status({"status": CONVERSATION, "call_info": call_info})) == EMPTY_CALL


def test_a_conversation_with_call_info_absent_is_a_call_with_nothing_known() -> None:
    assert vars(read_status({"status": CONVERSATION})) == EMPTY_CALL


def test_missing_call_info_fields_get_safe_values() -> None:
    view = read_status({"status": CONVERSATION, "call_info": {"contact_phone": "101"}})
    assert vars(view) == dict(EMPTY_CALL, phone="101")


def test_extra_fields_are_ignored() -> None:
    raw = {"status": CONVERSATION, "extra": 1, "call_info": dict(CALL_INFO, queue="sales", is_recorded=True)}
    assert vars(read_status(raw)) == vars(read_status(in_call()))


@pytest.mark.parametrize(
    ("contact_id", "expected"),
    [(4183, "4183"), ("4183", "4183"), ("a1b2-c3", "a1b2-c3"), (0, "0"), (None, None), (True, None),
     (41.5, None), ({"id": 1}, None), ([4183], None)],
)
def test_contact_id_as_number_or_string(contact_id: object, expected: str | None) -> None:
    assert read_status(in_call(contact_id=contact_id)).contact_id == expected


def test_a_whole_float_contact_id_reads_as_in_the_browser() -> None:
    assert read_status(in_call(contact_id=4183.0)).contact_id == "4183"


@pytest.mark.parametrize(("name", "expected"),
                         [("Rose", "Rose"), ("", ""), (None, None), (False, None), ([], None)])
def test_contact_name_is_text_or_none(name: object, expected: str | None) -> None:
    assert read_status(in_call(contact_name=name)).contact_name == expected


@pytest.mark.parametrize(("phone", "expected"), [("79161234567", "79161234567"), (79161234567, "79161234567"),
                                                 (None, None), ({"n": 1}, None)])
def test_phone_is_text_or_none(phone: object, expected: str | None) -> None:
    assert read_status(in_call(contact_phone=phone)).phone == expected


@pytest.mark.parametrize(
    ("flag", "expected"),
    [(True, True), (False, False), ("true", False), (1, False), (None, False), ([True], False)],
)
def test_hold_and_mute_are_only_true_for_true(flag: object, expected: bool) -> None:
    view = read_status(in_call(is_hold=flag, is_mute=flag))
    assert view.is_hold is expected
    assert view.is_mute is expected


@pytest.mark.parametrize(
    ("timestamp", "expected"),
    [(1669391112, 1669391112), (0, 0), ("1669391112", None), (1669391112.5, 1669391112), (True, None),
     (None, None)],
)
def test_timestamp_is_a_number_of_whole_seconds(timestamp: object, expected: int | None) -> None:
    assert read_status(in_call(timestamp=timestamp)).timestamp == expected


def test_same_status_for_equal_statuses() -> None:
    assert same_status(in_call(), copy.deepcopy(in_call())) is True
    assert same_status(initial_status(), {"status": "NOT_CONVERSATION"}) is True


@pytest.mark.parametrize(
    "other",
    [
        in_call(is_mute=False),
        in_call(contact_id="4183"),
        in_call(timestamp=1669391113),
        {"status": NOT_CONVERSATION},
        {"status": CONVERSATION, "call_info": None},
        dict(in_call(), extra=None),
    ],
)
def test_same_status_sees_any_difference(other: dict) -> None:
    assert same_status(in_call(), other) is False


def test_same_status_ignores_key_order() -> None:
    reordered = {"call_info": dict(reversed(list(CALL_INFO.items()))), "status": CONVERSATION}
    assert reordered == in_call()
    assert same_status(in_call(), reordered) is True
