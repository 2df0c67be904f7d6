"""The widget's layers: ``core`` is plain Python, and imports go one way.

app → ui → core; app, ui → edge → core; core → nothing but core. A browser or amoCRM name in
``core`` (even inside a JavaScript pragma) would make it untestable under CPython and break
the differential probe's promise, so it fails here, naming the module and line.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

WIDGET_SRC = Path(__file__).resolve().parents[2] / "widget_src"
LAYERS = ("core", "edge", "ui", "app")
# What each layer may import from widget_src (besides itself and the generated build constants).
ALLOWED = {"core": set(), "edge": {"core"}, "ui": {"core", "edge"}, "app": {"core", "edge", "ui"}}
# Names of the browser and of amoCRM that the functional core must never touch.
HOST_NAMES = {
    "window", "document", "navigator", "localStorage", "sessionStorage", "location", "history", "console",
    "setTimeout", "clearTimeout", "setInterval", "clearInterval", "requestAnimationFrame", "fetch",
    "XMLHttpRequest", "BroadcastChannel", "Event", "CustomEvent", "MutationObserver", "ResizeObserver",
    "Element", "Node", "HTMLElement", "APP", "AMOCRM", "jQuery", "$", "define", "require",
}


def modules(layer: str) -> list[Path]:
    return sorted((WIDGET_SRC / layer).rglob("*.py"))


def imported_packages(path: Path) -> list[tuple[str, int]]:
    """The top-level widget_src packages ``path`` imports, with the line of each import."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.append((node.module.split(".")[0], node.lineno))
        elif isinstance(node, ast.Import):
            found.extend((alias.name.split(".")[0], node.lineno) for alias in node.names)
    return [(name, line) for name, line in found if name in LAYERS]


@pytest.mark.parametrize("layer", LAYERS)
def test_imports_go_one_way(layer: str) -> None:
    wrong = [f"{path.relative_to(WIDGET_SRC)}:{line} imports {name}"
             for path in modules(layer) for name, line in imported_packages(path)
             if name != layer and name not in ALLOWED[layer]]
    assert wrong == []


def _host_names_in_pragmas(tree: ast.AST) -> list[tuple[str, int]]:
    """Names in ``__pragma__('js', …)`` code and in ``#?`` lines Transcrypt activates."""
    found = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "__pragma__"
                and node.args and isinstance(node.args[0], ast.Constant) and node.args[0].value == "js"):
            code = " ".join(arg.value for arg in node.args[1:] if isinstance(arg, ast.Constant)
                            and isinstance(arg.value, str))
            found.extend((word, node.lineno) for word in _words(code) if word in HOST_NAMES)
    return found


def _words(code: str) -> list[str]:
    word, words = "", []
    for char in code + " ":
        if char.isalnum() or char in "_$":
            word += char
        else:
            if word:
                words.append(word)
            word = ""
    return words


@pytest.mark.parametrize("path", modules("core"), ids=lambda p: p.name)
def test_core_names_no_browser_or_amocrm_object(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    names = [(node.id, node.lineno) for node in ast.walk(tree) if isinstance(node, ast.Name)
             and node.id in HOST_NAMES]
    active_js = [(word, number) for number, line in enumerate(source.splitlines(), 1)
                 if line.lstrip().startswith("#?") for word in _words(line) if word in HOST_NAMES]
    assert names + _host_names_in_pragmas(tree) + active_js == []


def test_every_core_module_imports_under_cpython_with_nothing_but_core() -> None:
    names = [".".join(path.relative_to(WIDGET_SRC).with_suffix("").parts) for path in modules("core")]
    probe = ("import sys\n"
             f"for name in {names!r}:\n"
             "    __import__(name)\n"
             "print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] in {'edge', 'ui', 'app'})))\n")
    result = subprocess.run([sys.executable, "-c", probe], cwd=WIDGET_SRC, capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""
