"""Start the sandbox (and, unless a backend URL is given, the embedded demo backend) for a person."""

from __future__ import annotations

import signal
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sandbox.options import SandboxOptions
from sandbox.server import SandboxServer


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
    if threading.current_thread() is threading.main_thread():
        # Stop as cleanly on `kill` (SIGTERM) as on Ctrl-C.
        signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        print("\nstopping", flush=True)
    finally:
        running.stop()


def _raise_keyboard_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
