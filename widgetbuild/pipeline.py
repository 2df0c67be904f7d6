"""Run the build stages in order and report each one's time."""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from widgetbuild.archive import check_sizes, zip_bytes
from widgetbuild.build_cache import cached_files, source_files
from widgetbuild.config import BuildConfig
from widgetbuild.errors import BuildError
from widgetbuild.i18n import check_code_keys, load_locales, select_locales
from widgetbuild.images import make_logos, tour_images
from widgetbuild.link import link, link_lazy
from widgetbuild.loader import RECORD_FILE, loader_record, loader_script
from widgetbuild.manifest import render_manifest, validate_manifest
from widgetbuild.manifest import tour_images as manifest_tour_images
from widgetbuild.minify import minify
from widgetbuild.output import check_out_dir, publish
from widgetbuild.paths import shown
from widgetbuild.transpile import CARD_MODULE, ENTRY_MODULE, transpile, transpile_incremental

ENTRY_FUNCTION = "make_callbacks"
# The post-call card's bundle: loaded by script.js on demand (RequireJS), exports ``start(host)``.
CARD_FILE = "postcall.js"
CARD_FUNCTION = "start"
# build.py keeps the incremental build cache here, inside the output folder.
CACHE_DIR_NAME = ".cache"

T = TypeVar("T")
Progress = Callable[[str, float, str], None]


@dataclass
class BuildResult:
    """What a build produced: the archive's path and contents, and the time of each stage."""

    zip_path: Path
    files: dict[str, bytes]
    timings: dict[str, float] = field(default_factory=dict)
    linked: str = ""  # script.js before minifying, with the linker's module markers (for the size map)


def _timed(work: Callable[[], T]) -> tuple[T, float]:
    started = time.perf_counter()
    value = work()
    return value, time.perf_counter() - started


def _json_bytes(tree: Any) -> bytes:
    return (json.dumps(tree, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _files_if_dir(root: Path) -> dict[str, bytes]:
    return source_files(root) if root.is_dir() else {}


def build(config: BuildConfig, progress: Progress | None = None) -> BuildResult:
    """Build ``config.zip_path`` from the sources; raise :class:`BuildError` on bad input.

    ``progress(stage, seconds, detail)`` is called after each stage.
    """
    check_out_dir(config)  # before the work, not after it
    timings: dict[str, float] = {}

    def report(name: str, seconds: float, detail: str) -> None:
        timings[name] = seconds
        if progress:
            progress(name, seconds, detail)

    def stage(name: str, work: Callable[[], T], detail: Callable[[T], str] = lambda _: "") -> T:
        value, seconds = _timed(work)
        report(name, seconds, detail(value))
        return value

    context = {"version": config.version, "settings_field": config.settings_field,
               "platform": config.platform.title, "locales": list(config.shipped_locales)}
    blank = config.blank_dir

    def locales() -> dict[str, Any]:
        # Every locale file is checked (key parity, the code's keys), whichever platform is built.
        every = load_locales(blank / "i18n", context)
        check_code_keys(config.source_dir, config.source_dir.parent, every)
        return select_locales(every, config.shipped_locales, blank / "i18n")

    trees = stage("i18n", locales, lambda t: ", ".join(t))

    def manifest() -> dict[str, Any]:
        rendered = render_manifest(blank, context)
        validate_manifest(rendered, blank / "manifest.json.j2", trees, config.settings_field, config.version,
                          blank / "tour")
        return rendered

    rendered = stage("manifest", manifest, lambda m: f"version {m['widget']['version']}")

    def make_images() -> dict[str, bytes]:
        return {**make_logos(blank / "images"), **tour_images(blank / "tour", manifest_tour_images(rendered))}

    def images() -> dict[str, bytes]:
        if config.cache_dir is None:
            return make_images()
        inputs = {f"images/{name}": data for name, data in _files_if_dir(blank / "images").items()}
        inputs.update({f"tour/{name}": data for name, data in _files_if_dir(blank / "tour").items()})
        inputs["tour list"] = json.dumps(manifest_tour_images(rendered)).encode()
        # A changed image maker invalidates.
        inputs["make"] = Path(make_logos.__code__.co_filename).read_bytes()
        return cached_files(config.cache_dir / "images.zip", inputs, make_images)

    # Pillow releases the GIL and Transcrypt runs in its own process: images overlap the transpile.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending_images = pool.submit(_timed, images)
        card: list[str] = []

        def linked(target: Path) -> str:
            def both() -> str:
                card.append(link_lazy(target, CARD_MODULE, CARD_FUNCTION))
                return link(target, ENTRY_MODULE, ENTRY_FUNCTION, config.dev)

            return stage("link", both, lambda s: f"{len(s.encode()):,} + {len(card[0].encode()):,} bytes")

        if config.loader_url is not None:
            script = stage("loader", lambda: loader_script(config.loader_url),
                           lambda _: f"loads {config.loader_url}")
        elif config.cache_dir is not None:
            (target, plan), seconds = _timed(
                lambda: transpile_incremental(config, config.cache_dir, config.clean))
            report("transpile", seconds, plan.describe(len(list(target.glob("*.js")))))
            script = linked(target)
        else:
            with tempfile.TemporaryDirectory(prefix="asteriskng-build-") as staging:
                script = linked(stage("transpile", lambda: transpile(config, Path(staging)),
                                      lambda t: f"{len(list(t.glob('*.js')))} modules"))
        linked = script
        if not config.dev and config.loader_url is None:
            script = stage("minify", lambda: minify(script), lambda s: f"{len(s.encode()):,} bytes")
            card[0] = minify(card[0])
        image_files, seconds = pending_images.result()
        report("images", seconds, f"{len(image_files)} files")
    files = {"manifest.json": _json_bytes(rendered), "script.js": script.encode("utf-8"), **image_files}
    files.update({f"i18n/{locale}.json": _json_bytes(tree) for locale, tree in trees.items()})
    if config.loader_url is not None:
        files[RECORD_FILE] = loader_record(config.loader_url)
    else:
        files[CARD_FILE] = card[0].encode("utf-8")

    def archive() -> bytes:
        check_sizes(files)
        data = zip_bytes(files)
        try:
            publish(config.zip_path, data, config.unpacked_dir if config.dev else None, files)
        except OSError as error:
            raise BuildError(error.filename or config.out_dir,
                             f"cannot write the output ({error.strerror})") from None
        return data

    stage("archive", archive, lambda data: f"{shown(config.zip_path)} ({len(data):,} bytes)")
    return BuildResult(config.zip_path, files, timings, linked)
