"""Check the widget's imports against its own tree (while Transcrypt runs: a problem stops it).

Transcrypt reports a module it cannot find with its last search path (inside the
interpreter's site-packages), tries to transpile CPython's standard library for ``import os``
and blames a file that does not exist, and the linker only sees the emitted JavaScript. Here
each problem is named at the importing line of the widget's source: a missing module, the
standard library, a name the module lacks, a cycle of ``from … import`` statements.
"""

from __future__ import annotations

import ast
import importlib.util
import sys
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path
from typing import Any

from widgetbuild.build_cache import TextMemo
from widgetbuild.errors import BuildError
from widgetbuild.source_rules import (
    SOURCE_RULES,
    UNSUPPORTED_MODULES,
    iter_sources,
    parse_source,
    skipped_lines,
)
from widgetbuild.textfile import read_text


@dataclass(frozen=True)
class Import:
    """One imported module at one line; ``names`` are those of a ``from … import``."""

    module: str
    line: int
    names: tuple[str, ...] = ()


@cache
def transcrypt_modules() -> frozenset[str]:
    """Top-level modules Transcrypt ships for the browser (math, random, re, org.transcrypt …)."""
    spec = importlib.util.find_spec("transcrypt")
    folders = spec.submodule_search_locations if spec and spec.submodule_search_locations else []
    return frozenset(p.stem for folder in folders for p in (Path(folder) / "modules").iterdir()
                     if not p.name.startswith("__") or p.name == "__future__")


def _usable_modules() -> list[str]:
    """What the message offers instead of the standard library: Transcrypt's modules the rules allow."""
    return sorted(transcrypt_modules() - UNSUPPORTED_MODULES - {"org", "com", "turtle"})


def _imports(tree: ast.Module, skipped: list[tuple[int, int]]) -> list[Import]:
    found = []
    for node in ast.walk(tree):
        if any(first <= getattr(node, "lineno", 0) <= last for first, last in skipped):
            continue  # code only CPython sees
        if isinstance(node, ast.Import):
            found += [Import(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.append(Import(node.module, node.lineno, tuple(alias.name for alias in node.names)))
    return sorted(found, key=lambda item: item.line)


def _top_level_names(tree: ast.Module) -> set[str]:
    """Names a module defines at its top level (also inside top-level if/try blocks)."""
    names: set[str] = set()
    pending: list[ast.stmt] = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(n.id for target in targets for n in ast.walk(target) if isinstance(n, ast.Name))
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
        elif isinstance(node, (ast.If, ast.Try, ast.With, ast.For, ast.While)):
            for field in ("body", "orelse", "finalbody", "handlers"):
                pending += getattr(node, field, [])
        elif isinstance(node, ast.ExceptHandler):
            pending += node.body
    return names


def _module_facts(display: str, text: str) -> dict[str, Any]:
    """What the check needs of one module: its imports and its top-level names (JSON values)."""
    tree = parse_source(Path(display), display, text)
    found = _imports(tree, skipped_lines(text))
    return {"imports": [[item.module, item.line, list(item.names)] for item in found],
            "names": sorted(_top_level_names(tree))}


def facts_memo(cache_dir: Path) -> TextMemo:
    """Where :func:`check_imports` remembers each module's imports and names between builds."""
    return TextMemo(cache_dir / "imports.json", Path(__file__).read_bytes() + SOURCE_RULES.read_bytes())


class _Tree:
    """The widget's modules by dotted name, each read once (or remembered by ``memo``)."""

    def __init__(self, source_dir: Path, display_root: Path, memo: TextMemo | None) -> None:
        self.source_dir = source_dir
        self.display_root = display_root
        self.files = {self._dotted(path): path for path in iter_sources(source_dir)}
        self.memo = memo
        self._facts: dict[str, dict[str, Any]] = {}

    def _dotted(self, path: Path) -> str:
        parts = path.relative_to(self.source_dir).with_suffix("").parts
        return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)

    def display(self, module: str) -> str:
        """How messages name a module's file (relative to the project, like the source rules)."""
        return (self.display_root / self.files[module].relative_to(self.source_dir)).as_posix()

    def facts(self, module: str) -> dict[str, Any]:
        if module not in self._facts:
            display = self.display(module)
            text = read_text(self.files[module], display)
            scan = partial(_module_facts, display)
            self._facts[module] = scan(text) if self.memo is None else self.memo.get(text, scan)
        return self._facts[module]

    def imports(self, module: str) -> list[Import]:
        return [Import(name, line, tuple(names)) for name, line, names in self.facts(module)["imports"]]

    def names(self, module: str) -> set[str]:
        return set(self.facts(module)["names"])


def _check_one(tree: _Tree, importer: str, item: Import) -> list[str]:
    """The widget modules ``item`` binds by name (for the cycle check); fails on a missing one."""
    where, top = tree.display(importer), item.module.split(".")[0]
    if item.module not in tree.files:
        if top in transcrypt_modules():
            return []
        if top in sys.stdlib_module_names:
            raise BuildError(where, f"module {item.module!r} is Python's standard library, "
                                    "which is not available in the browser "
                                    f"(Transcrypt provides {', '.join(_usable_modules())})",
                             item.line)
        raise BuildError(where, f"no module {item.module!r} in {tree.display_root.as_posix()} "
                                f"(imported at {where}:{item.line})", item.line)
    named = []
    for name in item.names:
        if f"{item.module}.{name}" in tree.files:
            continue  # a submodule: Transcrypt imports it as a module
        if name != "*" and name not in tree.names(item.module):
            raise BuildError(where,
                             f"module {item.module!r} ({tree.display(item.module)}) has no name {name!r}",
                             item.line)
        named.append(item.module)
    return named


def check_imports(source_dir: Path, display_root: Path, memo: TextMemo | None = None) -> None:
    """Fail at the importing line on a missing module or name, the standard library, or a cycle.

    ``display_root`` is how messages name ``source_dir`` (e.g. ``widget_src``). A cycle of
    ``from … import`` statements cannot be linked (each module would need the other's names
    first); ``import module`` is fine. With a ``memo`` only the modules whose text changed since
    it was saved are read closely.
    """
    tree = _Tree(source_dir, display_root, memo)
    edges: dict[str, list[tuple[str, int]]] = {}
    for module in sorted(tree.files):
        edges[module] = [(target, item.line) for item in tree.imports(module)
                         for target in _check_one(tree, module, item)]
    _check_cycles(tree, edges)


def _check_cycles(tree: _Tree, edges: dict[str, list[tuple[str, int]]]) -> None:
    state: dict[str, str] = {}
    path: list[str] = []

    def visit(module: str) -> None:
        state[module] = "active"
        path.append(module)
        for target, line in edges[module]:
            if state.get(target) == "active":
                cycle = " -> ".join(path[path.index(target):] + [target])
                raise BuildError(tree.display(module),
                                 f"import cycle of 'from … import' statements: {cycle}; "
                                 "import the module itself (import x) or move the shared code", line)
            if target not in state:
                visit(target)
        path.pop()
        state[module] = "done"

    for module in sorted(edges):
        if module not in state:
            visit(module)
