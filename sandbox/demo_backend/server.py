"""The demo backend over HTTP: the protocol endpoint plus a JSON control API for tests and demos.

Endpoints (all on one ``127.0.0.1`` server; every answer carries CORS headers
``Access-Control-Allow-Origin: *`` and ``OPTIONS`` preflights are answered, so a control
strip on a page of another origin can drive it):

``POST /asterisk_ng?secret_key=K`` — the protocol (docs/protocol.md): form body with one
field ``json``. HTTP is always 200; the protocol status is ``headers.status_code`` in the
JSON body (unless a fault says otherwise).

Control API. POST bodies are JSON objects; answers are JSON, ``{"ok": true, ...}`` on
success, HTTP 400 ``{"ok": false, "error": "..."}`` for a bad body or an impossible
action (e.g. hold without a call), HTTP 404 for an unknown action.

| request                     | JSON body / query                                 | answer                   |
|-----------------------------|---------------------------------------------------|--------------------------|
| POST /control/incoming_call | {"amouser_id": 7, "phone": "79161234567"}         | {"ok", "status":         |
|                             | or {"amouser_id": 7, "contact_uuid": "<uuid>"}    |  AgentStatus}            |
| POST /control/outgoing_call | as incoming_call (agent dialled on a desk phone)  | {"ok", "status"}         |
| POST /control/remote_hangup | {"amouser_id": 7}                                 | {"ok", "hung_up": bool}  |
| POST /control/set_hold      | {"amouser_id": 7, "is_hold": true}                | {"ok", "status"}         |
| POST /control/set_mute      | {"amouser_id": 7, "is_mute": true}                | {"ok", "status"}         |
| POST /control/fault         | {"kind": "latency", "value": 2.5,                 | {"ok", "faults": [...]}  |
|                             |  "method": "originate" (optional),                |                          |
|                             |  "times": 2 (optional)}                           |                          |
| POST /control/clear_faults  | {}                                                | {"ok", "faults": []}     |
| POST /control/config        | any of secret_key, version_mode, exception_style, | {"ok", "config": {...}}  |
|                             | status_codes_as_strings, long_poll_seconds,       |                          |
|                             | long_poll_timeout_status                          |                          |
| POST /control/reset         | {} — clears state, faults and recorded requests   | {"ok"}                   |
| GET /control/state          | ?amouser_id=7                                     | {"amouser_id", "status", |
|                             |                                                   |  "last_contacts"}        |
| GET /control/requests       | ?method=originate (optional)                      | {"requests": [record]}   |
| GET /control/faults         |                                                   | {"faults": [...]}        |
| GET /control/config         |                                                   | {"config": {...}}        |
| GET /control/phonebook      | ?start_with=Ив&max_results=20                     | {"contacts": [Contact +  |
|                             |                                                   |  contact_id]}            |

Fault kinds and their values are listed in faults.py (latency, status, non_json,
no_headers, drop, secret_key, huge_contacts, agent_status_result, exception). A request
record is ``{time, method, params, headers, request_id, status_code, fault, answered}``.
"""

from __future__ import annotations

import json
import socket
import sys
import threading
from collections.abc import Callable
from http.server import ThreadingHTTPServer
from typing import Any, Self

from sandbox.http_base import BaseHandler

from . import control
from .backend import BackendFacade
from .protocol import encode_status

PROTOCOL_PATH = "/asterisk_ng"
CONTROL_PREFIX = "/control/"
# A client that stops sending mid-request must not hold a thread for ever.
SOCKET_TIMEOUT_SECONDS = 30.0

CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Max-Age": "600",
}


