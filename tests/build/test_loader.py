"""``build.py loader``: the live-loader archive, and never any loader code in a release."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from click.testing import CliRunner

import build as build_cli
from tests.support.builds import BuiltWidget
from widgetbuild.loader import LOADER_MARKER


def _invoke(*args: str) -> object:
    return CliRunner().invoke(build_cli.cli, list(args), catch_exceptions=False)


def test_loader_builds_a_tiny_script_with_the_dev_builds_manifest_and_records_its_url(
        tmp_path: Path, dev_widget: BuiltWidget) -> None:
    result = _invoke("loader", "--dev-url", "http://localhost:8811/", "--out-dir", str(tmp_path))
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(tmp_path / "loader" / "widget.zip") as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    assert json.loads(files["loader.json"]) == {"loader": LOADER_MARKER, "dev_url": "http://localhost:8811",
                                                "script": "http://localhost:8811/widget/script.js"}
    script = files["script.js"].decode()
    assert LOADER_MARKER in script and "http:\\/\\/localhost:8811" in script
    assert len(files["script.js"]) < 8_000
    for name, data in dev_widget.files.items():
        if name not in ("script.js", "postcall.js"):  # both come from serve
            assert files[name] == data, name
    assert "Upload" in result.output


def test_prod_refuses_loader_and_contains_no_loader_code(prod_widget: BuiltWidget) -> None:
    result = _invoke("--prod", "loader")
    assert result.exit_code == 2
    assert "'--prod loader' is refused" in result.output
    assert LOADER_MARKER.encode() not in prod_widget.files["script.js"]
    assert b"asng-reload" not in prod_widget.files["script.js"]
    assert "loader.json" not in prod_widget.files


def test_a_bad_dev_url_is_a_usage_error(tmp_path: Path) -> None:
    for url in ("localhost:8800", "ftp://localhost", "http://localhost:99999", "http://localhost:8800/?x=1"):
        result = _invoke("loader", "--dev-url", url, "--out-dir", str(tmp_path))
        assert result.exit_code == 2, url
        assert "--dev-url" in result.output
    assert not (tmp_path / "loader").exists()
