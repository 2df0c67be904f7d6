"""Helpers to talk to a demo backend over HTTP with urllib, as the widget and a control page do."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from sandbox.defaults import DEMO_SECRET, DEMO_USER_EMAIL, DEMO_USER_ID
from sandbox.demo_backend import DemoBackend
from sandbox.demo_backend.protocol import ProtocolConfig

FIXED_NOW = 1669391112
AGENT = DEMO_USER_ID
SECRET = DEMO_SECRET
POLL_SECONDS = 0.3
# The options every test starts from; tests change them with backend.configure().
DEFAULT_CONFIG = ProtocolConfig(secret_key=SECRET, long_poll_seconds=POLL_SECONDS).to_dict()


def envelope(
    method: str,
    params: Any = None,
    *,
    amouser_id: Any = AGENT,
    version: Any = "1.0.0",
    request_id: int = 18,
    omit_params: bool = False,
) -> dict[str, Any]:
    """A protocol request envelope as the widget sends it."""
    content: dict[str, Any] = {"id": request_id, "jsonrpc": "2.0", "method": method}
    if not omit_params:
        content["params"] = {} if params is None else params
    headers = {"amouser_email": DEMO_USER_EMAIL, "amouser_id": amouser_id, "widget_version": version}
    return {"headers": headers, "content": content}


def post(url: str, body: bytes, timeout: float = 5.0,
         content_type: str = "application/x-www-form-urlencoded") -> tuple[int, bytes, dict[str, str]]:
    """POST ``body``; returns (HTTP status, body, headers) also for HTTP error statuses."""
    request = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": content_type})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), dict(exc.headers)


def protocol_url(backend: DemoBackend | str, secret: str | None = SECRET) -> str:
    """The protocol URL (of a backend, or given) with the secret key in the query string.

    No ``secret_key`` at all if ``secret`` is None.
    """
    url = backend if isinstance(backend, str) else backend.url
    if secret is None:
        return url
    return url + "?" + urllib.parse.urlencode({"secret_key": secret})


def post_form(
    backend: DemoBackend | str, fields: dict[str, str], secret: str | None = SECRET
) -> dict[str, Any]:
    """POST a form to the protocol endpoint; asserts HTTP 200 and returns the decoded JSON."""
    status, body, _ = post(protocol_url(backend, secret), urllib.parse.urlencode(fields).encode("utf-8"))
    assert status == 200
    decoded: dict[str, Any] = json.loads(body)
    return decoded


def call(backend: DemoBackend | str, method: str, params: Any = None, *, secret: str | None = SECRET,
         **envelope_options: Any) -> dict[str, Any]:
    """Send one protocol request the way the widget does and return the decoded answer."""
    return post_form(backend, {"json": json.dumps(envelope(method, params, **envelope_options))}, secret)


def result_of(answer: dict[str, Any]) -> Any:
    """The ``content.result.result`` of a successful answer (asserts it succeeded)."""
    assert answer["headers"] == {"status_code": 200, "detail": "success"}
    command = answer["content"]["result"]
    assert command["exception"] is None
    return command["result"]


def control(backend: DemoBackend, action: str, body: Any = None, *, method: str = "POST",
            query: str = "") -> tuple[int, Any, dict[str, str]]:
    """Call the control API; returns (HTTP status, decoded JSON, headers)."""
    url = backend.control_url + action + (("?" + query) if query else "")
    if method == "GET":
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.status, json.loads(response.read()), dict(response.headers)
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read()), dict(exc.headers)
    status, raw, headers = post(url, json.dumps(body if body is not None else {}).encode("utf-8"),
                                content_type="application/json")
    return status, json.loads(raw), headers
