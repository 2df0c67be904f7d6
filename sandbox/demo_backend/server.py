"""An in-memory demo AsteriskNG backend over HTTP, with a JSON control API for tests and demos.

Endpoints (all on one ``127.0.0.1`` server; every answer carries CORS headers
``Access-Control-Allow-Origin: *`` and ``OPTIONS`` preflights are answered, so a control
strip on a page of another origin can drive it):

``POST /asterisk_ng?secret_key=K`` — the protocol (docs/protocol.md): form body with one
field ``json``. HTTP is always 200; the protocol status is ``headers.status_code`` in the
JSON body (unless a fault says otherwise).

Control API. POST bodies are JSON objects; answers are JSON, ``{"ok": true, ...}`` on
success, HTTP 400 ``{"ok": false, "error": "..."}`` for a bad body or an impossible
action (e.g. hold without a call), HTTP 404 for an unknown action.

| request                        | JSON body / query                                   | answer                         |
|--------------------------------|-----------------------------------------------------|--------------------------------|
| POST /control/incoming_call    | {"amouser_id": 7, "phone": "79161234567"}           | {"ok", "status": AgentStatus}  |
|                                | or {"amouser_id": 7, "contact_uuid": "<uuid>"}      |                                |
| POST /control/outgoing_call    | same as incoming_call (agent dialled on desk phone) | {"ok", "status"}               |
| POST /control/remote_hangup    | {"amouser_id": 7}                                   | {"ok", "hung_up": bool}        |
| POST /control/set_hold         | {"amouser_id": 7, "is_hold": true}                  | {"ok", "status"}               |
| POST /control/set_mute         | {"amouser_id": 7, "is_mute": true}                  | {"ok", "status"}               |
| POST /control/fault            | {"kind": "latency", "value": 2.5,                   | {"ok", "faults": [...]}        |
|                                |  "method": "originate" (optional),                  |                                |
|                                |  "times": 2 (optional)}                             |                                |
| POST /control/clear_faults     | {}                                                  | {"ok", "faults": []}           |
| POST /control/config           | any of secret_key, version_mode, exception_style,   | {"ok", "config": {...}}        |
|                                | status_codes_as_strings, long_poll_seconds,         |                                |
|                                | long_poll_timeout_status                            |                                |
| POST /control/reset            | {} — clears state, faults and recorded requests     | {"ok"}                         |
| GET /control/state             | ?amouser_id=7                                       | {"amouser_id", "status",       |
|                                |                                                     |  "last_contacts": [Contact]}   |
| GET /control/requests          | ?method=originate (optional)                        | {"requests": [record]}         |
| GET /control/faults            |                                                     | {"faults": [...]}              |
| GET /control/config            |                                                     | {"config": {...}}              |
| GET /control/phonebook         | ?start_with=Ив&max_results=20                       | {"contacts": [Contact +        |
|                                |                                                     |  contact_id]}                  |

Fault kinds and their values are listed in faults.py (latency, status, non_json,
no_headers, drop, secret_key, huge_contacts, agent_status_result, exception). A request
record is ``{time, method, params, headers, request_id, status_code, fault}``.
"""

from __future__ import annotations

import json
import socket
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

from . import control
from .faults import Fault, FaultSet, make_fault
from .phonebook import Phonebook
from .protocol import ProtocolConfig, ProtocolHandler, encode_status
from .records import DEFAULT_MAX_RECORDS, RequestLog, RequestRecord
from .state import DEFAULT_LAST_CONTACTS_LIMIT, BackendState

if TYPE_CHECKING:  # typing.Self is 3.11+; annotations are strings, so import it for checkers only
    from typing import Self

PROTOCOL_PATH = "/asterisk_ng"
CONTROL_PREFIX = "/control/"
MAX_BODY_BYTES = 1024 * 1024
# A client that stops sending mid-request must not hold a thread for ever.
SOCKET_TIMEOUT_SECONDS = 30.0

CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Max-Age": "600",
}


