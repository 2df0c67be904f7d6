"""Where the build writes: checked before building, replaced all at once afterwards.

A failed build must leave the previous output exactly as it was, and a leftover of an
interrupted build (a temporary file or folder next to the output) must never block the next.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from widgetbuild.config import BuildConfig
from widgetbuild.errors import BuildError
from widgetbuild.paths import shown


def check_out_dir(config: BuildConfig) -> None:
    """Fail before building if the output cannot be written where ``config`` says."""
    out = config.out_dir
    for inputs in (config.source_dir, config.blank_dir):
        if out.is_relative_to(inputs):
            raise BuildError(out, f"--out-dir is inside {shown(inputs)}: "
                                  "the build would write into its own inputs "
                                  "(and serve would rebuild on its own output forever)")
    if out.exists() and not out.is_dir():
        raise BuildError(out, "--out-dir is a file, not a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=out):
            pass
    except OSError as error:
        raise BuildError(out, f"--out-dir cannot be created or written ({error.strerror})") from None
    if config.zip_path.is_dir():
        raise BuildError(config.zip_path, "is a folder where the build writes the archive: remove it")
    if config.dev and (config.unpacked_dir.exists() or config.unpacked_dir.is_symlink()) \
            and not config.unpacked_dir.is_dir():
        raise BuildError(config.unpacked_dir,
                         "is not a folder, but --dev writes the unpacked archive there: remove it")


def _temporary_prefix(path: Path) -> str:
    return f".{path.name}."


def _sweep_leftovers(path: Path) -> None:
    """Remove what an interrupted build left next to ``path`` (our temporary names only)."""
    if not path.parent.is_dir():
        return
    for leftover in path.parent.glob(_temporary_prefix(path) + "*"):
        if leftover.is_dir() and not leftover.is_symlink():
            shutil.rmtree(leftover, ignore_errors=True)
        else:
            leftover.unlink(missing_ok=True)


def _stage_file(path: Path, data: bytes) -> Path:
    handle, temporary = tempfile.mkstemp(prefix=_temporary_prefix(path), dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, 0o644)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return Path(temporary)


def _stage_tree(root: Path, files: dict[str, bytes]) -> Path:
    staging = Path(tempfile.mkdtemp(prefix=_temporary_prefix(root), dir=root.parent))
    for name, data in files.items():
        target = staging / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    staging.chmod(0o755)
    return staging


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


def publish(
    zip_path: Path, data: bytes, tree_root: Path | None = None, files: dict[str, bytes] | None = None
) -> None:
    """Replace ``zip_path`` (and ``tree_root`` with ``files`` unpacked) so that a failure changes nothing.

    Everything is written to temporary names first; then the tree is swapped in (the old one
    kept aside until the end) and the archive replaced by one atomic rename, the last step.
    """
    zip_path.parent.mkdir(parents=True, exist_ok=True)
    for path in (zip_path, tree_root):
        if path is not None:
            _sweep_leftovers(path)
    staged: list[Path] = []
    backup = None
    installed = False
    try:
        staged.append(_stage_file(zip_path, data))
        if tree_root is not None:
            staged.append(_stage_tree(tree_root, files or {}))
            if tree_root.exists():
                backup = Path(tempfile.mkdtemp(prefix=_temporary_prefix(tree_root),
                                               dir=tree_root.parent)) / "old"
                tree_root.rename(backup)
            staged[1].rename(tree_root)
            installed = True
        os.replace(staged[0], zip_path)
    except BaseException:
        if installed:
            _remove(tree_root)  # type: ignore[arg-type]
        if backup is not None:
            backup.rename(tree_root)  # type: ignore[arg-type]
        raise
    finally:
        for leftover in [*staged, *([backup.parent] if backup else [])]:
            if leftover.exists():
                _remove(leftover)


def write_atomically(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` at once: a failed write leaves the old file (or none)."""
    publish(path, data)
