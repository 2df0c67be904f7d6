"""The widget settings JSON (docs/protocol.md, last section): defaults, key names, round trip."""

from __future__ import annotations

import json

import pytest

from core.settings import (
    SettingsError,
    WidgetSettings,
    default_settings,
    parse_settings,
    settings_json,
    settings_object,
)

FULL = {"server": {"serverAddress": "https://pbx.example.com/asterisk_ng", "secretKey": "AsteriskNG"},
        "amocrm": {"showPanel": False, "enableNotification": False}}


def values(settings: WidgetSettings) -> tuple:
    return (settings.server_address, settings.secret_key, settings.show_panel, settings.enable_notification)


def test_full_settings() -> None:
    assert values(parse_settings(json.dumps(FULL))) == ("https://pbx.example.com/asterisk_ng", "AsteriskNG",
                                                        False, False)


def test_defaults() -> None:
    assert values(default_settings()) == ("", "", True, True)
    assert default_settings().is_configured() is False


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({}, ("", "", True, True)),
        ({"server": {}}, ("", "", True, True)),
        ({"server": None, "amocrm": None}, ("", "", True, True)),
        ({"server": {"serverAddress": "https://a"}}, ("https://a", "", True, True)),
        ({"server": {"secretKey": "k"}}, ("", "k", True, True)),
        ({"amocrm": {"showPanel": False}}, ("", "", False, True)),
        ({"amocrm": {"enableNotification": False}}, ("", "", True, False)),
        ({"server": {"serverAddress": None, "secretKey": None}}, ("", "", True, True)),
        ({"amocrm": {"showPanel": None, "enableNotification": None}}, ("", "", True, True)),
    ],
)
def test_missing_keys_take_the_defaults(data: dict, expected: tuple) -> None:
    assert values(parse_settings(json.dumps(data))) == expected


def test_text_is_trimmed() -> None:
    data = {"server": {"serverAddress": "  https://pbx/ng \n", "secretKey": "\tkey  "}}
    assert values(parse_settings(json.dumps(data)))[:2] == ("https://pbx/ng", "key")


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"server": {"serverAddress": 42, "secretKey": ["k"]}}, ("", "", True, True)),
        ({"server": {"serverAddress": True, "secretKey": {"a": 1}}}, ("", "", True, True)),
        ({"amocrm": {"showPanel": "false", "enableNotification": 0}}, ("", "", True, True)),
        ({"amocrm": {"showPanel": 0, "enableNotification": "no"}}, ("", "", True, True)),
        ({"server": "https://pbx", "amocrm": [False]}, ("", "", True, True)),
        ({"server": ["https://pbx", "key"], "amocrm": "off"}, ("", "", True, True)),
    ],
)
def test_wrong_types_fall_back_to_the_defaults(data: dict, expected: tuple) -> None:
    assert values(parse_settings(json.dumps(data))) == expected


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (None, "the settings field is missing"),
        (42, "the settings field is missing"),
        ({"server": {}}, "the settings field is missing"),
        ("", "the settings are not valid JSON"),
        ("{server: 1}", "the settings are not valid JSON"),
        ('{"server": ', "the settings are not valid JSON"),
        ("[]", "the settings are not a JSON object"),
        ("null", "the settings are not a JSON object"),
        ('"text"', "the settings are not a JSON object"),
        ("17", "the settings are not a JSON object"),
    ],
)
def test_missing_invalid_or_non_object_settings_raise(raw: object, reason: str) -> None:
    with pytest.raises(SettingsError) as info:
        parse_settings(raw)
    assert str(info.value) == reason


def test_settings_json_keeps_the_installed_key_names() -> None:
    settings = WidgetSettings("https://pbx/ng", "se cret", False, True)
    assert json.loads(settings_json(settings)) == {
        "server": {"serverAddress": "https://pbx/ng", "secretKey": "se cret"},
        "amocrm": {"showPanel": False, "enableNotification": True, "postCallCard": True},
    }
    assert settings_object(settings) == json.loads(settings_json(settings))
    assert " " not in settings_json(WidgetSettings("a", "b", True, True))


@pytest.mark.parametrize(
    "settings",
    [
        WidgetSettings("https://pbx.example.com/asterisk_ng", "AsteriskNG", True, True),
        WidgetSettings("https://h/x?a=1", "ключ \"quoted\"", False, False),
        WidgetSettings("", "", True, False),
    ],
)
def test_round_trip(settings: WidgetSettings) -> None:
    again = parse_settings(settings_json(settings))
    assert values(again) == values(settings)
    assert again.same_as(settings) is True


@pytest.mark.parametrize(
    ("address", "key", "configured"),
    [("https://pbx", "k", True), ("", "k", False), ("https://pbx", "", False), ("", "", False)],
)
def test_is_configured_needs_address_and_key(address: str, key: str, configured: bool) -> None:
    assert WidgetSettings(address, key, True, True).is_configured() is configured


def test_whitespace_only_address_is_not_configured() -> None:
    settings = parse_settings(json.dumps({"server": {"serverAddress": "   ", "secretKey": "k"}}))
    assert settings.is_configured() is False


@pytest.mark.parametrize(
    "other",
    [
        WidgetSettings("https://pbx2", "k", True, True),
        WidgetSettings("https://pbx", "k2", True, True),
        WidgetSettings("https://pbx", "k", False, True),
        WidgetSettings("https://pbx", "k", True, False),
    ],
)
def test_same_as_sees_every_field(other: WidgetSettings) -> None:
    base = WidgetSettings("https://pbx", "k", True, True)
    assert base.same_as(other) is False
    assert other.same_as(base) is False
    assert base.same_as(WidgetSettings("https://pbx", "k", True, True)) is True


@pytest.mark.parametrize("amocrm, expected", [
    ({"showPanel": True, "enableNotification": True}, True),  # saved before the card existed
    ({"postCallCard": False}, False),
    ({"postCallCard": "off"}, True),
    ({"postCallCard": None}, True),
])
def test_the_post_call_card_is_on_unless_the_settings_turn_it_off(amocrm: dict, expected: bool) -> None:
    """Catches old settings (without the key) turning the card off, or a bad value breaking the widget."""
    raw = json.dumps({"server": {"serverAddress": "https://pbx/ng", "secretKey": "k"}, "amocrm": amocrm})
    settings = parse_settings(raw)
    assert settings.post_call_card is expected
    assert json.loads(settings_json(settings))["amocrm"]["postCallCard"] is expected
