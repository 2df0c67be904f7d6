"""An in-memory emulation of the amoCRM REST API v4 endpoints a post-call card uses.

The sandbox page is served from the same origin as these endpoints, like a widget's page in a real
amoCRM account, so the widget can call ``/api/v4/...`` with jQuery exactly as it would in production.

Endpoints (see :meth:`AmoApi.handle`):

* ``GET  /api/v4/contacts?query=<text>``   search: the name contains the text (case-insensitive) or a
  PHONE value matches the query's digits; ``limit`` (default 50, at most 250) and ``page`` paginate
* ``GET  /api/v4/contacts/{id}``            one contact (404 if unknown)
* ``POST /api/v4/contacts``                 create contacts (a JSON array)
* ``GET  /api/v4/contacts/{id}/notes``      the contact's notes
* ``POST /api/v4/contacts/{id}/notes``      add notes (``note_type`` ``common`` only)
* ``GET  /api/v4/tasks``                    tasks, ``filter[entity_type]`` / ``filter[entity_id]`` narrow them
* ``POST /api/v4/tasks``                    create tasks

Sandbox control (never faulted, no header checks):

* ``POST /sandbox/amocrm-api/faults``  ``{"kind", "times", "method", "retry_after", "delay",
  "detail"}`` (one active fault): ``400`` (a validation error on ``params.text`` whose detail is
  ``detail``), ``401``, ``403`` (amoCRM's HTML block page), ``429`` (``retry_after`` seconds),
  ``500``, ``drop`` (the connection closes before the request is handled), ``lost`` (the request
  IS handled, then the connection closes: a write whose answer never arrives), ``slow`` (answers
  after ``delay`` seconds); ``times`` requests (0 = until cleared) of ``method`` (``GET`` or
  ``POST``; default any; others pass untouched), ``none`` clears
* ``GET  /sandbox/amocrm-api/state``   ``{"contacts", "notes", "tasks", "requests", "fault"}``
* ``POST /sandbox/amocrm-api/reset``   drop created contacts, notes and tasks, the request log and the fault

What follows amoCRM's documentation (https://www.amocrm.ru/developers/content/crm_platform/):

* contacts-api (``GET/POST /api/v4/contacts``): HAL answers ``{"_page", "_links", "_embedded":
  {"contacts": [...]}}``; phones in ``custom_fields_values`` with ``field_code`` ``PHONE`` and an
  ``enum_code`` of WORK, MOB, WORKDD, FAX, HOME, OTHER (WORK when left out); a contact without custom
  fields has ``custom_fields_values: null``.
* events-and-notes (``/api/v4/{entity}/{id}/notes``) and tasks-api (``/api/v4/tasks``): POST takes a
  JSON array (at most 250 items) and answers ``_embedded.<entity>`` items with ``id``, ``request_id``
  (echoed, as a string; the item's index when not sent) and ``_links``; ``complete_till`` is a unix
  timestamp in seconds; ``task_type_id`` 1 is "Follow-up" (the default).
* An empty list answers **204 No Content with an empty body**, not an empty ``_embedded``.
* api-reference errors: ``application/problem+json`` bodies ``{"title", "type", "status", "detail"}``;
  a 400 adds ``"validation-errors": [{"request_id", "errors": [{"code", "path", "detail"}]}]`` with the
  codes ``RequiredField``, ``InvalidType`` and ``NotSupportedChoice``; a 429 carries the wait in seconds
  both in a ``Retry-After`` header and as ``retry_after`` in the body; 401 for a bad token; amoCRM's
  block page (403) is HTML, not JSON.

Sandbox simplifications: all ids (contacts, notes, tasks) come from one counter starting at
90000001, so ids also order events in time; only contacts are linkable entities; the request must
carry ``X-Requested-With: XMLHttpRequest`` (403 problem+json otherwise, as for a cross-site request)
and POST bodies ``Content-Type: application/json`` (415 otherwise). An answer whose body is ``None``
means "drop the connection without answering" (the ``drop`` fault).
"""

from __future__ import annotations

import dataclasses
import json
import re
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sandbox.demo_backend.phonebook import Contact, digits_of

