"""Per-agent call state of the demo PBX, shared by protocol requests and the control API.

Agents are keyed by amoCRM ``amouser_id``. Each has an AgentStatus exactly as docs/protocol.md
models it and a bounded list of last contacts. Every change notifies one Condition, so
long polls (``get_agent_status``) wake as soon as anything happens.

Agent-side operations (the protocol methods) raise :class:`MethodError`, which the
protocol layer turns into a command-result exception. PBX-side operations (the control
API) raise :class:`ControlError`, which is a mistake of whoever drives the demo.

Method exceptions: ``AlreadyInConversation`` (originate* during a call),
``ContactNotFound`` (originate_by_contact, unknown uuid), ``InvalidPhoneNumber`` (empty
phone), ``NotInConversation`` (redirect / hangup / set_mute / set_hold outside a call).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .phonebook import Contact, Phonebook

CONVERSATION = "CONVERSATION"
NOT_CONVERSATION = "NOT_CONVERSATION"

DEFAULT_LAST_CONTACTS_LIMIT = 50
DEFAULT_MAX_AGENTS = 10_000


class MethodError(Exception):
    """A failure inside a protocol method (sent as ``exception`` / ``exception_name``)."""

    def __init__(self, name: str, params: dict[str, Any] | None = None) -> None:
        super().__init__(name)
        self.name = name
        self.params: dict[str, Any] = dict(params or {})


class ControlError(Exception):
    """A PBX-side control request that cannot be applied (e.g. hold without a call)."""


def idle_status() -> dict[str, Any]:
    """Return a fresh ``{"status": "NOT_CONVERSATION"}``."""
    return {"status": NOT_CONVERSATION}


def copy_status(status: Any) -> Any:
    """Copy an AgentStatus deep enough that callers cannot mutate shared state."""
    if not isinstance(status, dict):
        return status
    copied = dict(status)
    if isinstance(copied.get("call_info"), dict):
        copied["call_info"] = dict(copied["call_info"])
    return copied


def normalize_status(status: Any) -> Any:
    """Return ``status`` with a null ``call_info`` removed, for comparison.

    docs/protocol.md allows ``call_info`` to be null OR absent outside a call; both mean the same.
    """
    if isinstance(status, dict) and status.get("call_info", 0) is None:
        status = {k: v for k, v in status.items() if k != "call_info"}
    return status


def statuses_differ(a: Any, b: Any) -> bool:
    """True when two AgentStatus values differ field by field (call_info included)."""
    return bool(normalize_status(a) != normalize_status(b))


@dataclass
class _Agent:
    status: dict[str, Any] = field(default_factory=idle_status)
    last_contacts: deque[Contact] = field(default_factory=deque)


class BackendState:
    """All agents' state behind one lock; ``clock`` returns Unix seconds (injectable for tests)."""

    def __init__(
        self,
        phonebook: Phonebook,
        clock: Callable[[], float] = time.time,
        last_contacts_limit: int = DEFAULT_LAST_CONTACTS_LIMIT,
        max_agents: int = DEFAULT_MAX_AGENTS,
    ) -> None:
        self.phonebook = phonebook
        self._clock = clock
        self._last_limit = max(1, last_contacts_limit)
        self._max_agents = max(1, max_agents)
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._agents: OrderedDict[int, _Agent] = OrderedDict()
        self._call_seq = 0
        self._stopping = False

    # -- internals (call with the lock held) -------------------------------------------

    def _agent(self, amouser_id: int) -> _Agent:
        agent = self._agents.get(amouser_id)
        if agent is None:
            agent = self._agents[amouser_id] = _Agent(last_contacts=deque(maxlen=self._last_limit))
            if len(self._agents) > self._max_agents:
                self._evict_one()
        return agent

    def _evict_one(self) -> None:
        # Forget the oldest idle agent; agents in a call are kept so no call vanishes.
        for amouser_id, agent in self._agents.items():
            if agent.status["status"] != CONVERSATION:
                del self._agents[amouser_id]
                return
        self._agents.popitem(last=False)

    def _remember(self, agent: _Agent, contact: Contact | None) -> None:
        if contact is None:
            return
        if contact in agent.last_contacts:
            agent.last_contacts.remove(contact)
        agent.last_contacts.appendleft(contact)

    def _start_call(self, agent: _Agent, phone: str, contact: Contact | None) -> None:
        now = int(self._clock())
        self._call_seq += 1
        agent.status = {
            "status": CONVERSATION,
            "call_info": {
                # Asterisk-style channel id "<epoch>.<sequence>", as the real backends send.
                "unique_id": f"{now}.{self._call_seq}",
                "contact_name": contact.name if contact else None,
                "contact_id": contact.contact_id if contact else None,
                "contact_phone": contact.phone if contact else phone,
                "is_hold": False,
                "is_mute": False,
                "timestamp": now,
            },
        }
        self._remember(agent, contact)
        self._changed.notify_all()

    @staticmethod
    def _call_info(agent: _Agent) -> dict[str, Any] | None:
        if agent.status["status"] != CONVERSATION:
            return None
        info: dict[str, Any] = agent.status["call_info"]
        return info

    def _require_call(self, amouser_id: int) -> dict[str, Any]:
        info = self._call_info(self._agent(amouser_id))
        if info is None:
            raise MethodError("NotInConversation", {"amouser_id": amouser_id})
        return info

    def _set_flag(self, amouser_id: int, flag: str, value: bool, from_pbx: bool) -> None:
        info = self._call_info(self._agent(amouser_id))
        if info is None:
            if from_pbx:
                raise ControlError(f"agent {amouser_id} is not in a conversation")
            raise MethodError("NotInConversation", {"amouser_id": amouser_id})
        if info[flag] != value:
            info[flag] = value
            self._changed.notify_all()

    def _resolve(self, phone: str | None, contact_uuid: str | None) -> tuple[str, Contact | None]:
        # For the control API: exactly one of phone / contact_uuid names the other party.
        if (phone is None) == (contact_uuid is None):
            raise ControlError("give exactly one of phone or contact_uuid")
        if contact_uuid is not None:
            contact = self.phonebook.by_uuid(contact_uuid)
            if contact is None:
                raise ControlError(f"unknown contact_uuid {contact_uuid!r}")
            return contact.phone, contact
        assert phone is not None
        phone = phone.strip()
        if not phone:
            raise ControlError("phone is empty")
        return phone, self.phonebook.by_phone(phone)

    # -- reading -----------------------------------------------------------------------

    def agent_status(self, amouser_id: int) -> dict[str, Any]:
        """Return a copy of the agent's AgentStatus."""
        with self._lock:
            agent = self._agents.get(amouser_id)
            return copy_status(agent.status) if agent else idle_status()

    def last_contacts(self, amouser_id: int, max_results: int) -> list[Contact]:
        """Return up to ``max_results`` of the agent's recent contacts, most recent first."""
        with self._lock:
            agent = self._agents.get(amouser_id)
            return list(agent.last_contacts)[: max(0, max_results)] if agent else []

    def wait_for_change(
        self, amouser_id: int, current_status: Any, timeout: float
    ) -> tuple[dict[str, Any], bool]:
        """Long poll: wait until the agent's status differs from ``current_status``.

        Returns ``(status, changed)`` at once if it already differs, else when it changes,
        when ``timeout`` seconds pass, or when the state is stopping (``changed`` False).
        """
        deadline = time.monotonic() + max(0.0, timeout)
        with self._lock:
            while True:
                agent = self._agents.get(amouser_id)
                status = agent.status if agent else idle_status()
                if statuses_differ(status, current_status):
                    return copy_status(status), True
                remaining = deadline - time.monotonic()
                if self._stopping or remaining <= 0:
                    return copy_status(status), False
                self._changed.wait(remaining)

    # -- agent side: protocol methods (raise MethodError) ------------------------------

    def originate(self, amouser_id: int, phone: str) -> None:
        """Dial ``phone``; the contact comes from the phonebook (null name/id if unknown)."""
        with self._lock:
            agent = self._agent(amouser_id)
            if self._call_info(agent) is not None:
                raise MethodError("AlreadyInConversation", {"amouser_id": amouser_id})
            phone = phone.strip()
            if not phone:
                raise MethodError("InvalidPhoneNumber", {"phone": phone})
            self._start_call(agent, phone, self.phonebook.by_phone(phone))

    def originate_by_contact(self, amouser_id: int, contact_uuid: str) -> None:
        """Dial a phonebook entry by uuid; an unknown uuid raises ``ContactNotFound``."""
        with self._lock:
            agent = self._agent(amouser_id)
            if self._call_info(agent) is not None:
                raise MethodError("AlreadyInConversation", {"amouser_id": amouser_id})
            contact = self.phonebook.by_uuid(contact_uuid)
            if contact is None:
                raise MethodError("ContactNotFound", {"contact_uuid": contact_uuid})
            self._start_call(agent, contact.phone, contact)

    def redirect(self, amouser_id: int, phone: str) -> None:
        """Transfer the current call to ``phone``: the call's contact becomes the target.

        The call keeps its unique_id, timestamp and hold/mute flags.
        """
        with self._lock:
            info = self._require_call(amouser_id)
            phone = phone.strip()
            if not phone:
                raise MethodError("InvalidPhoneNumber", {"phone": phone})
            contact = self.phonebook.by_phone(phone)
            info["contact_phone"] = contact.phone if contact else phone
            info["contact_name"] = contact.name if contact else None
            info["contact_id"] = contact.contact_id if contact else None
            self._remember(self._agent(amouser_id), contact)
            self._changed.notify_all()

    def hangup(self, amouser_id: int) -> None:
        """End the current call (``NotInConversation`` outside a call)."""
        with self._lock:
            self._require_call(amouser_id)
            self._agent(amouser_id).status = idle_status()
            self._changed.notify_all()

    def set_mute(self, amouser_id: int, is_mute: bool) -> None:
        """Mute or unmute the agent in the current call."""
        with self._lock:
            self._set_flag(amouser_id, "is_mute", is_mute, from_pbx=False)

    def set_hold(self, amouser_id: int, is_hold: bool) -> None:
        """Put the current call on hold or take it off hold."""
        with self._lock:
            self._set_flag(amouser_id, "is_hold", is_hold, from_pbx=False)

    # -- PBX side: control API (raise ControlError) ------------------------------------

    def incoming_call(
        self, amouser_id: int, phone: str | None = None, contact_uuid: str | None = None
    ) -> dict[str, Any]:
        """Ring the agent from ``phone`` or from a phonebook ``contact_uuid``; returns the status."""
        return self._pbx_call(amouser_id, phone, contact_uuid)

    def outgoing_call(
        self, amouser_id: int, phone: str | None = None, contact_uuid: str | None = None
    ) -> dict[str, Any]:
        """The agent dialled from the desk phone (not the widget); returns the status."""
        # Same state change as an incoming call: the protocol's AgentStatus has no direction.
        return self._pbx_call(amouser_id, phone, contact_uuid)

    def _pbx_call(self, amouser_id: int, phone: str | None, contact_uuid: str | None) -> dict[str, Any]:
        with self._lock:
            phone, contact = self._resolve(phone, contact_uuid)
            agent = self._agent(amouser_id)
            if self._call_info(agent) is not None:
                raise ControlError(f"agent {amouser_id} is already in a conversation")
            self._start_call(agent, phone, contact)
            status: dict[str, Any] = copy_status(agent.status)
            return status

    def remote_hangup(self, amouser_id: int) -> bool:
        """The other party hung up. Returns False (and changes nothing) if there was no call."""
        with self._lock:
            agent = self._agent(amouser_id)
            if self._call_info(agent) is None:
                return False
            agent.status = idle_status()
            self._changed.notify_all()
            return True

    def pbx_set_hold(self, amouser_id: int, is_hold: bool) -> None:
        """Hold / unhold from the PBX side (ControlError outside a call)."""
        with self._lock:
            self._set_flag(amouser_id, "is_hold", is_hold, from_pbx=True)

    def pbx_set_mute(self, amouser_id: int, is_mute: bool) -> None:
        """Mute / unmute from the PBX side (ControlError outside a call)."""
        with self._lock:
            self._set_flag(amouser_id, "is_mute", is_mute, from_pbx=True)

    # -- lifecycle ---------------------------------------------------------------------

    def reset(self) -> None:
        """Forget every agent; waiting long polls wake and see the idle status."""
        with self._lock:
            self._agents.clear()
            self._changed.notify_all()

    def stop(self) -> None:
        """Release every waiting long poll now, and make new ones return at once."""
        with self._lock:
            self._stopping = True
            self._changed.notify_all()

    def resume(self) -> None:
        """Undo :meth:`stop` (the server is starting again)."""
        with self._lock:
            self._stopping = False

    @property
    def stopping(self) -> bool:
        """True between :meth:`stop` and :meth:`resume`."""
        return self._stopping
