"""Derive amoCRM's logos from master images and fit tour images under the size limit."""

from __future__ import annotations

import io
import math
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from widgetbuild.archive import MAX_FILE_BYTES
from widgetbuild.errors import BuildError

# amoCRM's exact pixel sizes (docs/amocrm-platform.md §7; logo_dp for the Digital Pipeline).
LOGO_SIZES: dict[str, tuple[int, int]] = {
    "logo.png": (130, 100),
    "logo_min.png": (84, 84),
    "logo_medium.png": (240, 84),
    "logo_main.png": (400, 272),
    "logo_small.png": (108, 108),
    "logo_dp.png": (174, 109),
}
# The designs differ by shape (one-line wordmark, stacked, square), so each size is cut from
# the master whose proportions are closest: cropping a wordmark to a square would lose letters.
MASTERS = ("master_wide.png", "master_stacked.png", "master_square.png")
# Below this share of the original width a tour screenshot stops being readable.
MIN_TOUR_SCALE = 0.5


def open_image(path: Path) -> Image.Image:
    """Load an image fully, or fail naming the file."""
    if not path.is_file():
        raise BuildError(path, "image is missing")
    try:
        with Image.open(path) as image:
            image.load()
            return image.copy()
    except Image.DecompressionBombError:
        # Pillow refuses to decode more pixels than its limit: a tiny file can claim gigabytes.
        raise BuildError(path, f"the image has more than {Image.MAX_IMAGE_PIXELS * 2:,} pixels (Pillow's "
                               "decompression-bomb limit): "
                               "use a master of a few thousand pixels a side") from None
    except (UnidentifiedImageError, OSError, SyntaxError) as error:
        raise BuildError(path, f"cannot decode the image ({error})") from None


def png_bytes(image: Image.Image) -> bytes:
    """PNG encoding without metadata, deterministic for equal pixels."""
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def _closest_master(masters: dict[str, Image.Image], size: tuple[int, int]) -> Image.Image:
    ratio = size[0] / size[1]
    return min(masters.values(), key=lambda m: abs(math.log((m.width / m.height) / ratio)))


def make_logos(images_dir: Path) -> dict[str, bytes]:
    """``images/<logo>`` -> PNG bytes at amoCRM's sizes, cut from the masters in ``images_dir``."""
    masters = {name: open_image(images_dir / name).convert("RGBA") for name in MASTERS}
    logos = {}
    for name, size in LOGO_SIZES.items():
        master = _closest_master(masters, size)
        logos[f"images/{name}"] = png_bytes(ImageOps.fit(master, size, Image.Resampling.LANCZOS))
    return logos


def _palette_png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    has_alpha = image.mode == "RGBA" and image.getextrema()[3][0] < 255
    source = image.convert("RGBA" if has_alpha else "RGB")
    source.quantize(256, method=Image.Quantize.FASTOCTREE).save(buffer, "PNG", compress_level=9)
    return buffer.getvalue()


def fit_tour_image(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The tour image's bytes, recompressed (then scaled down) only if it exceeds ``limit``."""
    image = open_image(path)  # a missing or undecodable file fails here, naming it
    original = path.read_bytes()
    if len(original) <= limit:
        return original
    scale = 1.0
    while scale >= MIN_TOUR_SCALE:
        size = (round(image.width * scale), round(image.height * scale))
        data = _palette_png(image if scale == 1.0 else image.resize(size, Image.Resampling.LANCZOS))
        if len(data) <= limit:
            return data
        scale -= 0.1
    raise BuildError(path, f"cannot fit under {limit:,} bytes even at half size: "
                           "use a simpler or smaller image")


def tour_images(tour_dir: Path, names: list[str]) -> dict[str, bytes]:
    """``images/<name>`` -> bytes for each tour image the manifest names."""
    return {f"images/{name}": fit_tour_image(tour_dir / name) for name in names}
