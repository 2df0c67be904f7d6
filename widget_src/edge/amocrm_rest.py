"""amoCRM's REST API v4 for the post-call card, through the bridge's ``rest`` (docs/amocrm-api.md).

Every call answers a Promise of ``{status, body, retry_after}`` (status 0: no answer; body: the
decoded JSON or None) and never rejects. Requests are spaced RATE_GAP_MS apart (amoCRM allows 7
per second). :meth:`AmoRest.close` answers every pending call at once with status 0 (so nothing
waits for ever, e.g. holding a Web Lock), answers every later call the same way at once, and drops
the real answers when they come: the next run checks in amoCRM what happened.
"""

from core.jscompat import AnyError, now_ms, parse_json, url_encode
from core.postcall_logic import contact_payload, note_payload, task_payload
from core.postcall_outbox import RATE_GAP_MS


class AmoRest:
    """One user's REST access; ``rest(method, path, body, done)`` is the bridge's function."""

    def __init__(self, rest, timers):
        self.rest = rest
        self.timers = timers
        self.free_at = 0
        self.closed = False
        self.pending = []

    def call(self, method, path, body):
        """Send one request when the rate allows; a Promise of the answer."""
        def run(resolve, reject):
            if self.closed:  # nothing more is sent: no answer would ever come
                resolve({"status": 0, "body": None, "retry_after": None})
                return
            self.pending.append(resolve)

            def done(status, text, retry_after):
                if self.closed or resolve not in self.pending:
                    return
                self.pending.remove(resolve)
                decoded = None
                try:
                    decoded = parse_json(text) if text != None and len(text) > 0 else None
                except AnyError:
                    decoded = None
                resolve({"status": status or 0, "body": decoded, "retry_after": retry_after})

            def send():
                if self.closed:
                    return
                try:
                    self.rest(method, path, body, done)
                except AnyError:
                    done(0, None, None)

            now = now_ms()
            at = max(now, self.free_at)
            self.free_at = at + RATE_GAP_MS
            if at > now:
                self.timers.timeout(send, at - now)
            else:
                send()

        return __new__(Promise(run))

    def search(self, digits):
        return self.call("GET", "/api/v4/contacts?query=" + url_encode(digits), None)

    def create_contact(self, name, phone):
        return self.call("POST", "/api/v4/contacts", contact_payload(name, phone))

    def add_note(self, contact_id, text):
        return self.call("POST", "/api/v4/contacts/" + contact_id + "/notes", note_payload(text))

    def notes(self, contact_id):
        return self.call("GET", "/api/v4/contacts/" + contact_id + "/notes", None)

    def add_task(self, text, due_s, contact_id, user_id):
        return self.call("POST", "/api/v4/tasks", task_payload(text, due_s, contact_id, user_id))

    def tasks(self, contact_id):
        query = "?filter[entity_type]=contacts&filter[entity_id]=" + contact_id
        return self.call("GET", "/api/v4/tasks" + query, None)

    def close(self):
        """Answer every pending call with status 0 now; drop every answer from now on."""
        self.closed = True
        pending = self.pending
        self.pending = []
        for resolve in pending:
            resolve({"status": 0, "body": None, "retry_after": None})
