"""The sandbox's options, one object from the command line down to the HTTP server."""

from __future__ import annotations

from dataclasses import dataclass

from sandbox import proxy
from sandbox.defaults import DEMO_USER_EMAIL, DEMO_USER_ID, DEMO_USER_NAME
from sandbox.host_page import HostUser


@dataclass(frozen=True)
class SandboxOptions:
    """How the sandbox listens and whom the page pretends to be (port 0 = any free port)."""

    host: str = "127.0.0.1"
    port: int = 0
    user_id: int = DEMO_USER_ID
    user_email: str = DEMO_USER_EMAIL
    user_name: str = DEMO_USER_NAME
    locale: str = "ru"
    # "amocrm" (APP and its deprecated twin AMOCRM) or "kommo" (APP only).
    platform: str = "amocrm"
    proxy_timeout: float = proxy.DEFAULT_TIMEOUT
    log_requests: bool = False

    @property
    def user(self) -> HostUser:
        """The amoCRM user of the page."""
        return HostUser(id=self.user_id, email=self.user_email, name=self.user_name)
