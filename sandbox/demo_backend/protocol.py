"""The AsteriskNG wire protocol (docs/protocol.md): decode, validate, dispatch, encode.

A request is a form body whose ``json`` field holds the envelope, plus the ``secret_key``
query parameter. Checks run in this order: 400 (form / JSON / envelope), 401 (secret key),
409 (widget version), 404 (method), 410 (params). The protocol status travels in the
JSON body (``headers.status_code``); HTTP itself always says 200.
"""

from __future__ import annotations

import hmac
import json
import re
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any

from sandbox.defaults import DEMO_SECRET

from .faults import FaultSet
from .records import RequestLog, RequestRecord
from .state import BackendState, MethodError, copy_status, statuses_differ

VERSION_MODES = ("production", "test")
EXCEPTION_STYLES = ("seed", "name")
MAX_LONG_POLL_SECONDS = 60.0
MAX_RESULTS_CAP = 1000

DETAILS = {
    200: "success",
    400: "bad request",
    401: "invalid secret key",
    404: "method not found",
    408: "long poll timeout",
    409: "incompatible widget version",
    410: "invalid params",
}

_PRODUCTION_VERSION = re.compile(r"1\.[0-9]+\.[0-9]+")
TEST_VERSION = "1.0.0"


class ProtocolError(Exception):
    """A request the protocol rejects with a non-200 status."""

    def __init__(self, status_code: int, detail: str | None = None) -> None:
        super().__init__(detail or DETAILS.get(status_code, "error"))
        self.status_code = status_code
        self.detail = detail or DETAILS.get(status_code, "error")


@dataclass
class ProtocolConfig:
    """Behaviour switches that real AsteriskNG backends differ on (changeable at runtime)."""

    secret_key: str = DEMO_SECRET
    version_mode: str = "production"  # "production": any 1.x.y; "test": exactly 1.0.0
    status_codes_as_strings: bool = False  # send "200"/"404" instead of 200/404
    exception_style: str = "seed"  # "seed": exception + exception_params; "name": exception_name
    long_poll_seconds: float = 9.0
    long_poll_timeout_status: int = 200  # 200: answer the unchanged status; 408: answer 408

    def validate(self) -> None:
        """Raise TypeError / ValueError if a field holds an unsupported value."""
        if not isinstance(self.secret_key, str):
            raise TypeError("secret_key must be a string")
        if self.version_mode not in VERSION_MODES:
            raise ValueError(f"version_mode must be one of {VERSION_MODES}")
        if not isinstance(self.status_codes_as_strings, bool):
            raise TypeError("status_codes_as_strings must be a bool")
        if self.exception_style not in EXCEPTION_STYLES:
            raise ValueError(f"exception_style must be one of {EXCEPTION_STYLES}")
        seconds = self.long_poll_seconds
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
            raise TypeError("long_poll_seconds must be a number")
        if not 0 <= seconds <= MAX_LONG_POLL_SECONDS:
            raise ValueError(f"long_poll_seconds must be between 0 and {MAX_LONG_POLL_SECONDS:g}")
        if self.long_poll_timeout_status not in (200, 408):
            raise ValueError("long_poll_timeout_status must be 200 or 408")

    def updated(self, **changes: Any) -> ProtocolConfig:
        """A validated copy with ``changes`` applied (unknown names raise ValueError)."""
        known = {f.name for f in fields(self)}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise ValueError(f"unknown option(s): {', '.join(unknown)}")
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values.update(changes)
        config = ProtocolConfig(**values)
        config.validate()
        return config

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (the control API shows it, secret key included: it is a demo)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class Request:
    """A decoded envelope (params not yet validated)."""

    headers: dict[str, Any]
    amouser_id: int
    widget_version: str
    request_id: int
    method: str
    params: Any


@dataclass(frozen=True)
class Reply:
    """What to send back: ``body`` None means drop the connection without answering."""

    body: bytes | None
    content_type: str = "application/json; charset=utf-8"
    status_code: int | None = None  # the protocol status inside the body, for the log


