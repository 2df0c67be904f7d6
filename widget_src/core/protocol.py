"""The AsteriskNG wire protocol: request envelopes, response decoding, typed errors.

Plain Python that runs unchanged under CPython (unit tests) and in the browser.
"""

from core.jscompat import (
    AnyError,
    get,
    is_integer,
    is_object,
    is_string,
    parse_json,
    to_json,
    url_encode,
)

OK = 200
BAD_REQUEST = 400
INVALID_SECRET_KEY = 401
UNKNOWN_METHOD = 404
LONG_POLL_TIMEOUT = 408
INCOMPATIBLE_VERSION = 409
INVALID_PARAMETERS = 410

# amoCRM's proxy gives up after 10 s; ping answers a person typing in the settings form.
DEFAULT_DEADLINE_MS = 10000
PING_DEADLINE_MS = 3000

_request_ids = [0]


class ServerError(Exception):
    """A request failed; ``code`` names the reason (also the i18n key's last part).

    ``server_failure`` says whether it means the server is not working for this widget (the
    monitor counts those); a server refusing one command is working.
    """

    code = "invalid_response"
    server_failure = True

    def __init__(self, method, detail):
        Exception.__init__(self, method + ": " + self.code + (": " + detail if detail else ""))
        self.method = method
        self.detail = detail


class BadRequest(ServerError):
    code = "bad_request"


class InvalidSecretKey(ServerError):
    code = "invalid_secret_key"


class IncompatibleVersion(ServerError):
    code = "incompatible_version"


class UnknownMethod(ServerError):
    code = "unknown_method"
    server_failure = False  # e.g. a backend without hold


class InvalidParameters(ServerError):
    code = "invalid_parameters"
    server_failure = False


class NotResponding(ServerError):
    code = "not_responding"


class InvalidResponse(ServerError):
    code = "invalid_response"


class MethodException(ServerError):
    """The server ran the method and it raised ``exception_name`` with ``params``."""

    code = "method_exception"
    server_failure = False

    def __init__(self, method, exception_name, params):
        ServerError.__init__(self, method, exception_name)
        self.exception_name = exception_name
        self.params = params


class LongPollTimeout(Exception):
    """408 to ``get_agent_status``: the long poll ended without news. Not an error."""

    def __init__(self):
        Exception.__init__(self, "long poll timed out")


class Cancelled(Exception):
    """The widget was destroyed (or its settings replaced) while the request was pending."""

    code = "cancelled"

    def __init__(self, method):
        Exception.__init__(self, method + ": cancelled")
        self.method = method


_ERRORS_BY_STATUS = {
    BAD_REQUEST: BadRequest,
    INVALID_SECRET_KEY: InvalidSecretKey,
    UNKNOWN_METHOD: UnknownMethod,
    INCOMPATIBLE_VERSION: IncompatibleVersion,
    INVALID_PARAMETERS: InvalidParameters,
}


def next_request_id():
    """An id larger than every earlier one of this page."""
    _request_ids[0] = _request_ids[0] + 1
    return _request_ids[0]


def deadline_ms(method):
    """How long to wait for the answer to ``method``."""
    return PING_DEADLINE_MS if method == "ping" else DEFAULT_DEADLINE_MS


def build_envelope(headers, request_id, method, params):
    """The JSON-RPC envelope for the form field ``json``."""
    return {
        "headers": {
            "amouser_email": headers["amouser_email"],
            "amouser_id": headers["amouser_id"],
            "widget_version": headers["widget_version"],
        },
        "content": {"id": request_id, "jsonrpc": "2.0", "method": method, "params": params},
    }


def encode_form(envelope):
    """The form data of one request: the single field ``json``."""
    return {"json": to_json(envelope)}


def request_url(address, secret_key):
    """The server address with the URL-encoded ``secret_key`` query parameter."""
    separator = "&" if "?" in address else "?"
    return address + separator + "secret_key=" + url_encode(secret_key)


def status_code(headers):
    """The numeric status of a response's headers (sent as a number or a string), or None."""
    raw = get(headers, "status_code", None)
    if is_string(raw):
        raw = raw.strip()
        if len(raw) == 0 or not all(digit in "0123456789" for digit in raw):
            return None
        return int(raw)
    if is_integer(raw):
        return int(raw)
    return None


def _command_result(method, content):
    result = get(content, "result", None)
    if not is_object(result):
        raise InvalidResponse(method, "no command result in the response")
    exception = get(result, "exception", None)
    if exception == None:
        exception = get(result, "exception_name", None)
    if exception != None:
        return MethodException(method, str(exception), get(result, "exception_params", None))
    if "result" not in result:
        raise InvalidResponse(method, "the command result has neither a result nor an exception")
    value = result["result"]
    return None if value == None else value


def decode_response(method, body):
    """The method's result from a response body (text or decoded JSON); raises on failure.

    Raises a :class:`ServerError` subclass for every failure, :class:`LongPollTimeout` for
    a 408 to ``get_agent_status``.
    """
    if is_string(body):
        try:
            body = parse_json(body)
        except AnyError:
            raise InvalidResponse(method, "the body is not JSON")
    if not is_object(body):
        raise InvalidResponse(method, "the body is not a JSON object")
    headers = get(body, "headers", None)
    if not is_object(headers):
        raise InvalidResponse(method, "no headers in the response")
    code = status_code(headers)
    detail = get(headers, "detail", "")
    detail = detail if is_string(detail) else ""
    if code == OK:
        outcome = _command_result(method, get(body, "content", None))
        if isinstance(outcome, MethodException):
            raise outcome
        return outcome
    if code == LONG_POLL_TIMEOUT and method == "get_agent_status":
        raise LongPollTimeout()
    if code != None and code in _ERRORS_BY_STATUS:
        raise _ERRORS_BY_STATUS[code](method, detail)
    raise InvalidResponse(method, "unexpected status " + str(code) if code != None else "no status code")


def is_server_failure(error):
    """True when ``error`` means the server is not working for this widget (see ServerError)."""
    return isinstance(error, ServerError) and error.server_failure


def transport_error(method, text_status):
    """The error for a request that got no usable answer from amoCRM's proxy.

    jQuery-style callers report ``parsererror`` when the body was not JSON; every other
    failure (proxy error, network error, timeout) means the server is not responding.
    """
    if text_status == "parsererror":
        return InvalidResponse(method, "the body is not JSON")
    return NotResponding(method, text_status if is_string(text_status) else "")
