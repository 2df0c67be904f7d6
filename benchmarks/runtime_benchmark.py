"""How the widget behaves at run time, printed as a table (a measurement, not a test).

For each ``widget.zip`` given (default: a fresh ``--prod`` build of this checkout) the
archive runs in the local amoCRM sandbox, against the demo backend, in headless Chromium:

* status change -> panel shows it: median and p95 over ``--changes`` PBX-side changes
  (hold on/off, 300 ms apart), timed in the page from the control request to the DOM update;
* keystroke -> search results shown (includes the 250 ms debounce), median of 10 searches;
* requests per minute sent by an idle panel (about one long poll per 9 s is expected);
* render -> panel visible, median of 20 page switches (destroy, then render);
* hangup shown -> post-call card shown: median and p95 over ``--hangups`` calls (the card's bundle,
  postcall.js, is loaded when the first call begins; each card is skipped before the next call), and
  the PBX's hangup (the control request) -> card shown, which includes the long poll's answer;
* JS heap used after load (Chromium's performance metrics).

Then a table of tabs (docs/behaviour.md §9), for the first archive: 1, 5 and 10 tabs of one
browser, idle — requests per minute the backend received and the most long polls it held at
once; and with 5 tabs, PBX-side status changes timed in the leading tab and in a following tab
from the control request (sent by the leader's page) to each panel showing the change.

    .venv/bin/python benchmarks/runtime_benchmark.py [a/widget.zip b/widget.zip] [--changes 200]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import Page, sync_playwright

from sandbox.defaults import DEMO_USER_ID
from sandbox.run import start_sandbox
from tests.support.tabs import held_at_once, leaders, open_tab
from tests.support.waiting import wait_until
from widgetbuild.config import BuildConfig
from widgetbuild.pipeline import build

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
USER = DEMO_USER_ID
CHANGE_GAP_MS = 300

# Times, in the page, from the control request (sent from the page) to the panel showing the change.
STATUS_CHANGE_JS = """async ([hold, user]) => {
    const button = document.querySelector('.asng-call__hold');
    const want = hold ? 'true' : 'false';
    const started = performance.now();
    const shown = new Promise((resolve) => {
        const check = () => button.getAttribute('aria-pressed') === want;
        const observer = new MutationObserver(() => { if (check()) { observer.disconnect(); resolve(); } });
        observer.observe(button, {attributes: true});
    });
    await window.__sandbox.control('set_hold', {amouser_id: user, is_hold: hold});
    await shown;
    return performance.now() - started;
}"""

SEARCH_JS = """async (text) => {
    const input = document.querySelector('.asng-dial__input');
    const list = document.querySelector('.asng-options');
    input.value = '';
    input.dispatchEvent(new Event('input'));
    await new Promise((r) => setTimeout(r, 50));
    const started = performance.now();
    const shown = new Promise((resolve) => {
        const observer = new MutationObserver(() => {
            if (list.querySelector('.asng-option, .asng-options__empty') && !list.hidden) {
                observer.disconnect(); resolve();
            }
        });
        observer.observe(list, {childList: true, attributes: true, subtree: true});
    });
    input.value = text;
    input.dispatchEvent(new Event('input'));
    await shown;
    return performance.now() - started;
}"""

# From the panel hiding the call (the hangup shown) to the post-call card in the panel.
HANGUP_CARD_JS = """async (user) => {
    const call = document.querySelector('.asng-call');
    let hiddenAt = null;
    const started = performance.now();
    const shown = new Promise((resolve) => {
        const observer = new MutationObserver(() => {
            if (hiddenAt === null && call.hidden) { hiddenAt = performance.now(); }
            if (hiddenAt !== null && document.querySelector('.asng-card')) {
                observer.disconnect();
                const now = performance.now();
                resolve([now - hiddenAt, now - started]);
            }
        });
        observer.observe(document.querySelector('.asng-panel'),
                         {attributes: true, childList: true, subtree: true});
    });
    await window.__sandbox.control('remote_hangup', {amouser_id: user});
    return await shown;
}"""

RENDER_JS = """async () => {
    const started = performance.now();
    window.__sandbox.navigate(window.__sandbox.page === 'card' ? 'list' : 'card');
    while (!document.querySelector('.asng-panel')) { await new Promise((r) => requestAnimationFrame(r)); }
    return performance.now() - started;
}"""


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure_cards(page: Page, backend, hangups: int) -> dict[str, str]:
    """Hangup shown -> card shown, for calls with a known contact."""
    contact = backend.phonebook.search("", 1)[0]
    delays, totals = [], []
    for _ in range(hangups):
        backend.start_incoming_call(USER, contact_uuid=contact.uuid)
        page.wait_for_selector(".asng-call:not([hidden])")
        after_hangup_shown, after_pbx_hangup = page.evaluate(HANGUP_CARD_JS, USER)
        delays.append(after_hangup_shown)
        totals.append(after_pbx_hangup)
        page.click(".asng-card__skip")
        page.wait_for_selector(".asng-card", state="detached")
    return {"hangup shown -> card shown (median)": f"{statistics.median(delays):.1f} ms",
            "hangup shown -> card shown (p95)": f"{percentile(delays, 0.95):.1f} ms",
            "PBX hangup -> card shown (median)": f"{statistics.median(totals):.0f} ms"}


def measure(page: Page, backend, changes: int, idle_seconds: float) -> dict[str, str]:
    results: dict[str, str] = {}
    metrics = page.context.new_cdp_session(page)
    metrics.send("Performance.enable")
    page_metrics = {m["name"]: m["value"] for m in metrics.send("Performance.getMetrics")["metrics"]}
    heap = page_metrics["JSHeapUsedSize"]
    results["JS heap after load"] = f"{heap / 1e6:.1f} MB"

    page.click(".asng-dial__input")
    searches = [page.evaluate(SEARCH_JS, text)
                for text in ["Ив", "An", "791", "Пет", "Ro", "74", "Ма", "Ol", "7", "Се"]]
    results["keystroke -> results (median)"] = f"{statistics.median(searches):.0f} ms"
    page.keyboard.press("Escape")

    started = time.perf_counter()
    before = page.evaluate("window.__sandbox.requests.length")
    time.sleep(idle_seconds)
    sent = page.evaluate("window.__sandbox.requests.length") - before
    results["idle requests per minute"] = f"{sent * 60 / (time.perf_counter() - started):.1f}"

    backend.start_incoming_call(USER, phone=backend.phonebook.search("", 1)[0].phone)
    page.wait_for_selector(".asng-call:not([hidden])")
    latencies = []
    for index in range(changes):
        # PBX events come seconds apart; back to back they would measure the poll's 200 ms pacing
        page.wait_for_timeout(CHANGE_GAP_MS)
        latencies.append(page.evaluate(STATUS_CHANGE_JS, [index % 2 == 0, USER]))
    results["status change -> panel (median)"] = f"{statistics.median(latencies):.0f} ms"
    results["status change -> panel (p95)"] = f"{percentile(latencies, 0.95):.0f} ms"
    backend.remote_hangup(USER)

    renders = [page.evaluate(RENDER_JS) for _ in range(20)]
    results["render -> panel visible (median)"] = f"{statistics.median(renders):.1f} ms"
    return results


# In every tab: when the hold button shows ``want`` (absolute time, comparable across the tabs).
WATCH_HOLD_JS = """(want) => {
    window.__holdShown = null;
    const button = document.querySelector('.asng-call__hold');
    const observer = new MutationObserver(() => {
        if (button.getAttribute('aria-pressed') === want) {
            observer.disconnect();
            window.__holdShown = performance.timeOrigin + performance.now();
        }
    });
    observer.observe(button, {attributes: true});
}"""
SEND_HOLD_JS = """async ([hold, user]) => {
    const started = performance.timeOrigin + performance.now();
    await window.__sandbox.control('set_hold', {amouser_id: user, is_hold: hold});
    return started;
}"""


def table(header: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    print(" | ".join(h.ljust(w) for h, w in zip(header, widths)))
    print("-+-".join("-" * w for w in widths))
    for row in rows:
        print(" | ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w)
                         for i, (c, w) in enumerate(zip(row, widths))))


def measure_tabs(browser, archive: Path, idle_seconds: float, changes: int,
                 counts: tuple[int, ...] = (1, 5, 10)) -> list[list[str]]:
    """The tabs table's rows: idle load for ``counts`` tabs, then (5 tabs) follower vs leader latency."""
    rows = []
    running = start_sandbox(archive)
    errors: list[str] = []
    try:
        for count in counts:
            running.backend.reset()
            context = browser.new_context(viewport={"width": 1280, "height": 800})
            pages = [open_tab(context, running.url, errors, query="controls=0") for _ in range(count)]
            wait_until(pages[0], lambda: leaders(pages), what="a leader")  # noqa: B023
            since = time.time()
            pages[0].wait_for_timeout(idle_seconds * 1000)
            until = time.time()
            records = [r for r in running.backend.requests if since <= r.time <= until]
            held = held_at_once(running.backend.requests_for("get_agent_status"), since, until)
            rows.append([f"{count} tab{'s' if count > 1 else ''}, idle",
                         f"{len(records) * 60 / (until - since):.1f}", str(held), "", ""])
            if count == 5:
                rows += follower_latency(pages, running.backend, changes)
            context.close()
    finally:
        running.stop()
    if errors:
        print("page errors: " + "; ".join(errors), file=sys.stderr)
    return rows


