"""The REAL widget archive (``--dev`` build of this checkout) in the sandbox, in headless Chromium.

What runs: the ``sandbox`` fixture serves the archive built by the ``dev_widget`` session fixture
(tests/conftest.py) against a fresh in-memory demo backend per test; the page is the emulated
amoCRM host (sandbox/static/host/amocrm.js), which records lifecycle calls, crm_post requests,
notifications and set_status values in ``window.__sandbox``. Every test fails on a page error or
a ``console.error`` (``page_errors``) and on anything the host recorded in ``__sandbox.errors``.

The demo backend's long poll is shortened to 1 s (``fast_long_poll``) so polls cycle quickly.
Scenarios that span the server monitor's 5 s windows for a long time (the 300 s notification
delay, the 30 s backoff cap) run on Playwright's fake clock (``VirtualClock``): timers fire
exactly when virtual time is advanced, while requests still go over the real network.

Some tests here found defects of the widget (the notification delay reset by page switches, a
refused command counted as a server failure, a silent Click2Call without settings); they now
guard the fixes.
"""

from __future__ import annotations

import json
import struct
import time
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect

from sandbox.defaults import DEMO_USER_ID
from sandbox.demo_backend import DemoBackend
from sandbox.server import SandboxServer
from tests.support.locale_text import text
from tests.support.waiting import wait_until
from widgetbuild.config import BuildConfig
from widgetbuild.pipeline import build

USER_ID = DEMO_USER_ID
USER_EMAIL = "agent@example.com"
LONG_POLL_SECONDS = 1.0
# The first phone number on the sandbox's contact card and its phonebook entry.
CARD_PHONE = "+79161000003"
CARD_CONTACT = {"contact_name": "Александр Иванов", "contact_id": 10001, "contact_phone": "79161000003"}

SERVER_ERROR_RU = {"header": text("ru", "domain.amocrm.notification.not_available.header"),
                   "text": text("ru", "domain.amocrm.notification.not_available.text")}
SERVER_ERROR_EN = {"header": "Server error.", "text": "The server stopped responding to requests."}


def ru_error(code: str) -> str:
    """The Russian text of an error, from the locale file the build ships."""
    return text("ru", "domain.amocrm.errors." + code)


CALL_FAILED_RU = text("ru", "domain.amocrm.notification.call_failed.header")

MONITOR_WINDOW_MS = 5000
PAUSE_AHEAD_MS = 250
DEFAULT_NOTIFICATION_DELAY_MS = 300_000
QUICK_NOTIFICATION_DELAY_S = 4

REPO_ROOT = Path(__file__).resolve().parents[2]

# Counts live setInterval timers (created minus cleared), installed before any page script runs.
COUNT_INTERVALS = """
(function () {
  var live = new Set();
  var setI = window.setInterval, clearI = window.clearInterval;
  window.setInterval = function () { var id = setI.apply(this, arguments); live.add(id); return id; };
  window.clearInterval = function (id) { live.delete(id); return clearI.apply(this, arguments); };
  window.__liveIntervals = function () { return live.size; };
}());
"""

# Wraps the widget's crm_post to note when (page clock, so virtual time under a fake clock) each
# request was sent and answered.
TRACE_REQUESTS = """() => {
  var w = window.__sandbox.widget;
  var post = w.crm_post;
  window.__trace = [];
  w.crm_post = function (url, data, success, type, error) {
    var rec = {method: JSON.parse(data.json).content.method, sent: Date.now(), done: null};
    window.__trace.push(rec);
    return post.call(this, url, data,
      function () { rec.done = Date.now(); return success.apply(this, arguments); }, type,
      function () { rec.done = Date.now(); return error.apply(this, arguments); });
  };
}"""


# --- fixtures and helpers ------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def fast_long_poll(fresh_demo_backend: DemoBackend) -> None:
    """Long polls end after 1 s instead of the demo backend's 9 s."""
    fresh_demo_backend.configure(long_poll_seconds=LONG_POLL_SECONDS)


@pytest.fixture(scope="module")
def quick_notification_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real --dev build whose NOTIFICATION_DELAY is 4 s instead of 300 s."""
    out = tmp_path_factory.mktemp("notify-delay-4")
    result = build(BuildConfig(dev=True, notification_delay=QUICK_NOTIFICATION_DELAY_S, out_dir=out))
    return Path(result.zip_path)


def polls(backend: DemoBackend) -> list[Any]:
    """The get_agent_status requests the backend received, oldest first."""
    return backend.requests_for("get_agent_status")


def polls_in_flight(backend: DemoBackend) -> int:
    """Long polls the backend is still holding (received, not answered)."""
    return sum(1 for r in polls(backend) if r.status_code is None and r.fault is None)


def notifications(page: Page, header: str | None = None) -> list[dict[str, Any]]:
    """The host's recorded notifications, optionally only those with this header."""
    found = page.evaluate("window.__sandbox.notifications")
    return [n for n in found if header is None or (n["payload"] or {}).get("header") == header]


