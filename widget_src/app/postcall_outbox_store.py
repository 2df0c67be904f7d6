"""The post-call outbox as kept in localStorage: one per user, shared by all of the user's tabs.

Every change is read, change, write (another tab may have written meanwhile), so nothing typed is
lost on a reload, a crash or a new call. What the outbox holds and its rules are
core/postcall_outbox.py's; this module only keeps it and tells of other tabs' writes.
"""

from core.jscompat import AnyError, now_ms
from core.postcall_key import storage_key
from core.postcall_outbox import find_item, put_item, read_outbox
from edge.storage import load, save

TAB_KEY = "asng.postcall.tab"


def _new_tab_id():
    return "tab-" + str(now_ms()) + "-" + str(Math.floor(Math.random() * 1000000))


def tab_id():
    """This tab's id, kept across reloads (sessionStorage is per tab): a reloaded page takes over
    the items its previous page was sending instead of waiting for their lease to run out."""
    tab = None
    try:
        tab = window.sessionStorage.getItem(TAB_KEY)
        if tab == None:
            tab = _new_tab_id()
            window.sessionStorage.setItem(TAB_KEY, tab)
    except AnyError:
        tab = _new_tab_id()  # sessionStorage blocked: the id lasts as long as this page
    return tab


class OutboxStore:
    """The outbox of ``user_id``; ``owner`` is this tab's id, the name its sender leases items under."""

    def __init__(self, user_id):
        self.key = storage_key(user_id)
        self.owner = tab_id()

    def load(self):
        """The outbox as stored now (an empty one where nothing readable is stored)."""
        return read_outbox(load(self.key))

    def save(self, outbox):
        """Store ``outbox`` whole (read it just before: another tab may have written since)."""
        save(self.key, outbox)

    def change(self, item_id, change):
        """Read the outbox, apply ``change(item)`` to the item, write it back; the item or None."""
        outbox = self.load()
        item = find_item(outbox, item_id)
        if item == None:
            return None
        change(item)
        put_item(outbox, item)
        self.save(outbox)
        return item

    def follow(self, listeners, on_change):
        """Call ``on_change()`` whenever another tab writes the outbox (through ``listeners``, so
        that stopping removes it): the browser fires the storage event only in the other tabs."""
        def on_storage(event):
            if event.key == self.key:
                on_change()
        listeners.on(window, "storage", on_storage)
