"""Security of the running widget: server strings stay text, links stay local, the key stays
secret, and the host page's built-ins and globals are as the widget found them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from sandbox.defaults import DEMO_USER_ID
from sandbox.demo_backend import DemoBackend
from sandbox.demo_backend.phonebook import Contact, Phonebook
from tests.support.host_snapshot import host_changes, snapshot_before_widget

AGENT = DEMO_USER_ID
PAYLOADS = [
    "<img src=x onerror=alert(1)>",
    '"><script>alert(2)</script>',
    "<svg onload=alert(3)>",
    "javascript:alert(4)",
    "'><iframe src=javascript:alert(5)>",
]
# What the page must not contain inside the widget or amoCRM's notification tray afterwards.
INJECTED = "img, script, svg:not(.asng-icon), iframe"
SECRET = "S3cr3t-K3y-4sterisk"


@pytest.fixture
def dialogs(page: Page) -> list[str]:
    """Every alert/confirm the page tried to open (an executed payload would)."""
    opened: list[str] = []

    def on_dialog(dialog) -> None:
        opened.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    return opened


@pytest.fixture
def hostile_backend() -> DemoBackend:
    """A backend whose phonebook is made of XSS payloads."""
    contacts = [Contact(uuid=f"u{i}{payload}", name=f"{payload} {i}", phone=f"7916{i}{payload}",
                        contact_id=100 + i)
                for i, payload in enumerate(PAYLOADS)]
    backend = DemoBackend(port=0, long_poll_seconds=1.0, phonebook=Phonebook(contacts)).start()
    yield backend
    backend.stop()


def injected_elements(page: Page) -> int:
    return page.evaluate(
        "(sel) => [...document.querySelectorAll('.asng-root, #sandbox-tray')]"
        ".reduce((n, root) => n + root.querySelectorAll(sel).length, 0)", INJECTED)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_call_fields_are_shown_as_text(open_sandbox, fresh_demo_backend: DemoBackend, dialogs,
                                       payload: str) -> None:
    fresh_demo_backend.configure(long_poll_seconds=1.0)
    page = open_sandbox({"reset": 1})
    fresh_demo_backend.inject_fault("agent_status_result", {"status": "CONVERSATION", "call_info": {
        "unique_id": payload, "contact_name": payload, "contact_id": payload, "contact_phone": payload,
        "is_hold": False, "is_mute": False, "timestamp": 1700000000}})
    expect(page.locator(".asng-call__name")).to_have_text(payload, timeout=10_000)
    expect(page.locator(".asng-call__phone")).to_have_text(payload)
    assert page.locator("a.asng-call__name").count() == 0  # no link from a non-numeric id
    assert injected_elements(page) == 0
    assert dialogs == []


@pytest.mark.parametrize(("contact_id", "href"), [
    ("4183", "/contacts/detail/4183"), (4183, "/contacts/detail/4183"), ("javascript:alert(1)", None),
    ("https://evil.example/x", None), ("//evil.example", None), ("12/../../logout", None), ("12?x=1", None),
    (" 77 ", "/contacts/detail/77"),
])
def test_contact_link_only_points_to_a_local_contact_card(open_sandbox, fresh_demo_backend: DemoBackend,
                                                          contact_id, href) -> None:
    fresh_demo_backend.configure(long_poll_seconds=1.0)
    page = open_sandbox({"reset": 1})
    fresh_demo_backend.inject_fault("agent_status_result", {"status": "CONVERSATION", "call_info": {
        "contact_name": "Rose Peters", "contact_id": contact_id, "contact_phone": "105",
        "timestamp": 1700000000}})
    expect(page.locator(".asng-call__name")).to_have_text("Rose Peters", timeout=10_000)
    links = page.locator("a.asng-call__name")
    if href is None:
        assert links.count() == 0
    else:
        assert links.get_attribute("href") == href
        assert page.evaluate("document.querySelector('a.asng-call__name').href") == page.evaluate(
            "location.origin") + href


def test_phonebook_entries_and_errors_are_shown_as_text(open_sandbox, make_sandbox, sandbox_archive,
                                                        hostile_backend: DemoBackend, dialogs) -> None:
    page = open_sandbox({"reset": 1}, sandbox=make_sandbox(sandbox_archive, hostile_backend.url))
    box = page.locator(".asng-dial__input")
    box.fill("7916")
    expect(page.locator(".asng-option")).to_have_count(len(PAYLOADS), timeout=10_000)
    for index, payload in enumerate(PAYLOADS):
        expect(page.locator(".asng-option__name").nth(index)).to_have_text(f"{payload} {index}")
    # a method exception with a hostile name: shown in the panel and in amoCRM's (HTML) tray as text
    hostile_backend.inject_fault("exception", PAYLOADS[0], method="originate_by_contact")
    box.press("ArrowDown")
    box.press("Enter")
    page.locator(".asng-dial__call").click()
    expect(page.locator(".asng-panel__alert")).to_contain_text(PAYLOADS[0])
    hostile_backend.inject_fault("exception", PAYLOADS[2], method="originate")
    page.evaluate("window.__sandbox.clickPhone('105')")
    expect(page.locator(".sandbox-tray__text").first).to_contain_text(PAYLOADS[2])
    assert injected_elements(page) == 0
    assert dialogs == []


def test_the_secret_key_stays_in_the_password_field(open_sandbox, fresh_demo_backend: DemoBackend) -> None:
    settings = {"server": {"serverAddress": fresh_demo_backend.url, "secretKey": SECRET},
                "amocrm": {"showPanel": True, "enableNotification": True}}
    fresh_demo_backend.inject_fault("secret_key", SECRET)
    page = open_sandbox({"reset": 1, "settings": json.dumps(settings)})
    expect(page.locator(".asng-panel")).to_be_visible()
    page.evaluate("window.__sandbox.openSettings()")
    expect(page.locator(".asng-settings")).to_be_visible(timeout=10_000)
    widget_dom = page.evaluate("[...document.querySelectorAll('.asng-root')]"
                               ".map((n) => n.outerHTML).join('')")
    assert SECRET not in widget_dom
    assert SECRET not in page.evaluate("document.body.innerText")
    fields_with_key = page.evaluate(
        "(key) => [...document.querySelectorAll('.asng-root input')]"
        ".filter((i) => i.value === key).map((i) => i.type)",
        SECRET)
    assert fields_with_key == ["password"]


@pytest.fixture
def prod_sandbox_archive(prod_widget) -> Path:
    return Path(prod_widget.zip_path)


def test_prod_build_never_logs_the_secret_key(page: Page, open_sandbox, make_sandbox, prod_sandbox_archive,
                                              fresh_demo_backend: DemoBackend) -> None:
    logged: list[str] = []
    page.on("console", lambda message: logged.append(message.text))
    fresh_demo_backend.configure(long_poll_seconds=1.0)
    fresh_demo_backend.inject_fault("secret_key", SECRET)
    settings = {"server": {"serverAddress": fresh_demo_backend.url, "secretKey": SECRET},
                "amocrm": {"showPanel": True, "enableNotification": True}}
    page = open_sandbox({"reset": 1, "settings": json.dumps(settings)},
                        sandbox=make_sandbox(prod_sandbox_archive))
    expect(page.locator(".asng-panel")).to_be_visible()
    page.locator(".asng-dial__input").fill("105")
    page.locator(".asng-dial__call").click()
    fresh_demo_backend.inject_fault("secret_key", "another")  # now every request fails
    page.evaluate("window.__sandbox.clickPhone('106')")
    expect(page.locator(".sandbox-tray__item--error").first).to_be_visible(timeout=15_000)
    page.evaluate("window.__sandbox.navigate('list')")
    page.evaluate("window.__sandbox.widget.callbacks.destroy()")
    assert [line for line in logged if SECRET in line] == []
    assert [line for line in logged if "[AsteriskNG]" in line] == []  # a release build logs nothing





def test_host_globals_and_builtins_are_unchanged(page: Page, open_sandbox,
                                                 fresh_demo_backend: DemoBackend) -> None:
    snapshot_before_widget(page)
    fresh_demo_backend.configure(long_poll_seconds=1.0)
    open_sandbox({"reset": 1})
    expect(page.locator(".asng-panel")).to_be_visible()

    def changes() -> dict:
        return host_changes(page)

    assert changes() == {"new globals": [], "for-in": [], "enumerable": {}}
    # a full session: a call, the controls, a search, a page switch, the settings page
    fresh_demo_backend.start_incoming_call(AGENT, phone=fresh_demo_backend.phonebook.search("", 1)[0].phone)
    expect(page.locator(".asng-call")).to_be_visible(timeout=10_000)
    page.locator(".asng-call__mute").click()
    page.locator(".asng-dial__input").fill("Ив")
    expect(page.locator(".asng-option").first).to_be_visible(timeout=10_000)
    page.locator(".asng-call__hangup").click()
    page.evaluate("window.__sandbox.navigate('list')")
    page.evaluate("window.__sandbox.openSettings()")
    assert changes() == {"new globals": [], "for-in": [], "enumerable": {}}
    page.evaluate("window.__sandbox.closeSettings(); window.__sandbox.widget.callbacks.destroy()")
    assert changes() == {"new globals": [], "for-in": [], "enumerable": {}}
    assert page.locator(".asng-root").count() == 0
