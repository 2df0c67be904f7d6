"""Refuse Python that Transcrypt 3.9.5 miscompiles silently (docs/transcrypt.md §1).

Transcrypt accepts much that it then translates wrongly: keyword arguments are dropped,
format specs vanish, ``except Exception`` misses JavaScript errors, a walrus becomes a
ReferenceError at run time. Each rule here names such a construct and the idiom to use
instead; the build stops at the first file that breaks one, with file and line.
Rules that need types (dict iteration, list truthiness, JSON attribute names) cannot be
checked statically; the differential and bundle tests guard those.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

from widgetbuild.build_cache import TextMemo
from widgetbuild.errors import BuildError
from widgetbuild.textfile import read_text

# Transcrypt tries to transpile CPython's own stdlib for these and aborts.
UNSUPPORTED_MODULES = {"__future__", "enum", "json", "abc", "functools", "collections", "dataclasses",
                       "typing", "asyncio"}


# This module: what it finds in a text depends on nothing else (the memos' version).
SOURCE_RULES = Path(__file__)


@dataclass(frozen=True)
class Violation:
    """One broken rule at one line."""

    path: Path
    line: int
    message: str


def _pragma(node: ast.AST) -> str | None:
    """The first argument of a ``__pragma__('name', ...)`` call statement, if this is one."""
    if (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Call)
        and isinstance(node.value.func, ast.Name)
        and node.value.func.id == "__pragma__"
        and node.value.args
        and isinstance(node.value.args[0], ast.Constant)
    ):
        return str(node.value.args[0].value)
    return None


def _kwargs_lines(tree: ast.Module) -> list[tuple[int, int]]:
    """Line ranges between ``__pragma__('kwargs')`` and ``__pragma__('nokwargs')``."""
    ranges, start = [], None
    pragmas = sorted((node.lineno, _pragma(node)) for node in ast.walk(tree) if _pragma(node))
    for line, pragma in pragmas:  # in source order: ast.walk is breadth-first
        if pragma == "kwargs" and start is None:
            start = line
        elif pragma == "nokwargs" and start is not None:
            ranges.append((start, line))
            start = None
    if start is not None:
        ranges.append((start, 10**9))
    return ranges


def skipped_lines(source: str) -> list[tuple[int, int]]:
    """Line ranges inside ``# __pragma__ ('skip')`` comments: code only CPython sees."""
    ranges, start = [], None
    for number, text in enumerate(source.splitlines(), 1):
        compact = text.replace(" ", "")
        if compact.startswith("#__pragma__('skip')"):
            start = number
        elif compact.startswith("#__pragma__('noskip')") and start is not None:
            ranges.append((start, number))
            start = None
    return ranges


def _inside(line: int, ranges: list[tuple[int, int]]) -> bool:
    return any(first <= line <= last for first, last in ranges)


