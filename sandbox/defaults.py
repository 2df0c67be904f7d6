"""The sandbox's demo identity, defined once.

The sandbox page logs in as this amoCRM user and the demo backend expects this secret key;
the command line, the build's ``serve`` command, benchmarks and tests import these names
instead of repeating the values, so changing one changes them everywhere.
"""

from __future__ import annotations

DEMO_USER_ID = 7461242
DEMO_USER_EMAIL = "agent@example.com"
DEMO_USER_NAME = "Sandbox Agent"
DEMO_SECRET = "AsteriskNG"
