"""amoCRM and Kommo from one code base: each platform's locales, texts and archive."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

import build as build_cli
from tests.build.amocrm_rules import LOGO_SIZES
from tests.support.builds import BuiltWidget
from tests.support.project_copy import ProjectCopy
from widgetbuild.config import BuildConfig
from widgetbuild.errors import BuildError
from widgetbuild.pipeline import build
from widgetbuild.platforms import PLATFORMS


def locale_files(widget: BuiltWidget) -> list[str]:
    return sorted(name for name in widget.files if name.startswith("i18n/"))


def manifest(widget: BuiltWidget) -> dict:
    return json.loads(widget.text("manifest.json"))


def test_amocrm_ships_exactly_ru_and_en(prod_widget: BuiltWidget) -> None:
    assert prod_widget.zip_path.name == "widget.zip"
    assert locale_files(prod_widget) == ["i18n/en.json", "i18n/ru.json"]
    assert manifest(prod_widget)["widget"]["locale"] == ["ru", "en"]


def test_kommo_ships_exactly_en_es_and_pt(kommo_widget: BuiltWidget) -> None:
    assert kommo_widget.zip_path.name == "widget-kommo.zip"
    assert locale_files(kommo_widget) == ["i18n/en.json", "i18n/es.json", "i18n/pt.json"]
    assert manifest(kommo_widget)["widget"]["locale"] == ["en", "es", "pt"]
    assert sorted(manifest(kommo_widget)["tour"]["tour_images"]) == ["en", "es", "pt"]


def test_both_platforms_run_the_same_code_and_pass_the_same_archive_checks(prod_widget: BuiltWidget,
                                                                          kommo_widget: BuiltWidget) -> None:
    assert kommo_widget.files["script.js"] == prod_widget.files["script.js"]
    amocrm, kommo = manifest(prod_widget), manifest(kommo_widget)
    for key in ("interface_version", "init_once", "installation", "version"):
        assert kommo["widget"][key] == amocrm["widget"][key], key
    assert kommo["locations"] == amocrm["locations"] and kommo["settings"] == amocrm["settings"]
    for name, size in LOGO_SIZES.items():
        with Image.open(io.BytesIO(kommo_widget.files[name])) as image:
            assert image.size == size, name
    assert max(len(data) for data in kommo_widget.files.values()) <= 300 * 1024
    named = {image.lstrip("/") for images in kommo["tour"]["tour_images"].values() for image in images}
    assert named <= set(kommo_widget.files)


def test_the_texts_name_the_platform_built(prod_widget: BuiltWidget, kommo_widget: BuiltWidget) -> None:
    amocrm_en = json.loads(prod_widget.text("i18n/en.json"))["widget"]
    kommo = {locale: json.loads(kommo_widget.text(f"i18n/{locale}.json"))["widget"]
             for locale in ("en", "es", "pt")}
    assert "amoCRM" in amocrm_en["short_description"] and "Kommo" not in amocrm_en["tour_description"]
    for locale, texts in kommo.items():
        assert "Kommo" in texts["short_description"] and "Kommo" in texts["tour_description"], locale
        assert "amoCRM" not in json.dumps(texts, ensure_ascii=False), locale


def test_spanish_and_portuguese_are_translations_not_copies(kommo_widget: BuiltWidget) -> None:
    def flat(locale: str) -> dict:
        tree = json.loads(kommo_widget.text(f"i18n/{locale}.json"))
        panel = tree["domain"]["amocrm"]["panel"]
        return {"hangup": panel["hangup"], "call": panel["call"],
                "save": tree["domain"]["amocrm"]["settings"]["save_button"]}

    assert flat("en") == {"hangup": "Hang up", "call": "Call", "save": "Save"}
    assert flat("es") == {"hangup": "Colgar", "call": "Llamar", "save": "Guardar"}
    assert flat("pt") == {"hangup": "Desligar", "call": "Ligar", "save": "Salvar"}


def test_two_kommo_builds_are_byte_identical(tmp_path: Path, kommo_widget: BuiltWidget) -> None:
    again = build(BuildConfig(platform_code="kommo", out_dir=tmp_path))
    assert again.zip_path.read_bytes() == kommo_widget.zip_path.read_bytes()


@pytest.mark.parametrize(("args", "locales"), [
    (["--locales", "en"], ["en"]),
    (["--platform", "kommo", "--locales", "pt, es"], ["es", "pt"]),  # the platform's order, spaces ignored
])
def test_locales_ships_a_subset(tmp_path: Path, args: list[str], locales: list[str]) -> None:
    result = CliRunner().invoke(build_cli.cli, ["--prod", "--out-dir", str(tmp_path), *args])
    assert result.exit_code == 0, result.output
    archive = next(tmp_path.glob("*.zip"))
    with zipfile.ZipFile(archive) as zipped:
        names = zipped.namelist()
        declared = json.loads(zipped.read("manifest.json"))["widget"]["locale"]
    assert declared == locales
    assert sorted(name for name in names if name.startswith("i18n/")) == [
        f"i18n/{locale}.json" for locale in locales]


@pytest.mark.parametrize(("args", "message"), [
    (["--platform", "kommo", "--locales", "ru"], "ru: Kommo widgets accept only en, es, pt"),
    (["--locales", "es"], "es: amoCRM widgets accept only ru, en"),
    (["--locales", "xx,en"], "xx: amoCRM widgets accept only ru, en"),
    (["--locales", " , "], "name at least one of amoCRM's locales: ru, en"),
    (["--platform", "bitrix"], "'bitrix' is not one of 'amocrm', 'kommo'"),
])
def test_a_locale_the_platform_does_not_accept_is_a_usage_error(tmp_path: Path, args: list[str],
                                                                message: str) -> None:
    result = CliRunner().invoke(build_cli.cli, ["--prod", "--out-dir", str(tmp_path), *args])
    assert result.exit_code == 2
    assert message in result.output
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("platform", sorted(PLATFORMS))
@pytest.mark.parametrize(("locale", "change", "problem"), [
    ("es", lambda texts: texts["domain"]["amocrm"]["panel"].pop("hangup"),
     "i18n/es.json: missing key 'domain.amocrm.panel.hangup'"),
    ("pt", lambda texts: texts["domain"]["amocrm"]["panel"].__setitem__("extra", "x"),
     "key 'domain.amocrm.panel.extra'"),
])
def test_a_missing_or_extra_key_in_any_locale_fails_every_platform(project_copy: ProjectCopy, platform: str,
                                                                   locale: str, change, problem: str) -> None:
    path = project_copy.blank / "i18n" / f"{locale}.json"
    source = path.read_text(encoding="utf-8")
    # The locale files are Jinja templates: edit the one templated line away and back.
    templated = next(line for line in source.splitlines() if "{{" in line and "settings_field" in line)
    texts = json.loads(source.replace(templated, '    "placeholder": ""'))
    change(texts)
    path.write_text(json.dumps(texts, ensure_ascii=False, indent=2)
                    .replace('"placeholder": ""', templated.strip()), encoding="utf-8")
    config = BuildConfig(platform_code=platform, out_dir=project_copy.config.out_dir,
                         source_dir=project_copy.source, blank_dir=project_copy.blank)
    with pytest.raises(BuildError) as raised:
        build(config)
    assert problem in str(raised.value)
