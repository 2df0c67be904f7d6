"""The CLI tried as an adversary would: every failure is exit 1 or 2 and one message, never a traceback,
and the previous output stays byte-identical."""

from __future__ import annotations

import dataclasses
import functools
import signal
import socket
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import build as build_cli
from tests.support.builds import BuiltWidget
from tests.support.project_copy import ProjectCopy
from widgetbuild import config as cfg
from widgetbuild import pipeline
from widgetbuild.config import PROJECT_ROOT

OLD_ARCHIVE = b"PK the archive of an earlier, good build"


def invoke(*args: str) -> Result:
    return CliRunner().invoke(build_cli.cli, list(args), catch_exceptions=False)


@pytest.mark.parametrize(("out_dir", "problem"), [
    ("/proc/asteriskng-x",
     "/proc/asteriskng-x: --out-dir cannot be created or written (No such file or directory)"),
    (str(PROJECT_ROOT / "README.md" / "sub"),
     "README.md/sub: --out-dir cannot be created or written (Not a directory)"),
    ("/dev/null", "/dev/null: --out-dir is a file, not a folder"),
    (str(PROJECT_ROOT / "blank" / "out"),
     "blank/out: --out-dir is inside blank: the build would write into its own inputs"),
    (str(PROJECT_ROOT / "widget_src"), "widget_src: --out-dir is inside widget_src"),
], ids=["proc", "under-a-file", "a-device", "inside-blank", "the-sources"])
def test_an_unusable_out_dir_fails_before_building(monkeypatch: pytest.MonkeyPatch, out_dir: str,
                                                   problem: str) -> None:
    def no_work(*args: object) -> object:
        raise AssertionError("the build ran before the output was checked")

    monkeypatch.setattr(pipeline, "load_locales", no_work)
    result = invoke("--prod", "--out-dir", out_dir)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0].startswith(f"Build failed: {problem}")
    assert not (PROJECT_ROOT / "blank" / "out").exists()


def test_serve_refuses_an_out_dir_inside_the_sources(monkeypatch: pytest.MonkeyPatch) -> None:
    """serve would rebuild on its own output forever."""
    monkeypatch.setattr(pipeline, "load_locales", lambda *a: pytest.fail("built into blank/"))
    result = invoke("serve", "--out-dir", str(PROJECT_ROOT / "blank"))
    assert result.exit_code == 1
    assert result.stderr.startswith("Build failed: blank/sandbox: --out-dir is inside blank")


def test_dev_with_a_file_where_the_tree_goes_leaves_everything_as_it_was(
    project_copy: ProjectCopy, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = dataclasses.replace(project_copy.config, dev=True)
    config.out_dir.mkdir(parents=True)
    config.zip_path.write_bytes(OLD_ARCHIVE)
    config.unpacked_dir.write_bytes(b"a file")
    monkeypatch.setattr(cfg, "BuildConfig", functools.partial(
        cfg.BuildConfig, source_dir=project_copy.source, blank_dir=project_copy.blank))
    result = invoke("--dev", "--out-dir", str(config.out_dir))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (f"Build failed: {config.unpacked_dir}: is not a folder, "
                                             "but --dev writes the unpacked archive there: remove it")
    assert config.zip_path.read_bytes() == OLD_ARCHIVE
    assert config.unpacked_dir.read_bytes() == b"a file"
    assert sorted(p.name for p in config.out_dir.iterdir()) == ["widget", "widget.zip"]


def test_an_internal_error_is_one_line_and_debug_shows_the_traceback(monkeypatch: pytest.MonkeyPatch,
                                                                     tmp_path: Path) -> None:
    def bug(*args: object) -> object:
        raise KeyError("surprise")

    monkeypatch.setattr(build_cli, "build", bug)
    result = CliRunner().invoke(build_cli.cli, ["--prod", "--out-dir", str(tmp_path)])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.stderr.splitlines() == [
        ("Internal error (a bug in the build, not in your input): KeyError: "
         "'surprise'. Run again with --debug to see the traceback.")
    ]
    debug = CliRunner().invoke(build_cli.cli, ["--debug", "--prod", "--out-dir", str(tmp_path)])
    assert isinstance(debug.exception, KeyError)


def _zip(path: Path, files: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return path


@pytest.mark.parametrize(("make", "code", "first_line"), [
    (lambda tmp, busy: ["--archive", str(_zip(tmp / "a.zip", {"manifest.json": b"{}"}))], 2,
     "error: {tmp}/a.zip lacks script.js at the archive root"),
    (lambda tmp, busy: ["--archive", str(PROJECT_ROOT / "README.md")], 2,
     "error: {root}/README.md is not a zip archive (File is not a zip file)"),
    (lambda tmp, busy: ["--archive", str(_zip(tmp / "ok.zip", {"manifest.json": b"{}", "script.js": b""})),
                        "--port", str(busy)],
     1, "error: cannot start the sandbox: [Errno 98] Address already in use"),
], ids=["archive-without-script", "archive-not-a-zip", "port-in-use"])
def test_serve_start_errors_are_one_message(tmp_path: Path, make: object, code: int, first_line: str) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        args = make(tmp_path, busy.getsockname()[1])  # type: ignore[operator]
        result = CliRunner().invoke(build_cli.cli, ["serve", *args])
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    assert result.stderr.splitlines()[0] == first_line.format(tmp=tmp_path, root=PROJECT_ROOT)


def test_serve_stops_cleanly_on_sigterm(dev_widget: BuiltWidget) -> None:
    """A process manager (or a test) stops serve with SIGTERM: it must clean up as on Ctrl-C."""
    process = subprocess.Popen([sys.executable, str(PROJECT_ROOT / "build.py"), "serve", "--port", "0",
                                "--archive", str(dev_widget.zip_path)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=PROJECT_ROOT)
    try:
        assert process.stdout is not None
        for line in process.stdout:  # waits for the condition: the sandbox is up
            if line.startswith("Serving the given archive"):
                break
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    assert "stopping" in out
    assert "Traceback" not in err
