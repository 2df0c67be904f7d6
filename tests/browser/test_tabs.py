"""One PBX connection per browser (docs/behaviour.md §9): several amoCRM tabs of one browser context.

The tabs of one user and one server elect one leader that alone long-polls; the others show
what it tells them. Checked against the demo backend's request log (arrival and answer times)
and each tab's own crm_post record.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from sandbox.defaults import DEMO_SECRET, DEMO_USER_ID
from sandbox.demo_backend import DemoBackend
from tests.support.panel import Panel, drag_header
from tests.support.tabs import (
    CALL_SHOWN_JS,
    NO_BROADCAST_CHANNEL,
    NO_STORAGE,
    NO_WEB_LOCKS,
    held_at_once,
    leaders,
    now,
    open_tab,
    page_clock,
    polls_pending,
    polls_sent,
    polls_sent_after,
    polls_started_after,
)
from tests.support.waiting import wait_until

AGENT = DEMO_USER_ID
TAKEOVER_S = 1.0


@pytest.fixture
def tab_errors() -> Iterator[list[str]]:
    """Errors of every tab a test opens: any left at the end fail it."""
    errors: list[str] = []
    yield errors
    assert errors == []


@pytest.fixture
def open_tabs(context: BrowserContext, sandbox: Any, tab_errors: list[str]) -> Callable[..., list[Page]]:
    """``open_tabs(count, init_script='', query='')``: that many tabs, opened one after the other."""

    def open_(count: int, init_script: str = "", query: str = "") -> list[Page]:
        return [open_tab(context, sandbox.url, tab_errors, init_script, query) for _ in range(count)]

    return open_


def the_leader(pages: list[Page]) -> Page:
    """The one tab with a poll in flight (waits for it: a takeover may be under way)."""
    seen: list[int] = []

    def one_leader() -> list[Page] | None:
        found = leaders(pages)
        seen.append(len(found))
        return found if len(found) == 1 else None

    alive = next(page for page in pages if not page.is_closed())
    try:
        return wait_until(alive, one_leader, what="one leading tab")[0]
    except AssertionError as error:
        raise AssertionError(f"{error}; tabs polling at each look: {seen[-20:]}") from None


def polling(pages: list[Page]) -> list[Page]:
    """The open tabs with a poll in flight, at a moment one is (a leader may be between two polls)."""
    alive = next(page for page in pages if not page.is_closed())
    return wait_until(alive, lambda: leaders(pages), what="a tab polling")


def start_call(backend: DemoBackend) -> str:
    """A call from the PBX side; returns the caller's name as the panel shows it."""
    contact = backend.phonebook.search("", 1)[0]
    backend.start_incoming_call(AGENT, phone=contact.phone)
    return contact.name


def test_five_tabs_hold_one_long_poll(open_tabs, fresh_demo_backend: DemoBackend) -> None:
    pages = open_tabs(5)
    since = now()
    pages[0].wait_for_timeout(30_000)  # the measurement's span, not a synchronisation
    until = now()
    records = fresh_demo_backend.requests_for("get_agent_status")
    assert held_at_once(records, since, until) == 1
    assert len(polls_started_after(records, since)) >= 3  # the leader kept polling (9 s polls)
    assert sorted(polls_sent(page) > 0 for page in pages) == [False, False, False, False, True]


def _takeover_after(pages: list[Page], end_leader: Callable[[Page], None]) -> Page:
    """End the leader of ``pages``; the new leader, once it alone polls, checked to have sent its first
    poll within TAKEOVER_S (timed by its own request: the old leader's last poll cannot count)."""
    leader = the_leader(pages)
    rest = [page for page in pages if page is not leader]
    gone = page_clock(rest[0])
    end_leader(leader)
    new_leader = the_leader(rest)
    sent = polls_sent_after(new_leader, gone)
    assert sent, "the new leader's poll is not in its own record"
    assert sent[0] - gone < TAKEOVER_S * 1000, (gone, sent)
    return new_leader


