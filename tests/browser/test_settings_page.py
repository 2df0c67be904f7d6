"""The widget's own settings form in the sandbox's settings modal (docs/behaviour.md §4), real archive.

Every test opens the sandbox (Russian unless said otherwise) against a fresh demo backend,
opens amoCRM's settings modal and works the form like a person would.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from sandbox.server import SandboxServer
from tests.support.locale_text import text

REPO_ROOT = Path(__file__).resolve().parents[2]

FORM = ".widget-settings__desc-space .asng-settings"
STATUS = ".asng-settings__status"
ADDRESS = ".asng-settings input[inputmode=url]"
KEY = ".asng-settings .asng-settings__input--secret"
REVEAL = ".asng-settings__reveal"
SAVE = ".asng-settings__save"
MESSAGE = ".asng-settings__message"
SHOW_PANEL = ".asng-settings__checkbox >> nth=0"
NOTIFICATION = ".asng-settings__checkbox >> nth=1"
AMOCRM_BLOCK = ".widget_settings_block"
AMOCRM_INPUT = "input[name=jsonSettings]"

PING_DEADLINE_S = 3.0
DEBOUNCE_S = 0.25

STATES = ("connected", "invalid_secret_key", "incompatible_version", "not_available", "unknown_error",
          "not_configured", "checking")
RU = {state: text("ru", "domain.amocrm.settings.status." + state) for state in STATES}


def ru_setting(key: str) -> str:
    """A Russian text of the settings page, from the locale file the build ships."""
    return text("ru", "domain.amocrm.settings." + key)


LABELS = [ru_setting("field." + key) for key in ("server_address", "secret_key", "show_panel_check",
                                                  "enable_notification")]
TONES = {
    "connected": "ok",
    "invalid_secret_key": "warning",
    "incompatible_version": "warning",
    "not_available": "error",
    "unknown_error": "error",
    "not_configured": "idle",
    "checking": "busy",
}


def settings_text(address: str, key: str = "AsteriskNG", show_panel: bool = True,
                  notification: bool = True, post_call_card: bool = True) -> str:
    """The settings JSON as the widget writes it (compact, these key names, this order)."""
    return json.dumps({"server": {"serverAddress": address, "secretKey": key},
                       "amocrm": {"showPanel": show_panel, "enableNotification": notification,
                                  "postCallCard": post_call_card}},
                      separators=(",", ":"), ensure_ascii=False)


def open_settings(page: Page) -> None:
    page.evaluate("window.__sandbox.openSettings()")
    expect(page.locator(FORM)).to_be_visible()


def expect_status(page: Page, status: str, timeout: float = 10_000) -> None:
    expect(page.locator(STATUS)).to_have_attribute("data-status", status, timeout=timeout)


def ping_posts(page: Page) -> list[dict[str, Any]]:
    """The widget's crm_post calls carrying a ``ping``, oldest first."""
    return page.evaluate(
        "window.__sandbox.requests.filter(function (r) {"
        "  return r.data && r.data.json && JSON.parse(r.data.json).content.method === 'ping'; })"
    )


def settle(seconds: float) -> None:
    time.sleep(seconds)


@pytest.fixture
def opened(open_sandbox: Callable[..., Page], fresh_demo_backend: Any) -> Callable[..., Page]:
    """``opened(query=None)``: the sandbox with the settings modal open and the first status shown."""

    def open_(query: dict[str, Any] | None = None, status: str | None = "connected") -> Page:
        page = open_sandbox(query)
        open_settings(page)
        if status is not None:
            expect_status(page, status)
        return page

    return open_


# --- mounting -----------------------------------------------------------------------------------


