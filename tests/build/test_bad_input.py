"""A copy of the project broken in one place per test: the build names the file and the problem,
and leaves no new archive behind (an earlier one stays byte-identical)."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

import build as build_cli
from tests.build.conftest import ProjectCopy
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
                    (f"{ru}: missing key 'domain.amocrm.panel.no_contacts' (present in en)",))


def python_syntax_error(copy: ProjectCopy) -> Expected:
    line = append(copy.source / "core" / "backoff.py", "def broken(:\n    return 1\n")
    return Expected("widget_src/core/backoff.py", line, ("Python syntax error",))


def walrus(copy: ProjectCopy) -> Expected:
    line = append(copy.source / "core" / "server_monitor.py",
                  "def _probe(items):\n    if (count := len(items)) > 1:\n        return count\n    return 0\n")
    return Expected("widget_src/core/server_monitor.py", line + 1, ("walrus operator",))


def unknown_i18n_key(copy: ProjectCopy) -> Expected:
    line = append(copy.source / "app" / "click2call.py",
                  "def _label(amocrm):\n    return amocrm.i18n(\"domain.amocrm.panel.no_such_text\")\n")
    where = f"widget_src/app/click2call.py:{line + 1}"
    return Expected("widget_src", None, (
        f"{where}: key 'domain.amocrm.panel.no_such_text' is not in i18n/en.json",
        f"{where}: key 'domain.amocrm.panel.no_such_text' is not in i18n/ru.json",
    ))


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
    assert manifest.read_text(encoding="utf-8") == (cfg.PROJECT_ROOT / "blank" / "manifest.json.j2").read_text(
        encoding="utf-8")
    assert sorted(p.relative_to(project_copy.source).as_posix() for p in project_copy.source.rglob("*.py")) == sorted(
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
