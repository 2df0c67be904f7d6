"""The archive (widgetbuild/archive.py): deterministic zip, atomic writes, size limit, dev tree."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from widgetbuild import output
from widgetbuild.archive import MAX_FILE_BYTES, check_sizes, zip_bytes
from widgetbuild.errors import BuildError
from widgetbuild.output import publish, write_atomically

FILES = {"script.js": b"define([], function () {});\n", "manifest.json": b"{}\n",
         "i18n/ru.json": "{\"a\": \"б\"}".encode(), "images/logo.png": bytes(range(256)) * 4}


def test_zip_bytes_is_deterministic_and_sorted_with_fixed_dates() -> None:
    first = zip_bytes(FILES)
    second = zip_bytes(dict(reversed(list(FILES.items()))))
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as zipped:
        assert zipped.namelist() == sorted(FILES)
        for info in zipped.infolist():
            assert info.date_time == (2020, 1, 1, 0, 0, 0)
            assert info.compress_type == zipfile.ZIP_DEFLATED
            assert info.external_attr == 0o644 << 16
            assert info.create_system == 3
            assert zipped.read(info) == FILES[info.filename]
        assert zipped.testzip() is None


def test_zip_bytes_differs_when_content_differs() -> None:
    assert zip_bytes(FILES) != zip_bytes(dict(FILES, **{"manifest.json": b"{ }\n"}))


def test_write_atomically_writes_and_leaves_no_temporary_files(tmp_path: Path) -> None:
    target = tmp_path / "out" / "widget.zip"
    write_atomically(target, b"first")
    write_atomically(target, b"second")
    assert target.read_bytes() == b"second"
    assert [p.name for p in target.parent.iterdir()] == ["widget.zip"]
    assert target.stat().st_mode & 0o777 == 0o644


def test_a_failed_replace_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "widget.zip"
    target.write_bytes(b"old archive")

    def refuse(source: object, destination: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(output.os, "replace", refuse)
    with pytest.raises(OSError, match="disk full"):
        write_atomically(target, b"new archive")
    assert target.read_bytes() == b"old archive"
    assert [p.name for p in tmp_path.iterdir()] == ["widget.zip"]


def test_a_failed_write_leaves_no_file(tmp_path: Path) -> None:
    target = tmp_path / "widget.zip"
    with pytest.raises(TypeError):
        write_atomically(target, "not bytes")  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []


def test_files_up_to_300_kb_pass() -> None:
    assert MAX_FILE_BYTES == 300 * 1024
    assert check_sizes({"images/a.png": b"x" * MAX_FILE_BYTES, "script.js": b""}) is None


def test_check_sizes_names_every_file_over_300_kb() -> None:
    files = {"script.js": b"x", "images/tour_3_ru.png": b"x" * (MAX_FILE_BYTES + 1),
             "images/tour_1_ru.png": b"x" * 400_000}
    with pytest.raises(BuildError) as info:
        check_sizes(files)
    assert info.value.path == "images/tour_1_ru.png"
    assert info.value.problem == ("exceeds amoCRM's 300 KB per-file limit: "
                                  "images/tour_1_ru.png (400,000 bytes), "
                                  "images/tour_3_ru.png (307,201 bytes)")


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def write_tree(root: Path, files: dict[str, bytes]) -> None:
    publish(root.parent / "widget.zip", b"zip", root, files)


def test_write_tree_replaces_an_old_tree(tmp_path: Path) -> None:
    root = tmp_path / "build" / "widget"
    write_tree(root, {"script.js": b"old", "images/stale.png": b"stale"})
    write_tree(root, FILES)
    assert tree(root) == FILES
    assert sorted(p.name for p in root.parent.iterdir()) == ["widget", "widget.zip"]


def test_write_tree_cleans_up_a_leftover_old_tree_when_there_is_no_tree(tmp_path: Path) -> None:
    (tmp_path / ".widget.old").mkdir()
    (tmp_path / ".widget.old" / "x").write_bytes(b"1")
    write_tree(tmp_path / "widget", FILES)
    assert tree(tmp_path / "widget") == FILES
    assert sorted(p.name for p in tmp_path.iterdir()) == ["widget", "widget.zip"]


def test_write_tree_survives_a_leftover_old_tree_next_to_a_tree(tmp_path: Path) -> None:
    write_tree(tmp_path / "widget", {"script.js": b"old"})
    (tmp_path / ".widget.old").mkdir()
    (tmp_path / ".widget.old" / "x").write_bytes(b"1")
    write_tree(tmp_path / "widget", FILES)
    assert tree(tmp_path / "widget") == FILES
    assert sorted(p.name for p in tmp_path.iterdir()) == ["widget", "widget.zip"]


@pytest.mark.parametrize("leftover", [".widget.old", ".widget.x1y2", ".widget.zip.tmp123"])
def test_a_leftover_of_an_interrupted_build_never_blocks_the_next(tmp_path: Path, leftover: str) -> None:
    (tmp_path / leftover).mkdir()
    (tmp_path / leftover / "x").write_bytes(b"1")
    write_tree(tmp_path / "widget", FILES)
    assert tree(tmp_path / "widget") == FILES
    assert sorted(p.name for p in tmp_path.iterdir()) == ["widget", "widget.zip"]


def test_a_failed_publish_puts_the_old_tree_back_and_leaves_the_archive(tmp_path: Path) -> None:
    """The archive is replaced last; when that fails, the tree swapped in before is rolled back."""
    old = {"script.js": b"old"}
    write_tree(tmp_path / "widget", old)
    (tmp_path / "widget.zip").unlink()
    (tmp_path / "widget.zip").mkdir()  # os.replace of a file onto a folder fails
    (tmp_path / "widget.zip" / "keep").write_bytes(b"k")
    with pytest.raises(OSError):
        write_tree(tmp_path / "widget", FILES)
    assert tree(tmp_path / "widget") == old
    assert tree(tmp_path / "widget.zip") == {"keep": b"k"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["widget", "widget.zip"]
