"""Shared fixtures of the sandbox tests."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# The repository root holds the `sandbox` package; the venv's pytest script does not put
# it on sys.path by itself.
_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from sandbox.demo_backend import DemoBackend
from tests.sandbox.demo_backend_client import DEFAULT_CONFIG, FIXED_NOW, POLL_SECONDS, SECRET


@pytest.fixture(scope="session")
def shared_demo_backend() -> Iterator[DemoBackend]:
    """One server for the whole session: starting and stopping one per test costs more."""
    backend = DemoBackend(secret_key=SECRET, long_poll_seconds=POLL_SECONDS, clock=lambda: FIXED_NOW + 0.75)
    backend.start()
    yield backend
    backend.stop()


@pytest.fixture
def demo_backend(shared_demo_backend: DemoBackend) -> DemoBackend:
    """The shared demo backend, reset to empty state, no faults and the default options."""
    shared_demo_backend.reset()
    shared_demo_backend.configure(**DEFAULT_CONFIG)
    return shared_demo_backend

