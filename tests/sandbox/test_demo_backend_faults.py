"""Fault injection in the demo backend: each kind, method scoping, ``times`` and clearing."""

from __future__ import annotations

import http.client
import json
import time
import urllib.error
import urllib.parse

import pytest

from sandbox.demo_backend import DemoBackend
from tests.support.demo_backend_client import (
    AGENT,
    POLL_SECONDS,
    call,
    envelope,
    post,
    protocol_url,
    result_of,
)

IDLE = {"status": "NOT_CONVERSATION"}


def ping_body() -> bytes:
    return urllib.parse.urlencode({"json": json.dumps(envelope("ping"))}).encode()


def test_latency_for_all_methods(shared_demo_backend: DemoBackend) -> None:
    shared_demo_backend.inject_fault("latency", 0.25)
    started = time.monotonic()
    assert result_of(call(shared_demo_backend, "ping")) == {"ping": "pong"}
    assert time.monotonic() - started >= 0.24


def test_latency_for_one_method(shared_demo_backend: DemoBackend) -> None:
    shared_demo_backend.inject_fault("latency", 0.25, method="get_contacts")
    started = time.monotonic()
    result_of(call(shared_demo_backend, "ping"))
    assert time.monotonic() - started < 0.2
    started = time.monotonic()
    result_of(call(shared_demo_backend, "get_contacts", {"start_with": "a", "max_results": 1}))
    assert time.monotonic() - started >= 0.24


def test_forced_status_for_one_method_does_not_run_it(shared_demo_backend: DemoBackend) -> None:
    shared_demo_backend.inject_fault("status", 500, method="originate")
    answer = call(shared_demo_backend, "originate", {"phone": "101"})
    assert answer == {"headers": {"status_code": 500, "detail": "forced by fault injection"}}
    assert shared_demo_backend.agent_status(AGENT) == IDLE
    assert result_of(call(shared_demo_backend, "ping")) == {"ping": "pong"}
    record = shared_demo_backend.requests_for("originate")[0]
    assert (record.status_code, record.fault) == (500, "status")


def test_forced_status_for_all_methods_and_as_string(shared_demo_backend: DemoBackend) -> None:
    shared_demo_backend.configure(status_codes_as_strings=True)
    shared_demo_backend.inject_fault("status", 404)
    assert call(shared_demo_backend, "ping")["headers"]["status_code"] == "404"
    assert call(shared_demo_backend, "hangup")["headers"]["status_code"] == "404"
    assert "content" not in call(shared_demo_backend, "set_hold", {"is_hold": True})


def test_non_json_body(shared_demo_backend: DemoBackend) -> None:
    shared_demo_backend.inject_fault("non_json")
    status, raw, headers = post(protocol_url(shared_demo_backend), ping_body())
    assert status == 200
    assert headers["Content-Type"].startswith("text/html")
    assert raw == b"<html><body><h1>502 Bad Gateway</h1></body></html>"
    with pytest.raises(ValueError):
        json.loads(raw)
    shared_demo_backend.clear_faults()
    shared_demo_backend.inject_fault("non_json", "Internal Server Error", method="ping")
    assert post(protocol_url(shared_demo_backend), ping_body())[1] == b"Internal Server Error"


def test_json_body_without_headers(shared_demo_backend: DemoBackend) -> None:
    shared_demo_backend.inject_fault("no_headers")
    status, raw, _ = post(protocol_url(shared_demo_backend), ping_body())
    assert status == 200
    body = json.loads(raw)
    assert "headers" not in body
    assert body["content"]["id"] == 18


def test_dropped_connection(shared_demo_backend: DemoBackend) -> None:
    shared_demo_backend.inject_fault("drop", method="ping")
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError, urllib.error.URLError)):
        post(protocol_url(shared_demo_backend), ping_body())
    record = shared_demo_backend.requests_for("ping")[0]
    assert (record.status_code, record.fault) == (None, "drop")
    # Only ping was dropped; the server is still up.
    assert result_of(call(shared_demo_backend, "get_last_contacts", {"max_results": 1})) == []


def test_latency_then_drop(shared_demo_backend: DemoBackend) -> None:
    shared_demo_backend.inject_fault("latency", 0.2)
    shared_demo_backend.inject_fault("drop")
    started = time.monotonic()
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError, urllib.error.URLError)):
        post(protocol_url(shared_demo_backend), ping_body())
    assert time.monotonic() - started >= 0.19


