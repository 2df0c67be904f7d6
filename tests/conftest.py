"""Fixtures shared by every test layer: the real archives, built once per test run."""

from __future__ import annotations

import pytest

from tests.support.builds import BuiltWidget
from widgetbuild.config import BuildConfig
from widgetbuild.pipeline import build


@pytest.fixture(scope="session")
def dev_widget(tmp_path_factory: pytest.TempPathFactory) -> BuiltWidget:
    """The real ``--dev`` build of this checkout."""
    result = build(BuildConfig(dev=True, out_dir=tmp_path_factory.mktemp("dev-build")))
    return BuiltWidget(result.zip_path, result.files)


@pytest.fixture(scope="session")
def prod_widget(tmp_path_factory: pytest.TempPathFactory) -> BuiltWidget:
    """The real ``--prod`` build of this checkout."""
    result = build(BuildConfig(dev=False, out_dir=tmp_path_factory.mktemp("prod-build")))
    return BuiltWidget(result.zip_path, result.files)


@pytest.fixture(scope="session")
def kommo_widget(tmp_path_factory: pytest.TempPathFactory) -> BuiltWidget:
    """The real ``--prod --platform kommo`` build of this checkout."""
    config = BuildConfig(dev=False, platform_code="kommo", out_dir=tmp_path_factory.mktemp("kommo-build"))
    result = build(config)
    return BuiltWidget(result.zip_path, result.files)
