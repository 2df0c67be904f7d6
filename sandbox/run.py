"""Start the sandbox (and, unless a backend URL is given, the embedded demo backend) for a person."""

from __future__ import annotations

import signal
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sandbox.archive import ArchiveError
from sandbox.options import SandboxOptions
from sandbox.server import SandboxServer

# What can go wrong starting a sandbox because of its options (not a bug): see start_problem.
START_ERRORS = (ArchiveError, OSError, OverflowError)


@dataclass
class RunningSandbox:
    """A started sandbox plus the demo backend it owns (``None`` when using an external backend)."""

    sandbox: SandboxServer
    backend: Any = None

    @property
    def url(self) -> str:
        """The host page URL."""
        return self.sandbox.url + "/"

    def stop(self) -> None:
        """Stop the sandbox, then the demo backend it started."""
        self.sandbox.stop()
        if self.backend is not None:
            self.backend.stop()


def start_sandbox(
    archive_path: str | Path, backend_url: str | None = None, options: SandboxOptions | None = None
) -> RunningSandbox:
    """Start a sandbox in background threads; without ``backend_url`` also start a demo backend.

    Does not block: the caller (``python -m sandbox`` or the build's ``serve`` command, which
    also watches sources) decides how long to run and calls ``stop()``.
    """
    backend = None
    phonebook = None
    if backend_url is None:
        # Imported here: an external backend needs none of the demo backend's server code.
        from sandbox.demo_backend import DemoBackend

        backend = DemoBackend(port=0).start()
        backend_url = backend.url
        phonebook = backend.phonebook
    try:
        sandbox = SandboxServer(archive_path, backend_url, options, phonebook=phonebook).start()
    except BaseException:
        if backend is not None:
            backend.stop()
        raise
    return RunningSandbox(sandbox, backend)


def run_sandbox(
    archive_path: str | Path, backend_url: str | None = None, options: SandboxOptions | None = None
) -> None:
    """Start the sandbox (see :func:`start_sandbox`), print its URL, serve until Ctrl-C."""
    running = start_sandbox(archive_path, backend_url, options)
    print(f"amoCRM sandbox: {running.url}", flush=True)
    print(f"  widget archive: {Path(archive_path)}", flush=True)
    if running.backend is not None:
        print(f"  demo backend:   {running.sandbox.backend_url} (control API {running.sandbox.control_url}/)")
    else:
        print(f"  backend:        {running.sandbox.backend_url}")
    print("Press Ctrl-C to stop.", flush=True)
    stop_on_sigterm()
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        print("\nstopping", flush=True)
    finally:
        running.stop()


def start_problem(error: BaseException) -> tuple[str, int]:
    """The one-line message and exit code for one of :data:`START_ERRORS` (shared by both CLIs)."""
    if isinstance(error, ArchiveError):
        return f"error: {error}", 2
    if isinstance(error, OverflowError):  # the socket layer's word for a port outside 0-65535
        return f"error: cannot start the sandbox: the port must be 0 to 65535 ({error})", 2
    return f"error: cannot start the sandbox: {error}", 1


def stop_on_sigterm() -> None:
    """Stop as cleanly on ``kill`` (SIGTERM, a process manager, a test) as on Ctrl-C."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)


def _raise_keyboard_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
