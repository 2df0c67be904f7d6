"""The settings form's logic, without the DOM (docs/behaviour.md §4).

Plain Python that runs unchanged under CPython (tests/unit/test_settings_form.py) and in
the browser: what the user typed, what is saved, whether Save makes sense, what a
connection check answered and which check may still show its answer.
"""

from core.jscompat import to_json
from core.settings import SettingsError, WidgetSettings, default_settings, parse_settings

# How long typing must pause before the new address and key are checked.
CHECK_DEBOUNCE_MS = 250

# What to do about the address and key of the form.
ACTION_PING = "ping"
ACTION_NOT_CONFIGURED = "not_configured"

_HTTP_SCHEMES = ["https://", "http://"]
_SPACES = " \t\r\n\f\v"


def is_absolute_http_url(text):
    """True for ``https://host…`` or ``http://host…`` without spaces (scheme case-insensitive)."""
    lower = text.lower()
    rest = None
    for scheme in _HTTP_SCHEMES:
        if lower.startswith(scheme):
            rest = text[len(scheme):]
    if rest == None:
        return False
    for character in text:
        if character in _SPACES:
            return False
    host = rest
    for separator in ["/", "?", "#"]:
        position = host.find(separator)
        if position >= 0:
            host = host[:position]
    if "@" in host:
        host = host[host.rfind("@") + 1:]
    if host.startswith("["):  # [::1]:8443
        return len(host) > 2 and "]" in host
    colon = host.find(":")
    name = host[:colon] if colon >= 0 else host
    port = host[colon + 1:] if colon >= 0 else ""
    if len(name) == 0 or name.startswith(".") or name.endswith(".."):
        return False
    for character in port:
        if character not in "0123456789":
            return False
    return True


def address_is_invalid(address):
    """True when ``address`` (trimmed) is filled in but is no absolute http(s) URL."""
    return len(address) > 0 and not is_absolute_http_url(address)


def check_action(settings):
    """ACTION_PING when ``settings`` can be checked with ``ping``, else ACTION_NOT_CONFIGURED."""
    if len(settings.server_address) == 0 or len(settings.secret_key) == 0:
        return ACTION_NOT_CONFIGURED
    if address_is_invalid(settings.server_address):
        return ACTION_NOT_CONFIGURED
    return ACTION_PING


def check_subject(settings):
    """What a connection check depends on: the address and the key (as one comparable text)."""
    return to_json([settings.server_address, settings.secret_key])


class SettingsForm:
    """The values in the form and the saved ones they are compared with."""

    def __init__(self, raw_settings):
        """``raw_settings``: the stored JSON text (or None); unusable text shows the defaults."""
        try:
            self.mark_saved(parse_settings(raw_settings))
        except SettingsError:
            self.mark_saved(default_settings())
            self.stored_valid = False  # what amoCRM holds differs from the defaults shown

    def set_server_address(self, text):
        self.server_address = text if text != None else ""

    def set_secret_key(self, text):
        self.secret_key = text if text != None else ""

    def set_show_panel(self, enabled):
        self.show_panel = enabled == True

    def set_enable_notification(self, enabled):
        self.enable_notification = enabled == True

    def set_post_call_card(self, enabled):
        self.post_call_card = enabled == True

    def edited(self):
        """The settings as the user entered them, spaces around the texts trimmed."""
        return WidgetSettings(self.server_address.strip(), self.secret_key.strip(),
                              self.show_panel, self.enable_notification, self.post_call_card)

    def address_invalid(self):
        """True when the address needs the inline message (and no request is sent)."""
        return address_is_invalid(self.server_address.strip())

    def is_dirty(self):
        """True when saving would change what amoCRM stores.

        Stored text that is not valid settings always differs from what the form shows.
        """
        return not self.stored_valid or not self.edited().same_as(self.saved)

    def can_save(self):
        """Save is offered for a change, unless the address is not a URL."""
        return self.is_dirty() and not self.address_invalid()

    def mark_saved(self, settings):
        """``settings`` were written to amoCRM: they are the new baseline."""
        self.saved = settings
        self.stored_valid = True
        self.server_address = settings.server_address
        self.secret_key = settings.secret_key
        self.show_panel = settings.show_panel
        self.enable_notification = settings.enable_notification
        self.post_call_card = settings.post_call_card


class LatestCheck:
    """Orders connection checks: only the answer to the latest one may be shown.

    Every new subject (address + key) gets a new ticket; an answer carries the ticket of
    its check and is dropped unless that ticket is still the latest, so a slow answer to
    an older edit never overwrites the answer to a newer one.
    """

    def __init__(self):
        self.generation = 0
        self.subject = None

    def is_current_subject(self, subject):
        """True when ``subject`` is what the latest check is about (nothing new to check)."""
        return self.subject != None and self.subject == subject

    def start(self, subject):
        """A ticket for checking ``subject``; every earlier ticket becomes stale."""
        self.generation = self.generation + 1
        self.subject = subject
        return self.generation

    def invalidate(self):
        """Make every ticket stale and forget the subject (the form went away)."""
        self.generation = self.generation + 1
        self.subject = None

    def is_latest(self, ticket):
        """True when the answer of ``ticket``'s check may be shown."""
        return ticket == self.generation
