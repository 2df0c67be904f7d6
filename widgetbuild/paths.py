"""Where the project is, and how a path is shown in a message (relative inside the project)."""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def shown(path: Path | str) -> str:
    """``path`` relative to the project root when it lies inside it, else as given.

    Messages then read the same whatever the working directory, and a path outside the
    project (an --out-dir elsewhere, a test's copy) stays unambiguous.
    """
    candidate = Path(path)
    if candidate.is_absolute() and candidate.is_relative_to(PROJECT_ROOT):
        return candidate.relative_to(PROJECT_ROOT).as_posix() or "."
    return str(path)