# -- decoding and validation --------------------------------------------------------------


def _is_int(value: Any) -> bool:
    # bool is an int subclass in Python but not an integer in JSON.
    return isinstance(value, int) and not isinstance(value, bool)


def _is_str(value: Any) -> bool:
    return isinstance(value, str)


def _is_bool(value: Any) -> bool:
    return isinstance(value, bool)


# The envelope's required fields, checked in this order: (part, field, check, what it must be).
ENVELOPE_FIELDS: tuple[tuple[str, str, Callable[[Any], bool], str], ...] = (
    ("headers", "amouser_id", _is_int, "an integer"),
    ("headers", "amouser_email", _is_str, "a string"),
    ("headers", "widget_version", _is_str, "a string"),
    ("content", "jsonrpc", lambda v: v == "2.0", '"2.0"'),
    ("content", "id", _is_int, "an integer"),
    ("content", "method", _is_str, "a string"),
)


def decode_request(body: bytes) -> Request:
    """Parse a form body into a :class:`Request`; ProtocolError(400) if anything is malformed."""
    try:
        text = body.decode("utf-8")
        # A cap on fields keeps a hostile body from building a huge dict.
        form = urllib.parse.parse_qs(text, keep_blank_values=True, errors="strict", max_num_fields=100)
    except (UnicodeDecodeError, ValueError) as exc:
        raise ProtocolError(400, f"bad form data: {exc}") from None
    if "json" not in form:
        raise ProtocolError(400, "bad form data: no 'json' field")
    try:
        envelope = json.loads(form["json"][0])
    except ValueError as exc:
        raise ProtocolError(400, f"'json' field is not valid JSON: {exc}") from None
    if not isinstance(envelope, dict):
        raise ProtocolError(400, "envelope must be a JSON object")
    headers, content = envelope.get("headers"), envelope.get("content")
    if not isinstance(headers, dict):
        raise ProtocolError(400, "envelope.headers must be an object")
    if not isinstance(content, dict):
        raise ProtocolError(400, "envelope.content must be an object")
    parts = {"headers": headers, "content": content}
    for part, name, check, expected in ENVELOPE_FIELDS:
        if not check(parts[part].get(name)):
            raise ProtocolError(400, f"{part}.{name} must be {expected}")
    return Request(
        headers=headers,
        amouser_id=headers["amouser_id"],
        widget_version=headers["widget_version"],
        request_id=content["id"],
        method=content["method"],
        # Absent params are fine for methods without arguments (ping, hangup).
        params=content.get("params", {}),
    )


def check_secret_key(given: str | None, expected: str) -> None:
    """ProtocolError(401) unless ``given`` equals ``expected``."""
    if given is None or not hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8")):
        raise ProtocolError(401)


def check_version(version: str, mode: str) -> None:
    """ProtocolError(409) unless ``version`` is accepted in ``mode`` ("production" / "test")."""
    ok = version == TEST_VERSION if mode == "test" else _PRODUCTION_VERSION.fullmatch(version) is not None
    if not ok:
        raise ProtocolError(409, f"incompatible widget version {version!r}")


def _is_agent_status(value: Any) -> bool:
    if not isinstance(value, dict) or not isinstance(value.get("status"), str):
        return False
    return value.get("call_info") is None or isinstance(value["call_info"], dict)


# Each method's named params and their type checks; the set of names must match exactly.
METHOD_PARAMS: dict[str, dict[str, Callable[[Any], bool]]] = {
    "ping": {},
    "get_agent_status": {"current_status": _is_agent_status},
    "originate": {"phone": _is_str},
    "originate_by_contact": {"contact_uuid": _is_str},
    "redirect": {"phone": _is_str},
    "hangup": {},
    "set_mute": {"is_mute": _is_bool},
    "set_hold": {"is_hold": _is_bool},
    "get_contacts": {"start_with": _is_str, "max_results": _is_int},
    "get_last_contacts": {"max_results": _is_int},
}


