"""The real script.js as amoCRM loads it: one AMD module returning a plain constructor."""

from __future__ import annotations

import json
import re

import quickjs

from tests.support.builds import BuiltWidget
from tests.support.bundle_harness import HARNESS, Harness, settings_text

CALLBACKS = ["render", "init", "bind_actions", "settings", "onSave", "destroy"]


def test_script_is_one_amd_module_depending_on_jquery_only(prod_widget: BuiltWidget) -> None:
    script = prod_widget.script
    assert script.startswith("define(['jquery'],function($){")
    assert script.rstrip().endswith("return Widget;});")
    assert re.search(r"(^|[;}\s])import\s*[{*]", script) is None
    assert re.search(r"(^|[;}\s])export\s", script) is None


def test_new_widget_returns_callbacks_that_all_return_true(prod_widget: BuiltWidget) -> None:
    page = Harness(prod_widget, settings_text())
    assert page.run("harness.ctorName()") == "function"
    widget = page.new_widget()
    assert page.value(f"Object.keys(harness.widgets[{widget}].callbacks).sort()") == sorted(CALLBACKS)
    for name in CALLBACKS:
        assert page.callback(widget, name) is True, name


def test_the_widget_object_handed_to_python_is_amocrms_instance(prod_widget: BuiltWidget) -> None:
    page = Harness(prod_widget, settings_text())
    page.start()
    # The only way the request can carry this user is through the injected prototype's system().
    assert page.envelope(0)["headers"]["amouser_email"] == "agent@example.com"


def test_loading_adds_no_enumerable_builtin_properties_and_no_globals(prod_widget: BuiltWidget) -> None:
    ctx = quickjs.Context()
    ctx.eval("var define = function (deps, f) { globalThis.W = f({}); };")
    before = json.loads(ctx.eval("JSON.stringify(Object.getOwnPropertyNames(globalThis).sort())"))
    ctx.eval(prod_widget.script)
    after = json.loads(ctx.eval("JSON.stringify(Object.getOwnPropertyNames(globalThis).sort())"))
    assert sorted(set(after) - set(before)) == ["W"]
    enumerable = ctx.eval(
        "var k = []; for (var a in []) k.push('Array.' + a);"
        " for (var s in new String('')) k.push('String.' + s);"
        "for (var o in {}) k.push('Object.' + o); for (var f in function () {}) k.push('Function.' + f);"
        "for (var n in new Number(1)) k.push('Number.' + n); JSON.stringify(k)"
    )
    assert json.loads(enumerable) == []


def test_runtime_methods_still_work_after_being_hidden(prod_widget: BuiltWidget) -> None:
    ctx = quickjs.Context()
    ctx.eval("var define = function (deps, f) { globalThis.W = f({}); };")
    ctx.eval(prod_widget.script)
    assert ctx.eval("'{} and {}'.format('a', 'b')") == "a and b"
    assert ctx.eval("[3, 1, 2].__class__ !== undefined") is True


def test_dev_build_warns_about_builtins_the_page_had_defined(dev_widget: BuiltWidget) -> None:
    ctx = quickjs.Context()
    ctx.eval(HARNESS)
    ctx.eval("String.prototype.format = function () { return 'host format'; };"
             "Array.prototype.remove = function () { return 'host remove'; };")
    ctx.eval(dev_widget.script)
    warnings = json.loads(ctx.eval(
        "JSON.stringify(harness.log.debug.filter(function (l) { return l[0] === 'warn'; }))"))
    assert len(warnings) == 1
    assert warnings[0][1].endswith("built-in prototypes: remove")
    # The runtime defines String.prototype.format only where the page has none: the page's stays.
    assert ctx.eval("'x'.format()") == "host format"


def test_widget_still_works_when_the_page_defined_format(dev_widget: BuiltWidget) -> None:
    page = Harness(dev_widget, settings_text(),
                   prelude="String.prototype.format = function () { return 'host'; };")
    page.start()
    page.respond(page.polls()[0], {"headers": {"status_code": "401"}})
    page.advance(500)
    assert page.methods() == ["get_agent_status", "get_agent_status"]
    assert page.requests()[page.polls()[1]]["url"] == "https://pbx.example.com/asterisk_ng?secret_key=AsteriskNG"


def test_prod_build_has_no_debug_logging(prod_widget: BuiltWidget, dev_widget: BuiltWidget) -> None:
    assert "console.debug" not in prod_widget.script
    assert "console.warn('[AsteriskNG]'" not in prod_widget.script
    assert "console.debug" in dev_widget.script


def test_dev_build_logs_callbacks_and_requests(dev_widget: BuiltWidget) -> None:
    page = Harness(dev_widget, settings_text())
    page.start()
    lines = [" ".join(line[1:]) for line in page.log("debug") if line[0] == "debug"]
    assert any("callback render" in line for line in lines)
    assert any("→ get_agent_status" in line for line in lines)
