"""The post-call card in the browser tests: its parts, the sandbox amoCRM API's control and state,
and a call that ends so that the card opens."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

from playwright.sync_api import Locator, Page, expect

from sandbox.demo_backend import DemoBackend
from sandbox.server import SandboxServer
from tests.support.panel import IVANOV, USER_ID, Panel, answered, poll_in_flight
from tests.support.waiting import WAIT_MS, wait_until


class Card:
    """Locators of the card's parts."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.root = page.locator(".asng-card")
        self.name = page.locator(".asng-card__name")
        self.phone = page.locator(".asng-card__phone")
        self.duration = page.locator(".asng-card__duration")
        self.note = page.locator(".asng-card__note")
        self.task_on = page.locator(".asng-card__task-on")
        self.task_text = page.locator(".asng-card__task-text")
        self.picker = page.locator(".asng-card__picker")
        self.create = page.locator(".asng-card__create")
        self.status = page.locator(".asng-card__status")
        self.save = page.locator(".asng-card__save")
        self.skip = page.locator(".asng-card__skip")
        self.indicator = page.locator(".asng-card-indicator")

    def preset(self, name: str) -> Locator:
        return self.page.locator(f".asng-card__preset[data-preset={name}]")


def api(sandbox: SandboxServer, action: str, body: Any = None) -> Any:
    """The sandbox amoCRM API's control: ``state``, ``reset`` or ``faults``."""
    url = f"{sandbox.url}/sandbox/amocrm-api/{action}"
    data = None if body is None else json.dumps(body).encode()
    method = "GET" if action == "state" else "POST"
    request = urllib.request.Request(url, data=data if method == "POST" else None, method=method,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=5) as answer:
        return json.loads(answer.read())


def state(sandbox: SandboxServer) -> dict[str, Any]:
    return api(sandbox, "state")


def outbox(page: Page) -> dict[str, Any]:
    """The agent's outbox in localStorage."""
    raw = page.evaluate(f"localStorage.getItem('asng.postcall.{USER_ID}')")
    return json.loads(raw) if raw else {"items": [], "done": []}


def writes(sandbox: SandboxServer) -> list[str]:
    return [f"{r['method']} {r['path']}" for r in state(sandbox)["requests"] if r["method"] == "POST"]


def ready(page: Page, backend: DemoBackend) -> None:
    wait_until(page, lambda: poll_in_flight(backend), what="a long poll held by the backend")
    wait_until(page, lambda: answered(backend, "get_last_contacts"), what="get_last_contacts")


def end_a_call(page: Page, backend: DemoBackend, **who: Any) -> None:
    """An incoming call the panel shows, then the other side hangs up and the panel's call ends."""
    ready(page, backend)
    panel = Panel(page)
    backend.start_incoming_call(USER_ID, **who)
    expect(panel.call).to_be_visible(timeout=WAIT_MS)
    backend.remote_hangup(USER_ID)
    expect(panel.call).to_be_hidden(timeout=WAIT_MS)


def talk_and_hang_up(page: Page, backend: DemoBackend, **who: Any) -> Card:
    """An incoming call, answered, then the other side hangs up: the card appears."""
    end_a_call(page, backend, **who)
    card = Card(page)
    expect(card.root).to_be_visible(timeout=WAIT_MS)
    return card


def uuid_of(backend: DemoBackend, name: str) -> str:
    return next(c.uuid for c in backend.phonebook.contacts if c.name == name)


def known_call(page: Page, backend: DemoBackend, who: dict[str, Any] = IVANOV) -> Card:
    return talk_and_hang_up(page, backend, contact_uuid=uuid_of(backend, who["name"]))


def save_while_amocrm_fails(sandbox: SandboxServer, card: Card, note: str, retrying: str) -> None:
    """Save ``note`` while every API request fails with 500 (until cleared); the card shows
    ``retrying`` (its "saving failed, retrying" text) and keeps the item queued."""
    api(sandbox, "faults", {"kind": "500", "times": 0})
    card.note.fill(note)
    card.save.click()
    expect(card.status).to_have_text(retrying, timeout=WAIT_MS)