def test_the_form_replaces_amocrms_block(opened: Callable[..., Page], fresh_demo_backend: Any) -> None:
    page = opened()
    form = page.locator(FORM)
    assert "asng-root" in form.get_attribute("class").split()
    expect(page.locator(AMOCRM_BLOCK)).to_be_hidden()
    assert page.locator("style#asng-styles").count() == 1
    # The saved values, in the fields.
    expect(page.locator(ADDRESS)).to_have_value(fresh_demo_backend.url)
    expect(page.locator(ADDRESS)).to_have_attribute("placeholder", "https://127.0.0.1/asterisk_ng")
    expect(page.locator(KEY)).to_have_value("AsteriskNG")
    expect(page.locator(KEY)).to_have_attribute("type", "password")
    expect(page.locator(SHOW_PANEL)).to_be_checked()
    expect(page.locator(NOTIFICATION)).to_be_checked()
    # Every input has its <label for>; the status line is announced.
    for label, selector in zip(LABELS, (ADDRESS, KEY, SHOW_PANEL, NOTIFICATION), strict=True):
        expect(page.get_by_label(label, exact=True)).to_have_id(page.locator(selector).get_attribute("id"))
    expect(page.locator(STATUS)).to_have_attribute("aria-live", "polite")
    expect(page.locator(STATUS)).to_have_text(RU["connected"])
    expect(page.locator(SAVE)).to_have_text(ru_setting("save_button"))
    expect(page.locator(SAVE)).to_be_disabled()
    # The logo from the archive (amoCRM serves it under get_settings().path).
    logo = page.locator(".asng-settings__logo")
    expect(logo).to_have_attribute("src", "/widget/images/logo_main.png")
    page.wait_for_function("document.querySelector('.asng-settings__logo').naturalWidth > 0")
    # Exactly one ping, with the saved settings.
    assert len(fresh_demo_backend.requests_for("ping")) == 1
    assert ping_posts(page)[0]["url"] == fresh_demo_backend.url + "?secret_key=AsteriskNG"


def test_opening_twice_mounts_one_form(opened: Callable[..., Page]) -> None:
    page = opened()
    open_settings(page)
    expect_status(page, "connected")
    assert page.locator(".asng-settings").count() == 1
    # amoCRM calling settings again on the same modal: still one form, amoCRM's block still hidden.
    page.evaluate("window.__sandbox.widget.callbacks.settings(jQuery('.modal-body').first())")
    assert page.locator(".asng-settings").count() == 1
    expect(page.locator(AMOCRM_BLOCK)).to_be_hidden()
    assert page.evaluate("window.__sandbox.settingsOpened") == 2


def test_without_a_place_for_the_form_amocrms_field_stays(open_sandbox: Callable[..., Page]) -> None:
    page = open_sandbox()
    page.evaluate(
        "(function () { var cb = window.__sandbox.widget.callbacks; var original = cb.settings;"
        "  cb.settings = function ($body) { $body.find('.widget-settings__desc-space').remove();"
        "    return original.apply(this, arguments); }; })()"
    )
    page.evaluate("window.__sandbox.openSettings()")
    expect(page.locator(AMOCRM_BLOCK)).to_be_visible()
    assert page.locator(".asng-settings").count() == 0
    expect(page.locator(AMOCRM_INPUT)).to_be_editable()


@pytest.mark.expect_page_errors
def test_a_failure_while_mounting_leaves_amocrms_field_usable(open_sandbox: Callable[..., Page],
                                                               page_errors: list[str]) -> None:
    page = open_sandbox()
    page.evaluate("() => { window.__sandbox.widget.i18n = function () { throw new Error('i18n broke'); }; }")
    page.evaluate("window.__sandbox.openSettings()")
    expect(page.locator(AMOCRM_BLOCK)).to_be_visible()
    expect(page.locator(AMOCRM_INPUT)).to_be_editable()
    assert page.locator(".asng-settings").count() == 0
    # The callback still returned true; the failure is logged (--dev) and shown as status error.
    assert page.evaluate("window.__sandbox.lifecycle.filter(function (e) { return e.name === 'settings'; })"
                         "[0].returned") is True
    assert any("i18n broke" in m for m in page_errors.messages())


