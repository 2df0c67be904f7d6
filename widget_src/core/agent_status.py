"""The agent's call status as the server reports it, and what the widget shows of it.

The raw status is kept exactly as received: the next long poll sends it back unchanged and
the backends compare it field by field. :func:`read_status` turns it into a :class:`CallView`
that the screens can trust (missing fields get safe values, unknown statuses mean no call).
"""

from core.jscompat import (
    get,
    is_boolean,
    is_integer,
    is_number,
    is_object,
    is_string,
    same_json,
    to_whole_number,
    whole_number_text,
)

CONVERSATION = "CONVERSATION"
NOT_CONVERSATION = "NOT_CONVERSATION"


def initial_status():
    """What the first poll sends."""
    return {"status": NOT_CONVERSATION}


class CallView:
    """The current call as the panel shows it; ``in_call`` is False when there is none."""

    def __init__(self, in_call, unique_id, contact_name, contact_id, phone, is_hold, is_mute, timestamp):
        self.in_call = in_call
        self.unique_id = unique_id
        self.contact_name = contact_name
        self.contact_id = contact_id
        self.phone = phone
        self.is_hold = is_hold
        self.is_mute = is_mute
        self.timestamp = timestamp


def _text(value):
    if is_string(value):
        return value
    if is_integer(value):
        return whole_number_text(value)
    return None


def _flag(value):
    return value if is_boolean(value) else False


def read_status(raw):
    """A :class:`CallView` of a raw AgentStatus; anything malformed reads as "no call"."""
    if not is_object(raw) or get(raw, "status", None) != CONVERSATION:
        return CallView(False, None, None, None, None, False, False, None)
    info = get(raw, "call_info", None)
    if not is_object(info):
        info = {}
    timestamp = get(info, "timestamp", None)
    timestamp = to_whole_number(timestamp) if is_number(timestamp) else None
    return CallView(
        True,
        _text(get(info, "unique_id", None)),
        _text(get(info, "contact_name", None)),
        _text(get(info, "contact_id", None)),
        _text(get(info, "contact_phone", None)),
        _flag(get(info, "is_hold", None)),
        _flag(get(info, "is_mute", None)),
        timestamp,
    )


def is_agent_status(raw):
    """True for an object with a text ``status``: something the widget can send back unchanged."""
    return is_object(raw) and is_string(get(raw, "status", None))


def same_status(first, second):
    """True when two raw statuses are equal field by field (as the backends compare them)."""
    return same_json(first, second)
