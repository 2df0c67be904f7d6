"""What a browser page reported as errors during a test."""

from __future__ import annotations


class PageErrors(list):
    """Error messages the page produced: uncaught exceptions and ``console.error`` calls."""

    def messages(self) -> list[str]:
        """The recorded messages as strings."""
        return [str(m) for m in self]
