"""The build's Transcrypt runner: plain Transcrypt's output, faster (widgetbuild/transcrypt_runner.py)."""

from __future__ import annotations

import ast
import importlib.util
import json
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from widgetbuild.config import BuildConfig
from widgetbuild.paths import PROJECT_ROOT
from widgetbuild.source_rules import iter_sources
from widgetbuild.transpile import ROOT_MODULE, staged_files

RUNNER = PROJECT_ROOT / "widgetbuild" / "transcrypt_runner.py"
_SPEC = importlib.util.find_spec("transcrypt")
assert _SPEC is not None and _SPEC.submodule_search_locations
COMPILER = Path(_SPEC.submodule_search_locations[0]) / "modules" / "org" / "transcrypt" / "compiler.py"

# Runs in its own process: loading Transcrypt changes sys.path and sys.modules.
COMPARE = """
import json, runpy, sys, types
sys.argv = ["transcrypt"]
compiler = runpy.run_module("transcrypt", run_name="plain")["compiler"]
plain = compiler.Generator.filterId
sys.path.insert(0, {root!r})
from widgetbuild.transcrypt_runner import _install_id_filter
patched = types.SimpleNamespace(Generator=type("Generator", (), {{}}))
_install_id_filter(patched)
ours = patched.Generator.filterId
rows = []
for filtering, aliases, names in json.load(sys.stdin):
    generator = types.SimpleNamespace(idFiltering=filtering, aliases=[tuple(a) for a in aliases])
    rows += [[name, plain(generator, name), ours(generator, name)] for name in names]
print(json.dumps(rows))
"""

# Names that exercise every branch of Transcrypt's filter: dunders, dotted and slashed paths
# (module file names are filtered too), an alias inside a longer name, adjacent matches.
TRICKY = ["keys", "js_keys", "__keys__", "__keys", "keys__", "a.keys.b", "a/keys/b", "py_keys", "type",
          "x.type", "type.x", "a__type__b", "__init__", "name", "name.name", "js_name.name", "is", "isNaN",
          "js_is", "this_is", "arguments", "js_arguments", "...", "", "a..b", "keys=", "=keys", "$", "get_x",
          "widget.get", "__get__.x", "x.__get__", "update", "js_update", "copy.deepcopy", "undefined.keys"]
# __pragma__ ('alias', ...) takes regular expressions: a non-literal source is never skipped.
PRAGMA_ALIASES = [("jq", "$"), ("a.c", "dot"), ("k(e)ys", r"\1x"), ("S", "jq")]


def _predefined_aliases() -> list[tuple[str, str]]:
    """Transcrypt's own alias list, read from its compiler (Generator.__init__)."""
    with warnings.catch_warnings():  # Transcrypt's source has invalid escapes in plain strings
        warnings.simplefilter("ignore", DeprecationWarning)
        tree = ast.parse(COMPILER.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if (isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Attribute)
                and node.targets[0].attr == "aliases" and isinstance(node.value, ast.List)
                and node.value.elts):
            return [tuple(ast.literal_eval(element)) for element in node.value.elts]
    raise AssertionError(f"no alias list in {COMPILER}")


def _widget_names() -> set[str]:
    names: set[str] = set()
    for path in iter_sources(PROJECT_ROOT / "widget_src"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Name):
                names.add(node.id)
            elif isinstance(node, ast.Attribute):
                names.add(node.attr)
            elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, ast.arg):
                names.add(node.arg)
            elif isinstance(node, ast.ImportFrom) and node.module:
                names.update({node.module, node.module.replace(".", "/")})
    return names


def test_the_identifier_filter_gives_transcrypts_result_for_every_name() -> None:
    predefined = _predefined_aliases()
    assert ("keys", "py_keys") in predefined  # the list was found, not an empty one
    names = sorted(_widget_names()) + TRICKY
    cases = [(True, predefined, names), (True, PRAGMA_ALIASES + predefined, names),
             (False, predefined, TRICKY)]
    result = subprocess.run([sys.executable, "-c", COMPARE.format(root=str(PROJECT_ROOT))],
                            input=json.dumps(cases), capture_output=True, text=True, check=True)
    rows = json.loads(result.stdout)
    assert len(rows) == 2 * len(names) + len(TRICKY)
    assert [row for row in rows if row[1] != row[2]] == []
    renamed = {name: plain for name, plain, _ in rows[:len(names)]}  # the first case: Transcrypt's aliases
    assert renamed["keys"] == "py_keys" and renamed["a/keys/b"] == "a/py_keys/b"  # the filter did work


def _transpile(command: list[str], staged: Path) -> dict[str, str]:
    subprocess.run([*command, "-b", "-n", f"{ROOT_MODULE}.py"], cwd=staged, check=True, capture_output=True)
    # The first line of a target is Transcrypt's header with the time of the run.
    return {path.name: path.read_text(encoding="utf-8").split("\n", 1)[1]
            for path in (staged / "__target__").glob("*.js")}


@pytest.mark.parametrize("dev", [False, True])
def test_the_runner_transpiles_the_widget_exactly_like_plain_transcrypt(tmp_path: Path, dev: bool) -> None:
    targets = []
    commands = [("plain", [sys.executable, "-m", "transcrypt"]), ("runner", [sys.executable, str(RUNNER)])]
    for name, command in commands:
        staged = tmp_path / name
        for path, data in staged_files(BuildConfig(dev=dev)).items():
            (staged / path).parent.mkdir(parents=True, exist_ok=True)
            (staged / path).write_bytes(data)
        targets.append(_transpile(command + (["-s", "DEBUG"] if dev else []), staged))
    plain, runner = targets
    assert len(plain) > 40 and "script.js" in plain and "postcall.js" in plain
    assert runner == plain


def test_the_runner_does_not_load_transcrypts_optional_checkers(tmp_path: Path) -> None:
    (tmp_path / "tiny.py").write_text("x = 1\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-X", "importtime", str(RUNNER), "-b", "-n", "tiny.py"],
                            cwd=tmp_path, capture_output=True, text=True, check=True)
    imported = {line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines() if "|" in line}
    assert "org.transcrypt.compiler" in imported  # the measurement saw Transcrypt load
    assert not {"mypy", "pyflakes"} & imported
    assert (tmp_path / "__target__" / "tiny.js").is_file()
