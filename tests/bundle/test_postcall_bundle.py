"""postcall.js loaded after script.js in one page (QuickJS): two Transcrypt runtimes side by side."""

from __future__ import annotations

import json

import quickjs

from tests.support.builds import BuiltWidget
from tests.support.bundle_harness import Harness, ok, settings_text

PROTOTYPES = ["Array", "String", "Function", "Number", "Boolean", "Object", "RegExp", "Date", "Promise"]
SNAPSHOT = ("""
JSON.stringify((function () {
    var out = {};
    [%s].forEach(function (name) {
        var proto = globalThis[name].prototype;
        Object.getOwnPropertyNames(proto).forEach(function (key) {
            var d = Object.getOwnPropertyDescriptor(proto, key);
            var value = 'value' in d ? d.value : d.get;
            var id = globalThis.__ids.indexOf(value);
            if (id < 0) { globalThis.__ids.push(value); id = globalThis.__ids.length - 1; }
            out[name + '.' + key] = [id, d.enumerable, d.configurable];
        });
    });
    return out;
})())
""").replace("%s", ", ".join(f"'{p}'" for p in PROTOTYPES))


def load_card(ctx: quickjs.Context, widget: BuiltWidget) -> None:
    ctx.eval("var __define = globalThis.define;"
             "globalThis.define = function (deps, f) { globalThis.Card = f({}); };")
    ctx.eval(widget.text("postcall.js"))
    ctx.eval("globalThis.define = __define;")


def test_loading_the_card_changes_no_builtin_and_adds_no_global(prod_widget: BuiltWidget) -> None:
    """Catches the card's runtime replacing script.js's (Array.prototype.__class__ would then be
    another ``list``, and script.js's isinstance(x, list) false for every array)."""
    ctx = quickjs.Context()
    ctx.eval("globalThis.__ids = []; var define = function (deps, f) { globalThis.W = f({}); };")
    ctx.eval(prod_widget.script)
    before = json.loads(ctx.eval(SNAPSHOT))
    names = json.loads(ctx.eval("JSON.stringify(Object.getOwnPropertyNames(globalThis).sort())"))
    load_card(ctx, prod_widget)
    assert json.loads(ctx.eval(SNAPSHOT)) == before
    after = json.loads(ctx.eval("JSON.stringify(Object.getOwnPropertyNames(globalThis).sort())"))
    assert sorted(set(after) - set(names)) == ["Card", "__define"]
    assert ctx.eval("typeof Card.start") == "function"


def test_the_card_loads_alone_too_and_hides_its_runtime(prod_widget: BuiltWidget) -> None:
    ctx = quickjs.Context()
    ctx.eval("var define = function (deps, f) { globalThis.Card = f({}); };")
    ctx.eval(prod_widget.text("postcall.js"))
    keys = ctx.eval("var k = []; for (var a in []) k.push(a); for (var s in new String('')) k.push(s);"
                    "JSON.stringify(k)")
    assert json.loads(keys) == []


def test_script_js_keeps_working_after_the_card_loaded(dev_widget: BuiltWidget) -> None:
    page = Harness(dev_widget, settings_text())
    load_card(page.ctx, dev_widget)
    page.start()
    page.respond(page.polls()[0], ok({"status": "NOT_CONVERSATION"}))
    page.advance(1500)
    assert page.methods() == ["get_agent_status", "get_agent_status"]
    assert page.log("errors") == []