# --- the status line ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fault", "status"),
    [
        (None, "connected"),
        (("status", 401), "invalid_secret_key"),
        (("status", 409), "incompatible_version"),
        (("latency", PING_DEADLINE_S + 0.7), "not_available"),
        (("drop", None), "not_available"),
        (("status", 500), "unknown_error"),
        (("status", 400), "unknown_error"),
        (("status", 404), "unknown_error"),
        (("status", 410), "unknown_error"),
        (("non_json", None), "unknown_error"),
        (("no_headers", None), "unknown_error"),
        (("exception", "PbxError"), "unknown_error"),
    ],
    ids=lambda v: "-".join(str(x) for x in v) if isinstance(v, tuple) else str(v),
)
def test_status_from_the_ping_with_the_saved_settings(opened: Callable[..., Page], fresh_demo_backend: Any,
                                                       fault: tuple[str, Any] | None, status: str) -> None:
    if fault is not None:
        fresh_demo_backend.inject_fault(fault[0], fault[1], method="ping")
    page = opened(status=None)
    expect_status(page, status, timeout=(PING_DEADLINE_S + 5) * 1000)
    line = page.locator(STATUS)
    expect(line).to_have_text(RU[status])
    expect(line).to_have_class(f"asng-settings__status asng-settings__status--{TONES[status]}")
    assert line.locator("svg.asng-settings__icon").count() == 1
    assert line.get_attribute("aria-busy") == "false"


def test_a_wrong_key_is_invalid_and_a_timeout_is_reported_after_the_ping_deadline(
        opened: Callable[..., Page], fresh_demo_backend: Any) -> None:
    fresh_demo_backend.configure(secret_key="Other")
    page = opened(status="invalid_secret_key")
    fresh_demo_backend.configure(secret_key="AsteriskNG")
    fresh_demo_backend.inject_fault("latency", PING_DEADLINE_S + 1, method="ping")
    page.locator(KEY).fill("AsteriskNG ")  # same key once trimmed: nothing to check
    settle(DEBOUNCE_S + 0.2)
    expect_status(page, "invalid_secret_key")
    started = time.monotonic()
    page.locator(KEY).fill("Other")
    expect_status(page, "checking")
    expect_status(page, "not_available", timeout=(PING_DEADLINE_S + 3) * 1000)
    waited = time.monotonic() - started
    assert PING_DEADLINE_S <= waited < PING_DEADLINE_S + 2


@pytest.mark.parametrize("query", [{"settings": settings_text("", "")},
                                   {"settings": settings_text("https://pbx.example.com/ng", "")},
                                   {"settings": settings_text("", "AsteriskNG")}])
def test_empty_address_or_key_is_not_configured_without_a_ping(opened: Callable[..., Page],
                                                               fresh_demo_backend: Any,
                                                               query: dict[str, str]) -> None:
    page = opened(query, status="not_configured")
    expect(page.locator(STATUS)).to_have_text(RU["not_configured"])
    expect(page.locator(STATUS)).to_have_class("asng-settings__status asng-settings__status--idle")
    settle(0.5)
    assert fresh_demo_backend.requests_for("ping") == []
    assert ping_posts(page) == []


# --- editing ------------------------------------------------------------------------------------


def test_typing_fast_sends_one_ping_with_the_final_values(opened: Callable[..., Page],
                                                          fresh_demo_backend: Any) -> None:
    fresh_demo_backend.configure(secret_key="NewSecret42")
    page = opened(status="invalid_secret_key")
    before = len(ping_posts(page))
    key = page.locator(KEY)
    key.fill("")
    # Every keystroke in one task of the page: a loaded test machine cannot stretch them past 250 ms.
    page.evaluate("""([selector, text]) => {
        const box = document.querySelector(selector);
        for (let i = 1; i <= text.length; i++) {
            box.value = text.slice(0, i);
            box.dispatchEvent(new Event('input', {bubbles: true}));
        }
    }""", [KEY, "NewSecret42"])
    expect_status(page, "connected")
    settle(DEBOUNCE_S + 0.4)
    posts = ping_posts(page)
    assert len(posts) == before + 1
    assert posts[-1]["url"] == fresh_demo_backend.url + "?secret_key=NewSecret42"
    assert len(fresh_demo_backend.requests_for("ping")) == before + 1


