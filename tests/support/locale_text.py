"""The widget's own texts, read from its locale files, so tests do not hard-code translations.

A reworded text then does not break a test, while a removed key does. The files are Jinja
templates; they are rendered the way the build renders them.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from widgetbuild.config import DEFAULT_SETTINGS_FIELD, DEFAULT_VERSION
from widgetbuild.i18n import load_locales
from widgetbuild.paths import PROJECT_ROOT
from widgetbuild.platforms import DEFAULT_PLATFORM, PLATFORMS

I18N_DIR = PROJECT_ROOT / "blank" / "i18n"


@cache
def _locales(platform: str) -> dict[str, Any]:
    context = {"version": DEFAULT_VERSION, "settings_field": DEFAULT_SETTINGS_FIELD,
               "platform": PLATFORMS[platform].title, "locales": list(PLATFORMS[platform].locales)}
    return load_locales(I18N_DIR, context)


def text(locale: str, key: str, platform: str = DEFAULT_PLATFORM) -> str:
    """The widget's i18n text at the dotted ``key`` for ``locale`` (``ru``, ``en``, ``es``, ``pt``)."""
    node: Any = _locales(platform)[locale]
    for part in key.split("."):
        node = node[part]
    assert isinstance(node, str), key
    return node
