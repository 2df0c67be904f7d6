"""The post-call card's pure logic: due times, amoCRM REST v4 payloads and answers.

Plain Python, the same under CPython and transpiled (tests/unit/test_postcall_logic.py and the
differential probe). Times are whole milliseconds (``now_ms``) or unix seconds (amoCRM's
``complete_till``); ``offset_min`` is JavaScript's ``Date.getTimezoneOffset()`` (UTC minus local
time, in minutes), so the browser's local day is computed without any date library.
"""

from core.jscompat import get, is_integer, is_list, is_object, is_string, to_whole_number
from core.panel_logic import two_digits

DUE_HOUR = "hour"
DUE_TOMORROW = "tomorrow"
DUE_CUSTOM = "custom"
DAY_MS = 86400000
HOUR_MS = 3600000
MINUTE_MS = 60000
TOMORROW_HOUR = 10
TASK_TYPE_CALL = 1
# A note found when checking before a retry counts as ours if it was made this long before the
# first attempt (the server's clock and the browser's may differ).
CLOCK_SLACK_S = 300


def digits_of(text):
    """Only the digits of ``text`` (what the contacts search is sent)."""
    if not is_string(text):
        return ""
    out = ""
    for char in text:
        if "0" <= char <= "9":
            out = out + char
    return out


