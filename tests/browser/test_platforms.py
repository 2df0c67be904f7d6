"""amoCRM and Kommo in the sandbox: the core flows on both platforms, in every locale that ships.

Kommo has only the global ``APP``; the sandbox's Kommo page answers ``undefined`` for ``AMOCRM``
and counts every read of it, so a widget that still reached for the deprecated global fails here.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from sandbox.defaults import DEMO_USER_ID
from sandbox.demo_backend import DemoBackend
from sandbox.server import SandboxServer
from tests.support.host_snapshot import host_changes, snapshot_before_widget
from tests.support.locale_text import text
from tests.support.postcall import known_call, state
from tests.support.waiting import wait_until

# (platform, locale) pairs: every locale each platform ships.
CASES = [("amocrm", "ru"), ("amocrm", "en"), ("kommo", "en"), ("kommo", "es"), ("kommo", "pt")]

# A raw i18n key where a text belongs: amoCRM's i18n() returns the key itself when it has no text.
RAW_KEY_JS = (r"""() => {
  const key = /^(domain|widget|system)\.[\w.]+$/;
  const found = [];
  let texts = 0;
  for (const el of document.querySelectorAll("""
              r"""'.asng-panel, .asng-panel *, .asng-settings, .asng-settings *')) {
    for (const node of el.childNodes) {
      const value = node.nodeType === 3 ? node.textContent.trim() : '';
      if (value) { texts += 1; if (key.test(value)) found.push(value); }
    }
    for (const name of ['aria-label', 'title', 'placeholder']) {
      const value = (el.getAttribute(name) || '').trim();
      if (value) { texts += 1; if (key.test(value)) found.push(name + '=' + value); }
    }
  }
  return {found, texts};
}""")


@pytest.fixture
def platform_sandbox(make_sandbox: Callable[..., SandboxServer], dev_widget: Any,
                     kommo_widget: Any) -> Callable[[str, str], SandboxServer]:
    """``platform_sandbox(platform, locale)``: a sandbox emulating ``platform`` with its archive."""

    def make(platform: str, locale: str) -> SandboxServer:
        archive = dev_widget.zip_path if platform == "amocrm" else kommo_widget.zip_path
        return make_sandbox(Path(archive), locale=locale, platform=platform)

    return make


def panel_text(locale: str, key: str, platform: str) -> str:
    return text(locale, "domain.amocrm." + key, platform)


def amocrm_reads(page: Page) -> int | None:
    return page.evaluate("window.__sandbox.amocrmReads")


@pytest.mark.parametrize(("platform", "locale"), CASES)
def test_every_view_renders_in_the_locale_without_a_raw_key(
    platform: str, locale: str, page: Page, open_sandbox: Callable[..., Page],
    platform_sandbox: Callable[[str, str], SandboxServer], fresh_demo_backend: DemoBackend
) -> None:
    open_sandbox({"reset": 1}, sandbox=platform_sandbox(platform, locale))
    panel = page.locator(".asng-panel")
    expect(panel).to_be_visible()
    expect(page.locator(".asng-dial__input")).to_have_attribute(
        "placeholder", panel_text(locale, "panel.input_hint", platform))
    page.locator(".asng-dial__input").fill("qqqzzz")  # the option list, with its "no matches" line
    expect(page.locator(".asng-options")).to_contain_text(panel_text(locale, "panel.no_contacts", platform))
    fresh_demo_backend.start_incoming_call(DEMO_USER_ID, phone="79990001122")  # an unknown caller
    expect(page.locator(".asng-call__name")).to_have_text(
        panel_text(locale, "panel.unknown_contact", platform))
    expect(page.locator(".asng-call__hangup")).to_have_attribute("aria-label",
                                                                 panel_text(locale, "panel.hangup", platform))
    page.evaluate("window.__sandbox.openSettings()")
    status = page.locator(".asng-settings__status-text")
    expect(status).to_have_text(panel_text(locale, "settings.status.connected", platform), timeout=10_000)
    walked = page.evaluate(RAW_KEY_JS)
    assert walked["found"] == []
    assert walked["texts"] >= 20  # the walk saw the panel, the call and the settings form
    if platform == "kommo":
        assert amocrm_reads(page) == 0
        assert page.evaluate("typeof window.AMOCRM") == "undefined"


@pytest.mark.parametrize("locale", ["es", "pt"])
def test_kommo_click2call_and_its_failure_notice_use_app_only(
    locale: str, page: Page, open_sandbox: Callable[..., Page],
    platform_sandbox: Callable[[str, str], SandboxServer], fresh_demo_backend: DemoBackend
) -> None:
    open_sandbox({"reset": 1}, sandbox=platform_sandbox("kommo", locale))
    wait_until(page, lambda: fresh_demo_backend.requests_for("get_agent_status"), what="the first poll")
    page.locator("#sandbox-page .sandbox-phone").first.click()
    wait_until(page, lambda: [r for r in fresh_demo_backend.requests_for("originate")
                              if r.status_code == 200],
               what="the originate request")
    fresh_demo_backend.remote_hangup(DEMO_USER_ID)
    fresh_demo_backend.inject_fault("status", 401, method="originate", times=1)
    page.locator("#sandbox-page .sandbox-phone").first.click()
    tray = page.locator("#sandbox-tray [data-type=show_message_error]")
    expect(tray).to_contain_text(panel_text(locale, "notification.call_failed.header", "kommo"))
    expect(tray).to_contain_text(panel_text(locale, "errors.invalid_secret_key", "kommo"))
    assert amocrm_reads(page) == 0


def test_kommo_leaves_host_globals_and_builtins_unchanged(
    page: Page, open_sandbox: Callable[..., Page],
    platform_sandbox: Callable[[str, str], SandboxServer], fresh_demo_backend: DemoBackend
) -> None:
    snapshot_before_widget(page)
    open_sandbox({"reset": 1}, sandbox=platform_sandbox("kommo", "en"))
    expect(page.locator(".asng-panel")).to_be_visible()
    fresh_demo_backend.start_incoming_call(DEMO_USER_ID, phone="79990001122")
    expect(page.locator(".asng-call")).to_be_visible(timeout=10_000)
    page.locator(".asng-call__mute").click()
    page.evaluate("window.__sandbox.openSettings(); window.__sandbox.closeSettings()")
    page.evaluate("window.__sandbox.widget.callbacks.destroy()")
    assert host_changes(page) == {"new globals": [], "for-in": [], "enumerable": {}}
    assert amocrm_reads(page) == 0


@pytest.mark.parametrize(("platform", "locale"), CASES)
def test_screenshot_of_the_panel_in_each_locale(platform: str, locale: str, page: Page,
                                                open_sandbox: Callable[..., Page],
                                                platform_sandbox: Callable[[str, str], SandboxServer],
                                                fresh_demo_backend: DemoBackend,
                                                screenshot_dir: Path) -> None:
    """docs/screenshots/locale_<platform>_<locale>.png: a call in the panel and the settings form."""
    open_sandbox({"reset": 1}, sandbox=platform_sandbox(platform, locale))
    contact = fresh_demo_backend.phonebook.search("", 1)[0]
    fresh_demo_backend.start_incoming_call(DEMO_USER_ID, phone=contact.phone)
    expect(page.locator(".asng-call__name")).to_have_text(contact.name, timeout=10_000)
    page.evaluate("window.__sandbox.openSettings()")
    expect(page.locator(".asng-settings__status-text")).to_have_text(
        panel_text(locale, "settings.status.connected", platform), timeout=10_000)
    page.mouse.move(0, 0)
    path = screenshot_dir / f"locale_{platform}_{locale}.png"
    page.screenshot(path=str(path))
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("locale", ["en", "es", "pt"])
def test_kommo_post_call_card_saves_through_app_in_the_locale(
    locale: str, page: Page, open_sandbox: Callable[..., Page],
    platform_sandbox: Callable[[str, str], SandboxServer], fresh_demo_backend: DemoBackend
) -> None:
    fresh_demo_backend.configure(long_poll_seconds=2.0)
    server = platform_sandbox("kommo", locale)
    open_sandbox({"reset": 1}, sandbox=server)
    card = known_call(page, fresh_demo_backend)
    card_text = {key: text(locale, "domain.amocrm.postcall." + key, "kommo")
                 for key in ("save", "skip", "task_default", "due_hour")}
    expect(card.save).to_have_text(card_text["save"])
    expect(card.skip).to_have_text(card_text["skip"])
    card.note.fill("Nota: " + locale)
    card.task_on.check()
    expect(card.task_text).to_have_value(card_text["task_default"])
    expect(card.preset("hour")).to_have_text(card_text["due_hour"])
    assert card.root.evaluate("(card) => !!card.closest('.asng-panel')")  # inside what RAW_KEY_JS walks
    assert page.evaluate(RAW_KEY_JS)["found"] == []
    card.save.click()
    expect(card.root).to_be_hidden()
    saved = state(server)
    assert [note["params"]["text"] for note in saved["notes"]] == ["Nota: " + locale]
    assert [task["text"] for task in saved["tasks"]] == [card_text["task_default"]]
    assert amocrm_reads(page) == 0
