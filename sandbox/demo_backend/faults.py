"""Fault injection for protocol requests: how a broken or slow AsteriskNG server behaves.

A fault is ``(kind, value, method, times)``: ``method`` None means every method, ``times``
None means until cleared, otherwise the fault applies to that many matching requests and
then disappears (handy for "fails twice, then recovers" tests). When several faults of
one kind match, the most recently injected wins.

| kind                | value                         | effect                                        |
|---------------------|-------------------------------|-----------------------------------------------|
| latency             | seconds (0..60)               | wait before answering                         |
| status              | status code (100..599)        | answer ``{"headers": {status_code, detail}}`` |
|                     |                               | only, without running the method              |
| non_json            | body text (optional)          | answer a body that is not JSON                |
| no_headers          | —                             | answer JSON without ``headers``               |
| drop                | —                             | close the socket without any HTTP response    |
| secret_key          | the key now required (string) | a changed secret key (``method`` ignored)     |
| huge_contacts       | N (1..100000)                 | get_contacts / get_last_contacts return N     |
| agent_status_result | any JSON                      | get_agent_status returns it as its result     |
| exception           | exception name (string)       | the method fails with this exception          |
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

MAX_FAULTS = 100
MAX_LATENCY_SECONDS = 60.0
MAX_HUGE_CONTACTS = 100_000

DEFAULT_NON_JSON_BODY = "<html><body><h1>502 Bad Gateway</h1></body></html>"


@dataclass
class Fault:
    """One injected fault; see the module docstring for the kinds."""

    kind: str
    value: Any = None
    method: str | None = None
    times: int | None = None

    def matches(self, kind: str, method: str | None) -> bool:
        """True if this fault is of ``kind`` and applies to ``method``."""
        return self.kind == kind and (self.method is None or self.method == method)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, as the control API shows it."""
        return asdict(self)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _latency(value: Any) -> float:
    is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if not is_number or not 0 <= value <= MAX_LATENCY_SECONDS:
        raise ValueError(f"latency value must be seconds between 0 and {MAX_LATENCY_SECONDS:g}")
    return float(value)


def _status(value: Any) -> int:
    if not _is_int(value) or not 100 <= value <= 599:
        raise ValueError("status value must be an integer status code 100..599")
    return int(value)


def _non_json(value: Any) -> str:
    if value is None:
        return DEFAULT_NON_JSON_BODY
    if isinstance(value, str):
        return value
    raise ValueError("non_json value must be a string (the body) or null")


def _non_empty_string(kind: str) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if not isinstance(value, str) or not value:
            raise ValueError(f"{kind} value must be a non-empty string")
        return value

    return check


def _no_value(kind: str) -> Callable[[Any], None]:
    def check(value: Any) -> None:
        if value is not None:
            raise ValueError(f"{kind} takes no value")

    return check


def _huge_contacts(value: Any) -> int:
    if not _is_int(value) or not 1 <= value <= MAX_HUGE_CONTACTS:
        raise ValueError(f"huge_contacts value must be an integer 1..{MAX_HUGE_CONTACTS}")
    return int(value)


def _any_json(value: Any) -> Any:
    return value


# Each kind's value check: returns the value to store (normalised) or raises ValueError.
VALUE_CHECKS: dict[str, Callable[[Any], Any]] = {
    "latency": _latency,
    "status": _status,
    "non_json": _non_json,
    "no_headers": _no_value("no_headers"),
    "drop": _no_value("drop"),
    "secret_key": _non_empty_string("secret_key"),
    "huge_contacts": _huge_contacts,
    "agent_status_result": _any_json,
    "exception": _non_empty_string("exception"),
}
FAULT_KINDS = tuple(VALUE_CHECKS)


def make_fault(kind: str, value: Any = None, method: str | None = None, times: int | None = None) -> Fault:
    """Validate and build a fault; raises ValueError with a readable message."""
    check = VALUE_CHECKS.get(kind)
    if check is None:
        raise ValueError(f"unknown fault kind {kind!r}; expected one of {', '.join(FAULT_KINDS)}")
    if method is not None and not isinstance(method, str):
        raise ValueError("method must be a string or null")
    if times is not None and (not _is_int(times) or times < 1):
        raise ValueError("times must be a positive integer or null")
    return Fault(kind=kind, value=check(value), method=method, times=times)


class FaultSet:
    """The active faults of one backend; thread-safe and bounded."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def add(self, fault: Fault) -> None:
        """Activate ``fault``; the oldest is dropped beyond MAX_FAULTS."""
        with self._lock:
            self._faults.append(fault)
            del self._faults[:-MAX_FAULTS]

    def clear(self) -> None:
        """Remove every fault."""
        with self._lock:
            self._faults.clear()

    def active(self) -> list[Fault]:
        """Copies of the active faults, oldest first."""
        with self._lock:
            return [Fault(**asdict(f)) for f in self._faults]

    def take(self, kind: str, method: str | None) -> Fault | None:
        """Return the newest fault of ``kind`` for ``method`` and count one use of it."""
        with self._lock:
            for fault in reversed(self._faults):
                if fault.matches(kind, method):
                    if fault.times is not None:
                        fault.times -= 1
                        if fault.times <= 0:
                            self._faults.remove(fault)
                    return fault
            return None
