"""The server monitor (docs/behaviour.md §5): 75 % success per window, notifications rate-limited."""

from __future__ import annotations

import pytest

from core.server_monitor import SUCCESS_THRESHOLD, WINDOW_MS, ServerMonitor

DELAY_MS = 300_000


def window(monitor: ServerMonitor, succeeded: int, failed: int, now_ms: int, enabled: bool = True) -> bool:
    for _ in range(succeeded):
        monitor.record(True)
    for _ in range(failed):
        monitor.record(False)
    return monitor.close_window(now_ms, enabled)


def test_constants() -> None:
    assert (WINDOW_MS, SUCCESS_THRESHOLD) == (5000, 0.75)


def test_record_counts_successes_and_failures() -> None:
    monitor = ServerMonitor(DELAY_MS)
    for outcome in (True, False, True, True, False):
        monitor.record(outcome)
    assert (monitor.succeeded, monitor.failed) == (3, 2)


@pytest.mark.parametrize(
    ("succeeded", "failed", "notify"),
    [
        (3, 1, False),  # exactly 75 %
        (75, 25, False),
        (2, 1, True),  # 66 %
        (74, 26, True),
        (0, 1, True),
        (0, 10, True),
        (1, 0, False),
        (10, 0, False),
        (0, 0, False),  # an empty window never notifies
    ],
)
def test_a_window_below_75_percent_success_notifies(succeeded: int, failed: int, notify: bool) -> None:
    assert window(ServerMonitor(DELAY_MS), succeeded, failed, 1_000_000) is notify


def test_closing_a_window_starts_a_new_count() -> None:
    monitor = ServerMonitor(0)
    assert window(monitor, 0, 5, 1000) is True
    assert (monitor.succeeded, monitor.failed) == (0, 0)
    assert window(monitor, 3, 1, 2000) is False  # the 5 earlier failures do not count any more
    assert window(monitor, 0, 0, 3000) is False


def test_notifications_are_rate_limited_by_the_delay() -> None:
    monitor = ServerMonitor(DELAY_MS)
    start = 10_000
    assert window(monitor, 0, 3, start) is True
    assert window(monitor, 0, 3, start + 5000) is False
    assert window(monitor, 0, 3, start + DELAY_MS - 1) is False
    assert window(monitor, 0, 3, start + DELAY_MS) is True
    assert window(monitor, 0, 3, start + DELAY_MS + 1) is False
    assert monitor.last_notified_ms == start + DELAY_MS


def test_the_first_failing_window_notifies_even_at_time_zero() -> None:
    assert window(ServerMonitor(DELAY_MS), 0, 1, 0) is True


def test_a_healthy_window_does_not_reset_the_rate_limit() -> None:
    monitor = ServerMonitor(DELAY_MS)
    assert window(monitor, 0, 2, 0) is True
    assert window(monitor, 5, 0, 5000) is False
    assert window(monitor, 0, 2, 10_000) is False


def test_disabled_notifications_never_notify() -> None:
    monitor = ServerMonitor(0)
    assert [window(monitor, 0, 4, now, enabled=False) for now in (0, 5000, 10_000)] == [False, False, False]
    assert monitor.last_notified_ms is None


def test_disabled_notifications_do_not_consume_the_rate_limit() -> None:
    monitor = ServerMonitor(DELAY_MS)
    assert window(monitor, 0, 4, 1000, enabled=False) is False
    assert window(monitor, 0, 4, 6000, enabled=True) is True
    assert monitor.last_notified_ms == 6000
