"""The source rules (widgetbuild/source_rules.py): each construct Transcrypt miscompiles, with its line."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from widgetbuild.errors import BuildError
from widgetbuild.source_rules import check_source, check_tree, iter_sources


def write(path: Path, source: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(source).lstrip("\n"), encoding="utf-8")
    return path


def violations(tmp_path: Path, source: str) -> list[tuple[int, str]]:
    return [(v.line, v.message) for v in check_source(write(tmp_path / "module.py", source))]


# Each case: code that breaks exactly one rule, the line it is reported at, and a fragment of the message.
RULES = [
    ("x = 1\nname = f'{x}'\n", 2, "f-strings"),
    ("x = 1\ntext = f'{x:>4}'\n", 2, "format specs are dropped"),
    ("x = 1\ntext = 'n=%d' % x\n", 2, "'%' string formatting"),
    ("x = 1\ntext = '{}'.format(x)\n", 2, "str.format"),
    ("def f(a, b):\n    return a\nf(1, b=2)\n", 3, "keyword arguments"),
    ("def f(**kw):\n    return kw\nf(**{'a': 1})\n", 3, "keyword arguments"),
    ("o = object()\nvalue = getattr(o, 'name', 5)\n", 2, "getattr's default"),
    ("x = 1\nprint(x)\n", 2, "print()"),
    ("try:\n    pass\nexcept Exception:\n    pass\n", 3, "'except Exception'"),
    ("try:\n    pass\nexcept (ValueError, BaseException):\n    pass\n", 3, "'except BaseException'"),
    ("x = 1\nflag = x is None\n", 2, "'is None'"),
    ("x = 1\nflag = x is not None\n", 2, "'is None'"),
    ("x = 1\nflag = None is x\n", 2, "'is None'"),
    ("x = 1\nflag = 0 < x is None\n", 2, "'is None'"),
    ("x = 1\nflag = isinstance(x, (list, dict))\n", 2, "isinstance(x, dict)"),
    ("items = [1]\nif (n := len(items)):\n    pass\n", 2, "walrus"),
    ("x = 1\nmatch x:\n    case 1:\n        pass\n", 2, "'match'"),
    ("x = 1\ndef f(a, /, b):\n    return a\n", 2, "positional-only"),
    ("x = 1\nf = lambda a=1: a\n", 2, "default arguments at call time"),
    ("items = [1, 2]\nfirst, *rest = items\n", 2, "starred assignment"),
    ("d = {}\ne = {**d}\n", 2, "'{**d}'"),
    ("x = 1\nfrom .sibling import y\n", 2, "relative imports"),
    ("x = 1\nfrom dataclasses import dataclass\n", 2, "cannot be transpiled"),
    ("x = 1\nimport json\n", 2, "cannot be transpiled"),
    ("x = 1\nimport collections.abc\n", 2, "cannot be transpiled"),
    ("items = [1]\ndel items[0]\n", 2, "'del x[i]'"),
    ("items = [1]\nlast = items[-1]\n", 2, "negative indexes"),
    ("x = 1\nclass A:\n    pass\n    name: str\n", 4, "class-body annotation"),
]


@pytest.mark.parametrize(("source", "line", "fragment"), RULES, ids=[fragment for *_, fragment in RULES])
def test_each_rule_is_reported_at_its_line(tmp_path: Path, source: str, line: int, fragment: str) -> None:
    found = set(violations(tmp_path, source))
    assert len(found) == 1, found
    (found_line, message), = found
    assert found_line == line
    assert fragment in message


@pytest.mark.parametrize(
    "source",
    [
        "def f(a, b=1):\n    return a\nf(1, 2)\n",  # defaults in a def are fine, calls positional
        "x = None\nflag = x == None\n",
        "try:\n    pass\nexcept ValueError:\n    pass\n",
        "items = [1, 2]\nlast = items[len(items) - 1]\nfirst, second = items\n",
        "d = {'a': 1}\ne = dict(d)\ntext = 'n=' + str(len(e))\n",
        "x = 5 % 3\n",
        "from core.protocol import OK\nimport core.jscompat\n",
        "class A:\n    name: str = ''\n",
        "f = lambda a: a\n",
        "a = 1\nsame = a is a\nlisted = isinstance(a, (list, str))\n",
        "items = [1]\nitems.pop(0)\n",
    ],
)
def test_supported_code_is_not_reported(tmp_path: Path, source: str) -> None:
    assert violations(tmp_path, source) == []


def test_keywords_are_allowed_inside_the_kwargs_pragma(tmp_path: Path) -> None:
    source = """
    __pragma__('kwargs')
    def f(a, b=1):
        return a
    f(1, b=2)
    __pragma__('nokwargs')
    f(1, b=3)
    """
    assert [line for line, _ in violations(tmp_path, source)] == [6]


def test_an_unclosed_kwargs_pragma_covers_the_rest_of_the_file(tmp_path: Path) -> None:
    source = """
    f = dict
    f(a=1)
    __pragma__('kwargs')
    f(b=2)
    f(c=3)
    """
    assert [line for line, _ in violations(tmp_path, source)] == [2]


def test_skipped_code_is_not_checked(tmp_path: Path) -> None:
    source = """
    x = 1
    # __pragma__ ('skip')
    import json
    print(f'{x!r}')
    flag = x is None
    # __pragma__ ('noskip')
    other = x is None
    def f():
        #__pragma__('skip')
        return json.dumps(x)
        #__pragma__('noskip')
    """
    assert [line for line, _ in violations(tmp_path, source)] == [7]


def test_several_violations_are_sorted_by_line(tmp_path: Path) -> None:
    source = """
    x = 1
    y = x is None
    print(x)
    z = [1][-1]
    """
    assert [line for line, _ in violations(tmp_path, source)] == [2, 3, 4]


def test_a_syntax_error_is_reported_with_its_line(tmp_path: Path) -> None:
    found = check_source(write(tmp_path / "broken.py", "x = 1\ny = 2\ndef f(:\n    pass\n"), "src/broken.py")
    assert [(str(v.path), v.line) for v in found] == [("src/broken.py", 3)]
    assert found[0].message.startswith("Python syntax error: ")


def test_check_source_shows_the_display_path(tmp_path: Path) -> None:
    found = check_source(write(tmp_path / "m.py", "x = 1\nprint(x)\n"), "widget_src/m.py")
    assert [(str(v.path), v.line) for v in found] == [("widget_src/m.py", 2)]


def test_iter_sources_is_sorted_and_skips_transcrypts_output(tmp_path: Path) -> None:
    for name in ("b.py", "a/z.py", "a/__target__/gen.py", "__target__/x.py", "c.txt"):
        write(tmp_path / name, "x = 1\n")
    assert [p.relative_to(tmp_path).as_posix() for p in iter_sources(tmp_path)] == ["a/z.py", "b.py"]


def test_check_tree_passes_a_clean_tree(tmp_path: Path) -> None:
    write(tmp_path / "src" / "a.py", "x = 1\n")
    write(tmp_path / "src" / "pkg" / "b.py", "from a import x\ny = x == None\n")
    assert check_tree(tmp_path / "src", tmp_path) is None


def test_check_tree_names_file_and_line_and_lists_every_violation(tmp_path: Path) -> None:
    write(tmp_path / "src" / "a.py", "x = 1\ny = x is None\nprint(y)\n")
    write(tmp_path / "src" / "pkg" / "b.py", "z = 2\n\nw = [z][-1]\n")
    write(tmp_path / "src" / "__target__" / "gen.py", "print(1)\n")
    with pytest.raises(BuildError) as info:
        check_tree(tmp_path / "src", tmp_path)
    error = info.value
    assert (error.path, error.line) == ("src/a.py", 2)
    assert error.problem.startswith("'is None'")
    assert "\n  src/a.py:3: print()" in error.problem
    assert "\n  src/pkg/b.py:3: negative indexes" in error.problem
    assert "__target__" not in error.problem
    assert str(error).startswith("src/a.py:2: ")
    assert len(error.problem.splitlines()) == 3


def test_check_tree_reports_a_syntax_error_with_file_and_line(tmp_path: Path) -> None:
    write(tmp_path / "src" / "ok.py", "x = 1\n")
    write(tmp_path / "src" / "zz.py", "x = 1\nif x\n")
    with pytest.raises(BuildError) as info:
        check_tree(tmp_path / "src", tmp_path)
    assert (info.value.path, info.value.line) == ("src/zz.py", 2)
    assert "Python syntax error" in info.value.problem


def test_the_advice_for_percent_formatting_is_itself_allowed(tmp_path: Path) -> None:
    (_, message), = violations(tmp_path, "x = 1\ntext = 'n=%d' % x\n")
    assert "f-string" not in message
    assert "str.format" not in message


def test_isinstance_dict_is_reported(tmp_path: Path) -> None:
    found = violations(tmp_path, "def f(x):\n    return isinstance(x, dict)\n")
    assert [(line, "is_object" in message) for line, message in found] == [(2, True)]


def test_kwargs_pragmas_pair_in_source_order(tmp_path: Path) -> None:
    # a kwargs pragma inside a function, nokwargs at module level, then a keyword call after both
    source = textwrap.dedent("""\
        def a():
            __pragma__('kwargs')
            return 1
        __pragma__('nokwargs')
        b(y=2)
        """)
    found = violations(tmp_path, source)
    assert [line for line, message in found if "keyword" in message] == [5]
