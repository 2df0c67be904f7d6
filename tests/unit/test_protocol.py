"""The wire protocol (docs/protocol.md): envelopes, URLs, status codes, response decoding, errors."""

from __future__ import annotations

import json

import pytest

from core import protocol
from core.protocol import (
    BadRequest,
    Cancelled,
    IncompatibleVersion,
    InvalidParameters,
    InvalidResponse,
    InvalidSecretKey,
    LongPollTimeout,
    MethodException,
    NotResponding,
    ServerError,
    UnknownMethod,
    build_envelope,
    deadline_ms,
    decode_response,
    encode_form,
    next_request_id,
    request_url,
    status_code,
    transport_error,
)

HEADERS = {"amouser_email": "agent@example.com", "amouser_id": 7461242, "widget_version": "1.0.0"}


def ok_body(command_result: object) -> dict:
    return {"headers": {"status_code": 200, "detail": "success"},
            "content": {"jsonrpc": "2.0", "id": 18, "result": command_result}}


def raised(method: str, body: object) -> BaseException:
    with pytest.raises((ServerError, LongPollTimeout)) as info:
        decode_response(method, body)
    return info.value


# --- request -----------------------------------------------------------------------------------


def test_envelope_has_exactly_the_documented_shape() -> None:
    envelope = build_envelope(dict(HEADERS, extra="dropped"), 18, "originate", {"phone": "123456"})
    assert envelope == {
        "headers": {"amouser_email": "agent@example.com", "amouser_id": 7461242, "widget_version": "1.0.0"},
        "content": {"id": 18, "jsonrpc": "2.0", "method": "originate", "params": {"phone": "123456"}},
    }


def test_form_is_one_json_field_with_compact_json() -> None:
    envelope = build_envelope(HEADERS, 3, "get_contacts", {"start_with": "Роза", "max_results": 10})
    form = encode_form(envelope)
    assert list(form) == ["json"]
    assert json.loads(form["json"]) == envelope
    assert form["json"] == json.dumps(envelope, ensure_ascii=False, separators=(",", ":"))
    assert '"start_with":"Роза"' in form["json"]


@pytest.mark.parametrize(
    ("address", "key", "expected"),
    [
        ("https://pbx.example.com/asterisk_ng", "AsteriskNG",
         "https://pbx.example.com/asterisk_ng?secret_key=AsteriskNG"),
        ("https://pbx.example.com/ng?tenant=1", "AsteriskNG", "https://pbx.example.com/ng?tenant=1&secret_key=AsteriskNG"),
        ("https://h/x", "a b&c=d/?+#%", "https://h/x?secret_key=a%20b%26c%3Dd%2F%3F%2B%23%25"),
        ("https://h/x", "ключ", "https://h/x?secret_key=%D0%BA%D0%BB%D1%8E%D1%87"),
        ("https://h/x", "-_.!~*'()", "https://h/x?secret_key=-_.!~*'()"),
        ("https://h/x", "", "https://h/x?secret_key="),
    ],
)
def test_request_url_appends_the_url_encoded_key(address: str, key: str, expected: str) -> None:
    assert request_url(address, key) == expected


def test_request_ids_increase_by_one_per_request() -> None:
    first, second, third = next_request_id(), next_request_id(), next_request_id()
    assert isinstance(first, int)
    assert (second - first, third - second) == (1, 1)
    assert first >= 1


@pytest.mark.parametrize(
    ("method", "expected"),
    [("ping", 3000), ("get_agent_status", 10000), ("originate", 10000), ("hangup", 10000), ("Ping", 10000)],
)
def test_deadline_is_3_s_for_ping_and_10_s_otherwise(method: str, expected: int) -> None:
    assert deadline_ms(method) == expected


def test_no_deadline_exceeds_the_proxy_timeout() -> None:
    assert protocol.DEFAULT_DEADLINE_MS <= 10000
    assert protocol.PING_DEADLINE_MS == 3000


# --- status codes ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"status_code": 200}, 200),
        ({"status_code": 404.0}, 404),
        ({"status_code": "404"}, 404),
        ({"status_code": " 404"}, 404),
        ({"status_code": "410 "}, 410),
        ({"status_code": "abc"}, None),
        ({"status_code": ""}, None),
        ({"status_code": "   "}, None),
        ({"status_code": "-1"}, None),
        ({"status_code": "4o4"}, None),
        ({"status_code": "200.0"}, None),
        ({"status_code": None}, None),
        ({"status_code": True}, None),
        ({"status_code": 200.5}, None),
        ({"status_code": [200]}, None),
        ({"detail": "success"}, None),
        ({}, None),
        (None, None),
        ("200", None),
    ],
)
def test_status_code_compares_numbers_and_digit_strings_by_value(
    headers: object, expected: int | None
) -> None:
    code = status_code(headers)
    assert code == expected
    assert type(code) is type(expected)


