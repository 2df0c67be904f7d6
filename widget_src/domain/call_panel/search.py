"""Phonebook search for the panel's search box: debounced, and only the latest query counts."""

from domain.call_panel.logic import read_contacts
from domain.protocol import Cancelled
from infrastructure.jscompat import AnyError

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

    async def load_recent(self):
        """Fetch the last contacts shown for an empty box."""
        try:
            self.recent = read_contacts(await self.client.get_last_contacts(MAX_RESULTS))
        except AnyError:
            self.recent = []

    def query(self, text):
        """The box now holds ``text``: search after a pause (or show recent contacts at once)."""
        self.sequence = self.sequence + 1
        self.timers.cancel(self.timer)
        self.timer = None
        typed = text.strip()
        if len(typed) == 0:
            self.show("recent", self.recent, None)
            return
        sequence = self.sequence
        self.timer = self.timers.timeout(lambda: self._search(sequence, typed), DEBOUNCE_MS)

    def cancel(self):
        """Forget the pending query (the list was closed)."""
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
