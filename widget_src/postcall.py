"""The post-call card's entry point: script.js loads postcall.js on demand and calls :func:`start`.

``host`` and the returned interface are plain JavaScript values (functions, strings, one DOM
element): no Transcrypt object crosses between the two bundles, each has its own runtime.
"""

from app.postcall_coordinator import PostcallCoordinator
from core.jscompat import AnyError
from edge.logger import report_bug


def start(host):
    """Start the card with ``host`` (``mount``, ``user_id``, ``i18n``, ``rest``, ``notify``);
    returns ``{call_ended(call), stop()}``."""
    service = PostcallCoordinator(host)
    try:
        service.start()
    except AnyError:
        service.stop()  # a partial start (its stylesheet, listeners) is undone; script.js tells
        raise

    def call_ended(call):
        try:
            service.call_ended(call)
        except AnyError as error:
            report_bug("post-call card", error)

    def stop():
        try:
            service.stop()
        except AnyError as error:
            report_bug("post-call card stop", error)

    return __pragma__('js', '{}', '({call_ended: call_ended, stop: stop})')
