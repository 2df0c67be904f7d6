"""The emulated amoCRM REST API v4 (sandbox/amocrm_api.py): directly, and through the sandbox server."""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from sandbox.amocrm_api import FIRST_ID, AmoApi, phone_matches
from sandbox.demo_backend.phonebook import Contact, Phonebook
from sandbox.options import SandboxOptions
from sandbox.server import SandboxServer

USER = 555
XHR = {"X-Requested-With": "XMLHttpRequest"}
POST = {**XHR, "Content-Type": "application/json"}
ANNA = Contact(uuid="u1", name="Anna Ivanova", phone="79161234567", contact_id=10001)
JOHN = Contact(uuid="u2", name="John Smith", phone="12125550100", contact_id=10002)


@pytest.fixture
def slept() -> list[float]:
    return []


@pytest.fixture
def api(slept: list[float]) -> AmoApi:
    return AmoApi([ANNA, JOHN], USER, clock=lambda: 1700000000.9, sleep=slept.append)


def call(
    api: AmoApi,
    method: str,
    path: str,
    body: Any = None,
    *,
    query: str = "",
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, str], Any]:
    raw = body if isinstance(body, bytes) else (b"" if body is None else json.dumps(body).encode())
    status, out_headers, out = api.handle(method, path, query, headers if headers is not None else POST, raw)
    if out is None:
        return status, out_headers, None
    return status, out_headers, json.loads(out) if out and "json" in out_headers["Content-Type"] else out


def errors_of(payload: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [
        (item["request_id"], e["code"], e["path"])
        for item in payload["validation-errors"]
        for e in item["errors"]
    ]


# --- contacts ---------------------------------------------------------------------------------------


def test_search_by_name_is_case_insensitive_and_has_amocrm_shape(api: AmoApi) -> None:
    status, headers, body = call(api, "GET", "/api/v4/contacts", query="query=IVANOV")
    assert status == 200
    assert headers["Content-Type"].startswith("application/hal+json")
    assert body["_page"] == 1
    assert body["_links"]["self"]["href"] == "/api/v4/contacts?query=IVANOV"
    assert body["_embedded"]["contacts"] == [
        {
            "id": 10001,
            "name": "Anna Ivanova",
            "responsible_user_id": USER,
            "custom_fields_values": [
                {
                    "field_code": "PHONE",
                    "field_name": "Phone",
                    "values": [{"value": "+79161234567", "enum_code": "WORK"}],
                }
            ],
            "_links": {"self": {"href": "/api/v4/contacts/10001"}},
        }
    ]


@pytest.mark.parametrize(
    "query", ["8 (916) 123-45-67", "+7 916 123 45 67", "1234567", "916123", "0079161234567"]
)
def test_search_by_phone_compares_digits(api: AmoApi, query: str) -> None:
    status, _, body = call(api, "GET", "/api/v4/contacts", query="query=" + query.replace("+", "%2B"))
    assert status == 200
    assert [c["id"] for c in body["_embedded"]["contacts"]] == [10001]


def test_phone_matching_rules() -> None:
    assert phone_matches("89161234567", "+7 916 123-45-67")  # same last 10 digits
    assert phone_matches("4567", "+79161234567")  # fragment contained
    assert not phone_matches("89161234568", "+79161234567")
    assert not phone_matches("", "+79161234567")


def test_search_without_match_is_204_with_empty_body(api: AmoApi) -> None:
    status, headers, body = call(api, "GET", "/api/v4/contacts", query="query=Nobody")
    assert (status, body) == (204, b"")
    assert "Content-Type" not in headers


def test_search_paginates_with_limit(api: AmoApi) -> None:
    status, _, body = call(api, "GET", "/api/v4/contacts", query="limit=1")
    assert status == 200
    assert [c["id"] for c in body["_embedded"]["contacts"]] == [10001]
    assert "page=2" in body["_links"]["next"]["href"]
    status, _, body = call(api, "GET", "/api/v4/contacts", query="limit=1&page=2")
    assert [c["id"] for c in body["_embedded"]["contacts"]] == [10002]
    assert "next" not in body["_links"]


def test_create_contact_echoes_request_id_and_is_searchable(api: AmoApi) -> None:
    item = {
        "name": "Caller 42",
        "custom_fields_values": [
            {"field_code": "PHONE", "values": [{"value": "+7 999 000-11-22", "enum_code": "MOB"}]}
        ],
    }
    status, _, body = call(api, "POST", "/api/v4/contacts", [item, {**item, "request_id": "abc"}])
    assert status == 200
    created = body["_embedded"]["contacts"]
    assert [(c["id"], c["request_id"]) for c in created] == [(FIRST_ID, "0"), (FIRST_ID + 1, "abc")]
    assert created[0]["_links"]["self"]["href"] == f"/api/v4/contacts/{FIRST_ID}"
    _, _, found = call(api, "GET", "/api/v4/contacts", query="query=89990001122")
    contact = found["_embedded"]["contacts"][0]
    assert contact["custom_fields_values"][0]["values"] == [{"value": "+7 999 000-11-22", "enum_code": "MOB"}]
    assert contact["responsible_user_id"] == USER


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        ({}, [("0", "RequiredField", "name")]),
        ({"name": 5}, [("0", "InvalidType", "name")]),
        (
            {
                "name": "X",
                "custom_fields_values": [
                    {"field_code": "PHONE", "values": [{"value": "1", "enum_code": "CELL"}]}
                ],
            },
            [("0", "NotSupportedChoice", "custom_fields_values.0.values.0.enum_code")],
        ),
        (
            {
                "name": "X",
                "custom_fields_values": [{"field_code": "PHONE", "values": [{"enum_code": "WORK"}]}],
            },
            [("0", "RequiredField", "custom_fields_values.0.values.0.value")],
        ),
        ({"name": "X", "custom_fields_values": "+7999"}, [("0", "InvalidType", "custom_fields_values")]),
    ],
)
def test_create_contact_validation(
    api: AmoApi, item: dict[str, Any], expected: list[tuple[str, str, str]]
) -> None:
    status, headers, body = call(api, "POST", "/api/v4/contacts", [item])
    assert status == 400
    assert headers["Content-Type"].startswith("application/problem+json")
    assert {k: body[k] for k in ("title", "type", "status", "detail")} == {
        "title": "Bad Request",
        "type": "https://httpstatus.es/400",
        "status": 400,
        "detail": "Request validation failed",
    }
    assert errors_of(body) == expected
    assert [c["id"] for c in api.state()["contacts"]] == [10001, 10002]  # nothing created


