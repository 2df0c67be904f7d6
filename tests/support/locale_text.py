"""The widget's own texts, read from its locale files, so tests do not hard-code translations.

A reworded text then does not break a test, while a removed key does.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

I18N_DIR = Path(__file__).resolve().parents[2] / "blank" / "i18n"


@cache
def _i18n(locale: str) -> dict[str, Any]:
    raw = (I18N_DIR / f"{locale}.json").read_text(encoding="utf-8")
    # The files are templates: the settings field's key is filled in by the build.
    raw = re.sub(r"\{\{[^}]*\}\}", '"jsonSettings"', raw)
    data: dict[str, Any] = json.loads(raw)
    return data


def text(locale: str, key: str) -> str:
    """The widget's i18n text at the dotted ``key`` for ``locale`` (``ru``, ``en``)."""
    node: Any = _i18n(locale)
    for part in key.split("."):
        node = node[part]
    assert isinstance(node, str), key
    return node