def test_closing_the_leader_hands_over_within_a_second(open_tabs, fresh_demo_backend: DemoBackend) -> None:
    pages = open_tabs(5)
    rest = [p for p in pages]
    for round_ in range(2):  # and again with the new leader
        new_leader = _takeover_after(rest, lambda page: page.close())
        rest = [p for p in rest if not p.is_closed()]
        assert len(rest) == len(pages) - 1 - round_ and not new_leader.is_closed()
        assert polling(rest) == [new_leader]  # among the tabs left, and the only one polling


def crash(page: Page) -> None:
    """Kill the tab's renderer as a crash would (no unload handler runs), then close the dead tab.

    CDP's Page.crash never answers (its target is gone) and the sync API can only wait for
    answers, so the command is sent on the API's own event loop without waiting.
    """
    session = page.context.new_cdp_session(page)
    with page.expect_event("crash"):
        sent = page._loop.create_task(session._impl_obj.send("Page.crash", None, None))
    page.close()
    if sent.done():
        sent.exception()  # the "target closed" it ends with is the point: take it, do not log it


def test_a_crashed_leader_is_replaced_within_a_second(open_tabs, fresh_demo_backend: DemoBackend) -> None:
    pages = open_tabs(5)
    crashed: list[Page] = []

    def end(page: Page) -> None:
        crashed.append(page)
        crash(page)

    new_leader = _takeover_after(pages, end)
    assert crashed[0].is_closed() and not new_leader.is_closed()
    assert polling(pages) == [new_leader]  # the only tab polling of those left


def test_a_pbx_call_appears_in_every_tab_within_100_ms_of_the_first(open_tabs,
                                                                    fresh_demo_backend: DemoBackend) -> None:
    pages = open_tabs(5)
    the_leader(pages)
    for page in pages:
        page.evaluate(CALL_SHOWN_JS)
    name = start_call(fresh_demo_backend)
    for page in pages:
        expect(page.locator(".asng-call__name")).to_have_text(name)
    shown = [page.evaluate("window.__callShown") for page in pages]
    assert max(shown) - min(shown) <= 100, shown


def test_mute_in_one_tab_shows_in_every_tab(open_tabs, fresh_demo_backend: DemoBackend) -> None:
    pages = open_tabs(5)
    start_call(fresh_demo_backend)
    for page in pages:
        expect(page.locator(".asng-call")).to_be_visible()
    pages[2].locator(".asng-call__mute").click()
    for page in pages:
        expect(page.locator(".asng-call__mute")).to_have_attribute("aria-pressed", "true")
    assert len(fresh_demo_backend.requests_for("set_mute")) == 1  # sent by tab 3 alone
    assert polls_sent(pages[2]) == 0 or the_leader(pages) is pages[2]
    assert fresh_demo_backend.agent_status(AGENT)["call_info"]["is_mute"] is True


def notifications(pages: list[Page]) -> int:
    return sum(page.evaluate("window.__sandbox.notifications.length")
               for page in pages if not page.is_closed())


def test_backend_down_gives_one_notification_per_browser(open_tabs, fresh_demo_backend: DemoBackend) -> None:
    pages = open_tabs(5)
    leader = the_leader(pages)
    fresh_demo_backend.inject_fault("status", 503)
    # Every tab shows the leader's view of the connection, with its text (after the poll in flight,
    # which the backend may hold 9 s, the next one fails; each failure is told to the tabs at once)
    def all_down_alike() -> list[tuple[str | None, str | None]] | None:
        seen = [(page.locator(".asng-panel__connection").get_attribute("class"),
                 page.locator(".asng-panel__connection").get_attribute("aria-label")) for page in pages]
        return seen if all("--down" in (c or "") for c, _ in seen) and len(set(seen)) == 1 else None

    down = wait_until(pages[0], all_down_alike, timeout=20,
                      what="every tab showing the same connection problem")
    assert down[0][1]
    wait_until(pages[0], lambda: notifications(pages) > 0, timeout=15, what="the notification")
    first = notifications(pages)
    # the leader goes: the next one fails as well, but the browser has already said it
    gone = now()
    leader.close()
    rest = [page for page in pages if page is not leader]
    # a new leader polls (and fails at once, then waits: its polls are seldom in flight)
    wait_until(rest[0],
               lambda: polls_started_after(fresh_demo_backend.requests_for("get_agent_status"), gone),
               what="a new leader's poll")
    rest[0].wait_for_timeout(12_000)  # two more monitor windows of failures in the new leader
    assert first == 1
    assert notifications(rest) == 0
    fresh_demo_backend.clear_faults()
    for page in rest:  # and back up, everywhere
        expect(page.locator(".asng-panel__connection")).not_to_have_class(
            re.compile("asng-panel__connection--down"), timeout=35_000)