def settings_json(backend: DemoBackend, *, show_panel: bool = True, enable_notification: bool = True,
                  secret_key: str = "AsteriskNG") -> str:
    """The widget's settings JSON for ``backend``."""
    return json.dumps({
        "server": {"serverAddress": backend.url, "secretKey": secret_key},
        "amocrm": {"showPanel": show_panel, "enableNotification": enable_notification},
    })


def click_card_phone(page: Page) -> None:
    page.locator("#sandbox-page .sandbox-phone").first.click()


def held_polls(backend: DemoBackend) -> int:
    """Long polls the backend has been holding for a while (not ones it is about to answer)."""
    now = time.time()
    return sum(1 for r in polls(backend) if r.status_code is None and r.fault is None and now - r.time > 0.05)


class VirtualClock:
    """Playwright's fake clock on ``page``: paused right after the widget started, advanced by hand.

    Each step fires the due timers, then waits until every crm_post the widget sent has been
    answered (over the real network) or is a long poll the backend holds, so virtual time never
    runs ahead of a request that is about to fail.
    """

    def __init__(self, page: Page, backend: DemoBackend) -> None:
        self.page = page
        self.backend = backend
        self.origin = 0

    def pause(self) -> None:
        # Time still flows until the pause: aim a little ahead so the target is not in the past
        # (on a busy machine the call may still arrive late; then aim further ahead).
        for attempt in range(1, 6):
            self.origin = self.page.evaluate("Date.now()") + PAUSE_AHEAD_MS * attempt
            try:
                self.page.clock.pause_at(self.origin / 1000)  # a number is seconds in the Python API
                return
            except PlaywrightError as exc:
                if "to the past" not in exc.message:
                    raise
        raise AssertionError("could not pause the page clock")

    def settle(self, timeout: float = 5.0) -> None:
        wait_until(self.page, lambda: self.page.evaluate("window.__sandbox.pendingRequests")
                   <= held_polls(self.backend), timeout, "pending requests to be answered")

    def advance(self, ms: int, step: int = 500, until: Callable[[], bool] | None = None) -> None:
        """Advance ``ms`` virtual milliseconds in ``step``s (stop early once ``until()`` holds)."""
        done = 0
        while done < ms:
            chunk = min(step, ms - done)
            self.page.clock.run_for(chunk)
            done += chunk
            self.settle()
            if until is not None and until():
                return


def traced_polls(page: Page) -> list[dict[str, Any]]:
    """The get_agent_status requests TRACE_REQUESTS noted: ``{method, sent, done}`` (page clock, ms)."""
    return [r for r in page.evaluate("window.__trace") if r["method"] == "get_agent_status"]


def virtual_notification_times(page: Page) -> list[int]:
    return page.evaluate("window.__notifiedAt")


def record_notification_times(page: Page, origin: int) -> None:
    """Note the (virtual) time of every show_message_error call, relative to ``origin``."""
    page.evaluate("""(origin) => {
      window.__notifiedAt = [];
      var show = APP.notifications.show_message_error;
      APP.notifications.show_message_error = function (p) {
        window.__notifiedAt.push(Date.now() - origin);
        return show.apply(this, arguments);
      };
    }""", origin)


def open_on_virtual_clock(page: Page, open_sandbox: Callable[..., Page], backend: DemoBackend,
                          query: dict[str, Any] | None = None) -> VirtualClock:
    page.clock.install()
    open_sandbox(query)
    clock = VirtualClock(page, backend)
    clock.pause()
    return clock


# --- 1. start-up ---------------------------------------------------------------------------------


def test_lifecycle_order_and_results(open_sandbox: Callable[..., Page],
                                     fresh_demo_backend: DemoBackend) -> None:
    page = open_sandbox()
    entries = page.evaluate("window.__sandbox.lifecycle")
    assert [e["name"] for e in entries] == ["render", "init", "bind_actions"]
    assert [(e["returnedType"], e["returned"]) for e in entries] == [("boolean", True)] * 3
    assert not any(e.get("threw") or e.get("missing") for e in entries)
    # Three start-up callbacks, one session: one Click2Call registration, one long poll.
    assert page.evaluate("window.__sandbox.addActionCalls") == [{"type": "phone", "page": "card"}]
    wait_until(page, lambda: polls(fresh_demo_backend), what="the first long poll")
    page.wait_for_timeout(200)
    assert polls_in_flight(fresh_demo_backend) == 1
    assert page.evaluate("window.__sandbox.statuses") == ["installed"]
    expect(page.locator("#sandbox-widget-status")).to_have_text("installed")
    first = polls(fresh_demo_backend)[0]
    assert first.params == {"current_status": {"status": "NOT_CONVERSATION"}}


# --- 2. Click2Call -------------------------------------------------------------------------------