@pytest.mark.parametrize("raw", [b'{"name": "X"}', b"not json", b"[]", b""])
def test_post_body_must_be_a_json_array(api: AmoApi, raw: bytes) -> None:
    status, _, body = call(api, "POST", "/api/v4/contacts", raw)
    assert status == 400
    assert errors_of(body) == [("0", "InvalidType", "")]


def test_second_invalid_item_reports_its_index_and_nothing_is_created(api: AmoApi) -> None:
    items = [{"text": "ok", "complete_till": 1}, {"text": "", "complete_till": "tomorrow"}]
    status, _, body = call(api, "POST", "/api/v4/tasks", items)
    assert status == 400
    assert errors_of(body) == [("1", "InvalidType", "text"), ("1", "InvalidType", "complete_till")]
    assert api.state()["tasks"] == []


# --- notes --------------------------------------------------------------------------------------------


def test_note_round_trip(api: AmoApi) -> None:
    assert call(api, "GET", "/api/v4/contacts/10001/notes")[:3:2] == (204, b"")
    status, _, body = call(
        api,
        "POST",
        "/api/v4/contacts/10001/notes",
        [{"note_type": "common", "params": {"text": "Called, wants a quote"}}],
    )
    assert status == 200
    assert body["_embedded"]["notes"] == [
        {
            "id": FIRST_ID,
            "entity_id": 10001,
            "request_id": "0",
            "_links": {"self": {"href": f"/api/v4/contacts/10001/notes/{FIRST_ID}"}},
        }
    ]
    status, _, body = call(api, "GET", "/api/v4/contacts/10001/notes")
    assert status == 200
    note = body["_embedded"]["notes"][0]
    assert {k: note[k] for k in ("id", "entity_id", "note_type", "params", "created_by", "created_at")} == {
        "id": FIRST_ID,
        "entity_id": 10001,
        "note_type": "common",
        "params": {"text": "Called, wants a quote"},
        "created_by": USER,
        "created_at": 1700000000,
    }
    assert call(api, "GET", "/api/v4/contacts/10002/notes")[0] == 204  # another contact's notes stay apart


