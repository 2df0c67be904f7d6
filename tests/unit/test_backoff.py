"""The poll backoff (docs/behaviour.md §3 Fix): 0.5 s doubling to 30 s, back to 0.5 s after a success."""

from __future__ import annotations

import pytest

from core.backoff import INITIAL_DELAY_MS, MAX_DELAY_MS, Backoff, default_backoff

SCHEDULE = [500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]


def delays(backoff: Backoff, count: int) -> list[int]:
    return [backoff.next_delay() for _ in range(count)]


def test_default_schedule_doubles_from_half_a_second_up_to_30_seconds() -> None:
    assert (INITIAL_DELAY_MS, MAX_DELAY_MS) == (500, 30000)
    assert delays(default_backoff(), len(SCHEDULE)) == SCHEDULE


def test_the_cap_holds_after_many_failures() -> None:
    backoff = default_backoff()
    assert delays(backoff, 200)[-3:] == [30000, 30000, 30000]


@pytest.mark.parametrize("failures", [1, 3, 7, 20])
def test_reset_starts_again_from_the_initial_delay(failures: int) -> None:
    backoff = default_backoff()
    delays(backoff, failures)
    backoff.reset()
    assert delays(backoff, 3) == [500, 1000, 2000]


@pytest.mark.parametrize(
    ("initial", "maximum", "expected"),
    [(100, 1000, [100, 200, 400, 800, 1000, 1000]), (300, 1000, [300, 600, 1000, 1000, 1000, 1000]),
     (1000, 1000, [1000] * 6)],
)
def test_custom_schedules_are_capped_exactly(initial: int, maximum: int, expected: list[int]) -> None:
    assert delays(Backoff(initial, maximum), 6) == expected