class _Handler(BaseHTTPRequestHandler):
    """Routes one HTTP request to the protocol or the control API of ``backend``."""

    backend: DemoBackend  # set on a per-backend subclass
    server_version = "AsteriskNG-demo/1.0"
    timeout = SOCKET_TIMEOUT_SECONDS

    # -- plumbing ------------------------------------------------------------------

    def log_message(self, format: str, *args: Any) -> None:
        if self.backend.verbose:
            sys.stderr.write(f"[demo-backend] {self.address_string()} {format % args}\n")

    def _send(self, http_status: int, body: bytes, content_type: str = "application/json; charset=utf-8",
              extra: dict[str, str] | None = None) -> None:
        self.send_response(http_status)
        for name, value in {**CORS_HEADERS, **(extra or {})}.items():
            self.send_header(name, value)
        if body or http_status != 204:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if body and self.command != "HEAD":
            self.wfile.write(body)

    def _send_json(self, http_status: int, payload: Any) -> None:
        self._send(http_status, json.dumps(payload, ensure_ascii=False).encode("utf-8"))

    def _read_body(self) -> bytes | None:
        """The request body, or None if it is larger than MAX_BODY_BYTES."""
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = 0
        if length > MAX_BODY_BYTES:
            # Unread bytes would be taken for the next request: close after answering.
            self.close_connection = True
            return None
        return self.rfile.read(length) if length > 0 else b""

    def _drop(self) -> None:
        # Close without a single byte of HTTP, as a crashing server or a broken proxy does.
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _route(self) -> tuple[str, dict[str, list[str]]]:
        parts = urllib.parse.urlsplit(self.path)
        return parts.path, urllib.parse.parse_qs(parts.query, keep_blank_values=True, max_num_fields=100)

    # -- verbs ---------------------------------------------------------------------

    def do_OPTIONS(self) -> None:
        """CORS preflight: allow any origin, the requested headers and private network access."""
        extra = {"Access-Control-Allow-Headers": self.headers.get("Access-Control-Request-Headers")
                 or "Content-Type"}
        if self.headers.get("Access-Control-Request-Private-Network"):
            extra["Access-Control-Allow-Private-Network"] = "true"
        self._send(204, b"", extra=extra)

    def do_GET(self) -> None:
        """Control views, and a small index at ``/``."""
        try:
            path, query = self._route()
        except ValueError as exc:
            self._send_json(400, {"ok": False, "error": str(exc)})
            return
        if path == "/":
            self._send_json(200, {"service": "AsteriskNG demo backend", "protocol_url": self.backend.url,
                                  "control_url": self.backend.control_url,
                                  "views": sorted(control.GET_VIEWS), "actions": sorted(control.POST_ACTIONS)})
        elif path.startswith(CONTROL_PREFIX):
            self._control(lambda: control.run_get(self.backend, path[len(CONTROL_PREFIX):], query))
        elif path.rstrip("/") == PROTOCOL_PATH:
            self._send_json(405, {"ok": False, "error": "the protocol endpoint takes POST"})
        else:
            self._send_json(404, {"ok": False, "error": f"no such path {path}"})

    def do_POST(self) -> None:
        """The protocol endpoint and control actions."""
        try:
            path, query = self._route()
        except ValueError as exc:
            self._send_json(400, {"ok": False, "error": str(exc)})
            return
        body = self._read_body()
        if path.rstrip("/") == PROTOCOL_PATH:
            self._protocol(query, body)
        elif path.startswith(CONTROL_PREFIX):
            if body is None:
                self._send_json(413, {"ok": False, "error": "body too large"})
                return
            try:
                decoded = json.loads(body) if body.strip() else {}
            except ValueError as exc:
                self._send_json(400, {"ok": False, "error": f"body is not JSON: {exc}"})
                return
            self._control(lambda: control.run_post(self.backend, path[len(CONTROL_PREFIX):], decoded))
        else:
            self._send_json(404, {"ok": False, "error": f"no such path {path}"})

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
            self._send(200, reply.body, reply.content_type)

    def _control(self, run: Callable[[], dict[str, Any]]) -> None:
        try:
            payload = run()
        except control.UnknownAction as exc:
            self._send_json(404, {"ok": False, "error": f"unknown control action {exc}"})
        except control.ControlRequestError as exc:
            self._send_json(400, {"ok": False, "error": str(exc)})
        else:
            self._send_json(200, payload)


class _Server(ThreadingHTTPServer):
    # Daemon threads: a waiting long poll must never keep the interpreter alive.
    daemon_threads = True
    allow_reuse_address = True


