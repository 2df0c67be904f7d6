"""Fixtures of the build tests: copies of the project's inputs to break.

The real ``--prod`` and ``--dev`` builds come from ``tests/conftest.py`` (``prod_widget`` and
``dev_widget``), so every test layer shares them.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.support.project_copy import ProjectCopy
from widgetbuild.config import BuildConfig
from widgetbuild.paths import PROJECT_ROOT


@pytest.fixture
def project_copy(tmp_path: Path) -> ProjectCopy:
    """The project's build inputs copied into ``tmp_path``, to break one thing per test."""
    root = tmp_path / "project"
    ignore = shutil.ignore_patterns("__pycache__", "__target__")
    shutil.copytree(PROJECT_ROOT / "blank", root / "blank", ignore=ignore)
    shutil.copytree(PROJECT_ROOT / "widget_src", root / "widget_src", ignore=ignore)
    config = BuildConfig(out_dir=root / "out", source_dir=root / "widget_src", blank_dir=root / "blank")
    return ProjectCopy(root, config)
