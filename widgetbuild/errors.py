"""The one error type of the build: a problem in a named file."""

from __future__ import annotations

from pathlib import Path

from widgetbuild.paths import shown


class BuildError(Exception):
    """A build input is wrong; ``path`` names the file, ``problem`` says what to fix.

    ``line`` is set when the problem is at a known line of a source file. A path inside the
    project is shown relative to its root.
    """

    def __init__(self, path: Path | str, problem: str, line: int | None = None) -> None:
        self.path = shown(path)
        self.problem = problem
        self.line = line
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.problem}"
