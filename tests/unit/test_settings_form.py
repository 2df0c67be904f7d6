"""The settings page's logic (widget_src/core/settings_form.py) under CPython."""

from __future__ import annotations

import json

import pytest

from core import settings_form as form
from core.settings import WidgetSettings, settings_json
from core.settings_form import LatestCheck, SettingsForm

SAVED = {"server": {"serverAddress": "https://pbx.example.com/asterisk_ng", "secretKey": "AsteriskNG"},
         "amocrm": {"showPanel": True, "enableNotification": False}}


def saved_form() -> SettingsForm:
    return SettingsForm(json.dumps(SAVED))


def values(settings: WidgetSettings) -> tuple:
    return (settings.server_address, settings.secret_key, settings.show_panel, settings.enable_notification)


# --- the address ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "https://127.0.0.1/asterisk_ng",
        "http://127.0.0.1:8080/asterisk_ng",
        "https://pbx.example.com",
        "https://pbx.example.com/",
        "HTTPS://PBX.EXAMPLE.COM/ng?tenant=5",
        "https://pbx.example.com/ng#x",
        "http://localhost:8000",
        "https://user:pw@pbx.example.com/ng",
        "https://[::1]:8443/ng",
        "https://пбх.пример.рф/asterisk_ng",
    ],
)
def test_absolute_http_urls_are_accepted(address: str) -> None:
    assert form.is_absolute_http_url(address) is True
    assert form.address_is_invalid(address) is False


@pytest.mark.parametrize(
    "address",
    [
        "pbx.example.com/asterisk_ng",
        "127.0.0.1",
        "/asterisk_ng",
        "ftp://pbx.example.com",
        "https://",
        "https:///asterisk_ng",
        "http:/pbx.example.com",
        "https://pbx example.com",
        "https://pbx.example.com:80a/ng",
        "https://:8080/ng",
        "https://[]/ng",
        "javascript:alert(1)",
        "https//pbx.example.com",
    ],
)
def test_other_addresses_are_invalid(address: str) -> None:
    assert form.is_absolute_http_url(address) is False
    assert form.address_is_invalid(address) is True


def test_an_empty_address_is_not_invalid_only_not_configured() -> None:
    assert form.address_is_invalid("") is False
    assert form.check_action(WidgetSettings("", "key", True, True)) == form.ACTION_NOT_CONFIGURED


# --- what to check --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "key", "action"),
    [
        ("https://pbx.example.com/ng", "AsteriskNG", form.ACTION_PING),
        ("http://127.0.0.1:8000/asterisk_ng", "k", form.ACTION_PING),
        ("", "AsteriskNG", form.ACTION_NOT_CONFIGURED),
        ("https://pbx.example.com/ng", "", form.ACTION_NOT_CONFIGURED),
        ("pbx.example.com", "AsteriskNG", form.ACTION_NOT_CONFIGURED),
    ],
)
def test_check_action(address: str, key: str, action: str) -> None:
    assert form.check_action(WidgetSettings(address, key, True, True)) == action


def test_the_check_subject_is_address_and_key_only() -> None:
    a = form.check_subject(WidgetSettings("https://a.example.com", "k", True, True))
    assert a == form.check_subject(WidgetSettings("https://a.example.com", "k", False, False))
    assert a != form.check_subject(WidgetSettings("https://a.example.com", "k2", True, True))
    assert a != form.check_subject(WidgetSettings("https://a.example.co", "mk", True, True))


# --- the form -------------------------------------------------------------------------------------


def test_the_form_starts_with_the_saved_values_and_nothing_to_save() -> None:
    f = saved_form()
    assert f.stored_valid is True
    assert values(f.edited()) == ("https://pbx.example.com/asterisk_ng", "AsteriskNG", True, False)
    assert f.is_dirty() is False
    assert f.can_save() is False


@pytest.mark.parametrize("raw", ["{broken", None, "[]", "42", ""])
def test_unusable_stored_settings_show_the_defaults(raw: str | None) -> None:
    f = SettingsForm(raw)
    assert f.stored_valid is False
    assert values(f.edited()) == ("", "", True, True)
    assert form.check_action(f.edited()) == form.ACTION_NOT_CONFIGURED
    # The stored text is not what the form shows, so saving is a change.
    assert f.is_dirty() is True


