"""How the tabs of one browser share one connection (docs/behaviour.md §9): plain decisions.

The tabs that run the widget for one amoCRM user and one server (address and key) form a
group. One of them leads and alone long-polls; it tells the others every status in a
*state message*, which is also what it keeps in storage for the next page load. Everything
read from storage or from another tab goes through :func:`read_message` or
:func:`lease_step`: a corrupt, foreign or stale entry is ignored, never trusted.
"""

from core.agent_status import is_agent_status
from core.jscompat import error_message, get, is_boolean, is_number, is_object, is_string, whole_number_text

# A kept status is current for one long poll (the server answers within 10 s) plus a margin.
FRESH_MS = 15000
# Where Web Locks is missing, the leader renews a lease in localStorage every HEARTBEAT_MS;
# a lease not renewed for LEASE_MS (a crashed tab) is free, so a follower takes over in < 1 s.
LEASE_MS = 700
HEARTBEAT_MS = 200


def text_hash(text):
    """A short, stable digest of ``text``: group names must not show the secret key."""
    value = 7
    for char in text:
        value = (value * 31 + ord(char)) % 4294967291
    return whole_number_text(value)


def group_name(user_id, server_address, secret_key):
    """The name shared by the tabs of ``user_id`` talking to one server with one key."""
    return "asteriskng." + str(user_id) + "." + text_hash(server_address + " " + secret_key)


class RelayedError(Exception):
    """A failed poll of the leading tab, as the other tabs show it (the panel reads ``code``)."""

    def __init__(self, code, message, exception_name):
        Exception.__init__(self, message)
        self.code = code
        self.exception_name = exception_name


def _text_field(error, name):
    value = getattr(error, name) if hasattr(error, name) else None
    return value if is_string(value) else None


def error_record(error):
    """``error`` as JSON for a state message (None stays None)."""
    if error == None:
        return None
    return {"code": _text_field(error, "code"), "message": error_message(error),
            "exception_name": _text_field(error, "exception_name")}


def read_error(record):
    """The :class:`RelayedError` of a record from :func:`error_record`, or None if malformed."""
    if not is_object(record) or not is_string(get(record, "message", None)):
        return None
    code = get(record, "code", None)
    name = get(record, "exception_name", None)
    if (code != None and not is_string(code)) or (name != None and not is_string(name)):
        return None
    return RelayedError(code, record["message"], name)


def state_message(group, raw_status, received_ms, live, error):
    """The leader's view: ``raw_status`` received at ``received_ms`` and the last poll's error."""
    return {"group": group, "status": raw_status, "at": received_ms, "live": live,
            "error": error_record(error)}


def read_message(message, group):
    """``message`` if it is a well-formed state message of ``group``, else None (wrong shape, other group)."""
    if (not is_object(message) or get(message, "group", None) != group
            or not is_agent_status(get(message, "status", None)) or not is_number(get(message, "at", None))
            or not is_boolean(get(message, "live", None))):
        return None
    error = get(message, "error", None)
    return message if error == None or read_error(error) != None else None


def is_fresh(message, now_ms):
    """True when a kept state message was received less than :data:`FRESH_MS` ago (and not later
    than now: a time in the future is a corrupt entry)."""
    age = now_ms - message["at"]
    return age >= 0 and age < FRESH_MS


def lease_step(lease, tab_id, now_ms):
    """The lease a tab writes to lead, or None when another tab holds a live lease (follow).

    Anything that is not a live lease of another tab (missing, corrupt, expired, this tab's
    own, or one reaching implausibly far into the future) is free to take.
    """
    until = get(lease, "until", None)
    if (is_object(lease) and get(lease, "tab", None) != tab_id and is_number(until)
            and until > now_ms and until <= now_ms + LEASE_MS):
        return None
    return {"tab": tab_id, "until": now_ms + LEASE_MS}
