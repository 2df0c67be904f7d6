"""Build options: the mode, the widget version and the constants compiled into the widget."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import SplitResult, urlsplit

from widgetbuild.errors import BuildError
from widgetbuild.paths import PROJECT_ROOT
from widgetbuild.platforms import DEFAULT_PLATFORM, PLATFORMS, Platform

# The widget's version is the project's: one number, in pyproject.toml.
DEFAULT_VERSION: str = tomllib.loads(
    (PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8")
)["project"]["version"]
DEFAULT_SETTINGS_FIELD = "jsonSettings"
DEFAULT_NOTIFICATION_DELAY = 300
DEFAULT_MIN_LENGTH_INTERNAL_NUMBER = 3

# Existing AsteriskNG backends answer 409 to any widget whose major version is not 1 (docs/protocol.md).
SUPPORTED_MAJOR = 1

_VERSION_RE = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")
# The settings field is an amoCRM field code and a CSS attribute value in `input[name=...]`.
_FIELD_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
MAX_FIELD_LENGTH = 64
# The widget reads the field as a key of a JavaScript object: a name Object.prototype already
# has (or a dunder like __proto__) would read the prototype's member instead of the setting.
_OBJECT_MEMBERS = {"constructor", "hasOwnProperty", "isPrototypeOf", "propertyIsEnumerable", "toLocaleString",
                   "toString", "valueOf"}
# Upper bounds: beyond them a value is a typo (a day between notifications, a 32-digit extension).
MAX_NOTIFICATION_DELAY = 24 * 60 * 60
MAX_MIN_LENGTH_INTERNAL_NUMBER = 32


@dataclass(frozen=True)
class BuildConfig:
    """Everything one build depends on besides the files in ``source_dir`` and ``blank_dir``."""

    dev: bool = False
    version: str = DEFAULT_VERSION
    settings_field: str = DEFAULT_SETTINGS_FIELD
    notification_delay: int = DEFAULT_NOTIFICATION_DELAY
    min_length_internal_number: int = DEFAULT_MIN_LENGTH_INTERNAL_NUMBER
    out_dir: Path = PROJECT_ROOT / "build"
    source_dir: Path = PROJECT_ROOT / "widget_src"
    blank_dir: Path = PROJECT_ROOT / "blank"
    # Where incremental builds keep Transcrypt's staging and the made images (build.py: <out-dir>/.cache);
    # None builds from scratch in a temporary folder. Neither changes the output.
    cache_dir: Path | None = None
    clean: bool = False  # ignore and replace the cache
    # Set: build the live loader for a real account (widgetbuild/loader.py) instead of the widget's code.
    loader_url: str | None = None
    platform_code: str = DEFAULT_PLATFORM
    # The locales to ship (a subset of the platform's, in its order); empty: all of the platform's.
    locales: tuple[str, ...] = ()

    @property
    def platform(self) -> Platform:
        """The platform this build is for."""
        return PLATFORMS[self.platform_code]

    @property
    def shipped_locales(self) -> tuple[str, ...]:
        """The locales the archive holds and the manifest declares."""
        return self.locales or self.platform.locales

    @property
    def mode(self) -> str:
        """``dev`` or ``prod``."""
        return "dev" if self.dev else "prod"

    @property
    def zip_path(self) -> Path:
        """The archive to upload (``widget.zip`` for amoCRM, ``widget-kommo.zip`` for Kommo)."""
        return self.out_dir / self.platform.archive_name

    @property
    def unpacked_dir(self) -> Path:
        """Where ``--dev`` leaves the archive's tree for reading and debugging."""
        return self.out_dir / "widget"

    def widget_constants(self) -> dict[str, object]:
        """The constants the widget code imports from its generated ``build_constants`` module."""
        return {
            "SETTINGS_FIELD": self.settings_field,
            "NOTIFICATION_DELAY": self.notification_delay,
            "MIN_LENGTH_INTERNAL_NUMBER": self.min_length_internal_number,
            "WIDGET_VERSION": self.version,
        }


def check_version(version: str, force: bool = False) -> str:
    """Return ``version`` if it is a ``MAJOR.MINOR.PATCH`` the backends accept.

    A major other than 1 is refused unless ``force`` is set, because the existing backends
    reject such widgets with status 409.
    """
    match = _VERSION_RE.fullmatch(version)
    if not match:
        raise BuildError("--version",
                         f"{version!r} is not a version of the form MAJOR.MINOR.PATCH (e.g. 1.0.0)")
    if int(match.group(1)) != SUPPORTED_MAJOR and not force:
        raise BuildError(
            "--version",
            f"{version} has major version {match.group(1)}; the AsteriskNG backends answer 409 "
            f"(incompatible version) to any major but {SUPPORTED_MAJOR}. "
            "Pass --force-version to build it anyway.",
        )
    return version


def check_settings_field(name: str) -> str:
    """Return ``name`` if it can serve as amoCRM's settings field code."""
    if not _FIELD_RE.fullmatch(name):
        raise BuildError("--settings-field", f"{name!r} is not a valid field code (letters, digits, '_')")
    if len(name) > MAX_FIELD_LENGTH:
        raise BuildError("--settings-field", f"is {len(name)} characters long; at most {MAX_FIELD_LENGTH}")
    if name.startswith("__") or name in _OBJECT_MEMBERS:
        raise BuildError("--settings-field",
                         f"{name!r} is a member of every JavaScript object (or a dunder): "
                         "choose another name")
    return name


def check_range(option: str, value: int, highest: int) -> int:
    """Return ``value`` if it is from 1 to ``highest``."""
    if not 1 <= value <= highest:
        raise BuildError(option, f"must be from 1 to {highest}, got {value}")
    return value


def check_http_url(option: str, url: str) -> SplitResult:
    """The parts of ``url`` if it is an ``http(s)://`` URL with a host and a valid port."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BuildError(option, f"{url!r} is not an http:// or https:// URL with a host")
    try:
        parts.port  # noqa: B018 - reading it validates the port
    except ValueError as error:
        raise BuildError(option, f"{url!r}: {error}") from None
    return parts
