"""Run the demo backend standalone: ``python -m sandbox.demo_backend --port 8765``."""

from __future__ import annotations

import argparse
import sys
import threading

from sandbox.defaults import DEMO_SECRET

from .protocol import EXCEPTION_STYLES, VERSION_MODES
from .server import DemoBackend


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(
        prog="python -m sandbox.demo_backend", description="In-memory demo AsteriskNG backend."
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8765,
                        help="port to bind, 0 = any free port (default 8765)")
    parser.add_argument("--secret-key", default=DEMO_SECRET, help="required secret_key (default %(default)s)")
    parser.add_argument("--long-poll-seconds", type=float, default=9.0,
                        help="how long get_agent_status waits for a change (default 9.0)")
    parser.add_argument("--long-poll-timeout-status", type=int, choices=(200, 408), default=200,
                        help="answer of a long poll that saw no change (default 200)")
    parser.add_argument("--version-mode", choices=VERSION_MODES, default="production",
                        help="production: accept any 1.x.y; test: exactly 1.0.0 (default production)")
    parser.add_argument("--exception-style", choices=EXCEPTION_STYLES, default="seed",
                        help="seed: exception + exception_params; name: exception_name (default seed)")
    parser.add_argument("--status-codes-as-strings", action="store_true",
                        help='send headers.status_code as a string ("200", "404")')
    parser.add_argument("--quiet", action="store_true", help="do not log requests")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Start the backend, print its URLs and serve until interrupted."""
    args = parse_args(argv)
    try:
        backend = DemoBackend(
            args.host, args.port, secret_key=args.secret_key,
            version_mode=args.version_mode,
            status_codes_as_strings=args.status_codes_as_strings,
            exception_style=args.exception_style,
            long_poll_seconds=args.long_poll_seconds,
            long_poll_timeout_status=args.long_poll_timeout_status,
            verbose=not args.quiet,
        ).start()
    except (OSError, ValueError) as exc:
        print(f"error: cannot start the demo backend: {exc}", file=sys.stderr)
        return 1
    print(f"AsteriskNG demo backend: {backend.url}  (secret key: {args.secret_key})", flush=True)
    print(f"Control API: {backend.control_url}  (see sandbox/demo_backend/server.py)", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        backend.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
