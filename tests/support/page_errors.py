"""What a browser page reported as errors during a test."""

from __future__ import annotations

import urllib.parse

from playwright.sync_api import ConsoleMessage, Error, Page

# Chromium logs every non-2xx answer as console.error "Failed to load resource". For crm_post's
# proxy, the control relay and the emulated amoCRM REST API (the post-call card's faults) those
# answers are the scenario under test (the widget's error callbacks handle them), not page errors.
EXPECTED_FAILING_PATHS = ("/proxy", "/sandbox/control/", "/api/v4/")


class PageErrors(list):
    """Error messages the page produced: uncaught exceptions and ``console.error`` calls."""

    def messages(self) -> list[str]:
        """The recorded messages as strings."""
        return [str(m) for m in self]


def watch_errors(page: Page, errors: list[str]) -> None:
    """Record ``page``'s uncaught errors and console.error messages into ``errors``."""

    def on_console(msg: ConsoleMessage) -> None:
        if msg.type != "error":
            return
        url = msg.location.get("url", "")
        expected = urllib.parse.urlsplit(url).path.startswith(EXPECTED_FAILING_PATHS)
        if msg.text.startswith("Failed to load resource") and expected:
            return
        errors.append(f"console.error: {msg.text} ({url})")

    def on_page_error(exc: Error) -> None:
        errors.append(f"pageerror: {exc.message}")

    page.on("console", on_console)
    page.on("pageerror", on_page_error)
