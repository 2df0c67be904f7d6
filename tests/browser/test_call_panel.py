"""The call panel (docs/behaviour.md §3) of the REAL ``--dev`` widget build in the sandbox,
in headless Chromium.

Each test gets a fresh demo backend (long poll shortened to 2 s), a fresh sandbox page on a
1280×800 viewport with clean localStorage, and fails on any page error, ``console.error`` or
error recorded by the emulated host (``__sandbox.errors``). The agent is sandbox.defaults.DEMO_USER_ID.
Texts are compared with the widget's own i18n files, in the locale the sandbox page uses
(Russian by default, ``?locale=en`` for English).

Waits are Playwright's auto-retrying ``expect`` (or ``wait_until`` for the backend's records)
with generous timeouts; a fixed pause is used only to show that nothing MORE is sent.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Dialog, Page, expect

from sandbox.demo_backend import DemoBackend
from sandbox.demo_backend.phonebook import Contact, Phonebook, generate_contacts
from sandbox.server import SandboxServer
from tests.support.locale_text import text
from tests.support.panel import (
    HOST_PROBE_JS,
    HOST_SELECTORS,
    HOST_STYLES_JS,
    IVANOV,
    SMITH,
    USER_ID,
    VIEWPORT,
    Panel,
    answered,
    assert_inside,
    drag_header,
    locator_tag,
    panel_text,
    poll_in_flight,
    seconds_of,
    settle,
    shot,
)
from tests.support.waiting import WAIT_MS, wait_until

LONG_POLL_SECONDS = 2.0
EVIL_NAME = "<img src=x onerror=alert(1)>"
UNKNOWN_PHONE = "70000000001"


# --- fixtures ------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def fast_long_poll(fresh_demo_backend: DemoBackend) -> None:
    """Long polls end after 2 s instead of 9 s (a status change still answers at once)."""
    fresh_demo_backend.configure(long_poll_seconds=LONG_POLL_SECONDS)


@pytest.fixture
def dialogs(page: Page) -> list[str]:
    """Messages of every alert/confirm/prompt the page opens (each is dismissed)."""
    seen: list[str] = []

    def on_dialog(dialog: Dialog) -> None:
        seen.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    return seen


@pytest.fixture
def make_backend() -> Iterator[Callable[..., DemoBackend]]:
    """``make_backend(**options)``: a started DemoBackend with its own phonebook or clock (stopped after)."""
    started: list[DemoBackend] = []

    def make(**options: Any) -> DemoBackend:
        backend = DemoBackend(port=0, **{"long_poll_seconds": LONG_POLL_SECONDS, **options}).start()
        started.append(backend)
        return backend

    yield make
    for backend in started:
        backend.stop()


@pytest.fixture
def open_panel(open_sandbox: Callable[..., Page], make_sandbox: Callable[..., SandboxServer],
               sandbox_archive: Path) -> Callable[..., Panel]:
    """``open_panel(query=None, backend=None)``: the sandbox page with the panel shown and polling.

    ``backend`` (another DemoBackend) gets its own sandbox server; by default ``fresh_demo_backend``.
    Returns once the panel is visible and the recent contacts were fetched.
    """

    def open_(query: dict[str, Any] | None = None, backend: DemoBackend | None = None) -> Panel:
        server = make_sandbox(sandbox_archive, backend_url=backend.url) if backend is not None else None
        page = open_sandbox(query, sandbox=server)
        panel = Panel(page)
        expect(panel.root).to_be_visible(timeout=WAIT_MS)
        return panel

    return open_


def ready(page: Page, backend: DemoBackend) -> None:
    """Wait until the panel holds a long poll and has its recent contacts (nothing left in flight)."""
    wait_until(page, lambda: poll_in_flight(backend), what="a long poll held by the backend")
    wait_until(page, lambda: answered(backend, "get_last_contacts"), what="get_last_contacts")
    page.wait_for_function("window.__sandbox.pendingRequests <= 1", timeout=WAIT_MS)


def start_call(page: Page, backend: DemoBackend, panel: Panel, **who: Any) -> dict[str, Any]:
    """Ring the agent (``phone=`` or ``contact_uuid=``) and wait until the panel shows the call."""
    ready(page, backend)
    status = backend.start_incoming_call(USER_ID, **who)
    expect(panel.call).to_be_visible(timeout=WAIT_MS)
    return status


def uuid_of(backend: DemoBackend, name: str) -> str:
    """The phonebook uuid of the contact called ``name``."""
    found = [c for c in backend.phonebook.contacts if c.name == name]
    assert len(found) == 1, name
    return found[0].uuid


def navigate(page: Page, target: str) -> None:
    """amoCRM-style page switch: destroy, new page, render (+ init, bind_actions)."""
    page.evaluate("(p) => window.__sandbox.navigate(p)", target)
    expect(page.locator("#sandbox-page")).to_have_attribute("data-page", target)


def search(panel: Panel, typed: str) -> None:
    """Type ``typed`` into the (focused) search box and wait for the options or the empty text."""
    panel.input.click()
    panel.input.press_sequentially(typed, delay=20)
    expect(panel.options).to_be_visible(timeout=WAIT_MS)
    expect(panel.spinner).to_be_hidden(timeout=WAIT_MS)


def close_options(panel: Panel) -> None:
    """Close the option list with Escape, so a test starts its clicks from a closed list.

    Clicking with the list open is covered on its own by
    ``test_a_click_on_a_button_while_the_option_list_is_open_is_not_lost``.
    """
    if panel.options.is_visible():
        panel.input.press("Escape")
    expect(panel.options).to_be_hidden()


# --- 1. idle panel -------------------------------------------------------------------------------


def test_idle_panel_sits_bottom_right_with_search_box_and_disabled_call_button(
        open_panel: Callable[..., Panel], fresh_demo_backend: DemoBackend) -> None:
    panel = open_panel()
    ready(panel.page, fresh_demo_backend)
    expect(panel.root).to_have_count(1)
    box = panel.box()
    right, bottom = box["x"] + box["width"], box["y"] + box["height"]
    # Inside the viewport and near its bottom-right corner.
    assert box["x"] >= 0 and box["y"] >= 0, box
    assert VIEWPORT["width"] - 40 <= right <= VIEWPORT["width"], box
    assert VIEWPORT["height"] - 40 <= bottom <= VIEWPORT["height"], box
    assert box["x"] > VIEWPORT["width"] / 2 and box["y"] > VIEWPORT["height"] / 2, box
    assert panel.root.evaluate("el => el.parentElement === document.body")
    assert panel.root.evaluate("el => getComputedStyle(el).position") == "fixed"

    expect(panel.input).to_be_visible()
    expect(panel.input).to_have_attribute("role", "combobox")
    expect(panel.input).to_have_value("")
    expect(panel.input).to_have_attribute("placeholder", panel_text("ru", "input_hint"))
    expect(panel.dial).to_be_visible()
    expect(panel.dial).to_be_disabled()
    expect(panel.dial).not_to_have_class(re.compile(r"asng-dial__call--transfer"))
    expect(panel.call).to_be_hidden()
    expect(panel.call).to_have_attribute("hidden", "hidden")
    expect(panel.options).to_be_hidden()
    expect(panel.spinner).to_be_hidden()
    expect(panel.alert).to_be_hidden()
    expect(panel.connection).not_to_have_class(re.compile(r"asng-panel__connection--down"))
    expect(panel.root).to_have_attribute("aria-label", panel_text("ru", "label"))


def test_no_panel_when_the_settings_hide_it(open_sandbox: Callable[..., Page],
                                            fresh_demo_backend: DemoBackend) -> None:
    settings = json.dumps({"server": {"serverAddress": fresh_demo_backend.url, "secretKey": "AsteriskNG"},
                           "amocrm": {"showPanel": False, "enableNotification": True}})
    page = open_sandbox({"settings": settings})
    # The widget has read the settings and started its session ("installed" comes last), so a
    # panel would exist by now if the settings did not hide it.
    page.wait_for_function("window.__sandbox.statuses.indexOf('installed') >= 0")
    expect(page.locator(".asng-panel")).to_have_count(0)
    assert fresh_demo_backend.requests_for("get_agent_status") == []
    assert fresh_demo_backend.requests_for("get_last_contacts") == []


# --- 2. incoming call ----------------------------------------------------------------------------

MARK_CALL_SHOWN = """() => {
  const el = document.querySelector('.asng-call');
  window.__callShownAt = null;
  new MutationObserver(() => {
    if (!el.hidden && window.__callShownAt === null) { window.__callShownAt = Date.now(); }
  }).observe(el, {attributes: true});
}"""


def test_incoming_call_appears_within_a_second_with_contact_link_phone_and_ticking_timer(
        open_panel: Callable[..., Panel], fresh_demo_backend: DemoBackend, sandbox: SandboxServer,
        record_property: Callable[[str, Any], None]) -> None:
    panel = open_panel()
    page = panel.page
    ready(page, fresh_demo_backend)
    page.evaluate(MARK_CALL_SHOWN)
    started = time.time()
    fresh_demo_backend.start_incoming_call(USER_ID, contact_uuid=uuid_of(fresh_demo_backend, IVANOV["name"]))
    expect(panel.call).to_be_visible(timeout=WAIT_MS)
    page.wait_for_function("window.__callShownAt !== null")
    delay = page.evaluate("window.__callShownAt") / 1000 - started
    record_property("incoming_call_shown_after_s", round(delay, 3))
    print(f"incoming call shown after {delay * 1000:.0f} ms")
    assert delay < 1.5, f"the call took {delay:.2f} s to appear"

    expect(panel.name).to_have_text(IVANOV["name"])
    assert locator_tag(panel.name) == "a"
    expect(panel.name).to_have_attribute("href", f"/contacts/detail/{IVANOV['contact_id']}")
    # Same origin: the link opens the contact in amoCRM itself, not on another site.
    resolved = panel.name.evaluate("a => a.href")
    assert resolved == f"{sandbox.url}/contacts/detail/{IVANOV['contact_id']}"
    assert panel.name.evaluate("a => a.origin === window.location.origin")
    expect(panel.phone).to_have_text(IVANOV["phone"])

    expect(panel.timer).to_have_text(re.compile(r"^00:0\d$"))
    first = panel.timer.inner_text()
    expect(panel.timer).not_to_have_text(first, timeout=WAIT_MS)
    second = panel.timer.inner_text()
    assert re.fullmatch(r"00:0\d", second), second
    assert seconds_of(second) > seconds_of(first)
    expect(panel.timer).to_have_attribute("aria-label", panel_text("ru", "timer_label"))


@pytest.mark.parametrize("locale", ["ru", "en"])
def test_unknown_number_shows_unknown_contact_without_link(
        locale: str, open_panel: Callable[..., Panel], fresh_demo_backend: DemoBackend) -> None:
    panel = open_panel({"locale": locale})
    start_call(panel.page, fresh_demo_backend, panel, phone=UNKNOWN_PHONE)
    expect(panel.name).to_have_text(panel_text(locale, "unknown_contact"))
    assert locator_tag(panel.name) == "span"
    expect(panel.call.locator("a")).to_have_count(0)
    expect(panel.phone).to_have_text(UNKNOWN_PHONE)


# --- 3. timer format -----------------------------------------------------------------------------


def test_call_started_3700_seconds_ago_shows_hours(open_panel: Callable[..., Panel],
                                                    make_backend: Callable[..., DemoBackend]) -> None:
    """The server's clock puts the call start 3,700 s back; the page finds the call on its first poll."""
    backend = make_backend(clock=lambda: time.time() - 3700)
    backend.start_incoming_call(USER_ID, phone=IVANOV["phone"])
    panel = open_panel(backend=backend)
    expect(panel.call).to_be_visible(timeout=WAIT_MS)
    expect(panel.timer).to_have_text(re.compile(r"^1:01:4\d$"), timeout=WAIT_MS)
    first = panel.timer.inner_text()
    expect(panel.timer).not_to_have_text(first, timeout=WAIT_MS)
    assert seconds_of(panel.timer.inner_text()) > seconds_of(first)