def test_click2call_originates_and_poll_reports_the_call(open_sandbox: Callable[..., Page],
                                                         fresh_demo_backend: DemoBackend) -> None:
    page = open_sandbox()
    wait_until(page, lambda: polls_in_flight(fresh_demo_backend) == 1, what="a long poll in flight")
    click_card_phone(page)

    originates = wait_until(page, lambda: [r for r in fresh_demo_backend.requests_for("originate")
                                           if r.status_code],
                            what="the originate request")
    assert len(originates) == 1
    request = originates[0]
    assert request.params == {"phone": CARD_PHONE}
    assert request.headers == {"amouser_email": USER_EMAIL, "amouser_id": USER_ID, "widget_version": "1.0.0"}
    assert type(request.headers["amouser_id"]) is int
    assert request.status_code == 200
    assert page.evaluate("window.__sandbox.phoneCalls") == [{"value": CARD_PHONE, "handled": True}]

    status = fresh_demo_backend.agent_status(USER_ID)
    assert status["status"] == "CONVERSATION"
    info = status["call_info"]
    assert {k: info[k] for k in CARD_CONTACT} == CARD_CONTACT
    assert isinstance(info["timestamp"], int) and abs(info["timestamp"] - time.time()) < 30
    assert (info["is_hold"], info["is_mute"]) == (False, False)

    # The waiting long poll returns the new status; the widget's next poll sends it back unchanged.
    wait_until(page, lambda: polls(fresh_demo_backend)[-1].params == {"current_status": status},
               what="a poll that sends back the CONVERSATION status")
    latest = polls(fresh_demo_backend)[-1]
    assert latest.params["current_status"]["call_info"]["unique_id"] == info["unique_id"]
    assert notifications(page) == []


@pytest.mark.parametrize("navigation", ["full", "render-only"])
def test_click2call_without_panel(navigation: str, open_sandbox: Callable[..., Page],
                                  fresh_demo_backend: DemoBackend) -> None:
    """showPanel false: no status polling at all, Click2Call still works (also after a page switch)."""
    query = {"settings": settings_json(fresh_demo_backend, show_panel=False)}
    if navigation == "render-only":
        query["navigation"] = navigation
    page = open_sandbox(query)
    page.click("[data-sandbox-page=list]")
    page.locator("#sandbox-page .sandbox-phone").first.click()
    wait_until(page, lambda: fresh_demo_backend.requests_for("originate"), what="the originate")
    page.wait_for_timeout(500)
    assert [(r.method, r.params) for r in fresh_demo_backend.requests] == [
        ("originate", {"phone": "+79161000003"})]
    assert page.evaluate("window.__sandbox.statuses") == ["installed"] * 2
    assert notifications(page) == []


def test_click2call_on_an_unconfigured_widget_tells_the_user(open_sandbox: Callable[..., Page],
                                                             fresh_demo_backend: DemoBackend) -> None:
    page = open_sandbox({"settings": json.dumps({"server": {"serverAddress": "", "secretKey": ""}})})
    click_card_phone(page)
    page.wait_for_timeout(300)
    assert fresh_demo_backend.requests == []
    assert notifications(page) == [{"type": "show_message_error", "payload": {
        "header": CALL_FAILED_RU,
        "text": f"{CARD_PHONE}: " + ru_error("not_configured")}}]


# --- 3. Click2Call failure -----------------------------------------------------------------------

CALL_FAILURES = {
    "status 401": (("status", 401), ru_error("invalid_secret_key")),
    "secret key changed": (("secret_key", "a-new-key"), ru_error("invalid_secret_key")),
    "method exception": (("exception", "NoSuchExtension"),
                         ru_error("method_exception") + " (NoSuchExtension)"),
    "connection dropped": (("drop", None), ru_error("not_responding")),
    "not JSON": (("non_json", None), ru_error("invalid_response")),
}


@pytest.mark.parametrize("case", list(CALL_FAILURES))
def test_click2call_failure_is_notified(case: str, open_sandbox: Callable[..., Page],
                                        fresh_demo_backend: DemoBackend) -> None:
    (kind, value), reason = CALL_FAILURES[case]
    page = open_sandbox()
    fresh_demo_backend.inject_fault(kind, value, method="originate")
    click_card_phone(page)

    page.wait_for_function("window.__sandbox.notifications"
                           f".some(n => n.payload.header === {CALL_FAILED_RU!r})")
    failed = notifications(page, CALL_FAILED_RU)
    assert failed == [{"type": "show_message_error",
                       "payload": {"header": CALL_FAILED_RU, "text": f"{CARD_PHONE}: {reason}"}}]
    item = page.locator("#sandbox-tray [data-type=show_message_error]", has_text=CALL_FAILED_RU)
    expect(item).to_have_count(1)
    expect(item).to_be_visible()
    expect(item.locator(".sandbox-tray__text")).to_have_text(f"{CARD_PHONE}: {reason}")
    assert len(fresh_demo_backend.requests_for("originate")) == 1
    assert fresh_demo_backend.agent_status(USER_ID)["status"] == "NOT_CONVERSATION"


def test_click2call_failure_in_english(open_sandbox: Callable[..., Page],
                                       fresh_demo_backend: DemoBackend) -> None:
    page = open_sandbox({"locale": "en"})
    fresh_demo_backend.inject_fault("status", 401, method="originate")
    click_card_phone(page)
    page.wait_for_function("window.__sandbox.notifications.length > 0")
    assert notifications(page) == [{"type": "show_message_error", "payload": {
        "header": "The call could not be started", "text": f"{CARD_PHONE}: Invalid secret key."}}]


