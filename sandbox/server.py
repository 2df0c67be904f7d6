"""The sandbox HTTP server: an emulated amoCRM page that runs a built widget archive.

Routes (all on one origin, like amoCRM serving both the page and the widget's files):

* ``GET /``                      host page (``?locale=`` picks the i18n, ``?platform=kommo`` emulates Kommo;
                                 other options are read by the page)
* ``GET /sandbox/config.json``   the page config as JSON
* ``GET /sandbox/stats``         proxy counters: ``in_flight``, ``total``, ``failed``, ``timed_out``
* ``POST /proxy?url=<target>``   amoCRM's crm_post proxy (see :mod:`sandbox.proxy`)
* ``POST /sandbox/control/<action>``  relays a JSON body to the demo backend's control API, so the page
  needs no CORS from the backend
* ``GET /static/<path>``         host page assets; ``GET /vendor/<path>`` RequireJS and jQuery
* ``GET /widget/<path>``         files from the archive, never cached
* ``/api/v4/...``                the emulated amoCRM REST API v4 (contacts, notes, tasks), and
  ``/sandbox/amocrm-api/{faults,state,reset}`` its control (see :mod:`sandbox.amocrm_api`)
"""

from __future__ import annotations

import mimetypes
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Self

from sandbox import proxy
from sandbox.amocrm_api import API_PREFIX, CONTROL_PREFIX, AmoApi
from sandbox.archive import ArchiveError, WidgetArchive
from sandbox.demo_backend.phonebook import Phonebook
from sandbox.host_page import HOST_DIR, PLATFORMS, VENDOR_DIR, build_config, control_url_for, render_page
from sandbox.http_base import BaseHandler
from sandbox.options import SandboxOptions

# Control actions answer at once; a short cap keeps a wedged backend from hanging the strip.
CONTROL_TIMEOUT = 5.0
# The widget's files may be loaded by a page on another origin (the live loader in a real amoCRM
# account): allowed from any origin, embeddable cross-origin. Only the archive's files, not the proxy.
CROSS_ORIGIN_HEADERS = {"Access-Control-Allow-Origin": "*", "Cross-Origin-Resource-Policy": "cross-origin"}
# Chrome's Private/Local Network Access preflight: a public page may read from loopback.
PREFLIGHT_HEADERS = {"Access-Control-Allow-Methods": "GET", "Access-Control-Allow-Headers": "*",
                     "Access-Control-Allow-Private-Network": "true", "Access-Control-Max-Age": "600"}