def test_old_start_time_from_agent_status_result_shows_hours(open_panel: Callable[..., Panel],
                                                             fresh_demo_backend: DemoBackend) -> None:
    """Same with a status injected into the first poll (``agent_status_result`` fault)."""
    fresh_demo_backend.inject_fault("agent_status_result", {"status": "CONVERSATION", "call_info": {
        "unique_id": "1669391112.43", "contact_name": "Rose Peters", "contact_id": 4183,
        "contact_phone": "79161234567", "is_hold": False, "is_mute": False,
        "timestamp": int(time.time()) - 3700}}, method="get_agent_status")
    panel = open_panel()
    expect(panel.call).to_be_visible(timeout=WAIT_MS)
    expect(panel.name).to_have_text("Rose Peters")
    expect(panel.name).to_have_attribute("href", "/contacts/detail/4183")
    expect(panel.timer).to_have_text(re.compile(r"^1:01:4\d$"), timeout=WAIT_MS)


def test_fresh_call_with_a_skewed_server_clock_starts_at_zero(
        open_panel: Callable[..., Panel], make_backend: Callable[..., DemoBackend]) -> None:
    """A call that begins after the first poll answered, stamped by a server clock 1 h behind: 00:00."""
    backend = make_backend(clock=lambda: time.time() - 3600)
    panel = open_panel(backend=backend)
    page = panel.page
    wait_until(page, lambda: answered(backend, "get_agent_status") and poll_in_flight(backend),
               what="the first long poll to end and the next one to wait")
    start_call(page, backend, panel, phone=IVANOV["phone"])
    expect(panel.timer).to_have_text(re.compile(r"^00:0\d$"))


def test_call_during_the_first_long_poll_with_a_skewed_server_clock_starts_at_zero(
        open_panel: Callable[..., Panel], make_backend: Callable[..., DemoBackend]) -> None:
    """The page is idle, its first poll (current_status NOT_CONVERSATION) waits, then a call begins.

    A first answer that comes at once may be a call already in progress (then the server's
    start time is trusted); one the server held for a second or more announces a new call.
    """
    backend = make_backend(clock=lambda: time.time() - 3600, long_poll_seconds=9.0)
    panel = open_panel(backend=backend)
    page = panel.page
    wait_until(page, lambda: poll_in_flight(backend), what="the first long poll")
    page.wait_for_timeout(1500)
    assert len(backend.requests_for("get_agent_status")) == 1  # still the first one
    backend.start_incoming_call(USER_ID, phone=IVANOV["phone"])
    expect(panel.call).to_be_visible(timeout=WAIT_MS)
    expect(panel.timer).to_have_text(re.compile(r"^00:0\d$"), timeout=3000)


def test_timer_keeps_counting_across_a_page_switch(open_panel: Callable[..., Panel],
                                                   fresh_demo_backend: DemoBackend) -> None:
    panel = open_panel()
    page = panel.page
    start_call(page, fresh_demo_backend, panel, phone=IVANOV["phone"])
    expect(panel.timer).to_have_text(re.compile(r"^00:0[3-9]$"), timeout=WAIT_MS)
    before = seconds_of(panel.timer.inner_text())
    navigate(page, "list")
    expect(panel.call).to_be_visible(timeout=WAIT_MS)
    expect(panel.timer).to_have_text(re.compile(r"^00:\d\d$"))
    assert seconds_of(panel.timer.inner_text()) >= before