def test_a_spinner_shows_while_the_ping_runs(opened: Callable[..., Page], fresh_demo_backend: Any) -> None:
    page = opened()
    fresh_demo_backend.inject_fault("latency", 1.5, method="ping")
    page.locator(KEY).fill("AsteriskNG2")
    line = page.locator(STATUS)
    expect(line.locator(".asng-settings__spinner")).to_be_visible()
    expect(line).to_have_attribute("data-status", "checking")
    expect(line).to_have_attribute("aria-busy", "true")
    expect(line).to_have_text(RU["checking"])
    expect_status(page, "invalid_secret_key")
    assert line.locator(".asng-settings__spinner").count() == 0
    assert line.locator("svg.asng-settings__icon").count() == 1


def test_a_slow_answer_to_an_older_edit_never_overwrites_the_latest(opened: Callable[..., Page],
                                                                     fresh_demo_backend: Any) -> None:
    page = opened()
    fresh_demo_backend.inject_fault("latency", 2.0, method="ping", times=1)
    before = len(ping_posts(page))
    # Edit 1: a wrong key; its ping is the slow one (would say "invalid secret key").
    page.locator(KEY).fill("Wrong")
    page.wait_for_function(f"window.__sandbox.requests.length > 0 && "
                           f"window.__sandbox.requests.filter(function (r) {{ return r.data && r.data.json"
                           f" && r.data.json.indexOf('\"ping\"') >= 0; }}).length === {before + 1}")
    # Edit 2: the right key again; its ping is fast ("connected").
    page.locator(KEY).fill("AsteriskNG!")
    page.locator(KEY).fill("AsteriskNG")
    expect_status(page, "connected")
    # The slow answer arrives later and must change nothing.
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(r.status_code is None
                                              for r in fresh_demo_backend.requests_for("ping")):
        settle(0.1)
    settle(0.3)
    expect_status(page, "connected")
    assert [r.status_code for r in fresh_demo_backend.requests_for("ping")][-2:] == [401, 200]


@pytest.mark.parametrize("address", ["pbx.example.com/asterisk_ng", "ftp://pbx.example.com", "https://",
                                     "http:/127.0.0.1/asterisk_ng", "https://pbx example.com"])
def test_an_address_that_is_not_a_url_gets_a_message_and_no_ping(opened: Callable[..., Page],
                                                                 fresh_demo_backend: Any,
                                                                 address: str) -> None:
    page = opened()
    before = len(ping_posts(page))
    page.locator(ADDRESS).fill(address)
    message = page.locator(MESSAGE)
    expect(message).to_have_text(ru_setting("address_invalid"))
    expect(page.locator(ADDRESS)).to_have_attribute("aria-invalid", "true")
    assert page.locator(ADDRESS).get_attribute("aria-describedby") == message.get_attribute("id")
    expect_status(page, "not_configured")
    expect(page.locator(SAVE)).to_be_disabled()
    settle(DEBOUNCE_S + 0.4)
    assert len(ping_posts(page)) == before
    assert len(fresh_demo_backend.requests_for("ping")) == before
    # Fixing it removes the message at once and checks the server.
    page.locator(ADDRESS).fill(fresh_demo_backend.url)
    expect(message).to_be_hidden()
    expect(page.locator(ADDRESS)).to_have_attribute("aria-invalid", "false")
    expect_status(page, "connected")