# --- decode_response: success -------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [{"foo": "bar"}, {"ping": "pong"}, [{"uuid": "1", "name": "Rose", "phone": "79161234567"}],
     "text", 0, False, []],
)
def test_200_returns_the_command_result(value: object) -> None:
    body = ok_body({"result": value, "exception": None, "exception_params": None})
    assert decode_response("get_contacts", body) == value
    assert type(decode_response("get_contacts", json.dumps(body))) is type(value)


def test_200_accepts_the_body_as_json_text() -> None:
    text = json.dumps(ok_body({"result": {"ping": "pong"}}))
    assert decode_response("ping", text) == {"ping": "pong"}


def test_200_as_a_string_status_is_success() -> None:
    body = {"headers": {"status_code": "200"}, "content": {"result": {"result": {"foo": 1}}}}
    assert decode_response("x", body) == {"foo": 1}


def test_a_null_result_is_none() -> None:
    assert decode_response(
        "hangup", ok_body({"result": None, "exception": None, "exception_params": None})) is None
    assert decode_response("hangup", json.dumps(ok_body({"result": None}))) is None


# --- decode_response: failures by status ----------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "error_type", "code"),
    [
        (400, BadRequest, "bad_request"),
        (401, InvalidSecretKey, "invalid_secret_key"),
        (404, UnknownMethod, "unknown_method"),
        ("404", UnknownMethod, "unknown_method"),
        (409, IncompatibleVersion, "incompatible_version"),
        (410, InvalidParameters, "invalid_parameters"),
        ("410", InvalidParameters, "invalid_parameters"),
    ],
)
@pytest.mark.parametrize("method", ["set_hold", "get_agent_status"])
def test_error_statuses_raise_their_typed_error(
    status: object, error_type: type, code: str, method: str
) -> None:
    error = raised(method, {"headers": {"status_code": status, "detail": "the detail"}})
    assert type(error) is error_type
    assert error.code == code
    assert error.method == method
    assert error.detail == "the detail"
    assert str(error) == f"{method}: {code}: the detail"


def test_an_error_status_without_detail_has_an_empty_detail() -> None:
    error = raised("ping", {"headers": {"status_code": 401}})
    assert type(error) is InvalidSecretKey
    assert error.detail == ""
    assert str(error) == "ping: invalid_secret_key"


@pytest.mark.parametrize("detail", [None, 42, ["x"], {"a": 1}])
def test_a_non_text_detail_is_dropped(detail: object) -> None:
    error = raised("ping", {"headers": {"status_code": 400, "detail": detail}})
    assert type(error) is BadRequest
    assert error.detail == ""


@pytest.mark.parametrize("status", [408, "408"])
def test_408_to_get_agent_status_is_a_long_poll_timeout(status: object) -> None:
    error = raised("get_agent_status", {"headers": {"status_code": status}})
    assert type(error) is LongPollTimeout
    assert not isinstance(error, ServerError)


@pytest.mark.parametrize("method", ["ping", "originate", "get_contacts"])
def test_408_to_any_other_method_is_an_invalid_response(method: str) -> None:
    error = raised(method, {"headers": {"status_code": 408}})
    assert type(error) is InvalidResponse
    assert error.detail == "unexpected status 408"


@pytest.mark.parametrize("status", [201, 302, 403, 500, 502, "500"])
def test_other_statuses_are_invalid_responses(status: object) -> None:
    error = raised("originate", {"headers": {"status_code": status}, "content": {"result": {"result": None}}})
    assert type(error) is InvalidResponse
    assert error.code == "invalid_response"
    assert error.detail == f"unexpected status {int(status)}"


# --- decode_response: malformed bodies ------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ("<html>Bad gateway</html>", "the body is not JSON"),
        ("", "the body is not JSON"),
        ("{'headers': {}}", "the body is not JSON"),
        ("[]", "the body is not a JSON object"),
        ("null", "the body is not a JSON object"),
        ("42", "the body is not a JSON object"),
        ('"headers"', "the body is not a JSON object"),
        ([{"headers": {"status_code": 200}}], "the body is not a JSON object"),
        (None, "the body is not a JSON object"),
        ({}, "no headers in the response"),
        ({"headers": None}, "no headers in the response"),
        ({"headers": [200]}, "no headers in the response"),
        ({"content": {"result": {"result": 1}}}, "no headers in the response"),
        ({"headers": {"detail": "success"}, "content": {"result": {"result": 1}}}, "no status code"),
        ({"headers": {"status_code": "abc"}, "content": {"result": {"result": 1}}}, "no status code"),
        ({"headers": {"status_code": ""}, "content": {"result": {"result": 1}}}, "no status code"),
        ({"headers": {"status_code": 200}}, "no command result in the response"),
        ({"headers": {"status_code": 200}, "content": None}, "no command result in the response"),
        ({"headers": {"status_code": 200}, "content": {"jsonrpc": "2.0", "id": 1}},
         "no command result in the response"),
        ({"headers": {"status_code": 200}, "content": {"result": None}}, "no command result in the response"),
        ({"headers": {"status_code": 200}, "content": {"result": [1]}}, "no command result in the response"),
        ({"headers": {"status_code": 200}, "content": {"result": "ok"}}, "no command result in the response"),
        ({"headers": {"status_code": 200}, "content": {"result": {}}},
         "the command result has neither a result nor an exception"),
        ({"headers": {"status_code": 200},
          "content": {"result": {"exception": None, "exception_params": None}}},
         "the command result has neither a result nor an exception"),
    ],
)
def test_malformed_responses_are_invalid_responses(body: object, detail: str) -> None:
    error = raised("get_agent_status", body)
    assert type(error) is InvalidResponse
    assert error.method == "get_agent_status"
    assert error.detail == detail


