"""Helpers for the call panel's browser tests (test_call_panel.py): texts, locators, drags.

Plain functions and constants only; the fixtures live in the test module. Waits live in
tests.support.waiting, the widget's texts in tests.support.locale_text.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from playwright.sync_api import Locator, Page

from sandbox.defaults import DEMO_USER_ID
from sandbox.demo_backend import DemoBackend
from tests.support.locale_text import text

USER_ID = DEMO_USER_ID  # the sandbox's agent (amouser_id)
VIEWPORT = {"width": 1280, "height": 800}
STORAGE_KEY = "asteriskng.panel"
MIN_LENGTH_INTERNAL_NUMBER = 3
DEBOUNCE_MS = 250

# The demo phonebook's first entries (deterministic, see sandbox/demo_backend/phonebook.py).
IVANOV = {"name": "Александр Иванов", "phone": "79161000003", "contact_id": 10001}
SMITH = {"name": "James Smith", "phone": "14151007922", "contact_id": 10002}


def panel_text(locale: str, key: str) -> str:
    """``domain.amocrm.panel.<key>`` in ``locale``."""
    return text(locale, "domain.amocrm.panel." + key)


class Panel:
    """Locators of the panel's parts on ``page`` (class names from view.py)."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.root = page.locator(".asng-panel")
        self.header = page.locator(".asng-panel__header")
        self.title = page.locator(".asng-panel__title")
        self.toggle = page.locator(".asng-panel__toggle")
        self.body = page.locator(".asng-panel__body")
        self.connection = page.locator(".asng-panel__connection")
        self.problem = page.locator(".asng-panel__problem")
        self.alert = page.locator(".asng-panel__alert")
        self.call = page.locator(".asng-call")
        self.name = page.locator(".asng-call__name")
        self.timer = page.locator(".asng-call__timer")
        self.phone = page.locator(".asng-call__phone")
        self.mute = page.locator(".asng-call__mute")
        self.hold = page.locator(".asng-call__hold")
        self.hangup = page.locator(".asng-call__hangup")
        self.input = page.locator(".asng-dial__input")
        self.dial = page.locator(".asng-dial__call")
        self.spinner = page.locator(".asng-dial__spinner")
        self.options = page.locator(".asng-options")
        self.option = page.locator(".asng-options .asng-option")
        self.caption = page.locator(".asng-options__caption")
        self.empty = page.locator(".asng-options__empty")

    def option_texts(self) -> list[tuple[str, str]]:
        """``(name, phone)`` of every option shown."""
        return [tuple(pair) for pair in self.page.evaluate(
            """() => Array.from(document.querySelectorAll('.asng-options .asng-option')).map(o =>
                 [o.querySelector('.asng-option__name').textContent,
                  o.querySelector('.asng-option__phone').textContent])""")]

    def box(self) -> dict[str, float]:
        """The panel's bounding box (x, y, width, height) in CSS pixels."""
        box = self.root.bounding_box()
        assert box is not None, "the panel is not rendered"
        return box

    def stored(self) -> Any:
        """What the panel saved in localStorage (parsed), or None."""
        raw = self.page.evaluate(f"window.localStorage.getItem({STORAGE_KEY!r})")
        return json.loads(raw) if raw else None


def answered(backend: DemoBackend, method: str) -> list[Any]:
    """The requests of ``method`` the backend has answered, oldest first."""
    return [r for r in backend.requests_for(method) if r.status_code is not None or r.fault is not None]


def poll_in_flight(backend: DemoBackend) -> bool:
    """True when the backend holds a long poll of the widget (so a status change is delivered at once)."""
    return any(r.status_code is None and r.fault is None for r in backend.requests_for("get_agent_status"))


def settle(page: Page, ms: int = 600) -> None:
    """Give the page time to send anything more (used only to prove that nothing more is sent)."""
    page.wait_for_timeout(ms)