# --- 4. mute / hold ------------------------------------------------------------------------------


@pytest.mark.parametrize("control", ["mute", "hold"])
def test_mute_and_hold_reach_the_backend_and_the_icon_follows(control: str, open_panel: Callable[..., Panel],
                                                             fresh_demo_backend: DemoBackend) -> None:
    panel = open_panel()
    page = panel.page
    start_call(page, fresh_demo_backend, panel, phone=IVANOV["phone"])
    button = panel.mute if control == "mute" else panel.hold
    method, flag = f"set_{control}", f"is_{control}"
    off_label, on_label = (("mute", "unmute") if control == "mute" else ("hold", "resume"))
    expect(button).to_have_attribute("aria-pressed", "false")
    expect(button).to_have_attribute("aria-label", panel_text("ru", off_label))
    icon_off = button.locator("path").get_attribute("d")

    button.click()
    expect(button).to_have_attribute("aria-pressed", "true")
    expect(button).to_have_class(re.compile(r"asng-button--on"))
    expect(button).to_have_attribute("aria-label", panel_text("ru", on_label))
    assert button.locator("path").get_attribute("d") != icon_off
    wait_until(page, lambda: answered(fresh_demo_backend, method), what=method)
    assert [r.params for r in fresh_demo_backend.requests_for(method)] == [{flag: True}]
    wait_until(page, lambda: fresh_demo_backend.agent_status(USER_ID)["call_info"][flag] is True, what=flag)

    button.click()
    expect(button).to_have_attribute("aria-pressed", "false")
    expect(button).not_to_have_class(re.compile(r"asng-button--on"))
    wait_until(page, lambda: len(answered(fresh_demo_backend, method)) == 2, what=f"the second {method}")
    assert [r.params for r in fresh_demo_backend.requests_for(method)] == [{flag: True}, {flag: False}]
    assert button.locator("path").get_attribute("d") == icon_off
    settle(page)
    expect(button).to_have_attribute("aria-pressed", "false")
    expect(panel.alert).to_be_hidden()


def test_pbx_side_hold_and_mute_are_reflected(open_panel: Callable[..., Panel],
                                              fresh_demo_backend: DemoBackend) -> None:
    panel = open_panel()
    page = panel.page
    start_call(page, fresh_demo_backend, panel, phone=IVANOV["phone"])
    fresh_demo_backend.pbx_set_hold(USER_ID, True)
    expect(panel.hold).to_have_attribute("aria-pressed", "true", timeout=WAIT_MS)
    expect(panel.hold).to_have_attribute("aria-label", panel_text("ru", "resume"))
    expect(panel.mute).to_have_attribute("aria-pressed", "false")
    fresh_demo_backend.pbx_set_mute(USER_ID, True)
    expect(panel.mute).to_have_attribute("aria-pressed", "true", timeout=WAIT_MS)
    fresh_demo_backend.pbx_set_hold(USER_ID, False)
    expect(panel.hold).to_have_attribute("aria-pressed", "false", timeout=WAIT_MS)
    expect(panel.mute).to_have_attribute("aria-pressed", "true")
    # The panel's next hold click asks for the opposite of what the PBX set.
    panel.hold.click()
    wait_until(page, lambda: answered(fresh_demo_backend, "set_hold"), what="set_hold")
    assert [r.params for r in fresh_demo_backend.requests_for("set_hold")] == [{"is_hold": True}]
    assert fresh_demo_backend.requests_for("set_mute") == []


def test_failing_hold_shows_a_short_inline_message_and_the_button_returns(
        open_panel: Callable[..., Panel], fresh_demo_backend: DemoBackend) -> None:
    """The production backend answers 404 to set_hold (docs/protocol.md): a failed command, not a crash."""
    panel = open_panel()
    page = panel.page
    start_call(page, fresh_demo_backend, panel, phone=IVANOV["phone"])
    fresh_demo_backend.inject_fault("status", 404, method="set_hold")
    panel.hold.click()
    expected = text("ru", "domain.amocrm.errors.unknown_method")
    expect(panel.alert).to_be_visible(timeout=WAIT_MS)
    expect(panel.alert).to_have_text(expected)
    assert len(panel.alert.inner_text()) <= 80
    expect(panel.hold).to_have_attribute("aria-pressed", "false")
    expect(panel.hold).to_have_attribute("aria-label", panel_text("ru", "hold"))
    assert [r.params for r in fresh_demo_backend.requests_for("set_hold")] == [{"is_hold": True}]
    assert fresh_demo_backend.agent_status(USER_ID)["call_info"]["is_hold"] is False
    # Inside the panel, not an amoCRM notification; and it goes away by itself.
    assert page.evaluate("window.__sandbox.notifications") == []
    expect(panel.call).to_be_visible()
    expect(panel.alert).to_be_hidden(timeout=10_000)


# --- 5. hangup -----------------------------------------------------------------------------------


def test_hangup_from_the_panel_reaches_the_backend_and_removes_the_call(
        open_panel: Callable[..., Panel], fresh_demo_backend: DemoBackend) -> None:
    panel = open_panel()
    page = panel.page
    start_call(page, fresh_demo_backend, panel, phone=IVANOV["phone"])
    panel.hangup.click()
    expect(panel.call).to_be_hidden(timeout=WAIT_MS)
    assert len(fresh_demo_backend.requests_for("hangup")) == 1
    assert fresh_demo_backend.agent_status(USER_ID)["status"] == "NOT_CONVERSATION"
    expect(panel.dial).not_to_have_class(re.compile(r"asng-dial__call--transfer"))
    expect(panel.dial).to_have_attribute("aria-label", panel_text("ru", "call"))


def test_remote_hangup_removes_the_call(open_panel: Callable[..., Panel],
                                        fresh_demo_backend: DemoBackend) -> None:
    panel = open_panel()
    page = panel.page
    start_call(page, fresh_demo_backend, panel, phone=IVANOV["phone"])
    expect(panel.timer).to_have_text(re.compile(r"^00:0[1-9]$"), timeout=WAIT_MS)
    assert fresh_demo_backend.remote_hangup(USER_ID) is True
    expect(panel.call).to_be_hidden(timeout=WAIT_MS)
    assert fresh_demo_backend.requests_for("hangup") == []
    # The next call starts from zero again, with its own contact.
    fresh_demo_backend.start_incoming_call(USER_ID, phone=SMITH["phone"])
    expect(panel.call).to_be_visible(timeout=WAIT_MS)
    expect(panel.name).to_have_text(SMITH["name"])
    expect(panel.timer).to_have_text(re.compile(r"^00:0[0-2]$"))


# --- 6. search -----------------------------------------------------------------------------------


def test_typing_shows_a_spinner_then_options_with_name_and_phone(open_panel: Callable[..., Panel],
                                                                 fresh_demo_backend: DemoBackend) -> None:
    panel = open_panel()
    page = panel.page
    ready(page, fresh_demo_backend)
    fresh_demo_backend.inject_fault("latency", 1.0, method="get_contacts", times=1)
    panel.input.click()
    panel.input.press_sequentially("Иван", delay=20)
    expect(panel.spinner).to_be_visible(timeout=WAIT_MS)
    expect(panel.spinner).to_have_attribute("aria-label", panel_text("ru", "searching"))
    expect(panel.options).to_be_visible(timeout=WAIT_MS)
    expect(panel.spinner).to_be_hidden()
    expected = [(c.name, c.phone) for c in fresh_demo_backend.phonebook.search("Иван", 10)]
    assert len(expected) == 10
    expect(panel.option).to_have_count(10)
    assert panel.option_texts() == expected
    expect(panel.input).to_have_attribute("aria-expanded", "true")
    expect(panel.options).to_have_attribute("role", "listbox")
    expect(panel.option.first).to_have_attribute("role", "option")