API_PREFIX = "/api/v4/"
CONTROL_PREFIX = "/sandbox/amocrm-api/"
FIRST_ID = 90000001
ENUM_CODES = ("WORK", "MOB", "WORKDD", "FAX", "HOME", "OTHER")
NOTE_TYPES = ("common",)
ENTITY_TYPES = ("contacts",)
FAULT_KINDS = ("400", "401", "403", "429", "500", "drop", "lost", "slow", "none")
FAULT_METHODS = ("GET", "POST")
MAX_BATCH = 250
DEFAULT_LIMIT = 50
MAX_LIMIT = 250
MAX_DELAY = 60.0
MAX_LOGGED_REQUESTS = 1000
DEFAULT_TASK_TYPE_ID = 1

PROBLEM_TYPE = "application/problem+json; charset=utf-8"
HAL_TYPE = "application/hal+json; charset=utf-8"
JSON_TYPE = "application/json; charset=utf-8"
HTML_TYPE = "text/html; charset=utf-8"

BLOCK_PAGE = (
    b"<!DOCTYPE html><html><head><title>403 Forbidden</title></head><body>"
    b"<h1>Access denied</h1><p>Your request was blocked by amoCRM.</p></body></html>"
)

Headers = dict[str, str]
Answer = tuple[int, Headers, bytes | None]

_CONTACT_RE = re.compile(r"^/api/v4/contacts/(\d+)$")
_NOTES_RE = re.compile(r"^/api/v4/contacts/(\d+)/notes$")


# --- answers ------------------------------------------------------------------------------------


def _json(status: int, payload: Any, content_type: str = HAL_TYPE, extra: Headers | None = None) -> Answer:
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    return status, {"Content-Type": content_type, **(extra or {})}, body


def _no_content() -> Answer:
    return 204, {}, b""


def problem(status: int, title: str, detail: str, extra: Headers | None = None, **fields: Any) -> Answer:
    """An amoCRM error answer: ``application/problem+json`` with title, type, status and detail."""
    payload = {"title": title, "type": f"https://httpstatus.es/{status}", "status": status, "detail": detail}
    return _json(status, {**fields, **payload}, PROBLEM_TYPE, extra)


def _validation_failed(errors: list[dict[str, Any]]) -> Answer:
    return problem(400, "Bad Request", "Request validation failed", **{"validation-errors": errors})


# --- validation ---------------------------------------------------------------------------------


class _Invalid(Exception):
    def __init__(self, code: str, path: str, detail: str) -> None:
        super().__init__(detail)
        self.error = {"code": code, "path": path, "detail": detail}


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _non_empty_str(value: Any) -> bool:
    return isinstance(value, str) and value.strip() != ""


@dataclass(frozen=True)
class Rule:
    """One field of a POST item: a type check (InvalidType) and an optional choice check."""

    name: str
    required: bool
    check: Callable[[Any], bool]
    expected: str
    choices: Sequence[Any] | None = None


def _apply_rules(item: Mapping[str, Any], rules: Iterable[Rule], prefix: str = "") -> list[dict[str, str]]:
    errors: list[dict[str, str]] = []
    for rule in rules:
        path = prefix + rule.name
        if rule.name not in item or item[rule.name] is None:
            if rule.required:
                errors.append({"code": "RequiredField", "path": path, "detail": "This field is missing."})
            continue
        value = item[rule.name]
        if not rule.check(value):
            detail = f"This value should be {rule.expected}."
            errors.append({"code": "InvalidType", "path": path, "detail": detail})
        elif rule.choices is not None and value not in rule.choices:
            choices = ", ".join(str(c) for c in rule.choices)
            errors.append({"code": "NotSupportedChoice", "path": path,
                           "detail": f"The value you selected is not a valid choice ({choices})."})
    return errors


