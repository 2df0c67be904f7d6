"""A copy of the project broken in one place per test: the build names the file and the problem,
and leaves no new archive behind (an earlier one stays byte-identical)."""

from __future__ import annotations

import dataclasses
import functools
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

import build as build_cli
from tests.support.project_copy import ProjectCopy
from widgetbuild import config as cfg
from widgetbuild.errors import BuildError
from widgetbuild.pipeline import build

OLD_ARCHIVE = b"PK the archive of an earlier, good build"


def replace_once(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} not found once in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def append(path: Path, code: str) -> int:
    """Append ``code`` to a module; return the line number of its first line."""
    text = path.read_text(encoding="utf-8")
    if not text.endswith("\n"):
        text += "\n"
    first_line = text.count("\n") + 2
    path.write_text(text + "\n" + code, encoding="utf-8")
    return first_line


@dataclass(frozen=True)
class Expected:
    """What the BuildError must say: its path, its line (None: not checked), fragments of the problem."""

    path: str
    line: int | None
    fragments: tuple[str, ...]


def break_manifest_syntax(copy: ProjectCopy) -> Expected:
    template = copy.blank / "manifest.json.j2"
    line = template.read_text(encoding="utf-8").splitlines().index('    "version": {{ version | json }},') + 1
    replace_once(template, '"version": {{ version | json }},', '"version": {{ version | json },')
    return Expected(str(template), line, ("template syntax error",))


def delete_master(copy: ProjectCopy) -> Expected:
    master = copy.blank / "images" / "master_stacked.png"
    master.unlink()
    return Expected(str(master), None, ("image is missing",))


def garble_master(copy: ProjectCopy) -> Expected:
    master = copy.blank / "images" / "master_wide.png"
    master.write_bytes(b"\x89PNG\r\n\x1a\n this is not a picture")
    return Expected(str(master), None, ("cannot decode the image",))


def break_en_json(copy: ProjectCopy) -> Expected:
    en = copy.blank / "i18n" / "en.json"
    lines = en.read_text(encoding="utf-8").splitlines()
    index = next(i for i, line in enumerate(lines) if '"save_button"' in line)
    lines[index] = lines[index].rstrip(",") + ",,"
    en.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return Expected(str(en), index + 1, ("invalid JSON after rendering",))


def drop_ru_key(copy: ProjectCopy) -> Expected:
    ru = copy.blank / "i18n" / "ru.json"
    text = ru.read_text(encoding="utf-8")
    line = next(line for line in text.splitlines(keepends=True) if '"no_contacts"' in line)
    assert line.rstrip().endswith(","), "the removed line must not be the last of its object"
    replace_once(ru, line, "")
    return Expected(str(copy.blank / "i18n"), None,
                    (f"{ru}: missing key 'domain.amocrm.panel.no_contacts' (present in en, es, pt)",))


def python_syntax_error(copy: ProjectCopy) -> Expected:
    line = append(copy.source / "core" / "backoff.py", "def broken(:\n    return 1\n")
    return Expected("widget_src/core/backoff.py", line, ("Python syntax error",))


def walrus(copy: ProjectCopy) -> Expected:
    line = append(copy.source / "core" / "server_monitor.py",
                  "def _probe(items):\n    if (count := len(items)) > 1:\n"
                  "        return count\n    return 0\n")
    return Expected("widget_src/core/server_monitor.py", line + 1, ("walrus operator",))


def unknown_i18n_key(copy: ProjectCopy) -> Expected:
    line = append(copy.source / "app" / "click2call.py",
                  "def _label(amocrm):\n    return amocrm.i18n(\"domain.amocrm.panel.no_such_text\")\n")
    where = f"widget_src/app/click2call.py:{line + 1}"
    return Expected("widget_src", None, (
        f"{where}: key 'domain.amocrm.panel.no_such_text' is not in i18n/en.json",
        f"{where}: key 'domain.amocrm.panel.no_such_text' is not in i18n/ru.json",
    ))


def modules(copy: ProjectCopy) -> list[Path]:
    """The widget's modules inside packages (picked by globbing: the layout may change)."""
    return sorted(p for p in copy.source.glob("*/*.py") if p.name != "__init__.py")


def display(copy: ProjectCopy, path: Path) -> str:
    return path.relative_to(copy.root).as_posix()


def dotted(copy: ProjectCopy, path: Path) -> str:
    return ".".join(path.relative_to(copy.source).with_suffix("").parts)


def cp1251_comment(copy: ProjectCopy) -> Expected:
    module = modules(copy)[0]
    line = append(module, "x_ = 1\n")
    with module.open("ab") as stream:
        stream.write("# Привет\n".encode("cp1251"))
    return Expected(display(copy, module), line + 1, ("not UTF-8 text", "save the file as UTF-8"))


