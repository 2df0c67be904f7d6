"""The unknown caller: the post-call card's search of amoCRM's contacts for the caller's number.

One contact with the number is linked to the card at once; several are offered to pick from; none
(or no number at all) offers to create one. The candidates are kept here, per card, for the agent's
pick; only the chosen contact goes to the outbox.
"""

from core.jscompat import AnyError, get
from core.postcall_logic import digits_of, found_contacts
from core.postcall_outbox import find_item
from edge.logger import report_bug


class CallerLookup:
    """Looks up callers through ``api`` (an :class:`edge.amocrm_rest.AmoRest`), links a single match in
    ``store`` and calls ``on_choice(item, kind, candidates)`` with what the card should offer."""

    def __init__(self, store, api, on_choice):
        self.store = store
        self.api = api
        self.on_choice = on_choice
        self.choices = {}  # item id -> [kind, candidates] of the unknown caller's part
        self.stopped = False

    def stop(self):
        """Drop the answers of searches still on their way."""
        self.stopped = True

    async def find(self, item):
        """Search for the contact of ``item``'s phone number; errors are reported, never thrown."""
        try:
            await self._search(item)
        except AnyError as error:  # never a rejected promise in amoCRM's page
            report_bug("post-call contact search", error)

    def candidate(self, item_id, contact_id):
        """The contact ``contact_id`` among those found for ``item_id`` (its ``id`` and ``name``), or None."""
        choice = get(self.choices, item_id, None)
        chosen = None
        for found in choice[1] if choice != None else []:
            if found["id"] == contact_id:
                chosen = found
        return chosen

    async def _search(self, item):
        item_id = item["id"]
        digits = digits_of(item["phone"])
        if len(digits) == 0:
            self._choice(item_id, "create", [])
            return
        self._choice(item_id, "searching", [])
        answer = await self.api.search(digits)
        if self.stopped:
            return
        if answer["status"] != 200 and answer["status"] != 204:
            self._choice(item_id, "search_failed", [])
            return
        found = found_contacts(answer["status"], answer["body"])
        if len(found) == 1:
            def change(changed):
                changed["contact_id"] = found[0]["id"]
                changed["contact_name"] = found[0]["name"]
            self.store.change(item_id, change)
            self._choice(item_id, "none", found)
        elif len(found) > 1:
            self._choice(item_id, "pick", found)
        else:
            self._choice(item_id, "create", [])

    def _choice(self, item_id, kind, candidates):
        self.choices[item_id] = [kind, candidates]
        item = find_item(self.store.load(), item_id)
        if item != None:
            self.on_choice(item, kind, candidates)
