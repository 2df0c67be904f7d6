"""The fault matrix: what a misbehaving AsteriskNG server or network does to the running widget.

Each fault is injected while the real widget runs in the sandbox. The panel must stay usable,
say what is wrong, and recover by itself once the fault ends; nothing may throw in the page.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from sandbox.defaults import DEMO_USER_ID
from sandbox.demo_backend import DemoBackend
from tests.support.locale_text import text
from tests.support.waiting import wait_until

AGENT = DEMO_USER_ID
PROBLEM = ".asng-panel__problem"
# The widget's texts in ru, the sandbox's default locale, read from the locale files.
def error_text(key: str) -> str:
    """``domain.amocrm.errors.<key>`` in Russian."""
    return text("ru", "domain.amocrm.errors." + key)


UNKNOWN_CONTACT = text("ru", "domain.amocrm.panel.unknown_contact")


@pytest.fixture
def fast_backend(fresh_demo_backend: DemoBackend) -> DemoBackend:
    """Long polls of 1 s instead of 9, so each fault reaches the widget quickly."""
    fresh_demo_backend.configure(long_poll_seconds=1.0)
    return fresh_demo_backend


@pytest.fixture
def panel(open_sandbox, fast_backend: DemoBackend) -> Page:
    page = open_sandbox({"reset": 1})
    expect(page.locator(".asng-panel")).to_be_visible()
    expect(page.locator(PROBLEM)).to_be_hidden()
    return page


def assert_usable(page: Page, backend: DemoBackend) -> None:
    """The phonebook search still answers: the panel works."""
    name = backend.phonebook.search("", 1)[0].name
    box = page.locator(".asng-dial__input")
    box.fill("")
    box.fill(name.split()[0])
    expect(page.locator(".asng-option").first).to_be_visible(timeout=10_000)
    box.press("Escape")
    box.fill("")


def recovers(page: Page, backend: DemoBackend) -> None:
    """After the fault ends the problem line goes away by itself and a call is shown again."""
    backend.clear_faults()
    expect(page.locator(PROBLEM)).to_be_hidden(timeout=20_000)
    backend.start_incoming_call(AGENT, phone=backend.phonebook.search("", 1)[0].phone)
    expect(page.locator(".asng-call")).to_be_visible(timeout=10_000)


@pytest.mark.parametrize(("code", "expected"), [
    (400, "bad_request"), (401, "invalid_secret_key"), (404, "unknown_method"), (409, "incompatible_version"),
    (410, "invalid_parameters"), (500, "invalid_response"), (502, "invalid_response"),
])
def test_status_code_for_the_status_poll(panel: Page, fast_backend: DemoBackend, code: int,
                                         expected: str) -> None:
    fast_backend.inject_fault("status", code, method="get_agent_status")
    expect(panel.locator(PROBLEM)).to_have_text(error_text(expected), timeout=10_000)
    expect(panel.locator(".asng-panel__connection--down")).to_be_visible()
    assert_usable(panel, fast_backend)
    recovers(panel, fast_backend)


def test_408_is_a_normal_end_of_a_long_poll(panel: Page, fast_backend: DemoBackend) -> None:
    fast_backend.configure(long_poll_timeout_status=408)
    polls = len(fast_backend.requests_for("get_agent_status"))
    panel.wait_for_timeout(2500)
    assert len(fast_backend.requests_for("get_agent_status")) > polls
    expect(panel.locator(PROBLEM)).to_be_hidden()
    assert panel.evaluate("window.__sandbox.notifications.length") == 0


@pytest.mark.parametrize(("kind", "expected"), [
    ("non_json", "invalid_response"), ("no_headers", "invalid_response"), ("drop", "not_responding"),
])
def test_broken_bodies_and_dropped_connections(panel: Page, fast_backend: DemoBackend, kind: str,
                                               expected: str) -> None:
    fast_backend.inject_fault(kind, method="get_agent_status")
    expect(panel.locator(PROBLEM)).to_have_text(error_text(expected), timeout=10_000)
    assert_usable(panel, fast_backend)
    recovers(panel, fast_backend)


def test_backend_down_then_back(open_sandbox, make_sandbox, sandbox_archive) -> None:
    backend = DemoBackend(port=0, long_poll_seconds=1.0).start()
    port = backend.port
    try:
        page = open_sandbox({"reset": 1}, sandbox=make_sandbox(sandbox_archive, backend.url))
        expect(page.locator(".asng-panel")).to_be_visible()
        backend.stop()  # connection refused from now on
        expect(page.locator(PROBLEM)).to_have_text(error_text("not_responding"), timeout=10_000)
        # the monitor tells the user once in amoCRM's notification area
        expect(page.locator(".sandbox-tray__item--error")).to_have_count(1, timeout=15_000)
        backend = DemoBackend(port=port, long_poll_seconds=1.0).start()
        expect(page.locator(PROBLEM)).to_be_hidden(timeout=40_000)
        backend.start_incoming_call(AGENT, phone=backend.phonebook.search("", 1)[0].phone)
        expect(page.locator(".asng-call")).to_be_visible(timeout=10_000)
    finally:
        backend.stop()


def test_slow_server_beyond_the_proxy_limit(open_sandbox, make_sandbox, sandbox_archive,
                                            fast_backend: DemoBackend) -> None:
    # The proxy gives up after 10 s in amoCRM; a 2 s proxy and a 3 s server show the same thing faster.
    page = open_sandbox({"reset": 1}, sandbox=make_sandbox(sandbox_archive, proxy_timeout=2.0))
    expect(page.locator(".asng-panel")).to_be_visible()
    fast_backend.inject_fault("latency", 3.0, method="get_agent_status")
    expect(page.locator(PROBLEM)).to_have_text(error_text("not_responding"), timeout=15_000)
    recovers(page, fast_backend)


def test_status_codes_sent_as_strings(panel: Page, fast_backend: DemoBackend) -> None:
    fast_backend.configure(status_codes_as_strings=True)
    fast_backend.start_incoming_call(AGENT, phone=fast_backend.phonebook.search("", 1)[0].phone)
    expect(panel.locator(".asng-call")).to_be_visible(timeout=10_000)
    fast_backend.inject_fault("status", 401, method="get_agent_status")
    expect(panel.locator(PROBLEM)).to_have_text(error_text("invalid_secret_key"), timeout=10_000)


def test_command_result_with_an_exception_is_shown_in_the_panel(panel: Page,
                                                                fast_backend: DemoBackend) -> None:
    fast_backend.start_incoming_call(AGENT, phone=fast_backend.phonebook.search("", 1)[0].phone)
    expect(panel.locator(".asng-call")).to_be_visible(timeout=10_000)
    fast_backend.inject_fault("exception", "HangupFailed", method="hangup")
    panel.locator(".asng-call__hangup").click()
    expect(panel.locator(".asng-panel__alert")).to_contain_text("HangupFailed")
    expect(panel.locator(".asng-call")).to_be_visible()
    expect(panel.locator(PROBLEM)).to_be_hidden()


def served_custom_status(backend: DemoBackend) -> bool:
    """True once the backend answered a get_agent_status with the ``agent_status_result`` fault."""
    return any(r.fault == "agent_status_result" and r.status_code == 200
               for r in backend.requests_for("get_agent_status"))


@pytest.mark.parametrize(("result", "in_call", "name"), [
    ({"status": "CONVERSATION"}, True, UNKNOWN_CONTACT),
    ({"status": "CONVERSATION", "call_info": {"contact_phone": "105", "x": [1], "timestamp": "soon"}}, True,
     UNKNOWN_CONTACT),
    ({"status": "CONVERSATION", "extra": True, "call_info": {"contact_name": "Extra Fields", "contact_id": 5,
      "contact_phone": "105", "is_hold": "yes", "is_mute": None, "timestamp": 1, "more": {}}}, True,
     "Extra Fields"),
    ({"status": "RINGING", "call_info": {"contact_name": "Nobody"}}, False, None),
])
def test_odd_agent_status_answers(panel: Page, fast_backend: DemoBackend, result, in_call, name) -> None:
    fast_backend.inject_fault("agent_status_result", result)
    if in_call:
        expect(panel.locator(".asng-call")).to_be_visible(timeout=10_000)
        expect(panel.locator(".asng-call__name")).to_have_text(name)
        expect(panel.locator(".asng-call__timer")).to_have_text(re.compile(r"^\d+:\d\d(:\d\d)?$"))
    else:
        # Proof the odd status was served (not just that nothing happened yet): the backend
        # answered a long poll with it, and the widget polled again after reading it.
        wait_until(panel, lambda: served_custom_status(fast_backend), what="the custom status served")
        served = len(fast_backend.requests_for("get_agent_status"))
        wait_until(panel, lambda: len(fast_backend.requests_for("get_agent_status")) > served,
                   timeout=10, what="the next long poll after the custom status")
        expect(panel.locator(".asng-call")).to_be_hidden()
    expect(panel.locator(PROBLEM)).to_be_hidden()
    assert_usable(panel, fast_backend)


@pytest.mark.parametrize("result", [{"call_info": None}, None, [1, 2], "CONVERSATION"])
def test_an_agent_status_without_status_is_an_invalid_response(panel: Page, fast_backend: DemoBackend,
                                                               result) -> None:
    fast_backend.inject_fault("agent_status_result", result)
    expect(panel.locator(PROBLEM)).to_have_text(error_text("invalid_response"), timeout=10_000)
    before = len(fast_backend.requests_for("get_agent_status"))
    panel.wait_for_timeout(3000)
    assert len(fast_backend.requests_for("get_agent_status")) - before <= 4  # backing off, not hammering
    assert_usable(panel, fast_backend)
    recovers(panel, fast_backend)


def test_a_huge_contact_list(panel: Page, fast_backend: DemoBackend) -> None:
    fast_backend.inject_fault("huge_contacts", 10_000)
    box = panel.locator(".asng-dial__input")
    box.fill("a")
    expect(panel.locator(".asng-option")).to_have_count(50, timeout=10_000)
    # the page stays responsive: a keystroke is handled at once
    started = panel.evaluate("performance.now()")
    box.press("ArrowDown")
    assert panel.evaluate("performance.now()") - started < 1000
    expect(panel.locator(".asng-option--active")).to_have_count(1)


def test_secret_key_changed_on_the_server(panel: Page, fast_backend: DemoBackend) -> None:
    fast_backend.inject_fault("secret_key", "rotated")
    expect(panel.locator(PROBLEM)).to_have_text(error_text("invalid_secret_key"), timeout=10_000)
    expect(panel.locator(".sandbox-tray__item--error")).to_have_count(1, timeout=15_000)
    recovers(panel, fast_backend)


def test_browser_offline_then_online(panel: Page, fast_backend: DemoBackend) -> None:
    panel.context.set_offline(True)
    expect(panel.locator(PROBLEM)).to_have_text(error_text("not_responding"), timeout=15_000)
    panel.context.set_offline(False)
    expect(panel.locator(PROBLEM)).to_be_hidden(timeout=40_000)
    fast_backend.start_incoming_call(AGENT, phone=fast_backend.phonebook.search("", 1)[0].phone)
    expect(panel.locator(".asng-call")).to_be_visible(timeout=10_000)
