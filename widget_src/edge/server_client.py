"""One async function per protocol method, over amoCRM's proxy (docs/protocol.md).

Every request has a deadline whose timer is cleared when the answer comes; an answer
settles the request once; :meth:`ServerClient.close` rejects whatever is still pending
with :class:`Cancelled`, so nothing of a destroyed widget runs later.
"""

from core.jscompat import AnyError
from core.protocol import (
    Cancelled,
    NotResponding,
    build_envelope,
    deadline_ms,
    decode_response,
    encode_form,
    is_server_failure,
    next_request_id,
    request_url,
    transport_error,
)
from edge.amocrm import abort
from edge.logger import debug


class ServerClient:
    """Talks to the AsteriskNG server of one set of settings."""

    def __init__(self, amocrm, settings, timers, on_outcome):
        self.amocrm = amocrm
        self.settings = settings
        self.timers = timers
        self.on_outcome = on_outcome  # on_outcome(succeeded): feeds the server monitor
        self.pending = []
        self.closed = False

    def call(self, method, params):
        """A Promise of ``method``'s result; rejected with a ServerError subclass on failure."""
        return __new__(Promise(lambda resolve, reject: self._send(method, params, resolve, reject)))

    def _send(self, method, params, resolve, reject):
        if self.closed:
            reject(Cancelled(method))
            return
        request_id = next_request_id()
        envelope = build_envelope(self.amocrm.request_headers(), request_id, method, params)
        request = {"settled": False, "timer": None, "reject": reject, "method": method, "transport": None}
        self.pending.append(request)

        def settle(outcome, value):
            if request["settled"]:
                return
            request["settled"] = True
            self.timers.cancel(request["timer"])
            self.pending.remove(request)
            self.on_outcome(outcome == "resolve" or not is_server_failure(value))
            debug("←", method, request_id, outcome, value)
            if outcome == "resolve":
                resolve(value)
            else:
                reject(value)

        def on_success(body, text_status, xhr):
            try:
                settle("resolve", decode_response(method, body))
            except AnyError as error:
                settle("reject", error)

        def on_error(xhr, text_status, error_thrown):
            settle("reject", transport_error(method, text_status))

        def on_deadline():
            settle("reject", NotResponding(method, "no answer within " + str(deadline_ms(method)) + " ms"))

        request["timer"] = self.timers.timeout(on_deadline, deadline_ms(method))
        debug("→", method, request_id, params)
        request["transport"] = self.amocrm.post(
            request_url(self.settings.server_address, self.settings.secret_key),
            encode_form(envelope), on_success, on_error)

    def close(self):
        """Reject every pending request with Cancelled and refuse new ones."""
        self.closed = True
        pending = self.pending
        self.pending = []
        for request in pending:
            request["settled"] = True
            self.timers.cancel(request["timer"])
            abort(request["transport"])  # a destroyed widget leaves no request in flight
            request["reject"](Cancelled(request["method"]))

    def pending_count(self):
        """Requests sent and not yet answered."""
        return len(self.pending)

    def ping(self):
        """Checks address, key and version: resolves to ``{"ping": "pong"}``."""
        return self.call("ping", {})

    def get_agent_status(self, current_status):
        """Long poll: resolves when the status differs from ``current_status`` (or after ~9 s)."""
        return self.call("get_agent_status", {"current_status": current_status})

    def originate(self, phone):
        """Call ``phone`` from the agent's extension."""
        return self.call("originate", {"phone": phone})

    def originate_by_contact(self, contact_uuid):
        """Call a phonebook entry."""
        return self.call("originate_by_contact", {"contact_uuid": contact_uuid})

    def redirect(self, phone):
        """Transfer the current call to ``phone``."""
        return self.call("redirect", {"phone": phone})

    def hangup(self):
        """End the current call."""
        return self.call("hangup", {})

    def set_mute(self, is_mute):
        """Mute or unmute the agent's microphone."""
        return self.call("set_mute", {"is_mute": is_mute})

    def set_hold(self, is_hold):
        """Put the current call on hold or take it back."""
        return self.call("set_hold", {"is_hold": is_hold})

    def get_contacts(self, start_with, max_results):
        """Phonebook entries whose name word or phone starts with ``start_with``."""
        return self.call("get_contacts", {"start_with": start_with, "max_results": max_results})

    def get_last_contacts(self, max_results):
        """The most recent contacts."""
        return self.call("get_last_contacts", {"max_results": max_results})
