"""The widget's stylesheet (``blank/widget.css``): loaded, checked for scoping, compacted.

The widget injects it into amoCRM's page, so a selector that is not scoped under the
widget's class prefix would restyle amoCRM itself; such a selector fails the build.
"""

from __future__ import annotations

import re
from pathlib import Path

from widgetbuild.errors import BuildError

PREFIX = ".asng-"
# The first compound selector must carry a widget class (optionally with a tag: a.asng-link).
_SCOPED = re.compile(r"^[a-zA-Z]*\.asng-")
KEYFRAMES_PREFIX = "asng-"
_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)


def _check_selectors(selectors: str, path: Path, line: int) -> None:
    for selector in (s.strip() for s in selectors.split(",")):
        if not _SCOPED.match(selector) or "~" in selector or "+" in selector:
            raise BuildError(path, f"selector {selector!r} is not scoped under {PREFIX}* (or reaches siblings "
                                   "with ~ or +): it would restyle amoCRM", line)


def check_scoped(css: str, path: Path) -> None:
    """Fail unless every rule's selectors start with the prefix (inside @media too)."""
    text = _COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), css)
    depth_kinds: list[str] = []
    position = 0
    for match in re.finditer(r"[{}]", text):
        line = text.count("\n", 0, match.start()) + 1
        head = text[position:match.start()].strip()
        position = match.end()
        if match.group(0) == "}":
            if not depth_kinds:
                raise BuildError(path, "unbalanced '}'", line)
            depth_kinds.pop()
            continue
        statements = [part.strip() for part in head.split(";")]
        for statement in statements[:-1]:
            if statement.startswith("@"):  # @import, @charset, @font-face …: nothing external or global
                raise BuildError(path, f"unsupported at-rule {statement.split()[0]!r}", line)
        head = statements[-1]  # what precedes the block (earlier parts are declarations)
        inside_keyframes = "keyframes" in depth_kinds
        if head.startswith(("@media", "@supports")):
            depth_kinds.append("group")
        elif head.startswith("@keyframes"):
            name = head.split()[1] if len(head.split()) > 1 else ""
            if not name.startswith(KEYFRAMES_PREFIX):
                raise BuildError(path, f"keyframes {name!r} must be named {KEYFRAMES_PREFIX}*", line)
            depth_kinds.append("keyframes")
        elif head.startswith("@"):
            raise BuildError(path, f"unsupported at-rule {head.split()[0]!r}", line)
        else:
            if not inside_keyframes:
                _check_selectors(head, path, line)
            depth_kinds.append("rule")
    if depth_kinds:
        raise BuildError(path, "unbalanced '{': a block is not closed")


def load_styles(path: Path) -> str:
    """The checked stylesheet, without comments and needless whitespace."""
    try:
        css = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BuildError(path, "the widget's stylesheet is missing") from None
    check_scoped(css, path)
    compact = _COMMENT.sub("", css)
    compact = re.sub(r"\s+", " ", compact)
    compact = re.sub(r"\s*([{};:,>])\s*", r"\1", compact)
    return compact.strip()