TYPE_FAST_JS = """([selector, text]) => {
    const box = document.querySelector(selector);
    const started = performance.now();
    for (let i = 1; i <= text.length; i++) {
        box.value = text.slice(0, i);
        box.dispatchEvent(new Event('input', {bubbles: true}));
    }
    return performance.now() - started;
}"""


def test_fast_typing_sends_one_search_with_the_final_text(open_panel: Callable[..., Panel],
                                                          fresh_demo_backend: DemoBackend) -> None:
    panel = open_panel()
    page = panel.page
    ready(page, fresh_demo_backend)
    panel.input.click()
    # Five keystrokes in one task of the page: a loaded test machine cannot stretch them past 250 ms.
    typing = page.evaluate(TYPE_FAST_JS, [".asng-dial__input", "Алекс"])
    expect(panel.option.first).to_be_visible(timeout=WAIT_MS)
    settle(page, 800)
    requests = fresh_demo_backend.requests_for("get_contacts")
    assert [r.params for r in requests] == [{"start_with": "Алекс", "max_results": 10}], (typing, requests)
    assert all(name.split()[0].startswith("Алекс") or name.split()[1].startswith("Алекс")
               for name, _ in panel.option_texts())


@pytest.mark.parametrize("locale", ["ru", "en"])
def test_no_matches_text(locale: str, open_panel: Callable[..., Panel],
                         fresh_demo_backend: DemoBackend) -> None:
    panel = open_panel({"locale": locale})
    ready(panel.page, fresh_demo_backend)
    search(panel, "Zzzz")
    expect(panel.empty).to_have_text(panel_text(locale, "no_contacts"))
    expect(panel.option).to_have_count(0)


def test_empty_box_shows_recent_contacts_and_the_last_called_one(open_panel: Callable[..., Panel],
                                                                  fresh_demo_backend: DemoBackend) -> None:
    panel = open_panel()
    page = panel.page
    ready(page, fresh_demo_backend)
    # A fresh agent has no recent contacts: the empty box opens no list.
    panel.input.click()
    settle(page, 400)
    expect(panel.options).to_be_hidden()
    assert fresh_demo_backend.requests_for("get_contacts") == []
    page.keyboard.press("Tab")

    fresh_demo_backend.start_incoming_call(USER_ID, contact_uuid=uuid_of(fresh_demo_backend, SMITH["name"]))
    expect(panel.call).to_be_visible(timeout=WAIT_MS)
    panel.hangup.click()
    expect(panel.call).to_be_hidden(timeout=WAIT_MS)
    wait_until(page, lambda: len(answered(fresh_demo_backend, "get_last_contacts")) >= 2,
               what="get_last_contacts after the call")
    page.wait_for_function("window.__sandbox.pendingRequests <= 1", timeout=WAIT_MS)

    panel.input.click()
    expect(panel.options).to_be_visible(timeout=WAIT_MS)
    expect(panel.caption).to_have_text(panel_text("ru", "last_contacts"))
    assert (SMITH["name"], SMITH["phone"]) in panel.option_texts()
    assert [r.params for r in fresh_demo_backend.requests_for("get_last_contacts")][-1] == {"max_results": 10}
    assert fresh_demo_backend.requests_for("get_contacts") == []


def test_a_slow_first_answer_never_overwrites_a_newer_one(open_panel: Callable[..., Panel],
                                                         fresh_demo_backend: DemoBackend) -> None:
    panel = open_panel()
    page = panel.page
    ready(page, fresh_demo_backend)
    fresh_demo_backend.inject_fault("latency", 2.5, method="get_contacts", times=1)
    panel.input.click()
    panel.input.press_sequentially("Иван", delay=20)
    wait_until(page, lambda: fresh_demo_backend.requests_for("get_contacts"), what="the slow search")
    panel.input.press("Control+a")
    panel.input.press_sequentially("Mary", delay=20)
    expect(panel.option.first).to_be_visible(timeout=WAIT_MS)
    mary = [(c.name, c.phone) for c in fresh_demo_backend.phonebook.search("Mary", 10)]
    assert panel.option_texts() == mary
    # Now the slow answer for "Иван" arrives: the list keeps showing "Mary".
    wait_until(page, lambda: len(answered(fresh_demo_backend, "get_contacts")) == 2, what="the slow answer")
    page.wait_for_function("window.__sandbox.pendingRequests <= 1", timeout=WAIT_MS)
    settle(page, 300)
    assert panel.option_texts() == mary
    expect(panel.input).to_have_value("Mary")
    expect(panel.spinner).to_be_hidden()
    assert [r.params["start_with"]
            for r in fresh_demo_backend.requests_for("get_contacts")] == ["Иван", "Mary"]


def test_options_are_closed_on_blur(open_panel: Callable[..., Panel],
                                    fresh_demo_backend: DemoBackend) -> None:
    panel = open_panel()
    ready(panel.page, fresh_demo_backend)
    search(panel, "Иван")
    panel.page.locator(".sandbox-card__name").click()
    expect(panel.options).to_be_hidden()
    expect(panel.input).to_have_attribute("aria-expanded", "false")


# --- 7. dialling ---------------------------------------------------------------------------------


def test_selected_contact_is_called_by_uuid_once(open_panel: Callable[..., Panel],
                                                 fresh_demo_backend: DemoBackend) -> None:
    panel = open_panel()
    page = panel.page
    ready(page, fresh_demo_backend)
    search(panel, "James")
    expect(panel.option.first).to_contain_text(SMITH["name"])
    panel.option.first.click()
    expect(panel.options).to_be_hidden()
    expect(panel.input).to_have_value(SMITH["name"])
    expect(panel.dial).to_be_enabled()
    panel.dial.click()
    expect(panel.call).to_be_visible(timeout=WAIT_MS)
    expect(panel.name).to_have_text(SMITH["name"])
    settle(page)
    assert [r.params for r in fresh_demo_backend.requests_for("originate_by_contact")] == [
        {"contact_uuid": uuid_of(fresh_demo_backend, SMITH["name"])}]
    assert fresh_demo_backend.requests_for("originate") == []
    expect(panel.input).to_have_value("")


def test_typed_number_is_originated(open_panel: Callable[..., Panel],
                                    fresh_demo_backend: DemoBackend) -> None:
    panel = open_panel()
    page = panel.page
    ready(page, fresh_demo_backend)
    panel.input.click()
    panel.input.press_sequentially("555", delay=20)
    expect(panel.dial).to_be_enabled()
    expect(panel.empty).to_be_visible(timeout=WAIT_MS)
    close_options(panel)
    panel.dial.click()
    expect(panel.call).to_be_visible(timeout=WAIT_MS)
    expect(panel.phone).to_have_text("555")
    settle(page)
    assert [r.params for r in fresh_demo_backend.requests_for("originate")] == [{"phone": "555"}]
    assert fresh_demo_backend.requests_for("originate_by_contact") == []