REQUEST_ID_RULE = Rule("request_id", False, lambda v: isinstance(v, str), "of type string")
CONTACT_RULES = (
    Rule("name", True, lambda v: isinstance(v, str), "of type string"),
    Rule("responsible_user_id", False, _is_int, "of type int"),
    Rule("custom_fields_values", False, lambda v: isinstance(v, list), "of type array"),
    REQUEST_ID_RULE,
)
CUSTOM_FIELD_RULES = (
    Rule("field_code", True, lambda v: isinstance(v, str), "of type string", ("PHONE",)),
    Rule("values", True, lambda v: isinstance(v, list) and len(v) > 0, "a non-empty array"),
)
PHONE_VALUE_RULES = (
    Rule("value", True, _non_empty_str, "a non-empty string"),
    Rule("enum_code", False, lambda v: isinstance(v, str), "of type string", ENUM_CODES),
)
NOTE_RULES = (
    Rule("note_type", True, lambda v: isinstance(v, str), "of type string", NOTE_TYPES),
    Rule("params", True, lambda v: isinstance(v, dict), "of type object"),
    REQUEST_ID_RULE,
)
NOTE_PARAMS_RULES = (Rule("text", True, _non_empty_str, "a non-empty string"),)
TASK_RULES = (
    Rule("text", True, _non_empty_str, "a non-empty string"),
    Rule("complete_till", True, _is_int, "of type int"),
    Rule("entity_type", False, lambda v: isinstance(v, str), "of type string", ENTITY_TYPES),
    Rule("entity_id", False, _is_int, "of type int"),
    Rule("task_type_id", False, lambda v: _is_int(v) and v > 0, "a positive int"),
    Rule("responsible_user_id", False, _is_int, "of type int"),
    REQUEST_ID_RULE,
)


def _nested(item: Mapping[str, Any], key: str, rules: Iterable[Rule], prefix: str) -> list[dict[str, str]]:
    """Errors of the objects in ``item[key]`` (a list) checked against ``rules``."""
    errors: list[dict[str, str]] = []
    for i, sub in enumerate(item.get(key) or []):
        path = f"{prefix}{key}.{i}"
        if not isinstance(sub, dict):
            errors.append({"code": "InvalidType", "path": path, "detail": "This value should be an object."})
        else:
            errors.extend(_apply_rules(sub, rules, path + "."))
    return errors


def _contact_errors(item: dict[str, Any], _api: AmoApi) -> list[dict[str, str]]:
    errors = _apply_rules(item, CONTACT_RULES)
    if isinstance(item.get("custom_fields_values"), list):
        errors += _nested(item, "custom_fields_values", CUSTOM_FIELD_RULES, "")
        for i, field in enumerate(item["custom_fields_values"]):
            if isinstance(field, dict) and isinstance(field.get("values"), list):
                errors += _nested(field, "values", PHONE_VALUE_RULES, f"custom_fields_values.{i}.")
    return errors


def _note_errors(item: dict[str, Any], _api: AmoApi) -> list[dict[str, str]]:
    errors = _apply_rules(item, NOTE_RULES)
    if isinstance(item.get("params"), dict):
        errors += _apply_rules(item["params"], NOTE_PARAMS_RULES, "params.")
    return errors


def _task_errors(item: dict[str, Any], api: AmoApi) -> list[dict[str, str]]:
    errors = _apply_rules(item, TASK_RULES)
    has_id, has_type = item.get("entity_id") is not None, item.get("entity_type") is not None
    if has_id != has_type:
        missing = "entity_type" if has_id else "entity_id"
        errors.append({"code": "RequiredField", "path": missing,
                       "detail": "entity_id and entity_type go together."})
    entity_id = item.get("entity_id")
    if _is_int(entity_id) and entity_id not in api._contacts:
        errors.append({"code": "NotSupportedChoice", "path": "entity_id",
                       "detail": f"Entity {entity_id} of type contacts was not found."})
    return errors


def _parse_batch(
    body: bytes, check: Callable[[dict[str, Any], AmoApi], list[dict[str, str]]], api: AmoApi
) -> list[dict[str, Any]] | Answer:
    """The POST body's items, or a 400 answer listing every item's errors."""
    try:
        items = json.loads(body.decode("utf-8")) if body else None
    except (UnicodeDecodeError, ValueError):
        items = None
    if not isinstance(items, list) or not items or len(items) > MAX_BATCH:
        detail = f"The request body must be a JSON array of 1 to {MAX_BATCH} objects."
        return _validation_failed([{"request_id": "0",
                                    "errors": [{"code": "InvalidType", "path": "", "detail": detail}]}])
    failed = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            errs = [{"code": "InvalidType", "path": "", "detail": "This value should be of type object."}]
        else:
            errs = check(item, api)
        if errs:
            failed.append({"request_id": _request_id(item, index), "errors": errs})
    return _validation_failed(failed) if failed else items


