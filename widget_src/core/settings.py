"""The widget's settings: the JSON that amoCRM stores in the SETTINGS_FIELD setting.

The key names are those installed copies of the widget already hold (docs/protocol.md, last
section), so an upgrade keeps every user's settings.
"""

from core.jscompat import AnyError, get, is_boolean, is_object, is_string, parse_json, to_json


class SettingsError(Exception):
    """The stored settings are missing or not valid JSON."""


class WidgetSettings:
    """Server address and key, and the switches (the post-call card's is optional: old settings
    without it keep the card on)."""

    def __init__(self, server_address, secret_key, show_panel, enable_notification, post_call_card=True):
        self.server_address = server_address
        self.secret_key = secret_key
        self.show_panel = show_panel
        self.enable_notification = enable_notification
        self.post_call_card = post_call_card

    def is_configured(self):
        """True when there is a server to talk to."""
        return len(self.server_address) > 0 and len(self.secret_key) > 0

    def same_as(self, other):
        """True when both hold the same values."""
        return to_json(settings_object(self)) == to_json(settings_object(other))


def default_settings():
    """The values of a fresh installation."""
    return WidgetSettings("", "", True, True)


def _text(section, key):
    value = get(section, key, "")
    return value.strip() if is_string(value) else ""


def _switch(section, key):
    value = get(section, key, True)
    return value if is_boolean(value) else True


def parse_settings(raw):
    """Settings from the stored JSON text; missing keys take the defaults.

    Raises :class:`SettingsError` when ``raw`` is missing, not JSON or not an object.
    """
    if not is_string(raw):
        raise SettingsError("the settings field is missing")
    try:
        data = parse_json(raw)
    except AnyError:
        raise SettingsError("the settings are not valid JSON")
    if not is_object(data):
        raise SettingsError("the settings are not a JSON object")
    server = get(data, "server", {})
    amocrm = get(data, "amocrm", {})
    return WidgetSettings(
        _text(server, "serverAddress"),
        _text(server, "secretKey"),
        _switch(amocrm, "showPanel"),
        _switch(amocrm, "enableNotification"),
        _switch(amocrm, "postCallCard"),
    )


def settings_object(settings):
    """The JSON object stored for ``settings``."""
    return {
        "server": {"serverAddress": settings.server_address, "secretKey": settings.secret_key},
        "amocrm": {"showPanel": settings.show_panel, "enableNotification": settings.enable_notification,
                   "postCallCard": settings.post_call_card},
    }


def settings_json(settings):
    """The JSON text stored for ``settings``."""
    return to_json(settings_object(settings))
