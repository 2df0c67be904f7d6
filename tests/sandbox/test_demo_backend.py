"""The demo backend over real HTTP: every method, every status code, the long poll."""

from __future__ import annotations

import json
import threading
import time
import urllib.parse
from typing import Any

import pytest

from sandbox.demo_backend import DemoBackend
from tests.support.demo_backend_client import (
    AGENT,
    FIXED_NOW,
    POLL_SECONDS,
    SECRET,
    call,
    envelope,
    post,
    post_form,
    protocol_url,
    result_of,
)

IDLE = {"status": "NOT_CONVERSATION"}
ROSE = {"uuid": "u-rose", "name": "Rose Peters", "phone": "79161234567"}


def first_contact(backend: DemoBackend) -> Any:
    return backend.phonebook.contacts[0]  # Александр Иванов, 79161000003, id 10001


def conversation(backend: DemoBackend, agent: int = AGENT) -> dict[str, Any]:
    status = backend.agent_status(agent)
    assert status["status"] == "CONVERSATION"
    info: dict[str, Any] = status["call_info"]
    return info


# -- methods ------------------------------------------------------------------------------


def test_ping_full_response(shared_demo_backend: DemoBackend) -> None:
    assert call(shared_demo_backend, "ping") == {
        "headers": {"status_code": 200, "detail": "success"},
        "content": {"jsonrpc": "2.0", "id": 18,
                    "result": {"result": {"ping": "pong"}, "exception": None, "exception_params": None}},
    }


def test_ping_without_params_and_with_null_params(shared_demo_backend: DemoBackend) -> None:
    assert result_of(call(shared_demo_backend, "ping", omit_params=True)) == {"ping": "pong"}
    answer = post_form(shared_demo_backend, {"json": json.dumps(
        {"headers": envelope("ping")["headers"],
         "content": {"id": 3, "jsonrpc": "2.0", "method": "ping", "params": None}})})
    assert answer["content"]["id"] == 3
    assert result_of(answer) == {"ping": "pong"}


def test_request_id_is_echoed(shared_demo_backend: DemoBackend) -> None:
    assert call(shared_demo_backend, "ping", request_id=12345)["content"]["id"] == 12345


def test_originate_known_phone_starts_conversation(shared_demo_backend: DemoBackend) -> None:
    assert result_of(call(shared_demo_backend, "originate", {"phone": "+7 916 100-00-03"})) is None
    status = shared_demo_backend.agent_status(AGENT)
    unique_id = status["call_info"]["unique_id"]
    assert unique_id.startswith(f"{FIXED_NOW}.")
    assert status == {"status": "CONVERSATION", "call_info": {
        "unique_id": unique_id, "contact_name": "Александр Иванов", "contact_id": 10001,
        "contact_phone": "79161000003", "is_hold": False, "is_mute": False, "timestamp": FIXED_NOW}}


def test_originate_unknown_phone_has_null_contact(shared_demo_backend: DemoBackend) -> None:
    result_of(call(shared_demo_backend, "originate", {"phone": " 101 "}))
    info = conversation(shared_demo_backend)
    assert info["contact_name"] is None
    assert info["contact_id"] is None
    assert info["contact_phone"] == "101"
    assert info["timestamp"] == FIXED_NOW


def test_originate_by_contact(shared_demo_backend: DemoBackend) -> None:
    contact = shared_demo_backend.phonebook.contacts[1]
    result_of(call(shared_demo_backend, "originate_by_contact", {"contact_uuid": contact.uuid}))
    info = conversation(shared_demo_backend)
    assert (info["contact_name"], info["contact_id"], info["contact_phone"]) == (
        "James Smith", 10002, contact.phone)
    assert info["timestamp"] == FIXED_NOW
    assert (info["is_hold"], info["is_mute"]) == (False, False)


def test_unique_ids_differ_between_calls(shared_demo_backend: DemoBackend) -> None:
    result_of(call(shared_demo_backend, "originate", {"phone": "101"}))
    first = conversation(shared_demo_backend)["unique_id"]
    result_of(call(shared_demo_backend, "hangup"))
    result_of(call(shared_demo_backend, "originate", {"phone": "101"}))
    assert conversation(shared_demo_backend)["unique_id"] != first


