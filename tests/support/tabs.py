"""Several amoCRM tabs of one browser (pages of one Playwright context) running the widget.

Helpers for tests/browser/test_tabs.py, test_soak.py and the runtime benchmark: open tabs with
their errors recorded, find the leading tab, time what the demo backend held at once.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from playwright.sync_api import BrowserContext, Page

from tests.support.page_errors import watch_errors

# Init scripts that take a browser feature away before the page (and the widget) runs.
NO_WEB_LOCKS = "delete Navigator.prototype.locks;"
NO_BROADCAST_CHANNEL = "delete window.BroadcastChannel;"
NO_STORAGE = ("Object.defineProperty(window, 'localStorage', {configurable: true,"
              " get() { throw new DOMException('storage is blocked', 'SecurityError'); }});")

# Counts the BroadcastChannels a page opened and has not closed (installed before the widget runs).
CHANNELS_JS = """(() => {
    const open = new Set();
    const Original = window.BroadcastChannel;
    window.BroadcastChannel = class extends Original {
        constructor(name) { super(name); open.add(this); }
        close() { open.delete(this); return super.close(); }
    };
    window.__openChannels = () => open.size;
})();"""
LOCKS_JS = "navigator.locks.query().then((q) => ({held: q.held.length, pending: q.pending.length}))"

# Times, in the page's absolute clock (shared by the tabs of one browser), when the call block
# was shown; cleared by the test before the change it times.
CALL_SHOWN_JS = """() => {
    window.__callShown = null;
    const call = document.querySelector('.asng-call');
    const observer = new MutationObserver(() => {
        if (!call.hidden && window.__callShown === null) {
            window.__callShown = performance.timeOrigin + performance.now();
        }
    });
    observer.observe(call, {attributes: true});
}"""


def open_tab(context: BrowserContext, url: str, errors: list[str], init_script: str = "",
             query: str = "", before: Callable[[Page], None] | None = None) -> Page:
    """A new tab of ``context`` at the sandbox ``url``, once the widget is ready and its panel shown.

    ``init_script`` runs in the page before anything else; ``before(page)`` before it loads.
    """
    page = context.new_page()
    watch_errors(page, errors)
    if init_script:
        page.add_init_script(init_script)
    if before is not None:
        before(page)
    page.goto(url + "/" + ("?" + query if query else ""))
    page.wait_for_selector("body[data-widget-state=ready]", state="attached")
    page.wait_for_selector(".asng-panel")
    return page


def polls_sent(page: Page) -> int:
    """The get_agent_status requests this tab sent through crm_post."""
    return page.evaluate("""() => window.__sandbox.requests.filter((r) =>
        JSON.parse(r.data.json).content.method === 'get_agent_status').length""")


def polls_pending(page: Page) -> int:
    """This tab's get_agent_status requests still waiting for their answer."""
    return page.evaluate("""() => window.__sandbox.requests.filter((r) => r.state === 'pending' &&
        JSON.parse(r.data.json).content.method === 'get_agent_status').length""")


def polls_sent_after(page: Page, moment_ms: float) -> list[float]:
    """When this tab sent its get_agent_status requests after ``moment_ms`` (see :func:`page_clock`)."""
    return sorted(page.evaluate("""(since) => window.__sandbox.requests.filter((r) => r.sent > since &&
        JSON.parse(r.data.json).content.method === 'get_agent_status').map((r) => r.sent)""", moment_ms))


def page_clock(page: Page) -> float:
    """Now, in ms of the browser's absolute clock (the one the tabs of a browser share)."""
    return page.evaluate("performance.timeOrigin + performance.now()")


def leaders(pages: list[Page]) -> list[Page]:
    """The open tabs that have a poll in flight: the leader (one, when the tabs share)."""
    return [page for page in pages if not page.is_closed() and polls_pending(page) > 0]


def held_at_once(records: list[Any], since: float, until: float) -> int:
    """The most get_agent_status requests the backend held at the same moment in [since, until]."""
    events = []
    for record in records:
        start, end = record.time, record.answered if record.answered is not None else until
        if end < since or start > until:
            continue
        events += [(max(start, since), 1), (min(end, until), -1)]
    held = most = 0
    for _, step in sorted(events, key=lambda e: (e[0], e[1])):  # an end before a start at the same instant
        held += step
        most = max(most, held)
    return most


def polls_started_after(records: list[Any], moment: float) -> list[float]:
    """Arrival times of the polls that reached the backend after ``moment`` (time.time())."""
    return sorted(r.time for r in records if r.time > moment)


def now() -> float:
    """The backend's clock (its records use time.time())."""
    return time.time()
