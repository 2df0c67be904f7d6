"""The live loader (``build.py loader``) against a running ``build.py serve``, on two origins.

The sandbox page on 127.0.0.1:A runs the loader archive (as a real amoCRM account would); ``serve``
runs on localhost:B from a temporary copy of the sources. The widget works through the loader,
an edited module arrives with the next reload, and with ``serve`` stopped the page gets one
notification naming the dev URL while every callback still returns true and nothing is thrown.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page

from sandbox.demo_backend import DemoBackend
from sandbox.server import SandboxServer
from tests.support.page_errors import PageErrors
from tests.support.waiting import wait_until
from widgetbuild.config import BuildConfig
from widgetbuild.pipeline import build

REPO_ROOT = Path(__file__).resolve().parents[2]
SERVE_START_S = 60.0  # the first (cold) build of serve on a busy machine
REBUILD_S = 30.0
PROBE = "window.asngLoaderProbe = 'edited';"
# serve in a child process, building from the temporary copy instead of the checkout.
SERVE = """
import functools, sys
sys.path.insert(0, {root!r})
from widgetbuild import config as cfg
cfg.BuildConfig = functools.partial(cfg.BuildConfig, source_dir=__import__('pathlib').Path({source!r}),
                                    blank_dir=__import__('pathlib').Path({blank!r}))
import build
build.cli(['serve', '--port', {port!r}, '--out-dir', {out!r}])
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _fetch(url: str) -> bytes | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as answer:
            return answer.read()
    except (urllib.error.URLError, OSError):
        return None


class Serve:
    """``build.py serve`` in a child process, building from a copy of the sources."""

    def __init__(self, root: Path) -> None:
        self.source = root / "widget_src"
        self.port = _free_port()
        self.dev_url = f"http://localhost:{self.port}"
        shutil.copytree(REPO_ROOT / "widget_src", self.source, ignore=shutil.ignore_patterns("__pycache__"))
        shutil.copytree(REPO_ROOT / "blank", root / "blank")
        code = SERVE.format(root=str(REPO_ROOT), source=str(self.source), blank=str(root / "blank"),
                            port=str(self.port), out=str(root / "out"))
        self.process = subprocess.Popen([sys.executable, "-c", code], cwd=root, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)

    def script(self) -> bytes | None:
        return _fetch(f"http://127.0.0.1:{self.port}/widget/script.js")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=15)


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Serve]:
    running = Serve(tmp_path)
    try:
        yield running
    finally:
        running.stop()


def _lifecycle_returns(page: Page) -> list[object]:
    return [entry.get("returned") for entry in page.evaluate("window.__sandbox.lifecycle")]


def test_the_loader_runs_serves_build_picks_up_edits_and_survives_a_stopped_serve(
        serve: Serve, tmp_path: Path, page: Page, page_errors: PageErrors, fresh_demo_backend: DemoBackend,
        make_sandbox: Callable[..., SandboxServer], open_sandbox: Callable[..., Page]) -> None:
    wait_until(page, serve.script, SERVE_START_S, "serve's first build")
    loader = build(BuildConfig(dev=True, out_dir=tmp_path / "loader", loader_url=serve.dev_url))
    assert serve.dev_url.encode() in loader.files["loader.json"]
    sandbox = make_sandbox(loader.zip_path)
    assert sandbox.url.startswith("http://127.0.0.1:")

    # 1. The widget works: the real script comes from serve, Click2Call reaches the demo backend.
    open_sandbox(sandbox=sandbox)
    wait_until(page, lambda: page.evaluate("!!(window.__sandbox.widget"
                                           " && window.__sandbox.widget.asteriskng)"),
               what="the real widget, loaded from serve")
    page.locator("#sandbox-page .sandbox-phone").first.click()
    wait_until(page,
               lambda: [r for r in fresh_demo_backend.requests_for("originate") if r.status_code == 200],
               what="the originate request through the loaded widget")
    assert all(value is True for value in _lifecycle_returns(page))

    # 2. An edited module: serve rebuilds, a reload runs the new code.
    assert page.evaluate("window.asngLoaderProbe") is None
    script = serve.source / "script.py"
    script.write_text(script.read_text(encoding="utf-8") + f"\n__pragma__('js', '{{}}', \"{PROBE}\")\n",
                      encoding="utf-8")
    wait_until(page, lambda: PROBE.split(" = ")[0].encode() in (serve.script() or b""), REBUILD_S,
               "serve's rebuild")
    open_sandbox(sandbox=sandbox)
    wait_until(page, lambda: page.evaluate("window.asngLoaderProbe") == "edited", what="the edited module")

    # 3. serve stopped: one notification naming the dev URL, callbacks still true, nothing thrown.
    serve.stop()
    open_sandbox(sandbox=sandbox)
    found = wait_until(page, lambda: page.evaluate("window.__sandbox.notifications"),
                       what="the loader's notification")
    page.wait_for_function("window.__sandbox.lifecycle.length >= 3")
    assert len(found) == 1
    payload = found[0]["payload"]
    assert f"{serve.dev_url}/widget/script.js" in payload["text"]
    assert "serve" in payload["text"]
    assert _lifecycle_returns(page) == [True, True, True]
    assert page.evaluate("window.__sandbox.errors") == []
    # Chromium's own line for the refused connection is the scenario, not a page error.
    refused = [e for e in page_errors if "Failed to load resource" in e and f"localhost:{serve.port}" in e]
    assert len(refused) <= 1
    for entry in refused:
        page_errors.remove(entry)
    assert page_errors.messages() == []
