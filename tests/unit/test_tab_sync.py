"""How the tabs share one connection (docs/behaviour.md §9): groups, state messages, the lease.

Everything another tab or an old storage entry hands over is untrusted: these tests feed the
decoders every wrong shape and check they answer None (the tab then polls on its own) instead
of raising into the page.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from core.error_table import error_text
from core.protocol import MethodException, NotResponding
from core.server_monitor import ServerMonitor, latest_notice
from core.tab_sync import (
    FRESH_MS,
    HEARTBEAT_MS,
    LEASE_MS,
    group_name,
    is_fresh,
    lease_step,
    read_error,
    read_message,
    state_message,
    text_hash,
)

CALL = {"status": "CONVERSATION", "call_info": {"unique_id": "u1", "contact_name": "Ann", "timestamp": 1}}


def translate(key: str) -> str:
    return "<" + key + ">"


def test_group_is_per_user_server_and_key() -> None:
    base = group_name(7, "https://pbx/a", "key")
    assert base == group_name(7, "https://pbx/a", "key")
    others = {group_name(8, "https://pbx/a", "key"), group_name(7, "https://pbx/b", "key"),
              group_name(7, "https://pbx/a", "key2"), group_name(7, "https://pbx/a ", "key")}
    assert base not in others and len(others) == 4


def test_group_name_does_not_show_the_secret_key() -> None:
    # The name becomes a lock name and storage keys: the key must not be readable from it.
    name = group_name(7, "https://pbx/a", "SuperSecret")
    assert "SuperSecret" not in name and "pbx" not in name
    assert name.startswith("asteriskng.7.")


def test_text_hash_is_stable_and_spreads() -> None:
    assert text_hash("") == "7"
    hashes = {text_hash("key" + str(n)) for n in range(1000)}
    assert len(hashes) == 1000


def test_a_state_message_round_trips_through_json() -> None:
    message = state_message("g", CALL, 1000, True, None)
    decoded = read_message(json.loads(json.dumps(message)), "g")
    assert decoded is not None and decoded["status"] == CALL and decoded["live"] is True


def test_the_leaders_error_reaches_followers_with_its_text() -> None:
    errors = (NotResponding("get_agent_status", "no answer"), MethodException("hangup", "PbxError", None))
    for error in errors:
        message = json.loads(json.dumps(state_message("g", CALL, 1000, False, error)))
        relayed = read_error(read_message(message, "g")["error"])
        assert error_text(translate, relayed) == error_text(translate, error)


@pytest.mark.parametrize("message", [
    None, 7, "text", [], {}, {"group": "g"},
    {"group": "other", "status": CALL, "at": 1000, "live": False},  # another group's
    {"group": "g", "status": {"status": 1}, "at": 1000, "live": False},
    {"group": "g", "status": "CONVERSATION", "at": 1000, "live": False},
    {"group": "g", "status": CALL, "at": "1000", "live": False},
    {"group": "g", "status": CALL, "at": 1000, "live": "yes"},
    {"group": "g", "status": CALL, "live": False},
    {"group": "g", "status": CALL, "at": 1000, "live": False, "error": "down"},
    {"group": "g", "status": CALL, "at": 1000, "live": False, "error": {"code": 5, "message": "m"}},
    {"group": "g", "status": CALL, "at": 1000, "live": False, "error": {"code": "x"}},
    {"group": "g", "status": CALL, "at": 1000, "live": False, "error": {"message": "m", "exception_name": 1}},
])
def test_a_message_of_the_wrong_shape_is_ignored(message: Any) -> None:
    assert read_message(message, "g") is None


def test_a_kept_status_is_fresh_for_one_long_poll_and_a_margin() -> None:
    message = state_message("g", CALL, 100_000, False, None)
    assert FRESH_MS > 10_000  # longer than the server holds a poll: an idle leader renews it in time
    assert is_fresh(message, 100_000)
    assert is_fresh(message, 100_000 + FRESH_MS - 1)
    assert not is_fresh(message, 100_000 + FRESH_MS)
    assert not is_fresh(message, 99_000)  # received "in the future": a corrupt entry


def test_lease_free_expired_or_own_is_taken() -> None:
    now = 10_000
    for lease in (None, "x", [], {}, {"tab": "b"}, {"tab": "b", "until": "11000"},
                  {"tab": "b", "until": now}, {"tab": "a", "until": now + 500}):
        assert lease_step(lease, "a", now) == {"tab": "a", "until": now + LEASE_MS}


def test_a_live_lease_of_another_tab_means_follow() -> None:
    assert lease_step({"tab": "b", "until": 10_001}, "a", 10_000) is None
    assert lease_step({"tab": "b", "until": 10_000 + LEASE_MS}, "a", 10_000) is None


def test_a_lease_reaching_far_into_the_future_is_corrupt_and_taken() -> None:
    # Otherwise one bad entry would keep every tab following a leader that does not exist.
    assert lease_step({"tab": "b", "until": 10_000 + LEASE_MS + 1}, "a", 10_000) is not None


def test_a_crashed_leaders_lease_is_taken_over_within_a_second() -> None:
    renewed = lease_step(None, "b", 0)["until"]  # b's last renewal, then b crashes
    checks = range(0, 2000, HEARTBEAT_MS)
    taken = next(t for t in checks if lease_step({"tab": "b", "until": renewed}, "a", t) is not None)
    assert taken <= 1000


def test_the_notification_time_is_shared_by_the_tabs() -> None:
    assert latest_notice(None, 500, 1000) == 500
    assert latest_notice(700, 500, 1000) == 700
    assert latest_notice(300, 500, 1000) == 500
    for corrupt in (None, "500", 5000, {"at": 1}, True):
        assert latest_notice(300, corrupt, 1000) == 300


def test_another_tabs_notification_holds_this_tabs_back() -> None:
    monitor = ServerMonitor(300_000)
    monitor.last_notified_ms = latest_notice(monitor.last_notified_ms, 10_000, 20_000)
    monitor.record(False)
    assert monitor.close_window(20_000, True) is False
    monitor.record(False)
    assert monitor.close_window(310_000, True) is True


def test_the_shared_notification_time_is_read_only_when_a_notification_is_due() -> None:
    monitor = ServerMonitor(300_000)
    reads: list[int] = []

    def shared() -> int:
        reads.append(1)
        return 10_000

    monitor.record(True)
    assert monitor.close_window(15_000, True, shared) is False  # a window without trouble
    monitor.record(False)
    assert monitor.close_window(20_000, False, shared) is False  # notifications off
    assert monitor.close_window(25_000, True, shared) is False  # an empty window
    assert reads == []
    monitor.record(False)
    assert monitor.close_window(30_000, True, shared) is False  # another tab notified 20 s ago
    assert reads == [1]
    monitor.record(False)
    assert monitor.close_window(310_000, True, shared) is True
    assert monitor.last_notified_ms == 310_000
