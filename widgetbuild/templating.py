"""Render the Jinja templates of ``blank/`` (the manifest and the locale files) into JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from widgetbuild.errors import BuildError
from widgetbuild.textfile import read_text


def render_json(path: Path, context: dict[str, Any]) -> Any:
    """Render ``path`` with ``context`` and parse the result as JSON.

    Template syntax errors, undefined variables and invalid JSON all become a
    :class:`BuildError` naming the file (and the line where Jinja or JSON knows it).
    """
    # Imported here: importing Jinja (35 ms) at start-up would delay Transcrypt's start.
    import jinja2

    source = read_text(path)
    environment = jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
                                     autoescape=False)

    def json_filter(value: Any) -> str:
        if isinstance(value, jinja2.Undefined):
            str(value)  # StrictUndefined raises UndefinedError, naming the variable
        return json.dumps(value, ensure_ascii=False)

    environment.filters["json"] = json_filter
    try:
        text = environment.from_string(source).render(**context)
    except jinja2.TemplateSyntaxError as error:
        raise BuildError(path, f"template syntax error: {error.message}", error.lineno) from None
    except jinja2.UndefinedError as error:
        raise BuildError(path, f"template uses an unknown variable: {error.message}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise BuildError(path, f"invalid JSON after rendering: {error.msg} (column {error.colno})",
                         error.lineno) from None
