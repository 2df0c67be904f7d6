"""Render ``blank/manifest.json.j2`` and check it against amoCRM's rules before zipping."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from widgetbuild.errors import BuildError
from widgetbuild.i18n import flatten
from widgetbuild.paths import shown
from widgetbuild.templating import render_json

TEMPLATE = "manifest.json.j2"
REQUIRED_WIDGET_KEYS = ("name", "description", "short_description", "version", "interface_version",
                        "locale", "installation")
TEXT_KEYS = ("name", "description", "short_description")
# Where the manifest refers to tour images: the archive's images/ folder.
ARCHIVE_IMAGES = "/images/"


def render_manifest(blank_dir: Path, context: dict[str, Any]) -> dict[str, Any]:
    """The manifest as a JSON object, rendered from the template in ``blank_dir``."""
    manifest = render_json(blank_dir / TEMPLATE, context)
    if not isinstance(manifest, dict):
        raise BuildError(blank_dir / TEMPLATE, "the manifest must be a JSON object")
    return manifest


def _require(condition: bool, path: Path, problem: str) -> None:
    if not condition:
        raise BuildError(path, problem)


def text_keys(manifest: dict[str, Any]) -> list[str]:
    """Every i18n key the manifest refers to (widget texts, tour text, setting names)."""
    widget = manifest["widget"]
    keys = [widget[key] for key in TEXT_KEYS]
    if "tour" in manifest:
        keys.append(manifest["tour"]["tour_description"])
    keys += [field["name"] for field in manifest.get("settings", {}).values()]
    return keys


def validate_manifest(manifest: dict[str, Any], path: Path, locales: dict[str, Any],
                      settings_field: str, version: str, tour_dir: Path) -> None:
    """Check the rendered manifest: required fields, interface version, locales, texts, images."""
    widget = manifest.get("widget")
    _require(isinstance(widget, dict), path, "the 'widget' object is missing")
    for key in REQUIRED_WIDGET_KEYS:
        _require(key in widget, path, f"widget.{key} is required")
    _require(widget["interface_version"] == 2, path, "widget.interface_version must be 2")
    _require(widget["version"] == version, path, f"widget.version must be the build's version {version!r}")
    _require(isinstance(widget["installation"], bool), path, "widget.installation must be true or false")
    declared = widget["locale"]
    _require(isinstance(declared, list) and declared, path, "widget.locale must be a non-empty list")
    _require(sorted(declared) == sorted(locales), path,
             f"widget.locale declares {sorted(declared)} but i18n/ has files for {sorted(locales)}: "
             "amoCRM wants exactly one i18n file per declared locale")
    locations = manifest.get("locations")
    _require(isinstance(locations, list) and locations, path, "'locations' must be a non-empty list")
    settings = manifest.get("settings")
    _require(isinstance(settings, dict) and list(settings) == [settings_field], path,
             f"'settings' must declare exactly the field {settings_field!r}")
    for code, spec in settings.items():
        _require(isinstance(spec, dict), path, f"settings.{code} must be an object")
        for key in ("name", "type", "required"):
            _require(key in spec, path, f"settings.{code}.{key} is required")
    if "tour" in manifest:
        _validate_tour(manifest["tour"], path, locales, tour_dir)
    for locale, tree in sorted(locales.items()):
        flat = flatten(tree, Path(f"i18n/{locale}.json"))
        for key in text_keys(manifest):
            _require(key in flat, path, f"text key {key!r} is missing from i18n/{locale}.json")


def _validate_tour(tour: Any, path: Path, locales: dict[str, Any], tour_dir: Path) -> None:
    """The tour: an object with its text and, per declared locale, a list of images the archive holds."""
    _require(isinstance(tour, dict), path, "'tour' must be an object")
    _require(tour.get("is_tour") is True, path, "tour.is_tour must be true")
    _require(isinstance(tour.get("tour_description"), str), path,
             "tour.tour_description is required (a text key)")
    images_by_locale = tour.get("tour_images", {})
    _require(isinstance(images_by_locale, dict), path,
             "tour.tour_images must be an object: locale -> list of image paths")
    for locale, images in images_by_locale.items():
        _require(locale in locales, path, f"tour.tour_images has images for undeclared locale {locale!r}")
        _require(isinstance(images, list) and all(isinstance(i, str) for i in images), path,
                 f"tour.tour_images.{locale} must be a list of image paths")
        for image in images:
            # The build puts tour images at images/<name> in the archive; amoCRM resolves the
            # manifest's paths against the archive root, so any other folder would be a broken image.
            _require(image == f"{ARCHIVE_IMAGES}{Path(image).name}", path,
                     f"tour image {image} is not where the archive puts it: write {ARCHIVE_IMAGES}<file>")
            _require((tour_dir / Path(image).name).is_file(), path,
                     f"tour image {image} has no source file in {shown(tour_dir)}")


def tour_images(manifest: dict[str, Any]) -> list[str]:
    """File names of the tour images the manifest refers to."""
    names = {Path(image).name for images in manifest.get("tour", {}).get("tour_images", {}).values()
             for image in images}
    return sorted(names)
