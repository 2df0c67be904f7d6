"""Browser rig: headless Debian Chromium driven by plain ``playwright.sync_api``, plus sandbox fixtures.

Fixtures (override ``sandbox_archive`` / ``sandbox_options`` in a test module to change what runs):

* ``browser`` (session)         one Chromium for the whole run
* ``context`` / ``page``        fresh per test (clean localStorage), 10 s default timeout
* ``page_errors``               ``pageerror`` + ``console.error`` messages of ``page``; the test fails at
                                teardown if any are left (clear the list, or mark the test
                                ``@pytest.mark.expect_page_errors``, when they are expected). Failed
                                loads of ``/proxy`` and the control relay are not counted: an HTTP
                                error there is the scenario, handled by the widget's error callback
* ``fresh_demo_backend``              a fresh ``DemoBackend`` on 127.0.0.1:0
* ``sandbox_archive``           the widget archive to run (``$WIDGET_ARCHIVE``, else the ``dev_widget``
                                build fixture if defined, else build/widget.zip)
* ``sandbox_options``           ``SandboxOptions`` fields for ``sandbox`` (default ``{}``)
* ``sandbox``                   a started ``SandboxServer`` for ``sandbox_archive`` wired to
                                ``fresh_demo_backend``
* ``make_sandbox``              factory ``make_sandbox(archive, backend_url=None, **options)`` for odd setups
* ``open_sandbox``              ``open_sandbox(query=None, *, sandbox=None, wait=True)`` → page at the host
                                page, waited until ``body[data-widget-state=ready]``
* ``wait_widget_ready``         ``wait_widget_ready(page)``: that wait alone (after ``page.reload()``)
* ``screenshot_dir``            docs/screenshots/ when ASTERISKNG_SCREENSHOTS=1, else a temp dir
"""

from __future__ import annotations

import os
import shutil
import urllib.parse
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from sandbox.demo_backend import DemoBackend
from sandbox.options import SandboxOptions
from sandbox.server import SandboxServer
from tests.support.page_errors import PageErrors, watch_errors

REPO_ROOT = Path(__file__).resolve().parents[2]

CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DEFAULT_TIMEOUT_MS = 10_000
READY_TIMEOUT_MS = 10_000


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "expect_page_errors: the test expects page errors; page_errors does not fail it"
    )


# --- browser -------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium (Debian's; Playwright cannot download its own here) for the session."""
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    """A fresh browser context (own storage) per test."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 800})
    ctx.set_default_timeout(DEFAULT_TIMEOUT_MS)
    yield ctx
    ctx.close()


@pytest.fixture
def page_errors(request: pytest.FixtureRequest) -> Iterator[PageErrors]:
    """Errors seen on ``page``; any left at teardown fail the test (unless marked expect_page_errors)."""
    errors = PageErrors()
    yield errors
    if errors and request.node.get_closest_marker("expect_page_errors") is None:
        pytest.fail("page errors during the test:\n  " + "\n  ".join(errors.messages()), pytrace=False)


@pytest.fixture
def page(context: BrowserContext, page_errors: PageErrors, make_sandbox: Any) -> Iterator[Page]:
    """A page whose uncaught errors and console.error messages land in ``page_errors``."""
    pg = context.new_page()

    watch_errors(pg, page_errors)
    yield pg
    # Let queued console/pageerror events arrive, and count what the host page recorded itself
    # (errors thrown inside callbacks it calls, RequireJS failures).
    if pg.is_closed() or not pg.url.startswith("http"):
        return
    pg.wait_for_timeout(50)
    recorded = pg.evaluate("window.__sandbox ? window.__sandbox.errors : []")
    page_errors.extend(f"__sandbox.errors: {e['kind']}: {e['message']}" for e in recorded)
    # Closed here, before make_sandbox (set up earlier, so torn down later) stops the servers: a page
    # still loading from a stopped server would log errors that are not the widget's.
    pg.close()


@pytest.fixture(scope="session")
def screenshot_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where screenshot tests write: docs/screenshots/ with ASTERISKNG_SCREENSHOTS=1, else a temp dir.

    The screenshots in docs/ are refreshed on purpose, not by every test run.
    """
    if os.environ.get("ASTERISKNG_SCREENSHOTS") == "1":
        directory = REPO_ROOT / "docs" / "screenshots"
        directory.mkdir(parents=True, exist_ok=True)
        return directory
    return tmp_path_factory.mktemp("screenshots")


