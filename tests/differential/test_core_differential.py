"""The functional core gives the same results under CPython and transpiled by Transcrypt."""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
from pathlib import Path
from types import FrameType, ModuleType

import pytest
import quickjs

from widgetbuild.link import link

HERE = Path(__file__).resolve().parent
WIDGET_SRC = HERE.parent.parent / "widget_src"
PROBE = "core_probe"


@pytest.fixture(scope="module")
def probe_module() -> ModuleType:
    from tests.differential import core_probe

    return core_probe


@pytest.fixture(scope="module")
def cpython_results(probe_module: ModuleType) -> list:
    return json.loads(json.dumps(probe_module.run(None)))


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


def core_callables() -> set[str]:
    """``module.name`` of every public function, and ``module.Class.method`` of every public method
    (``__init__`` included) of the core's classes other than exceptions.

    Coroutines are left out: the probe runs synchronously in both engines, so their sequencing is
    tested under CPython with asyncio (tests/unit) and in the real bundle (tests/bundle).
    """
    names = set()
    for path in sorted((WIDGET_SRC / "core").glob("*.py")):
        module = path.stem
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                names.add(f"{module}.{node.name}")
            elif isinstance(node, ast.ClassDef) and not any(
                    isinstance(base, ast.Name) and (base.id.endswith("Error") or base.id in CORE_ERRORS)
                    for base in node.bases):
                names.update(f"{module}.{node.name}.{item.name}" for item in node.body
                             if isinstance(item, ast.FunctionDef)
                             and (not item.name.startswith("_") or item.name == "__init__"))
    return names


# The protocol's exception classes: the probe compares them through the error codes it decodes.
CORE_ERRORS = {"Exception", "ServerError", "InvalidResponse"}


def test_probe_calls_every_core_function(probe_module: ModuleType) -> None:
    called = set()
    core_dir = str(WIDGET_SRC / "core")

    def record(frame: FrameType, event: str, arg: object) -> None:
        code = frame.f_code
        if event == "call" and code.co_filename.startswith(core_dir):
            called.add(f"{Path(code.co_filename).stem}.{code.co_qualname}")

    sys.setprofile(record)
    try:
        probe_module.run(None)
    finally:
        sys.setprofile(None)
    assert sorted(core_callables() - called) == []


def test_transpiled_core_matches_cpython(cpython_results: list, transpiled_results: list) -> None:
    assert len(transpiled_results) == len(cpython_results)
    mismatches = [(c, t) for c, t in zip(cpython_results, transpiled_results) if c != t]
    assert mismatches == []


def test_wire_text_is_identical(cpython_results: list, transpiled_results: list) -> None:
    forms = [(c[1]["json"], t[1]["json"]) for c, t in zip(cpython_results, transpiled_results)
             if c[0] in ("form", "form unicode")]
    assert len(forms) == 2
    for cpython_text, js_text in forms:
        assert cpython_text == js_text
