"""The size map (``build.py --sizes``): every module's share, adding up to the real script.js."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

import build as build_cli
from tests.support.builds import BuiltWidget
from widgetbuild.config import BuildConfig
from widgetbuild.minify import minify
from widgetbuild.pipeline import build
from widgetbuild.size_map import GLUE, size_map

SOURCE = BuildConfig().source_dir


def _linked(tmp_path: Path, dev: bool) -> tuple[str, bytes]:
    result = build(BuildConfig(dev=dev, out_dir=tmp_path / "out"))
    return result.linked, result.files["script.js"]


def test_the_shares_of_a_prod_build_add_up_to_its_script_and_are_pieces_of_it(tmp_path: Path) -> None:
    linked, script = _linked(tmp_path, dev=False)
    shares = size_map(linked, True, SOURCE)
    assert sum(share.raw for share in shares) == len(script)
    assert [share.raw for share in shares] == sorted((share.raw for share in shares), reverse=True)
    names = {share.name: share for share in shares}
    assert names["org.transcrypt.__runtime__"].kind == "runtime"
    assert names["app.session"].kind == "widget"
    assert names["build_constants"].kind == "widget"
    assert names[GLUE].kind == "linker"
    assert all(0 < share.gzip for share in shares)
    assert minify(linked) == script.decode("utf-8")


def test_the_dev_shares_add_up_too(tmp_path: Path) -> None:
    linked, script = _linked(tmp_path, dev=True)
    assert sum(share.raw for share in size_map(linked, False, SOURCE)) == len(script)


def test_sizes_prints_the_table_largest_first(tmp_path: Path, prod_widget: BuiltWidget) -> None:
    result = CliRunner().invoke(build_cli.cli, ["--prod", "--sizes", "--out-dir", str(tmp_path)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("module "))
    first = lines[header + 1]
    assert first.startswith("org.transcrypt.__runtime__ (Transcrypt runtime)")
    total = next(line for line in lines if line.startswith("script.js "))
    assert f"{len(prod_widget.files['script.js']):,}" in total
    assert lines[-1].startswith("by kind: widget ")
