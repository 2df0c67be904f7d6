"""The widget's stylesheet check: every selector stays inside the widget."""

from __future__ import annotations

from pathlib import Path

import pytest

from widgetbuild.errors import BuildError
from widgetbuild.styles import check_scoped, load_styles

PATH = Path("blank/widget.css")


@pytest.mark.parametrize("css", [
    ".asng-panel { color: red; }",
    "a.asng-link, .asng-x .asng-y > span { color: red; }",
    "@media (max-width: 600px) { .asng-panel { width: 100%; } }",
    "@keyframes asng-spin { from { opacity: 0; } to { opacity: 1; } }",
    "/* button { } */ .asng-a { }",
    ".asng-a { color: red; background: url(a.png); }\n",
])
def test_scoped_styles_pass(css: str) -> None:
    check_scoped(css, PATH)


@pytest.mark.parametrize(("css", "line", "fragment"), [
    ("button { color: red; }", 1, "'button'"),
    (".asng-a { }\n.other, .asng-b { }", 2, "'.other'"),
    (".asng-a ~ div { }", 1, "siblings"),
    (".asng-a + * { }", 1, "siblings"),
    ("@media print {\n  body { display: none; }\n}", 2, "'body'"),
    ("@keyframes spin { to { opacity: 1; } }", 1, "asng-*"),
    ("@import url(x.css);\n.asng-a { }", 1, "unsupported at-rule '@import'"),
    (".asng-a { }\n\n@import url(x.css);\n", 3, "unsupported at-rule '@import'"),
    (".asng-a { }\n@charset 'utf-8'", 2, "unsupported at-rule '@charset'"),
    (".asng-a { color: red; }\n@import 'x.css';\n.asng-b { }", 2, "unsupported at-rule '@import'"),
])
def test_unscoped_styles_fail_naming_the_line(css: str, line: int, fragment: str) -> None:
    with pytest.raises(BuildError) as caught:
        check_scoped(css, PATH)
    assert caught.value.path == str(PATH)
    assert caught.value.line == line
    assert fragment in caught.value.problem


def test_unbalanced_braces_fail() -> None:
    with pytest.raises(BuildError, match="not closed"):
        check_scoped(".asng-a { color: red;", PATH)
    with pytest.raises(BuildError, match="unbalanced"):
        check_scoped(".asng-a { } }", PATH)


def test_load_compacts_and_a_missing_file_fails(tmp_path: Path) -> None:
    css = tmp_path / "widget.css"
    css.write_text("/* note */\n.asng-a ,\n.asng-b  {\n  color : red ;\n}\n", encoding="utf-8")
    assert load_styles(css) == ".asng-a,.asng-b{color:red;}"
    with pytest.raises(BuildError, match="missing"):
        load_styles(tmp_path / "nope.css")
