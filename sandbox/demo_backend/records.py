"""A bounded log of the protocol requests a demo backend received, for tests to inspect."""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Any

DEFAULT_MAX_RECORDS = 10_000


@dataclass
class RequestRecord:
    """One protocol request.

    ``method``/``params``/``headers``/``request_id`` are None when the body could not be
    decoded. ``status_code`` is the protocol status answered (an int), None while a long
    poll is still waiting or when no protocol status was sent (dropped, non-JSON, no
    headers); ``fault`` names the fault kind that shaped the answer, if any. ``time`` is when
    the request arrived, ``answered`` when its answer was ready (None while a long poll waits):
    together they say how many requests the backend held at once.
    """

    time: float
    method: str | None
    params: Any
    headers: Any
    request_id: int | None
    status_code: int | None = None
    fault: str | None = None
    answered: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, as ``GET /control/requests`` returns it."""
        return {
            "time": self.time,
            "method": self.method,
            "params": self.params,
            "headers": self.headers,
            "request_id": self.request_id,
            "status_code": self.status_code,
            "fault": self.fault,
            "answered": self.answered,
        }


class RequestLog:
    """Thread-safe, keeps the newest ``max_records`` requests."""

    def __init__(self, max_records: int = DEFAULT_MAX_RECORDS) -> None:
        self._lock = threading.Lock()
        self._records: deque[RequestRecord] = deque(maxlen=max(1, max_records))

    def add(
        self, method: str | None, params: Any, headers: Any, request_id: int | None
    ) -> RequestRecord:
        """Record a request as it arrives (before it is answered) and return its record."""
        record = RequestRecord(time.time(), method, params, headers, request_id)
        with self._lock:
            self._records.append(record)
        return record

    def all(self) -> list[RequestRecord]:
        """Every kept record, oldest first."""
        with self._lock:
            return list(self._records)

    def for_method(self, method: str) -> list[RequestRecord]:
        """The kept records of one method, oldest first."""
        with self._lock:
            return [r for r in self._records if r.method == method]

    def clear(self) -> None:
        """Forget every record."""
        with self._lock:
            self._records.clear()