def validate_params(method: str, params: Any) -> dict[str, Any]:
    """Return the params as a dict; ProtocolError 404 (unknown method) or 410 (bad params)."""
    spec = METHOD_PARAMS.get(method)
    if spec is None:
        raise ProtocolError(404, f"method not found: {method}")
    if params is None:
        params = {}
    if not isinstance(params, dict):
        raise ProtocolError(410, f"invalid params for {method}: params must be an object")
    if set(params) != set(spec):
        raise ProtocolError(
            410, f"invalid params for {method}: expected {sorted(spec)}, got {sorted(params)}"
        )
    for name, check in spec.items():
        if not check(params[name]):
            raise ProtocolError(410, f"invalid params for {method}: bad type or shape of {name!r}")
    return params


# -- encoding -----------------------------------------------------------------------------


def _code(status_code: int, as_strings: bool) -> Any:
    return str(status_code) if as_strings else status_code


def _json_reply(payload: Any, status_code: int | None) -> Reply:
    return Reply(json.dumps(payload, ensure_ascii=False).encode("utf-8"), status_code=status_code)


def encode_status(status_code: int, detail: str | None, as_strings: bool) -> Reply:
    """A non-200 answer: headers only, no ``content``."""
    payload = {"headers": {"status_code": _code(status_code, as_strings),
                           "detail": detail or DETAILS.get(status_code, "error")}}
    return _json_reply(payload, status_code)


def command_result(result: Any, error: MethodError | None, style: str) -> dict[str, Any]:
    """The ``content.result`` object in the seed form or the existing backends' form."""
    if style == "name":
        return {"exception_name": error.name} if error else {"result": result}
    if error:
        return {"result": None, "exception": error.name, "exception_params": error.params}
    return {"result": result, "exception": None, "exception_params": None}


def encode_result(request_id: int, result: Any, error: MethodError | None, config: ProtocolConfig) -> Reply:
    """A 200 answer carrying a command result."""
    payload = {
        "headers": {"status_code": _code(200, config.status_codes_as_strings), "detail": DETAILS[200]},
        "content": {"jsonrpc": "2.0", "id": request_id,
                    "result": command_result(result, error, config.exception_style)},
    }
    return _json_reply(payload, 200)


def huge_contact_list(count: int) -> list[dict[str, str]]:
    """``count`` synthetic contacts, for the huge_contacts fault."""
    return [{"uuid": f"huge-{i}", "name": f"Huge Contact {i}", "phone": f"7900{i:07d}"} for i in range(count)]


# -- dispatch -----------------------------------------------------------------------------


