"""The call panel's decisions, as plain functions (run under CPython and in the browser).

What the call button does, when it is enabled, how long a call has lasted, where the
panel may sit, which contact link is safe, which list option is active.
"""

from core.jscompat import get, is_integer, is_list, is_object, is_string

DIGITS = "0123456789"
# A fresh call's start time should be within this of "now"; more is clock skew.
CLOCK_TOLERANCE_MS = 1500
# A server may return thousands of contacts; the list shows the first ones.
MAX_OPTIONS = 50
EDGE_MARGIN = 16


def two_digits(number):
    """``7`` -> ``'07'``."""
    return ("0" + str(number)) if number < 10 else str(number)


def format_duration(seconds):
    """``MM:SS``, or ``H:MM:SS`` from one hour on; negative durations show as 00:00."""
    total = int(seconds) if seconds > 0 else 0
    hours = total // 3600
    minutes = (total // 60) % 60
    rest = total % 60
    if hours > 0:
        return str(hours) + ":" + two_digits(minutes) + ":" + two_digits(rest)
    return two_digits(minutes) + ":" + two_digits(rest)


def contact_path(contact_id):
    """``/contacts/detail/<id>`` for a numeric amoCRM contact id, else None (never a foreign URL)."""
    if contact_id == None:
        return None
    text = str(contact_id).strip()
    if len(text) == 0 or len(text) > 20 or not all(char in DIGITS for char in text):
        return None
    return "/contacts/detail/" + text


def clock_offset_ms(timestamp_s, now_ms, fresh_call):
    """The browser-to-server clock correction learned from a call's start time.

    A start in the future can only be skew. For a call the widget saw begin (``fresh_call``)
    the start should be about now, so any larger difference is skew too.
    """
    if timestamp_s == None:
        return 0
    difference = timestamp_s * 1000 - now_ms
    if difference > 0:
        return difference
    if fresh_call and -difference > CLOCK_TOLERANCE_MS:
        return difference
    return 0


def elapsed_seconds(timestamp_s, now_ms, offset_ms):
    """Seconds since the call started, in the server's clock."""
    if timestamp_s == None:
        return 0
    return (now_ms + offset_ms - timestamp_s * 1000) // 1000


def dial_action(in_call, contact, text, min_length):
    """``[method, argument]`` the call button sends, or None when it has nothing to send.

    Not in a call: the selected contact by uuid, else the typed number. In a call: one
    transfer (``redirect``) to the selected contact's phone or the typed number.
    """
    typed = text.strip()
    if contact != None:
        return ["redirect", contact["phone"]] if in_call else ["originate_by_contact", contact["uuid"]]
    if len(typed) < min_length:
        return None
    return ["redirect", typed] if in_call else ["originate", typed]


def read_contact(raw):
    """A phonebook entry ``{uuid, name, phone}`` as texts, or None when unusable."""
    if not is_object(raw):
        return None
    uuid = get(raw, "uuid", None)
    phone = get(raw, "phone", None)
    name = get(raw, "name", None)
    if is_integer(uuid):
        uuid = str(uuid)
    if is_integer(phone):
        phone = str(phone)
    if not is_string(uuid) or not is_string(phone):
        return None
    return {"uuid": uuid, "name": name if is_string(name) else "", "phone": phone}


def read_contacts(result):
    """The usable entries of a contact list result, at most MAX_OPTIONS."""
    contacts = []
    if not is_list(result):
        return contacts
    for raw in result:
        contact = read_contact(raw)
        if contact != None:
            contacts.append(contact)
            if len(contacts) >= MAX_OPTIONS:
                break
    return contacts


def move_index(current, count, step):
    """The active option after pressing Down (+1) or Up (-1), wrapping around; -1 if none."""
    if count == 0:
        return -1
    if current < 0:
        return 0 if step > 0 else count - 1
    return (current + step + count) % count


def clamp(value, low, high):
    """``value`` limited to ``[low, high]`` (``low`` wins when the range is empty)."""
    return max(low, min(value, high))


def clamp_position(left, top, width, height, view_width, view_height):
    """``[left, top]`` that keeps the panel inside the window (never past the top/left edge)."""
    return [clamp(left, 0, view_width - width), clamp(top, 0, view_height - height)]


def default_position(width, height, view_width, view_height):
    """Bottom-right of the window."""
    return clamp_position(view_width - width - EDGE_MARGIN, view_height - height - EDGE_MARGIN,
                          width, height, view_width, view_height)


def read_position(stored):
    """``[left, top]`` from what the panel saved, or None."""
    left = get(stored, "left", None)
    top = get(stored, "top", None)
    if not is_integer(left) or not is_integer(top):
        return None
    return [left, top]