# --- decode_response: method exceptions -----------------------------------------------------------


@pytest.mark.parametrize(
    ("command_result", "name", "params"),
    [
        ({"result": None, "exception": "PhoneIsBusy", "exception_params": {"phone": "123"}}, "PhoneIsBusy",
         {"phone": "123"}),
        ({"exception": "PhoneIsBusy"}, "PhoneIsBusy", None),
        ({"exception_name": "AgentNotFound"}, "AgentNotFound", None),
        ({"result": None, "exception": None, "exception_name": "AgentNotFound"}, "AgentNotFound", None),
        ({"result": {"foo": "bar"}, "exception": "Boom", "exception_params": {}}, "Boom", {}),
        ({"result": {"foo": "bar"}, "exception_name": "Boom"}, "Boom", None),
    ],
)
def test_method_exceptions_in_both_forms_win_over_the_result(
    command_result: dict, name: str, params: object
) -> None:
    error = raised("originate", ok_body(command_result))
    assert type(error) is MethodException
    assert isinstance(error, ServerError)
    assert error.code == "method_exception"
    assert error.method == "originate"
    assert error.exception_name == name
    assert error.detail == name
    assert error.params == params
    assert str(error) == f"originate: method_exception: {name}"


def test_null_exceptions_do_not_hide_the_result() -> None:
    body = ok_body({"result": {"foo": "bar"}, "exception": None, "exception_name": None,
                    "exception_params": None})
    assert decode_response("x", body) == {"foo": "bar"}


# --- transport errors and the error classes --------------------------------------------------------


def test_parsererror_is_an_invalid_response() -> None:
    error = transport_error("ping", "parsererror")
    assert type(error) is InvalidResponse
    assert (error.method, error.detail) == ("ping", "the body is not JSON")


@pytest.mark.parametrize(("text_status", "detail"), [("error", "error"), ("timeout", "timeout"),
                                                     ("abort", "abort"), (None, ""), (500, "")])
def test_other_transport_failures_mean_not_responding(text_status: object, detail: str) -> None:
    error = transport_error("originate", text_status)
    assert type(error) is NotResponding
    assert error.code == "not_responding"
    assert (error.method, error.detail) == ("originate", detail)


@pytest.mark.parametrize(
    ("error_type", "code"),
    [
        (ServerError, "invalid_response"),
        (BadRequest, "bad_request"),
        (InvalidSecretKey, "invalid_secret_key"),
        (IncompatibleVersion, "incompatible_version"),
        (UnknownMethod, "unknown_method"),
        (InvalidParameters, "invalid_parameters"),
        (NotResponding, "not_responding"),
        (InvalidResponse, "invalid_response"),
        (MethodException, "method_exception"),
    ],
)
def test_error_codes(error_type: type, code: str) -> None:
    assert error_type.code == code
    assert issubclass(error_type, ServerError)


def test_server_error_keeps_method_and_detail() -> None:
    error = UnknownMethod("set_hold", "Method not found")
    assert (error.method, error.detail, error.code) == ("set_hold", "Method not found", "unknown_method")
    assert str(error) == "set_hold: unknown_method: Method not found"


def test_method_exception_keeps_name_and_params() -> None:
    error = MethodException("redirect", "NoActiveCall", {"agent": 7})
    assert (error.method, error.exception_name, error.params) == ("redirect", "NoActiveCall", {"agent": 7})


def test_cancelled_names_the_method_and_is_no_server_error() -> None:
    error = Cancelled("get_agent_status")
    assert error.method == "get_agent_status"
    assert str(error) == "get_agent_status: cancelled"
    assert error.code == "cancelled"
    assert not isinstance(error, ServerError)


@pytest.mark.parametrize(("error", "failure"), [
    (protocol.NotResponding("ping", ""), True),
    (protocol.InvalidResponse("ping", ""), True),
    (protocol.BadRequest("ping", ""), True),
    (protocol.InvalidSecretKey("ping", ""), True),
    (protocol.IncompatibleVersion("ping", ""), True),
    (protocol.UnknownMethod("set_hold", ""), False),
    (protocol.InvalidParameters("redirect", ""), False),
    (protocol.MethodException("hangup", "NotInConversation", None), False),
    (protocol.LongPollTimeout(), False),
    (ValueError("a bug"), False),
])
def test_which_errors_mean_the_server_is_failing(error, failure) -> None:
    assert protocol.is_server_failure(error) is failure