def test_in_a_call_the_button_transfers_once_to_the_selected_contact(open_panel: Callable[..., Panel],
                                                                     fresh_demo_backend: DemoBackend) -> None:
    """The first version sent TWO redirects for a selected contact (docs/behaviour.md §3, Fix)."""
    panel = open_panel()
    page = panel.page
    start_call(page, fresh_demo_backend, panel, phone=UNKNOWN_PHONE)
    expect(panel.dial).to_have_class(re.compile(r"asng-dial__call--transfer"))
    expect(panel.dial).to_have_attribute("aria-label", panel_text("ru", "transfer"))
    expect(panel.dial).to_be_disabled()
    search(panel, "James")
    panel.option.first.click()
    expect(panel.dial).to_be_enabled()
    expect(panel.dial).to_have_class(re.compile(r"asng-dial__call--transfer"))
    panel.dial.click()
    wait_until(page, lambda: answered(fresh_demo_backend, "redirect"), what="redirect")
    expect(panel.name).to_have_text(SMITH["name"], timeout=WAIT_MS)  # the backend moved the call
    settle(page, 1000)
    assert [r.params for r in fresh_demo_backend.requests_for("redirect")] == [{"phone": SMITH["phone"]}]
    assert fresh_demo_backend.requests_for("originate") == []
    assert fresh_demo_backend.requests_for("originate_by_contact") == []
    expect(panel.input).to_have_value("")


def test_in_a_call_the_button_transfers_to_the_typed_number(open_panel: Callable[..., Panel],
                                                            fresh_demo_backend: DemoBackend) -> None:
    panel = open_panel()
    page = panel.page
    start_call(page, fresh_demo_backend, panel, phone=IVANOV["phone"])
    panel.input.click()
    panel.input.press_sequentially("204", delay=20)
    expect(panel.dial).to_be_enabled()
    expect(panel.dial).to_have_attribute("aria-label", panel_text("ru", "transfer"))
    expect(panel.empty).to_be_visible(timeout=WAIT_MS)
    close_options(panel)
    panel.dial.click()
    expect(panel.phone).to_have_text("204", timeout=WAIT_MS)
    settle(page)
    assert [r.params for r in fresh_demo_backend.requests_for("redirect")] == [{"phone": "204"}]
    assert fresh_demo_backend.requests_for("originate") == []


# --- 8. disabled states --------------------------------------------------------------------------


def test_call_button_needs_three_characters_or_a_selection(open_panel: Callable[..., Panel],
                                                          fresh_demo_backend: DemoBackend) -> None:
    panel = open_panel()
    page = panel.page
    ready(page, fresh_demo_backend)
    panel.input.click()
    expect(panel.dial).to_be_disabled()
    panel.input.press_sequentially("12", delay=20)
    expect(panel.dial).to_be_disabled()
    panel.input.press_sequentially("3", delay=20)
    expect(panel.dial).to_be_enabled()
    panel.input.press("Backspace")
    expect(panel.dial).to_be_disabled()
    panel.input.fill("   ")
    expect(panel.dial).to_be_disabled()
    panel.dial.click(force=True)
    panel.input.press("Enter")
    settle(page, 400)
    assert fresh_demo_backend.requests_for("originate") == []
    # A selected contact enables it whatever its name's length.
    panel.input.fill("")
    search(panel, "Ян")
    panel.option.first.click()
    expect(panel.dial).to_be_enabled()
    # Editing the text drops the selection again.
    panel.input.press("End")
    for _ in range(len(panel.input.input_value())):
        panel.input.press("Backspace")
    expect(panel.dial).to_be_disabled()


def test_call_button_is_disabled_while_the_command_is_pending(open_panel: Callable[..., Panel],
                                                              fresh_demo_backend: DemoBackend) -> None:
    panel = open_panel()
    page = panel.page
    ready(page, fresh_demo_backend)
    # 1.5 s of latency, then the PBX refuses: the typed number stays and the button comes back.
    fresh_demo_backend.inject_fault("latency", 1.5, method="originate", times=1)
    fresh_demo_backend.inject_fault("exception", "NoFreeChannels", method="originate", times=1)
    panel.input.click()
    panel.input.press_sequentially("79031031679", delay=10)
    expect(panel.dial).to_be_enabled()
    expect(panel.option.first).to_be_visible(timeout=WAIT_MS)
    close_options(panel)
    panel.dial.click()
    expect(panel.dial).to_be_disabled()
    panel.dial.click(force=True)  # ignored while pending
    panel.input.press("Enter")  # so is Enter
    wait_until(page, lambda: answered(fresh_demo_backend, "originate"), what="the slow originate")
    expect(panel.dial).to_be_enabled(timeout=WAIT_MS)
    expect(panel.alert).to_contain_text("NoFreeChannels")
    expect(panel.input).to_have_value("79031031679")
    assert len(fresh_demo_backend.requests_for("originate")) == 1

    # The same with success: disabled while pending, then the call shows and the box is empty.
    fresh_demo_backend.inject_fault("latency", 1.5, method="originate", times=1)
    expect(panel.options).to_be_visible(timeout=WAIT_MS)  # Enter above focused the box: a search ran
    close_options(panel)
    panel.dial.click()
    expect(panel.dial).to_be_disabled()
    expect(panel.call).to_be_visible(timeout=WAIT_MS)
    expect(panel.input).to_have_value("")
    assert len(fresh_demo_backend.requests_for("originate")) == 2
    # In the call the button transfers, and is enabled again as soon as something is typed.
    panel.input.press_sequentially("204", delay=10)
    expect(panel.dial).to_be_enabled()
    expect(panel.dial).to_have_class(re.compile(r"asng-dial__call--transfer"))


# --- 9. drag, position, collapse -----------------------------------------------------------------


def test_dragging_the_header_moves_the_panel(open_panel: Callable[..., Panel],
                                             fresh_demo_backend: DemoBackend) -> None:
    panel = open_panel()
    page = panel.page
    ready(page, fresh_demo_backend)
    before = panel.box()
    title = panel.title.bounding_box()
    assert title is not None
    grab = (title["x"] + 10, title["y"] + title["height"] / 2)
    drag_header(page, panel, grab[0] - 400, grab[1] - 300)
    after = panel.box()
    assert (abs(after["x"] - (before["x"] - 400)) <= 1
            and abs(after["y"] - (before["y"] - 300)) <= 1), (before, after)
    stored = panel.stored()
    assert stored == {"left": round(after["x"]), "top": round(after["y"]), "collapsed": False}
    # The right button does not drag.
    page.mouse.move(grab[0] - 400, grab[1] - 300)
    page.mouse.down(button="right")
    page.mouse.move(grab[0] - 500, grab[1] - 350, steps=4)
    page.mouse.up(button="right")
    assert panel.box() == after


def test_the_panel_cannot_leave_the_window(open_panel: Callable[..., Panel],
                                           fresh_demo_backend: DemoBackend) -> None:
    panel = open_panel()
    page = panel.page
    ready(page, fresh_demo_backend)
    drag_header(page, panel, 2, 2)  # far up-left: the grab point is right of and below the corner
    box = panel.box()
    assert (box["x"], box["y"]) == (0, 0), box
    assert panel.root.evaluate("el => [el.style.left, el.style.top]") == ["0px", "0px"]
    assert panel.stored()["left"] == 0 and panel.stored()["top"] == 0

    drag_header(page, panel, VIEWPORT["width"] - 1, VIEWPORT["height"] - 1)  # far down-right
    box = panel.box()
    assert_inside(box)
    assert (box["x"] + box["width"] >= VIEWPORT["width"] - 1
            and box["y"] + box["height"] >= VIEWPORT["height"] - 1)

    # A panel that grows (a call starts) or a window that shrinks keeps it inside.
    start_call(page, fresh_demo_backend, panel, phone=IVANOV["phone"])
    page.wait_for_timeout(200)
    assert_inside(panel.box())
    assert panel.box()["height"] > box["height"]
    page.set_viewport_size({"width": 900, "height": 600})
    page.wait_for_function("(() => { const r = document.querySelector('.asng-panel').getBoundingClientRect();"
                           " return r.right < 901 && r.bottom < 601; })()", timeout=WAIT_MS)
    assert_inside(panel.box(), 900, 600)