def test_originate_by_unknown_contact_is_a_method_exception(shared_demo_backend: DemoBackend) -> None:
    answer = call(shared_demo_backend, "originate_by_contact", {"contact_uuid": "nope"})
    assert answer["headers"] == {"status_code": 200, "detail": "success"}
    assert answer["content"]["result"] == {
        "result": None, "exception": "ContactNotFound", "exception_params": {"contact_uuid": "nope"}}
    assert shared_demo_backend.agent_status(AGENT) == IDLE


def test_exception_name_style(shared_demo_backend: DemoBackend) -> None:
    shared_demo_backend.configure(exception_style="name")
    answer = call(shared_demo_backend, "originate_by_contact", {"contact_uuid": "nope"})
    assert answer["content"]["result"] == {"exception_name": "ContactNotFound"}
    assert call(shared_demo_backend, "hangup")["content"]["result"] == {"exception_name": "NotInConversation"}
    assert call(shared_demo_backend, "ping")["content"]["result"] == {"result": {"ping": "pong"}}


def test_originate_during_a_call_and_empty_phone_fail(shared_demo_backend: DemoBackend) -> None:
    assert call(shared_demo_backend, "originate", {"phone": "  "})["content"]["result"]["exception"] == (
        "InvalidPhoneNumber")
    result_of(call(shared_demo_backend, "originate", {"phone": "101"}))
    answer = call(shared_demo_backend, "originate", {"phone": "102"})
    assert answer["content"]["result"]["exception"] == "AlreadyInConversation"
    assert conversation(shared_demo_backend)["contact_phone"] == "101"


def test_redirect_changes_contact_and_phone(shared_demo_backend: DemoBackend) -> None:
    result_of(call(shared_demo_backend, "originate", {"phone": "101"}))
    before = conversation(shared_demo_backend)
    target = shared_demo_backend.phonebook.contacts[2]  # Анна Иванова
    result_of(call(shared_demo_backend, "redirect", {"phone": target.phone}))
    after = conversation(shared_demo_backend)
    assert (after["contact_name"], after["contact_id"], after["contact_phone"]) == (
        "Анна Иванова", 10003, target.phone)
    assert after["unique_id"] == before["unique_id"]
    assert after["timestamp"] == before["timestamp"]
    result_of(call(shared_demo_backend, "redirect", {"phone": "555"}))
    after = conversation(shared_demo_backend)
    assert (after["contact_name"], after["contact_id"], after["contact_phone"]) == (None, None, "555")


def test_commands_outside_a_call_raise_not_in_conversation(shared_demo_backend: DemoBackend) -> None:
    for method, params in [("redirect", {"phone": "101"}), ("hangup", {}), ("set_mute", {"is_mute": True}),
                           ("set_hold", {"is_hold": True})]:
        answer = call(shared_demo_backend, method, params)
        assert answer["content"]["result"] == {
            "result": None, "exception": "NotInConversation",
            "exception_params": {"amouser_id": AGENT}}, method
    assert shared_demo_backend.agent_status(AGENT) == IDLE


def test_mute_hold_and_hangup_change_the_state(shared_demo_backend: DemoBackend) -> None:
    result_of(call(shared_demo_backend, "originate", {"phone": "101"}))
    result_of(call(shared_demo_backend, "set_mute", {"is_mute": True}))
    assert (conversation(shared_demo_backend)["is_mute"],
            conversation(shared_demo_backend)["is_hold"]) == (True, False)
    result_of(call(shared_demo_backend, "set_hold", {"is_hold": True}))
    assert (conversation(shared_demo_backend)["is_mute"],
            conversation(shared_demo_backend)["is_hold"]) == (True, True)
    result_of(call(shared_demo_backend, "set_mute", {"is_mute": False}))
    result_of(call(shared_demo_backend, "set_hold", {"is_hold": False}))
    assert (conversation(shared_demo_backend)["is_mute"],
            conversation(shared_demo_backend)["is_hold"]) == (False, False)
    result_of(call(shared_demo_backend, "hangup"))
    assert shared_demo_backend.agent_status(AGENT) == IDLE


