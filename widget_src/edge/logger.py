"""Logging that exists only in ``--dev`` builds.

The bodies are compiled out unless the build defines DEBUG, so a release ``script.js``
holds no logging code and never prints request data.
"""


from core.jscompat import AnyError


def debug(*parts):
    """Log at debug level (every callback, request and response) in development builds."""
    __pragma__('ifdef', 'DEBUG')
    console.debug('[AsteriskNG]', *parts)
    __pragma__('endif')


def warn(*parts):
    """Log a condition the integrator can fix (bad settings, a failed start-up) in development builds."""
    __pragma__('ifdef', 'DEBUG')
    console.warn('[AsteriskNG]', *parts)
    __pragma__('endif')


def report_bug(where, error):
    """An unexpected exception in the widget's own code: logged in development builds, never thrown."""
    __pragma__('ifdef', 'DEBUG')
    console.error('[AsteriskNG]', where, error)
    __pragma__('endif')


def guard(where, callback, argument=None):
    """Run ``callback(argument)`` from a timer or an event: a failure is reported, not thrown."""
    try:
        return callback(argument)
    except AnyError as error:
        report_bug(where, error)
        return None
