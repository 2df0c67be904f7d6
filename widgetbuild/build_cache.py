"""What an incremental build keeps between builds, and the rules for trusting it.

The cache lives in ``<out-dir>/.cache/``: one folder per set of build options (the mode and the
constants compiled into the widget, the Transcrypt and Python versions) holding the staged
sources with Transcrypt's ``__target__``, and the made images. A ``state.json`` records the
SHA-256 of every staged source and every target; the cache is used only if that record is
readable, written by this format for these options, and matches every file on disk. Anything
else (a corrupt, truncated, edited or foreign cache) is removed and rebuilt, never trusted.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sys
import time
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from widgetbuild.archive import zip_bytes
from widgetbuild.config import BuildConfig
from widgetbuild.output import write_atomically

# Bump when the layout or the meaning of the cache changes: an older cache is then foreign.
CACHE_FORMAT = 1
STATE_FILE = "state.json"
TARGET_DIR = "__target__"
# Staged sources get this old time after a build, so that Transcrypt (which compares times)
# sees every target as newer than its source until the build itself marks a source as changed.
_SETTLED_MTIME = 1_000_000_000
# A star import makes the importer's code depend on the imported module's names: retranspile all.
_STAR_IMPORT = re.compile(rb"^\s*from\s+\S+\s+import\s+\*", re.MULTILINE)
_IGNORED_PARTS = {"__pycache__", TARGET_DIR}


def sha256(data: bytes) -> str:
    """Hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def options_key(config: BuildConfig) -> str:
    """A short name for everything besides the sources that Transcrypt's output depends on."""
    options = {
        "format": CACHE_FORMAT,
        "mode": config.mode,
        "constants": config.widget_constants(),
        "transcrypt": metadata.version("transcrypt"),
        "python": list(sys.version_info[:2]),
    }
    return sha256(json.dumps(options, sort_keys=True).encode())[:16]


def source_files(root: Path) -> dict[str, bytes]:
    """Every file below ``root`` (posix relative path -> bytes), without build leftovers."""
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in sorted(root.rglob("*"))
            if path.is_file() and not _IGNORED_PARTS & set(path.relative_to(root).parts)}


def _module_name(staged_path: str) -> str:
    """The dotted module name of a staged source (``core/backoff.py`` -> ``core.backoff``)."""
    parts = staged_path.removesuffix(".py").split("/")
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@dataclass
class Plan:
    """What a build must retranspile: everything (``full``, with the reason) or ``changed`` modules."""

    full: bool
    changed: list[str]
    reason: str = ""

    def describe(self, modules: int) -> str:
        """The detail of the transpile line."""
        if self.full:
            return f"{modules} modules (full: {self.reason})"
        if not self.changed:
            return f"{modules} modules (cached)"
        return f"{modules} modules ({len(self.changed)} retranspiled)"


