"""A real build of the widget as the tests see it: the archive on disk and its files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class BuiltWidget:
    """One real build: the archive on disk and its files."""

    zip_path: Path
    files: dict[str, bytes]

    @property
    def script(self) -> str:
        return self.files["script.js"].decode("utf-8")

    def text(self, name: str) -> str:
        return self.files[name].decode("utf-8")
