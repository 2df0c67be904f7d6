"""The functional core gives the same results under CPython and transpiled by Transcrypt."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import quickjs

from widgetbuild.link import link

HERE = Path(__file__).resolve().parent
WIDGET_SRC = HERE.parent.parent / "widget_src"
PROBE = "core_probe"


@pytest.fixture(scope="module")
def cpython_results() -> list:
    sys.path.insert(0, str(WIDGET_SRC))
    sys.path.insert(0, str(HERE))
    try:
        import core_probe

        return json.loads(json.dumps(core_probe.run(None)))
    finally:
        sys.path.remove(str(WIDGET_SRC))
        sys.path.remove(str(HERE))


@pytest.fixture(scope="module")
def transpiled_results(tmp_path_factory: pytest.TempPathFactory) -> list:
    staged = tmp_path_factory.mktemp("differential") / "widget_src"
    shutil.copytree(WIDGET_SRC, staged, ignore=shutil.ignore_patterns("__pycache__", "__target__"))
    shutil.copy(HERE / f"{PROBE}.py", staged / f"{PROBE}.py")
    subprocess.run([sys.executable, "-m", "transcrypt", "-b", "-n", f"{PROBE}.py"], cwd=staged, check=True,
                   capture_output=True)
    script = link(staged / "__target__", PROBE, "run", dev=False)
    ctx = quickjs.Context()
    ctx.eval("var define = function (deps, factory) { globalThis.Probe = factory({}); };")
    ctx.eval(script)
    return json.loads(ctx.eval("JSON.stringify(new Probe().callbacks)"))


def test_probe_covers_the_core(cpython_results: list) -> None:
    labels = {row[0] for row in cpython_results}
    assert labels >= {"envelope", "form", "url", "decode", "status_code", "transport", "status", "same",
                      "backoff", "monitor", "settings", "is"}
    assert len(cpython_results) > 120


def test_transpiled_core_matches_cpython(cpython_results: list, transpiled_results: list) -> None:
    assert len(transpiled_results) == len(cpython_results)
    mismatches = [(c, t) for c, t in zip(cpython_results, transpiled_results) if c != t]
    assert mismatches == []


def test_wire_text_is_identical(cpython_results: list, transpiled_results: list) -> None:
    forms = [(c[1]["json"], t[1]["json"]) for c, t in zip(cpython_results, transpiled_results) if c[0].startswith("form")]
    assert len(forms) == 2
    for cpython_text, js_text in forms:
        assert cpython_text == js_text
