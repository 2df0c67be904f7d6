"""The sandbox's stand-in for amoCRM's ``crm_post`` proxy.

amoCRM forwards a widget's ``crm_post`` form POST from its own servers to the widget's backend
and gives up after about 10 seconds. :func:`forward` does the same from the sandbox server; the
page reaches it as ``POST /proxy?url=<urlencoded target>``. Failures become 502 (504 on
timeout) with a short plain-text reason, so the page's jQuery error callback fires with
``textStatus == 'error'`` exactly as it would behind the real proxy.

:class:`ProxyStats` counts in-flight and finished requests; tests compare the in-flight count
before and after a scenario to catch leaked (never answered) requests.
"""

from __future__ import annotations

import http.client
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

DEFAULT_TIMEOUT = 10.0
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
# Far above anything the protocol sends; it only stops a runaway backend from filling memory.
MAX_RESPONSE_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class ProxyResult:
    """What the sandbox answers to the page: HTTP status, content type and body."""

    status: int
    content_type: str
    body: bytes


class ProxyStats:
    """Thread-safe counters of proxied requests."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._in_flight = 0
        self._total = 0
        self._failed = 0
        self._timed_out = 0

    def begin(self) -> None:
        """Count a request that has started."""
        with self._lock:
            self._in_flight += 1
            self._total += 1

    def end(self, result: ProxyResult) -> None:
        """Count a request that has finished with ``result``."""
        with self._lock:
            self._in_flight -= 1
            if result.status != 200:
                self._failed += 1
            if result.status == 504:
                self._timed_out += 1

    def as_dict(self) -> dict[str, int]:
        """A consistent copy of the counters: ``in_flight``, ``total``, ``failed``, ``timed_out``."""
        with self._lock:
            return {
                "in_flight": self._in_flight,
                "total": self._total,
                "failed": self._failed,
                "timed_out": self._timed_out,
            }


def _fail(status: int, reason: str) -> ProxyResult:
    return ProxyResult(status, "text/plain; charset=utf-8", f"sandbox proxy: {reason}\n".encode())


def forward(
    target_url: str,
    body: bytes,
    timeout: float = DEFAULT_TIMEOUT,
    *,
    content_type: str = FORM_CONTENT_TYPE,
    pass_http_errors: bool = False,
) -> ProxyResult:
    """POST ``body`` (form-encoded by default) to ``target_url``; never raises.

    ``timeout`` caps the whole exchange (connect + wait + read), like amoCRM's proxy cap.
    An HTTP error status from the target becomes 502, unless ``pass_http_errors`` asks to hand
    the target's own status and body through (used for the control relay, not for crm_post).
    """
    parsed = urllib.parse.urlsplit(target_url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        return _fail(400, f"only http(s) URLs can be proxied, got {target_url!r}")
    deadline = time.monotonic() + timeout
    request = urllib.request.Request(
        target_url, data=body, method="POST", headers={"Content-Type": content_type}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = _read_until(response, deadline)
            content_type = response.headers.get("Content-Type", "application/octet-stream")
            return ProxyResult(200, content_type, body)
    except urllib.error.HTTPError as exc:
        if pass_http_errors:
            error_body = exc.read() if exc.fp is not None else b""
            return ProxyResult(exc.code, exc.headers.get("Content-Type", "text/plain"), error_body)
        return _fail(502, f"target answered HTTP {exc.code} {exc.reason}")
    except TimeoutError:
        return _fail(504, f"no answer from the target within {timeout:g} s")
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError):
            return _fail(504, f"no answer from the target within {timeout:g} s")
        return _fail(502, f"cannot reach the target: {exc.reason}")
    except (http.client.HTTPException, ConnectionError, OSError) as exc:
        # RemoteDisconnected, IncompleteRead, BadStatusLine, reset by peer...: the backend
        # dropped the connection or spoke garbage.
        return _fail(502, f"connection to the target failed: {type(exc).__name__}: {exc}")


def _read_until(response: http.client.HTTPResponse, deadline: float) -> bytes:
    # urlopen's timeout applies per socket operation; a backend that trickles bytes could
    # stretch a read far past the cap, so check the overall deadline between chunks.
    chunks: list[bytes] = []
    size = 0
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("read deadline passed")
        _set_read_timeout(response, remaining)
        chunk = response.read1(65536)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > MAX_RESPONSE_BYTES:
            raise http.client.HTTPException(f"response larger than {MAX_RESPONSE_BYTES} bytes")
        chunks.append(chunk)


def _set_read_timeout(response: http.client.HTTPResponse, seconds: float) -> None:
    sock = getattr(getattr(response, "fp", None), "raw", None)
    sock = getattr(sock, "_sock", None)
    if sock is not None:
        sock.settimeout(max(seconds, 0.001))