def _request_id(item: Any, index: int) -> str:
    rid = item.get("request_id") if isinstance(item, dict) else None
    return rid if isinstance(rid, str) else str(index)


# --- phone search -------------------------------------------------------------------------------


def phone_matches(query_digits: str, value: str) -> bool:
    """Whether a phone value matches a query's digits: either ends with the other's last 10 digits,
    or contains it (so a typed fragment finds the number)."""
    value_digits = digits_of(value)
    if not query_digits or not value_digits:
        return False
    return (
        value_digits.endswith(query_digits[-10:])
        or query_digits.endswith(value_digits[-10:])
        or query_digits in value_digits
        or value_digits in query_digits
    )


# --- faults -------------------------------------------------------------------------------------


@dataclass
class Fault:
    """The active fault: ``remaining`` requests left (None = until cleared)."""

    kind: str
    remaining: int | None
    method: str | None = None  # None: any method
    retry_after: int = 1
    delay: float = 1.0
    detail: str = "This value is not valid."

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def parse_fault(payload: Any) -> Fault | str:
    """A Fault from the control body, or the reason it is invalid."""
    if not isinstance(payload, dict):
        return "body must be a JSON object"
    kind = payload.get("kind")
    if kind not in FAULT_KINDS:
        return f"kind must be one of {', '.join(FAULT_KINDS)}"
    times = payload.get("times", 1)
    if not _is_int(times) or times < 0:
        return "times must be an int >= 0 (0 = until cleared)"
    method = payload.get("method")
    if method not in (None, *FAULT_METHODS):
        return f"method must be one of {', '.join(FAULT_METHODS)} (or absent: any)"
    retry_after = payload.get("retry_after", 1)
    if not _is_int(retry_after) or retry_after < 0:
        return "retry_after must be an int >= 0"
    delay = payload.get("delay", 1.0)
    if not isinstance(delay, int | float) or isinstance(delay, bool) or not 0 <= delay <= MAX_DELAY:
        return f"delay must be a number of seconds between 0 and {MAX_DELAY:g}"
    detail = payload.get("detail", Fault.detail)
    if not isinstance(detail, str):
        return "detail must be a string"
    return Fault(kind, times or None, method, retry_after, float(delay), detail)


# --- the API ------------------------------------------------------------------------------------


