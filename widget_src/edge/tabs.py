"""The other tabs of this browser: who leads a group, and messages between the group's tabs.

Leadership comes from the Web Locks API: the browser grants one lock per name and releases
it when its tab closes, crashes or navigates away. Where Web Locks is missing, a lease in
localStorage renewed by a heartbeat stands in. Messages go through a BroadcastChannel, or,
without one, through storage events. Nothing here throws into the page: a browser without
any of these leaves the tab leading alone, which is how the widget ran before tabs shared.
"""

from core.jscompat import AnyError, now_ms, parse_json
from core.tab_sync import HEARTBEAT_MS, lease_step
from edge.storage import load, remove, save


def watch_key(listeners, key, callback):
    """Call ``callback(value)`` when another tab stores a new JSON ``value`` at ``key``.

    Storage events fire only in the other tabs of the origin, never in the tab that wrote.
    """

    def changed(event):
        if event.key == key and event.newValue != None:
            callback(_parsed(event.newValue))

    return listeners.on(window, "storage", changed)


def announce(key, value):
    """Raise a storage event with JSON ``value`` at ``key`` in the other tabs, keeping nothing stored."""
    save(key, value)
    remove(key)


def _parsed(text):
    """JSON ``text`` decoded, or None when it is not JSON (another script's entry, a torn write)."""
    try:
        return parse_json(text)
    except AnyError:
        return None


class TabLink:
    """This tab's membership in the group ``name``.

    ``on_lead(leading)`` is called when the tab becomes the leader (True) or stops being it
    (False, only with the lease); ``on_message(message)`` with every message another tab
    sent (JSON, not validated). :meth:`stop` gives up everything it started.
    """

    def __init__(self, name, on_lead, on_message, timers, listeners):
        self.name = name
        self.on_lead = on_lead
        self.on_message = on_message
        self.timers = timers
        self.listeners = listeners
        self.tab_id = str(now_ms()) + str(Math.random())
        self.leading = False
        self.stopped = False
        self.channel = None
        self.abort = None
        self.release = None
        self.heartbeat = None

    def start(self):
        """Join the group: open the channel and ask to lead."""
        try:
            self.channel = __new__(BroadcastChannel(self.name))
            self.channel.onmessage = lambda event: self._receive(event.data)
        except AnyError:  # no BroadcastChannel: the other tabs see what this one stores
            self.channel = None
            watch_key(self.listeners, self.name + ".message", self._receive)
        # Without a channel the messages go through storage, and so does the election (the lease):
        # where storage is blocked too, every tab then leads, polling on its own, instead of
        # following a leader it cannot hear.
        if self.channel != None and self._request_lock():
            return
        self.heartbeat = self.timers.interval(self._renew_lease, HEARTBEAT_MS)
        self.listeners.on(window, "pagehide", self._give_up_lease)  # a closing tab frees it at once
        self._renew_lease()

    def _request_lock(self):
        try:
            self.abort = __new__(AbortController())
            options = {"signal": self.abort.signal}
            window.navigator.locks.request(self.name, options, self._granted).catch(_ignore)
            return True
        except AnyError:  # no Web Locks: a lease in localStorage
            self.abort = None
            return False

    def _granted(self, lock):
        if self.stopped:
            return None  # released at once
        self._lead(True)
        # The lock is held until this promise settles: at stop, or when the tab goes away.
        return __new__(Promise(self._hold))

    def _hold(self, resolve, reject):
        self.release = resolve

    def _renew_lease(self):
        lease = lease_step(load(self.name + ".lease"), self.tab_id, now_ms())
        if lease != None:
            save(self.name + ".lease", lease)
        self._lead(lease != None)

    def _give_up_lease(self, event=None):
        if self.leading and self.heartbeat != None:
            remove(self.name + ".lease")

    def _lead(self, leading):
        if leading != self.leading:
            self.leading = leading
            self.on_lead(leading)

    def _receive(self, message):
        if not self.stopped:
            self.on_message(message)

    def send(self, message):
        """Send ``message`` (JSON) to the group's other tabs."""
        if self.stopped:
            return
        try:
            self.channel.postMessage(message)
        except AnyError:  # no channel, or a closed one
            announce(self.name + ".message", message)

    def stop(self):
        """Leave the group: release the lock or lease, close the channel (listeners: the caller's)."""
        self._give_up_lease()
        self.stopped = True
        self.leading = False
        if self.abort != None:
            self.abort.abort()
        if self.release != None:
            self.release()
        if self.channel != None:
            self.channel.close()
        self.timers.cancel(self.heartbeat)


def _ignore(error):
    """An aborted lock request rejects: that is the expected end of a tab that never led."""