def test_get_contacts_by_name_and_digits(shared_demo_backend: DemoBackend) -> None:
    latin = result_of(call(shared_demo_backend, "get_contacts", {"start_with": "smi", "max_results": 10}))
    assert {"uuid": shared_demo_backend.phonebook.contacts[1].uuid, "name": "James Smith",
            "phone": shared_demo_backend.phonebook.contacts[1].phone} in latin
    assert all(set(c) == {"uuid", "name", "phone"} for c in latin)
    cyrillic = result_of(call(shared_demo_backend, "get_contacts",
                              {"start_with": "ИВАНОВ", "max_results": 3}))
    assert [c["name"] for c in cyrillic] == ["Александр Иванов", "Анна Иванова", "Ярослав Иванов"]
    digits = result_of(call(shared_demo_backend, "get_contacts",
                            {"start_with": "+7 916 100", "max_results": 10}))
    assert [c["phone"] for c in digits] == ["79161000003"]
    assert result_of(call(shared_demo_backend, "get_contacts",
                          {"start_with": "qqq", "max_results": 10})) == []
    assert len(result_of(call(shared_demo_backend, "get_contacts",
                              {"start_with": "7", "max_results": 4}))) == 4


def test_last_contacts_after_calls(shared_demo_backend: DemoBackend) -> None:
    contacts = shared_demo_backend.phonebook.contacts
    assert result_of(call(shared_demo_backend, "get_last_contacts", {"max_results": 10})) == []
    for target in (contacts[0], contacts[1], contacts[0]):
        result_of(call(shared_demo_backend, "originate_by_contact", {"contact_uuid": target.uuid}))
        result_of(call(shared_demo_backend, "hangup"))
    result_of(call(shared_demo_backend, "originate", {"phone": contacts[2].phone}))
    result_of(call(shared_demo_backend, "redirect", {"phone": contacts[3].phone}))
    result_of(call(shared_demo_backend, "hangup"))
    result_of(call(shared_demo_backend, "originate", {"phone": "999"}))  # unknown numbers are not listed
    last = result_of(call(shared_demo_backend, "get_last_contacts", {"max_results": 10}))
    assert last == [c.to_wire() for c in (contacts[3], contacts[2], contacts[0], contacts[1])]
    assert result_of(call(shared_demo_backend, "get_last_contacts", {"max_results": 2})) == [
        contacts[3].to_wire(), contacts[2].to_wire()]


def test_last_contacts_are_bounded() -> None:
    with DemoBackend(last_contacts_limit=3) as backend:
        for contact in backend.phonebook.contacts[:5]:
            backend.start_incoming_call(AGENT, contact_uuid=contact.uuid)
            backend.remote_hangup(AGENT)
        last = result_of(call(backend, "get_last_contacts", {"max_results": 10}))
        assert last == [c.to_wire() for c in reversed(backend.phonebook.contacts[2:5])]


def test_state_is_per_agent(shared_demo_backend: DemoBackend) -> None:
    result_of(call(shared_demo_backend, "originate", {"phone": "101"}, amouser_id=1))
    result_of(call(shared_demo_backend, "originate_by_contact",
                   {"contact_uuid": shared_demo_backend.phonebook.contacts[0].uuid}, amouser_id=2))
    result_of(call(shared_demo_backend, "set_mute", {"is_mute": True}, amouser_id=2))
    assert conversation(shared_demo_backend, 1)["contact_phone"] == "101"
    assert conversation(shared_demo_backend, 1)["is_mute"] is False
    assert conversation(shared_demo_backend, 2)["is_mute"] is True
    result_of(call(shared_demo_backend, "hangup", amouser_id=1))
    assert shared_demo_backend.agent_status(1) == IDLE
    assert conversation(shared_demo_backend, 2)["contact_id"] == 10001
    assert shared_demo_backend.agent_status(3) == IDLE
    assert [c["name"] for c in result_of(call(shared_demo_backend, "get_last_contacts", {"max_results": 5},
                                              amouser_id=2))] == ["Александр Иванов"]
    assert result_of(call(shared_demo_backend, "get_last_contacts", {"max_results": 5}, amouser_id=1)) == []