def _days_from_civil(year, month, day):
    """Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm)."""
    y = year - 1 if month <= 2 else year
    era = (y if y >= 0 else y - 399) // 400
    yoe = y - era * 400
    mp = month - 3 if month > 2 else month + 9
    doy = (153 * mp + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def _civil_from_days(days):
    z = days + 719468
    era = (z if z >= 0 else z - 146096) // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = mp + 3 if mp < 10 else mp - 9
    year = yoe + era * 400 + (1 if month <= 2 else 0)
    return [year, month, day]


def local_text(ms, offset_min):
    """``YYYY-MM-DDTHH:MM`` of the local time at ``ms`` (the value of a datetime-local input)."""
    local = ms - offset_min * MINUTE_MS
    days = local // DAY_MS
    date = _civil_from_days(days)
    minutes = (local - days * DAY_MS) // MINUTE_MS
    return (str(date[0]) + "-" + two_digits(date[1]) + "-" + two_digits(date[2]) + "T"
            + two_digits(minutes // 60) + ":" + two_digits(minutes % 60))


def parse_local(text, offset_min):
    """Milliseconds of a ``YYYY-MM-DDTHH:MM`` local time, or None when it is not one."""
    if not is_string(text) or len(text) < 16:
        return None
    parts = [text[0:4], text[5:7], text[8:10], text[11:13], text[14:16]]
    if text[4] != "-" or text[7] != "-" or (text[10] != "T" and text[10] != " ") or text[13] != ":":
        return None
    numbers = []
    for part in parts:
        if len(digits_of(part)) != len(part):
            return None
        numbers.append(to_whole_number(part))
    if numbers[1] < 1 or numbers[1] > 12 or numbers[2] < 1 or numbers[2] > 31 or numbers[3] > 23 \
            or numbers[4] > 59:
        return None
    days = _days_from_civil(numbers[0], numbers[1], numbers[2])
    if _civil_from_days(days)[2] != numbers[2]:
        return None  # 31 April and the like
    return (days * DAY_MS + numbers[3] * HOUR_MS + numbers[4] * MINUTE_MS) + offset_min * MINUTE_MS


def due_ms(preset, now_ms, offset_min, custom_text):
    """When a follow-up task is due: in one hour (to the minute), tomorrow at 10:00 local time, or
    the picked local time (None when the picker holds no valid time)."""
    if preset == DUE_HOUR:
        return ((now_ms + HOUR_MS) // MINUTE_MS) * MINUTE_MS
    if preset == DUE_TOMORROW:
        local = now_ms - offset_min * MINUTE_MS
        return (local // DAY_MS + 1) * DAY_MS + TOMORROW_HOUR * HOUR_MS + offset_min * MINUTE_MS
    return parse_local(custom_text, offset_min)


def note_payload(text):
    """The body of ``POST /api/v4/contacts/{id}/notes``."""
    return [{"note_type": "common", "params": {"text": text}}]


def task_payload(text, due_s, contact_id, user_id):
    """The body of ``POST /api/v4/tasks``: a follow-up call on the contact for ``user_id``."""
    return [{"text": text, "complete_till": due_s, "entity_id": to_whole_number(contact_id),
             "entity_type": "contacts", "task_type_id": TASK_TYPE_CALL,
             "responsible_user_id": to_whole_number(user_id)}]


def contact_payload(name, phone):
    """The body of ``POST /api/v4/contacts``: a contact with one work phone."""
    return [{"name": name, "custom_fields_values": [
        {"field_code": "PHONE", "values": [{"value": phone, "enum_code": "WORK"}]}]}]


def _embedded(body, entity):
    items = get(get(body, "_embedded", None), entity, None)
    return items if is_list(items) else []


def entity_id_text(value):
    """An amoCRM entity id (a positive whole number, or its digits) as text, else None.

    Ids end up in API paths (``/api/v4/contacts/<id>/notes``): nothing else may get there.
    """
    number = to_whole_number(value) if is_integer(value) or is_string(value) else None
    return str(number) if number != None and number > 0 else None


def created_id(body, entity):
    """The id amoCRM gave the first created ``entity`` (``notes``, ``tasks``, ``contacts``), or None."""
    items = _embedded(body, entity)
    return entity_id_text(get(items[0], "id", None)) if len(items) > 0 else None


def _phone_of(contact):
    for field in get(contact, "custom_fields_values", []) if is_list(
            get(contact, "custom_fields_values", None)) else []:
        if get(field, "field_code", None) == "PHONE":
            values = get(field, "values", [])
            if is_list(values) and len(values) > 0 and is_string(get(values[0], "value", None)):
                return values[0]["value"]
    return ""


def found_contacts(status, body):
    """The contacts of a search answer (204 or nothing embedded: none): id, name, phone, responsible."""
    if status == 204:
        return []
    out = []
    for contact in _embedded(body, "contacts"):
        contact_id = entity_id_text(get(contact, "id", None))
        if contact_id != None:
            name = get(contact, "name", "")
            out.append({"id": contact_id, "name": name if is_string(name) else "",
                        "phone": _phone_of(contact),
                        "responsible": entity_id_text(get(contact, "responsible_user_id", None)) or ""})
    return out


def classify(status, body, retry_after_header):
    """What an answer means for a write: ``{kind, wait_s, field, detail}``.

    kinds: ``ok`` (2xx); ``auth`` (401/403: needs the user, never retried alone); ``rate`` (429:
    retried after amoCRM's delay); ``invalid`` (400/404/422: amoCRM refused a field, needs the user);
    ``unknown`` (network failure, timeout, 5xx: the write may have happened, retried with backoff
    after checking).
    """
    detail = get(body, "detail", "") if is_object(body) else ""
    detail = detail if is_string(detail) else ""
    if status >= 200 and status < 300:
        return {"kind": "ok", "wait_s": 0, "field": "", "detail": ""}
    if status == 401 or status == 403:
        return {"kind": "auth", "wait_s": 0, "field": "", "detail": detail}
    if status == 429:
        wait = to_whole_number(retry_after_header) if is_string(retry_after_header) else None
        if wait == None:
            wait = get(body, "retry_after", None) if is_object(body) else None
            wait = to_whole_number(wait) if is_integer(wait) else None
        return {"kind": "rate", "wait_s": wait if wait != None and wait > 0 else 1, "field": "",
                "detail": detail}
    if status == 400 or status == 404 or status == 422:
        return {"kind": "invalid", "wait_s": 0, "field": _first_field(body),
                "detail": _first_detail(body, detail)}
    return {"kind": "unknown", "wait_s": 0, "field": "", "detail": detail}


def _first_error(body):
    groups = get(body, "validation-errors", None) if is_object(body) else None
    if not is_list(groups):
        return None
    for group in groups:
        errors = get(group, "errors", None)
        if is_list(errors) and len(errors) > 0 and is_object(errors[0]):
            return errors[0]
    return None


def _first_field(body):
    error = _first_error(body)
    path = get(error, "path", "") if error != None else ""
    return path if is_string(path) else ""


def _first_detail(body, detail):
    error = _first_error(body)
    text = get(error, "detail", "") if error != None else ""
    return text if is_string(text) and len(text) > 0 else detail


def find_note(body, text, user_id, since_s):
    """The id of a common note with ``text`` by ``user_id`` made at or after ``since_s`` (less the
    clock slack) in a notes list answer, or None: a write whose answer was lost."""
    for note in _embedded(body, "notes"):
        params = get(note, "params", None)
        created = get(note, "created_at", 0)
        if (get(note, "note_type", None) == "common" and get(params, "text", None) == text
                and entity_id_text(get(note, "created_by", None)) == entity_id_text(user_id)
                and is_integer(created) and created >= since_s - CLOCK_SLACK_S):
            return entity_id_text(get(note, "id", None))
    return None


def find_task(body, text, due_s, contact_id, user_id):
    """The id of the same follow-up task (text, deadline, contact, responsible) in a tasks list."""
    for task in _embedded(body, "tasks"):
        if (get(task, "text", None) == text and get(task, "complete_till", None) == due_s
                and entity_id_text(get(task, "entity_id", None)) == entity_id_text(contact_id)
                and entity_id_text(get(task, "responsible_user_id", None)) == entity_id_text(user_id)):
            return entity_id_text(get(task, "id", None))
    return None


def find_contact(contacts, name):
    """The id of the contact named ``name`` among found contacts (a created one whose answer was lost)."""
    for contact in contacts:
        if contact["name"] == name:
            return contact["id"]
    return None


def field_name(path):
    """The last word of a validation error's path (``params.text`` → ``text``)."""
    if not is_string(path) or len(path) == 0:
        return ""
    parts = path.split(".")
    for index in range(len(parts) - 1, -1, -1):
        if len(parts[index]) > 0 and len(digits_of(parts[index])) != len(parts[index]):
            return parts[index]
    return path

