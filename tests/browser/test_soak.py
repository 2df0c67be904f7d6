"""Leaks and soak: a working day of page switches and call-status changes in one page.

Counts come from the page itself (timers, document/window listeners, widget nodes, crm_post
requests in flight) and the JS heap from Chromium's performance metrics after a forced GC.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from sandbox.defaults import DEMO_USER_ID
from sandbox.demo_backend import DemoBackend
from tests.support.host_snapshot import host_changes, snapshot_before_widget
from tests.support.tabs import CHANNELS_JS, LOCKS_JS, open_tab, polls_pending
from tests.support.waiting import wait_until

AGENT = DEMO_USER_ID

# Live timers and document/window listeners, counted by wrapping the browser's functions.
COUNTERS_JS = ("""(() => {
    const live = {timers: new Set(), listeners: new Map()};
    const wrap = (name, fn) => { const original = window[name]; window[name] = fn(original); };
    wrap('setTimeout', (original) => function (cb, ms, ...rest) {
        const id = original.call(window, function () { live.timers.delete(id); """
               """return cb.apply(this, arguments); },
                                 ms, ...rest);
        live.timers.add(id); return id; });
    wrap('setInterval', (original) => function () { const id = original.apply(window, arguments);
        live.timers.add(id); return id; });
    wrap('clearTimeout', (original) => function (id) { live.timers.delete(id); """
               """return original.call(window, id); });
    wrap('clearInterval', (original) => function (id) { live.timers.delete(id); """
               """return original.call(window, id); });
    const add = EventTarget.prototype.addEventListener;
    const remove = EventTarget.prototype.removeEventListener;
    const key = (target, type, fn) => (target === window ? 'window ' : 'document ') + type;
    EventTarget.prototype.addEventListener = function (type, fn, options) {
        if (this === window || this === document) {
            const k = key(this, type);
            const set = live.listeners.get(k) || new Set();
            set.add(fn); live.listeners.set(k, set);
        }
        return add.call(this, type, fn, options);
    };
    EventTarget.prototype.removeEventListener = function (type, fn, options) {
        if (this === window || this === document) {
            const set = live.listeners.get(key(this, type));
            if (set) set.delete(fn);
        }
        return remove.call(this, type, fn, options);
    };
    window.__counters = () => ({
        timers: live.timers.size,
        listeners: [...live.listeners.values()].reduce((n, s) => n + s.size, 0),
        nodes: document.querySelectorAll('.asng-root, .asng-root *').length,
        styles: document.querySelectorAll('#asng-styles').length,
        pending: window.__sandbox ? window.__sandbox.pendingRequests : 0,
    });
})();""")

TRANSITIONS_JS = """async ([count, user]) => {
    const button = document.querySelector('.asng-call__hold');
    for (let i = 0; i < count; i++) {
        // the sandbox records every request for tests: keep its logs from counting as the widget's heap
        window.__sandbox.requests.length = 0;
        window.__sandbox.controlCalls.length = 0;
        const want = String(i % 2 === 0);
        await window.__sandbox.control('set_hold', {amouser_id: user, is_hold: i % 2 === 0});
        const deadline = performance.now() + 10000;
        while (button.getAttribute('aria-pressed') !== want) {
            if (performance.now() > deadline) throw new Error('status ' + i + ' never shown');
            await new Promise((r) => setTimeout(r, 5));
        }
    }
}"""


@pytest.fixture
def sandbox_archive(prod_widget) -> Path:
    """The release build: what agents run all day (and no debug log holding on to objects)."""
    return Path(prod_widget.zip_path)


@pytest.fixture
def instrumented(page: Page, open_sandbox, fresh_demo_backend: DemoBackend) -> Page:
    fresh_demo_backend.configure(long_poll_seconds=1.0)
    page.add_init_script(COUNTERS_JS)
    open_sandbox({"reset": 1})
    expect(page.locator(".asng-panel")).to_be_visible()
    return page


def heap_mb(page: Page) -> float:
    cdp = page.context.new_cdp_session(page)
    cdp.send("HeapProfiler.enable")
    cdp.send("HeapProfiler.collectGarbage")
    cdp.send("Performance.enable")
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    cdp.detach()
    return metrics["JSHeapUsedSize"] / 1e6


# Counters read this often must stay the same this many times in a row, a span (1.2 s) longer than the
# backend holds a poll (1 s): an old poll still in flight cannot pass for a settled page.
SETTLE_READ_MS = 300
SETTLE_READS = 5
SETTLE_TIMEOUT_S = 20


def settled(page: Page) -> dict:
    """Counters once they stop changing (the old long polls have ended: the backend answers within 1 s)."""
    reads: list[dict] = []
    deadline = time.monotonic() + SETTLE_TIMEOUT_S
    while True:
        reads.append(page.evaluate("window.__counters()"))
        last = reads[-SETTLE_READS:]
        if len(last) == SETTLE_READS and all(read == last[-1] for read in last):
            return last[-1]
        if time.monotonic() > deadline:
            raise AssertionError(f"the counters kept changing for {SETTLE_TIMEOUT_S} s: {last}")
        page.wait_for_timeout(SETTLE_READ_MS)


def destroy(page: Page) -> None:
    page.evaluate("window.__sandbox.widget.callbacks.destroy()")


def start(page: Page) -> None:
    page.evaluate("""() => {
        const cb = window.__sandbox.widget.callbacks;
        cb.render(); cb.init(); cb.bind_actions();
    }""")


def cycle(page: Page, times: int) -> None:
    page.evaluate("""(times) => {
        const cb = window.__sandbox.widget.callbacks;
        for (let i = 0; i < times; i++) { cb.destroy(); cb.render(); cb.init(); cb.bind_actions(); }
    }""", times)


def test_100_render_destroy_cycles_leak_nothing(instrumented: Page, fresh_demo_backend: DemoBackend) -> None:
    page = instrumented
    cycle(page, 1)
    destroy(page)
    empty = settled(page)  # what the page holds without the widget, after one destroy
    start(page)
    first = settled(page)
    assert first["styles"] == 1
    assert first["timers"] > empty["timers"] and first["listeners"] > empty["listeners"]
    cycle(page, 100)
    after = settled(page)
    assert after == first
    assert page.locator(".asng-panel").count() == 1
    # the widget's own polls: one in flight, not a hundred
    assert after["pending"] <= 1
    destroy(page)
    gone = settled(page)
    assert gone["nodes"] == 0
    assert gone["pending"] == 0
    # not one timer or listener more than the first destroy left
    assert (gone["timers"], gone["listeners"]) == (empty["timers"], empty["listeners"])
    assert gone == empty


def test_three_tabs_100_cycles_each_leave_nothing(context, sandbox, fresh_demo_backend: DemoBackend) -> None:
    fresh_demo_backend.configure(long_poll_seconds=1.0)
    errors: list[str] = []
    pages = [open_tab(context, sandbox.url, errors, COUNTERS_JS + CHANNELS_JS, before=snapshot_before_widget)
             for _ in range(3)]
    for page in pages:
        cycle(page, 1)
    for page in pages:
        destroy(page)
    empty = [settled(page) for page in pages]  # each page without the widget, after one destroy
    for page in pages:
        start(page)  # in the same order: the first tab leads again
    first = [settled(page) for page in pages]
    for page in pages:
        cycle(page, 100)
    assert [settled(page) for page in pages] == first
    # still one leader for the three (at a moment it has a poll in flight: it may be between two)
    assert wait_until(pages[0], lambda: sum(polls_pending(page) for page in pages),
                      what="a poll in flight") == 1
    assert [page.evaluate("window.__openChannels()") for page in pages] == [1, 1, 1]
    for page in pages:
        destroy(page)
    gone = [settled(page) for page in pages]
    for page, before, after in zip(pages, empty, gone):
        assert page.evaluate(LOCKS_JS) == {"held": 0, "pending": 0}
        assert page.evaluate("window.__openChannels()") == 0
        assert (after["nodes"], after["pending"]) == (0, 0)
        # not one timer or listener more than the first destroy left
        assert (after["timers"], after["listeners"]) == (before["timers"], before["listeners"])
        assert after == before
        assert host_changes(page) == {"new globals": [], "for-in": [], "enumerable": {}}
    assert errors == []


def test_1000_status_transitions_keep_counts_and_heap_flat(instrumented: Page,
                                                           fresh_demo_backend: DemoBackend) -> None:
    page = instrumented
    fresh_demo_backend.start_incoming_call(AGENT, phone=fresh_demo_backend.phonebook.search("", 1)[0].phone)
    expect(page.locator(".asng-call")).to_be_visible(timeout=10_000)
    page.evaluate(TRANSITIONS_JS, [100, AGENT])
    counts = settled(page)
    heap = heap_mb(page)
    page.evaluate(TRANSITIONS_JS, [900, AGENT])
    assert settled(page) == counts
    after = heap_mb(page)
    assert after <= heap * 1.10, f"heap grew from {heap:.2f} MB to {after:.2f} MB"
    assert len(fresh_demo_backend.requests_for("set_hold")) == 0  # the changes came from the PBX side
