"""What the user sees for each protocol error, in one table.

The panel, the Click2Call notification and the settings page's status line all read it.
Texts are i18n keys marked with :func:`text_key`, so the build checks that every locale has
them (a key only ever passed around as data would escape that check).
"""

from core.jscompat import error_message


def text_key(key):
    """``key``, marked as an i18n key for the build's check of the locale files."""
    return key


# The settings page's status line: its states, how each looks, and the text it shows.
CHECKING = "checking"
CONNECTED = "connected"
INVALID_SECRET_KEY = "invalid_secret_key"
INCOMPATIBLE_VERSION = "incompatible_version"
NOT_AVAILABLE = "not_available"
UNKNOWN_ERROR = "unknown_error"
NOT_CONFIGURED = "not_configured"

TONE_OK = "ok"
TONE_WARNING = "warning"
TONE_ERROR = "error"
TONE_IDLE = "idle"
TONE_BUSY = "busy"

# state: [text, tone]; the tone picks the colour and the icon.
STATUS_LOOKS = {
    CHECKING: [text_key("domain.amocrm.settings.status.checking"), TONE_BUSY],
    CONNECTED: [text_key("domain.amocrm.settings.status.connected"), TONE_OK],
    INVALID_SECRET_KEY: [text_key("domain.amocrm.settings.status.invalid_secret_key"), TONE_WARNING],
    INCOMPATIBLE_VERSION: [text_key("domain.amocrm.settings.status.incompatible_version"), TONE_WARNING],
    NOT_AVAILABLE: [text_key("domain.amocrm.settings.status.not_available"), TONE_ERROR],
    UNKNOWN_ERROR: [text_key("domain.amocrm.settings.status.unknown_error"), TONE_ERROR],
    NOT_CONFIGURED: [text_key("domain.amocrm.settings.status.not_configured"), TONE_IDLE],
}

# error code (core.protocol): [text in the panel and notifications, state of the settings status line]
ERRORS = {
    "bad_request": [text_key("domain.amocrm.errors.bad_request"), UNKNOWN_ERROR],
    "invalid_secret_key": [text_key("domain.amocrm.errors.invalid_secret_key"), INVALID_SECRET_KEY],
    "incompatible_version": [text_key("domain.amocrm.errors.incompatible_version"), INCOMPATIBLE_VERSION],
    "unknown_method": [text_key("domain.amocrm.errors.unknown_method"), UNKNOWN_ERROR],
    "invalid_parameters": [text_key("domain.amocrm.errors.invalid_parameters"), UNKNOWN_ERROR],
    "not_responding": [text_key("domain.amocrm.errors.not_responding"), NOT_AVAILABLE],
    "method_exception": [text_key("domain.amocrm.errors.method_exception"), UNKNOWN_ERROR],
    "invalid_response": [text_key("domain.amocrm.errors.invalid_response"), UNKNOWN_ERROR],
}


def _code(error):
    return error.code if error != None and hasattr(error, "code") else None


def error_text(translate, error):
    """What to tell the user about a failed request; ``translate(key)`` gives a locale's text."""
    code = _code(error)
    if code == None or code not in ERRORS:
        return error_message(error)
    text = translate(ERRORS[code][0])
    if code == "method_exception":
        return text + " (" + error.exception_name + ")"
    return text


def status_for_error(error):
    """The status line state for a failed ``ping``; None for a check that was cancelled.

    401 → invalid secret key, 409 → incompatible version, no answer → not available;
    anything else (400, 404, 410, 500, a method exception, a body that is not JSON, …)
    is an unknown server error.
    """
    code = _code(error)
    if code == "cancelled":
        return None
    return ERRORS[code][1] if code != None and code in ERRORS else UNKNOWN_ERROR


def status_tone(status):
    """The tone of a status line state (idle for one the table does not know)."""
    return STATUS_LOOKS[status][1] if status in STATUS_LOOKS else TONE_IDLE


def status_text(translate, status):
    """The status line's text for ``status`` (an unknown state reads as an unknown error)."""
    return translate(STATUS_LOOKS[status][0] if status in STATUS_LOOKS else STATUS_LOOKS[UNKNOWN_ERROR][0])