def test_spaces_around_address_and_key_are_trimmed(opened: Callable[..., Page],
                                                   fresh_demo_backend: Any) -> None:
    page = opened({"settings": settings_text(fresh_demo_backend.url, "Other")}, status="invalid_secret_key")
    page.locator(ADDRESS).fill("   " + fresh_demo_backend.url + "  ")
    page.locator(KEY).fill("  AsteriskNG\t")
    expect_status(page, "connected")
    assert ping_posts(page)[-1]["url"] == fresh_demo_backend.url + "?secret_key=AsteriskNG"
    expect(page.locator(MESSAGE)).to_be_hidden()
    page.locator(SAVE).click()
    saved = page.evaluate("window.__sandbox.saves")[-1]
    assert saved["fields"]["jsonSettings"] == settings_text(fresh_demo_backend.url, "AsteriskNG")


def test_spaces_alone_change_nothing(opened: Callable[..., Page], fresh_demo_backend: Any) -> None:
    page = opened()
    before = len(ping_posts(page))
    page.locator(ADDRESS).fill(" " + fresh_demo_backend.url + " ")
    page.locator(KEY).fill(" AsteriskNG ")
    settle(DEBOUNCE_S + 0.4)
    assert len(ping_posts(page)) == before
    expect_status(page, "connected")
    expect(page.locator(SAVE)).to_be_disabled()


def test_show_and_hide_the_key(opened: Callable[..., Page]) -> None:
    page = opened()
    key, reveal = page.locator(KEY), page.locator(REVEAL)
    expect(reveal).to_have_attribute("aria-label", ru_setting("show_key"))
    expect(reveal).to_have_attribute("aria-pressed", "false")
    assert reveal.get_attribute("aria-controls") == key.get_attribute("id")
    reveal.click()
    expect(key).to_have_attribute("type", "text")
    expect(reveal).to_have_attribute("aria-pressed", "true")
    expect(reveal).to_have_attribute("aria-label", ru_setting("hide_key"))
    expect(key).to_have_value("AsteriskNG")
    reveal.click()
    expect(key).to_have_attribute("type", "password")
    expect(reveal).to_have_attribute("aria-label", ru_setting("show_key"))


# --- saving -------------------------------------------------------------------------------------


def test_save_is_disabled_until_something_changes(opened: Callable[..., Page],
                                                  fresh_demo_backend: Any) -> None:
    page = opened()
    save = page.locator(SAVE)
    expect(save).to_be_disabled()
    page.locator(NOTIFICATION).uncheck()
    expect(save).to_be_enabled()
    page.locator(NOTIFICATION).check()
    expect(save).to_be_disabled()
    page.locator(SHOW_PANEL).uncheck()
    expect(save).to_be_enabled()
    page.locator(SHOW_PANEL).check()
    page.locator(KEY).fill("Changed")
    expect(save).to_be_enabled()
    page.locator(KEY).fill("AsteriskNG")
    expect(save).to_be_disabled()
    page.locator(ADDRESS).fill(fresh_demo_backend.url + "/")
    expect(save).to_be_enabled()


