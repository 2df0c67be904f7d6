"""Build options (widgetbuild/config.py): version, settings field, positive numbers, constants."""

from __future__ import annotations

from pathlib import Path

import pytest

from widgetbuild.config import (
    DEFAULT_MIN_LENGTH_INTERNAL_NUMBER,
    DEFAULT_NOTIFICATION_DELAY,
    DEFAULT_SETTINGS_FIELD,
    DEFAULT_VERSION,
    BuildConfig,
    check_range,
    check_settings_field,
    check_version,
)
from widgetbuild.errors import BuildError


def test_defaults() -> None:
    assert (DEFAULT_VERSION, DEFAULT_SETTINGS_FIELD, DEFAULT_NOTIFICATION_DELAY,
            DEFAULT_MIN_LENGTH_INTERNAL_NUMBER) == ("1.0.0", "jsonSettings", 300, 3)
    config = BuildConfig()
    assert config.widget_constants() == {"SETTINGS_FIELD": "jsonSettings", "NOTIFICATION_DELAY": 300,
                                         "MIN_LENGTH_INTERNAL_NUMBER": 3, "WIDGET_VERSION": "1.0.0"}
    assert config.mode == "prod"


def test_paths_and_mode() -> None:
    config = BuildConfig(dev=True, out_dir=Path("out"))
    assert (config.mode, config.zip_path, config.unpacked_dir) == (
        "dev", Path("out/widget.zip"), Path("out/widget"))


@pytest.mark.parametrize("version", ["1.0.0", "1.2.3", "1.10.200", "1.0.99"])
def test_major_1_versions_are_accepted(version: str) -> None:
    assert check_version(version) == version


@pytest.mark.parametrize("version", ["2.0.0", "0.9.0", "10.0.0"])
def test_other_majors_are_refused_unless_forced(version: str) -> None:
    with pytest.raises(BuildError) as info:
        check_version(version)
    assert info.value.path == "--version"
    assert "--force-version" in info.value.problem
    assert "409" in info.value.problem
    assert check_version(version, force=True) == version


@pytest.mark.parametrize("version", ["1.0", "1", "1.0.0.0", "v1.0.0", "1.0.0-beta", "01.0.0", "1.00.0",
                                     "1.0.a", "", " 1.0.0", "1.0.0 ", "1..0"])
@pytest.mark.parametrize("force", [False, True])
def test_malformed_versions_are_refused_even_when_forced(version: str, force: bool) -> None:
    with pytest.raises(BuildError) as info:
        check_version(version, force)
    assert info.value.path == "--version"
    assert "MAJOR.MINOR.PATCH" in info.value.problem


def test_a_version_with_a_trailing_newline_is_refused() -> None:
    with pytest.raises(BuildError):
        check_version("1.0.0\n")


@pytest.mark.parametrize("name", ["jsonSettings", "myField", "_x", "a1_b2", "X"])
def test_valid_settings_fields(name: str) -> None:
    assert check_settings_field(name) == name


@pytest.mark.parametrize("name", ["", "1field", "my-field", "my field", "field]", "a.b", "ключ", "x'y"])
def test_invalid_settings_fields(name: str) -> None:
    with pytest.raises(BuildError) as info:
        check_settings_field(name)
    assert info.value.path == "--settings-field"
    assert repr(name) in info.value.problem


def test_a_settings_field_with_a_trailing_newline_is_refused() -> None:
    with pytest.raises(BuildError):
        check_settings_field("jsonSettings\n")


@pytest.mark.parametrize("value", [1, 2, 300, 86400])
def test_values_in_range_pass(value: int) -> None:
    assert check_range("--notification-delay", value, 86400) == value


@pytest.mark.parametrize("value", [0, -1, -300, 86401, 10**9])
def test_values_out_of_range_are_refused_naming_the_option(value: int) -> None:
    with pytest.raises(BuildError) as info:
        check_range("--min-length-internal-number", value, 86400)
    assert info.value.path == "--min-length-internal-number"
    assert info.value.problem == f"must be from 1 to 86400, got {value}"


@pytest.mark.parametrize(("name", "fragment"), [
    ("a" * 65, "65 characters long; at most 64"),
    ("__proto__", "member of every JavaScript object"),
    ("constructor", "member of every JavaScript object"),
    ("__x", "member of every JavaScript object"),
])
def test_settings_fields_that_javascript_would_misread_or_too_long_are_refused(
    name: str, fragment: str
) -> None:
    with pytest.raises(BuildError) as info:
        check_settings_field(name)
    assert fragment in info.value.problem
    assert check_settings_field("a" * 64) == "a" * 64


def test_build_error_text() -> None:
    assert str(BuildError("a/b.py", "broken", 7)) == "a/b.py:7: broken"
    assert str(BuildError(Path("a/b.json"), "broken")) == "a/b.json: broken"
    error = BuildError("x", "y", 3)
    assert (error.path, error.problem, error.line) == ("x", "y", 3)