def seconds_of(timer: str) -> int:
    """``'01:05'`` -> 65, ``'1:01:40'`` -> 3700."""
    total = 0
    for part in timer.split(":"):
        total = total * 60 + int(part)
    return total


# The panel measures itself with offsetWidth/offsetHeight (whole pixels) while its real height may
# be fractional (e.g. 187.375 px in a call), so a panel clamped to an edge can stick out by < 1 px.
SUBPIXEL = 1.0


def assert_inside(
    box: dict[str, float], width: float = VIEWPORT["width"], height: float = VIEWPORT["height"]
) -> None:
    """The box lies inside a ``width`` x ``height`` window (within SUBPIXEL)."""
    assert box["x"] >= 0 and box["y"] >= 0, box
    assert box["x"] + box["width"] < width + SUBPIXEL, (box, width)
    assert box["y"] + box["height"] < height + SUBPIXEL, (box, height)


def drag_header(page: Page, panel: Panel, to_x: float, to_y: float) -> tuple[float, float]:
    """Drag the panel by its title with the left button to the pointer position ``(to_x, to_y)``.

    Returns where the pointer grabbed the header, as an offset from the panel's top-left corner.
    """
    box = panel.box()
    title = panel.title.bounding_box()
    assert title is not None
    grab_x, grab_y = title["x"] + 10, title["y"] + title["height"] / 2
    page.mouse.move(grab_x, grab_y)
    page.mouse.down()
    page.mouse.move(to_x, to_y, steps=6)
    page.mouse.up()
    return grab_x - box["x"], grab_y - box["y"]


def shot(page: Page, panel: Panel, path: Path, margin: int = 24) -> Path:
    """Screenshot of the panel with ``margin`` px of the page around it."""
    box = panel.box()
    x = max(0, box["x"] - margin)
    y = max(0, box["y"] - margin)
    clip = {"x": x, "y": y,
            "width": min(VIEWPORT["width"], box["x"] + box["width"] + margin) - x,
            "height": min(VIEWPORT["height"], box["y"] + box["height"] + margin) - y}
    page.screenshot(path=str(path), clip=clip, animations="disabled", caret="hide")
    return path


# Every computed style property of some host elements (outside the panel), by element.
HOST_STYLES_JS = """(selectors) => {
  const out = {};
  for (const sel of selectors) {
    const el = document.querySelector(sel);
    if (!el) { out[sel] = null; continue; }
    const cs = getComputedStyle(el);
    const props = {};
    for (let i = 0; i < cs.length; i++) { props[cs[i]] = cs.getPropertyValue(cs[i]); }
    out[sel] = props;
  }
  return out;
}"""

# Plain host elements of the kinds the panel uses, added to the host page for the style check.
HOST_PROBE_JS = """() => {
  const box = document.createElement('div');
  box.id = 'host-probe';
  box.innerHTML = '<button type="button" id="host-button">Host</button>' +
    '<input id="host-input" type="text" value="host">' +
    '<ul id="host-ul"><li id="host-li">item</li></ul>' +
    '<a id="host-a" href="#">link</a><span id="host-span">span</span>' +
    '<svg id="host-svg" viewBox="0 0 24 24" width="24" height="24"><path d="M0 0h24v24H0z"></path></svg>' +
    '<div id="host-div" role="region">div</div>';
  document.getElementById('sandbox-page').appendChild(box);
}"""
HOST_SELECTORS = ["body", "#host-button", "#host-input", "#host-ul", "#host-li", "#host-a", "#host-span",
                  "#host-svg", "#host-div", ".sandbox-btn", ".sandbox-input", ".sandbox-nav__item",
                  ".sandbox-header", ".sandbox-card"]


def locator_tag(locator: Locator) -> str:
    """The tag name (lower case) of the element ``locator`` points at."""
    tag: str = locator.evaluate("el => el.tagName.toLowerCase()")
    return tag
