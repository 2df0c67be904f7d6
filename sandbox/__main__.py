"""``python -m sandbox --archive build/widget.zip``: run the local amoCRM sandbox until Ctrl-C."""

from __future__ import annotations

import argparse
import sys

from sandbox.defaults import DEMO_USER_EMAIL, DEMO_USER_ID
from sandbox.options import SandboxOptions
from sandbox.run import START_ERRORS, run_sandbox, start_problem


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run the sandbox; returns the exit code."""
    parser = argparse.ArgumentParser(prog="python -m sandbox", description=__doc__)
    parser.add_argument(
        "--archive", default="build/widget.zip", help="widget archive to run (default: %(default)s)"
    )
    parser.add_argument(
        "--backend-url",
        default=None,
        help="AsteriskNG endpoint for crm_post; without it an embedded demo backend is started",
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on (default: %(default)s)")
    parser.add_argument(
        "--port", type=int, default=8800, help="port, 0 = any free port (default: %(default)s)"
    )
    parser.add_argument(
        "--user-id", type=int, default=DEMO_USER_ID, help="amoCRM user id (default: %(default)s)"
    )
    parser.add_argument("--user-email", default=DEMO_USER_EMAIL, help="amoCRM user e-mail")
    parser.add_argument(
        "--locale", default="ru", choices=["ru", "en", "es", "pt"],
        help="page language, one the archive ships (default: %(default)s)"
    )
    parser.add_argument(
        "--platform", default="amocrm", choices=["amocrm", "kommo"],
        help="amocrm: globals APP and AMOCRM; kommo: APP only (default: %(default)s)"
    )
    parser.add_argument("--verbose", action="store_true", help="log every HTTP request")
    args = parser.parse_args(argv)
    try:
        options = SandboxOptions(
            host=args.host,
            port=args.port,
            user_id=args.user_id,
            user_email=args.user_email,
            locale=args.locale,
            platform=args.platform,
            log_requests=args.verbose,
        )
        run_sandbox(args.archive, args.backend_url, options)
    except START_ERRORS as exc:
        message, code = start_problem(exc)
        print(message, file=sys.stderr)
        return code
    return 0


if __name__ == "__main__":
    sys.exit(main())