# -- status codes -------------------------------------------------------------------------


def status_only(answer: dict[str, Any]) -> Any:
    # Non-200 answers carry headers only, never content.
    assert set(answer) == {"headers"}
    assert isinstance(answer["headers"]["detail"], str)
    return answer["headers"]["status_code"]


def raw_post(backend: DemoBackend, body: bytes) -> dict[str, Any]:
    status, raw, headers = post(protocol_url(backend), body)
    assert status == 200
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    decoded: dict[str, Any] = json.loads(raw)
    return decoded


@pytest.mark.parametrize("body", [
    b"",
    b"foo=bar",
    urllib.parse.urlencode({"json": "{not json"}).encode(),
    urllib.parse.urlencode({"json": "[1, 2]"}).encode(),
    urllib.parse.urlencode({"json": json.dumps({"headers": envelope("ping")["headers"]})}).encode(),
    urllib.parse.urlencode({"json": json.dumps({"content": envelope("ping")["content"]})}).encode(),
    urllib.parse.urlencode({"json": json.dumps(envelope("ping", amouser_id=str(AGENT)))}).encode(),
    urllib.parse.urlencode({"json": json.dumps(envelope("ping", version=1))}).encode(),
    b"json=%FF%FE",
    json.dumps(envelope("ping")).encode(),  # a raw JSON body instead of form data
], ids=["empty", "no-json-field", "invalid-json", "not-object", "no-content", "no-headers",
        "amouser-id-string", "version-number", "not-utf8", "raw-json-body"])
def test_400_bad_request(shared_demo_backend: DemoBackend, body: bytes) -> None:
    assert status_only(raw_post(shared_demo_backend, body)) == 400


def test_400_bad_content_fields(shared_demo_backend: DemoBackend) -> None:
    for content in ({"id": 1, "jsonrpc": "1.0", "method": "ping"},
                    {"id": "1", "jsonrpc": "2.0", "method": "ping"},
                    {"id": 1, "jsonrpc": "2.0"}):
        answer = post_form(shared_demo_backend, {"json": json.dumps(
            {"headers": envelope("ping")["headers"], "content": content})})
        assert status_only(answer) == 400, content


def test_401_wrong_or_missing_secret_key(shared_demo_backend: DemoBackend) -> None:
    assert status_only(call(shared_demo_backend, "ping", secret="wrong")) == 401
    assert status_only(call(shared_demo_backend, "ping", secret=None)) == 401
    assert status_only(call(shared_demo_backend, "ping", secret="")) == 401
    assert shared_demo_backend.requests[-1].status_code == 401


def test_secret_key_is_url_decoded(shared_demo_backend: DemoBackend) -> None:
    shared_demo_backend.configure(secret_key="a&b=c д")
    assert result_of(call(shared_demo_backend, "ping", secret="a&b=c д")) == {"ping": "pong"}


def test_409_production_mode_accepts_any_1_x_y(shared_demo_backend: DemoBackend) -> None:
    for version in ("1.0.0", "1.4.2", "1.10.0"):
        assert result_of(call(shared_demo_backend, "ping", version=version)) == {"ping": "pong"}, version
    for version in ("2.0.0", "0.9.9", "1.0", "1.0.0.0", "v1.0.0", "1.0.0-beta", ""):
        assert status_only(call(shared_demo_backend, "ping", version=version)) == 409, version


def test_409_test_mode_accepts_exactly_1_0_0(shared_demo_backend: DemoBackend) -> None:
    shared_demo_backend.configure(version_mode="test")
    assert result_of(call(shared_demo_backend, "ping", version="1.0.0")) == {"ping": "pong"}
    for version in ("1.0.1", "1.1.0", "2.0.0"):
        assert status_only(call(shared_demo_backend, "ping", version=version)) == 409, version