def test_position_is_remembered_across_reload_and_page_switch(open_panel: Callable[..., Panel],
                                                              fresh_demo_backend: DemoBackend,
                                                              wait_widget_ready: Callable[..., None]) -> None:
    panel = open_panel()
    page = panel.page
    ready(page, fresh_demo_backend)
    drag_header(page, panel, 400, 250)
    placed = panel.box()
    assert placed["x"] < 700 and placed["y"] < 400, placed

    page.reload()
    wait_widget_ready(page)
    expect(panel.root).to_be_visible(timeout=WAIT_MS)
    expect(panel.root).to_have_count(1)
    assert panel.box() == placed

    navigate(page, "list")
    expect(panel.root).to_have_count(1)
    assert panel.box() == placed
    navigate(page, "settings")
    assert panel.box() == placed


def test_collapse_hides_the_body_is_remembered_and_expands_again(
        open_panel: Callable[..., Panel], fresh_demo_backend: DemoBackend,
        wait_widget_ready: Callable[..., None]) -> None:
    panel = open_panel()
    page = panel.page
    start_call(page, fresh_demo_backend, panel, phone=IVANOV["phone"])
    expect(panel.toggle).to_have_attribute("aria-expanded", "true")
    expect(panel.toggle).to_have_attribute("aria-label", panel_text("ru", "collapse"))
    expanded = panel.box()
    panel.toggle.click()
    expect(panel.body).to_be_hidden()
    expect(panel.input).to_be_hidden()
    expect(panel.header).to_be_visible()
    expect(panel.root).to_have_class(re.compile(r"asng-panel--collapsed"))
    expect(panel.toggle).to_have_attribute("aria-expanded", "false")
    expect(panel.toggle).to_have_attribute("aria-label", panel_text("ru", "expand"))
    collapsed = panel.box()
    assert collapsed["height"] < expanded["height"]
    # Still in its corner.
    assert_inside(collapsed)
    assert collapsed["y"] + collapsed["height"] >= VIEWPORT["height"] - 40
    assert panel.stored()["collapsed"] is True

    page.reload()
    wait_widget_ready(page)
    expect(panel.root).to_be_visible(timeout=WAIT_MS)
    expect(panel.root).to_have_class(re.compile(r"asng-panel--collapsed"))
    expect(panel.body).to_be_hidden()

    panel.toggle.click()
    expect(panel.body).to_be_visible()
    expect(panel.call).to_be_visible(timeout=WAIT_MS)  # the call is still going on
    expect(panel.toggle).to_have_attribute("aria-expanded", "true")
    assert panel.stored()["collapsed"] is False
    assert_inside(panel.box())


# --- 10. keyboard --------------------------------------------------------------------------------


def test_arrows_enter_and_escape_in_the_option_list(open_panel: Callable[..., Panel],
                                                    fresh_demo_backend: DemoBackend) -> None:
    panel = open_panel()
    page = panel.page
    ready(page, fresh_demo_backend)
    panel.input.focus()
    page.keyboard.type("Иван", delay=20)
    expect(panel.option).to_have_count(10, timeout=WAIT_MS)
    expect(panel.input).not_to_have_attribute("aria-activedescendant", re.compile(".+"))

    page.keyboard.press("ArrowDown")
    expect(panel.option.nth(0)).to_have_class(re.compile(r"asng-option--active"))
    expect(panel.option.nth(0)).to_have_attribute("aria-selected", "true")
    expect(panel.input).to_have_attribute("aria-activedescendant", "asng-option-0")
    page.keyboard.press("ArrowDown")
    expect(panel.input).to_have_attribute("aria-activedescendant", "asng-option-1")
    expect(panel.option.nth(0)).not_to_have_class(re.compile(r"asng-option--active"))
    expect(panel.page.locator(".asng-option--active")).to_have_count(1)
    page.keyboard.press("ArrowUp")
    expect(panel.input).to_have_attribute("aria-activedescendant", "asng-option-0")
    page.keyboard.press("ArrowUp")  # wraps to the last one
    expect(panel.input).to_have_attribute("aria-activedescendant", "asng-option-9")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(panel.input).to_have_attribute("aria-activedescendant", "asng-option-1")
    chosen = panel.option_texts()[1]

    page.keyboard.press("Enter")  # selects, does not dial
    expect(panel.options).to_be_hidden()
    expect(panel.input).to_have_value(chosen[0])
    expect(panel.dial).to_be_enabled()
    settle(page, 300)
    assert fresh_demo_backend.requests_for("originate_by_contact") == []

    page.keyboard.press("Enter")  # now dials the selected contact
    expect(panel.call).to_be_visible(timeout=WAIT_MS)
    expect(panel.name).to_have_text(chosen[0])
    assert len(fresh_demo_backend.requests_for("originate_by_contact")) == 1

    # Escape closes the list, and only the list.
    page.keyboard.type("Mary", delay=20)
    expect(panel.options).to_be_visible(timeout=WAIT_MS)
    page.keyboard.press("Escape")
    expect(panel.options).to_be_hidden()
    expect(panel.input).to_be_focused()
    expect(panel.input).to_have_value("Mary")
    expect(panel.input).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("ArrowDown")  # reopens it
    expect(panel.options).to_be_visible(timeout=WAIT_MS)


def test_enter_with_a_typed_number_dials(open_panel: Callable[..., Panel],
                                         fresh_demo_backend: DemoBackend) -> None:
    panel = open_panel()
    page = panel.page
    ready(page, fresh_demo_backend)
    panel.input.focus()
    page.keyboard.type("79031031679", delay=10)
    page.keyboard.press("Enter")
    expect(panel.call).to_be_visible(timeout=WAIT_MS)
    expect(panel.phone).to_have_text("79031031679")
    settle(page)
    assert [r.params for r in fresh_demo_backend.requests_for("originate")] == [{"phone": "79031031679"}]
    expect(panel.input).to_have_value("")


def test_enter_in_an_empty_box_or_with_two_characters_does_nothing(open_panel: Callable[..., Panel],
                                                                    fresh_demo_backend: DemoBackend) -> None:
    panel = open_panel()
    page = panel.page
    ready(page, fresh_demo_backend)
    panel.input.focus()
    page.keyboard.press("Enter")
    page.keyboard.type("12", delay=10)
    page.keyboard.press("Enter")
    settle(page)
    assert fresh_demo_backend.requests_for("originate") == []
    assert fresh_demo_backend.requests_for("originate_by_contact") == []
    expect(panel.alert).to_be_hidden()