def test_save_writes_the_json_fires_change_and_clicks_amocrms_save(opened: Callable[..., Page],
                                                                    fresh_demo_backend: Any) -> None:
    page = opened()
    page.evaluate(
        "(function () { var input = document.querySelector('input[name=jsonSettings]');"
        "  window.__changes = {dom: 0, jquery: 0, values: []};"
        "  input.addEventListener('change', function (e) { window.__changes.dom += 1;"
        "    window.__changes.values.push(e.target.value); window.__changes.bubbles = e.bubbles; });"
        "  jQuery(input).on('change', function () { window.__changes.jquery += 1; }); })()"
    )
    fresh_demo_backend.configure(secret_key="NewKey")
    page.locator(KEY).fill("NewKey")
    page.locator(NOTIFICATION).uncheck()
    expect_status(page, "connected")
    page.locator(SAVE).click()
    expected = settings_text(fresh_demo_backend.url, "NewKey", True, False)
    saves = page.evaluate("window.__sandbox.saves")
    assert len(saves) == 1
    assert saves[0]["fields"] == {"jsonSettings": expected}
    assert saves[0]["saved"] is True
    assert page.evaluate("window.__sandbox.storedSettings().jsonSettings") == expected
    changes = page.evaluate("window.__changes")
    assert changes["dom"] >= 1 and changes["jquery"] >= 1 and changes["bubbles"] is True
    assert changes["values"][0] == expected
    onsave = page.evaluate("window.__sandbox.lifecycle.filter(function (e) { return e.name === 'onSave'; })")
    assert len(onsave) == 1 and onsave[0]["returned"] is True
    # The sandbox closed the modal like amoCRM does; opening it again shows the saved values.
    expect(page.locator(".asng-settings")).to_have_count(0)
    open_settings(page)
    expect(page.locator(KEY)).to_have_value("NewKey")
    expect(page.locator(NOTIFICATION)).not_to_be_checked()
    expect(page.locator(SHOW_PANEL)).to_be_checked()
    expect(page.locator(SAVE)).to_be_disabled()
    expect_status(page, "connected")
    # The running widget uses the new key.
    fresh_demo_backend.configure(long_poll_seconds=0.5)
    page.wait_for_function(
        "window.__sandbox.requests.some(function (r) { return r.url.indexOf('secret_key=NewKey') >= 0 &&"
        "  JSON.parse(r.data.json).content.method === 'get_agent_status'; })"
    )


def test_after_saving_in_an_open_modal_the_saved_values_are_the_baseline(opened: Callable[..., Page],
                                                                          fresh_demo_backend: Any) -> None:
    page = opened()
    page.evaluate("jQuery('.widget-settings__modal').attr('data-onsave-destroy-modal', 'false')")
    page.locator(ADDRESS).fill("  " + fresh_demo_backend.url + "?tenant=5 ")
    expect_status(page, "connected")
    save = page.locator(SAVE)
    expect(save).to_be_enabled()
    save.click()
    expect(save).to_be_disabled()
    expect(page.locator(ADDRESS)).to_have_value(fresh_demo_backend.url + "?tenant=5")
    assert page.locator(AMOCRM_INPUT).input_value() == settings_text(fresh_demo_backend.url + "?tenant=5")
    page.locator(NOTIFICATION).uncheck()
    expect(save).to_be_enabled()
    page.locator(NOTIFICATION).check()
    expect(save).to_be_disabled()
    assert len(page.evaluate("window.__sandbox.saves")) == 1


def test_broken_stored_json_shows_defaults_and_is_kept_until_saved(opened: Callable[..., Page],
                                                                    fresh_demo_backend: Any) -> None:
    page = opened({"settings": "{broken"}, status="not_configured")
    expect(page.locator(STATUS)).to_have_text(RU["not_configured"])
    expect(page.locator(ADDRESS)).to_have_value("")
    expect(page.locator(KEY)).to_have_value("")
    expect(page.locator(SHOW_PANEL)).to_be_checked()
    expect(page.locator(NOTIFICATION)).to_be_checked()
    assert page.locator(AMOCRM_INPUT).input_value() == "{broken"
    page.locator(ADDRESS).fill(fresh_demo_backend.url)
    page.locator(KEY).fill("AsteriskNG")
    expect_status(page, "connected")
    settle(0.3)
    assert page.locator(AMOCRM_INPUT).input_value() == "{broken"
    assert page.evaluate("window.__sandbox.storedSettings().jsonSettings") == "{broken"
    assert page.evaluate("window.__sandbox.saves") == []
    page.locator(SAVE).click()
    assert (page.evaluate("window.__sandbox.storedSettings().jsonSettings")
            == settings_text(fresh_demo_backend.url))


def _agent_polls(fresh_demo_backend: Any) -> int:
    return len(fresh_demo_backend.requests_for("get_agent_status"))


def _panels(page: Page) -> int:
    return page.locator(".asng-panel:visible").count()