def test_404_unknown_method(shared_demo_backend: DemoBackend) -> None:
    answer = call(shared_demo_backend, "dial")
    assert status_only(answer) == 404
    assert "dial" in answer["headers"]["detail"]


@pytest.mark.parametrize(("method", "params"), [
    ("originate", {"phone": 79161234567}),
    ("originate", {}),
    ("originate", {"phone": "101", "extra": 1}),
    ("originate", {"number": "101"}),
    ("originate", ["101"]),
    ("originate_by_contact", {"contact_uuid": None}),
    ("redirect", {"phone": None}),
    ("get_contacts", {"start_with": "a", "max_results": "10"}),
    ("get_contacts", {"start_with": "a", "max_results": 10.0}),
    ("get_contacts", {"start_with": "a", "max_results": True}),
    ("get_contacts", {"start_with": "a"}),
    ("get_last_contacts", {"max_results": None}),
    ("set_mute", {"is_mute": "true"}),
    ("set_mute", {"is_mute": 1}),
    ("set_hold", {"is_hold": None}),
    ("get_agent_status", {}),
    ("get_agent_status", {"current_status": "NOT_CONVERSATION"}),
    ("get_agent_status", {"current_status": {"call_info": None}}),
    ("get_agent_status", {"current_status": {"status": "CONVERSATION", "call_info": []}}),
    ("ping", {"x": 1}),
    ("ping", "hello"),
    ("hangup", [1]),
])
def test_410_invalid_params(shared_demo_backend: DemoBackend, method: str, params: Any) -> None:
    answer = call(shared_demo_backend, method, params)
    assert status_only(answer) == 410
    assert method in answer["headers"]["detail"]


def test_status_check_order(shared_demo_backend: DemoBackend) -> None:
    # 401 before 409 before 404 before 410.
    assert status_only(call(shared_demo_backend, "dial", {"x": 1}, version="2.0.0", secret="bad")) == 401
    assert status_only(call(shared_demo_backend, "dial", {"x": 1}, version="2.0.0")) == 409
    assert status_only(call(shared_demo_backend, "dial", {"x": 1})) == 404


def test_status_codes_as_strings(shared_demo_backend: DemoBackend) -> None:
    shared_demo_backend.configure(status_codes_as_strings=True)
    assert call(shared_demo_backend, "dial")["headers"]["status_code"] == "404"
    assert call(shared_demo_backend, "originate", {"phone": 1})["headers"]["status_code"] == "410"
    assert call(shared_demo_backend, "ping", secret="bad")["headers"]["status_code"] == "401"
    answer = call(shared_demo_backend, "ping")
    assert answer["headers"] == {"status_code": "200", "detail": "success"}
    assert answer["content"]["result"]["result"] == {"ping": "pong"}


def test_http_status_is_200_for_protocol_errors_and_404_for_other_paths(
    shared_demo_backend: DemoBackend,
) -> None:
    status, _, headers = post(protocol_url(shared_demo_backend, "bad"), b"")
    assert status == 200
    assert headers["Access-Control-Allow-Origin"] == "*"
    status, raw, _ = post(shared_demo_backend.base_url + "/elsewhere", b"")
    assert status == 404
    assert json.loads(raw)["ok"] is False
    # A trailing slash reaches the protocol too.
    status, raw, _ = post(shared_demo_backend.url + "/?secret_key=" + SECRET,
                          urllib.parse.urlencode({"json": json.dumps(envelope("ping"))}).encode())
    assert (status, json.loads(raw)["headers"]["status_code"]) == (200, 200)


# -- long poll ----------------------------------------------------------------------------


def poll(backend: DemoBackend, current: Any, **options: Any) -> tuple[dict[str, Any], float]:
    started = time.monotonic()
    answer = call(backend, "get_agent_status", {"current_status": current}, **options)
    return answer, time.monotonic() - started