def bom_in_python(copy: ProjectCopy) -> Expected:
    module = modules(copy)[0]
    module.write_bytes(b"\xef\xbb\xbf" + module.read_bytes())
    return Expected(display(copy, module), 1, ("byte-order mark", "without BOM"))


def cp1251_stylesheet(copy: ProjectCopy) -> Expected:
    css = copy.blank / "widget.css"
    css.write_bytes(css.read_bytes() + "/* ширина */\n".encode("cp1251"))
    return Expected(str(css), css.read_bytes().count(b"\n"), ("not UTF-8 text",))


def _replace_tour(copy: ProjectCopy, key: str, value: str) -> Expected:
    """Replace the value of ``key`` (an object) in the manifest template by ``value``."""
    template = copy.blank / "manifest.json.j2"
    text = template.read_text(encoding="utf-8")
    start = text.index(f'"{key}": {{')
    depth, end = 0, start
    for end in range(text.index("{", start), len(text)):
        depth += {"{": 1, "}": -1}.get(text[end], 0)
        if depth == 0:
            break
    template.write_text(text[:start] + f'"{key}": {value}' + text[end + 1:], encoding="utf-8")
    return Expected(str(template), None, ())


def tour_a_text(copy: ProjectCopy) -> Expected:
    return dataclasses.replace(_replace_tour(copy, "tour", '"yes"'), fragments=("'tour' must be an object",))


def tour_images_a_list(copy: ProjectCopy) -> Expected:
    return dataclasses.replace(_replace_tour(copy, "tour_images", "[]"),
                               fragments=("tour.tour_images must be an object",))


def tour_image_outside_the_archive(copy: ProjectCopy) -> Expected:
    template = copy.blank / "manifest.json.j2"
    text = template.read_text(encoding="utf-8")
    image = text[text.index('"/images/', text.index('"tour_images"')) + 1:]
    image = image[:image.index('"')]
    template.write_text(text.replace(f'"{image}"', f'"/nowhere/{image.rsplit("/", 1)[1]}"', 1),
                        encoding="utf-8")
    return Expected(str(template), None, ((f"tour image /nowhere/{image.rsplit('/', 1)[1]} "
                                          "is not where the archive puts it"),))


def missing_module(copy: ProjectCopy) -> Expected:
    module = modules(copy)[0]
    package = dotted(copy, module).split(".")[0]
    line = append(module, f"from {package}.no_such_module import x\n")
    where = f"{display(copy, module)}:{line}"
    return Expected(display(copy, module), line,
                    (f"no module '{package}.no_such_module' in widget_src (imported at {where})",))


def standard_library(copy: ProjectCopy) -> Expected:
    module = modules(copy)[0]
    line = append(module, "import os\n")
    return Expected(display(copy, module), line, (("module 'os' is Python's standard library, "
                                                  "which is not available in the browser"),))


def missing_name(copy: ProjectCopy) -> Expected:
    first, second = modules(copy)[:2]
    line = append(first, f"from {dotted(copy, second)} import no_such_name\n")
    return Expected(display(copy, first), line,
                    ((f"module '{dotted(copy, second)}' ({display(copy, second)}) "
                     "has no name 'no_such_name'"),))


def import_cycle(copy: ProjectCopy) -> Expected:
    package = modules(copy)[0].parent
    name = ".".join(package.relative_to(copy.source).parts)
    (package / "asng_cycle_a.py").write_text(
        f"from {name}.asng_cycle_b import b\n\n\ndef a():\n    return b()\n", encoding="utf-8")
    (package / "asng_cycle_b.py").write_text(f"x = 1\nfrom {name}.asng_cycle_a import a\n\n\ndef b():\n"
                                             "    return a\n", encoding="utf-8")
    return Expected(display(copy, package / "asng_cycle_b.py"), 2, (
        (f"import cycle of 'from … import' statements: {name}.asng_cycle_a -> {name}.asng_cycle_b -> "
        f"{name}.asng_cycle_a"),))


def decompression_bomb(copy: ProjectCopy) -> Expected:
    """A PNG header claiming 15000×15000 pixels: Pillow refuses it before reading any pixel."""
    master = copy.blank / "images" / "master_square.png"
    header = struct.pack(">IIBBBBB", 15000, 15000, 1, 0, 0, 0, 0)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    master.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b""))
                       + chunk(b"IEND", b""))
    return Expected(str(master), None, ("decompression-bomb limit",))