def test_show_panel_off_stops_the_long_poll_and_on_starts_it(opened: Callable[..., Page],
                                                              fresh_demo_backend: Any) -> None:
    fresh_demo_backend.configure(long_poll_seconds=0.3)
    page = opened()
    deadline = time.monotonic() + 5
    while _agent_polls(fresh_demo_backend) < 2 and time.monotonic() < deadline:
        settle(0.1)
    assert _agent_polls(fresh_demo_backend) >= 2
    had_panel = _panels(page) > 0

    page.locator(SHOW_PANEL).uncheck()
    page.locator(SAVE).click()
    assert page.evaluate("window.__sandbox.storedSettings().jsonSettings") == settings_text(
        fresh_demo_backend.url, show_panel=False)
    settle(0.2)
    stopped_at = _agent_polls(fresh_demo_backend)
    settle(1.5)
    assert _agent_polls(fresh_demo_backend) == stopped_at
    if had_panel:
        expect(page.locator(".asng-panel:visible")).to_have_count(0)

    open_settings(page)
    expect(page.locator(SHOW_PANEL)).not_to_be_checked()
    page.locator(SHOW_PANEL).check()
    page.locator(SAVE).click()
    deadline = time.monotonic() + 5
    while _agent_polls(fresh_demo_backend) < stopped_at + 2 and time.monotonic() < deadline:
        settle(0.1)
    assert _agent_polls(fresh_demo_backend) >= stopped_at + 2
    if had_panel:
        expect(page.locator(".asng-panel:visible")).to_have_count(1)


# --- cleanup ------------------------------------------------------------------------------------


def _page_state(page: Page) -> dict[str, Any]:
    return page.evaluate(
        "(function () { var p = window.__sandbox.widget.asteriskng_settings;"
        "  return {open: p.is_open(), timers: p.timers.count(), listeners: p.listeners.count(),"
        "          clients: p.clients.length, observer: p.observer !== null}; })()"
    )


@pytest.mark.parametrize("how", ["close", "navigate", "reopen"])
def test_closing_the_modal_stops_everything_the_form_started(opened: Callable[..., Page],
                                                             fresh_demo_backend: Any, how: str) -> None:
    page = opened()
    state = _page_state(page)
    assert state["open"] is True and state["listeners"] > 0 and state["observer"] is True
    fresh_demo_backend.inject_fault("latency", 1.0, method="ping")
    page.locator(KEY).fill("Pending")  # a debounced check is scheduled
    before = len(ping_posts(page))
    if how == "close":
        page.evaluate("window.__sandbox.closeSettings()")
    elif how == "navigate":
        page.evaluate("window.__sandbox.navigate('list')")
    else:
        page.evaluate("window.__sandbox.openSettings()")
    if how == "reopen":
        expect_status(page, "checking")
        assert page.locator(".asng-settings").count() == 1
        expect(page.locator(KEY)).to_have_value("AsteriskNG")
        expect_status(page, "connected")
        return
    page.wait_for_function("!window.__sandbox.widget.asteriskng_settings.is_open()")
    assert _page_state(page) == {"open": False, "timers": 0, "listeners": 0, "clients": 0, "observer": False}
    settle(DEBOUNCE_S + 0.3)
    assert len(ping_posts(page)) == before


def test_closing_while_a_ping_is_pending_cancels_it(opened: Callable[..., Page],
                                                    fresh_demo_backend: Any) -> None:
    page = opened()
    fresh_demo_backend.inject_fault("latency", 1.0, method="ping")
    page.locator(KEY).fill("Pending")
    page.wait_for_function("window.__sandbox.widget.asteriskng_settings.clients.length === 1")
    page.evaluate("window.__sandbox.closeSettings()")
    page.wait_for_function("!window.__sandbox.widget.asteriskng_settings.is_open()")
    assert _page_state(page) == {"open": False, "timers": 0, "listeners": 0, "clients": 0, "observer": False}