class SandboxServer:
    """The sandbox on ``options.host:options.port`` (port 0 = any free port), serving in daemon threads.

    ``phonebook`` is the demo backend's (its first entries are the page's contacts); without
    one the page lists the default demo phonebook.

    Usage::

        with SandboxServer("build/widget.zip", backend.url, SandboxOptions(locale="en")) as sandbox:
            page.goto(sandbox.url)
    """

    def __init__(
        self,
        archive_path: str | Path,
        backend_url: str,
        options: SandboxOptions | None = None,
        *,
        phonebook: Phonebook | None = None,
    ) -> None:
        self.archive = WidgetArchive(Path(archive_path))
        self.backend_url = backend_url
        self.control_url = control_url_for(backend_url)
        self.options = options or SandboxOptions()
        self.contacts = (phonebook or Phonebook()).contacts
        self.stats = proxy.ProxyStats()
        self.amo_api = AmoApi(self.contacts, self.options.user.id)
        self._httpd: _Httpd | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """``http://host:port`` of the running server (no trailing slash)."""
        if self._httpd is None:
            raise RuntimeError("SandboxServer is not started")
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> Self:
        """Check the archive, bind and serve in a daemon thread; raises ArchiveError for a bad archive."""
        self.archive.snapshot()
        self._httpd = _Httpd((self.options.host, self.options.port), _Handler, self)
        # A short poll interval makes stop() quick (shutdown waits for the loop's next poll).
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="sandbox-http", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket (in-flight proxy threads are daemons and just die)."""
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def page_config(self, locale: str | None = None, platform: str | None = None) -> dict[str, Any]:
        """The host page config; a broken archive gives a config with ``archiveError`` set."""
        context: dict[str, Any] = {
            "backend_url": self.backend_url,
            "user": self.options.user,
            "locale": locale or self.options.locale,
            "platform": platform if platform in PLATFORMS else self.options.platform,
            "contacts": self.contacts,
        }
        try:
            return build_config(self.archive.snapshot(), **context)
        except ArchiveError as exc:
            # A rebuild can break the archive while the server runs: show why on the page.
            return build_config(None, archive_error=str(exc), **context)


class _Httpd(ThreadingHTTPServer):
    daemon_threads = True
    # Parallel long polls plus page loads can exceed the default backlog of 5 under tests.
    request_queue_size = 64

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler], app: SandboxServer):
        self.app = app
        super().__init__(address, handler)


class _Handler(BaseHandler):
    server: _Httpd
    server_version = "AmoSandbox/1.0"

    # --- dispatch ----------------------------------------------------------------------------

    def do_GET(self) -> None:
        try:
            path, query = self.split_url()
        except ValueError as exc:
            self.send_text(400, f"bad query: {exc}")
            return
        if path.startswith((API_PREFIX, CONTROL_PREFIX)):
            self._amo_api(path, query, b"")
        elif path in ("/", "/index.html"):
            self.send(200, render_page(self._config(query)), "text/html; charset=utf-8")
        elif path == "/sandbox/config.json":
            self.send_json(200, self._config(query))
        elif path == "/sandbox/stats":
            self.send_json(200, self.server.app.stats.as_dict())
        elif path.startswith("/widget/"):
            self._send_widget_file(path[len("/widget/") :])
        elif path.startswith("/static/"):
            self._send_file(HOST_DIR, path[len("/static/") :])
        elif path.startswith("/vendor/"):
            self._send_file(VENDOR_DIR, path[len("/vendor/") :])
        elif path == "/favicon.ico":
            self.send(204, b"", "image/x-icon", no_store=False)
        else:
            self.send_text(404, f"not found: {path}")

    def do_OPTIONS(self) -> None:
        """The preflight a browser may send before a public page reads the widget's files from loopback."""
        path = urllib.parse.urlsplit(self.path).path
        if path.startswith("/widget/"):
            self.send(204, b"", "text/plain", headers={**CROSS_ORIGIN_HEADERS, **PREFLIGHT_HEADERS})
        else:
            self.send_text(404, f"not found: {path}")

    def do_POST(self) -> None:
        try:
            path, query = self.split_url()
        except ValueError as exc:
            self.send_text(400, f"bad query: {exc}")
            return
        body = self.read_body()
        if body is None:
            self.send_text(413, "request body missing length or too large")
            return
        if path.startswith((API_PREFIX, CONTROL_PREFIX)):
            self._amo_api(path, query, body)
        elif path == "/proxy":
            self._proxy(query, body)
        elif path.startswith("/sandbox/control/"):
            self._relay_control(path[len("/sandbox/control/") :], body)
        else:
            self.send_text(404, f"not found: {path}")

    # --- routes ------------------------------------------------------------------------------

    def _proxy(self, query: dict[str, list[str]], body: bytes) -> None:
        target = (query.get("url") or [""])[0]
        if not target:
            self.send_text(400, "sandbox proxy: missing ?url=<target>")
            return
        app = self.server.app
        app.stats.begin()
        result = proxy.ProxyResult(500, "text/plain", b"sandbox proxy: internal error\n")
        try:
            result = proxy.forward(target, body, timeout=app.options.proxy_timeout)
        finally:
            # Count the request as finished before the page sees the answer, so a test that
            # reads the stats right after its callback ran never sees a stale in-flight count.
            app.stats.end(result)
        self.send(result.status, result.body, result.content_type)

    def _amo_api(self, path: str, query: dict[str, list[str]], body: bytes) -> None:
        api = self.server.app.amo_api
        status, headers, answer = api.handle(self.command, path, query, self.headers, body)
        if answer is None:  # the "drop" fault: close the connection without a word
            self.close_connection = True
            return
        content_type = headers.pop("Content-Type", "application/json")
        self.send(status, answer, content_type, headers=headers)

    def _relay_control(self, action: str, body: bytes) -> None:
        app = self.server.app
        target = f"{app.control_url}/{urllib.parse.quote(action, safe='/')}"
        result = proxy.forward(
            target, body, timeout=CONTROL_TIMEOUT, content_type="application/json", pass_http_errors=True
        )
        self.send(result.status, result.body, result.content_type)

    def _send_widget_file(self, name: str) -> None:
        try:
            data = self.server.app.archive.read(urllib.parse.unquote(name))
        except ArchiveError as exc:
            self.send_text(500, str(exc))
            return
        if data is None:
            self.send_text(404, f"not in the widget archive: {name}")
            return
        # Never cached: the serve command rebuilds the archive under the same URLs. Readable from any
        # origin: the live loader (build.py loader) loads script.js from an amoCRM account's page.
        self.send(200, data, _content_type(name), headers=CROSS_ORIGIN_HEADERS)

    def _send_file(self, root: Path, rel: str) -> None:
        target = (root / urllib.parse.unquote(rel)).resolve()
        if root not in target.parents or not target.is_file():
            self.send_text(404, f"not found: {rel}")
            return
        self.send(200, target.read_bytes(), _content_type(target.name))

    # --- helpers -----------------------------------------------------------------------------

    def _config(self, query: dict[str, list[str]]) -> dict[str, Any]:
        first = {name: (values or [None])[0] for name, values in query.items()}
        return self.server.app.page_config(first.get("locale"), first.get("platform"))

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.app.options.log_requests:
            super().log_message(format, *args)


def _content_type(name: str) -> str:
    if name.endswith(".js"):
        return "application/javascript; charset=utf-8"
    guessed, _ = mimetypes.guess_type(name)
    if guessed is None:
        return "application/octet-stream"
    return f"{guessed}; charset=utf-8" if guessed.startswith("text/") or guessed.endswith("json") else guessed