@dataclass(frozen=True)
class Case:
    breaker: Callable[[ProjectCopy], Expected]
    old_archive: bool  # an archive of an earlier build is already there
    dev: bool = False


CASES = {
    "manifest-jinja-syntax": Case(break_manifest_syntax, old_archive=False),
    "master-deleted": Case(delete_master, old_archive=True),
    "master-undecodable": Case(garble_master, old_archive=False),
    "en-json-invalid": Case(break_en_json, old_archive=True),
    "ru-json-key-missing": Case(drop_ru_key, old_archive=False),
    "python-syntax-error": Case(python_syntax_error, old_archive=True),
    "walrus": Case(walrus, old_archive=False),
    "unknown-i18n-key": Case(unknown_i18n_key, old_archive=True, dev=True),
    "python-cp1251-comment": Case(cp1251_comment, old_archive=True, dev=True),
    "python-bom": Case(bom_in_python, old_archive=True),
    "css-cp1251-comment": Case(cp1251_stylesheet, old_archive=True, dev=True),
    "manifest-tour-a-text": Case(tour_a_text, old_archive=True),
    "manifest-tour-images-a-list": Case(tour_images_a_list, old_archive=False),
    "manifest-tour-image-outside-archive": Case(tour_image_outside_the_archive, old_archive=True, dev=True),
    "import-missing-module": Case(missing_module, old_archive=True, dev=True),
    "import-standard-library": Case(standard_library, old_archive=True),
    "import-missing-name": Case(missing_name, old_archive=True, dev=True),
    "import-cycle": Case(import_cycle, old_archive=True),
    "master-decompression-bomb": Case(decompression_bomb, old_archive=True, dev=True),
}


@pytest.mark.parametrize("case", list(CASES.values()), ids=list(CASES))
def test_bad_input_fails_naming_file_and_problem_and_writes_no_archive(project_copy: ProjectCopy,
                                                                       case: Case) -> None:
    expected = case.breaker(project_copy)
    config = dataclasses.replace(project_copy.config, dev=case.dev)
    out = config.out_dir
    old_tree = {"script.js": b"old script"}
    if case.old_archive:
        out.mkdir(parents=True)
        config.zip_path.write_bytes(OLD_ARCHIVE)
        for name, data in old_tree.items():
            (config.unpacked_dir / name).parent.mkdir(parents=True, exist_ok=True)
            (config.unpacked_dir / name).write_bytes(data)
    with pytest.raises(BuildError) as info:
        build(config)
    error = info.value
    assert error.path == expected.path
    if expected.line is not None:
        assert error.line == expected.line
    for fragment in expected.fragments:
        assert fragment in error.problem
    if case.old_archive:
        assert config.zip_path.read_bytes() == OLD_ARCHIVE
        assert sorted(p.name for p in out.iterdir()) == ["widget", "widget.zip"]
        assert {p.name: p.read_bytes() for p in config.unpacked_dir.iterdir()} == old_tree
    else:
        assert not config.zip_path.exists()
        assert not out.exists() or list(out.iterdir()) == []


def test_the_copy_holds_the_project_inputs(project_copy: ProjectCopy) -> None:
    """Without this, the failures above could come from a bad copy rather than from the breakage."""
    manifest = project_copy.blank / "manifest.json.j2"
    original = cfg.PROJECT_ROOT / "blank" / "manifest.json.j2"
    assert manifest.read_text(encoding="utf-8") == original.read_text(encoding="utf-8")
    assert sorted(
        p.relative_to(project_copy.source).as_posix() for p in project_copy.source.rglob("*.py")
    ) == sorted(
        p.relative_to(cfg.PROJECT_ROOT / "widget_src").as_posix()
        for p in (cfg.PROJECT_ROOT / "widget_src").rglob("*.py") if "__target__" not in p.parts)


@pytest.mark.parametrize("breaker", [walrus, python_syntax_error], ids=["walrus", "syntax-error"])
def test_cli_exits_1_with_the_problem(project_copy: ProjectCopy, monkeypatch: pytest.MonkeyPatch,
                                      breaker: Callable[[ProjectCopy], Expected]) -> None:
    expected = breaker(project_copy)
    monkeypatch.setattr(cfg, "BuildConfig", functools.partial(
        cfg.BuildConfig, source_dir=project_copy.source, blank_dir=project_copy.blank))
    out = project_copy.root / "out"
    result = CliRunner().invoke(build_cli.cli, ["--prod", "--out-dir", str(out)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Build failed: {expected.path}:{expected.line}: ")
    for fragment in expected.fragments:
        assert fragment in result.stderr
    assert not (out / "widget.zip").exists()
