"""Shared fixtures of the sandbox tests: one demo backend for the session, reset per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sandbox.demo_backend import DemoBackend
from tests.support.demo_backend_client import DEFAULT_CONFIG, FIXED_NOW, POLL_SECONDS, SECRET


@pytest.fixture(scope="session")
def session_demo_backend() -> Iterator[DemoBackend]:
    """One server for the whole session: starting and stopping one per test costs more."""
    backend = DemoBackend(secret_key=SECRET, long_poll_seconds=POLL_SECONDS, clock=lambda: FIXED_NOW + 0.75)
    backend.start()
    yield backend
    backend.stop()


@pytest.fixture
def shared_demo_backend(session_demo_backend: DemoBackend) -> DemoBackend:
    """The session's demo backend, reset to empty state, no faults and the default options.

    Shared, unlike tests/browser's ``fresh_demo_backend``: a test must not rely on its port
    or on anything a previous test left behind other than what reset() keeps.
    """
    session_demo_backend.reset()
    session_demo_backend.configure(**DEFAULT_CONFIG)
    return session_demo_backend
