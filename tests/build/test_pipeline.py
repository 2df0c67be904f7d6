"""The whole build (widgetbuild.pipeline.build and the CLI in build.py) on the real sources."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
import quickjs
from click.testing import CliRunner, Result
from PIL import Image

import build as build_cli
from tests.build.amocrm_rules import LOGO_SIZES
from tests.support.builds import BuiltWidget
from widgetbuild.config import PROJECT_ROOT, BuildConfig
from widgetbuild.pipeline import build

TOUR = ["images/tour_1_ru.png", "images/tour_2_ru.png", "images/tour_3_ru.png"]
ARCHIVE_NAMES = sorted(["manifest.json", "script.js", "postcall.js", "i18n/en.json", "i18n/ru.json",
                        *LOGO_SIZES, *TOUR])
# Transcrypt runs in its own process while i18n and manifest are checked and the images made.
PROD_STAGES = ["i18n", "manifest", "transpile", "link", "minify", "images", "archive"]
DEV_STAGES = ["i18n", "manifest", "transpile", "link", "images", "archive"]
CUSTOM_OPTIONS = ["--settings-field", "myField", "--notification-delay", "42",
                  "--min-length-internal-number", "5", "--version", "1.2.3"]


def expected_manifest(version: str = "1.0.0", field: str = "jsonSettings") -> dict[str, Any]:
    """docs/behaviour.md §8."""
    images = ["/images/tour_1_ru.png", "/images/tour_2_ru.png", "/images/tour_3_ru.png"]
    return {
        "widget": {
            "name": "widget.name",
            "description": "widget.description",
            "short_description": "widget.short_description",
            "version": version,
            "interface_version": 2,
            "init_once": True,
            "locale": ["ru", "en"],
            "installation": True,
        },
        "locations": ["ccard-1", "clist-0", "lcard-1", "llist-0", "settings"],
        "tour": {"is_tour": True, "tour_images": {"ru": images, "en": images},
                 "tour_description": "widget.tour_description"},
        "settings": {field: {"name": f"system.{field}", "type": "text", "required": True}},
    }


def unzip(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zipped:
        return {name: zipped.read(name) for name in zipped.namelist()}


def constants(script: str) -> dict[str, Any]:
    """The values of the generated ``build_constants`` module, run alone in QuickJS."""
    start = re.search(r"\(function\s*\(\)\s*\{\s*__export__\s*\(__m_build_constants\s*,", script)
    assert start is not None, "no build_constants module in the bundle"
    end = re.compile(r"\}\)\s*\(\);").search(script, start.end())
    assert end is not None
    module = script[start.start():end.end()]
    namespaces = sorted(set(re.findall(r"__m_[\w$]+", module)))
    ctx = quickjs.Context()
    ctx.eval("".join(f"var {name} = {{}};" for name in namespaces))
    ctx.eval("function __export__ (ns, getters) { Object.keys (getters).forEach (function (key) {"
             "    Object.defineProperty (ns, key, {get: getters [key], enumerable: true}); }); }")
    ctx.eval(module)
    values = json.loads(ctx.eval("JSON.stringify (__m_build_constants)"))
    return {name: values[name] for name in BuildConfig().widget_constants() if name in values}


def invoke(*args: str) -> Result:
    return CliRunner().invoke(build_cli.cli, list(args), catch_exceptions=False)


def stage_lines(stdout: str) -> list[str]:
    return [line for line in stdout.splitlines() if line.startswith("  ")]


# --- the default prod build -----------------------------------------------------------------------


def test_prod_zip_holds_exactly_the_archive_files_at_its_root(prod_widget: BuiltWidget) -> None:
    with zipfile.ZipFile(prod_widget.zip_path) as zipped:
        assert zipped.namelist() == ARCHIVE_NAMES
    assert unzip(prod_widget.zip_path) == prod_widget.files


def test_the_manifest_is_the_documented_one(prod_widget: BuiltWidget) -> None:
    manifest = json.loads(prod_widget.text("manifest.json"))
    assert manifest == expected_manifest()
    assert list(manifest["widget"]["locale"]) == ["ru", "en"]


def test_every_tour_image_the_manifest_names_is_in_the_zip(prod_widget: BuiltWidget) -> None:
    manifest = json.loads(prod_widget.text("manifest.json"))
    named = {image.lstrip("/") for images in manifest["tour"]["tour_images"].values() for image in images}
    assert named == set(TOUR)
    assert named <= set(prod_widget.files)


def test_logos_have_the_exact_pixel_sizes(prod_widget: BuiltWidget) -> None:
    for name, size in LOGO_SIZES.items():
        with Image.open(io.BytesIO(prod_widget.files[name])) as image:
            assert (image.format, image.size) == ("PNG", size), name


def test_every_file_is_at_most_300_kb(prod_widget: BuiltWidget) -> None:
    sizes = {name: len(data) for name, data in prod_widget.files.items()}
    assert max(sizes.values()) <= 300 * 1024, sizes


def test_oversized_tour_images_are_recompressed_and_small_ones_kept(prod_widget: BuiltWidget) -> None:
    tour_dir = PROJECT_ROOT / "blank" / "tour"
    assert (tour_dir / "tour_1_ru.png").stat().st_size > 300 * 1024  # the premise: the source is too big
    assert prod_widget.files["images/tour_1_ru.png"] != (tour_dir / "tour_1_ru.png").read_bytes()
    assert prod_widget.files["images/tour_2_ru.png"] == (tour_dir / "tour_2_ru.png").read_bytes()
    with Image.open(io.BytesIO(prod_widget.files["images/tour_1_ru.png"])) as shrunk, \
            Image.open(tour_dir / "tour_1_ru.png") as original:
        assert shrunk.width >= original.width // 2
        assert abs(shrunk.width / shrunk.height - original.width / original.height) < 0.01


def test_locales_are_rendered_with_the_settings_field(prod_widget: BuiltWidget) -> None:
    for locale in ("en", "ru"):
        texts = json.loads(prod_widget.text(f"i18n/{locale}.json"))
        assert set(texts["system"]) == {"jsonSettings"}
        assert texts["widget"]["name"] == "AsteriskNG"
    en = json.loads(prod_widget.text("i18n/en.json"))
    assert en["domain"]["amocrm"]["settings"]["save_button"] == "Save"


def test_default_constants_reach_the_script(prod_widget: BuiltWidget) -> None:
    assert constants(prod_widget.script) == {"SETTINGS_FIELD": "jsonSettings", "NOTIFICATION_DELAY": 300,
                                             "MIN_LENGTH_INTERNAL_NUMBER": 3, "WIDGET_VERSION": "1.0.0"}


def test_two_prod_builds_are_byte_identical(tmp_path: Path) -> None:
    first = build(BuildConfig(out_dir=tmp_path / "first"))
    second = build(BuildConfig(out_dir=tmp_path / "second"))
    assert (first.zip_path, second.zip_path) == (tmp_path / "first" / "widget.zip",
                                                 tmp_path / "second" / "widget.zip")
    assert first.zip_path.read_bytes() == second.zip_path.read_bytes()


# --- dev vs prod ------------------------------------------------------------------------------------


def test_dev_leaves_the_unpacked_tree_with_the_zips_files(dev_widget: BuiltWidget) -> None:
    root = dev_widget.zip_path.parent / "widget"
    tree = {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}
    assert tree == unzip(dev_widget.zip_path)
    assert sorted(tree) == ARCHIVE_NAMES


def test_prod_leaves_no_unpacked_tree(prod_widget: BuiltWidget) -> None:
    assert sorted(p.name for p in prod_widget.zip_path.parent.iterdir()) == ["widget.zip"]


def test_dev_script_logs_at_debug_level_and_prod_does_not(
    prod_widget: BuiltWidget, dev_widget: BuiltWidget
) -> None:
    assert "console.debug" in dev_widget.script
    assert "console.debug" not in prod_widget.script


def test_prod_script_is_minified_and_dev_script_readable(
    prod_widget: BuiltWidget, dev_widget: BuiltWidget
) -> None:
    assert "// ---- module script" in dev_widget.script
    assert "// ----" not in prod_widget.script
    assert len(prod_widget.script) < len(dev_widget.script)
    assert any(line.startswith("    ") for line in dev_widget.script.splitlines())
    assert not any(line.startswith((" ", "\t")) for line in prod_widget.script.splitlines())


def test_dev_and_prod_ship_the_same_manifest_texts_and_images(prod_widget: BuiltWidget,
                                                              dev_widget: BuiltWidget) -> None:
    assert set(dev_widget.files) == set(prod_widget.files)
    for name in prod_widget.files:
        if name not in ("script.js", "postcall.js"):
            assert dev_widget.files[name] == prod_widget.files[name], name


# --- the CLI -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def custom_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Result, Path]:
    out = tmp_path_factory.mktemp("custom")
    return invoke("--prod", "--out-dir", str(out), *CUSTOM_OPTIONS), out


def test_cli_prints_one_timed_line_per_stage(custom_build: tuple[Result, Path]) -> None:
    result, out = custom_build
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == f"Building the prod widget 1.2.3 into {out.resolve() / 'widget.zip'}"
    stages = stage_lines(result.stdout)
    assert [line.split()[0] for line in stages] == PROD_STAGES
    for line in stages:
        assert re.match(r"^  \S+\s+\d+\.\d\d s  \S", line), line
    assert re.fullmatch(rf"Done in \d+\.\d\d s: {re.escape(str(out.resolve() / 'widget.zip'))}", lines[-1])
    assert len(lines) == len(PROD_STAGES) + 2


def test_cli_settings_field_reaches_manifest_and_locales(custom_build: tuple[Result, Path]) -> None:
    _, out = custom_build
    files = unzip(out / "widget.zip")
    assert json.loads(files["manifest.json"]) == expected_manifest("1.2.3", "myField")
    for locale in ("en", "ru"):
        system = json.loads(files[f"i18n/{locale}.json"])["system"]
        assert list(system) == ["myField"]


def test_cli_options_reach_the_generated_constants(custom_build: tuple[Result, Path]) -> None:
    _, out = custom_build
    script = unzip(out / "widget.zip")["script.js"].decode("utf-8")
    assert constants(script) == {"SETTINGS_FIELD": "myField", "NOTIFICATION_DELAY": 42,
                                 "MIN_LENGTH_INTERNAL_NUMBER": 5, "WIDGET_VERSION": "1.2.3"}
    assert "console.debug" not in script


@pytest.mark.parametrize("version", ["2.0.0", "0.1.0"])
def test_cli_refuses_another_major_without_force(tmp_path: Path, version: str) -> None:
    result = invoke("--prod", "--out-dir", str(tmp_path / "out"), "--version", version)
    assert result.exit_code == 2
    assert "--force-version" in result.stderr
    assert f"{version} has major version" in result.stderr
    assert not (tmp_path / "out").exists()


def test_cli_builds_another_major_with_force(tmp_path: Path) -> None:
    result = invoke("--dev", "--out-dir", str(tmp_path), "--version", "2.0.0", "--force-version")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(
        f"Building the dev widget 2.0.0 into {tmp_path.resolve() / 'widget.zip'}\n")
    stages = stage_lines(result.stdout)
    assert [line.split()[0] for line in stages] == DEV_STAGES
    details = {line.split()[0]: line.split(" s  ", 1)[1] for line in stages}
    assert re.fullmatch(r"\d+ modules \(full: no cache\)", details["transpile"])
    assert re.fullmatch(r"[\d,]+ \+ [\d,]+ bytes", details["link"])  # script.js + postcall.js
    assert details["i18n"] == "ru, en"
    assert details["manifest"] == "version 2.0.0"
    assert details["images"] == "9 files"
    assert re.fullmatch(rf"{re.escape(str(tmp_path.resolve() / 'widget.zip'))} \([\d,]+ bytes\)",
                        details["archive"])
    files = unzip(tmp_path / "widget.zip")
    assert json.loads(files["manifest.json"])["widget"]["version"] == "2.0.0"
    assert constants(files["script.js"].decode("utf-8"))["WIDGET_VERSION"] == "2.0.0"
    assert (tmp_path / "widget" / "manifest.json").read_bytes() == files["manifest.json"]


def test_cli_without_a_mode_is_a_usage_error(tmp_path: Path) -> None:
    result = invoke("--out-dir", str(tmp_path))
    assert result.exit_code == 2
    assert "Usage:" in result.stderr
    assert "choose one of --prod (release) or --dev (development build)" in result.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--notification-delay", "0", "0 is not in the range 1<=x<=86400"),
        ("--notification-delay", "86401", "86401 is not in the range 1<=x<=86400"),
        ("--min-length-internal-number", "-2", "-2 is not in the range 1<=x<=32"),
        ("--settings-field", "__proto__", "'__proto__' is a member of every JavaScript object"),
        ("--settings-field", "f" * 65, "is 65 characters long; at most 64"),
        ("--out-dir", "", "must not be empty (that would be the current folder)"),
        ("--settings-field", "my-field", "'my-field' is not a valid field code"),
        ("--version", "1.0", "'1.0' is not a version of the form MAJOR.MINOR.PATCH"),
        ("--notification-delay", "soon", "'soon' is not a valid integer"),
    ],
)
def test_cli_refuses_bad_option_values(tmp_path: Path, option: str, value: str, message: str) -> None:
    result = invoke("--prod", "--out-dir", str(tmp_path / "out"), option, value)
    assert result.exit_code == 2
    assert option in result.stderr
    assert message in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(("args", "message"), [
    (["--prod", "--dev"], "choose one of --prod (release) or --dev (development build), not both"),
    (["--dev", "--prod"], "choose one of --prod (release) or --dev (development build), not both"),
    (["--version", "abc", "serve"], "--version before 'serve' would be ignored: put the options after it"),
    (["--prod", "serve"], "--prod before 'serve' would be ignored"),
    (["serve", "--port", "70000"], "70000 is not in the range 0<=x<=65535"),
    (["serve", "--port", "-1"], "-1 is not in the range 0<=x<=65535"),
    (["serve", "--backend-url", "ftp://pbx"], "'ftp://pbx' is not an http:// or https:// URL with a host"),
    (["serve", "--backend-url", "pbx.example.com"], "is not an http:// or https:// URL with a host"),
    (["serve", "--backend-url", "http://pbx:99999"], "Port out of range"),
])
def test_cli_usage_errors_exit_2_before_building(tmp_path: Path, args: list[str], message: str) -> None:
    out_dir = ["--out-dir", str(tmp_path / "out")]
    result = invoke(*args, *out_dir) if args[0] == "serve" else invoke(*args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert message in result.stderr
    assert not (tmp_path / "out").exists()


def test_cli_help_documents_every_option() -> None:
    result = invoke("--help")
    assert result.exit_code == 0
    documented = ["--prod", "--dev", "--debug", "--platform", "--locales", "--out-dir", "--version",
                  "--force-version", "--settings-field", "--notification-delay",
                  "--min-length-internal-number", "--clean", "--sizes", "--help"]
    for option in documented:
        assert re.search(rf"(^|[\s,]){re.escape(option)}(?![\w-])", result.stdout, re.MULTILINE), option
    declared = {opt for param in build_cli.cli.params for opt in param.opts if opt.startswith("--")}
    assert declared | {"--help"} == set(documented)
    text = " ".join(result.stdout.split())
    for default in ("1.0.0", "jsonSettings", "300; 1<=x<=86400", "3; 1<=x<=32"):
        assert f"[default: {default}]" in text
    assert "--force-version" in result.stdout.split("--version", 1)[1]
