"""The post-call card's bundle: postcall.js next to script.js, built by the same run and checked alike.

The card must not live in script.js (its size budget), so these tests also hold script.js to it.
"""

from __future__ import annotations

import re

import pytest

from tests.support.builds import BuiltWidget
from tests.support.project_copy import ProjectCopy
from widgetbuild.archive import check_sizes
from widgetbuild.errors import BuildError
from widgetbuild.pipeline import build

CARD_MODULES = ("app.postcall_coordinator", "app.postcall_outbox_store", "app.postcall_sender",
                "app.postcall_caller_lookup", "ui.postcall.card", "ui.postcall.view", "edge.amocrm_rest",
                "core.postcall_logic", "core.postcall_outbox")


def test_postcall_is_an_amd_module_returning_start(prod_widget: BuiltWidget, dev_widget: BuiltWidget) -> None:
    card = prod_widget.files["postcall.js"].decode()
    assert card.startswith("define(['jquery'],function($){")
    assert card.rstrip().endswith("return{start:__m_postcall.start};});")
    assert re.search(r"(^|[;}\s])(import\s*[{*]|export\s)", card) is None
    dev_card = dev_widget.files["postcall.js"].decode()
    assert "// ---- module postcall" in dev_card and "// ---- module org.transcrypt.__runtime__" in dev_card


def test_the_card_is_not_in_script_js(dev_widget: BuiltWidget) -> None:
    """Catches the card's modules being linked into script.js (the size problem it was moved for)."""
    script = dev_widget.script
    card = dev_widget.text("postcall.js")
    for module in CARD_MODULES:
        assert f"// ---- module {module}\n" not in script, module
        assert f"// ---- module {module}\n" in card, module
    assert "// ---- module app.postcall_loader\n" in script
    assert ".asng-card__note" not in script  # the card's stylesheet too


def test_postcall_js_is_deterministic(project_copy: ProjectCopy, prod_widget: BuiltWidget) -> None:
    result = build(project_copy.config)
    assert result.files["postcall.js"] == prod_widget.files["postcall.js"]
    assert result.zip_path.read_bytes() == prod_widget.zip_path.read_bytes()


def test_an_oversized_postcall_js_is_refused() -> None:
    with pytest.raises(BuildError, match="postcall.js"):
        check_sizes({"script.js": b"x", "postcall.js": b"x" * (300 * 1024 + 1)})


def _break(copy: ProjectCopy, relative: str, line: str) -> None:
    path = copy.source / relative
    path.write_text(path.read_text(encoding="utf-8") + "\n\n" + line + "\n", encoding="utf-8")


def test_source_rules_cover_the_card(project_copy: ProjectCopy) -> None:
    _break(project_copy, "ui/postcall/card.py", "def _broken(x):\n    return f'{x}'")
    with pytest.raises(BuildError) as info:
        build(project_copy.config)
    assert str(info.value.path).endswith("card.py") and "f-string" in info.value.problem


def test_the_i18n_key_scan_covers_the_card(project_copy: ProjectCopy) -> None:
    _break(project_copy, "ui/postcall/view.py",
           "def _broken(i18n):\n    return i18n('domain.amocrm.postcall.nope')")
    with pytest.raises(BuildError) as info:
        build(project_copy.config)
    assert "domain.amocrm.postcall.nope" in info.value.problem


def test_the_card_entry_is_required(project_copy: ProjectCopy) -> None:
    (project_copy.source / "postcall.py").unlink()
    with pytest.raises(BuildError) as info:
        build(project_copy.config)
    assert str(info.value.path).endswith("postcall.py") and "entry module is missing" in info.value.problem


def test_the_card_stylesheet_is_checked_for_scoping(project_copy: ProjectCopy) -> None:
    css = project_copy.blank / "postcall.css"
    css.write_text(css.read_text(encoding="utf-8") + "\nbody { color: red; }\n", encoding="utf-8")
    with pytest.raises(BuildError) as info:
        build(project_copy.config)
    assert str(info.value.path).endswith("postcall.css")