class AmoApi:
    """The emulated API's state and request handling; safe to call from many threads.

    ``contacts`` seed the account (id = ``contact_id``, phone ``"+" + phone`` as WORK); ``user_id``
    is the page user (responsible and author by default). ``clock`` and ``sleep`` are injectable
    for tests.
    """

    def __init__(
        self,
        contacts: Iterable[Contact] = (),
        user_id: int = 0,
        *,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.user_id = user_id
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._seed = [self._seed_contact(c) for c in contacts]
        self._contacts: dict[int, dict[str, Any]] = {}
        self._notes: list[dict[str, Any]] = []
        self._tasks: list[dict[str, Any]] = []
        self._requests: list[dict[str, Any]] = []
        self._fault: Fault | None = None
        self._next_id = FIRST_ID
        self.reset()

    def _seed_contact(self, contact: Contact) -> dict[str, Any]:
        phones = [{"value": "+" + contact.phone, "enum_code": "WORK"}]
        return self._contact_record(contact.contact_id, contact.name, self.user_id, phones)

    @staticmethod
    def _contact_record(
        cid: int, name: str, responsible: int, phones: list[dict[str, str]]
    ) -> dict[str, Any]:
        fields = [{"field_code": "PHONE", "field_name": "Phone", "values": phones}] if phones else None
        return {"id": cid, "name": name, "responsible_user_id": responsible, "custom_fields_values": fields}

    # --- control -------------------------------------------------------------------------------

    def reset(self) -> None:
        """Back to the seed contacts: no created entities, no fault, an empty request log."""
        with self._lock:
            self._contacts = {c["id"]: json.loads(json.dumps(c)) for c in self._seed}
            self._notes, self._tasks, self._requests = [], [], []
            self._fault = None
            self._next_id = FIRST_ID

    def set_fault(self, fault: Fault | None) -> None:
        """Make ``fault`` the active one (``None`` or kind ``none`` clears it)."""
        with self._lock:
            self._fault = None if fault is None or fault.kind == "none" else fault

    def state(self) -> dict[str, Any]:
        """A JSON-ready copy of everything: contacts, notes, tasks, the request log and the fault."""
        with self._lock:
            return json.loads(json.dumps({
                "contacts": [self._contact_view(c) for c in self._contacts.values()],
                "notes": self._notes,
                "tasks": self._tasks,
                "requests": self._requests,
                "fault": self._fault.as_dict() if self._fault else None,
            }))

    # --- dispatch ------------------------------------------------------------------------------

    def handle(
        self,
        method: str,
        path: str,
        query: Mapping[str, list[str]] | str,
        headers: Mapping[str, str] | Any,
        body: bytes,
    ) -> Answer:
        """Answer one request as ``(status, headers, body)``; ``body is None`` = drop the connection."""
        if isinstance(query, str):
            query = urllib.parse.parse_qs(query, keep_blank_values=True)
        if path.startswith(CONTROL_PREFIX):
            return self._control(method, path[len(CONTROL_PREFIX):], body)
        if not path.startswith(API_PREFIX):
            return problem(404, "Not Found", f"No such endpoint: {path}")
        fault = self._take_fault(method)
        answer = self._faulted(fault) if fault else None
        if answer is None:
            answer = self._api(method, path, query, _lower_keys(headers), body)
            if fault and fault.kind == "lost":  # handled, but the answer never reaches the page
                answer = (0, {}, None)
        self._log(method, path, answer[0] if answer[2] is not None else None)
        return answer

    def _take_fault(self, method: str) -> Fault | None:
        with self._lock:
            fault = self._fault
            if fault is None or fault.method not in (None, method):
                return None
            if fault.remaining is not None:
                fault.remaining -= 1
                if fault.remaining <= 0:
                    self._fault = None
            return dataclasses.replace(fault)

    def _faulted(self, fault: Fault) -> Answer | None:
        if fault.kind == "400":
            return _validation_failed([{"request_id": "0", "errors": [
                {"code": "InvalidType", "path": "params.text", "detail": fault.detail}]}])
        if fault.kind == "lost":
            return None
        if fault.kind == "401":
            return problem(401, "Unauthorized", "Authorization token is expired or invalid")
        if fault.kind == "403":
            return 403, {"Content-Type": HTML_TYPE}, BLOCK_PAGE
        if fault.kind == "429":
            return problem(429, "Too Many Requests", "Too many requests, slow down",
                           {"Retry-After": str(fault.retry_after)}, retry_after=fault.retry_after)
        if fault.kind == "500":
            return problem(500, "Internal Server Error", "Internal server error")
        if fault.kind == "drop":
            return 0, {}, None
        self._sleep(fault.delay)  # slow: answer normally afterwards
        return None

    def _log(self, method: str, path: str, status: int | None) -> None:
        with self._lock:
            self._requests.append({"method": method, "path": path, "status": status})
            del self._requests[:-MAX_LOGGED_REQUESTS]

    def _control(self, method: str, action: str, body: bytes) -> Answer:
        if action == "state" and method == "GET":
            return _json(200, self.state(), JSON_TYPE)
        if action == "reset" and method == "POST":
            self.reset()
            return _json(200, {"ok": True}, JSON_TYPE)
        if action == "faults" and method == "POST":
            try:
                payload = json.loads(body.decode("utf-8")) if body else {}
            except (UnicodeDecodeError, ValueError):
                payload = None
            fault = parse_fault(payload)
            if isinstance(fault, str):
                return problem(400, "Bad Request", fault)
            self.set_fault(fault)
            with self._lock:
                current = self._fault.as_dict() if self._fault else None
            return _json(200, {"fault": current}, JSON_TYPE)
        if action in ("state", "reset", "faults"):
            return problem(405, "Method Not Allowed", f"{method} is not allowed here")
        return problem(404, "Not Found", f"No such sandbox control: {action}")

    def _api(
        self, method: str, path: str, query: Mapping[str, list[str]], headers: Headers, body: bytes
    ) -> Answer:
        if headers.get("x-requested-with") != "XMLHttpRequest":
            return problem(403, "Forbidden", "The X-Requested-With: XMLHttpRequest header is required")
        media_type = headers.get("content-type", "").split(";")[0].strip().lower()
        if method == "POST" and media_type != "application/json":
            return problem(415, "Unsupported Media Type", "The request body must be application/json")
        routes: dict[str, Callable[[], Answer]]
        if path == "/api/v4/contacts":
            routes = {"GET": lambda: self._search_contacts(query),
                      "POST": lambda: self._create_contacts(body)}
        elif path == "/api/v4/tasks":
            routes = {"GET": lambda: self._list_tasks(query), "POST": lambda: self._create_tasks(body)}
        elif match := _NOTES_RE.match(path):
            cid = int(match.group(1))
            routes = {"GET": lambda: self._list_notes(cid), "POST": lambda: self._create_notes(cid, body)}
        elif match := _CONTACT_RE.match(path):
            cid = int(match.group(1))
            routes = {"GET": lambda: self._get_contact(cid)}
        else:
            return problem(404, "Not Found", f"No such endpoint: {path}")
        route = routes.get(method)
        if route is None:
            return problem(405, "Method Not Allowed", f"{method} is not allowed on {path}")
        return route()

    # --- contacts ------------------------------------------------------------------------------

    @staticmethod
    def _contact_view(record: dict[str, Any]) -> dict[str, Any]:
        return {**record, "_links": {"self": {"href": f"/api/v4/contacts/{record['id']}"}}}

    def _search_contacts(self, query: Mapping[str, list[str]]) -> Answer:
        first = {k: (v or [""])[0] for k, v in query.items()}
        try:
            limit = int(first.get("limit") or DEFAULT_LIMIT)
            page = int(first.get("page") or 1)
        except ValueError:
            limit = page = 0
        if not 1 <= limit <= MAX_LIMIT or page < 1:
            return _validation_failed([{"request_id": "0", "errors": [{
                "code": "InvalidType", "path": "limit" if not 1 <= limit <= MAX_LIMIT else "page",
                "detail": f"limit must be 1..{MAX_LIMIT}, page >= 1"}]}])
        text = first.get("query", "").strip()
        with self._lock:
            found = [self._contact_view(c) for c in self._contacts.values() if _contact_matches(c, text)]
        chunk = found[(page - 1) * limit: page * limit]
        if not chunk:
            return _no_content()
        self_query = urllib.parse.urlencode(first)
        self_href = "/api/v4/contacts" + (f"?{self_query}" if self_query else "")
        links: dict[str, Any] = {"self": {"href": self_href}}
        if page * limit < len(found):
            next_query = urllib.parse.urlencode({**first, "page": page + 1, "limit": limit})
            links["next"] = {"href": f"/api/v4/contacts?{next_query}"}
        return _json(200, {"_page": page, "_links": links, "_embedded": {"contacts": chunk}})

    def _get_contact(self, cid: int) -> Answer:
        with self._lock:
            record = self._contacts.get(cid)
            view = self._contact_view(record) if record else None
        if view is None:
            return problem(404, "Not Found", f"Contact {cid} not found")
        return _json(200, view)

    def _create_contacts(self, body: bytes) -> Answer:
        with self._lock:
            items = _parse_batch(body, _contact_errors, self)
            if isinstance(items, tuple):
                return items
            out = []
            for index, item in enumerate(items):
                phones = [
                    {"value": v["value"], "enum_code": v.get("enum_code") or "WORK"}
                    for field in item.get("custom_fields_values") or []
                    for v in field["values"]
                ]
                cid = self._new_id()
                responsible = item.get("responsible_user_id") or self.user_id
                self._contacts[cid] = self._contact_record(cid, item["name"], responsible, phones)
                out.append({"id": cid, "request_id": _request_id(item, index),
                            "_links": {"self": {"href": f"/api/v4/contacts/{cid}"}}})
        return _json(200, {"_links": {"self": {"href": "/api/v4/contacts"}}, "_embedded": {"contacts": out}})

    # --- notes ---------------------------------------------------------------------------------

    def _list_notes(self, cid: int) -> Answer:
        with self._lock:
            if cid not in self._contacts:
                return problem(404, "Not Found", f"Contact {cid} not found")
            notes = [n for n in self._notes if n["entity_id"] == cid]
        if not notes:
            return _no_content()
        href = f"/api/v4/contacts/{cid}/notes"
        return _json(200, {"_page": 1, "_links": {"self": {"href": href}}, "_embedded": {"notes": notes}})

    def _create_notes(self, cid: int, body: bytes) -> Answer:
        href = f"/api/v4/contacts/{cid}/notes"
        with self._lock:
            if cid not in self._contacts:
                return problem(404, "Not Found", f"Contact {cid} not found")
            items = _parse_batch(body, _note_errors, self)
            if isinstance(items, tuple):
                return items
            out = []
            for index, item in enumerate(items):
                nid = self._new_id()
                self._notes.append({
                    "id": nid, "entity_id": cid, "entity_type": "contacts", "note_type": item["note_type"],
                    "params": {"text": item["params"]["text"]}, "created_by": self.user_id,
                    "created_at": int(self._clock()),
                })
                out.append({"id": nid, "entity_id": cid, "request_id": _request_id(item, index),
                            "_links": {"self": {"href": f"{href}/{nid}"}}})
        return _json(200, {"_links": {"self": {"href": href}}, "_embedded": {"notes": out}})

    # --- tasks ---------------------------------------------------------------------------------

    def _list_tasks(self, query: Mapping[str, list[str]]) -> Answer:
        def values(*names: str) -> list[str]:
            return [v for name in names for v in query.get(name, [])]

        types = values("filter[entity_type]")
        try:
            ids = {int(v) for v in values("filter[entity_id]", "filter[entity_id][]")}
        except ValueError:
            error = {"code": "InvalidType", "path": "filter.entity_id", "detail": "Should be an int."}
            return _validation_failed([{"request_id": "0", "errors": [error]}])
        with self._lock:
            tasks = [t for t in self._tasks
                     if (not types or t["entity_type"] in types) and (not ids or t["entity_id"] in ids)]
        if not tasks:
            return _no_content()
        links = {"self": {"href": "/api/v4/tasks"}}
        return _json(200, {"_page": 1, "_links": links, "_embedded": {"tasks": tasks}})

    def _create_tasks(self, body: bytes) -> Answer:
        with self._lock:
            items = _parse_batch(body, _task_errors, self)
            if isinstance(items, tuple):
                return items
            out = []
            for index, item in enumerate(items):
                tid = self._new_id()
                self._tasks.append({
                    "id": tid, "text": item["text"], "complete_till": item["complete_till"],
                    "entity_id": item.get("entity_id"), "entity_type": item.get("entity_type"),
                    "task_type_id": item.get("task_type_id") or DEFAULT_TASK_TYPE_ID,
                    "responsible_user_id": item.get("responsible_user_id") or self.user_id,
                    "created_by": self.user_id, "created_at": int(self._clock()),
                })
                out.append({"id": tid, "request_id": _request_id(item, index),
                            "_links": {"self": {"href": f"/api/v4/tasks/{tid}"}}})
        return _json(200, {"_links": {"self": {"href": "/api/v4/tasks"}}, "_embedded": {"tasks": out}})

    def _new_id(self) -> int:
        nid = self._next_id
        self._next_id += 1
        return nid


def _lower_keys(headers: Mapping[str, str] | Any) -> Headers:
    return {str(k).lower(): str(v) for k, v in headers.items()}


def _contact_matches(record: dict[str, Any], text: str) -> bool:
    if not text:
        return True
    if text.casefold() in record["name"].casefold():
        return True
    query_digits = digits_of(text)
    return any(
        phone_matches(query_digits, value["value"])
        for field in record["custom_fields_values"] or []
        if field.get("field_code") == "PHONE"
        for value in field["values"]
    )