# --- languages ----------------------------------------------------------------------------------


def test_english_texts(make_sandbox: Callable[..., SandboxServer], sandbox_archive: Path,
                       open_sandbox: Callable[..., Page], fresh_demo_backend: Any) -> None:
    server = make_sandbox(sandbox_archive, locale="en")
    page = open_sandbox(sandbox=server)
    open_settings(page)
    expect_status(page, "connected")
    expect(page.locator(STATUS)).to_have_text("Connected")
    expect(page.locator(SAVE)).to_have_text("Save")
    for label in ("Server address", "Secret key", "Show panel", "Enable notification"):
        expect(page.get_by_label(label, exact=True)).to_have_count(1)
    expect(page.locator(".asng-settings__legend")).to_have_text("Options")
    expect(page.locator(REVEAL)).to_have_attribute("aria-label", "Show the key")
    page.locator(ADDRESS).fill("pbx.example.com")
    expect(page.locator(MESSAGE)).to_have_text("Enter the full address, starting with https:// or http://")
    expect(page.locator(STATUS)).to_have_text("Not configured")
    page.locator(ADDRESS).fill(fresh_demo_backend.url)
    fresh_demo_backend.inject_fault("latency", 1.0, method="ping", times=1)
    page.locator(KEY).fill("Wrong")
    expect(page.locator(STATUS)).to_have_text("Checking the connection…")
    expect(page.locator(STATUS)).to_have_text("Invalid secret key")


def test_russian_texts(opened: Callable[..., Page]) -> None:
    page = opened()
    expect(page.locator(".asng-settings__legend")).to_have_text(ru_setting("options"))
    for label in LABELS:
        expect(page.get_by_label(label, exact=True)).to_have_count(1)
    expect(page.locator(SAVE)).to_have_text(ru_setting("save_button"))


# --- screenshots --------------------------------------------------------------------------------


def _shoot(page: Page, path: Path) -> None:
    page.wait_for_function("document.querySelector('.asng-settings__logo').complete")
    page.locator(".widget-settings__modal .modal-body").screenshot(
        path=str(path), animations="disabled", caret="hide")


def test_screenshots(make_sandbox: Callable[..., SandboxServer], sandbox_archive: Path,
                     open_sandbox: Callable[..., Page], fresh_demo_backend: Any,
                     screenshot_dir: Path) -> None:
    server = make_sandbox(sandbox_archive, locale="en")
    page = open_sandbox({"controls": "0", "page": "settings"}, sandbox=server)
    open_settings(page)
    expect_status(page, "connected")
    _shoot(page, screenshot_dir / "settings_connected.png")

    fresh_demo_backend.configure(secret_key="Rotated")
    open_settings(page)
    expect_status(page, "invalid_secret_key")
    _shoot(page, screenshot_dir / "settings_invalid_key.png")

    page = open_sandbox({"controls": "0", "page": "settings", "settings": "{broken"}, sandbox=server)
    open_settings(page)
    expect_status(page, "not_configured")
    _shoot(page, screenshot_dir / "settings_not_configured.png")
    for name in ("connected", "invalid_key", "not_configured"):
        assert (screenshot_dir / f"settings_{name}.png").stat().st_size > 2000


def test_the_post_call_card_checkbox_writes_its_key(opened: Callable[..., Page],
                                                    fresh_demo_backend: Any) -> None:
    """The setting of docs/behaviour.md §10: on by default (also for settings saved without it)."""
    page = opened()
    card = page.locator(".asng-settings__checkbox >> nth=2")
    expect(card).to_be_checked()
    expect(page.get_by_label(text("ru", "domain.amocrm.settings.field.post_call_card"))).to_be_checked()
    card.uncheck()
    page.locator(SAVE).click()
    expected = settings_text(fresh_demo_backend.url, post_call_card=False)
    assert page.evaluate("window.__sandbox.storedSettings().jsonSettings") == expected
