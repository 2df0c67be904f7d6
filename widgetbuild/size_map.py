"""Where the bytes of ``script.js`` come from: each module's share, largest first (``build.py --sizes``).

The linker starts every module with a ``// ---- module NAME`` line. For ``--prod`` those lines
are turned into comments rjsmin keeps (``/*!…*/``), the script is minified once, and cut at
them: each piece is exactly what the module adds to the real minified script (the test checks
that the pieces add up to it). The gzip column is each piece compressed on its own, at -9: a
guide to where compressed bytes go, which does not add up to the whole file's gzip size.
"""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass
from pathlib import Path

import rjsmin

from widgetbuild.link import RUNTIME_MODULE

_MARKER = re.compile(r"^// ---- module (\S+)$", re.MULTILINE)
_KEPT = "/*!asng-size-map %s*/"
_KEPT_RE = re.compile(r"/\*!asng-size-map (\S+)\*/")
# The first statement the linker writes after the last module (widgetbuild/link.py).
_EPILOGUE = "var __replaced__"
GLUE = "(linker: prelude and Widget constructor)"


@dataclass(frozen=True)
class Share:
    """One module's bytes in ``script.js``."""

    name: str
    kind: str  # "widget", "runtime" (Transcrypt's runtime and its library modules) or "linker"
    raw: int
    gzip: int


def _pieces(linked: str, minified: bool) -> list[tuple[str, str]]:
    if minified:
        marked = _MARKER.sub(lambda m: _KEPT % m.group(1), linked)
        text = rjsmin.jsmin(marked, keep_bang_comments=True) + "\n"
        found = _KEPT_RE
    else:
        text, found = linked, _MARKER
    names, cuts = [GLUE], [0]
    for match in found.finditer(text):
        names.append(match.group(1))
        # The kept comment is not in the real minified script; the dev script's marker line is.
        cuts += [match.start(), match.end() if minified else match.start()]
    cuts.append(len(text))
    chunks = [text[cuts[i]:cuts[i + 1]] for i in range(0, len(cuts), 2)]
    glue = chunks[0] + _trailing_glue(chunks)
    return [(GLUE, glue), *zip(names[1:], chunks[1:])]


def _trailing_glue(chunks: list[str]) -> str:
    """Move what follows the last module (hiding the runtime's additions, the Widget constructor)
    from that module's piece to the linker's share."""
    last = chunks[-1]
    end = last.find(_EPILOGUE)
    if len(chunks) < 2 or end < 0:
        return ""
    chunks[-1], tail = last[:end], last[end:]
    return tail


def _kind(name: str, source_dir: Path) -> str:
    if name == GLUE:
        return "linker"
    module = source_dir / (name.replace(".", "/") + ".py")
    package = source_dir / name.replace(".", "/") / "__init__.py"
    if module.is_file() or package.is_file() or name == "build_constants":
        return "widget"
    return "runtime"


def size_map(linked: str, minified: bool, source_dir: Path) -> list[Share]:
    """Each module's share of the script made from ``linked`` (minified for ``--prod``), largest first."""
    shares = [Share(name, _kind(name, source_dir), len(piece.encode("utf-8")),
                    len(gzip.compress(piece.encode("utf-8"), 9, mtime=0)))
              for name, piece in _pieces(linked, minified)]
    return sorted(shares, key=lambda share: (-share.raw, share.name))


def format_size_map(shares: list[Share], script: bytes) -> str:
    """The table ``build.py --sizes`` prints, with the real ``script.js`` totals at the end."""
    rows = [(share.name + (" (Transcrypt runtime)" if share.name == RUNTIME_MODULE else ""), share.kind,
             f"{share.raw:,}", f"{share.raw / max(len(script), 1):.1%}", f"{share.gzip:,}")
            for share in shares]
    header = ("module", "kind", "raw B", "share", "gzip -9 alone B")
    total = ("script.js", "", f"{len(script):,}", "100.0%", f"{len(gzip.compress(script, 9, mtime=0)):,}")
    widths = [max(len(row[i]) for row in [header, *rows, total]) for i in range(len(header))]

    def line(row: tuple[str, ...]) -> str:
        return "  ".join(cell.ljust(w) if i < 2 else cell.rjust(w)
                         for i, (cell, w) in enumerate(zip(row, widths)))

    by_kind = {kind: sum(s.raw for s in shares if s.kind == kind) for kind in ("widget", "runtime", "linker")}
    summary = ", ".join(f"{kind} {raw:,} B" for kind, raw in by_kind.items())
    return "\n".join([line(header), *map(line, rows), line(total), f"by kind: {summary}"])
