"""The widget's stylesheet (``blank/widget.css``): loaded, checked for scoping, compacted.

The widget injects it into amoCRM's page, so a selector that is not scoped under the
widget's class prefix would restyle amoCRM itself; such a selector fails the build.
"""

from __future__ import annotations

import re
from pathlib import Path

from widgetbuild.errors import BuildError
from widgetbuild.textfile import read_text

PREFIX = ".asng-"
# The first compound selector must carry a widget class (optionally with a tag: a.asng-link).
_SCOPED = re.compile(r"^[a-zA-Z]*\.asng-")
KEYFRAMES_PREFIX = "asng-"
_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)


def _check_selectors(selectors: str, path: Path, line: int) -> None:
    for selector in (s.strip() for s in selectors.split(",")):
        if not _SCOPED.match(selector) or "~" in selector or "+" in selector:
            raise BuildError(path, f"selector {selector!r} is not scoped under {PREFIX}* "
                                   "(or reaches siblings with ~ or +): it would restyle amoCRM", line)


def _refuse_statement_at_rules(text: str, start: int, end: int, path: Path, whole: bool = False) -> None:
    """Fail, at its own line, on a statement at-rule in ``text[start:end]``.

    @import, @charset, @font-face …: nothing external or global may reach amoCRM's page.
    Only the statements closed by ';' are checked unless ``whole``: the rest is a block's head.
    """
    parts = text[start:end].split(";")
    offset = start
    for part in parts if whole else parts[:-1]:
        stripped = part.lstrip()
        if stripped.startswith("@"):
            at = offset + len(part) - len(stripped)
            raise BuildError(path, f"unsupported at-rule {stripped.split()[0]!r}",
                             text.count("\n", 0, at) + 1)
        offset += len(part) + 1


def check_scoped(css: str, path: Path) -> None:
    """Fail unless every rule's selectors start with the prefix (inside @media too)."""
    text = _COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), css)
    depth_kinds: list[str] = []
    position = 0
    for match in re.finditer(r"[{}]", text):
        line = text.count("\n", 0, match.start()) + 1
        start, position = position, match.end()
        _refuse_statement_at_rules(text, start, match.start(), path)
        if match.group(0) == "}":
            if not depth_kinds:
                raise BuildError(path, "unbalanced '}'", line)
            depth_kinds.pop()
            continue
        head = text[start:match.start()].split(";")[-1].strip()  # what precedes the block
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
    _refuse_statement_at_rules(text, position, len(text), path, whole=True)  # after the last block
    if depth_kinds:
        raise BuildError(path, "unbalanced '{': a block is not closed")


def load_styles(path: Path) -> str:
    """The checked stylesheet, without comments and needless whitespace."""
    css = read_text(path)
    check_scoped(css, path)
    compact = _COMMENT.sub("", css)
    compact = re.sub(r"\s+", " ", compact)
    compact = re.sub(r"\s*([{};:,>])\s*", r"\1", compact)
    return compact.strip()
