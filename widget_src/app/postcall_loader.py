"""Loads the post-call card (postcall.js, a second bundle of the archive) when it is needed.

script.js carries only this loader: the card is loaded with the page's RequireJS when a call
begins (so it is ready the moment the call ends) or when the outbox holds unsent results, and is
handed plain JavaScript values only (docs/behaviour.md §10). A load that fails leaves the widget
as it was and is told once per page.
"""

from build_constants import WIDGET_VERSION
from core.jscompat import AnyError, get, is_list, now_ms
from core.panel_logic import clock_offset_ms, elapsed_seconds
from core.postcall_key import storage_key
from edge.amocrm import load_module
from edge.logger import report_bug, warn
from edge.storage import load

CARD_FILE = "/postcall.js"
_told = [False]  # once per page, whatever the sessions


class PostcallLoader:
    """Feeds the agent's status to the card, loading it first."""

    def __init__(self, amocrm, mount):
        self.amocrm = amocrm
        self.mount = mount
        self.card = None
        self.loading = False
        self.stopped = False
        self.ended = None
        self.call = None
        self.offset_ms = 0

    def start(self):
        """Load the card now if this user's outbox holds anything."""
        items = get(load(storage_key(self.amocrm.user_id())), "items", None)
        if is_list(items) and len(items) > 0:
            self._load()

    def on_status(self, view, live):
        """A status feed listener: a call beginning loads the card, a call ending shows it."""
        if view.in_call:
            if self.call == None or self.call.unique_id != view.unique_id:
                self.offset_ms = clock_offset_ms(view.timestamp, now_ms(), live)
            self.call = view
            self._load()
            return
        call = self.call
        self.call = None
        if call == None:
            return
        self.ended = {"unique_id": call.unique_id or str(now_ms()), "contact_id": call.contact_id,
                      "contact_name": call.contact_name, "phone": call.phone,
                      "duration_s": elapsed_seconds(call.timestamp, now_ms(), self.offset_ms)}
        self._load()

    def _load(self):
        if self.card != None:
            self._hand_over()
            return
        path = self.amocrm.widget_path()
        if self.loading or self.stopped or path == None:
            return
        self.loading = True
        load_module(path + CARD_FILE + "?v=" + WIDGET_VERSION, self._loaded, self._failed)

    def _loaded(self, module):
        self.loading = False
        if self.stopped:
            return
        try:
            self.card = module["start"](self._host())
        except AnyError as error:
            self._failed(error)
            return
        self._hand_over()

    def _hand_over(self):
        ended = self.ended
        self.ended = None
        if ended != None:
            try:
                self.card["call_ended"](__pragma__('js', '{}', 'JSON.parse (JSON.stringify (ended))'))
            except AnyError as error:
                report_bug("post-call card", error)

    def _failed(self, error):
        self.loading = False
        warn("the post-call card did not load:", error)
        if self.stopped or _told[0]:
            return
        _told[0] = True
        self.amocrm.show_error(self.amocrm.i18n("domain.amocrm.postcall.load_failed_header"),
                               self.amocrm.i18n("domain.amocrm.postcall.load_failed_text"))

    def _host(self):
        amocrm = self.amocrm  # noqa: F841 (used by the JavaScript below)
        return __pragma__('js', '{}', '''({
            mount: self.mount, user_id: amocrm.user_id (), i18n: function (key) { return amocrm.i18n (key); },
            rest: function (m, p, b, d) { amocrm.rest (m, p, b, d); },
            notify: function (h, t) { amocrm.show_error (h, t); }})''')

    def stop(self):
        """Stop the card (its timers, listeners, requests in flight) and remove it."""
        self.stopped = True
        if self.card != None:
            try:
                self.card["stop"]()
            except AnyError as error:
                report_bug("post-call card stop", error)
            self.card = None