def test_note_request_ids_are_echoed_or_the_index(api: AmoApi) -> None:
    note = {"note_type": "common", "params": {"text": "x"}}
    status, _, body = call(
        api, "POST", "/api/v4/contacts/10002/notes", [note, {**note, "request_id": "n2"}, note]
    )
    assert status == 200
    assert [(n["request_id"], n["entity_id"]) for n in body["_embedded"]["notes"]] == [
        ("0", 10002),
        ("n2", 10002),
        ("2", 10002),
    ]


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        ({"note_type": "sms", "params": {"text": "x"}}, [("0", "NotSupportedChoice", "note_type")]),
        ({"note_type": "common", "params": {"text": ""}}, [("0", "InvalidType", "params.text")]),
        ({"note_type": "common"}, [("0", "RequiredField", "params")]),
    ],
)
def test_note_validation(api: AmoApi, item: dict[str, Any], expected: list[tuple[str, str, str]]) -> None:
    status, _, body = call(api, "POST", "/api/v4/contacts/10001/notes", [item])
    assert status == 400
    assert errors_of(body) == expected


def test_notes_of_unknown_contact_is_404_problem(api: AmoApi) -> None:
    for method in ("GET", "POST"):
        status, headers, body = call(
            api, method, "/api/v4/contacts/1/notes", [{"note_type": "common", "params": {"text": "x"}}]
        )
        assert status == 404
        assert headers["Content-Type"].startswith("application/problem+json")
        assert body["status"] == 404


# --- tasks ---------------------------------------------------------------------------------------------


def test_task_round_trip_and_filter(api: AmoApi) -> None:
    task = {
        "text": "Call back",
        "complete_till": 1700086400,
        "entity_id": 10001,
        "entity_type": "contacts",
        "task_type_id": 2,
        "responsible_user_id": 77,
        "request_id": "t1",
    }
    status, _, body = call(
        api,
        "POST",
        "/api/v4/tasks",
        [task, {"text": "Other", "complete_till": 1, "entity_id": 10002, "entity_type": "contacts"}],
    )
    assert status == 200
    assert [(t["id"], t["request_id"]) for t in body["_embedded"]["tasks"]] == [
        (FIRST_ID, "t1"),
        (FIRST_ID + 1, "1"),
    ]
    status, _, body = call(
        api, "GET", "/api/v4/tasks", query="filter[entity_type]=contacts&filter[entity_id]=10001"
    )
    assert status == 200
    assert body["_embedded"]["tasks"] == [
        {
            "id": FIRST_ID,
            "text": "Call back",
            "complete_till": 1700086400,
            "entity_id": 10001,
            "entity_type": "contacts",
            "task_type_id": 2,
            "responsible_user_id": 77,
            "created_by": USER,
            "created_at": 1700000000,
        }
    ]
    status, _, _ = call(
        api,
        "POST",
        "/api/v4/tasks",
        [{"text": "Defaults", "complete_till": 5, "entity_id": 10002, "entity_type": "contacts"}],
    )
    assert status == 200
    stored = api.state()["tasks"][-1]
    assert (stored["task_type_id"], stored["responsible_user_id"]) == (1, USER)
    status, _, body = call(
        api, "GET", "/api/v4/tasks", query="filter[entity_type]=contacts&filter[entity_id]=99"
    )
    assert (status, body) == (204, b"")


@pytest.mark.parametrize(
    ("patch", "expected"),
    [
        ({"complete_till": "1700000000"}, [("0", "InvalidType", "complete_till")]),
        ({"complete_till": True}, [("0", "InvalidType", "complete_till")]),
        ({"entity_id": 4242}, [("0", "NotSupportedChoice", "entity_id")]),
        ({"entity_type": "leads"}, [("0", "NotSupportedChoice", "entity_type")]),
        ({"text": None}, [("0", "RequiredField", "text")]),
        ({"entity_type": None}, [("0", "RequiredField", "entity_type")]),
    ],
)
def test_task_validation(api: AmoApi, patch: dict[str, Any], expected: list[tuple[str, str, str]]) -> None:
    task = {"text": "Call back", "complete_till": 1700086400, "entity_id": 10001, "entity_type": "contacts"}
    status, _, body = call(api, "POST", "/api/v4/tasks", [{**task, **patch}])
    assert status == 400
    assert errors_of(body) == expected


# --- request checks -------------------------------------------------------------------------------------


def test_missing_xhr_header_is_403_problem(api: AmoApi) -> None:
    status, headers, body = call(api, "GET", "/api/v4/contacts", headers={})
    assert status == 403
    assert headers["Content-Type"].startswith("application/problem+json")
    assert body["title"] == "Forbidden"
    # Header names are case-insensitive.
    assert call(api, "GET", "/api/v4/contacts", headers={"x-requested-with": "XMLHttpRequest"})[0] == 200


