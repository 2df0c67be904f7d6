"""The demo backend without HTTP: protocol, per-agent state, faults and the request log behind one facade.

The control API (control.py) and the HTTP server (server.py) both drive a backend through
this facade; keeping it apart from the server means neither has to import the other.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from sandbox.defaults import DEMO_SECRET

from .faults import Fault, FaultSet, make_fault
from .phonebook import Phonebook
from .protocol import ProtocolConfig, ProtocolHandler
from .records import DEFAULT_MAX_RECORDS, RequestLog, RequestRecord
from .state import DEFAULT_LAST_CONTACTS_LIMIT, BackendState


class BackendFacade:
    """An in-memory AsteriskNG backend: answers protocol bodies, takes PBX-side commands.

    Options: ``secret_key``; ``version_mode`` "production" (any 1.x.y) or "test" (exactly
    1.0.0); ``status_codes_as_strings``; ``exception_style`` "seed" or "name";
    ``long_poll_seconds``; ``long_poll_timeout_status`` 200 or 408; ``clock`` (Unix
    seconds, for call timestamps); ``phonebook``; ``max_recorded_requests``;
    ``last_contacts_limit``.
    """

    def __init__(
        self,
        secret_key: str = DEMO_SECRET,
        *,
        version_mode: str = "production",
        status_codes_as_strings: bool = False,
        exception_style: str = "seed",
        long_poll_seconds: float = 9.0,
        long_poll_timeout_status: int = 200,
        clock: Callable[[], float] = time.time,
        phonebook: Phonebook | None = None,
        max_recorded_requests: int = DEFAULT_MAX_RECORDS,
        last_contacts_limit: int = DEFAULT_LAST_CONTACTS_LIMIT,
    ) -> None:
        config = ProtocolConfig(
            secret_key=secret_key,
            version_mode=version_mode,
            status_codes_as_strings=status_codes_as_strings,
            exception_style=exception_style,
            long_poll_seconds=long_poll_seconds,
            long_poll_timeout_status=long_poll_timeout_status,
        )
        config.validate()
        self._state = BackendState(
            phonebook or Phonebook(), clock=clock, last_contacts_limit=last_contacts_limit
        )
        self._faults = FaultSet()
        self._log = RequestLog(max_recorded_requests)
        self._stop_event = threading.Event()
        self.protocol = ProtocolHandler(self._state, self._faults, self._log, config, self._stop_event)

    # -- waiting requests ------------------------------------------------------------

    def release_waiters(self) -> None:
        """Make waiting long polls and latency faults return now, and new ones at once (stopping)."""
        self._stop_event.set()
        self._state.stop()

    def accept_waiters(self) -> None:
        """Undo :meth:`release_waiters` (serving again)."""
        self._stop_event.clear()
        self._state.resume()

    # -- configuration ---------------------------------------------------------------

    @property
    def config(self) -> ProtocolConfig:
        """The current protocol options."""
        return self.protocol.config

    def configure(self, **options: Any) -> ProtocolConfig:
        """Change protocol options at runtime (ProtocolConfig field names); returns the new config."""
        self.protocol.config = self.protocol.config.updated(**options)
        return self.protocol.config

    @property
    def phonebook(self) -> Phonebook:
        """The backend's phonebook."""
        return self._state.phonebook

    # -- recorded requests -----------------------------------------------------------

    @property
    def requests(self) -> list[RequestRecord]:
        """Every recorded protocol request, oldest first (the newest 10,000 by default)."""
        return self._log.all()

    def requests_for(self, method: str) -> list[RequestRecord]:
        """The recorded protocol requests of one method, oldest first."""
        return self._log.for_method(method)

    def reset(self) -> None:
        """Forget all agents' state, faults and recorded requests (config is kept)."""
        self._faults.clear()
        self._log.clear()
        self._state.reset()

    # -- state and PBX-side control --------------------------------------------------

    def agent_status(self, amouser_id: int) -> dict[str, Any]:
        """The agent's current AgentStatus (a copy)."""
        return self._state.agent_status(amouser_id)

    def last_contacts(
        self, amouser_id: int, max_results: int = DEFAULT_LAST_CONTACTS_LIMIT
    ) -> list[dict[str, str]]:
        """The agent's recent contacts as protocol Contacts, most recent first."""
        return [c.to_wire() for c in self._state.last_contacts(amouser_id, max_results)]

    def start_incoming_call(
        self, amouser_id: int, phone: str | None = None, contact_uuid: str | None = None
    ) -> dict[str, Any]:
        """Ring the agent from ``phone`` or a phonebook ``contact_uuid``; returns the new status.

        Raises ControlError if the agent is already in a call or the arguments are wrong.
        """
        return self._state.incoming_call(amouser_id, phone=phone, contact_uuid=contact_uuid)

    def start_outgoing_call(
        self, amouser_id: int, phone: str | None = None, contact_uuid: str | None = None
    ) -> dict[str, Any]:
        """The agent dialled from the desk phone (not through the widget); returns the status."""
        return self._state.outgoing_call(amouser_id, phone=phone, contact_uuid=contact_uuid)

    def remote_hangup(self, amouser_id: int) -> bool:
        """The other party hangs up; False if the agent was not in a call."""
        return self._state.remote_hangup(amouser_id)

    def pbx_set_hold(self, amouser_id: int, is_hold: bool) -> None:
        """Hold / unhold the agent's call from the PBX side (ControlError outside a call)."""
        self._state.pbx_set_hold(amouser_id, is_hold)

    def pbx_set_mute(self, amouser_id: int, is_mute: bool) -> None:
        """Mute / unmute the agent from the PBX side (ControlError outside a call)."""
        self._state.pbx_set_mute(amouser_id, is_mute)

    # -- faults ----------------------------------------------------------------------

    def inject_fault(
        self, kind: str, value: Any = None, *, method: str | None = None, times: int | None = None
    ) -> Fault:
        """Activate a fault (kinds in faults.py); raises ValueError for a bad kind or value."""
        fault = make_fault(kind, value, method=method, times=times)
        self._faults.add(fault)
        return fault

    def clear_faults(self) -> None:
        """Remove every active fault."""
        self._faults.clear()

    @property
    def faults(self) -> list[Fault]:
        """Copies of the active faults, oldest first."""
        return self._faults.active()