class TranspileCache:
    """The staged sources and Transcrypt targets of one set of build options."""

    def __init__(self, cache_dir: Path, config: BuildConfig, source_name: str) -> None:
        self.key = options_key(config)
        self.root = cache_dir / f"transpile-{config.mode}-{self.key}"
        self.staged = self.root / source_name
        self.target = self.staged / TARGET_DIR

    def _state(self) -> dict | None:
        try:
            state = json.loads((self.root / STATE_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return state if isinstance(state, dict) else None

    def _problem(self, state: dict | None) -> str:
        """Why the cache on disk cannot be trusted ('' if it can)."""
        if state is None:
            return "no cache" if not self.root.exists() else "unreadable cache record"
        if state.get("format") != CACHE_FORMAT or state.get("key") != self.key:
            return "cache from another format or options"
        sources, targets = state.get("sources"), state.get("targets")
        if not isinstance(sources, dict) or not isinstance(targets, dict):
            return "unreadable cache record"
        on_disk = source_files(self.staged) if self.staged.is_dir() else {}
        if set(on_disk) != set(sources):
            return "staged sources differ from the record"
        for name, digest in sources.items():
            if digest is not None and sha256(on_disk[name]) != digest:
                return f"staged {name} differs from the record"
        found = {path.name for path in self.target.glob("*.js")} if self.target.is_dir() else set()
        if found != set(targets):
            return "targets differ from the record"
        for name, digest in targets.items():
            if sha256((self.target / name).read_bytes()) != digest:
                return f"target {name} differs from the record"
        return ""

    def plan(self, wanted: dict[str, bytes], clean: bool) -> Plan:
        """Bring the staged copy to ``wanted`` and say what to retranspile; a bad cache is removed."""
        state = self._state()
        problem = "--clean" if clean else self._problem(state)
        if problem:
            shutil.rmtree(self.root, ignore_errors=True)
            state = {"sources": {}}
        recorded: dict[str, str | None] = state["sources"]  # type: ignore[index]
        changed = sorted(name for name, data in wanted.items() if recorded.get(name) != sha256(data))
        if not problem and set(recorded) != set(wanted):
            problem = "modules added, removed or renamed"
        if not problem and changed and any(_STAR_IMPORT.search(data) for data in wanted.values()):
            problem = "a star import"
        self._write_pending(wanted, changed, state)
        if problem:
            shutil.rmtree(self.target, ignore_errors=True)
            return Plan(True, sorted(wanted), problem)
        return Plan(False, changed)

    def _write_pending(self, wanted: dict[str, bytes], changed: list[str], state: dict) -> None:
        """Stage ``wanted``; until the build succeeds, the record marks the changed sources unknown."""
        for name in set(source_files(self.staged)) - set(wanted) if self.staged.is_dir() else ():
            (self.staged / name).unlink()
        newest_target = max((p.stat().st_mtime for p in self.target.glob("*.js")), default=0.0)
        changed_time = max(time.time(), newest_target + 1)
        for name in changed:
            path = self.staged / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(wanted[name])
            os.utime(path, (changed_time, changed_time))
        sources = {name: (None if name in changed else sha256(data)) for name, data in wanted.items()}
        self._save(sources, state.get("targets", {}))

    def settle(self, wanted: dict[str, bytes]) -> None:
        """Record a successful transpile of ``wanted``: the cache now matches it."""
        for name in wanted:
            os.utime(self.staged / name, (_SETTLED_MTIME, _SETTLED_MTIME))
        targets = {path.name: sha256(path.read_bytes()) for path in self.target.glob("*.js")}
        self._save({name: sha256(data) for name, data in wanted.items()}, targets)

    def fail(self, stopped: bool = False) -> None:
        """After a failed transpile the targets on disk are unknown: the next build checks them.

        ``stopped``: Transcrypt was killed mid-run, so a target may be half written. Those of the
        changed staged modules are made again anyway (the record marks their sources unknown);
        the others that a run writes, Transcrypt's own modules (its runtime), are removed so that
        make mode writes them again.
        """
        state = self._state() or {}
        if stopped and self.target.is_dir():
            staged = {_module_name(name) for name in state.get("sources", {})}
            for path in self.target.glob("*.js"):
                if path.stem not in staged:
                    path.unlink()
        targets = {path.name: sha256(path.read_bytes()) for path in self.target.glob("*.js")} \
            if self.target.is_dir() else {}
        self._save(state.get("sources", {}), targets)

    def _save(self, sources: dict[str, str | None], targets: dict[str, str]) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        record = {"format": CACHE_FORMAT, "key": self.key, "sources": sources, "targets": targets}
        write_atomically(self.root / STATE_FILE, json.dumps(record, indent=1, sort_keys=True).encode())


def cached_files(
    path: Path, inputs: dict[str, bytes], make: Callable[[], dict[str, bytes]]
) -> dict[str, bytes]:
    """``make()``'s files, reused from the zip at ``path`` while ``inputs`` are the same.

    The zip holds the key of its inputs; a zip that is unreadable, fails its checksums or was
    made from other inputs is made again.
    """
    key = sha256(json.dumps({name: sha256(data) for name, data in sorted(inputs.items())}).encode()).encode()
    try:
        with zipfile.ZipFile(path) as archive:
            if archive.testzip() is None and archive.read("key") == key:
                files = {name: archive.read(name) for name in archive.namelist() if name != "key"}
                if all(name.startswith("files/") for name in files):
                    return {name.removeprefix("files/"): data for name, data in files.items()}
    except (OSError, zipfile.BadZipFile, KeyError, ValueError, EOFError, zlib.error):
        pass
    made = make()
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, zip_bytes({"key": key, **{f"files/{name}": data for name, data in made.items()}}))
    return made


class TextMemo:
    """Results of a pure function of a file's text, kept between builds under the text's SHA-256.

    ``version`` names the function (its source, say): a memo written by another version, or one
    that is unreadable, starts empty. Results must be JSON values. :meth:`save` keeps the
    results asked for since the memo was loaded, so it does not grow with every edit.
    """

    def __init__(self, path: Path, version: bytes) -> None:
        self.path = path
        self.version = sha256(version + repr(sys.version_info[:2]).encode())
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            record = None
        valid = (isinstance(record, dict) and record.get("version") == self.version
                 and isinstance(record.get("results"), dict))
        self._results: dict[str, Any] = record["results"] if valid else {}  # type: ignore[index]
        self._used: set[str] = set()
        self._changed = not valid

    def get(self, text: str, compute: Callable[[str], Any]) -> Any:
        """``compute(text)``, remembered (an exception is not)."""
        key = sha256(text.encode("utf-8"))
        self._used.add(key)
        if key not in self._results:
            self._results[key] = compute(text)
            self._changed = True
        return self._results[key]

    def save(self) -> None:
        """Write the results asked for since loading, if they differ from the file's."""
        if self._changed or set(self._results) != self._used:
            results = {key: value for key, value in self._results.items() if key in self._used}
            self.path.parent.mkdir(parents=True, exist_ok=True)
            record = {"version": self.version, "results": results}
            write_atomically(self.path, json.dumps(record, sort_keys=True).encode())
            self._results, self._changed = results, False
