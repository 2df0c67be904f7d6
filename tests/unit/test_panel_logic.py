"""The call panel's decisions (widget_src/core/panel_logic.py) under CPython."""

from __future__ import annotations

import pytest

from core.panel_logic import MAX_OPTIONS, contact_path, dial_action, read_contacts

ROSE = {"uuid": "c-17", "name": "Rose", "phone": "79161234567"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("101", ["originate", "101"]),
        ("  101  ", ["originate", "101"]),  # spaces trimmed, then counted
        ("10", None),
        (" 10 ", None),
        ("", None),
    ],
)
def test_a_typed_number_needs_the_minimum_length(text: str, expected: list | None) -> None:
    assert dial_action(False, None, text, 3) == expected


def test_during_a_call_a_typed_number_transfers() -> None:
    assert dial_action(True, None, " 555 ", 3) == ["redirect", "555"]
    assert dial_action(True, None, "55", 3) is None


def test_a_selected_contact_is_called_by_uuid_and_transferred_to_by_phone() -> None:
    assert dial_action(False, ROSE, "Rose", 3) == ["originate_by_contact", "c-17"]
    assert dial_action(True, ROSE, "Rose", 3) == ["redirect", "79161234567"]


def test_read_contacts_keeps_the_usable_entries_up_to_the_cap() -> None:
    raw = []
    for n in range(200):
        raw.append({"uuid": f"u{n}", "name": f"N{n}", "phone": str(1000 + n)})
        raw.append({"uuid": None, "phone": "1"})  # invalid entries mixed in
        raw.append("not an object")
    contacts = read_contacts(raw)
    assert MAX_OPTIONS == 50
    assert len(contacts) == 50
    assert contacts[0] == {"uuid": "u0", "name": "N0", "phone": "1000"}
    assert contacts[-1] == {"uuid": "u49", "name": "N49", "phone": "1049"}


def test_read_contacts_reads_numbers_as_text_and_drops_unusable_entries() -> None:
    raw = [{"uuid": 5, "phone": 79161234567}, {"uuid": "x"}, {"phone": "1"}, None,
           {"uuid": "y", "phone": "2", "name": 7}]
    assert read_contacts(raw) == [{"uuid": "5", "name": "", "phone": "79161234567"},
                                  {"uuid": "y", "name": "", "phone": "2"}]
    assert read_contacts({"uuid": "a"}) == []


@pytest.mark.parametrize(("contact_id", "path"),
                         [("4183", "/contacts/detail/4183"), (4183, "/contacts/detail/4183")])
def test_contact_path_for_numeric_ids(contact_id: object, path: str) -> None:
    assert contact_path(contact_id) == path


@pytest.mark.parametrize("contact_id", ["12/../x", "javascript:alert(1)", "//evil.example", "4183?x=1", "",
                                        None, "１２", "1 2", "-5", "1e3", "1" * 21])
def test_contact_path_refuses_anything_but_digits(contact_id: object) -> None:
    assert contact_path(contact_id) is None
