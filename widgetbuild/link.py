"""Link Transcrypt's ES modules into AMD bundles, ``script.js`` and ``postcall.js`` (no Node, no bundler).

Transcrypt writes one ES module per Python module into ``__target__`` using a handful of
one-line import/export forms (docs/transcrypt.md §2). The linker gives every module its own
function scope, runs the modules in dependency order and wires imports to exports through
per-module namespace objects whose getters are live (so ``import * as`` cycles, which
Transcrypt's own stdlib has, behave as in ES modules). Anything it does not understand is
a build error, never a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from widgetbuild.errors import BuildError

_IDENT = r"[A-Za-z_$][\w$]*"
_SPEC = r"'\./([^']+)\.js'"
_NAMED_IMPORT = re.compile(rf"^import \{{([^}}]*)\}} from {_SPEC};\s*$")
_NAMESPACE_IMPORT = re.compile(rf"^import \* as ({_IDENT}) from {_SPEC};\s*$")
_EXPORT_DECL = re.compile(rf"^export (var|let|const|function|async function|class) ({_IDENT})")
_EXPORT_LIST = re.compile(r"^export \{([^}]*)\};?\s*$")
_SOURCE_MAP = re.compile(r"^//# sourceMappingURL=")
_HEADER = re.compile(r"^// Transcrypt'ed from Python")
_REFERENCE = re.compile(rf"(?:(?<![\w$.])|(?<=\.\.\.)){_IDENT}")
_AS = re.compile(rf"^({_IDENT})(?:\s+as\s+({_IDENT}))?$")

RUNTIME_MODULE = "org.transcrypt.__runtime__"

# Built-in prototypes Transcrypt's runtime extends; the bundle hides its additions from for-in.
_PROTOTYPES = ("Array", "String", "Function", "Number", "Boolean", "Object", "RegExp", "Date", "Promise")


@dataclass
class Module:
    """One parsed Transcrypt module."""

    name: str
    body: list[str] = field(default_factory=list)
    exports: dict[str, str] = field(default_factory=dict)  # exported name -> local name
    named_imports: list[tuple[str, str, str]] = field(default_factory=list)  # (module, name, local)
    namespace_imports: list[tuple[str, str]] = field(default_factory=list)  # (module, local)

    @property
    def dependencies(self) -> list[str]:
        """The modules this one imports, each once, in order of appearance."""
        deps = [m for m, _, _ in self.named_imports] + [m for m, _ in self.namespace_imports]
        return list(dict.fromkeys(deps))


def _split_names(text: str, path: Path, lineno: int) -> list[tuple[str, str]]:
    pairs = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        match = _AS.match(part)
        if not match:
            raise BuildError(path, f"cannot read the name {part!r} in an import/export list", lineno)
        pairs.append((match.group(1), match.group(2) or match.group(1)))
    return pairs


def parse_module(name: str, path: Path) -> Module:
    """Parse one emitted module, separating its import/export lines from its code."""
    module = Module(name)
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if _HEADER.match(line) or _SOURCE_MAP.match(line):
            continue  # the header carries a timestamp: dropping it keeps builds byte-identical
        if match := _NAMED_IMPORT.match(line):
            for exported, local in _split_names(match.group(1), path, lineno):
                module.named_imports.append((match.group(2), exported, local))
        elif match := _NAMESPACE_IMPORT.match(line):
            module.namespace_imports.append((match.group(2), match.group(1)))
        elif match := _EXPORT_DECL.match(line):
            module.exports[match.group(2)] = match.group(2)
            module.body.append(line[len("export ") :])
        elif match := _EXPORT_LIST.match(line):
            for local, exported in _split_names(match.group(1), path, lineno):
                module.exports[exported] = local
        elif line.startswith(("import ", "import{", "export ", "export{", "export*")):
            raise BuildError(path, f"unknown import/export form (the linker refuses to guess): {line[:120]}",
                             lineno)
        else:
            module.body.append(line)
    return module


def _patch_runtime(module: Module, path: Path) -> None:
    """Let the bundle hide the runtime's additions to built-in prototypes.

    The runtime defines ``String.prototype.format`` through ``__setproperty__`` as an
    enumerable, non-configurable getter, which could never be hidden afterwards; making the
    descriptors it defines configurable lets :func:`link` re-define them non-enumerable.
    """
    anchor = "function __setproperty__ (anObject, name, descriptor) {"
    if anchor not in module.body:
        raise BuildError(path, "the Transcrypt runtime changed: __setproperty__ not found "
                               "(the linker expects 3.9.5)")
    module.body.insert(module.body.index(anchor) + 1, "    descriptor.configurable = true;")


def _load_graph(target_dir: Path, entry: str) -> dict[str, Module]:
    modules: dict[str, Module] = {}
    pending = [entry]
    while pending:
        name = pending.pop()
        if name in modules:
            continue
        path = target_dir / f"{name}.js"
        if not path.is_file():
            raise BuildError(path, f"module {name!r} is imported but Transcrypt did not emit it")
        modules[name] = parse_module(name, path)
        if name == RUNTIME_MODULE:
            _patch_runtime(modules[name], path)
        pending.extend(modules[name].dependencies)
    return modules


def _check_imports(modules: dict[str, Module], target_dir: Path) -> None:
    for module in modules.values():
        for source, exported, _ in module.named_imports:
            if exported not in modules[source].exports:
                raise BuildError(
                    target_dir / f"{module.name}.js",
                    f"imports {exported!r} from {source}.js, which does not export it "
                    "(a relative import, or a name missing from that module?)",
                )


def _order(modules: dict[str, Module], entry: str, target_dir: Path) -> list[str]:
    """Dependencies first (depth-first post-order); cycles only through ``import * as``."""
    order: list[str] = []
    state: dict[str, str] = {}

    def visit(name: str, via_named: bool, importer: str) -> None:
        if state.get(name) == "done":
            return
        if state.get(name) == "active":
            if via_named:
                raise BuildError(
                    target_dir / f"{importer}.js",
                    f"import cycle through a named import of {name}.js: break the cycle or import the module",
                )
            return  # a namespace import: its getters resolve once the cycle has run
        state[name] = "active"
        module = modules[name]
        named = {m for m, _, _ in module.named_imports}
        for dep in module.dependencies:
            visit(dep, dep in named, name)
        state[name] = "done"
        order.append(name)

    visit(entry, False, entry)
    return order


def _ns(name: str) -> str:
    return "__m_" + re.sub(r"\W", "_", name)


def _references(body: str) -> set[str]:
    """The names a module body uses: every identifier except properties (``x.name``).

    A spread (``...name``) is a use. Names inside strings count too, which only ever keeps
    something that could have gone.
    """
    return set(_REFERENCE.findall(body))


# Top-level definitions without side effects: the only statements the linker may drop.
_PURE_DEFINITION = re.compile(
    rf"^(?:(?:async\s+)?function\*?\s*({_IDENT})\s*\("
    rf"|var ({_IDENT}) = (?:(?:async\s+)?function\b|__class__ \())"
)


def _statements(body: list[str]) -> list[list[str]]:
    """Top-level statements: each starts at column 0 (Transcrypt indents everything inside)."""
    statements: list[list[str]] = []
    for line in body:
        starts = bool(line) and not line[0].isspace() and not line.startswith(("}", ")", "]", "//"))
        if starts or not statements:
            statements.append([])
        statements[-1].append(line)
    return statements


def _wanted_exports(modules: dict[str, Module], entry: str, export: str) -> dict[str, set[str] | None]:
    """Per module, the exports that other modules use (None: all of them, for ``import * as``)."""
    wanted: dict[str, set[str] | None] = {name: set() for name in modules}
    wanted[entry] = {export}
    for module in modules.values():
        used = _references("\n".join(module.body))
        for source, exported, local in module.named_imports:
            names = wanted[source]
            if names is not None and local in used:
                names.add(exported)
        for source, _ in module.namespace_imports:
            wanted[source] = None
    return wanted


def _drop_unused(module: Module, wanted: set[str] | None) -> None:
    """Remove the module's functions and classes that nothing reachable uses, and their exports.

    Transcrypt's runtime defines ~150 helpers of which a widget uses about half; every other
    statement (prototype extensions, variables with initialisers) is kept as it is.
    """
    if wanted is None:
        return
    statements = _statements(module.body)
    definitions: dict[str, list[int]] = {}
    roots = {module.exports[name] for name in wanted}
    for index, statement in enumerate(statements):
        match = _PURE_DEFINITION.match(statement[0])
        if match:
            definitions.setdefault(match.group(1) or match.group(2), []).append(index)
        else:
            roots.update(_references("\n".join(statement)))
    kept: set[str] = set()
    pending = [name for name in roots if name in definitions]
    while pending:
        name = pending.pop()
        if name in kept:
            continue
        kept.add(name)
        for index in definitions[name]:
            pending += [n for n in _references("\n".join(statements[index])) if n in definitions]
    dropped = {index for name, indexes in definitions.items() if name not in kept for index in indexes}
    module.body = [line for index, statement in enumerate(statements) if index not in dropped
                   for line in statement]
    module.exports = {exp: local for exp, local in module.exports.items()
                      if exp in wanted and (local in kept or local not in definitions)}


def _module_js(module: Module) -> str:
    body = "\n".join(module.body).strip("\n")
    used = _references(body)
    header = []
    for source, exported, local in module.named_imports:
        # Transcrypt imports ~150 runtime names into every module; keep only the used ones.
        if local in used:
            header.append(f"var {local} = {_ns(source)}.{exported};")
    for source, local in module.namespace_imports:
        header.append(f"var {local} = {_ns(source)};")
    getters = ", ".join(f"{exp}: function () {{ return {loc}; }}"
                        for exp, loc in sorted(module.exports.items()))
    lines = [f"// ---- module {module.name}", "(function () {",
             f"__export__ ({_ns(module.name)}, {{{getters}}});"]
    lines += header + [body, "}) ();"]
    return "\n".join(lines)


_PRELUDE = """\
'use strict';
function __export__ (ns, getters) {
    Object.keys (getters).forEach (function (key) {
        Object.defineProperty (ns, key, {get: getters [key], enumerable: true});
    });
}
function __builtins_snapshot__ () {
    return [%(protos)s].map (function (proto) {
        var own = {};
        Object.getOwnPropertyNames (proto).forEach (function (key) {
            var d = Object.getOwnPropertyDescriptor (proto, key);
            own [key] = 'value' in d ? d.value : d.get;
        });
        return {proto: proto, own: own};
    });
}
// Transcrypt's runtime adds enumerable methods to built-in prototypes, which every for-in
// of the host page would then see; make them non-enumerable and report replaced ones.
function __hide_builtin_changes__ (snapshot) {
    var replaced = [];
    snapshot.forEach (function (entry) {
        Object.getOwnPropertyNames (entry.proto).forEach (function (key) {
            var d = Object.getOwnPropertyDescriptor (entry.proto, key);
            var now = 'value' in d ? d.value : d.get;
            if (Object.prototype.hasOwnProperty.call (entry.own, key) && entry.own [key] === now) {
                return;
            }
            if (Object.prototype.hasOwnProperty.call (entry.own, key)) {
                replaced.push (key);
            }
            if (d.enumerable && d.configurable) {
                d.enumerable = false;
                Object.defineProperty (entry.proto, key, d);
            }
        });
    });
    return replaced;
}
var __builtins_before__ = __builtins_snapshot__ ();
"""


def _linked_modules(target_dir: Path, entry: str, export: str) -> tuple[list[str], dict[str, Module]]:
    modules = _load_graph(target_dir, entry)
    _check_imports(modules, target_dir)
    if export not in modules[entry].exports:
        raise BuildError(target_dir / f"{entry}.js", f"the entry module does not define {export!r}")
    order = _order(modules, entry, target_dir)
    for name, wanted in _wanted_exports(modules, entry, export).items():
        _drop_unused(modules[name], wanted)
    return order, modules


def link(target_dir: Path, entry: str, export: str, dev: bool) -> str:
    """Link the modules reachable from ``entry`` into one AMD module returning ``Widget``.

    ``Widget`` is a plain constructor: amoCRM injects its widget methods into
    ``Widget.prototype`` and calls ``new Widget()``; the constructor hands ``this`` (amoCRM's
    widget object) to the Python function ``entry.export`` and stores what it returns as
    ``this.callbacks``.
    """
    order, modules = _linked_modules(target_dir, entry, export)
    protos = ", ".join(f"{p}.prototype" for p in _PROTOTYPES)
    parts = ["define (['jquery'], function ($) {", _PRELUDE % {"protos": protos}]
    parts.append("var " + ", ".join(f"{_ns(name)} = {{}}" for name in order) + ";")
    parts += [_module_js(modules[name]) for name in order]
    warn = (
        "if (__replaced__.length) { console.warn ('AsteriskNG: the Transcrypt runtime replaced these methods "
        "the page had already defined on built-in prototypes: ' + __replaced__.join (', ')); }"
    )
    parts.append("var __replaced__ = __hide_builtin_changes__ (__builtins_before__);")
    if dev:
        parts.append(warn)
    parts.append(
        "function Widget () {\n"
        f"    this.callbacks = {_ns(entry)}.{export} (this);\n"
        "    return this;\n"
        "}\n"
        "return Widget;\n"
        "});\n"
    )
    return "\n".join(parts)


_LAZY_PRELUDE = """\
'use strict';
function __export__ (ns, getters) {
    Object.keys (getters).forEach (function (key) {
        Object.defineProperty (ns, key, {get: getters [key], enumerable: true});
    });
}
var __builtins_before__ = [%(protos)s].map (function (proto) {
    var own = {};
    Object.getOwnPropertyNames (proto).forEach (function (key) {
        own [key] = Object.getOwnPropertyDescriptor (proto, key);
    });
    return {proto: proto, own: own};
});
// This bundle carries its own copy of the Transcrypt runtime, which re-extends the built-in
// prototypes script.js's runtime already extended. Put back every property that existed before
// (script.js keeps its own runtime's methods, e.g. Array.prototype.__class__ stays its list) and
// hide new ones from for-in: loading this bundle changes no built-in the page or script.js sees.
function __restore_builtins__ () {
    __builtins_before__.forEach (function (entry) {
        Object.getOwnPropertyNames (entry.proto).forEach (function (key) {
            var d = Object.getOwnPropertyDescriptor (entry.proto, key);
            var old = entry.own [key];
            if (old) {
                if (d.configurable && (old.value !== d.value || old.get !== d.get || old.set !== d.set
                        || old.enumerable !== d.enumerable)) {
                    Object.defineProperty (entry.proto, key, old);
                }
            }
            else if (d.enumerable && d.configurable) {
                d.enumerable = false;
                Object.defineProperty (entry.proto, key, d);
            }
        });
    });
}
"""


def link_lazy(target_dir: Path, entry: str, export: str) -> str:
    """Link ``entry`` into an AMD module loaded on demand by script.js, returning ``{export: fn}``.

    The bundle has its own (pruned) copy of the runtime and of the modules it shares with
    script.js; nothing but plain JavaScript values crosses between the two. The runtime's
    changes to built-in prototypes are undone once the modules have run: script.js's runtime
    made the same ones when it loaded.
    """
    order, modules = _linked_modules(target_dir, entry, export)
    protos = ", ".join(f"{p}.prototype" for p in _PROTOTYPES)
    parts = ["define (['jquery'], function ($) {", _LAZY_PRELUDE % {"protos": protos}]
    parts.append("var " + ", ".join(f"{_ns(name)} = {{}}" for name in order) + ";")
    parts.append("try {")
    parts += [_module_js(modules[name]) for name in order]
    parts.append("} finally { __restore_builtins__ (); }")
    parts.append(f"return {{{export}: {_ns(entry)}.{export}}};\n}});\n")
    return "\n".join(parts)
