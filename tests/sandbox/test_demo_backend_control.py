"""The demo backend's control surface: Python methods, the HTTP control API, records, CLI."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from sandbox.demo_backend import DemoBackend
from sandbox.demo_backend.state import ControlError
from tests.support.demo_backend_client import (
    AGENT,
    FIXED_NOW,
    SECRET,
    call,
    control,
    post,
    protocol_url,
    result_of,
)

IDLE = {"status": "NOT_CONVERSATION"}
ROOT = Path(__file__).resolve().parents[2]


# -- Python control methods ---------------------------------------------------------------


def test_incoming_call_from_phone_and_from_contact(shared_demo_backend: DemoBackend) -> None:
    status = shared_demo_backend.start_incoming_call(AGENT, phone="79161000003")
    assert status == shared_demo_backend.agent_status(AGENT)
    info = status["call_info"]
    assert (info["contact_name"], info["contact_id"], info["timestamp"]) == (
        "Александр Иванов", 10001, FIXED_NOW)
    assert shared_demo_backend.remote_hangup(AGENT) is True
    contact = shared_demo_backend.phonebook.contacts[9]
    info = shared_demo_backend.start_incoming_call(AGENT + 1, contact_uuid=contact.uuid)["call_info"]
    assert (info["contact_name"], info["contact_phone"]) == (contact.name, contact.phone)
    assert shared_demo_backend.last_contacts(AGENT + 1) == [contact.to_wire()]
    info = shared_demo_backend.start_incoming_call(AGENT + 2, phone="+1 555 0100")["call_info"]
    assert (info["contact_name"], info["contact_id"], info["contact_phone"]) == (None, None, "+1 555 0100")


def test_outgoing_call_from_the_desk_phone(shared_demo_backend: DemoBackend) -> None:
    info = shared_demo_backend.start_outgoing_call(AGENT, phone="101")["call_info"]
    assert info["contact_phone"] == "101"
    assert shared_demo_backend.agent_status(AGENT)["status"] == "CONVERSATION"


def test_control_misuse_raises_control_error(shared_demo_backend: DemoBackend) -> None:
    with pytest.raises(ControlError):
        shared_demo_backend.start_incoming_call(AGENT)
    with pytest.raises(ControlError):
        shared_demo_backend.start_incoming_call(AGENT, phone="1", contact_uuid="x")
    with pytest.raises(ControlError, match="unknown contact_uuid"):
        shared_demo_backend.start_incoming_call(AGENT, contact_uuid="x")
    with pytest.raises(ControlError, match="not in a conversation"):
        shared_demo_backend.pbx_set_hold(AGENT, True)
    with pytest.raises(ControlError, match="not in a conversation"):
        shared_demo_backend.pbx_set_mute(AGENT, True)
    assert shared_demo_backend.remote_hangup(AGENT) is False
    shared_demo_backend.start_incoming_call(AGENT, phone="101")
    with pytest.raises(ControlError, match="already in a conversation"):
        shared_demo_backend.start_incoming_call(AGENT, phone="102")


def test_pbx_hold_mute_and_remote_hangup(shared_demo_backend: DemoBackend) -> None:
    shared_demo_backend.start_incoming_call(AGENT, phone="101")
    shared_demo_backend.pbx_set_hold(AGENT, True)
    shared_demo_backend.pbx_set_mute(AGENT, True)
    info = result_of(call(shared_demo_backend, "get_agent_status", {"current_status": IDLE}))["call_info"]
    assert (info["is_hold"], info["is_mute"]) == (True, True)
    assert shared_demo_backend.remote_hangup(AGENT) is True
    assert shared_demo_backend.agent_status(AGENT) == IDLE
    # The widget's hangup after a remote hangup is a method exception, not a crash.
    assert call(shared_demo_backend, "hangup")["content"]["result"]["exception"] == "NotInConversation"


def test_agent_status_is_a_copy(shared_demo_backend: DemoBackend) -> None:
    shared_demo_backend.start_incoming_call(AGENT, phone="101")
    status = shared_demo_backend.agent_status(AGENT)
    status["call_info"]["is_mute"] = True
    assert shared_demo_backend.agent_status(AGENT)["call_info"]["is_mute"] is False


# -- records and reset --------------------------------------------------------------------


def test_requests_are_recorded(shared_demo_backend: DemoBackend) -> None:
    before = time.time()
    call(shared_demo_backend, "ping", request_id=1)
    call(shared_demo_backend, "originate", {"phone": "101"}, request_id=2)
    call(shared_demo_backend, "dial", request_id=3)
    requests = shared_demo_backend.requests
    assert [(r.method, r.request_id, r.status_code) for r in requests] == [
        ("ping", 1, 200), ("originate", 2, 200), ("dial", 3, 404)]
    assert requests[1].params == {"phone": "101"}
    assert requests[1].headers == {"amouser_email": "agent@example.com", "amouser_id": AGENT,
                                   "widget_version": "1.0.0"}
    assert before <= requests[0].time <= requests[2].time <= time.time()
    assert [r.request_id for r in shared_demo_backend.requests_for("originate")] == [2]
    assert shared_demo_backend.requests_for("hangup") == []


def test_undecodable_requests_are_recorded_without_method(shared_demo_backend: DemoBackend) -> None:
    post(protocol_url(shared_demo_backend), b"json=nope")
    record = shared_demo_backend.requests[-1]
    assert (record.method, record.params, record.headers, record.status_code) == (None, None, None, 400)


def test_recorded_requests_are_bounded() -> None:
    with DemoBackend(max_recorded_requests=3) as backend:
        for request_id in range(5):
            call(backend, "ping", request_id=request_id)
        assert [r.request_id for r in backend.requests] == [2, 3, 4]


def test_reset_clears_state_faults_and_records(shared_demo_backend: DemoBackend) -> None:
    call(shared_demo_backend, "originate_by_contact",
         {"contact_uuid": shared_demo_backend.phonebook.contacts[0].uuid})
    shared_demo_backend.inject_fault("latency", 1)
    shared_demo_backend.configure(exception_style="name")
    shared_demo_backend.reset()
    assert shared_demo_backend.agent_status(AGENT) == IDLE
    assert shared_demo_backend.last_contacts(AGENT) == []
    assert shared_demo_backend.faults == []
    assert shared_demo_backend.requests == []
    assert shared_demo_backend.config.exception_style == "name"  # options are kept


def test_lifecycle_and_urls() -> None:
    backend = DemoBackend()
    with pytest.raises(RuntimeError):
        _ = backend.url
    with backend:
        assert backend.running
        assert backend.url == f"http://127.0.0.1:{backend.port}/asterisk_ng"
        assert backend.control_url == f"http://127.0.0.1:{backend.port}/control/"
        assert backend.start() is backend  # idempotent
    assert not backend.running
    backend.stop()  # idempotent


def test_bad_options_are_refused() -> None:
    for options in ({"version_mode": "lenient"}, {"exception_style": "java"},
                    {"long_poll_timeout_status": 504}, {"long_poll_seconds": -1}):
        with pytest.raises(ValueError):
            DemoBackend(**options)
    with pytest.raises(TypeError):
        DemoBackend(status_codes_as_strings="yes")  # type: ignore[arg-type]


# -- HTTP control API ---------------------------------------------------------------------


def test_control_incoming_call_and_state(shared_demo_backend: DemoBackend) -> None:
    status, body, headers = control(shared_demo_backend, "incoming_call",
                                    {"amouser_id": AGENT, "phone": "79161000003"})
    assert status == 200
    assert headers["Access-Control-Allow-Origin"] == "*"
    assert body["ok"] is True
    assert body["status"]["call_info"]["contact_name"] == "Александр Иванов"
    status, body, headers = control(shared_demo_backend, "state", method="GET", query=f"amouser_id={AGENT}")
    assert status == 200
    assert headers["Access-Control-Allow-Origin"] == "*"
    assert body == {"amouser_id": AGENT, "status": shared_demo_backend.agent_status(AGENT),
                    "last_contacts": [shared_demo_backend.phonebook.contacts[0].to_wire()]}


def test_control_call_by_contact_hold_mute_hangup(shared_demo_backend: DemoBackend) -> None:
    contact = shared_demo_backend.phonebook.contacts[3]
    status, body, _ = control(shared_demo_backend, "outgoing_call",
                              {"amouser_id": 5, "contact_uuid": contact.uuid})
    assert (status, body["status"]["call_info"]["contact_id"]) == (200, contact.contact_id)
    status, body, _ = control(shared_demo_backend, "set_hold", {"amouser_id": 5, "is_hold": True})
    assert (status, body["status"]["call_info"]["is_hold"]) == (200, True)
    status, body, _ = control(shared_demo_backend, "set_mute", {"amouser_id": 5, "is_mute": True})
    assert (status, body["status"]["call_info"]["is_mute"]) == (200, True)
    assert control(shared_demo_backend, "remote_hangup", {"amouser_id": 5})[1] == {
        "ok": True, "hung_up": True}
    assert control(shared_demo_backend, "remote_hangup", {"amouser_id": 5})[1] == {
        "ok": True, "hung_up": False}
    assert shared_demo_backend.agent_status(5) == IDLE


def test_control_faults(shared_demo_backend: DemoBackend) -> None:
    status, body, _ = control(shared_demo_backend, "fault",
                              {"kind": "status", "value": 500, "method": "ping", "times": 1})
    assert status == 200
    assert body == {"ok": True, "faults": [{"kind": "status", "value": 500, "method": "ping", "times": 1}]}
    assert control(shared_demo_backend, "faults", method="GET")[1]["faults"][0]["kind"] == "status"
    assert call(shared_demo_backend, "ping")["headers"]["status_code"] == 500
    assert call(shared_demo_backend, "ping")["headers"]["status_code"] == 200
    control(shared_demo_backend, "fault", {"kind": "drop"})
    assert control(shared_demo_backend, "clear_faults")[1] == {"ok": True, "faults": []}
    assert shared_demo_backend.faults == []
    status, body, _ = control(shared_demo_backend, "fault", {"kind": "latency", "value": "slow"})
    assert status == 400
    assert body["ok"] is False
    assert "latency" in body["error"]
    assert control(shared_demo_backend, "fault", {"kind": "drop", "bogus": 1})[0] == 400


def test_control_config(shared_demo_backend: DemoBackend) -> None:
    status, body, _ = control(shared_demo_backend, "config",
                              {"version_mode": "test", "status_codes_as_strings": True})
    assert status == 200
    assert body["config"]["version_mode"] == "test"
    assert call(shared_demo_backend, "ping", version="1.2.0")["headers"]["status_code"] == "409"
    config = control(shared_demo_backend, "config", method="GET")[1]["config"]
    assert config["status_codes_as_strings"] is True
    assert control(shared_demo_backend, "config", {"long_poll_seconds": "9"})[0] == 400
    assert control(shared_demo_backend, "config", {"nonsense": 1})[0] == 400


def test_control_requests_view(shared_demo_backend: DemoBackend) -> None:
    call(shared_demo_backend, "ping", request_id=7)
    call(shared_demo_backend, "hangup", request_id=8)
    status, body, _ = control(shared_demo_backend, "requests", method="GET")
    assert status == 200
    assert [(r["method"], r["request_id"], r["status_code"]) for r in body["requests"]] == [
        ("ping", 7, 200), ("hangup", 8, 200)]
    assert body["requests"][0]["headers"]["amouser_id"] == AGENT
    assert set(body["requests"][0]) == {"time", "method", "params", "headers", "request_id", "status_code",
                                        "fault", "answered"}
    body = control(shared_demo_backend, "requests", method="GET", query="method=hangup")[1]
    assert [r["request_id"] for r in body["requests"]] == [8]


def test_control_phonebook_view(shared_demo_backend: DemoBackend) -> None:
    body = control(shared_demo_backend, "phonebook", method="GET",
                   query="start_with=%D0%B8%D0%B2%D0%B0%D0%BD&max_results=2")[1]
    first = shared_demo_backend.phonebook.contacts[0]
    assert body["contacts"][0] == {"uuid": first.uuid, "name": "Александр Иванов", "phone": first.phone,
                                   "contact_id": 10001}
    assert len(body["contacts"]) == 2


def test_control_reset(shared_demo_backend: DemoBackend) -> None:
    shared_demo_backend.start_incoming_call(AGENT, phone="101")
    shared_demo_backend.inject_fault("latency", 1, method="hangup")
    call(shared_demo_backend, "ping")
    assert control(shared_demo_backend, "reset")[1] == {"ok": True}
    assert shared_demo_backend.agent_status(AGENT) == IDLE
    assert shared_demo_backend.faults == []
    assert shared_demo_backend.requests == []


def test_control_errors(shared_demo_backend: DemoBackend) -> None:
    status, body, headers = control(shared_demo_backend, "explode", {})
    assert (status, body["ok"]) == (404, False)
    assert headers["Access-Control-Allow-Origin"] == "*"
    assert control(shared_demo_backend, "nothing", method="GET")[0] == 404
    assert control(shared_demo_backend, "incoming_call", {"amouser_id": "7", "phone": "1"})[0] == 400
    status, body, _ = control(shared_demo_backend, "set_hold", {"amouser_id": AGENT, "is_hold": True})
    assert status == 400
    assert "not in a conversation" in body["error"]
    assert control(shared_demo_backend, "set_mute", {"amouser_id": AGENT, "is_mute": "yes"})[0] == 400
    assert control(shared_demo_backend, "incoming_call", [1, 2])[0] == 400
    assert control(shared_demo_backend, "state", method="GET")[0] == 400
    assert control(shared_demo_backend, "state", method="GET", query="amouser_id=x")[0] == 400
    status, raw, _ = post(shared_demo_backend.control_url + "reset", b"{not json",
                          content_type="application/json")
    assert status == 400
    assert json.loads(raw)["ok"] is False


def test_cors_preflight(shared_demo_backend: DemoBackend) -> None:
    request = urllib.request.Request(
        shared_demo_backend.control_url + "incoming_call", method="OPTIONS",
        headers={"Origin": "http://127.0.0.1:9", "Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "content-type"},
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.status == 204
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert "POST" in response.headers["Access-Control-Allow-Methods"]
        assert response.headers["Access-Control-Allow-Headers"] == "content-type"
        assert response.read() == b""
    assert shared_demo_backend.requests == []  # a preflight is not a protocol request


def test_index_page(shared_demo_backend: DemoBackend) -> None:
    with urllib.request.urlopen(shared_demo_backend.base_url + "/", timeout=5) as response:
        body = json.loads(response.read())
    assert body["protocol_url"] == shared_demo_backend.url
    assert "incoming_call" in body["actions"]
    assert "state" in body["views"]


# -- command line -------------------------------------------------------------------------


def test_module_runs_standalone_and_prints_its_url() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "sandbox.demo_backend", "--port", "0", "--secret-key", "k",
         "--long-poll-seconds", "0.2", "--quiet"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("AsteriskNG demo backend: http://127.0.0.1:")
        url = line.split()[3]
        assert url.endswith("/asterisk_ng")
        assert result_of(call(url, "ping", secret="k")) == {"ping": "pong"}
        assert call(url, "ping", secret=SECRET)["headers"]["status_code"] == 401
    finally:
        process.terminate()
        process.wait(timeout=5)
