"""What the sandbox server and the demo backend's server share: body reading and answer sending."""

from __future__ import annotations

import json
import urllib.parse
from http.server import BaseHTTPRequestHandler
from typing import Any

JSON_TYPE = "application/json; charset=utf-8"
TEXT_TYPE = "text/plain; charset=utf-8"
MAX_BODY_BYTES = 1024 * 1024


class BaseHandler(BaseHTTPRequestHandler):
    """A request handler with bounded body reading and one way to send an answer.

    Subclasses add headers to every answer by overriding :meth:`extra_headers`.
    """

    max_body_bytes = MAX_BODY_BYTES

    def extra_headers(self) -> dict[str, str]:
        """Headers sent with every answer (none by default)."""
        return {}

    def split_url(self) -> tuple[str, dict[str, list[str]]]:
        """The request's path and parsed query; ValueError for a query with too many fields."""
        parts = urllib.parse.urlsplit(self.path)
        # A cap on fields keeps a hostile query from building a huge dict.
        return parts.path, urllib.parse.parse_qs(parts.query, keep_blank_values=True, max_num_fields=100)

    def read_body(self) -> bytes | None:
        """The request body; None if its length is malformed or above ``max_body_bytes``."""
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0 or length > self.max_body_bytes:
            # Unread bytes would be taken for the next request: close after answering.
            self.close_connection = True
            return None
        return self.rfile.read(length) if length else b""

    def send(
        self,
        status: int,
        body: bytes,
        content_type: str = JSON_TYPE,
        *,
        headers: dict[str, str] | None = None,
        no_store: bool = True,
    ) -> None:
        """Send one complete answer; a client that went away meanwhile is ignored."""
        try:
            self.send_response(status)
            for name, value in {**self.extra_headers(), **(headers or {})}.items():
                self.send_header(name, value)
            if body or status != 204:
                self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            if no_store:
                self.send_header("Cache-Control", "no-store")
            self.end_headers()
            if body and self.command != "HEAD":
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            # The page went away (navigation, closed test context) before the answer: harmless.
            pass

    def send_json(self, status: int, payload: Any) -> None:
        """Send ``payload`` as UTF-8 JSON."""
        self.send(status, json.dumps(payload, ensure_ascii=False).encode("utf-8"))

    def send_text(self, status: int, text: str) -> None:
        """Send a one-line plain-text answer (errors meant for a person)."""
        self.send(status, (text + "\n").encode("utf-8"), TEXT_TYPE, no_store=False)