# --- servers -------------------------------------------------------------------------------------


@pytest.fixture
def fresh_demo_backend() -> Iterator[Any]:
    """A fresh in-memory demo AsteriskNG backend (its ``.url`` is the protocol endpoint)."""
    backend = DemoBackend(port=0).start()
    yield backend
    backend.stop()


@pytest.fixture
def sandbox_archive(request: pytest.FixtureRequest) -> Path:
    """The widget archive the ``sandbox`` fixture runs; override it to run another one.

    ``$WIDGET_ARCHIVE`` if set, else the session's fresh ``--dev`` build (the ``dev_widget``
    fixture of tests/conftest.py) when that fixture exists, else build/widget.zip.
    """
    if os.environ.get("WIDGET_ARCHIVE"):
        path = Path(os.environ["WIDGET_ARCHIVE"])
    else:
        try:
            return Path(request.getfixturevalue("dev_widget").zip_path)
        except pytest.FixtureLookupError:
            path = REPO_ROOT / "build" / "widget.zip"
    if not path.is_file():
        pytest.skip(f"no widget archive at {path} (build it first)")
    return path


@pytest.fixture
def sandbox_options() -> dict[str, Any]:
    """SandboxOptions fields (e.g. ``proxy_timeout``, ``locale``) for ``sandbox``; override per module."""
    return {}


@pytest.fixture
def make_sandbox(fresh_demo_backend: Any) -> Iterator[Callable[..., SandboxServer]]:
    """Factory for started SandboxServers (stopped at teardown); backend defaults to
    ``fresh_demo_backend``."""
    started: list[SandboxServer] = []

    def make(archive: str | Path, backend_url: str | None = None, **options: Any) -> SandboxServer:
        # Another backend's phonebook is not known here; the page then lists the demo phonebook.
        phonebook = fresh_demo_backend.phonebook if backend_url is None else None
        server = SandboxServer(
            archive, backend_url or fresh_demo_backend.url, SandboxOptions(**options), phonebook=phonebook
        ).start()
        started.append(server)
        return server

    yield make
    for server in started:
        server.stop()


@pytest.fixture
def sandbox(
    make_sandbox: Callable[..., SandboxServer], sandbox_archive: Path, sandbox_options: dict[str, Any]
) -> SandboxServer:
    """A started sandbox running ``sandbox_archive`` against ``fresh_demo_backend``."""
    return make_sandbox(sandbox_archive, **sandbox_options)


@pytest.fixture
def open_sandbox(page: Page, request: pytest.FixtureRequest) -> Callable[..., Page]:
    """``open_sandbox(query=None, *, sandbox=None, wait=True)``: load the host page on ``page``.

    ``query`` is a dict or a ready query string (``navigation=render-only&reset=1``). With
    ``wait`` it returns once ``body[data-widget-state=ready]``; a load failure raises with the
    page's recorded errors instead of timing out.
    """

    def open_(query: dict[str, Any] | str | None = None, *, sandbox: SandboxServer | None = None,
              wait: bool = True) -> Page:
        server = sandbox or request.getfixturevalue("sandbox")
        qs = urllib.parse.urlencode(query) if isinstance(query, dict) else (query or "")
        page.goto(server.url + "/" + (f"?{qs}" if qs else ""))
        if wait:
            wait_ready(page)
        return page

    return open_


@pytest.fixture
def wait_widget_ready() -> Callable[..., None]:
    """``wait_widget_ready(page, timeout_ms=10000)``: the wait ``open_sandbox`` does (e.g. after a reload)."""
    return wait_ready


def wait_ready(page: Page, timeout_ms: int = READY_TIMEOUT_MS) -> None:
    """Wait until the widget ran render/init/bind_actions; raise with the reason if loading failed."""
    page.wait_for_selector("body[data-widget-state=ready], body[data-widget-state=error]",
                           state="attached", timeout=timeout_ms)
    if page.get_attribute("body", "data-widget-state") == "error":
        reason = page.evaluate("window.__sandbox.stateReason || ''")
        errors = page.evaluate("window.__sandbox.errors")
        raise AssertionError(f"the widget failed to load: {reason}\nrecorded errors: {errors}")
