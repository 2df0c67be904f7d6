"""The linker (widgetbuild/link.py) on small hand-made modules in Transcrypt's output forms,
run in QuickJS."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest
import quickjs

from widgetbuild.errors import BuildError
from widgetbuild.link import RUNTIME_MODULE, link

HEADER = "// Transcrypt'ed from Python, 2026-11-26 16:07:11"
RUNTIME = f"""\
{HEADER}
var __name__ = 'org.transcrypt.__runtime__';
export var __envir__ = {{transpiler_name: 'transcrypt'}};
export function __setproperty__ (anObject, name, descriptor) {{
    if (!anObject.hasOwnProperty (name)) {{
        Object.defineProperty (anObject, name, descriptor);
    }}
}};
__setproperty__ (String.prototype, 'shout', {{get: function () {{ return this + '!'; }}, enumerable: true}});
Array.prototype.__first__ = function () {{ return this [0]; }};
export var len = function (x) {{ return x.length; }};
//# sourceMappingURL=org.transcrypt.__runtime__.map"""


def module(source: str) -> str:
    """A module as Transcrypt writes it: timestamp header, code, source map comment."""
    return f"{HEADER}\n{textwrap.dedent(source).strip()}\n\n//# sourceMappingURL=x.map"


def target(tmp_path: Path, modules: dict[str, str]) -> Path:
    directory = tmp_path / "__target__"
    directory.mkdir(parents=True)
    for name, source in modules.items():
        text = source if name == RUNTIME_MODULE else module(source)
        (directory / f"{name}.js").write_text(text, encoding="utf-8")
    return directory


class Page:
    """A JavaScript context with a fake AMD ``define`` that keeps the module's value as ``Widget``."""

    def __init__(self, bundle: str, prelude: str = "") -> None:
        self.ctx = quickjs.Context()
        self.ctx.eval(
            "var order = []; var warnings = []; var defined = null;"
            "var console = {warn: function (m) { warnings.push (String (m)); }, log: function () {}};"
            "var define = function (deps, factory) { defined = deps; globalThis.Widget = factory ({}); };"
        )
        self.ctx.eval(prelude)
        self.ctx.eval(bundle)

    def value(self, expression: str) -> Any:
        return json.loads(self.ctx.eval(f"JSON.stringify ({expression})"))


def linked(tmp_path: Path, modules: dict[str, str], dev: bool = False, export: str = "make_callbacks") -> str:
    return link(target(tmp_path, modules), "script", export, dev)


ENTRY = """
import {helper, base as renamed} from './lib.js';
var __name__ = '__main__';
export var make_callbacks = function (widget) {
    order.push ('script');
    return {tag: widget.tag, sum: helper (renamed), render: function () { return true; }};
};
"""
LIB = """
var __name__ = 'lib';
order.push ('lib');
export var base = 40;
export function helper (x) {
    return x + 2;
}
"""


def test_the_bundle_is_an_amd_module_whose_constructor_yields_the_callbacks(tmp_path: Path) -> None:
    page = Page(linked(tmp_path, {"script": ENTRY, "lib": LIB}))
    assert page.value("defined") == ["jquery"]
    assert page.value("typeof Widget") == "function"
    page.ctx.eval("Widget.prototype.tag = 'amo'; var w = new Widget ();")
    assert page.value("w instanceof Widget") is True
    assert page.value("w.callbacks.tag") == "amo"
    assert page.value("w.callbacks.sum") == 42
    assert page.value("w.callbacks.render ()") is True


def test_the_entry_function_runs_once_per_widget_and_modules_once_per_bundle(tmp_path: Path) -> None:
    page = Page(linked(tmp_path, {"script": ENTRY, "lib": LIB}))
    assert page.value("order") == ["lib"]
    page.ctx.eval("new Widget (); new Widget ();")
    assert page.value("order") == ["lib", "script", "script"]