def test_a_refused_call_is_not_a_server_error(page: Page, open_sandbox: Callable[..., Page],
                                              fresh_demo_backend: DemoBackend) -> None:
    fresh_demo_backend.configure(long_poll_seconds=9.0)  # the real backends' long poll
    clock = open_on_virtual_clock(page, open_sandbox, fresh_demo_backend)
    click_card_phone(page)
    wait_until(page, lambda: polls(fresh_demo_backend)[-1].params["current_status"]["status"]
               == "CONVERSATION",
               what="the call to reach the widget")
    clock.advance(MONITOR_WINDOW_MS, step=1000)  # the first window closes with the successes
    assert notifications(page) == []
    # In the next window: one more click during the call, which the server refuses politely,
    # while the status poll waits (a long poll takes 9 s).
    click_card_phone(page)
    page.wait_for_function("window.__sandbox.notifications"
                           f".some(n => n.payload.header === {CALL_FAILED_RU!r})")
    assert [r.status_code for r in fresh_demo_backend.requests_for("originate")] == [200, 200]
    assert notifications(page, CALL_FAILED_RU)[0]["payload"]["text"] == (
        f"{CARD_PHONE}: " + ru_error("method_exception") + " (AlreadyInConversation)")
    assert polls_in_flight(fresh_demo_backend) == 1
    clock.advance(MONITOR_WINDOW_MS, step=1000)
    assert notifications(page, SERVER_ERROR_RU["header"]) == []


# --- 4. navigation -------------------------------------------------------------------------------


@pytest.mark.parametrize("navigation", ["full", "render-only"])
def test_page_switches_leave_one_poll_and_one_action(navigation: str, page: Page,
                                                      open_sandbox: Callable[..., Page],
                                                      fresh_demo_backend: DemoBackend,
                                                      sandbox: SandboxServer) -> None:
    page.add_init_script(COUNT_INTERVALS)
    open_sandbox({"navigation": navigation} if navigation == "render-only" else None)
    wait_until(page, lambda: polls(fresh_demo_backend), what="the first long poll")
    for _ in range(3):
        for target in ("list", "card", "settings"):
            page.click(f"[data-sandbox-page={target}]")
            expect(page.locator("#sandbox-page")).to_have_attribute("data-page", target)
    names = page.evaluate("window.__sandbox.lifecycle.map(e => e.name)")
    per_switch = (["destroy", "render", "init", "bind_actions"] if navigation == "full"
                  else ["destroy", "render"])
    assert names == ["render", "init", "bind_actions"] + per_switch * 9
    # Polls of destroyed sessions were not aborted; they end within one long-poll period.
    wait_until(page, lambda: polls_in_flight(fresh_demo_backend) <= 1, timeout=LONG_POLL_SECONDS + 2,
               what="orphaned long polls to end")
    page.wait_for_timeout(200)

    # Over 2.5 s (2-3 long-poll cycles) never more than one request in flight, anywhere.
    started = len(polls(fresh_demo_backend))
    samples = []
    deadline = time.monotonic() + 2.5
    while time.monotonic() < deadline:
        samples.append((polls_in_flight(fresh_demo_backend), sandbox.stats.as_dict()["in_flight"],
                        page.evaluate("window.__sandbox.pendingRequests")))
        page.wait_for_timeout(40)
    assert max(max(s) for s in samples) == 1, samples
    assert any(s[0] == 1 for s in samples)
    assert len(polls(fresh_demo_backend)) - started <= 4  # one loop of 1 s polls, not several
    assert page.evaluate("window.__liveIntervals()") == 1  # one server monitor
    assert page.evaluate("window.__sandbox.addActionCalls.length") == 1

    # Click2Call still works, one originate per click, on the card and on the list.
    page.click("[data-sandbox-page=card]")
    click_card_phone(page)
    wait_until(page, lambda: fresh_demo_backend.agent_status(USER_ID)["status"] == "CONVERSATION",
               what="the call")
    fresh_demo_backend.remote_hangup(USER_ID)
    page.click("[data-sandbox-page=list]")
    page.locator("#sandbox-page .sandbox-phone").nth(1).click()
    wait_until(page, lambda: len(fresh_demo_backend.requests_for("originate")) >= 2,
               what="the second originate")
    page.wait_for_timeout(300)
    assert [r.params for r in fresh_demo_backend.requests_for("originate")] == [
        {"phone": CARD_PHONE}, {"phone": "+14151007922"}]
    assert notifications(page) == []


# --- 5. broken settings --------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["{broken", "[1, 2]", "null", ""])
def test_unusable_settings_set_error_status_and_send_nothing(raw: str, open_sandbox: Callable[..., Page],
                                                             fresh_demo_backend: DemoBackend,
                                                             sandbox: SandboxServer) -> None:
    page = open_sandbox({"settings": raw})
    assert page.evaluate("window.__sandbox.widget.get_settings().jsonSettings") == raw
    entries = page.evaluate("window.__sandbox.lifecycle")
    assert [(e["name"], e["returned"]) for e in entries] == [("render", True), ("init", True),
                                                           ("bind_actions", True)]
    statuses = page.evaluate("window.__sandbox.statuses")
    assert "error" in statuses and "installed" not in statuses
    expect(page.locator("#sandbox-widget-status")).to_have_text("error")
    click_card_phone(page)  # minimal mode: no Click2Call either
    page.wait_for_timeout(500)
    assert page.evaluate("window.__sandbox.requests") == []
    assert fresh_demo_backend.requests == []
    assert sandbox.stats.as_dict()["total"] == 0
    assert notifications(page) == []