@pytest.mark.parametrize("locale", ["ru", "en"])
def test_tab_reaches_every_button_and_each_has_a_label(locale: str, open_panel: Callable[..., Panel],
                                                       fresh_demo_backend: DemoBackend) -> None:
    panel = open_panel({"locale": locale})
    page = panel.page
    start_call(page, fresh_demo_backend, panel, phone=IVANOV["phone"])
    panel.input.click()
    page.keyboard.type("204", delay=10)  # enables the (transfer) button
    expect(panel.dial).to_be_enabled()
    panel.toggle.focus()
    order = ["toggle"]
    for _ in range(6):
        page.keyboard.press("Tab")
        order.append(page.evaluate("""() => {
            const el = document.activeElement;
            for (const name of ['mute', 'hold', 'hangup']) {
              if (el.classList.contains('asng-call__' + name)) return name;
            }
            if (el.classList.contains('asng-call__name')) return 'contact link';
            if (el.classList.contains('asng-dial__input')) return 'input';
            if (el.classList.contains('asng-dial__call')) return 'call';
            return el.tagName + '.' + el.className;
        }"""))
    assert order == ["toggle", "contact link", "mute", "hold", "hangup", "input", "call"]

    labels = {
        panel.toggle: panel_text(locale, "collapse"),
        panel.mute: panel_text(locale, "mute"),
        panel.hold: panel_text(locale, "hold"),
        panel.hangup: panel_text(locale, "hangup"),
        panel.dial: panel_text(locale, "transfer"),
        panel.input: panel_text(locale, "input_hint"),
    }
    for locator, label in labels.items():
        expect(locator).to_have_attribute("aria-label", label)
    # Every button in the panel has a non-empty accessible name.
    names = page.evaluate("() => Array.from(document.querySelectorAll('.asng-panel button'))"
                          ".map(b => b.getAttribute('aria-label') || '')")
    assert len(names) == 5 and all(n.strip() for n in names), names
    # Keyboard activation works on the call controls too.
    panel.mute.focus()
    page.keyboard.press("Enter")
    expect(panel.mute).to_have_attribute("aria-pressed", "true")
    panel.hold.focus()
    page.keyboard.press("Space")
    expect(panel.hold).to_have_attribute("aria-pressed", "true")
    wait_until(page,
               lambda: answered(fresh_demo_backend, "set_hold") and answered(fresh_demo_backend, "set_mute"),
               what="set_mute and set_hold")


# --- 11. safety ----------------------------------------------------------------------------------


def evil_phonebook(contact_id: Any) -> Phonebook:
    """The demo phonebook plus a contact whose name is markup and whose id is not a number."""
    evil = Contact(uuid="evil-uuid", name=EVIL_NAME, phone="70000000666", contact_id=contact_id)
    return Phonebook([evil, *generate_contacts(20)])


@pytest.mark.parametrize("contact_id", ["javascript:alert(1)", "https://evil.example/", "//evil.example/x"])
def test_markup_in_a_contact_name_is_shown_as_text_and_no_foreign_link_is_made(
        contact_id: str, open_panel: Callable[..., Panel], make_backend: Callable[..., DemoBackend],
        dialogs: list[str]) -> None:
    backend = make_backend(phonebook=evil_phonebook(contact_id))
    panel = open_panel(backend=backend)
    page = panel.page
    start_call(page, backend, panel, contact_uuid="evil-uuid")
    expect(panel.name).to_have_text(EVIL_NAME)
    assert locator_tag(panel.name) == "span"
    expect(panel.root.locator("a")).to_have_count(0)
    expect(panel.root.locator("img")).to_have_count(0)
    expect(page.locator("img[src=x]")).to_have_count(0)
    assert panel.name.get_attribute("href") is None
    expect(panel.phone).to_have_text("70000000666")

    # The same entry in the option list.
    search(panel, "<img")
    expect(panel.option).to_have_count(1)
    assert panel.option_texts() == [(EVIL_NAME, "70000000666")]
    expect(panel.root.locator("img")).to_have_count(0)
    page.wait_for_timeout(300)  # an onerror handler would have run by now
    assert dialogs == []


def test_markup_in_recent_contacts_and_after_transfer_is_text(open_panel: Callable[..., Panel],
                                                             make_backend: Callable[..., DemoBackend],
                                                             dialogs: list[str]) -> None:
    backend = make_backend(phonebook=evil_phonebook("javascript:alert(1)"))
    panel = open_panel(backend=backend)
    page = panel.page
    start_call(page, backend, panel, phone=UNKNOWN_PHONE)
    search(panel, "7000000066")
    panel.option.first.click()
    expect(panel.dial).to_be_enabled()
    panel.dial.click()  # transfer to the evil contact
    expect(panel.name).to_have_text(EVIL_NAME, timeout=WAIT_MS)
    backend.remote_hangup(USER_ID)
    expect(panel.call).to_be_hidden(timeout=WAIT_MS)
    wait_until(page, lambda: len(answered(backend, "get_last_contacts")) >= 2, what="recent contacts")
    page.wait_for_function("window.__sandbox.pendingRequests <= 1", timeout=WAIT_MS)
    panel.input.click()
    expect(panel.option.first).to_be_visible(timeout=WAIT_MS)
    assert (EVIL_NAME, "70000000666") in panel.option_texts()
    expect(panel.root.locator("img")).to_have_count(0)
    page.wait_for_timeout(300)
    assert dialogs == []


# --- 12. styles ----------------------------------------------------------------------------------


def test_one_style_element_after_page_switches(open_panel: Callable[..., Panel],
                                               fresh_demo_backend: DemoBackend) -> None:
    panel = open_panel()
    page = panel.page
    ready(page, fresh_demo_backend)
    for target in ("list", "settings", "card", "list", "card"):
        navigate(page, target)
    expect(page.locator("style#asng-styles")).to_have_count(1)
    expect(page.locator("#asng-styles")).to_have_count(1)
    assert page.evaluate("document.getElementById('asng-styles').parentElement === document.head")


def test_panel_styles_do_not_change_the_host_page(open_panel: Callable[..., Panel],
                                                  fresh_demo_backend: DemoBackend) -> None:
    """Computed styles of host elements outside the panel, with and without the widget's stylesheet."""
    panel = open_panel()
    page = panel.page
    ready(page, fresh_demo_backend)
    page.evaluate(HOST_PROBE_JS)
    with_widget = page.evaluate(HOST_STYLES_JS, HOST_SELECTORS)
    assert all(with_widget[s] is not None for s in HOST_SELECTORS), [s for s in HOST_SELECTORS
                                                                     if not with_widget[s]]
    page.evaluate("document.getElementById('asng-styles').disabled = true")
    without = page.evaluate(HOST_STYLES_JS, HOST_SELECTORS)
    page.evaluate("document.getElementById('asng-styles').disabled = false")
    differences = {sel: {p: (without[sel][p], with_widget[sel][p]) for p in with_widget[sel]
                         if with_widget[sel][p] != without[sel].get(p)} for sel in HOST_SELECTORS}
    assert {sel: d for sel, d in differences.items() if d} == {}
    # And the sheet really styles the panel (so the comparison above is not vacuous).
    assert panel.root.evaluate("el => getComputedStyle(el).position") == "fixed"
    rules = page.evaluate("""() => Array.from(document.getElementById('asng-styles').sheet.cssRules)
                               .map(r => r.selectorText || r.name || '')""")
    assert rules and all("asng-" in r for r in rules), [r for r in rules if "asng-" not in r]


# --- 13. page switches ---------------------------------------------------------------------------


@pytest.mark.parametrize("navigation", ["full", "render-only"])
def test_page_switches_keep_exactly_one_working_panel(navigation: str, open_panel: Callable[..., Panel],
                                                      fresh_demo_backend: DemoBackend) -> None:
    panel = open_panel({"navigation": navigation} if navigation == "render-only" else None)
    page = panel.page
    ready(page, fresh_demo_backend)
    for _ in range(3):
        for target in ("list", "settings", "card"):
            navigate(page, target)
            expect(panel.root).to_have_count(1)
    expect(panel.root).to_be_visible()
    expect(page.locator(".asng-options")).to_have_count(1)
    expect(page.locator("style#asng-styles")).to_have_count(1)
    # It still works: a call shows, the controls act, the search answers.
    wait_until(page, lambda: poll_in_flight(fresh_demo_backend), what="a long poll")
    fresh_demo_backend.start_incoming_call(USER_ID, phone=IVANOV["phone"])
    expect(panel.call).to_be_visible(timeout=WAIT_MS)
    expect(panel.name).to_have_text(IVANOV["name"])
    panel.mute.click()
    wait_until(page, lambda: answered(fresh_demo_backend, "set_mute"), what="set_mute")
    settle(page, 400)
    assert len(fresh_demo_backend.requests_for("set_mute")) == 1
    search(panel, "James")
    expect(panel.option.first).to_contain_text(SMITH["name"])


