"""Locale files: load, check that every locale has the same keys, and that the code's keys exist."""

from __future__ import annotations

import ast
from functools import partial
from pathlib import Path
from typing import Any

from widgetbuild.build_cache import TextMemo
from widgetbuild.errors import BuildError
from widgetbuild.paths import shown
from widgetbuild.source_rules import SOURCE_RULES, iter_sources, parse_source
from widgetbuild.templating import render_json
from widgetbuild.textfile import read_text

# ``i18n(key)`` translates; ``text_key(key)`` declares a key kept as data (the widget's error table).
I18N_CALLS = ("i18n", "text_key")


def flatten(tree: Any, path: Path, prefix: str = "") -> dict[str, str]:
    """Dotted key -> text for every leaf of a locale tree; leaves must be strings."""
    if not isinstance(tree, dict):
        raise BuildError(path, f"{prefix or 'the top level'} must be a JSON object of texts")
    flat: dict[str, str] = {}
    for key, value in tree.items():
        dotted = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            flat.update(flatten(value, path, dotted))
        elif isinstance(value, str):
            flat[dotted] = value
        else:
            raise BuildError(path, f"{dotted} must be a text or an object, not {type(value).__name__}")
    return flat


def load_locales(i18n_dir: Path, context: dict[str, Any]) -> dict[str, Any]:
    """Render every ``<locale>.json`` of ``i18n_dir``; fail unless all have identical key sets."""
    files = sorted(i18n_dir.glob("*.json"))
    if not files:
        raise BuildError(i18n_dir, "no locale files (<locale>.json) found")
    trees = {file.stem: render_json(file, context) for file in files}
    flats = {locale: flatten(tree, i18n_dir / f"{locale}.json") for locale, tree in trees.items()}
    every_key = set().union(*(set(flat) for flat in flats.values()))
    problems = []
    for locale, flat in flats.items():
        for key in sorted(every_key - set(flat)):
            others = ", ".join(sorted(o for o in flats if key in flats[o]))
            problems.append(f"{shown(i18n_dir / (locale + '.json'))}: missing key {key!r} "
                            f"(present in {others})")
    if problems:
        raise BuildError(i18n_dir, "locale files differ in their keys:\n  " + "\n  ".join(problems))
    return trees


def _calls_outside_wrapper(tree: ast.AST) -> list[ast.Call]:
    """Calls of ``i18n``/``text_key`` except inside functions of those names (they forward keys)."""
    calls: list[ast.Call] = []

    def walk(node: ast.AST) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name in I18N_CALLS:
            return
        if isinstance(node, ast.Call):
            func = node.func
            name = (func.id if isinstance(func, ast.Name)
                    else func.attr if isinstance(func, ast.Attribute) else None)
            if name in I18N_CALLS and node.args:
                calls.append(node)
        for child in ast.iter_child_nodes(node):
            walk(child)

    walk(tree)
    return calls


def _module_keys(path: Path, display: str, text: str) -> list[list[Any]]:
    """``[key, line]`` of each i18n call in one module (JSON values: they are remembered)."""
    if text.isascii() and not any(name in text for name in I18N_CALLS):
        return []  # no call of those names can be in it (non-ASCII names may normalise to them)
    found: list[list[Any]] = []
    for call in _calls_outside_wrapper(parse_source(path, display, text)):
        argument = call.args[0]
        if not (isinstance(argument, ast.Constant) and isinstance(argument.value, str)):
            name = call.func.id if isinstance(call.func, ast.Name) else call.func.attr
            raise BuildError(path, f"{name}() needs a string literal key so the build can check it",
                             call.lineno)
        found.append([argument.value, call.lineno])
    return found


def code_keys(source_dir: Path, memo: TextMemo | None = None) -> dict[str, tuple[Path, int]]:
    """Every i18n key the widget passes to ``i18n(...)`` or declares with ``text_key(...)``, with where
    it is first used.

    Keys must be string literals so this scan sees them all; anything else is an error. With a
    ``memo`` only the modules whose text changed since it was saved are scanned.
    """
    keys: dict[str, tuple[Path, int]] = {}
    for path in iter_sources(source_dir):
        display = str(path.relative_to(source_dir.parent))
        text = read_text(path, display)
        scan = partial(_module_keys, path, display)
        found = scan(text) if memo is None else memo.get(text, scan)
        for key, line in found:
            keys.setdefault(key, (path, line))
    return keys


def keys_memo(cache_dir: Path) -> TextMemo:
    """Where :func:`code_keys` remembers each module's keys between builds."""
    return TextMemo(cache_dir / "i18n-keys.json", Path(__file__).read_bytes() + SOURCE_RULES.read_bytes())


def check_code_keys(source_dir: Path, root: Path, trees: dict[str, Any],
                    memo: TextMemo | None = None) -> None:
    """Fail if the code uses an i18n key that some locale lacks (``memo``: see :func:`code_keys`)."""
    known = {locale: flatten(tree, Path(locale)) for locale, tree in sorted(trees.items())}
    problems = []
    for key, (path, line) in sorted(code_keys(source_dir, memo).items()):
        for locale, flat in known.items():
            if key not in flat:
                problems.append(f"{path.relative_to(root)}:{line}: key {key!r} is not in i18n/{locale}.json")
    if problems:
        raise BuildError(source_dir.relative_to(root), "unknown i18n keys:\n  " + "\n  ".join(problems))


def select_locales(trees: dict[str, Any], shipped: tuple[str, ...], i18n_dir: Path) -> dict[str, Any]:
    """The locale trees to ship, in ``shipped``'s order; a shipped locale needs its file."""
    missing = [locale for locale in shipped if locale not in trees]
    if missing:
        raise BuildError(i18n_dir, f"no locale file for {', '.join(missing)} "
                                   f"({', '.join(m + '.json' for m in missing)})")
    return {locale: trees[locale] for locale in shipped}