def test_modules_run_in_dependency_order(tmp_path: Path) -> None:
    modules = {
        "script": """
            import {c} from './c.js';
            import * as A from './a.js';
            order.push ('script');
            export var make_callbacks = function (widget) { return {c: c, a: A.a}; };
        """,
        "c": "import {b} from './b.js';\norder.push ('c');\nexport var c = b + 'c';",
        "b": "import {a} from './a.js';\norder.push ('b');\nexport var b = a + 'b';",
        "a": "order.push ('a');\nexport var a = 'a';",
    }
    bundle = linked(tmp_path, modules, dev=True)
    page = Page(bundle)
    assert page.value("order") == ["a", "b", "c", "script"]
    assert page.value("new Widget ().callbacks") == {"c": "abc", "a": "a"}
    positions = [bundle.index(f"// ---- module {name}\n") for name in ("a", "b", "c", "script")]
    assert positions == sorted(positions)


@pytest.mark.parametrize(
    ("a_imports_b", "b_imports_a"),
    [
        ("import * as B from './b.js';", "import * as A from './a.js';"),
        ("import {by} from './b.js';\nvar B = {by: by};", "import * as A from './a.js';"),
    ],
    ids=["both-namespace", "named-then-namespace"],
)
def test_a_cycle_through_a_namespace_import_works(tmp_path: Path, a_imports_b: str, b_imports_a: str) -> None:
    modules = {
        "script": """
            import {get_b} from './a.js';
            import {get_a} from './b.js';
            export var make_callbacks = function (widget) { return {b: get_b (), a: get_a ()}; };
        """,
        "a": f"{a_imports_b}\nexport var ax = 'from a';\nexport var get_b = function () {{ return B.by; }};",
        "b": f"{b_imports_a}\nexport var by = 'from b';\nexport var get_a = function () {{ return A.ax; }};",
    }
    page = Page(linked(tmp_path, modules))
    assert page.value("new Widget ().callbacks") == {"b": "from b", "a": "from a"}


def test_a_cycle_through_named_imports_is_refused(tmp_path: Path) -> None:
    modules = {
        "script": "import {x} from './a.js';\nexport var make_callbacks = function (w) { return x; };",
        "a": "import {y} from './b.js';\nexport var x = 1;",
        "b": "import {x} from './a.js';\nexport var y = 2;",
    }
    with pytest.raises(BuildError) as info:
        linked(tmp_path, modules)
    assert Path(info.value.path).name == "b.js"
    assert "import cycle through a named import of a.js" in info.value.problem


def test_importing_a_name_the_module_does_not_export_is_refused(tmp_path: Path) -> None:
    modules = {
        "script": ("import {helper, missing} from './lib.js';\n"
                   "export var make_callbacks = function (w) { return 1; };"),
        "lib": LIB,
    }
    with pytest.raises(BuildError) as info:
        linked(tmp_path, modules)
    assert Path(info.value.path).name == "script.js"
    assert "imports 'missing' from lib.js, which does not export it" in info.value.problem


@pytest.mark.parametrize(
    ("line", "fragment"),
    [
        ("export default make_callbacks;", "unknown import/export form"),
        ("import x from './lib.js';", "unknown import/export form"),
        ("export * from './lib.js';", "unknown import/export form"),
        ("import {helper} from \"./lib.js\";", "unknown import/export form"),
        ("import {helper} from 'https://cdn.example.com/lib.js';", "unknown import/export form"),
        ("import './lib.js';", "unknown import/export form"),
        ("export {helper as};", "cannot read the name 'helper as'"),
    ],
)
def test_an_unknown_import_or_export_form_is_refused_with_its_line(
    tmp_path: Path, line: str, fragment: str
) -> None:
    entry = (f"var __name__ = '__main__';\n{line}\n"
             "export var make_callbacks = function (w) { return 1; };")
    with pytest.raises(BuildError) as info:
        linked(tmp_path, {"script": entry, "lib": LIB})
    assert Path(info.value.path).name == "script.js"
    assert info.value.line == 3  # the Transcrypt header is line 1
    assert fragment in info.value.problem
    if fragment.startswith("unknown"):
        assert info.value.problem.endswith(line)


def test_a_missing_module_file_is_refused(tmp_path: Path) -> None:
    entry = "import {x} from './nowhere.js';\nexport var make_callbacks = function (w) { return x; };"
    with pytest.raises(BuildError) as info:
        linked(tmp_path, {"script": entry})
    assert Path(info.value.path).name == "nowhere.js"
    assert "'nowhere' is imported but Transcrypt did not emit it" in info.value.problem


