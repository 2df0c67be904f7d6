"""Phonebook search for the panel's search box: debounced, and only the latest query counts."""

from core.jscompat import AnyError
from core.panel_logic import read_contacts
from core.protocol import Cancelled

DEBOUNCE_MS = 250
MAX_RESULTS = 10


class PhonebookSearch:
    """Turns typing into at most one ``get_contacts`` per pause; reports results to ``show``.

    ``show(kind, contacts, error)`` gets kind ``"recent"`` (the box is empty), ``"results"``,
    ``"loading"`` or ``"error"``. An answer to a query the user has already changed is dropped.
    """

    def __init__(self, client, timers, show):
        self.client = client
        self.timers = timers
        self.show = show
        self.sequence = 0
        self.timer = None
        self.recent = []
        self.recent_loads = 0
        self.showing_recent = False

    async def load_recent(self):
        """Fetch the last contacts shown for an empty box (a later load wins over an earlier one)."""
        self.recent_loads = self.recent_loads + 1
        load = self.recent_loads
        try:
            recent = read_contacts(await self.client.get_last_contacts(MAX_RESULTS))
        except AnyError:
            return
        if load == self.recent_loads:
            self.recent = recent
            if self.showing_recent:
                self.show("recent", recent, None)

    def query(self, text):
        """The box now holds ``text``: search after a pause (or show recent contacts at once)."""
        self.sequence = self.sequence + 1
        self.timers.cancel(self.timer)
        self.timer = None
        typed = text.strip()
        self.showing_recent = len(typed) == 0
        if self.showing_recent:
            self.show("recent", self.recent, None)
            return
        sequence = self.sequence
        self.timer = self.timers.timeout(lambda: self._search(sequence, typed), DEBOUNCE_MS)

    def cancel(self):
        """Forget the pending query (the list was closed)."""
        self.showing_recent = False
        self.sequence = self.sequence + 1
        self.timers.cancel(self.timer)
        self.timer = None

    async def _search(self, sequence, typed):
        self.timer = None
        self.show("loading", [], None)
        try:
            result = await self.client.get_contacts(typed, MAX_RESULTS)
        except AnyError as error:
            if sequence == self.sequence and not isinstance(error, Cancelled):
                self.show("error", [], error)
            return
        if sequence == self.sequence:
            self.show("results", read_contacts(result), None)