class ProtocolHandler:
    """Answers protocol requests against one backend's state, config, faults and log."""

    def __init__(
        self,
        state: BackendState,
        faults: FaultSet,
        log: RequestLog,
        config: ProtocolConfig,
        stop_event: threading.Event,
    ) -> None:
        self.state = state
        self.faults = faults
        self.log = log
        self.config = config
        self._stop_event = stop_event

    def handle(self, secret_key: str | None, body: bytes) -> Reply:
        """Answer one request (``secret_key`` from the query string, ``body`` the form)."""
        config = self.config  # one snapshot per request, even if reconfigured meanwhile
        request: Request | None = None
        error: ProtocolError | None = None
        try:
            request = decode_request(body)
        except ProtocolError as exc:
            error = exc
        record = self.log.add(
            request.method if request else None,
            request.params if request else None,
            request.headers if request else None,
            request.request_id if request else None,
        )
        reply = self._faulted(request, record, config)
        if reply is None:
            if error is not None:
                reply = encode_status(error.status_code, error.detail, config.status_codes_as_strings)
            else:
                assert request is not None
                reply = self._answer(request, secret_key, record, config)
        record.status_code = reply.status_code
        record.answered = time.time()
        return reply

    def _faulted(
        self, request: Request | None, record: RequestRecord, config: ProtocolConfig
    ) -> Reply | None:
        # Faults that replace the whole answer. Latency first, so latency + drop makes a
        # server that is slow and then dies.
        method = request.method if request else None
        latency = self.faults.take("latency", method)
        if latency is not None:
            self._stop_event.wait(latency.value)
        if self.faults.take("drop", method):
            record.fault = "drop"
            return Reply(None)
        fault = self.faults.take("non_json", method)
        if fault is not None:
            record.fault = "non_json"
            return Reply(fault.value.encode("utf-8"), content_type="text/html; charset=utf-8")
        if self.faults.take("no_headers", method):
            record.fault = "no_headers"
            content = {"jsonrpc": "2.0", "id": request.request_id if request else None,
                       "result": command_result(None, None, config.exception_style)}
            return _json_reply({"content": content}, None)
        fault = self.faults.take("status", method)
        if fault is not None:
            record.fault = "status"
            return encode_status(fault.value, "forced by fault injection", config.status_codes_as_strings)
        return None

    def _answer(self, request: Request, secret_key: str | None, record: RequestRecord,
                config: ProtocolConfig) -> Reply:
        key_fault = self.faults.take("secret_key", request.method)
        try:
            check_secret_key(secret_key, key_fault.value if key_fault else config.secret_key)
            check_version(request.widget_version, config.version_mode)
            params = validate_params(request.method, request.params)
        except ProtocolError as exc:
            return encode_status(exc.status_code, exc.detail, config.status_codes_as_strings)
        fault = self.faults.take("exception", request.method)
        if fault is not None:
            record.fault = "exception"
            return encode_result(request.request_id, None, MethodError(fault.value), config)
        try:
            result = self._dispatch(request, params, record, config)
        except MethodError as exc:
            return encode_result(request.request_id, None, exc, config)
        except ProtocolError as exc:
            return encode_status(exc.status_code, exc.detail, config.status_codes_as_strings)
        return encode_result(request.request_id, result, None, config)

    def _dispatch(self, request: Request, params: dict[str, Any], record: RequestRecord,
                  config: ProtocolConfig) -> Any:
        state, agent, method = self.state, request.amouser_id, request.method
        if method == "ping":
            return {"ping": "pong"}
        if method == "get_agent_status":
            return self._long_poll(agent, params["current_status"], record, config)
        if method == "originate":
            state.originate(agent, params["phone"])
        elif method == "originate_by_contact":
            state.originate_by_contact(agent, params["contact_uuid"])
        elif method == "redirect":
            state.redirect(agent, params["phone"])
        elif method == "hangup":
            state.hangup(agent)
        elif method == "set_mute":
            state.set_mute(agent, params["is_mute"])
        elif method == "set_hold":
            state.set_hold(agent, params["is_hold"])
        elif method in ("get_contacts", "get_last_contacts"):
            huge = self.faults.take("huge_contacts", method)
            if huge is not None:
                record.fault = "huge_contacts"
                return huge_contact_list(huge.value)
            limit = min(params["max_results"], MAX_RESULTS_CAP)
            if method == "get_contacts":
                found = state.phonebook.search(params["start_with"], limit)
            else:
                found = state.last_contacts(agent, limit)
            return [c.to_wire() for c in found]
        return None

    def _long_poll(
        self, agent: int, current_status: Any, record: RequestRecord, config: ProtocolConfig
    ) -> Any:
        timeout = float(config.long_poll_seconds)
        raw = self.faults.take("agent_status_result", "get_agent_status")
        if raw is not None:
            record.fault = "agent_status_result"
            # Keep long-poll pacing even for a custom result, so a widget that accepts it
            # and polls again does not spin.
            if not statuses_differ(raw.value, current_status):
                self.state.wait_for_change(agent, self.state.agent_status(agent), timeout)
            return copy_status(raw.value)
        status, changed = self.state.wait_for_change(agent, current_status, timeout)
        if not changed and config.long_poll_timeout_status == 408:
            raise ProtocolError(408)
        return status