def test_a_missing_entry_export_is_refused(tmp_path: Path) -> None:
    with pytest.raises(BuildError) as info:
        linked(tmp_path, {"script": ENTRY, "lib": LIB}, export="create")
    assert Path(info.value.path).name == "script.js"
    assert "does not define 'create'" in info.value.problem


def test_export_lists_with_renames(tmp_path: Path) -> None:
    modules = {
        "script": """
            import {one, deux} from './lib.js';
            export var make_callbacks = function (w) { return [one, deux, typeof two]; };
        """,
        "lib": "var one = 1;\nvar two = 2;\nexport {one, two as deux};",
    }
    assert Page(linked(tmp_path, modules)).value("new Widget ().callbacks") == [1, 2, "undefined"]


def test_unused_named_imports_are_pruned(tmp_path: Path) -> None:
    modules = {
        "script": """
            import {helper, base, unused_name, other} from './lib.js';
            export var make_callbacks = function (w) { return helper (base) + w.other; };
        """,
        "lib": LIB + "export var unused_name = 1;\nexport var other = 2;",
    }
    bundle = linked(tmp_path, modules)
    assert "var helper = __m_lib.helper;" in bundle
    assert "var base = __m_lib.base;" in bundle
    assert "unused_name = __m_lib" not in bundle
    assert "var other = __m_lib" not in bundle  # `w.other` is a property, not the import
    page = Page(bundle)
    page.ctx.eval("Widget.prototype.other = 100;")
    assert page.value("new Widget ().callbacks") == 142


def test_an_import_used_only_in_a_spread_is_kept(tmp_path: Path) -> None:
    modules = {
        "script": """
            import {count, py_items} from './lib.js';
            export var make_callbacks = function (w) { return count (...py_items); };
        """,
        "lib": ("export var py_items = [1, 2, 3];\n"
                "export var count = function () { return arguments.length; };"),
    }
    assert Page(linked(tmp_path, modules)).value("new Widget ().callbacks") == 3


def test_the_header_and_source_map_comments_are_dropped(tmp_path: Path) -> None:
    bundle = linked(tmp_path, {"script": ENTRY, "lib": LIB}, dev=True)
    assert "Transcrypt'ed from Python" not in bundle
    assert "sourceMappingURL" not in bundle
    assert "2026-11-26" not in bundle


def test_the_bundle_has_no_import_or_export_statements(tmp_path: Path) -> None:
    bundle = linked(tmp_path, {"script": ENTRY, "lib": LIB})
    lines = bundle.splitlines()
    assert [line for line in lines if line.startswith(("import ", "export "))] == []
    assert "function helper (x) {" in lines


def test_linking_is_deterministic(tmp_path: Path) -> None:
    first = link(target(tmp_path / "one", {"script": ENTRY, "lib": LIB}), "script", "make_callbacks", False)
    second = link(target(tmp_path / "two", {"script": ENTRY, "lib": LIB}), "script", "make_callbacks", False)
    assert first == second


PROTOTYPE_CHANGES = """
order.push ('patch');
Array.prototype.__extra__ = function () { return 'extra'; };
String.prototype.__extra__ = function () { return 'text'; };
export var make_callbacks = function (w) { return 1; };
"""


def test_plain_assignments_to_prototypes_are_enumerable_without_the_linker() -> None:
    """The premise of the next test: in plain JavaScript the additions show in for-in."""
    ctx = quickjs.Context()
    ctx.eval("Array.prototype.__extra__ = function () {};")
    assert json.loads(ctx.eval("var k = []; for (var key in [1]) k.push (key); JSON.stringify (k)")) == [
        "0", "__extra__"]


def test_prototype_additions_become_non_enumerable_after_load(tmp_path: Path) -> None:
    page = Page(linked(tmp_path, {"script": PROTOTYPE_CHANGES}))
    assert page.value("order") == ["patch"]
    assert page.value("(function () { var k = []; for (var key in [1]) k.push (key); return k; })"
                      " ()") == ["0"]
    assert page.value("(function () { var k = []; for (var key in Object ('a')) k.push (key); return k; })"
                      " ()") == ["0"]
    assert page.value("[1].__extra__ ()") == "extra"
    assert page.value("'a'.__extra__ ()") == "text"


