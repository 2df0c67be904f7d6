"""Run the build stages in order and report each one's time."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from widgetbuild.archive import check_sizes, zip_bytes
from widgetbuild.build_cache import cached_files, source_files
from widgetbuild.config import BuildConfig
from widgetbuild.errors import BuildError
from widgetbuild.i18n import check_code_keys, keys_memo, load_locales, select_locales
from widgetbuild.link import link, link_lazy
from widgetbuild.loader import RECORD_FILE, loader_record, loader_script
from widgetbuild.manifest import render_manifest, validate_manifest
from widgetbuild.manifest import tour_images as manifest_tour_images
from widgetbuild.minify import minify
from widgetbuild.output import check_out_dir, publish
from widgetbuild.paths import shown
from widgetbuild.transpile import CARD_MODULE, ENTRY_MODULE, Transpile

ENTRY_FILE = "script.js"
ENTRY_FUNCTION = "make_callbacks"
# The post-call card's bundle: loaded by script.js on demand (RequireJS), exports ``start(host)``.
CARD_FILE = "postcall.js"
CARD_FUNCTION = "start"
# build.py keeps the incremental build cache here, inside the output folder.
CACHE_DIR_NAME = ".cache"
# The image maker: a change to it invalidates the cached images.
IMAGE_MAKER = Path(__file__).with_name("images.py")
# The linker: a change to it invalidates the cached bundles.
LINKER = Path(__file__).with_name("link.py")

T = TypeVar("T")
Progress = Callable[[str, float, str], None]


@dataclass
class BuildResult:
    """What a build produced: the archive's path and contents, and the linked script.js."""

    zip_path: Path
    files: dict[str, bytes]
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
    def report(name: str, seconds: float, detail: str) -> None:
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
        memo = None if config.cache_dir is None else keys_memo(config.cache_dir)
        check_code_keys(config.source_dir, config.source_dir.parent, every, memo)
        if memo is not None:
            memo.save()
        return select_locales(every, config.shipped_locales, blank / "i18n")

    def manifest(trees: dict[str, Any]) -> dict[str, Any]:
        rendered = render_manifest(blank, context)
        validate_manifest(rendered, blank / "manifest.json.j2", trees, config.settings_field, config.version,
                          blank / "tour")
        return rendered

    def images(rendered: dict[str, Any]) -> dict[str, bytes]:
        def make() -> dict[str, bytes]:
            # Imported only when the images are made: Pillow's import would delay Transcrypt's start.
            from widgetbuild.images import make_logos, tour_images

            tour = tour_images(blank / "tour", manifest_tour_images(rendered))
            return {**make_logos(blank / "images"), **tour}

        if config.cache_dir is None:
            return make()
        inputs = {f"images/{name}": data for name, data in _files_if_dir(blank / "images").items()}
        inputs.update({f"tour/{name}": data for name, data in _files_if_dir(blank / "tour").items()})
        inputs["tour list"] = json.dumps(manifest_tour_images(rendered)).encode()
        # A changed image maker invalidates.
        inputs["make"] = IMAGE_MAKER.read_bytes()
        return cached_files(config.cache_dir / "images.zip", inputs, make)

    def linked(target: Path) -> dict[str, str]:
        def both() -> dict[str, bytes]:
            return {ENTRY_FILE: link(target, ENTRY_MODULE, ENTRY_FUNCTION, config.dev).encode("utf-8"),
                    CARD_FILE: link_lazy(target, CARD_MODULE, CARD_FUNCTION).encode("utf-8")}

        def cached() -> dict[str, bytes]:
            if config.cache_dir is None:
                return both()
            # The linked bundles depend on nothing but the targets, the linker and what it is told.
            inputs = {f"target/{name}": data for name, data in source_files(target).items()}
            inputs["link"] = LINKER.read_bytes()
            told = [ENTRY_MODULE, ENTRY_FUNCTION, CARD_MODULE, CARD_FUNCTION, config.dev]
            inputs["entries"] = json.dumps(told).encode()
            return cached_files(config.cache_dir / f"link-{config.mode}.zip", inputs, both)

        bundles = stage("link", cached, lambda b: f"{len(b[ENTRY_FILE]):,} + {len(b[CARD_FILE]):,} bytes")
        return {name: data.decode("utf-8") for name, data in bundles.items()}

    started = time.perf_counter()
    # Transcrypt runs in its own process from here on; the other stages run meanwhile.
    job = None if config.loader_url is not None else Transpile(config)
    try:
        if job is not None:
            job.check()
        trees = stage("i18n", locales, lambda t: ", ".join(t))
        rendered = stage("manifest", lambda: manifest(trees), lambda m: f"version {m['widget']['version']}")
        # Pillow releases the GIL: the images overlap the transpile and the link.
        with ThreadPoolExecutor(max_workers=1) as pool:
            pending_images = pool.submit(_timed, lambda: images(rendered))
            if job is None:
                scripts = {ENTRY_FILE: stage("loader", lambda: loader_script(config.loader_url),
                                             lambda _: f"loads {config.loader_url}")}
            else:
                target = job.wait()
                report("transpile", time.perf_counter() - started,
                       job.plan.describe(len(list(target.glob("*.js")))))
                scripts = linked(target)
            linked_script = scripts[ENTRY_FILE]
            if not config.dev and job is not None:
                linked = scripts
                scripts = stage("minify", lambda: {name: minify(script) for name, script in linked.items()},
                                lambda m: f"{len(m[ENTRY_FILE].encode()):,} + "
                                          f"{len(m[CARD_FILE].encode()):,} bytes")
            image_files, seconds = pending_images.result()
            report("images", seconds, f"{len(image_files)} files")
    except BaseException:
        if job is not None:
            job.abort()
        raise
    finally:
        if job is not None:
            job.close()
    files = {"manifest.json": _json_bytes(rendered), **image_files}
    files.update({name: script.encode("utf-8") for name, script in scripts.items()})
    files.update({f"i18n/{locale}.json": _json_bytes(tree) for locale, tree in trees.items()})
    if config.loader_url is not None:
        files[RECORD_FILE] = loader_record(config.loader_url)

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
    return BuildResult(config.zip_path, files, linked_script)