class _Handler(BaseHandler):
    """Routes one HTTP request to the protocol or the control API of ``backend``."""

    backend: DemoBackend  # set on a per-backend subclass
    server_version = "AsteriskNG-demo/1.0"
    timeout = SOCKET_TIMEOUT_SECONDS

    # -- plumbing ------------------------------------------------------------------

    def log_message(self, format: str, *args: Any) -> None:
        if self.backend.verbose:
            sys.stderr.write(f"[demo-backend] {self.address_string()} {format % args}\n")

    def extra_headers(self) -> dict[str, str]:
        return CORS_HEADERS

    def _error(self, http_status: int, message: str) -> None:
        self.send_json(http_status, {"ok": False, "error": message})

    def _drop(self) -> None:
        # Close without a single byte of HTTP, as a crashing server or a broken proxy does.
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    # -- verbs ---------------------------------------------------------------------

    def do_OPTIONS(self) -> None:
        """CORS preflight: allow any origin, the requested headers and private network access."""
        extra = {"Access-Control-Allow-Headers": self.headers.get("Access-Control-Request-Headers")
                 or "Content-Type"}
        if self.headers.get("Access-Control-Request-Private-Network"):
            extra["Access-Control-Allow-Private-Network"] = "true"
        self.send(204, b"", headers=extra)

    def do_GET(self) -> None:
        """Control views, and a small index at ``/``."""
        try:
            path, query = self.split_url()
        except ValueError as exc:
            self._error(400, str(exc))
            return
        if path == "/":
            self.send_json(200, {"service": "AsteriskNG demo backend", "protocol_url": self.backend.url,
                                 "control_url": self.backend.control_url,
                                 "views": sorted(control.GET_VIEWS), "actions": sorted(control.POST_ACTIONS)})
        elif path.startswith(CONTROL_PREFIX):
            self._control(lambda: control.run_get(self.backend, path[len(CONTROL_PREFIX):], query))
        elif path.rstrip("/") == PROTOCOL_PATH:
            self._error(405, "the protocol endpoint takes POST")
        else:
            self._error(404, f"no such path {path}")

    def do_POST(self) -> None:
        """The protocol endpoint and control actions."""
        try:
            path, query = self.split_url()
        except ValueError as exc:
            self._error(400, str(exc))
            return
        body = self.read_body()
        if path.rstrip("/") == PROTOCOL_PATH:
            self._protocol(query, body)
        elif path.startswith(CONTROL_PREFIX):
            if body is None:
                self._error(413, "body too large")
                return
            try:
                decoded = json.loads(body) if body.strip() else {}
            except ValueError as exc:
                self._error(400, f"body is not JSON: {exc}")
                return
            self._control(lambda: control.run_post(self.backend, path[len(CONTROL_PREFIX):], decoded))
        else:
            self._error(404, f"no such path {path}")

    # -- endpoints -----------------------------------------------------------------

    def _protocol(self, query: dict[str, list[str]], body: bytes | None) -> None:
        backend = self.backend
        if body is None:
            reply = encode_status(400, "body too large", backend.config.status_codes_as_strings)
        else:
            keys = query.get("secret_key")
            reply = backend.protocol.handle(keys[0] if keys else None, body)
        if reply.body is None:
            self._drop()
        else:
            self.send(200, reply.body, reply.content_type)

    def _control(self, run: Callable[[], dict[str, Any]]) -> None:
        try:
            payload = run()
        except control.UnknownAction as exc:
            self._error(404, f"unknown control action {exc}")
        except control.ControlRequestError as exc:
            self._error(400, str(exc))
        else:
            self.send_json(200, payload)


class _Server(ThreadingHTTPServer):
    # Daemon threads: a waiting long poll must never keep the interpreter alive.
    daemon_threads = True
    allow_reuse_address = True


class DemoBackend(BackendFacade):
    """The demo backend served on ``host:port`` (port 0 = any free port) in a daemon thread.

    Takes :class:`BackendFacade`'s options, plus ``verbose`` (log requests to stderr).
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0, *args: Any, verbose: bool = False,
                 **options: Any) -> None:
        super().__init__(*args, **options)
        self.host = host
        self.verbose = verbose
        self._requested_port = port
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None
        self._lifecycle = threading.Lock()

    def start(self) -> Self:
        """Bind and serve in a background daemon thread; returns self."""
        with self._lifecycle:
            if self._httpd is not None:
                return self
            handler = type("DemoBackendHandler", (_Handler,), {"backend": self})
            self.accept_waiters()
            self._httpd = _Server((self.host, self._requested_port), handler)
            self._thread = threading.Thread(
                target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                name=f"demo-backend-{self.port}", daemon=True,
            )
            self._thread.start()
            return self

    def stop(self) -> None:
        """Stop serving; waiting long polls and latency faults return at once."""
        with self._lifecycle:
            httpd, thread = self._httpd, self._thread
            if httpd is None:
                return
            self.release_waiters()
            httpd.shutdown()
            httpd.server_close()
            if thread is not None:
                thread.join(timeout=5)
            self._httpd = self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        """True between start() and stop()."""
        return self._httpd is not None

    @property
    def port(self) -> int:
        """The bound port (raises RuntimeError before start())."""
        if self._httpd is None:
            raise RuntimeError("DemoBackend is not started")
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        """``http://host:port`` of the running server."""
        host = "127.0.0.1" if self.host in ("", "0.0.0.0") else self.host
        return f"http://{host}:{self.port}"

    @property
    def url(self) -> str:
        """The protocol endpoint, e.g. ``http://127.0.0.1:8765/asterisk_ng``."""
        return self.base_url + PROTOCOL_PATH

    @property
    def control_url(self) -> str:
        """The control API prefix, e.g. ``http://127.0.0.1:8765/control/``."""
        return self.base_url + CONTROL_PREFIX
