"""The CPython side of jscompat: the helpers the functional core uses instead of CPython-only idioms."""

from __future__ import annotations

import pytest

from core.jscompat import (
    error_message,
    get,
    is_boolean,
    is_integer,
    is_list,
    is_object,
    is_string,
    now_ms,
    parse_json,
    to_json,
    url_encode,
)


@pytest.mark.parametrize(
    ("value", "obj", "lst", "integer", "string", "boolean"),
    [
        ({}, True, False, False, False, False),
        ({"a": 1}, True, False, False, False, False),
        ([], False, True, False, False, False),
        ([1], False, True, False, False, False),
        (0, False, False, True, False, False),
        (-7, False, False, True, False, False),
        (1.5, False, False, False, False, False),
        (200.0, False, False, True, False, False),  # JSON's 200.0 is the number 200 in the browser
        (True, False, False, False, False, True),
        (False, False, False, False, False, True),
        ("x", False, False, False, True, False),
        ("", False, False, False, True, False),
        (None, False, False, False, False, False),
        ((1,), False, False, False, False, False),
    ],
)
def test_type_predicates(
    value: object, obj: bool, lst: bool, integer: bool, string: bool, boolean: bool
) -> None:
    assert (is_object(value), is_list(value), is_integer(value), is_string(value), is_boolean(value)) == (
        obj, lst, integer, string, boolean)


@pytest.mark.parametrize(
    ("text", "encoded"),
    [
        ("AsteriskNG", "AsteriskNG"),
        ("a b", "a%20b"),
        ("a+b", "a%2Bb"),
        ("&=?/#%:@,;$", "%26%3D%3F%2F%23%25%3A%40%2C%3B%24"),
        ("-_.!~*'()", "-_.!~*'()"),
        ("é", "%C3%A9"),
        ("ключ", "%D0%BA%D0%BB%D1%8E%D1%87"),
        ("😀", "%F0%9F%98%80"),
        ("", ""),
    ],
)
def test_url_encode_is_like_encode_uri_component(text: str, encoded: str) -> None:
    assert url_encode(text) == encoded


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ({"a": 1, "b": [1, 2]}, '{"a":1,"b":[1,2]}'),
        ({"name": "Роза"}, '{"name":"Роза"}'),
        ([True, False, None], "[true,false,null]"),
        ("q\"uote", '"q\\"uote"'),
        ({}, "{}"),
    ],
)
def test_to_json_is_compact_like_json_stringify(value: object, text: str) -> None:
    assert to_json(value) == text


def test_parse_json_decodes_and_raises_on_bad_text() -> None:
    assert parse_json('{"a": [1, null]}') == {"a": [1, None]}
    with pytest.raises(ValueError):
        parse_json("{bad")


@pytest.mark.parametrize(
    ("obj", "key", "expected"),
    [
        ({"a": 1}, "a", 1),
        ({"a": 0}, "a", 0),
        ({"a": False}, "a", False),
        ({"a": ""}, "a", ""),
        ({"a": None}, "a", "default"),
        ({}, "a", "default"),
        ({"b": 1}, "a", "default"),
        (None, "a", "default"),
        ([1, 2], 0, "default"),
        ("abc", "a", "default"),
    ],
)
def test_get_falls_back_for_missing_or_null(obj: object, key: object, expected: object) -> None:
    result = get(obj, key, "default")
    assert result == expected
    assert type(result) is type(expected)


def test_error_message() -> None:
    assert error_message(ValueError("broken")) == "broken"
    assert error_message("plain") == "plain"


def test_now_ms_is_milliseconds() -> None:
    import time

    before = int(time.time() * 1000)
    value = now_ms()
    assert isinstance(value, int)
    assert before <= value <= int(time.time() * 1000)
