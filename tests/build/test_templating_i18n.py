"""Jinja+JSON templates (widgetbuild/templating.py) and locale checks (widgetbuild/i18n.py)."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from widgetbuild.errors import BuildError
from widgetbuild.i18n import check_code_keys, code_keys, flatten, load_locales
from widgetbuild.templating import render_json

CONTEXT = {"version": "1.2.3", "settings_field": "jsonSettings", "platform": "amoCRM",
           "locales": ["ru", "en"]}


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def build_error(function, *args) -> BuildError:  # type: ignore[no-untyped-def]
    with pytest.raises(BuildError) as info:
        function(*args)
    return info.value


# --- render_json --------------------------------------------------------------------------------


def test_render_json_fills_in_the_context(tmp_path: Path) -> None:
    path = write(tmp_path / "t.json", """
        {"version": {{ version | json }}, "name": "system.{{ settings_field }}",
         {{ settings_field | json }}: "Настройки"}
    """)
    assert render_json(path, CONTEXT) == {"version": "1.2.3", "name": "system.jsonSettings",
                                          "jsonSettings": "Настройки"}


def test_the_json_filter_escapes_quotes(tmp_path: Path) -> None:
    path = write(tmp_path / "t.json", '{"v": {{ version | json }}}')
    assert render_json(path, {"version": 'a"b'}) == {"v": 'a"b'}


def test_invalid_json_is_reported_with_its_line(tmp_path: Path) -> None:
    path = write(tmp_path / "en.json", '{\n  "a": "x",\n  "b": "y",,\n  "c": "z"\n}\n')
    error = build_error(render_json, path, CONTEXT)
    assert error.path == str(path)
    assert error.line == 3
    assert error.problem.startswith("invalid JSON after rendering: ")


def test_a_byte_order_mark_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "ru.json"
    path.write_bytes('\ufeff{"a": "b"}'.encode())
    error = build_error(render_json, path, CONTEXT)
    assert error.path == str(path)
    assert "byte-order mark" in error.problem


def test_non_utf8_text_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "ru.json"
    path.write_bytes('{"a": "Привет"}'.encode("cp1251"))
    error = build_error(render_json, path, CONTEXT)
    assert error.path == str(path)
    assert error.problem.startswith("not UTF-8 text")


def test_a_missing_template_is_refused(tmp_path: Path) -> None:
    error = build_error(render_json, tmp_path / "nothing.json", CONTEXT)
    assert (error.path, error.problem) == (str(tmp_path / "nothing.json"), "file is missing")


def test_an_undefined_variable_is_refused_by_name(tmp_path: Path) -> None:
    path = write(tmp_path / "manifest.json.j2", '{\n  "name": "system.{{ settings_feild }}"\n}\n')
    error = build_error(render_json, path, CONTEXT)
    assert error.path == str(path)
    assert "unknown variable" in error.problem
    assert "'settings_feild'" in error.problem


def test_an_undefined_variable_through_the_json_filter_is_refused_by_name(tmp_path: Path) -> None:
    path = write(tmp_path / "manifest.json.j2", '{\n  "v": {{ verison | json }}\n}\n')
    error = build_error(render_json, path, CONTEXT)
    assert error.path == str(path)
    assert "'verison'" in error.problem


def test_a_jinja_syntax_error_is_reported_with_its_line(tmp_path: Path) -> None:
    path = write(tmp_path / "manifest.json.j2", '{\n  "a": 1,\n  "v": {{ version | json }\n}\n')
    error = build_error(render_json, path, CONTEXT)
    assert error.path == str(path)
    assert error.line == 3
    assert error.problem.startswith("template syntax error: ")


def test_an_unclosed_block_is_a_syntax_error(tmp_path: Path) -> None:
    path = write(tmp_path / "manifest.json.j2", '{% if version %}\n{"a": 1}\n')
    error = build_error(render_json, path, CONTEXT)
    assert error.problem.startswith("template syntax error: ")
    assert error.line is not None


# --- flatten / load_locales ---------------------------------------------------------------------


def test_flatten_gives_dotted_keys() -> None:
    tree = {"widget": {"name": "AsteriskNG", "deep": {"er": "x"}}, "top": "t"}
    assert flatten(tree, Path("en.json")) == {"widget.name": "AsteriskNG", "widget.deep.er": "x", "top": "t"}


@pytest.mark.parametrize(
    ("tree", "problem"),
    [
        ({"a": {"b": 1}}, "a.b must be a text or an object, not int"),
        ({"a": ["x"]}, "a must be a text or an object, not list"),
        ({"a": None}, "a must be a text or an object, not NoneType"),
        ({"a": True}, "a must be a text or an object, not bool"),
        (["x"], "the top level must be a JSON object of texts"),
    ],
)
def test_non_text_leaves_are_refused(tree: object, problem: str) -> None:
    error = build_error(flatten, tree, Path("i18n/en.json"))
    assert (error.path, error.problem) == ("i18n/en.json", problem)


def test_load_locales_renders_every_locale(tmp_path: Path) -> None:
    write(tmp_path / "i18n" / "en.json", '{"system": {{ "{" }}{{ settings_field | json }}: "Settings"}}')
    write(tmp_path / "i18n" / "ru.json", '{"system": {"jsonSettings": "Настройки"}}')
    assert load_locales(tmp_path / "i18n", CONTEXT) == {"en": {"system": {"jsonSettings": "Settings"}},
                                                       "ru": {"system": {"jsonSettings": "Настройки"}}}


def test_mismatched_keys_name_each_missing_key_and_file(tmp_path: Path) -> None:
    i18n = tmp_path / "i18n"
    write(i18n / "en.json", json.dumps({"a": {"b": "x"}, "only_en": "e", "shared": "s"}))
    write(i18n / "ru.json", json.dumps({"a": {"b": "x", "c": "only ru"}, "shared": "s"}))
    error = build_error(load_locales, i18n, CONTEXT)
    assert error.path == str(i18n)
    assert f"{i18n / 'en.json'}: missing key 'a.c' (present in ru)" in error.problem
    assert f"{i18n / 'ru.json'}: missing key 'only_en' (present in en)" in error.problem
    assert "'shared'" not in error.problem


def test_a_broken_locale_file_is_named(tmp_path: Path) -> None:
    write(tmp_path / "i18n" / "en.json", '{"a": "x"}')
    write(tmp_path / "i18n" / "ru.json", '{"a": 1}')
    error = build_error(load_locales, tmp_path / "i18n", CONTEXT)
    assert error.path == str(tmp_path / "i18n" / "ru.json")
    assert error.problem == "a must be a text or an object, not int"


def test_no_locale_files_is_refused(tmp_path: Path) -> None:
    (tmp_path / "i18n").mkdir()
    error = build_error(load_locales, tmp_path / "i18n", CONTEXT)
    assert "no locale files" in error.problem


# --- keys used by the code ------------------------------------------------------------------------


def test_code_keys_finds_literal_calls_with_their_first_use(tmp_path: Path) -> None:
    src = tmp_path / "src"
    write(src / "a.py", """
        def show(amocrm):
            amocrm.i18n('panel.title')
            return i18n("panel.hint")
    """)
    write(src / "b.py", """
        x = 1
        i18n('panel.title')
        i18n()
        translate('not.a.key')
    """)
    write(src / "__target__" / "gen.py", "i18n('generated.key')\n")
    assert code_keys(src) == {"panel.title": (src / "a.py", 2), "panel.hint": (src / "a.py", 3)}


def test_a_non_literal_key_is_refused_with_file_and_line(tmp_path: Path) -> None:
    src = tmp_path / "src"
    write(src / "c.py", "key = 'a'\n\nlabel = amocrm.i18n('prefix.' + key)\n")
    error = build_error(code_keys, src)
    assert (error.path, error.line) == (str(src / "c.py"), 3)
    assert "string literal" in error.problem


def test_a_function_named_i18n_may_forward_any_key(tmp_path: Path) -> None:
    src = tmp_path / "src"
    write(src / "bridge.py", """
        class AmoCRM:
            def i18n(self, path):
                return self.widget.i18n(path)

        def i18n(path):
            return widget.i18n(path)

        def other(path):
            return i18n('real.key')
    """)
    assert code_keys(src) == {"real.key": (src / "bridge.py", 9)}


def test_a_non_literal_key_outside_the_wrapper_is_still_refused(tmp_path: Path) -> None:
    src = tmp_path / "src"
    write(src / "bridge.py", """
        def i18n(path):
            return widget.i18n(path)

        def label(path):
            return i18n(path)
    """)
    error = build_error(code_keys, src)
    assert error.line == 5


def test_check_code_keys_names_file_line_and_locale(tmp_path: Path) -> None:
    src = tmp_path / "widget_src"
    write(src / "ui" / "panel.py", "x = 1\ni18n('known')\ni18n('only.en')\ni18n('nowhere')\n")
    trees = {"en": {"known": "K", "only": {"en": "E"}}, "ru": {"known": "К"}}
    error = build_error(check_code_keys, src, tmp_path, trees)
    assert error.path == "widget_src"
    lines = error.problem.splitlines()[1:]
    assert [line.strip() for line in lines] == [
        "widget_src/ui/panel.py:4: key 'nowhere' is not in i18n/en.json",
        "widget_src/ui/panel.py:4: key 'nowhere' is not in i18n/ru.json",
        "widget_src/ui/panel.py:3: key 'only.en' is not in i18n/ru.json",
    ]


def test_check_code_keys_passes_when_every_locale_has_every_key(tmp_path: Path) -> None:
    src = tmp_path / "widget_src"
    write(src / "m.py", "i18n('a.b')\n")
    assert check_code_keys(src, tmp_path, {"en": {"a": {"b": "x"}}, "ru": {"a": {"b": "х"}}}) is None