def test_not_configured_install_does_nothing(open_sandbox: Callable[..., Page],
                                             fresh_demo_backend: DemoBackend) -> None:
    page = open_sandbox({"install_status": "not_configured"})
    assert [e["returned"] for e in page.evaluate("window.__sandbox.lifecycle")] == [True, True, True]
    page.wait_for_timeout(500)
    assert page.evaluate("window.__sandbox.statuses") == []
    assert page.evaluate("window.__sandbox.requests") == []
    assert fresh_demo_backend.requests == []


# --- 6. server monitor notifications -------------------------------------------------------------


def test_server_down_notification_and_its_rate_limit(page: Page, open_sandbox: Callable[..., Page],
                                                     make_sandbox: Callable[..., SandboxServer],
                                                     quick_notification_archive: Path,
                                                     fresh_demo_backend: DemoBackend) -> None:
    """Real time, NOTIFICATION_DELAY = 4 s: one notification per failing 5 s window, not more."""
    server = make_sandbox(quick_notification_archive)
    fresh_demo_backend.inject_fault("status", 500, method="get_agent_status")
    open_sandbox(sandbox=server)
    started = time.monotonic()
    count = ("window.__sandbox.notifications"
             f".filter(n => n.payload.header === {SERVER_ERROR_RU['header']!r}).length")

    page.wait_for_function(f"{count} >= 1", timeout=9000)
    first = time.monotonic()
    assert first - started < 7.0  # the first 5 s window
    assert notifications(page) == [{"type": "show_message_error", "payload": SERVER_ERROR_RU}]
    item = page.locator("#sandbox-tray [data-type=show_message_error]")
    expect(item).to_be_visible()
    expect(item.locator(".sandbox-tray__header")).to_have_text(SERVER_ERROR_RU["header"])
    expect(item.locator(".sandbox-tray__text")).to_have_text(SERVER_ERROR_RU["text"])

    page.wait_for_timeout(3000)
    assert page.evaluate(count) == 1

    page.wait_for_function(f"{count} >= 2", timeout=5000)
    second = time.monotonic()
    assert second - first >= QUICK_NOTIFICATION_DELAY_S
    assert len(notifications(page)) == 2
    assert all(r.status_code == 500 for r in polls(fresh_demo_backend))


@pytest.mark.parametrize("fault", ["status 500", "drop", "not JSON", "backend stopped"])
@pytest.mark.parametrize("enabled", [True, False], ids=["enabled", "disabled"])
def test_server_error_notification_follows_enable_notification(
    fault: str, enabled: bool, page: Page, open_sandbox: Callable[..., Page], fresh_demo_backend: DemoBackend
) -> None:
    """Fake clock, default build: 60 s of a dead server give exactly one notification, or none."""
    if fault == "status 500":
        fresh_demo_backend.inject_fault("status", 500, method="get_agent_status")
    elif fault == "drop":
        fresh_demo_backend.inject_fault("drop", method="get_agent_status")
    elif fault == "not JSON":
        fresh_demo_backend.inject_fault("non_json", method="get_agent_status")
    settings = settings_json(fresh_demo_backend, enable_notification=enabled)
    clock = open_on_virtual_clock(page, open_sandbox, fresh_demo_backend, {"settings": settings})
    if fault == "backend stopped":
        fresh_demo_backend.stop()
    clock.advance(60_000, step=1000)
    expected = [{"type": "show_message_error", "payload": SERVER_ERROR_RU}] if enabled else []
    assert notifications(page) == expected
    # The widget kept retrying (with backoff) the whole minute.
    assert len(page.evaluate("window.__sandbox.requests")) >= 6
    assert not any(r.status_code == 200 for r in polls(fresh_demo_backend)[1:])


def test_server_error_notification_in_english(page: Page, open_sandbox: Callable[..., Page],
                                              fresh_demo_backend: DemoBackend) -> None:
    fresh_demo_backend.inject_fault("status", 500, method="get_agent_status")
    clock = open_on_virtual_clock(page, open_sandbox, fresh_demo_backend, {"locale": "en"})
    clock.advance(6000, step=1000)
    assert notifications(page) == [{"type": "show_message_error", "payload": SERVER_ERROR_EN}]


