"""A copy of the project's build inputs (``blank/`` and ``widget_src/``) to break one thing at a time."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from widgetbuild.config import BuildConfig


@dataclass(frozen=True)
class ProjectCopy:
    """A copy of ``blank/`` and ``widget_src/`` under ``root``, and a config building from it."""

    root: Path
    config: BuildConfig

    @property
    def blank(self) -> Path:
        return self.config.blank_dir

    @property
    def source(self) -> Path:
        return self.config.source_dir