# --- 14. locales ---------------------------------------------------------------------------------


@pytest.mark.parametrize("locale", ["ru", "en"])
def test_texts_in_both_locales(locale: str, open_panel: Callable[..., Panel],
                               fresh_demo_backend: DemoBackend) -> None:
    panel = open_panel({"locale": locale} if locale != "ru" else None)  # Russian is the default
    page = panel.page
    ready(page, fresh_demo_backend)
    assert page.evaluate("window.__sandbox.config.locale") == locale
    expect(panel.input).to_have_attribute("placeholder", panel_text(locale, "input_hint"))
    expect(panel.dial).to_have_attribute("aria-label", panel_text(locale, "call"))
    expect(panel.toggle).to_have_attribute("aria-label", panel_text(locale, "collapse"))
    expect(panel.connection).to_have_attribute("aria-label",
                                               text(locale, "domain.amocrm.settings.status.connected"))
    search(panel, "Qqq")
    expect(panel.empty).to_have_text(panel_text(locale, "no_contacts"))
    panel.input.fill("")
    page.keyboard.press("Tab")
    fresh_demo_backend.start_incoming_call(USER_ID, phone=UNKNOWN_PHONE)
    expect(panel.call).to_be_visible(timeout=WAIT_MS)
    expect(panel.name).to_have_text(panel_text(locale, "unknown_contact"))
    expect(panel.dial).to_have_attribute("aria-label", panel_text(locale, "transfer"))
    expect(panel.hangup).to_have_attribute("aria-label", panel_text(locale, "hangup"))
    # No text of the other locale anywhere in the panel.
    other = "en" if locale == "ru" else "ru"
    body_text = panel.root.inner_text()
    assert panel_text(other, "unknown_contact") not in body_text


# --- 15. connection ------------------------------------------------------------------------------


def test_connection_indicator_goes_down_and_recovers(open_panel: Callable[..., Panel],
                                                     fresh_demo_backend: DemoBackend) -> None:
    panel = open_panel()
    page = panel.page
    ready(page, fresh_demo_backend)
    expect(panel.connection).not_to_have_class(re.compile(r"asng-panel__connection--down"))
    # The held poll ends within 2 s; the next two polls get HTTP-level 500s, then the server is back.
    fresh_demo_backend.inject_fault("status", 500, method="get_agent_status", times=2)
    expect(panel.connection).to_have_class(re.compile(r"asng-panel__connection--down"), timeout=WAIT_MS)
    expect(panel.connection).to_have_attribute("aria-label",
                                               text("ru", "domain.amocrm.errors.invalid_response"))
    expect(panel.connection).not_to_have_class(re.compile(r"asng-panel__connection--down"), timeout=10_000)
    expect(panel.connection).to_have_attribute("aria-label",
                                               text("ru", "domain.amocrm.settings.status.connected"))


# --- 16. screenshots -----------------------------------------------------------------------------


@pytest.mark.parametrize("locale", ["ru", "en"])
def test_screenshots(locale: str, open_panel: Callable[..., Panel], fresh_demo_backend: DemoBackend,
                     screenshot_dir: Path) -> None:
    """panel_{idle,search,call}_<locale>.png (docs/screenshots/): the panel with a margin of the page."""
    panel = open_panel({"locale": locale})
    page = panel.page
    ready(page, fresh_demo_backend)
    page.mouse.move(5, VIEWPORT["height"] // 2)  # no hover effects
    shot(page, panel, screenshot_dir / f"panel_idle_{locale}.png")

    search(panel, "Иван" if locale == "ru" else "Mary")
    page.keyboard.press("ArrowDown")
    expect(panel.option.first).to_have_class(re.compile(r"asng-option--active"))
    page.mouse.move(5, VIEWPORT["height"] // 2)
    shot(page, panel, screenshot_dir / f"panel_search_{locale}.png")
    page.keyboard.press("Escape")
    page.locator(".sandbox-card__name").click()  # blur the box

    fresh_demo_backend.start_incoming_call(USER_ID, contact_uuid=uuid_of(fresh_demo_backend,
                                                                         IVANOV["name"] if locale == "ru"
                                                                         else SMITH["name"]))
    expect(panel.call).to_be_visible(timeout=WAIT_MS)
    panel.mute.click()
    expect(panel.mute).to_have_attribute("aria-pressed", "true")
    expect(panel.timer).to_have_text(re.compile(r"^00:0[1-9]$"), timeout=WAIT_MS)
    page.mouse.move(5, VIEWPORT["height"] // 2)
    shot(page, panel, screenshot_dir / f"panel_call_{locale}.png")
    for name in ("idle", "search", "call"):
        path = screenshot_dir / f"panel_{name}_{locale}.png"
        assert path.is_file() and path.stat().st_size > 2000, path


# --- 17. bugs found by these tests, fixed --------------------------------------------------------


def human_click(page: Page, locator: Any, hold_ms: int = 250) -> None:
    """Press and release the left button over ``locator``'s centre as a person does (a pause between)."""
    box = locator.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.wait_for_timeout(hold_ms)
    page.mouse.up()


@pytest.mark.parametrize("button", ["call", "hangup"])
def test_a_click_on_a_button_while_the_option_list_is_open_is_not_lost(
        button: str, open_panel: Callable[..., Panel], fresh_demo_backend: DemoBackend) -> None:
    panel = open_panel()
    page = panel.page
    if button == "hangup":
        start_call(page, fresh_demo_backend, panel, phone=IVANOV["phone"])
    else:
        ready(page, fresh_demo_backend)
    search(panel, "7916")  # a phone prefix: the list opens with matching contacts
    expect(panel.option.first).to_be_visible()
    expect(panel.dial).to_be_enabled()
    human_click(page, panel.dial if button == "call" else panel.hangup)
    if button == "call":
        wait_until(page, lambda: fresh_demo_backend.requests_for("originate"), timeout=3, what="originate")
        assert [r.params for r in fresh_demo_backend.requests_for("originate")] == [{"phone": "7916"}]
    else:
        wait_until(page, lambda: fresh_demo_backend.requests_for("hangup"), timeout=3, what="hangup")
        expect(panel.call).to_be_hidden(timeout=WAIT_MS)


@pytest.mark.parametrize("when", ["after the results", "within the debounce"])
def test_dialling_with_enter_leaves_no_stale_results(when: str, open_panel: Callable[..., Panel],
                                                    fresh_demo_backend: DemoBackend) -> None:
    panel = open_panel()
    page = panel.page
    ready(page, fresh_demo_backend)
    panel.input.focus()
    page.keyboard.type("7916", delay=10)
    if when == "after the results":
        expect(panel.option.first).to_be_visible(timeout=WAIT_MS)
    page.keyboard.press("Enter")
    expect(panel.call).to_be_visible(timeout=WAIT_MS)
    expect(panel.input).to_have_value("")
    settle(page, 600)  # past the 250 ms debounce and the search's answer
    # A fresh agent has no recent contacts: an empty box shows no list.
    expect(panel.options).to_be_hidden(timeout=2000)
