"""Read-only access to a built widget archive (``widget.zip``), as amoCRM would unpack it.

Any amoCRM widget archive works, not only ours: the sandbox needs ``manifest.json`` and
``script.js`` at the archive root, and uses ``i18n/<locale>.json`` and ``images/*`` when present.

The whole archive is read into memory (widget archives are small) and re-read whenever the
file's mtime or size changes, so a rebuild by the ``serve`` command shows up on the next request.
"""

from __future__ import annotations

import json
import os
import threading
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from widgetbuild.config import DEFAULT_SETTINGS_FIELD

# Setting types whose value is a single string the sandbox can show in a text input.
_TEXT_SETTING_TYPES = ("text", "pass", "custom")


class ArchiveError(Exception):
    """The widget archive is missing, unreadable or lacks a required file."""


@dataclass(frozen=True)
class ArchiveSnapshot:
    """The archive's contents at one point in time (one mtime)."""

    path: Path
    stamp: tuple[int, int]  # (mtime_ns, size) of the file this was read from
    files: dict[str, bytes]
    manifest: dict[str, Any]

    @property
    def mtime_ns(self) -> int:
        """The zip file's mtime in nanoseconds (the page uses it to cache-bust ``script.js``)."""
        return self.stamp[0]

    @property
    def version(self) -> str:
        """``widget.version`` from the manifest (empty string if absent)."""
        return str(self.manifest.get("widget", {}).get("version", ""))

    @property
    def locales(self) -> list[str]:
        """``widget.locale`` from the manifest, or the locales that have an i18n file."""
        declared = self.manifest.get("widget", {}).get("locale")
        if isinstance(declared, list) and declared:
            return [str(x) for x in declared]
        return sorted(
            name[len("i18n/") : -len(".json")]
            for name in self.files
            if name.startswith("i18n/") and name.endswith(".json")
        )

    @property
    def settings_fields(self) -> list[str]:
        """Setting field names from the manifest's ``settings`` object, text-like fields first.

        Falls back to ``[DEFAULT_SETTINGS_FIELD]`` when the manifest declares no settings, so
        the host page always has one field to store the widget's configuration in.
        """
        settings = self.manifest.get("settings")
        if not isinstance(settings, dict) or not settings:
            return [DEFAULT_SETTINGS_FIELD]
        texty = [
            k for k, v in settings.items() if isinstance(v, dict) and v.get("type") in _TEXT_SETTING_TYPES
        ]
        rest = [k for k in settings if k not in texty]
        return texty + rest

    @property
    def settings_field(self) -> str:
        """The primary setting field (ours: the single text field, default ``jsonSettings``)."""
        return self.settings_fields[0]

    def i18n(self, locale: str) -> dict[str, Any]:
        """The parsed ``i18n/<locale>.json``, or ``{}`` if the archive has no such file."""
        raw = self.files.get(f"i18n/{locale}.json")
        if raw is None:
            return {}
        try:
            data = json.loads(raw.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ArchiveError(f"{self.path}: i18n/{locale}.json is not valid JSON: {exc}") from exc
        return data if isinstance(data, dict) else {}

    def pick_locale(self, wanted: str) -> str:
        """``wanted`` if the widget declares it, otherwise its first declared locale."""
        locales = self.locales
        if wanted in locales or not locales:
            return wanted
        return locales[0]


@dataclass
class WidgetArchive:
    """A widget zip on disk; :meth:`snapshot` returns its current contents, reloading on change."""

    path: Path
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _snapshot: ArchiveSnapshot | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.path = Path(self.path)

    def snapshot(self) -> ArchiveSnapshot:
        """The archive's contents; re-read if the file changed since the last call.

        Raises :class:`ArchiveError` with a readable reason when the file is missing, is not a
        zip, or lacks ``manifest.json`` / ``script.js``.
        """
        with self._lock:
            stamp = self._stamp()
            if self._snapshot is None or self._snapshot.stamp != stamp:
                self._snapshot = self._load_with_retry(stamp)
            return self._snapshot

    def read(self, name: str) -> bytes | None:
        """One file of the archive by its path inside the zip, or ``None`` if absent."""
        return self.snapshot().files.get(name.lstrip("/"))

    def _stamp(self) -> tuple[int, int]:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            raise ArchiveError(f"widget archive not found: {self.path} (build it first)") from None
        # Size joins the mtime so two rebuilds within one mtime tick are still told apart.
        return (st.st_mtime_ns, st.st_size)

    def _load_with_retry(self, stamp: tuple[int, int]) -> ArchiveSnapshot:
        # A rebuild may be rewriting the zip while we read it; a half-written file looks
        # corrupt, so try again briefly before reporting it as broken.
        for attempt in range(5):
            try:
                return _load(self.path, stamp)
            except ArchiveError:
                if attempt == 4:
                    raise
                time.sleep(0.1)
                new_stamp = self._stamp()
                if new_stamp == stamp:
                    raise
                stamp = new_stamp
        raise AssertionError("unreachable")


def _load(path: Path, stamp: tuple[int, int]) -> ArchiveSnapshot:
    try:
        with zipfile.ZipFile(path) as zf:
            files = {info.filename: zf.read(info) for info in zf.infolist() if not info.is_dir()}
    except zipfile.BadZipFile as exc:
        raise ArchiveError(f"{path} is not a zip archive ({exc})") from exc
    except OSError as exc:
        raise ArchiveError(f"cannot read widget archive {path}: {exc}") from exc
    missing = [name for name in ("manifest.json", "script.js") if name not in files]
    if missing:
        hint = ""
        if any(name.endswith("/" + missing[0]) for name in files):
            hint = " (found it in a subfolder: the files must sit at the archive root)"
        raise ArchiveError(f"{path} lacks {' and '.join(missing)} at the archive root{hint}")
    try:
        manifest = json.loads(files["manifest.json"].decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ArchiveError(f"{path}: manifest.json is not valid JSON: {exc}") from exc
    if not isinstance(manifest, dict):
        raise ArchiveError(f"{path}: manifest.json must hold a JSON object")
    return ArchiveSnapshot(path=path, stamp=stamp, files=files, manifest=manifest)
