"""The panel's phonebook search sequencing (widget_src/core/phonebook_search.py) under asyncio."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from core.phonebook_search import DEBOUNCE_MS, PhonebookSearch


class ManualTimers:
    """Timers the test fires by hand."""

    def __init__(self) -> None:
        self.pending: dict[int, Any] = {}
        self.count = 0

    def timeout(self, callback: Any, delay_ms: int) -> int:
        assert delay_ms == DEBOUNCE_MS
        self.count += 1
        self.pending[self.count] = callback
        return self.count

    def cancel(self, timer: int | None) -> None:
        self.pending.pop(timer, None)

    def fire_all(self) -> list[Any]:
        """Run every pending timer; what they return (the searches' coroutines)."""
        callbacks = list(self.pending.values())
        self.pending.clear()
        return [callback() for callback in callbacks]


class Phonebook:
    """A client whose get_contacts answers when the test says so."""

    def __init__(self) -> None:
        self.answers: dict[str, asyncio.Future] = {}

    async def get_contacts(self, start_with: str, max_results: int) -> Any:
        self.answers[start_with] = asyncio.get_running_loop().create_future()
        return await self.answers[start_with]

    async def get_last_contacts(self, max_results: int) -> Any:
        return []


def contact(name: str) -> dict[str, str]:
    return {"uuid": name, "name": name, "phone": "1"}


def test_a_stale_answer_never_replaces_newer_results() -> None:
    async def scenario() -> list:
        shown: list = []
        phonebook = Phonebook()
        timers = ManualTimers()
        search = PhonebookSearch(phonebook, timers,
                                 lambda kind, contacts, error: shown.append([kind, contacts]))
        search.query("ab")
        older = asyncio.ensure_future(timers.fire_all()[0])
        await asyncio.sleep(0)
        search.query("abc")
        newer = asyncio.ensure_future(timers.fire_all()[0])
        await asyncio.sleep(0)
        phonebook.answers["abc"].set_result([contact("abc-result")])
        await newer
        phonebook.answers["ab"].set_result([contact("ab-result")])  # "ab" answers last
        await older
        return shown

    # Its own thread: the browser tests' Playwright loop may be running in this one.
    with ThreadPoolExecutor(max_workers=1) as thread:
        shown = thread.submit(asyncio.run, scenario()).result()
    assert shown == [["loading", []], ["loading", []], ["results", [contact("abc-result")]]]


def test_typing_within_the_pause_sends_one_query() -> None:
    timers = ManualTimers()
    search = PhonebookSearch(Phonebook(), timers, lambda kind, contacts, error: None)
    for text in ["a", "ab", "abc"]:
        search.query(text)
    assert len(timers.pending) == 1
    search.cancel()
    assert timers.pending == {}