class DemoBackend:
    """An in-memory AsteriskNG backend on ``host:port`` (port 0 = any free port).

    Options: ``secret_key``; ``version_mode`` "production" (any 1.x.y) or "test" (exactly
    1.0.0); ``status_codes_as_strings``; ``exception_style`` "seed" or "name";
    ``long_poll_seconds``; ``long_poll_timeout_status`` 200 or 408; ``clock`` (Unix
    seconds, for call timestamps); ``phonebook``; ``max_recorded_requests``;
    ``last_contacts_limit``; ``verbose`` (log requests to stderr).
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        secret_key: str = "AsteriskNG",
        *,
        version_mode: str = "production",
        status_codes_as_strings: bool = False,
        exception_style: str = "seed",
        long_poll_seconds: float = 9.0,
        long_poll_timeout_status: int = 200,
        clock: Callable[[], float] = time.time,
        phonebook: Phonebook | None = None,
        max_recorded_requests: int = DEFAULT_MAX_RECORDS,
        last_contacts_limit: int = DEFAULT_LAST_CONTACTS_LIMIT,
        verbose: bool = False,
    ) -> None:
        config = ProtocolConfig(
            secret_key=secret_key,
            version_mode=version_mode,
            status_codes_as_strings=status_codes_as_strings,
            exception_style=exception_style,
            long_poll_seconds=long_poll_seconds,
            long_poll_timeout_status=long_poll_timeout_status,
        )
        config.validate()
        self.host = host
        self.verbose = verbose
        self._requested_port = port
        self._state = BackendState(phonebook or Phonebook(), clock=clock, last_contacts_limit=last_contacts_limit)
        self._faults = FaultSet()
        self._log = RequestLog(max_recorded_requests)
        self._stop_event = threading.Event()
        self.protocol = ProtocolHandler(self._state, self._faults, self._log, config, self._stop_event)
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None
        self._lifecycle = threading.Lock()

    # -- lifecycle -------------------------------------------------------------------

    def start(self) -> Self:
        """Bind and serve in a background daemon thread; returns self."""
        with self._lifecycle:
            if self._httpd is not None:
                return self
            handler = type("DemoBackendHandler", (_Handler,), {"backend": self})
            self._stop_event.clear()
            self._state.resume()
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
            self._stop_event.set()
            self._state.stop()
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

    # -- configuration ---------------------------------------------------------------

    @property
    def config(self) -> ProtocolConfig:
        """The current protocol options."""
        return self.protocol.config

    def configure(self, **options: Any) -> ProtocolConfig:
        """Change protocol options at runtime (ProtocolConfig field names); returns the new config."""
        self.protocol.config = self.protocol.config.updated(**options)
        return self.protocol.config

    @property
    def phonebook(self) -> Phonebook:
        """The backend's phonebook."""
        return self._state.phonebook

    # -- recorded requests -----------------------------------------------------------

    @property
    def requests(self) -> list[RequestRecord]:
        """Every recorded protocol request, oldest first (the newest 10,000 by default)."""
        return self._log.all()

    def requests_for(self, method: str) -> list[RequestRecord]:
        """The recorded protocol requests of one method, oldest first."""
        return self._log.for_method(method)

    def reset(self) -> None:
        """Forget all agents' state, faults and recorded requests (config is kept)."""
        self._faults.clear()
        self._log.clear()
        self._state.reset()

    # -- state and PBX-side control --------------------------------------------------

    def agent_status(self, amouser_id: int) -> dict[str, Any]:
        """The agent's current AgentStatus (a copy)."""
        return self._state.agent_status(amouser_id)

    def last_contacts(self, amouser_id: int, max_results: int = DEFAULT_LAST_CONTACTS_LIMIT) -> list[dict[str, str]]:
        """The agent's recent contacts as protocol Contacts, most recent first."""
        return [c.to_wire() for c in self._state.last_contacts(amouser_id, max_results)]

    def start_incoming_call(
        self, amouser_id: int, phone: str | None = None, contact_uuid: str | None = None
    ) -> dict[str, Any]:
        """Ring the agent from ``phone`` or a phonebook ``contact_uuid``; returns the new status.

        Raises ControlError if the agent is already in a call or the arguments are wrong.
        """
        return self._state.incoming_call(amouser_id, phone=phone, contact_uuid=contact_uuid)

    def start_outgoing_call(
        self, amouser_id: int, phone: str | None = None, contact_uuid: str | None = None
    ) -> dict[str, Any]:
        """The agent dialled from the desk phone (not through the widget); returns the status."""
        return self._state.outgoing_call(amouser_id, phone=phone, contact_uuid=contact_uuid)

    def remote_hangup(self, amouser_id: int) -> bool:
        """The other party hangs up; False if the agent was not in a call."""
        return self._state.remote_hangup(amouser_id)

    def pbx_set_hold(self, amouser_id: int, is_hold: bool) -> None:
        """Hold / unhold the agent's call from the PBX side (ControlError outside a call)."""
        self._state.pbx_set_hold(amouser_id, is_hold)

    def pbx_set_mute(self, amouser_id: int, is_mute: bool) -> None:
        """Mute / unmute the agent from the PBX side (ControlError outside a call)."""
        self._state.pbx_set_mute(amouser_id, is_mute)

    # -- faults ----------------------------------------------------------------------

    def inject_fault(
        self, kind: str, value: Any = None, *, method: str | None = None, times: int | None = None
    ) -> Fault:
        """Activate a fault (kinds in faults.py); raises ValueError for a bad kind or value."""
        fault = make_fault(kind, value, method=method, times=times)
        self._faults.add(fault)
        return fault

    def clear_faults(self) -> None:
        """Remove every active fault."""
        self._faults.clear()

    @property
    def faults(self) -> list[Fault]:
        """Copies of the active faults, oldest first."""
        return self._faults.active()
