"""The browser's localStorage for small JSON values (unavailable storage is not an error)."""

from core.jscompat import AnyError, parse_json, to_json


def load(key):
    """The stored value, or None (missing, unreadable, or storage blocked)."""
    try:
        text = window.localStorage.getItem(key)
        return parse_json(text) if text != None else None
    except AnyError:
        return None


def save(key, value):
    """Store ``value``; silently skipped where storage is blocked (private mode, quota)."""
    try:
        window.localStorage.setItem(key, to_json(value))
    except AnyError:
        return


def remove(key):
    """Forget ``key`` (silently skipped where storage is blocked)."""
    try:
        window.localStorage.removeItem(key)
    except AnyError:
        return