def test_long_poll_answers_at_once_when_status_differs(shared_demo_backend: DemoBackend) -> None:
    shared_demo_backend.configure(long_poll_seconds=5)
    result_of(call(shared_demo_backend, "originate", {"phone": "101"}))
    answer, elapsed = poll(shared_demo_backend, IDLE)
    assert elapsed < 1.0
    assert result_of(answer) == shared_demo_backend.agent_status(AGENT)
    # One changed field inside call_info is a difference too.
    stale = shared_demo_backend.agent_status(AGENT)
    stale["call_info"]["is_mute"] = True
    answer, elapsed = poll(shared_demo_backend, stale)
    assert elapsed < 1.0
    assert result_of(answer)["call_info"]["is_mute"] is False


def test_long_poll_waits_and_answers_unchanged(shared_demo_backend: DemoBackend) -> None:
    answer, elapsed = poll(shared_demo_backend, IDLE)
    assert elapsed >= POLL_SECONDS * 0.9
    assert elapsed < POLL_SECONDS + 1.0
    assert result_of(answer) == IDLE
    # null call_info and absent call_info are the same status.
    answer, elapsed = poll(shared_demo_backend, {"status": "NOT_CONVERSATION", "call_info": None})
    assert elapsed >= POLL_SECONDS * 0.9
    assert result_of(answer) == IDLE


def test_long_poll_unchanged_conversation_waits(shared_demo_backend: DemoBackend) -> None:
    result_of(call(shared_demo_backend, "originate", {"phone": "101"}))
    current = shared_demo_backend.agent_status(AGENT)
    answer, elapsed = poll(shared_demo_backend, current)
    assert elapsed >= POLL_SECONDS * 0.9
    assert result_of(answer) == current


def test_long_poll_408_mode(shared_demo_backend: DemoBackend) -> None:
    shared_demo_backend.configure(long_poll_timeout_status=408)
    answer, elapsed = poll(shared_demo_backend, IDLE)
    assert elapsed >= POLL_SECONDS * 0.9
    assert status_only(answer) == 408
    # A difference is still answered at once with 200.
    answer, elapsed = poll(shared_demo_backend, {"status": "CONVERSATION", "call_info": None})
    assert result_of(answer) == IDLE
    assert elapsed < POLL_SECONDS


def test_long_poll_is_woken_by_an_incoming_call(shared_demo_backend: DemoBackend) -> None:
    shared_demo_backend.configure(long_poll_seconds=5)
    contact = shared_demo_backend.phonebook.contacts[4]
    timer = threading.Timer(0.2, shared_demo_backend.start_incoming_call, args=(AGENT,),
                            kwargs={"contact_uuid": contact.uuid})
    timer.start()
    try:
        answer, elapsed = poll(shared_demo_backend, IDLE)
    finally:
        timer.join()
    assert 0.15 <= elapsed < 2.0
    status = result_of(answer)
    assert status["status"] == "CONVERSATION"
    assert (status["call_info"]["contact_name"], status["call_info"]["contact_phone"]) == (
        contact.name, contact.phone)


def test_long_poll_of_another_agent_is_not_woken(shared_demo_backend: DemoBackend) -> None:
    timer = threading.Timer(0.05, shared_demo_backend.start_incoming_call, args=(AGENT + 1,),
                            kwargs={"phone": "101"})
    timer.start()
    try:
        answer, elapsed = poll(shared_demo_backend, IDLE)
    finally:
        timer.join()
    assert elapsed >= POLL_SECONDS * 0.9
    assert result_of(answer) == IDLE


def test_stop_releases_waiting_long_polls() -> None:
    backend = DemoBackend(long_poll_seconds=30).start()
    answers: list[tuple[dict[str, Any], float]] = []
    thread = threading.Thread(target=lambda: answers.append(poll(backend, IDLE)))
    thread.start()
    deadline = time.monotonic() + 2
    while not backend.requests_for("get_agent_status") and time.monotonic() < deadline:
        time.sleep(0.01)
    assert backend.requests_for("get_agent_status")[0].status_code is None  # still waiting
    started = time.monotonic()
    backend.stop()
    thread.join(timeout=5)
    assert not thread.is_alive()
    assert time.monotonic() - started < 2.0
    answer, elapsed = answers[0]
    assert result_of(answer) == IDLE
    assert elapsed < 5
    assert not backend.running
