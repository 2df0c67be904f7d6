"""Run Transcrypt 3.9.5 with three changes that make it faster and leave its output the same.

Used as a script: ``python transcrypt_runner.py <transcrypt arguments>`` in the staged source
folder, exactly like ``python -m transcrypt``.

1. Identifier filtering. Transcrypt renames identifiers that clash with JavaScript (``keys`` →
   ``py_keys``) by trying each of its ~80 aliases on every name it emits, two ``re.sub`` calls per
   alias: 1.4 million substitutions, two thirds of a full build. The result depends only on the
   name and the active aliases, so it is remembered; and an alias whose source name does not
   occur in the name cannot match, so its substitutions are skipped (``tests/build`` compares
   the result with Transcrypt's own filter, and a whole build with plain Transcrypt's).
2. Start-up. Transcrypt imports its optional checkers (mypy for ``-ds``, pyflakes for ``-dc``)
   whatever the options, 40 ms of every run; the build never asks for them, so they are
   replaced by modules that say so if used.
3. Make mode. Transcrypt reloads an unchanged target and, if its first character is not ``/``,
   takes it for minified code and prettifies it with the Closure Compiler (a Java process,
   1.6 s) only to read its import and export names. The target of a JavaScript-only module (the
   runtime's ``copy``) never starts with ``/``, so every make would pay for Java. The names are
   the same in the unprettified code, which is exactly what a full build reads for such a
   module, so the check is switched off.
"""

from __future__ import annotations

import os
import re
import runpy
import sys
import types
from typing import Any

# Transcrypt's two substitutions per alias (compiler.Generator.filterId), compiled once.
_DUNDER_MATCH = r"(^|(?P<preDunder>__)|(?<=[./])){}((?P<postDunder>__)|(?=[./])|$)"
_PLAIN_MATCH = r"(^|(?<=[./=])){}((?=[./=])|$)"
# Transcrypt's optional checkers: the type check (-ds, mypy) and the static check (-dc, pyflakes).
_CHECKERS = ("org.transcrypt.type_check", "org.transcrypt.static_check")


class IdFilter:
    """Transcrypt's identifier filter: the same result for every name, computed once per name."""

    def __init__(self) -> None:
        self._patterns: dict[str, tuple[re.Pattern[str], re.Pattern[str], bool]] = {}
        self._filtered: dict[tuple[tuple[Any, ...], str], str] = {}

    def _compiled(self, source: str) -> tuple[re.Pattern[str], re.Pattern[str], bool]:
        found = self._patterns.get(source)
        if found is None:
            # An alias set by __pragma__ ('alias', ...) is a regular expression; only a literal
            # name can be skipped when it does not occur.
            literal = re.escape(source) == source
            dunder, plain = re.compile(_DUNDER_MATCH.format(source)), re.compile(_PLAIN_MATCH.format(source))
            found = (dunder, plain, literal)
            self._patterns[source] = found
        return found

    def apply(self, aliases: list[tuple[str, str]], qualified_id: str) -> str:
        """``qualified_id`` with ``aliases`` applied in order, as Transcrypt's ``filterId`` does."""
        key = (tuple(aliases), qualified_id)
        filtered = self._filtered.get(key)
        if filtered is None:
            filtered = self._filtered[key] = self._filter(aliases, qualified_id)
        return filtered

    def _filter(self, aliases: list[tuple[str, str]], qualified_id: str) -> str:
        for source, target in aliases:
            dunder, plain, literal = self._compiled(source)
            if literal and source not in qualified_id:
                continue

            def marked(match: re.Match[str], target: str = target) -> str:
                # __<source>__ becomes =<target>= so the plain pass below leaves it alone.
                return (("=" if match.group("preDunder") else "") + target
                        + ("=" if match.group("postDunder") else ""))

            # The plain pass takes the target as a replacement template, as Transcrypt does.
            qualified_id = plain.sub(target, dunder.sub(marked, qualified_id))
        return qualified_id.replace("=", "")


def _install_id_filter(compiler: Any) -> None:
    id_filter = IdFilter()

    def filter_id(generator: Any, qualified_id: str) -> str:
        if not generator.idFiltering or (qualified_id.startswith("__") and qualified_id.endswith("__")):
            return qualified_id  # system dunder names are left as they are
        return id_filter.apply(generator.aliases, qualified_id)

    compiler.Generator.filterId = filter_id


def _skip_checkers() -> None:
    for name in _CHECKERS:
        checker = types.ModuleType(name, "Not loaded: the build does not run Transcrypt's checkers.")

        def run(*args: Any, name: str = name) -> None:
            raise RuntimeError(f"{name} is not loaded by widgetbuild's Transcrypt runner")

        checker.run = run  # type: ignore[attr-defined]
        sys.modules[name] = checker


def _read_minified_as_is(utils: Any) -> None:
    digest = utils.digestJavascript

    def digest_without_refusal(*args: Any, **kwargs: Any) -> Any:
        kwargs.pop("refuseIfAppearsMinified", None)
        return digest(*args, **kwargs)

    utils.digestJavascript = digest_without_refusal


def main() -> int:
    """Run Transcrypt's command line on ``sys.argv[1:]``; return its exit code."""
    # `python -m transcrypt` puts the current folder first on sys.path; Transcrypt searches it.
    sys.path[0] = os.getcwd().replace("\\", "/")
    _skip_checkers()
    namespace = runpy.run_module("transcrypt", run_name="transcrypt_runner")
    _install_id_filter(namespace["compiler"])
    _read_minified_as_is(namespace["utils"])
    return int(namespace["main"]() or 0)


if __name__ == "__main__":
    sys.exit(main())