def test_default_notification_delay_is_300_seconds(page: Page, open_sandbox: Callable[..., Page],
                                                   fresh_demo_backend: DemoBackend) -> None:
    """Fake clock, default build: failing windows keep coming, notifications come 300 s apart."""
    fresh_demo_backend.inject_fault("status", 500, method="get_agent_status")
    clock = open_on_virtual_clock(page, open_sandbox, fresh_demo_backend)
    record_notification_times(page, clock.origin)
    page.evaluate(TRACE_REQUESTS)
    clock.advance(340_000, step=2500, until=lambda: len(virtual_notification_times(page)) >= 2)
    first, second = virtual_notification_times(page)
    assert first <= MONITOR_WINDOW_MS + 5 * PAUSE_AHEAD_MS
    assert second - first >= DEFAULT_NOTIFICATION_DELAY_MS
    # Every poll failed. Windows with failures kept closing between the two notifications (the
    # delay, not a lull, kept them quiet), and the second came with the first failing window
    # that closed after the delay.
    sent = [r["sent"] - clock.origin for r in traced_polls(page)]
    quiet_until = first + DEFAULT_NOTIFICATION_DELAY_MS - MONITOR_WINDOW_MS
    assert len({t // MONITOR_WINDOW_MS for t in sent if first < t < quiet_until}) >= 8
    assert not [t for t in sent if quiet_until <= t < second - MONITOR_WINDOW_MS]
    assert [t for t in sent if second - MONITOR_WINDOW_MS <= t < second]
    assert len(notifications(page)) == 2


def test_long_poll_timeouts_are_successes(open_sandbox: Callable[..., Page],
                                          fresh_demo_backend: DemoBackend) -> None:
    """408 answers (status codes sent as strings) end a long poll normally: no backoff, no
    notification."""
    fresh_demo_backend.configure(long_poll_seconds=1.0, long_poll_timeout_status=408,
                                 status_codes_as_strings=True)
    page = open_sandbox()
    started = time.monotonic()
    # Past the first 5 s monitor window.
    wait_until(page, lambda: time.monotonic() - started > MONITOR_WINDOW_MS / 1000 + 0.7, timeout=10.0,
               what="the first monitor window to close")
    answered = [r for r in polls(fresh_demo_backend) if r.status_code is not None]
    assert len(answered) >= 4 and {r.status_code for r in answered} == {408}
    gaps = [b.time - a.time for a, b in pairwise(answered)]
    assert max(gaps) < 1.0 + 0.45, gaps  # the long poll itself, never a backoff pause on top
    assert all(r.params == {"current_status": {"status": "NOT_CONVERSATION"}} for r in answered)
    assert notifications(page) == []


@pytest.mark.parametrize("navigation", ["full", "render-only"])
def test_notification_delay_holds_across_page_switches(navigation: str, page: Page,
                                                       open_sandbox: Callable[..., Page],
                                                       fresh_demo_backend: DemoBackend) -> None:
    fresh_demo_backend.inject_fault("status", 500, method="get_agent_status")
    query = {"navigation": navigation} if navigation == "render-only" else None
    clock = open_on_virtual_clock(page, open_sandbox, fresh_demo_backend, query)
    clock.advance(MONITOR_WINDOW_MS + 1000, step=1000)
    assert len(notifications(page, SERVER_ERROR_RU["header"])) == 1
    for target in ("list", "card", "list"):
        page.click(f"[data-sandbox-page={target}]")
        clock.advance(MONITOR_WINDOW_MS + 1000, step=1000)
    # 18 s after the first notification, with the server failing all along: still only one.
    assert len(notifications(page, SERVER_ERROR_RU["header"])) == 1


# --- 7. recovery ---------------------------------------------------------------------------------


def test_recovery_after_fault_then_incoming_call(open_sandbox: Callable[..., Page],
                                                 fresh_demo_backend: DemoBackend) -> None:
    fresh_demo_backend.inject_fault("status", 500, method="get_agent_status")
    page = open_sandbox()
    wait_until(page, lambda: len(polls(fresh_demo_backend)) >= 2, what="two failed polls")
    fresh_demo_backend.clear_faults()
    cleared = time.monotonic()
    failed = len(polls(fresh_demo_backend))
    # The next poll comes after the current backoff (1 s after the second failure, 2 s after a third).
    wait_until(page, lambda: any(r.fault is None for r in polls(fresh_demo_backend)), timeout=4.0,
               what="a poll after the fault")
    assert time.monotonic() - cleared < 2.0
    wait_until(page, lambda: any(r.status_code == 200 for r in polls(fresh_demo_backend)), timeout=3.0,
               what="the poll to be answered")
    assert all(r.status_code == 500 for r in polls(fresh_demo_backend)[:failed])
    # Back to long polling: one poll in flight, answered after the long-poll period.
    wait_until(page, lambda: polls_in_flight(fresh_demo_backend) == 1, what="a long poll in flight")

    status = fresh_demo_backend.start_incoming_call(USER_ID, phone="+74951015841")
    assert status["status"] == "CONVERSATION"
    assert status["call_info"]["contact_name"] == "Анна Иванова"
    wait_until(page, lambda: polls(fresh_demo_backend)[-1].params == {"current_status": status}, timeout=3.0,
               what="the next poll to carry the incoming call")
    fresh_demo_backend.remote_hangup(USER_ID)
    wait_until(page, lambda: polls(fresh_demo_backend)[-1].params
               == {"current_status": {"status": "NOT_CONVERSATION"}},
               timeout=3.0, what="the poll after the hangup")
    assert notifications(page) == []


# --- 8. backoff ----------------------------------------------------------------------------------


def test_backoff_gaps_grow_in_real_time(open_sandbox: Callable[..., Page],
                                        fresh_demo_backend: DemoBackend) -> None:
    fresh_demo_backend.inject_fault("status", 500, method="get_agent_status")
    page = open_sandbox()
    wait_until(page, lambda: len(polls(fresh_demo_backend)) >= 5, timeout=10.0, what="five failed polls")
    times = [r.time for r in polls(fresh_demo_backend)[:5]]
    gaps = [b - a for a, b in pairwise(times)]
    for gap, expected in zip(gaps, (0.5, 1.0, 2.0, 4.0)):
        assert expected - 0.05 <= gap <= expected + 0.8, gaps  # timers never fire early; late on a busy box
    assert all(r.status_code == 500 for r in polls(fresh_demo_backend))


def test_backoff_schedule_cap_and_reset_on_virtual_clock(page: Page, open_sandbox: Callable[..., Page],
                                                         fresh_demo_backend: DemoBackend) -> None:
    """0.5 s doubling to a 30 s cap; one answered poll resets it to 0.5 s."""
    fresh_demo_backend.configure(long_poll_seconds=0.5)  # held polls end soon in real time
    fresh_demo_backend.inject_fault("status", 500, method="get_agent_status", times=10)
    clock = open_on_virtual_clock(page, open_sandbox, fresh_demo_backend)
    page.evaluate(TRACE_REQUESTS)
    clock.advance(200_000, step=2000, until=lambda: fresh_demo_backend.faults == [])
    failed = traced_polls(page)
    # Tracing begins after the first failure or two (more on a busy machine): the traced pauses
    # are the schedule from where tracing began, up to the cap and staying there.
    pauses = [b["sent"] - a["done"] for a, b in pairwise(failed)]
    schedule = [500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000, 30000]
    start = schedule.index(pauses[0]) if pauses and pauses[0] in schedule else -1
    assert 0 <= start <= 2 and pauses[:8 - start] == schedule[start:8], pauses  # ends on the cap, twice

    # The 11th poll is answered: long polling again. One answer resets the backoff to 0.5 s.
    clock.advance(35_000, step=500, until=lambda: len(polls(fresh_demo_backend)) >= 11)
    # The server holds the 11th poll (0.5 s, real time); an answer without news is followed by the
    # next poll a second (virtual) after it was sent.
    deadline = time.monotonic() + 10
    while not (polls_in_flight(fresh_demo_backend) == 1 and len(polls(fresh_demo_backend)) >= 12):
        assert time.monotonic() < deadline, "not long polling again"
        clock.advance(250, step=250)
        time.sleep(0.05)
    page.evaluate("window.__trace.length = 0")
    fresh_demo_backend.inject_fault("status", 500, method="get_agent_status", times=3)
    # The held poll ends without news; the three polls after it fail, then polling goes on.
    deadline = time.monotonic() + 15
    while len([r for r in traced_polls(page) if r["done"] is not None]) < 5:
        assert time.monotonic() < deadline, "the polls after the failures were not answered"
        clock.advance(250, step=250)
        time.sleep(0.05)
    assert [r.status_code for r in polls(fresh_demo_backend)[12:15]] == [500, 500, 500]
    trace = traced_polls(page)
    pauses = [b["sent"] - a["done"] for a, b in pairwise(trace) if a["done"] is not None]
    # after the reset the failures wait 0.5 s, 1 s and 2 s again (pacing after answers: tests/bundle)
    assert 500 in pauses and pauses[pauses.index(500):pauses.index(500) + 3] == [500, 1000, 2000], pauses


# --- 9. destroy ----------------------------------------------------------------------------------


@pytest.mark.parametrize("phase", ["long poll pending", "backoff pause"])
def test_destroy_stops_polling_timers_and_click2call(phase: str, page: Page,
                                                     open_sandbox: Callable[..., Page],
                                                     fresh_demo_backend: DemoBackend,
                                                     sandbox: SandboxServer) -> None:
    page.add_init_script(COUNT_INTERVALS)
    if phase == "backoff pause":
        fresh_demo_backend.inject_fault("status", 500, method="get_agent_status")
    open_sandbox()
    if phase == "backoff pause":
        wait_until(page, lambda: len(polls(fresh_demo_backend)) >= 2,
                   what="two failed polls")  # now pausing 1 s
    else:
        wait_until(page, lambda: polls_in_flight(fresh_demo_backend) == 1, what="a long poll in flight")
    assert page.evaluate("window.__liveIntervals()") == 1
    page.evaluate("window.__session = window.__sandbox.widget.asteriskng.session")

    assert page.evaluate("window.__sandbox.widget.callbacks.destroy()") is True
    assert page.evaluate("window.__sandbox.widget.asteriskng.session") is None
    assert page.evaluate("window.__session.timers.count()") == 0
    assert page.evaluate("window.__session.client.pending_count()") == 0
    assert page.evaluate("window.__liveIntervals()") == 0

    # The long poll that was already at the server may still end; nothing follows it.
    wait_until(page, lambda: polls_in_flight(fresh_demo_backend) == 0, timeout=LONG_POLL_SECONDS + 1,
               what="the pending long poll to end")
    seen = len(fresh_demo_backend.requests)
    click_card_phone(page)  # Click2Call of a destroyed widget sends nothing
    page.wait_for_timeout(2000)
    assert len(fresh_demo_backend.requests) == seen
    assert fresh_demo_backend.requests_for("originate") == []
    assert page.evaluate("window.__sandbox.pendingRequests") == 0
    assert sandbox.stats.as_dict()["in_flight"] == 0
    assert notifications(page) == []


def test_render_after_destroy_starts_again(open_sandbox: Callable[..., Page],
                                           fresh_demo_backend: DemoBackend) -> None:
    page = open_sandbox()
    wait_until(page, lambda: polls(fresh_demo_backend), what="the first long poll")
    page.evaluate("window.__sandbox.widget.callbacks.destroy()")
    wait_until(page, lambda: polls_in_flight(fresh_demo_backend) == 0, timeout=LONG_POLL_SECONDS + 1,
               what="the pending long poll to end")
    seen = len(polls(fresh_demo_backend))
    assert page.evaluate("window.__sandbox.widget.callbacks.render()") is True
    wait_until(page, lambda: len(polls(fresh_demo_backend)) > seen, what="polling to start again")
    click_card_phone(page)
    wait_until(page, lambda: fresh_demo_backend.requests_for("originate"), what="the originate")
    page.wait_for_timeout(600)
    assert polls_in_flight(fresh_demo_backend) <= 1
    assert len(fresh_demo_backend.requests_for("originate")) == 1


def test_on_save_switches_to_the_new_settings(open_sandbox: Callable[..., Page],
                                             fresh_demo_backend: DemoBackend) -> None:
    """onSave with a new secret key: the running widget uses it at once, in one poll loop; active N stops."""
    page = open_sandbox()
    wait_until(page, lambda: polls_in_flight(fresh_demo_backend) == 1, what="a long poll in flight")
    fresh_demo_backend.configure(secret_key="rotated key&1")
    wait_until(page, lambda: any(r.status_code == 401 for r in polls(fresh_demo_backend)), timeout=3.0,
               what="a poll refused with the old key")
    refused = len(polls(fresh_demo_backend))
    event = {"active": "Y",
             "fields": {"jsonSettings": settings_json(fresh_demo_backend, secret_key="rotated key&1")}}
    assert page.evaluate("(e) => window.__sandbox.widget.callbacks.onSave(e)", event) is True
    wait_until(page, lambda: len(polls(fresh_demo_backend)) > refused, timeout=0.5,
               what="a poll with the new key right after onSave")
    wait_until(page, lambda: [r.status_code for r in polls(fresh_demo_backend)[refused:]][:1] == [200],
               timeout=3.0, what="the new key to be accepted")
    page.wait_for_timeout(300)
    assert polls_in_flight(fresh_demo_backend) == 1
    assert page.evaluate("window.__sandbox.requests").pop()["url"] == (
        fresh_demo_backend.url + "?secret_key=rotated%20key%261")
    assert page.evaluate("window.__sandbox.addActionCalls.length") == 1

    assert page.evaluate("window.__sandbox.widget.callbacks.onSave({active: 'N', fields: {}})") is True
    wait_until(page, lambda: polls_in_flight(fresh_demo_backend) == 0, timeout=LONG_POLL_SECONDS + 1,
               what="the last long poll to end")
    seen = len(fresh_demo_backend.requests)
    page.wait_for_timeout(1000)
    assert len(fresh_demo_backend.requests) == seen
    assert notifications(page) == []


# --- screenshot ----------------------------------------------------------------------------------


def test_screenshot_of_the_sandbox(open_sandbox: Callable[..., Page], fresh_demo_backend: DemoBackend,
                                   screenshot_dir: Path) -> None:
    """sandbox.png (docs/screenshots/): the card page, the real widget running, a notification, the strip."""
    page = open_sandbox()
    wait_until(page, lambda: polls_in_flight(fresh_demo_backend) == 1, what="a long poll in flight")
    fresh_demo_backend.inject_fault("status", 401, method="originate", times=1)
    click_card_phone(page)
    tray_item = page.locator("#sandbox-tray [data-type=show_message_error]")
    expect(tray_item).to_be_visible()
    expect(tray_item).to_contain_text(CALL_FAILED_RU)
    expect(tray_item).to_contain_text(f"{CARD_PHONE}: " + ru_error("invalid_secret_key"))
    expect(page.locator("#sandbox-controls")).to_be_visible()
    expect(page.locator("[data-sandbox-control=incoming_call]")).to_be_visible()
    expect(page.locator("body")).to_have_attribute("data-widget-state", "ready")
    expect(page.locator("#sandbox-widget-status")).to_have_text("installed")
    expect(page.locator("#sandbox-page .sandbox-phone")).to_have_count(3)
    page.mouse.move(0, 0)

    screenshot = screenshot_dir / "sandbox.png"
    page.screenshot(path=str(screenshot))
    with screenshot.open("rb") as fh:
        head = fh.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", head[16:24]) == (1280, 800)