def test_post_needs_json_content_type(api: AmoApi) -> None:
    status, _, body = call(
        api,
        "POST",
        "/api/v4/tasks",
        [{"text": "x", "complete_till": 1}],
        headers={**XHR, "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert status == 415
    assert body["status"] == 415


def test_unknown_endpoint_and_method(api: AmoApi) -> None:
    assert call(api, "GET", "/api/v4/leads")[0] == 404
    assert call(api, "DELETE", "/api/v4/tasks")[0] == 405


# --- faults and control -----------------------------------------------------------------------------------


def set_fault(api: AmoApi, **fault: Any) -> dict[str, Any]:
    status, _, body = call(api, "POST", "/sandbox/amocrm-api/faults", fault, headers={})
    assert status == 200
    return body


def test_fault_401_affects_times_requests_then_clears(api: AmoApi) -> None:
    set_fault(api, kind="401", times=2)
    for _ in range(2):
        status, headers, body = call(api, "GET", "/api/v4/contacts")
        assert status == 401
        assert headers["Content-Type"].startswith("application/problem+json")
        assert body == {
            "title": "Unauthorized",
            "type": "https://httpstatus.es/401",
            "status": 401,
            "detail": body["detail"],
        }
    assert call(api, "GET", "/api/v4/contacts")[0] == 200


def test_fault_429_carries_retry_after_in_header_and_body(api: AmoApi) -> None:
    set_fault(api, kind="429", retry_after=7)
    status, headers, body = call(api, "GET", "/api/v4/contacts")
    assert (status, headers["Retry-After"], body["retry_after"], body["status"]) == (429, "7", 7, 429)


def test_fault_403_is_html(api: AmoApi) -> None:
    set_fault(api, kind="403")
    status, headers, body = call(api, "GET", "/api/v4/contacts")
    assert (status, headers["Content-Type"].split(";")[0]) == (403, "text/html")
    assert body.startswith(b"<!DOCTYPE html>")


def test_fault_until_cleared_and_none(api: AmoApi) -> None:
    set_fault(api, kind="500", times=0)
    assert [call(api, "GET", "/api/v4/contacts")[0] for _ in range(3)] == [500, 500, 500]
    set_fault(api, kind="none")
    assert call(api, "GET", "/api/v4/contacts")[0] == 200


def test_fault_slow_delays_then_answers(api: AmoApi, slept: list[float]) -> None:
    set_fault(api, kind="slow", delay=2.5)
    assert call(api, "GET", "/api/v4/contacts")[0] == 200
    assert slept == [2.5]


def test_fault_drop_answers_nothing_and_spares_control(api: AmoApi) -> None:
    set_fault(api, kind="drop", times=0)
    assert call(api, "GET", "/sandbox/amocrm-api/state", headers={})[0] == 200  # control is never faulted
    assert call(api, "GET", "/api/v4/contacts")[2] is None
    assert api.state()["requests"] == [{"method": "GET", "path": "/api/v4/contacts", "status": None}]


def test_fault_lost_writes_but_never_answers(api: AmoApi) -> None:
    """The case idempotent saves must survive: the note exists, the page never hears of it."""
    cid = api.state()["contacts"][0]["id"]
    set_fault(api, kind="lost")
    note = [{"note_type": "common", "params": {"text": "kept"}}]
    assert call(api, "POST", f"/api/v4/contacts/{cid}/notes", note)[2] is None
    assert [n["params"]["text"] for n in api.state()["notes"]] == ["kept"]
    assert api.state()["requests"][-1]["status"] is None
    assert call(api, "POST", f"/api/v4/contacts/{cid}/notes", note)[0] == 200  # once only


def test_a_fault_for_one_method_lets_the_others_pass_and_keeps_its_count(api: AmoApi) -> None:
    """Catches a POST-only fault being used up by the GET that checks before the write."""
    cid = api.state()["contacts"][0]["id"]
    set_fault(api, kind="lost", method="POST")
    assert call(api, "GET", f"/api/v4/contacts/{cid}/notes")[0] == 204  # no notes yet, not faulted
    assert api.state()["fault"]["method"] == "POST" and api.state()["fault"]["remaining"] == 1
    note = [{"note_type": "common", "params": {"text": "kept"}}]
    assert call(api, "POST", f"/api/v4/contacts/{cid}/notes", note)[2] is None
    assert api.state()["fault"] is None
    status, _, body = call(api, "POST", "/sandbox/amocrm-api/faults", {"kind": "500", "method": "PUT"},
                           headers={})
    assert status == 400 and "method must be one of GET, POST" in json.dumps(body)


def test_fault_400_is_a_validation_error_with_the_given_detail(api: AmoApi) -> None:
    set_fault(api, kind="400", detail="<b>bad</b>")
    status, headers, body = call(api, "GET", "/api/v4/contacts")
    assert status == 400 and headers["Content-Type"].startswith("application/problem+json")
    assert body["validation-errors"][0]["errors"][0] == {"code": "InvalidType", "path": "params.text",
                                                         "detail": "<b>bad</b>"}


@pytest.mark.parametrize(
    "fault", [{"kind": "418"}, {"kind": "400", "detail": 5}, {"kind": "429", "times": -1},
              {"kind": "slow", "delay": "x"}]
)
def test_bad_fault_is_rejected(api: AmoApi, fault: dict[str, Any]) -> None:
    assert call(api, "POST", "/sandbox/amocrm-api/faults", fault, headers={})[0] == 400
    assert api.state()["fault"] is None


def test_state_logs_requests_and_reset_clears(api: AmoApi) -> None:
    call(api, "POST", "/api/v4/contacts/10001/notes", [{"note_type": "common", "params": {"text": "n"}}])
    call(api, "POST", "/api/v4/contacts", [{"name": "New"}])
    call(api, "GET", "/api/v4/contacts", headers={})
    set_fault(api, kind="500", times=0)
    state = api.state()
    assert state["requests"] == [
        {"method": "POST", "path": "/api/v4/contacts/10001/notes", "status": 200},
        {"method": "POST", "path": "/api/v4/contacts", "status": 200},
        {"method": "GET", "path": "/api/v4/contacts", "status": 403},
    ]
    assert len(state["notes"]) == 1 and len(state["contacts"]) == 3
    assert state["contacts"][-1]["custom_fields_values"] is None
    assert call(api, "POST", "/sandbox/amocrm-api/reset", b"", headers={})[0] == 200
    state = api.state()
    assert (state["notes"], state["tasks"], state["requests"], state["fault"]) == ([], [], [], None)
    assert [c["id"] for c in state["contacts"]] == [10001, 10002]
    assert call(api, "GET", "/api/v4/contacts")[0] == 200  # the fault went too


# --- through the real sandbox server --------------------------------------------------------------------


@pytest.fixture
def served(dev_widget: Any) -> Iterator[SandboxServer]:
    phonebook = Phonebook()
    with SandboxServer(
        dev_widget.zip_path, "http://127.0.0.1:9", SandboxOptions(), phonebook=phonebook
    ) as server:
        yield server


def fetch(
    server: SandboxServer, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        server.url + path, data=data, method=method, headers=headers if headers is not None else POST
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def test_server_serves_the_api_on_the_page_origin(served: SandboxServer) -> None:
    first = served.contacts[0]
    status, headers, raw = fetch(served, "GET", "/api/v4/contacts?query=" + first.phone, headers=XHR)
    assert status == 200
    assert headers["Content-Type"].startswith("application/hal+json")
    contact = json.loads(raw)["_embedded"]["contacts"][0]
    assert (contact["id"], contact["name"], contact["responsible_user_id"]) == (
        first.contact_id,
        first.name,
        SandboxOptions().user.id,
    )
    assert contact["custom_fields_values"][0]["values"] == [{"value": "+" + first.phone, "enum_code": "WORK"}]

    status, _, raw = fetch(
        served,
        "POST",
        f"/api/v4/contacts/{first.contact_id}/notes",
        [{"note_type": "common", "params": {"text": "via HTTP"}}],
    )
    assert status == 200
    status, headers, raw = fetch(served, "GET", "/api/v4/contacts?query=zzzz-nobody", headers=XHR)
    assert (status, raw) == (204, b"")
    status, headers, raw = fetch(served, "GET", "/api/v4/contacts", headers={})
    assert status == 403 and headers["Content-Type"].startswith("application/problem+json")

    status, _, raw = fetch(served, "GET", "/sandbox/amocrm-api/state", headers={})
    state = json.loads(raw)
    assert [n["params"]["text"] for n in state["notes"]] == ["via HTTP"]
    assert [r["status"] for r in state["requests"]] == [200, 200, 204, 403]


def test_server_faults_429_header_and_drop(served: SandboxServer) -> None:
    assert fetch(served, "POST", "/sandbox/amocrm-api/faults", {"kind": "429", "retry_after": 3})[0] == 200
    status, headers, raw = fetch(served, "GET", "/api/v4/contacts", headers=XHR)
    assert (status, headers["Retry-After"], json.loads(raw)["retry_after"]) == (429, "3", 3)

    assert fetch(served, "POST", "/sandbox/amocrm-api/faults", {"kind": "drop"})[0] == 200
    with pytest.raises((http.client.RemoteDisconnected, ConnectionResetError, urllib.error.URLError)):
        fetch(served, "GET", "/api/v4/contacts", headers=XHR)
    assert fetch(served, "GET", "/api/v4/contacts?limit=1", headers=XHR)[0] == 200