# Every status poll is answered this late at the earliest while a test proves that the panel shows a call
# before any poll answered; the panel is given POLL_LATENCY_S - 1 s to show it (a loaded machine's page load).
POLL_LATENCY_S = 5.0


def _call_shown_before_any_poll_answer(page: Page, name: str) -> None:
    expect(page.locator(".asng-call__name")).to_have_text(name, timeout=(POLL_LATENCY_S - 1) * 1000)
    answered = page.evaluate("""() => window.__sandbox.requests.filter((r) => r.state !== 'pending' &&
        JSON.parse(r.data.json).content.method === 'get_agent_status').length""")
    assert answered == 0
    timer = page.locator(".asng-call__timer")
    first = timer.text_content()
    assert first not in ("", "00:00")  # the call began seconds ago, and the timer knows it
    expect(timer).not_to_have_text(first, timeout=2500)  # and runs


def test_reload_during_a_call_shows_it_before_the_first_poll_answers(open_tabs,
                                                                     fresh_demo_backend: DemoBackend) -> None:
    [page] = open_tabs(1)
    name = start_call(fresh_demo_backend)
    expect(page.locator(".asng-call__name")).to_have_text(name)
    phone = page.locator(".asng-call__phone").text_content()
    # the call's timer past a second, so the reloaded panel must restore it, not restart it
    expect(page.locator(".asng-call__timer")).not_to_have_text("00:00")
    fresh_demo_backend.inject_fault("latency", POLL_LATENCY_S, method="get_agent_status")
    page.reload()
    _call_shown_before_any_poll_answer(page, name)
    expect(page.locator(".asng-call__phone")).to_have_text(phone)


def test_a_new_tab_during_a_call_shows_it_at_once(open_tabs, context: BrowserContext, sandbox: Any,
                                                  tab_errors: list[str],
                                                  fresh_demo_backend: DemoBackend) -> None:
    [first] = open_tabs(1)
    name = start_call(fresh_demo_backend)
    expect(first.locator(".asng-call__name")).to_have_text(name)
    expect(first.locator(".asng-call__timer")).not_to_have_text("00:00")
    fresh_demo_backend.inject_fault("latency", POLL_LATENCY_S, method="get_agent_status")
    [second] = open_tabs(1)
    _call_shown_before_any_poll_answer(second, name)


def settings_query(address: str, key: str = DEMO_SECRET) -> str:
    return "settings=" + json.dumps({"server": {"serverAddress": address, "secretKey": key},
                                     "amocrm": {"showPanel": True, "enableNotification": True}})


def test_two_servers_are_two_groups(open_tabs, fresh_demo_backend: DemoBackend) -> None:
    other_address = fresh_demo_backend.url.replace("127.0.0.1", "localhost")
    first = open_tabs(2)
    second = open_tabs(2, query=settings_query(other_address))
    # one leader in each group (at a moment both poll: a leader may be between two polls)
    both = wait_until(first[0], lambda: [leaders(first), leaders(second)] if len(leaders(first + second)) == 2
                      else None, what="a tab polling in each group")
    assert [len(group) for group in both] == [1, 1]
    since = now()
    first[0].wait_for_timeout(2000)  # the measurement's span
    assert held_at_once(fresh_demo_backend.requests_for("get_agent_status"), since, now()) == 2