def follower_latency(pages: list[Page], backend, changes: int) -> list[list[str]]:
    backend.start_incoming_call(USER, phone=backend.phonebook.search("", 1)[0].phone)
    for page in pages:
        page.wait_for_selector(".asng-call:not([hidden])")
    leader = leaders(pages)[0]
    follower = next(page for page in pages if page is not leader)
    latencies: dict[str, list[float]] = {"leader": [], "follower": []}
    for index in range(changes):
        leader.wait_for_timeout(CHANGE_GAP_MS)
        want = index % 2 == 0
        for page in (leader, follower):
            page.evaluate(WATCH_HOLD_JS, "true" if want else "false")
        started = leader.evaluate(SEND_HOLD_JS, [want, USER])
        for name, page in (("leader", leader), ("follower", follower)):
            shown = wait_until(page, lambda p=page: p.evaluate("window.__holdShown"), what="the change")
            latencies[name].append(shown - started)
    backend.remote_hangup(USER)
    return [[f"status change -> panel, 5 tabs: {name} tab", "", "",
             f"{statistics.median(values):.0f} ms", f"{percentile(values, 0.95):.0f} ms"]
            for name, values in latencies.items()]


def run_archive(browser, archive: Path, changes: int, idle_seconds: float, hangups: int) -> dict[str, str]:
    running = start_sandbox(archive)
    try:
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto(running.url + "?reset=1&controls=0")
        page.wait_for_selector("body[data-widget-state=ready]")
        page.wait_for_selector(".asng-panel")
        results = measure(page, running.backend, changes, idle_seconds)
        if hangups > 0:
            page.goto(running.url + "?reset=1&controls=0")
            page.wait_for_selector("body[data-widget-state=ready]")
            page.wait_for_selector(".asng-panel")
            page.wait_for_timeout(500)
            results.update(measure_cards(page, running.backend, hangups))
        page.close()
        return results
    finally:
        running.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("archives", nargs="*", type=Path,
                        help="widget.zip files to compare (default: build one)")
    parser.add_argument("--changes", type=int, default=200, help="status changes to time")
    parser.add_argument("--idle-seconds", type=float, default=60.0, help="how long to count idle requests")
    parser.add_argument("--hangups", type=int, default=30, help="calls ended to time the post-call card")
    parser.add_argument("--tabs-idle-seconds", type=float, default=60.0,
                        help="how long to count idle requests with 1, 5 and 10 tabs")
    parser.add_argument("--tab-changes", type=int, default=50, help="status changes to time with 5 tabs")
    parser.add_argument("--tab-counts", default="1,5,10",
                        help="numbers of tabs to measure (a build whose tabs each poll cannot load 10 tabs:"
                             " Chromium's 6 connections per host are all held by long polls)")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        archives = args.archives or [build(BuildConfig(dev=False, out_dir=Path(tmp))).zip_path]
        columns = {}
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
            for archive in archives:
                print(f"measuring {archive} …", file=sys.stderr, flush=True)
                columns[str(archive)] = run_archive(browser, archive, args.changes, args.idle_seconds,
                                                    args.hangups)
            print(f"measuring tabs with {archives[0]} …", file=sys.stderr, flush=True)
            counts = tuple(int(n) for n in args.tab_counts.split(","))
            tab_rows = measure_tabs(browser, archives[0], args.tabs_idle_seconds, args.tab_changes, counts)
            browser.close()
    names = list(next(iter(columns.values())))
    header = ["metric", *(["this checkout (--prod)"] if not args.archives else [str(a) for a in columns])]
    table(header, [[name, *[columns[a].get(name, "") for a in columns]] for name in names])
    print()
    table(["tabs", "requests/min", "long polls held at once (max)", "median", "p95"], tab_rows)


if __name__ == "__main__":
    main()
