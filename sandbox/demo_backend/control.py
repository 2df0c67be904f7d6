"""The JSON control API's actions, independent of HTTP (server.py documents the routes).

Each action takes the decoded JSON body (POST) or the query parameters (GET) and returns
a JSON-ready dict; a bad request raises :class:`ControlRequestError` (HTTP 400), an
unknown action :class:`UnknownAction` (HTTP 404).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .backend import BackendFacade
from .state import ControlError


class ControlRequestError(Exception):
    """A control request with a bad body or one the state cannot apply."""


class UnknownAction(Exception):
    """No control action of that name."""


def _int_field(body: dict[str, Any], name: str) -> int:
    value = body.get(name)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ControlRequestError(f"{name!r} must be an integer")
    return value


def _bool_field(body: dict[str, Any], name: str) -> bool:
    value = body.get(name)
    if not isinstance(value, bool):
        raise ControlRequestError(f"{name!r} must be true or false")
    return value


def _opt_str_field(body: dict[str, Any], name: str) -> str | None:
    value = body.get(name)
    if value is not None and not isinstance(value, str):
        raise ControlRequestError(f"{name!r} must be a string")
    return value


def _query_int(query: dict[str, list[str]], name: str, default: int | None = None) -> int:
    values = query.get(name)
    if not values:
        if default is None:
            raise ControlRequestError(f"query parameter {name!r} is required")
        return default
    try:
        return int(values[0])
    except ValueError:
        raise ControlRequestError(f"query parameter {name!r} must be an integer") from None


# -- POST /control/<action> ----------------------------------------------------------------


def _incoming_call(backend: BackendFacade, body: dict[str, Any]) -> dict[str, Any]:
    status = backend.start_incoming_call(
        _int_field(body, "amouser_id"), phone=_opt_str_field(body, "phone"),
        contact_uuid=_opt_str_field(body, "contact_uuid"),
    )
    return {"ok": True, "status": status}


def _outgoing_call(backend: BackendFacade, body: dict[str, Any]) -> dict[str, Any]:
    status = backend.start_outgoing_call(
        _int_field(body, "amouser_id"), phone=_opt_str_field(body, "phone"),
        contact_uuid=_opt_str_field(body, "contact_uuid"),
    )
    return {"ok": True, "status": status}


def _remote_hangup(backend: BackendFacade, body: dict[str, Any]) -> dict[str, Any]:
    return {"ok": True, "hung_up": backend.remote_hangup(_int_field(body, "amouser_id"))}


def _set_hold(backend: BackendFacade, body: dict[str, Any]) -> dict[str, Any]:
    amouser_id = _int_field(body, "amouser_id")
    backend.pbx_set_hold(amouser_id, _bool_field(body, "is_hold"))
    return {"ok": True, "status": backend.agent_status(amouser_id)}


def _set_mute(backend: BackendFacade, body: dict[str, Any]) -> dict[str, Any]:
    amouser_id = _int_field(body, "amouser_id")
    backend.pbx_set_mute(amouser_id, _bool_field(body, "is_mute"))
    return {"ok": True, "status": backend.agent_status(amouser_id)}


def _fault(backend: BackendFacade, body: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(body) - {"kind", "value", "method", "times"})
    if unknown:
        raise ControlRequestError(f"unknown field(s): {', '.join(unknown)}")
    kind = body.get("kind")
    if not isinstance(kind, str):
        raise ControlRequestError("'kind' must be a string")
    backend.inject_fault(kind, body.get("value"), method=body.get("method"), times=body.get("times"))
    return {"ok": True, "faults": [f.to_dict() for f in backend.faults]}


def _clear_faults(backend: BackendFacade, body: dict[str, Any]) -> dict[str, Any]:
    backend.clear_faults()
    return {"ok": True, "faults": []}


def _config(backend: BackendFacade, body: dict[str, Any]) -> dict[str, Any]:
    try:
        return {"ok": True, "config": backend.configure(**body).to_dict()}
    except TypeError as exc:
        raise ControlRequestError(str(exc)) from None


def _reset(backend: BackendFacade, body: dict[str, Any]) -> dict[str, Any]:
    backend.reset()
    return {"ok": True}


POST_ACTIONS: dict[str, Callable[[BackendFacade, dict[str, Any]], dict[str, Any]]] = {
    "incoming_call": _incoming_call,
    "outgoing_call": _outgoing_call,
    "remote_hangup": _remote_hangup,
    "set_hold": _set_hold,
    "set_mute": _set_mute,
    "fault": _fault,
    "clear_faults": _clear_faults,
    "config": _config,
    "reset": _reset,
}

# -- GET /control/<view> -------------------------------------------------------------------


def _state_view(backend: BackendFacade, query: dict[str, list[str]]) -> dict[str, Any]:
    amouser_id = _query_int(query, "amouser_id")
    return {
        "amouser_id": amouser_id,
        "status": backend.agent_status(amouser_id),
        "last_contacts": backend.last_contacts(amouser_id),
    }


def _requests_view(backend: BackendFacade, query: dict[str, list[str]]) -> dict[str, Any]:
    method = (query.get("method") or [""])[0]
    records = backend.requests_for(method) if method else backend.requests
    return {"requests": [r.to_dict() for r in records]}


def _faults_view(backend: BackendFacade, query: dict[str, list[str]]) -> dict[str, Any]:
    return {"faults": [f.to_dict() for f in backend.faults]}


def _config_view(backend: BackendFacade, query: dict[str, list[str]]) -> dict[str, Any]:
    return {"config": backend.config.to_dict()}


def _phonebook_view(backend: BackendFacade, query: dict[str, list[str]]) -> dict[str, Any]:
    start_with = (query.get("start_with") or [""])[0]
    found = backend.phonebook.search(start_with, min(_query_int(query, "max_results", 20), 1000))
    return {"contacts": [dict(c.to_wire(), contact_id=c.contact_id) for c in found]}


GET_VIEWS: dict[str, Callable[[BackendFacade, dict[str, list[str]]], dict[str, Any]]] = {
    "state": _state_view,
    "requests": _requests_view,
    "faults": _faults_view,
    "config": _config_view,
    "phonebook": _phonebook_view,
}


def run_post(backend: BackendFacade, action: str, body: Any) -> dict[str, Any]:
    """Run ``POST /control/<action>`` with the decoded JSON ``body``."""
    handler = POST_ACTIONS.get(action)
    if handler is None:
        raise UnknownAction(action)
    if body is None:
        body = {}
    if not isinstance(body, dict):
        raise ControlRequestError("the body must be a JSON object")
    try:
        return handler(backend, body)
    except (ControlError, ValueError) as exc:
        raise ControlRequestError(str(exc)) from None


def run_get(backend: BackendFacade, view: str, query: dict[str, list[str]]) -> dict[str, Any]:
    """Run ``GET /control/<view>`` with the parsed query string."""
    handler = GET_VIEWS.get(view)
    if handler is None:
        raise UnknownAction(view)
    return handler(backend, query)