def test_every_field_makes_the_form_dirty_and_undoing_makes_it_clean() -> None:
    f = saved_form()
    f.set_server_address("https://other.example.com/ng")
    assert f.is_dirty() is True
    f.set_server_address("https://pbx.example.com/asterisk_ng")
    assert f.is_dirty() is False
    f.set_secret_key("Other")
    assert f.is_dirty() is True
    f.set_secret_key("AsteriskNG")
    f.set_show_panel(False)
    assert f.is_dirty() is True
    f.set_show_panel(True)
    f.set_enable_notification(True)
    assert f.is_dirty() is True
    f.set_enable_notification(False)
    assert f.is_dirty() is False


def test_spaces_around_the_texts_are_trimmed_and_are_no_change() -> None:
    f = saved_form()
    f.set_server_address("  https://pbx.example.com/asterisk_ng \t")
    f.set_secret_key(" AsteriskNG  ")
    assert values(f.edited())[:2] == ("https://pbx.example.com/asterisk_ng", "AsteriskNG")
    assert f.is_dirty() is False
    f.set_secret_key(" New Key ")
    assert f.edited().secret_key == "New Key"


def test_an_invalid_address_cannot_be_saved_but_an_empty_one_can() -> None:
    f = saved_form()
    f.set_server_address("pbx.example.com")
    assert f.address_invalid() is True
    assert f.is_dirty() is True
    assert f.can_save() is False
    f.set_server_address("   ")
    assert f.address_invalid() is False
    assert f.can_save() is True


def test_mark_saved_makes_the_saved_values_the_baseline() -> None:
    f = SettingsForm("{broken")
    f.set_server_address(" https://new.example.com/ng ")
    f.set_secret_key("key")
    f.set_show_panel(False)
    saved = f.edited()
    assert f.can_save() is True
    f.mark_saved(saved)
    assert f.stored_valid is True
    assert f.is_dirty() is False
    assert f.can_save() is False
    assert f.server_address == "https://new.example.com/ng"
    assert json.loads(settings_json(f.saved)) == {
        "server": {"serverAddress": "https://new.example.com/ng", "secretKey": "key"},
        "amocrm": {"showPanel": False, "enableNotification": True, "postCallCard": True},
    }


def test_none_texts_are_empty() -> None:
    f = saved_form()
    f.set_server_address(None)
    f.set_secret_key(None)
    assert values(f.edited())[:2] == ("", "")


# --- latest edit wins -----------------------------------------------------------------------------


def test_only_the_latest_check_may_show_its_answer() -> None:
    latest = LatestCheck()
    first = latest.start("a")
    assert latest.is_latest(first)
    second = latest.start("b")
    # The slow answer to the first edit arrives after the second edit: dropped.
    assert not latest.is_latest(first)
    assert latest.is_latest(second)


def test_answers_arriving_in_any_order_leave_the_latest_edits_answer() -> None:
    latest = LatestCheck()
    tickets = [latest.start(subject) for subject in ("a", "ab", "abc")]
    shown = []
    for ticket, answer in sorted(zip(tickets, ("A", "AB", "ABC"), strict=True), key=lambda t: -t[0]):
        if latest.is_latest(ticket):
            shown.append(answer)
    assert shown == ["ABC"]
    for ticket, answer in zip(tickets, ("A", "AB", "ABC"), strict=True):
        if latest.is_latest(ticket):
            shown.append(answer)
    assert shown == ["ABC", "ABC"]


def test_the_same_subject_needs_no_new_check() -> None:
    latest = LatestCheck()
    assert latest.is_current_subject("a") is False
    ticket = latest.start("a")
    assert latest.is_current_subject("a") is True
    assert latest.is_current_subject("b") is False
    latest.invalidate()
    assert latest.is_current_subject("a") is False
    assert not latest.is_latest(ticket)
