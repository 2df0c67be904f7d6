"""Waiting on Python-side conditions (e.g. the demo backend's records) while a page keeps running."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page

# Generous waits: other browser suites share a small machine.
WAIT_MS = 8_000


def wait_until(page: Page, condition: Callable[[], Any], timeout: float = WAIT_MS / 1000,
               what: str = "condition") -> Any:
    """Poll ``condition`` until it is truthy and return its value; AssertionError after ``timeout`` s.

    The page's event loop keeps running between polls (``page.wait_for_timeout``).
    """
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        page.wait_for_timeout(25)