def test_changed_secret_key(shared_demo_backend: DemoBackend) -> None:
    shared_demo_backend.inject_fault("secret_key", "rotated")
    assert call(shared_demo_backend, "ping")["headers"]["status_code"] == 401
    assert result_of(call(shared_demo_backend, "ping", secret="rotated")) == {"ping": "pong"}
    shared_demo_backend.clear_faults()
    assert result_of(call(shared_demo_backend, "ping")) == {"ping": "pong"}


def test_huge_contact_lists(shared_demo_backend: DemoBackend) -> None:
    shared_demo_backend.inject_fault("huge_contacts", 5000)
    found = result_of(call(shared_demo_backend, "get_contacts", {"start_with": "zzz", "max_results": 10}))
    assert len(found) == 5000
    assert found[4999] == {"uuid": "huge-4999", "name": "Huge Contact 4999", "phone": "79000004999"}
    assert len(result_of(call(shared_demo_backend, "get_last_contacts", {"max_results": 10}))) == 5000


def test_custom_agent_status_result(shared_demo_backend: DemoBackend) -> None:
    shared_demo_backend.configure(long_poll_seconds=5)
    raw = {"status": "RINGING", "extra": 1}
    shared_demo_backend.inject_fault("agent_status_result", raw)
    started = time.monotonic()
    answer = call(shared_demo_backend, "get_agent_status", {"current_status": IDLE})
    assert time.monotonic() - started < 1.0
    assert result_of(answer) == raw
    shared_demo_backend.clear_faults()
    missing = {"status": "CONVERSATION"}  # call_info missing
    shared_demo_backend.inject_fault("agent_status_result", missing)
    assert result_of(call(shared_demo_backend, "get_agent_status", {"current_status": IDLE})) == missing


def test_custom_agent_status_result_keeps_long_poll_pacing(shared_demo_backend: DemoBackend) -> None:
    shared_demo_backend.inject_fault("agent_status_result", {"status": "NOT_CONVERSATION", "call_info": None})
    started = time.monotonic()
    answer = call(shared_demo_backend, "get_agent_status", {"current_status": IDLE})
    assert time.monotonic() - started >= POLL_SECONDS * 0.9
    assert result_of(answer) == {"status": "NOT_CONVERSATION", "call_info": None}


def test_exception_fault(shared_demo_backend: DemoBackend) -> None:
    shared_demo_backend.inject_fault("exception", "AmiNotConnected", method="originate")
    answer = call(shared_demo_backend, "originate", {"phone": "101"})
    assert answer["content"]["result"] == {"result": None, "exception": "AmiNotConnected",
                                           "exception_params": {}}
    assert shared_demo_backend.agent_status(AGENT) == IDLE


def test_times_limits_a_fault(shared_demo_backend: DemoBackend) -> None:
    shared_demo_backend.inject_fault("status", 503, times=2)
    assert [call(shared_demo_backend, "ping")["headers"]["status_code"] for _ in range(3)] == [503, 503, 200]
    assert shared_demo_backend.faults == []


def test_newest_matching_fault_wins_and_faults_are_listed(shared_demo_backend: DemoBackend) -> None:
    shared_demo_backend.inject_fault("status", 500)
    shared_demo_backend.inject_fault("status", 410, method="ping")
    assert call(shared_demo_backend, "ping")["headers"]["status_code"] == 410
    assert call(shared_demo_backend, "hangup")["headers"]["status_code"] == 500
    assert [(f.kind, f.value, f.method, f.times) for f in shared_demo_backend.faults] == [
        ("status", 500, None, None), ("status", 410, "ping", None)]
    shared_demo_backend.clear_faults()
    assert shared_demo_backend.faults == []
    assert call(shared_demo_backend, "ping")["headers"]["status_code"] == 200


@pytest.mark.parametrize(("kind", "value"), [
    ("explode", None), ("latency", -1), ("latency", "slow"), ("latency", 61), ("status", "500"),
    ("status", 99), ("huge_contacts", 0), ("secret_key", ""), ("drop", 1), ("exception", None),
])
def test_invalid_faults_are_refused(shared_demo_backend: DemoBackend, kind: str, value: object) -> None:
    with pytest.raises(ValueError):
        shared_demo_backend.inject_fault(kind, value)
    assert shared_demo_backend.faults == []


def test_invalid_times_is_refused(shared_demo_backend: DemoBackend) -> None:
    with pytest.raises(ValueError, match="times"):
        shared_demo_backend.inject_fault("drop", times=0)
