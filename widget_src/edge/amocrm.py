"""The bridge to amoCRM: the widget object's methods and the global ``APP``/``AMOCRM``.

This module and :mod:`edge.amocrm_settings_modal` (amoCRM's settings modal) are the only
places that touch amoCRM, so they are the one place to adapt when the platform changes.
"""

from build_constants import SETTINGS_FIELD, WIDGET_VERSION
from core.jscompat import get, is_object, is_string, to_json, to_whole_number

REST_TIMEOUT_MS = 15000  # amoCRM asks for a short timeout: a slow API must never hold the card


class AmoCRM:
    """Wraps the widget object amoCRM built (its prototype carries ``crm_post``, ``i18n`` …)."""

    def __init__(self, widget):
        self.widget = widget

    def install_status(self):
        """``installed``, ``install`` or ``not_configured``."""
        return self.widget.get_install_status()

    def set_status(self, status):
        """Show ``installed`` or ``error`` on the widget's tile (only for an installed widget)."""
        if self.install_status() == "installed":
            self.widget.set_status(status)

    def stored_settings(self):
        """The raw settings JSON text, or None when amoCRM holds none."""
        settings = self.widget.get_settings()
        return get(settings, SETTINGS_FIELD, None)

    def widget_path(self):
        """Where amoCRM serves the archive's files (``/widgets/<code>``), or None."""
        path = get(self.widget.get_settings(), "path", None)
        return path if is_string(path) and len(path) > 0 else None

    def user_id(self):
        """The current amoCRM user's id (a number), or None."""
        return to_whole_number(self.widget.system()["amouser_id"])

    def keep_settings(self, raw):
        """Make ``raw`` (settings JSON another tab saved) this page's settings until it reloads."""
        settings = {}
        settings[SETTINGS_FIELD] = raw
        self.widget.set_settings(settings)

    def request_headers(self):
        """The ``headers`` of every request: the current user and the widget version."""
        system = self.widget.system()
        return {
            "amouser_email": system["amouser"],
            "amouser_id": self.user_id(),
            "widget_version": self.widget.get_version() or WIDGET_VERSION,
        }

    def post(self, url, form, on_success, on_error):
        """POST ``form`` to ``url`` through amoCRM's proxy, expecting JSON.

        Returns what crm_post returns: jQuery's request object, which :func:`abort` can stop.
        """
        return self.widget.crm_post(url, form, on_success, "json", on_error)

    def rest(self, method, path, body, done):
        """Call amoCRM's REST API (``/api/v4/...``) from the page with the user's session.

        ``body`` (JSON-able or None) is sent as JSON; ``done(status, text, retry_after)`` gets the
        HTTP status (0: no answer), the body's text and the Retry-After header (or None).
        """
        def finish(xhr):
            done(xhr.status, xhr.responseText, xhr.getResponseHeader("Retry-After"))

        options = {"type": method, "url": path, "dataType": "text", "timeout": REST_TIMEOUT_MS,
                   "headers": {"X-Requested-With": "XMLHttpRequest"},
                   "success": lambda data, status, xhr: finish(xhr),
                   "error": lambda xhr, status, error: finish(xhr)}
        if body != None:
            options["data"] = to_json(body)
            options["contentType"] = "application/json"
        __pragma__('js', '{}', '$.ajax (options);')

    def add_action(self, kind, handler):
        """Register ``handler`` for clicks on ``kind`` (``phone``) in cards and lists."""
        self.widget.add_action(kind, handler)

    def i18n(self, key):
        """The text at ``key`` of the current locale (the key itself if amoCRM has none)."""
        text = self.widget.i18n(key)
        return text if text else key

    def expose(self, name, value):
        """Development builds: make ``value`` reachable from the console as ``widget.<name>``."""
        __pragma__('ifdef', 'DEBUG')
        self.widget[name] = value
        __pragma__('endif')

    def show_error(self, header, text):
        """An error pop-up in amoCRM's notification area (which renders HTML: texts are escaped)."""
        notifications = _notifications()
        if notifications != None:
            notifications.show_message_error({"header": escape_html(header), "text": escape_html(text)})


def _notifications():
    # __pragma__ ('ecom')
    #?__pragma__ ('js', '{}', 'var app = typeof APP !== "undefined" ? APP :')
    #?__pragma__ ('js', '{}', '    typeof AMOCRM !== "undefined" ? AMOCRM : null;')
    #?__pragma__ ('js', '{}', 'return app && app.notifications ? app.notifications : null;')
    # __pragma__ ('noecom')
    return None


def load_module(url, loaded, failed):
    """Load the AMD module at ``url`` with the page's RequireJS; ``failed(error)`` when it cannot."""
    # __pragma__ ('ecom')
    #?__pragma__ ('js', '{}', 'var req = typeof requirejs === "function" ? requirejs : require;')
    #?__pragma__ ('js', '{}', 'req ([url], loaded, function (error) { req.undef (url); failed (error); });')
    # __pragma__ ('noecom')
    return


def abort(request):
    """Stop a request :meth:`AmoCRM.post` started, where crm_post gave something abortable."""
    if request != None and request.abort:
        request.abort()


def escape_html(text):
    """``text`` with HTML's special characters as entities, for amoCRM APIs that render HTML."""
    return (str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("'", "&#39;"))


def phone_from_action(data):
    """The number of a Click2Call action (``{value: '...'}``), or None."""
    value = get(data, "value", None) if is_object(data) else None
    return str(value) if value != None else None
