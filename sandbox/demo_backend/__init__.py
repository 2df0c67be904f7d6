"""An in-memory demo AsteriskNG backend: the whole protocol, a phonebook, a control API.

Start one with ``DemoBackend(port=0).start()`` (tests) or ``python -m sandbox.demo_backend``
(people); server.py documents the HTTP control API.
"""

from .server import DemoBackend

__all__ = ["DemoBackend"]
