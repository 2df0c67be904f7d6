"""Manifest rendering and validation (widgetbuild/manifest.py), on the project's real blank/."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from widgetbuild.config import PROJECT_ROOT
from widgetbuild.errors import BuildError
from widgetbuild.i18n import load_locales
from widgetbuild.manifest import render_manifest, text_keys, tour_images, validate_manifest

BLANK = PROJECT_ROOT / "blank"
CONTEXT = {"version": "1.0.0", "settings_field": "jsonSettings", "platform": "amoCRM",
           "locales": ["ru", "en"]}
PATH = BLANK / "manifest.json.j2"


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    return render_manifest(BLANK, CONTEXT)


@pytest.fixture(scope="module")
def locales() -> dict[str, Any]:
    every = load_locales(BLANK / "i18n", CONTEXT)
    return {locale: every[locale] for locale in CONTEXT["locales"]}


def validate(manifest: dict[str, Any], locales: dict[str, Any], **overrides: Any) -> None:
    arguments = {"settings_field": "jsonSettings", "version": "1.0.0", "tour_dir": BLANK / "tour"}
    arguments.update(overrides)
    validate_manifest(manifest, PATH, locales, **arguments)


def test_the_real_manifest_is_valid(manifest: dict[str, Any], locales: dict[str, Any]) -> None:
    assert validate(manifest, locales) is None


def test_text_keys_and_tour_images(manifest: dict[str, Any]) -> None:
    assert text_keys(manifest) == ["widget.name", "widget.description", "widget.short_description",
                                   "widget.tour_description", "system.jsonSettings"]
    assert tour_images(manifest) == ["tour_1_ru.png", "tour_2_ru.png", "tour_3_ru.png"]
    assert tour_images({"widget": {}}) == []


def test_render_manifest_refuses_a_non_object(tmp_path: Path) -> None:
    (tmp_path / "manifest.json.j2").write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(BuildError) as info:
        render_manifest(tmp_path, CONTEXT)
    assert (info.value.path, info.value.problem) == (str(tmp_path / "manifest.json.j2"),
                                                     "the manifest must be a JSON object")


def drop_widget_key(key: str) -> Callable[[dict], None]:
    return lambda m: m["widget"].pop(key)


def set_widget(key: str, value: Any) -> Callable[[dict], None]:
    return lambda m: m["widget"].__setitem__(key, value)


BROKEN = [
    ("no widget", lambda m: m.pop("widget"), "the 'widget' object is missing"),
    ("widget not an object", lambda m: m.__setitem__("widget", ["x"]), "the 'widget' object is missing"),
    *[(f"no {key}", drop_widget_key(key), f"widget.{key} is required")
      for key in ("name", "description", "short_description", "version", "interface_version", "locale",
                  "installation")],
    ("interface 1", set_widget("interface_version", 1), "widget.interface_version must be 2"),
    ("interface '2'", set_widget("interface_version", "2"), "widget.interface_version must be 2"),
    ("other version", set_widget("version", "1.0.1"), "widget.version must be the build's version '1.0.0'"),
    ("installation text", set_widget("installation", "true"), "widget.installation must be true or false"),
    ("no locales", set_widget("locale", []), "widget.locale must be a non-empty list"),
    ("locale text", set_widget("locale", "ru"), "widget.locale must be a non-empty list"),
    ("extra locale", set_widget("locale", ["ru", "en", "de"]),
     "widget.locale declares ['de', 'en', 'ru'] but i18n/ has files for ['en', 'ru']"),
    ("missing locale", set_widget("locale", ["ru"]), "widget.locale declares ['ru'] but i18n/ has files for"),
    ("no locations", lambda m: m.pop("locations"), "'locations' must be a non-empty list"),
    ("empty locations", lambda m: m.__setitem__("locations", []), "'locations' must be a non-empty list"),
    ("other settings field",
     lambda m: m.__setitem__("settings", {"mySettings": m["settings"]["jsonSettings"]}),
     "'settings' must declare exactly the field 'jsonSettings'"),
    ("two settings fields",
     lambda m: m["settings"].__setitem__("more", {"name": "x", "type": "text", "required": 1}),
     "'settings' must declare exactly the field 'jsonSettings'"),
    ("no settings", lambda m: m.pop("settings"), "'settings' must declare exactly the field 'jsonSettings'"),
    ("setting without type", lambda m: m["settings"]["jsonSettings"].pop("type"),
     "settings.jsonSettings.type is required"),
    ("setting without required", lambda m: m["settings"]["jsonSettings"].pop("required"),
     "settings.jsonSettings.required is required"),
    ("setting named after an unknown key",
     lambda m: m["settings"]["jsonSettings"].__setitem__("name", "system.x"),
     "text key 'system.x' is missing from i18n/en.json"),
    ("unknown widget text", set_widget("description", "widget.long_description"),
     "text key 'widget.long_description' is missing from i18n/en.json"),
    ("tour not a tour", lambda m: m["tour"].__setitem__("is_tour", False), "tour.is_tour must be true"),
    ("tour without text", lambda m: m["tour"].pop("tour_description"), "tour.tour_description is required"),
    ("tour image missing", lambda m: m["tour"]["tour_images"]["en"].append("/images/tour_4_en.png"),
     "tour image /images/tour_4_en.png has no source file in"),
    ("tour images for an undeclared locale", lambda m: m["tour"]["tour_images"].__setitem__("de", []),
     "tour.tour_images has images for undeclared locale 'de'"),
    ("tour not an object", lambda m: m.__setitem__("tour", "yes"), "'tour' must be an object"),
    ("tour images a list", lambda m: m["tour"].__setitem__("tour_images", []),
     "tour.tour_images must be an object: locale -> list of image paths"),
    ("tour images of a locale a text",
     lambda m: m["tour"]["tour_images"].__setitem__("en", "/images/tour_1_ru.png"),
     "tour.tour_images.en must be a list of image paths"),
    ("tour image outside the archive",
     lambda m: m["tour"]["tour_images"]["en"].append("/nowhere/tour_1_ru.png"),
     "tour image /nowhere/tour_1_ru.png is not where the archive puts it: write /images/<file>"),
    ("setting not an object", lambda m: m["settings"].__setitem__("jsonSettings", "text"),
     "settings.jsonSettings must be an object"),
]


@pytest.mark.parametrize(("change", "problem"), [(c, p) for _, c, p in BROKEN],
                         ids=[name for name, _, _ in BROKEN])
def test_a_broken_manifest_is_refused(manifest: dict[str, Any], locales: dict[str, Any],
                                      change: Callable[[dict], None], problem: str) -> None:
    broken = copy.deepcopy(manifest)
    change(broken)
    with pytest.raises(BuildError) as info:
        validate(broken, locales)
    assert info.value.path == "blank/manifest.json.j2"
    assert problem in info.value.problem


def test_a_text_key_missing_from_one_locale_names_that_locale(manifest: dict[str, Any],
                                                              locales: dict[str, Any]) -> None:
    broken = copy.deepcopy(locales)
    del broken["ru"]["widget"]["short_description"]
    with pytest.raises(BuildError) as info:
        validate(manifest, broken)
    assert info.value.problem == "text key 'widget.short_description' is missing from i18n/ru.json"


def test_the_settings_field_must_match_the_build(manifest: dict[str, Any], locales: dict[str, Any]) -> None:
    with pytest.raises(BuildError) as info:
        validate(manifest, locales, settings_field="myField")
    assert info.value.problem == "'settings' must declare exactly the field 'myField'"


def test_the_version_must_match_the_build(manifest: dict[str, Any], locales: dict[str, Any]) -> None:
    with pytest.raises(BuildError) as info:
        validate(manifest, locales, version="1.2.3")
    assert info.value.problem == "widget.version must be the build's version '1.2.3'"


def test_tour_images_must_exist_in_the_tour_dir(manifest: dict[str, Any], locales: dict[str, Any],
                                                tmp_path: Path) -> None:
    with pytest.raises(BuildError) as info:
        validate(manifest, locales, tour_dir=tmp_path)
    assert info.value.problem == f"tour image /images/tour_1_ru.png has no source file in {tmp_path}"