def test_two_keys_are_two_groups(open_tabs, fresh_demo_backend: DemoBackend) -> None:
    fresh_demo_backend.inject_fault("secret_key", DEMO_SECRET)  # either key is refused alike
    first = open_tabs(2)
    second = open_tabs(2, query=settings_query(fresh_demo_backend.url, "another key"))
    wait_until(first[0], lambda: polls_sent(first[0]) + polls_sent(first[1]) > 0,
               what="a poll of the first group")
    wait_until(first[0], lambda: polls_sent(second[0]) + polls_sent(second[1]) > 0,
               what="a poll of the second group")


@pytest.mark.parametrize("missing", [NO_WEB_LOCKS, NO_BROADCAST_CHANNEL, NO_WEB_LOCKS + NO_BROADCAST_CHANNEL],
                         ids=["lease", "storage-events", "lease+storage-events"])
def test_fallbacks_elect_relay_and_take_over(open_tabs, fresh_demo_backend: DemoBackend,
                                             missing: str) -> None:
    pages = open_tabs(3, init_script=missing)
    assert pages[0].evaluate("typeof navigator.locks") == ("undefined" if "locks" in missing else "object")
    leader = the_leader(pages)
    since = now()
    pages[0].wait_for_timeout(3000)  # the lease is renewed 15 times meanwhile: nobody else leads
    assert held_at_once(fresh_demo_backend.requests_for("get_agent_status"), since, now()) == 1
    assert leaders(pages) == [leader]
    name = start_call(fresh_demo_backend)
    for page in pages:
        expect(page.locator(".asng-call__name")).to_have_text(name)
    new_leader = _takeover_after(pages, lambda page: page.close())
    fresh_demo_backend.pbx_set_hold(AGENT, True)
    for page in pages:
        if not page.is_closed():
            expect(page.locator(".asng-call__hold")).to_have_attribute("aria-pressed", "true")
    assert leader.is_closed()
    assert polling(pages) == [new_leader]  # one of the tabs left, and no other polls


def test_bad_entries_and_messages_leave_the_tab_polling_quietly(open_tabs, context: BrowserContext,
                                                                fresh_demo_backend: DemoBackend) -> None:
    [first] = open_tabs(1)
    group = wait_until(first, lambda: first.evaluate(
        "navigator.locks.query().then((q) => q.held.map((l) => l.name))"), what="the held lock")[0]
    # Another script's garbage where the widget keeps its state, and messages of the wrong shape
    first.evaluate("""(group) => {
        localStorage.setItem(group + '.status', '{not json');
        localStorage.setItem('asteriskng.notified', '"soon"');
        localStorage.setItem('asteriskng.panel', '[1, 2]');
        const channel = new BroadcastChannel(group);
        for (const bad of [null, 7, 'x', [], {}, {group: group}, {group: group, status: 5, at: 1, live: true},
                           {group: group, status: {status: 'CONVERSATION'}, at: 'now', live: true}]) {
            channel.postMessage(bad);
        }
        channel.close();
    }""", group)
    [second] = open_tabs(1)
    expect(second.locator(".asng-call")).to_be_hidden()
    name = start_call(fresh_demo_backend)
    for page in (first, second):
        expect(page.locator(".asng-call__name")).to_have_text(name)
    assert notifications([first, second]) == 0


@pytest.mark.parametrize("missing", [NO_STORAGE + NO_BROADCAST_CHANNEL,
                                     NO_STORAGE + NO_BROADCAST_CHANNEL + NO_WEB_LOCKS],
                         ids=["web-locks-only", "nothing"])
def test_without_storage_or_channel_each_tab_polls_on_its_own(open_tabs, fresh_demo_backend: DemoBackend,
                                                              missing: str) -> None:
    # Web Locks alone would elect a leader the others cannot hear: they must not follow it.
    pages = open_tabs(2, init_script=missing)
    wait_until(pages[0], lambda: all(polls_pending(page) > 0 for page in pages), what="both tabs polling")
    name = start_call(fresh_demo_backend)
    for page in pages:
        expect(page.locator(".asng-call__name")).to_have_text(name)
    assert notifications(pages) == 0