def _is_none(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


class _Checker(ast.NodeVisitor):
    def __init__(self, kwargs_ranges: list[tuple[int, int]], skipped: list[tuple[int, int]]) -> None:
        self.kwargs_ranges = kwargs_ranges
        self.skipped = skipped
        self.found: list[tuple[int, str]] = []

    def report(self, node: ast.AST, message: str) -> None:
        line = getattr(node, "lineno", 0)
        if not _inside(line, self.skipped):
            self.found.append((line, message))

    def visit_JoinedStr(self, node: ast.JoinedStr) -> None:
        self.report(node, "f-strings compile to String.prototype.format, which a host page may have replaced "
                          "(and format specs are dropped): concatenate with + and str()")
        self.generic_visit(node)

    def visit_BinOp(self, node: ast.BinOp) -> None:
        left = node.left
        if isinstance(node.op, ast.Mod) and (
            isinstance(left, ast.JoinedStr)
            or (isinstance(left, ast.Constant) and isinstance(left.value, str))
        ):
            self.report(node, "'%' string formatting gives NaN in Transcrypt: concatenate with + and str()")
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        if node.keywords and not _inside(node.lineno, self.kwargs_ranges):
            self.report(
                node,
                "keyword arguments are silently ignored by Transcrypt outside __pragma__('kwargs'): "
                "pass them positionally or wrap the def and the call in the pragma",
            )
        if isinstance(node.func, ast.Name) and node.func.id == "getattr" and len(node.args) == 3:
            self.report(node, "getattr's default is ignored by Transcrypt (returns None): use hasattr first")
        if isinstance(node.func, ast.Attribute) and node.func.attr == "format":
            self.report(node, "str.format is String.prototype.format in the browser, "
                              "which a host page may have replaced: concatenate with + and str()")
        if isinstance(node.func, ast.Name) and node.func.id == "isinstance" and len(node.args) == 2 and any(
                isinstance(kind, ast.Name) and kind.id == "dict"
                for kind in (node.args[1].elts if isinstance(node.args[1], ast.Tuple) else [node.args[1]])):
            self.report(node, "isinstance(x, dict) is False for plain JavaScript objects (JSON): "
                              "use jscompat.is_object")
        if isinstance(node.func, ast.Name) and node.func.id == "print":
            self.report(node, "print() writes into a host element id='__terminal__' if the page has one: "
                              "use the logger")
        self.generic_visit(node)

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        names = node.type.elts if isinstance(node.type, ast.Tuple) else [node.type] if node.type else []
        for name in names:
            if isinstance(name, ast.Name) and name.id in {"Exception", "BaseException"}:
                self.report(node, f"'except {name.id}' misses native JavaScript errors: "
                                  "catch AnyError from jscompat")
        self.generic_visit(node)

    def visit_Compare(self, node: ast.Compare) -> None:
        lefts = [node.left, *node.comparators]
        for op, left, right in zip(node.ops, lefts, node.comparators):
            if isinstance(op, (ast.Is, ast.IsNot)) and any(_is_none(side) for side in (left, right)):
                self.report(node, "'is None' is False for JavaScript's undefined: compare with '== None'")
        self.generic_visit(node)

    def visit_NamedExpr(self, node: ast.NamedExpr) -> None:
        self.report(node, "the walrus operator is miscompiled by Transcrypt (ReferenceError at run time)")

    def visit_Match(self, node: ast.AST) -> None:
        self.report(node, "'match' is not supported by Transcrypt (it emits broken JavaScript)")

    def visit_arguments(self, node: ast.arguments) -> None:
        if node.posonlyargs:
            self.report(node.posonlyargs[0], "positional-only parameters ('/') are dropped by Transcrypt")
        self.generic_visit(node)

    def visit_Lambda(self, node: ast.Lambda) -> None:
        if node.args.defaults or node.args.kw_defaults:
            self.report(node, "Transcrypt evaluates default arguments at call time: use a factory function")
        self.generic_visit(node)

    def visit_Starred(self, node: ast.Starred) -> None:
        if isinstance(node.ctx, ast.Store):
            self.report(node, "starred assignment ('a, *rest = ...') is not supported by Transcrypt")
        self.generic_visit(node)

    def visit_Dict(self, node: ast.Dict) -> None:
        if any(key is None for key in node.keys):
            self.report(node, "'{**d}' is not supported by Transcrypt: copy and update explicitly")
        self.generic_visit(node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level:
            self.report(node, "relative imports are silently dropped by Transcrypt: import by the full name")
        elif (node.module or "").split(".")[0] in UNSUPPORTED_MODULES:
            self.report(node, f"module {node.module!r} cannot be transpiled "
                              "(put type-only imports in a skip pragma)")
        self.generic_visit(node)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.name.split(".")[0] in UNSUPPORTED_MODULES:
                self.report(node, f"module {alias.name!r} cannot be transpiled by Transcrypt")

    def visit_Delete(self, node: ast.Delete) -> None:
        for target in node.targets:
            if isinstance(target, ast.Subscript):
                self.report(node, "'del x[i]' leaves a hole or does nothing in Transcrypt: use pop()")
        self.generic_visit(node)

    def visit_Subscript(self, node: ast.Subscript) -> None:
        index = node.slice
        if isinstance(index, ast.UnaryOp) and isinstance(index.op, ast.USub):
            self.report(node, "negative indexes give undefined in Transcrypt: use len(x) - n")
        self.generic_visit(node)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        for statement in node.body:
            if isinstance(statement, ast.AnnAssign) and statement.value is None:
                self.report(statement,
                            "a class-body annotation without a value crashes Transcrypt: give it a value")
        self.generic_visit(node)


@lru_cache(maxsize=128)  # a build's modules (kept for one build of `serve`, not for its life)
def parse_text(source: str, display: str) -> ast.Module:
    """The syntax tree of ``source``, parsed once: the rules, the import check and the i18n scan
    all read every module (callers must not change the tree)."""
    return ast.parse(source, filename=display)


def parse_source(path: Path, display: str, text: str | None = None) -> ast.Module:
    """The syntax tree of a widget module (of ``text``, its text if already read); a syntax error
    is a :class:`BuildError` with its line."""
    try:
        return parse_text(read_text(path, display) if text is None else text, display)
    except SyntaxError as error:
        raise BuildError(display, f"Python syntax error: {error.msg}", error.lineno) from None


def _violations(display: str, source: str) -> list[list[Any]]:
    """``[line, message]`` of every rule ``source`` breaks (JSON values: they are remembered)."""
    try:
        tree = parse_text(source, display)
    except SyntaxError as error:
        return [[error.lineno or 0, f"Python syntax error: {error.msg}"]]
    checker = _Checker(_kwargs_lines(tree), skipped_lines(source))
    checker.visit(tree)
    return [[line, message] for line, message in sorted(checker.found)]


def check_source(path: Path, display: str | None = None, memo: TextMemo | None = None) -> list[Violation]:
    """Every rule ``path`` breaks; a syntax error is reported as one violation. With a ``memo``
    the result for the same text is remembered between builds."""
    shown = str(display or path)
    text = read_text(path, shown)
    check = partial(_violations, shown)
    found = check(text) if memo is None else memo.get(text, check)
    return [Violation(Path(shown), line, message) for line, message in found]


def rules_memo(cache_dir: Path) -> TextMemo:
    """Where :func:`check_tree` remembers each module's violations between builds."""
    return TextMemo(cache_dir / "rules.json", SOURCE_RULES.read_bytes())


def iter_sources(source_dir: Path) -> Iterator[Path]:
    """The widget's Python files, in a stable order."""
    return iter(sorted(p for p in source_dir.rglob("*.py") if "__target__" not in p.parts))


def check_tree(source_dir: Path, root: Path, memo: TextMemo | None = None) -> None:
    """Raise a :class:`BuildError` listing every violation in ``source_dir``.

    Paths in the message are shown relative to ``root`` (the project). With a ``memo`` only the
    modules whose text changed since it was saved are checked.
    """
    violations = []
    for path in iter_sources(source_dir):
        violations += check_source(path, str(path.relative_to(root)), memo)
    if violations:
        first = violations[0]
        more = "".join(f"\n  {v.path}:{v.line}: {v.message}" for v in violations[1:])
        raise BuildError(first.path, first.message + more, first.line)
