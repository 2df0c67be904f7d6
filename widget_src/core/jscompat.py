"""What differs between CPython and Transcrypt, behind one name each.

Modules that must run unchanged under both (the functional core) use these helpers
instead of ``isinstance(x, dict)`` (false for plain JavaScript objects), ``json`` (not
transpilable) or ``except Exception`` (misses native JavaScript errors). Lines starting
with ``#?`` are active only in the transpiled code.
"""

# __pragma__ ('skip')
import json as _json
import math as _math
import time as _time
import urllib.parse as _parse

# __pragma__ ('noskip')

AnyError = Exception
# __pragma__ ('ecom')
#?AnyError = object
# __pragma__ ('noecom')


def error_message(error):
    """A readable message for a Python exception or a native JavaScript error."""
    if isinstance(error, Exception):
        return str(error)
    # __pragma__ ('ecom')
    #?__pragma__ ('js', '{}', 'return error && error.message ? String (error.message) : String (error);')
    # __pragma__ ('noecom')
    # __pragma__ ('skip')
    return str(error)
    # __pragma__ ('noskip')


def is_object(value):
    """True for a JSON object (a Python dict, or a plain JavaScript object)."""
    # __pragma__ ('ecom')
    #?__pragma__ ('js', '{}', 'return typeof value === "object" && value !== null && !Array.isArray (value);')
    # __pragma__ ('noecom')
    # __pragma__ ('skip')
    return isinstance(value, dict)
    # __pragma__ ('noskip')


def is_list(value):
    """True for a JSON array (Array.isArray: postcall.js's runtime is not the one that made the
    page's arrays, so its ``list`` class is not theirs)."""
    # __pragma__ ('ecom')
    #?__pragma__ ('js', '{}', 'return Array.isArray (value);')
    # __pragma__ ('noecom')
    # __pragma__ ('skip')
    return isinstance(value, list)
    # __pragma__ ('noskip')


def is_string(value):
    """True for a string."""
    # __pragma__ ('ecom')
    #?__pragma__ ('js', '{}', 'return typeof value === "string";')
    # __pragma__ ('noecom')
    # __pragma__ ('skip')
    return isinstance(value, str)
    # __pragma__ ('noskip')


def is_integer(value):
    """True for a whole number that is not a boolean (JSON's 200.0 is 200 in the browser, so here too)."""
    # __pragma__ ('ecom')
    #?__pragma__ ('js', '{}', 'return typeof value === "number" && Math.floor (value) === value;')
    # __pragma__ ('noecom')
    # __pragma__ ('skip')
    if isinstance(value, float):
        return value.is_integer()
    return isinstance(value, int) and not isinstance(value, bool)
    # __pragma__ ('noskip')


def is_number(value):
    """True for a finite number that is not a boolean."""
    # __pragma__ ('ecom')
    #?__pragma__ ('js', '{}', 'return typeof value === "number" && isFinite (value);')
    # __pragma__ ('noecom')
    # __pragma__ ('skip')
    return isinstance(value, (int, float)) and not isinstance(value, bool) and _math.isfinite(value)
    # __pragma__ ('noskip')


def is_boolean(value):
    """True for true/false."""
    # __pragma__ ('ecom')
    #?__pragma__ ('js', '{}', 'return typeof value === "boolean";')
    # __pragma__ ('noecom')
    # __pragma__ ('skip')
    return isinstance(value, bool)
    # __pragma__ ('noskip')


def whole_number_text(value):
    """The digits of a whole number (Transcrypt's int() keeps only 32 bits: 79161234567 would break)."""
    # __pragma__ ('ecom')
    #?__pragma__ ('js', '{}', 'return String (Math.trunc (value));')
    # __pragma__ ('noecom')
    # __pragma__ ('skip')
    return str(int(value))
    # __pragma__ ('noskip')


def to_whole_number(value):
    """A whole number from a number or a text of digits (without 32-bit truncation), or None."""
    # __pragma__ ('ecom')
    #?__pragma__ ('js', '{}', 'var n = Math.trunc (Number (value)); return isFinite (n) ? n : null;')
    # __pragma__ ('noecom')
    # __pragma__ ('skip')
    try:
        return int(float(value))
    except (TypeError, ValueError, OverflowError):
        return None
    # __pragma__ ('noskip')


def parse_json(text):
    """Decode JSON text; raises (a ValueError or a JavaScript SyntaxError) on bad input."""
    # __pragma__ ('ecom')
    #?return JSON.parse (text)
    # __pragma__ ('noecom')
    # __pragma__ ('skip')
    return _json.loads(text)
    # __pragma__ ('noskip')


def to_json(value):
    """Encode as compact JSON, the same text under CPython and in the browser."""
    # __pragma__ ('ecom')
    #?return JSON.stringify (value)
    # __pragma__ ('noecom')
    # __pragma__ ('skip')
    return _json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    # __pragma__ ('noskip')


def url_encode(text):
    """Percent-encode a query parameter value (like encodeURIComponent)."""
    # __pragma__ ('ecom')
    #?return encodeURIComponent (text)
    # __pragma__ ('noecom')
    # __pragma__ ('skip')
    return _parse.quote(text, safe="-_.!~*'()")
    # __pragma__ ('noskip')


def now_ms():
    """Milliseconds since the epoch."""
    # __pragma__ ('ecom')
    #?return Date.now ()
    # __pragma__ ('noecom')
    # __pragma__ ('skip')
    return int(_time.time() * 1000)
    # __pragma__ ('noskip')


def keys_of(obj):
    """The keys of a JSON object, in order."""
    # __pragma__ ('ecom')
    #?return Object.js_keys (obj)  # Transcrypt renames .keys: js_keys is the JavaScript name
    # __pragma__ ('noecom')
    # __pragma__ ('skip')
    return list(obj.keys())
    # __pragma__ ('noskip')


def same_json(first, second):
    """Deep equality of two JSON values (key order does not matter)."""
    if is_object(first) and is_object(second):
        keys = keys_of(first)
        if len(keys) != len(keys_of(second)):
            return False
        for key in keys:
            if key not in second or not same_json(first[key], second[key]):
                return False
        return True
    if is_list(first) and is_list(second):
        if len(first) != len(second):
            return False
        for index in range(len(first)):
            if not same_json(first[index], second[index]):
                return False
        return True
    if is_object(first) or is_object(second) or is_list(first) or is_list(second):
        return False
    # JavaScript's == would equate 1, "1" and true
    if is_string(first) != is_string(second) or is_boolean(first) != is_boolean(second):
        return False
    return first == second


def get(obj, key, default):
    """``obj[key]`` for a JSON object, ``default`` when absent or null (undefined-safe)."""
    if is_object(obj) and key in obj and obj[key] != None:
        return obj[key]
    return default