def test_the_runtime_is_patched_so_its_getters_can_be_hidden(tmp_path: Path) -> None:
    modules = {
        "script": """
            import {len, __envir__} from './org.transcrypt.__runtime__.js';
            export var make_callbacks = function (w) { return [len ([1, 2]), 'hi'.shout, [7].__first__ ()]; };
        """,
        RUNTIME_MODULE: RUNTIME,
    }
    bundle = linked(tmp_path, modules)
    assert ("function __setproperty__ (anObject, name, descriptor) {\n"
            "    descriptor.configurable = true;") in bundle
    page = Page(bundle)
    assert page.value("new Widget ().callbacks") == [2, "hi!", 7]
    assert page.value("(function () { var k = []; for (var key in Object ('a')) k.push (key); return k; })"
                      " ()") == ["0"]
    assert page.value("(function () { var k = []; for (var key in [1]) k.push (key); return k; })"
                      " ()") == ["0"]


def test_a_runtime_without_the_expected_setproperty_is_refused(tmp_path: Path) -> None:
    modules = {
        "script": "import {len} from './org.transcrypt.__runtime__.js';\n"
                  "export var make_callbacks = function (w) { return len ([]); };",
        RUNTIME_MODULE: RUNTIME.replace("(anObject, name, descriptor)", "(obj, name, descriptor)"),
    }
    with pytest.raises(BuildError) as info:
        linked(tmp_path, modules)
    assert Path(info.value.path).name == f"{RUNTIME_MODULE}.js"
    assert "__setproperty__ not found" in info.value.problem


REPLACES_A_BUILTIN = """
Array.prototype.indexOf = function () { return -2; };
export var make_callbacks = function (w) { return 1; };
"""


def test_dev_bundles_warn_about_replaced_builtins(tmp_path: Path) -> None:
    page = Page(linked(tmp_path / "dev", {"script": REPLACES_A_BUILTIN}, dev=True))
    warnings = page.value("warnings")
    assert len(warnings) == 1
    assert warnings[0].endswith("built-in prototypes: indexOf")


def test_prod_bundles_do_not_warn(tmp_path: Path) -> None:
    page = Page(linked(tmp_path / "prod", {"script": REPLACES_A_BUILTIN}, dev=False))
    assert page.value("warnings") == []


def test_unused_functions_and_their_exports_are_dropped(tmp_path: Path) -> None:
    bundle = linked(tmp_path, {
        "script": """
            import {used_directly} from './lib.js';
            var __name__ = '__main__';
            export var make_callbacks = function (widget) { return {value: used_directly ()}; };
        """,
        "lib": """
            var __name__ = 'lib';
            export function used_directly () { return used_inside () + by_side_effect_only (); }
            export var used_inside = function () { return 40; };
            export var by_side_effect_only = function () { return 2; };
            Array.prototype.__lib__ = function () { return by_side_effect_only (); };
            export function never_used () { return 'dead code'; }
            export var NeverUsedClass = __class__ ('NeverUsedClass', [], {});
            export var counter = compute_at_load ();
            function compute_at_load () { return 7; }
        """,
    })
    assert "dead code" not in bundle
    assert "NeverUsedClass" not in bundle
    page = Page(bundle)
    assert page.value("new Widget ().callbacks.value") == 42
    # a variable with an initialiser may have side effects: it stays, and so does what it calls
    assert "compute_at_load ()" in bundle


def test_only_imported_names_get_export_getters(tmp_path: Path) -> None:
    bundle = linked(tmp_path, {"script": ENTRY, "lib": LIB + "\nexport var unused_value = 5;"})
    lib = bundle.split("// ---- module lib")[1].split("// ---- module")[0]
    getters = lib.split("__export__ (__m_lib, {")[1].split("});")[0]
    assert "helper:" in getters and "base:" in getters
    assert "unused_value" not in getters
    assert "var unused_value = 5;" in lib  # a value assignment is kept: it could have side effects
