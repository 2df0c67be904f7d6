"""Minify the linked bundle for ``--prod`` with rjsmin (whitespace and comments only).

A mangling minifier was measured to fold ``if("")x()`` into ``x()`` (docs/transcrypt.md §3),
so only the safe one is used.
"""

from __future__ import annotations

import rjsmin


def minify(script: str) -> str:
    """Return ``script`` without comments and needless whitespace."""
    return rjsmin.jsmin(script, keep_bang_comments=False) + "\n"