def test_settings_saved_in_one_tab_switch_the_others(open_tabs, fresh_demo_backend: DemoBackend) -> None:
    pages = open_tabs(3)
    leader = the_leader(pages)
    saved = json.dumps({"server": {"serverAddress": fresh_demo_backend.url, "secretKey": DEMO_SECRET},
                        "amocrm": {"showPanel": False, "enableNotification": True}})
    pages[1].evaluate("""(raw) => window.__sandbox.widget.callbacks.onSave(
        {active: 'Y', fields: {jsonSettings: raw}})""", saved)
    for page in pages:
        expect(page.locator(".asng-panel")).to_have_count(0)
    assert leader.evaluate("window.__sandbox.widget.get_settings().jsonSettings") == saved
    # and back: the panels return, one tab leads again
    back = saved.replace('"showPanel": false', '"showPanel": true')
    pages[0].evaluate("""(raw) => window.__sandbox.widget.callbacks.onSave(
        {active: 'Y', fields: {jsonSettings: raw}})""", back)
    for page in pages:
        expect(page.locator(".asng-panel")).to_be_visible()
    the_leader(pages)
    assert all(page.evaluate(f"localStorage.getItem('asteriskng.settings.{AGENT}')") is None
               for page in pages)  # the key is passed on, never kept


def test_settings_saved_unchanged_in_one_tab_leave_the_others_running(
        open_tabs, fresh_demo_backend: DemoBackend) -> None:
    pages = open_tabs(3)
    leader = the_leader(pages)
    saver = next(page for page in pages if page is not leader)
    others = [page for page in pages if page is not saver]
    for page in others:  # a restarted session mounts a new panel: the mark would be gone
        page.evaluate("document.querySelector('.asng-panel').dataset.testMark = 'before the save'")
    current = saver.evaluate("window.__sandbox.widget.get_settings().jsonSettings")
    same = json.dumps(json.loads(current), indent=2)  # another text, the same settings
    assert same != current
    since = now()
    saver.evaluate("""(raw) => window.__sandbox.widget.callbacks.onSave(
        {active: 'Y', fields: {jsonSettings: raw}})""", same)
    for page in others:  # the saved text reached the other tabs...
        wait_until(page, lambda page=page: page.evaluate(
            "window.__sandbox.widget.get_settings().jsonSettings") == same, what="the saved settings")
    saver.wait_for_timeout(1500)  # ...and nothing follows (a restart would show within this time)
    for page in others:
        assert page.evaluate("document.querySelector('.asng-panel').dataset.testMark") == "before the save"
    assert polling(pages) == [leader]
    # a restarted leader's new poll would overlap the old one, which the backend still holds
    assert held_at_once(fresh_demo_backend.requests_for("get_agent_status"), since, now()) == 1


def near(box: dict[str, float], other: dict[str, float]) -> bool:
    """The same top-left corner, within the pixel the stored position rounds away."""
    return abs(box["x"] - other["x"]) <= 1 and abs(box["y"] - other["y"]) <= 1


def test_panel_collapse_and_position_are_shared_by_the_tabs(open_tabs) -> None:
    pages = open_tabs(2)
    panels = [Panel(page) for page in pages]
    start = panels[1].box()
    title = panels[0].title.bounding_box()
    assert title is not None
    drag_header(pages[0], panels[0], title["x"] - 300, title["y"] - 200)  # up and left of the corner
    moved = panels[0].box()
    assert (moved["x"], moved["y"]) != (start["x"], start["y"])
    # the other tab's panel moves there too, live (no reload)
    wait_until(pages[1], lambda: near(panels[1].box(), moved), what="the other panel moved")
    pages[0].locator(".asng-panel__toggle").click()
    expect(pages[1].locator(".asng-panel__toggle")).to_have_attribute("aria-expanded", "false")
    pages[0].locator(".asng-panel__toggle").click()
    expect(pages[1].locator(".asng-panel__toggle")).to_have_attribute("aria-expanded", "true")
    assert near(panels[1].box(), moved), (panels[1].box(), moved)  # collapsing kept it there
