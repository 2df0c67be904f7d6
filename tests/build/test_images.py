"""Logos and tour images (widgetbuild/images.py)."""

from __future__ import annotations

import io
import random
from pathlib import Path

import pytest
from PIL import Image

from tests.build.amocrm_rules import LOGO_SIZES as AMOCRM_LOGO_SIZES
from widgetbuild.errors import BuildError
from widgetbuild.images import LOGO_SIZES, MASTERS, fit_tour_image, make_logos, open_image, tour_images

MASTER_SIZES = {"master_wide.png": (480, 168), "master_stacked.png": (400, 272),
                "master_square.png": (216, 216)}


def save(path: Path, image: Image.Image) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, "PNG")
    return path


def noise(size: tuple[int, int], seed: int = 1) -> Image.Image:
    data = random.Random(seed).randbytes(size[0] * size[1] * 3)
    return Image.frombytes("RGB", size, data)


@pytest.fixture
def masters(tmp_path: Path) -> Path:
    colours = {"master_wide.png": (255, 0, 0, 255), "master_stacked.png": (0, 255, 0, 255),
               "master_square.png": (0, 0, 255, 255)}
    for name, size in MASTER_SIZES.items():
        save(tmp_path / "images" / name, Image.new("RGBA", size, colours[name]))
    return tmp_path / "images"


def test_make_logos_gives_the_six_exact_sizes(masters: Path) -> None:
    logos = make_logos(masters)
    assert set(logos) == set(AMOCRM_LOGO_SIZES)
    for name, data in logos.items():
        with Image.open(io.BytesIO(data)) as image:
            assert image.format == "PNG"
            assert image.size == AMOCRM_LOGO_SIZES[name], name
            assert image.mode == "RGBA"


def test_each_logo_is_cut_from_the_master_of_the_closest_shape(masters: Path) -> None:
    logos = make_logos(masters)

    def colour(name: str) -> tuple[int, ...]:
        with Image.open(io.BytesIO(logos[name])) as image:
            return image.convert("RGBA").getpixel((image.width // 2, image.height // 2))

    assert colour("images/logo_medium.png") == (255, 0, 0, 255)  # 240x84: wide
    assert colour("images/logo_main.png") == (0, 255, 0, 255)  # 400x272: stacked
    assert colour("images/logo_min.png") == (0, 0, 255, 255)  # 84x84: square
    assert colour("images/logo_small.png") == (0, 0, 255, 255)


def test_make_logos_is_deterministic(masters: Path) -> None:
    assert make_logos(masters) == make_logos(masters)


def test_logo_sizes_constant() -> None:
    assert {f"images/{name}": size for name, size in LOGO_SIZES.items()} == AMOCRM_LOGO_SIZES


@pytest.mark.parametrize("master", MASTERS)
def test_a_missing_master_is_named(masters: Path, master: str) -> None:
    (masters / master).unlink()
    with pytest.raises(BuildError) as info:
        make_logos(masters)
    assert (info.value.path, info.value.problem) == (str(masters / master), "image is missing")


@pytest.mark.parametrize("content", [b"", b"not a png at all", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40])
def test_an_undecodable_master_is_named(masters: Path, content: bytes) -> None:
    (masters / "master_wide.png").write_bytes(content)
    with pytest.raises(BuildError) as info:
        make_logos(masters)
    assert info.value.path == str(masters / "master_wide.png")
    assert info.value.problem.startswith("cannot decode the image")


def test_open_image_returns_a_loaded_copy(masters: Path) -> None:
    image = open_image(masters / "master_square.png")
    assert image.size == (216, 216)
    (masters / "master_square.png").unlink()
    assert image.getpixel((0, 0)) == (0, 0, 255, 255)


def test_a_small_tour_image_is_kept_byte_identical(tmp_path: Path) -> None:
    path = save(tmp_path / "tour_1.png", noise((60, 40)))
    assert fit_tour_image(path, limit=100_000) == path.read_bytes()


def test_an_image_exactly_at_the_limit_is_kept(tmp_path: Path) -> None:
    path = save(tmp_path / "tour_1.png", noise((60, 40)))
    assert fit_tour_image(path, limit=path.stat().st_size) == path.read_bytes()


def test_a_large_noisy_image_is_shrunk_under_the_limit(tmp_path: Path) -> None:
    path = save(tmp_path / "tour_2.png", noise((400, 300)))
    assert path.stat().st_size > 300_000
    limit = 80_000
    data = fit_tour_image(path, limit)
    assert len(data) <= limit
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        assert image.format == "PNG"
        assert 200 <= image.width < 400
        assert abs(image.width / image.height - 4 / 3) < 0.02


def test_an_image_that_cannot_fit_raises(tmp_path: Path) -> None:
    path = save(tmp_path / "tour_3.png", noise((200, 150)))
    with pytest.raises(BuildError) as info:
        fit_tour_image(path, limit=1000)
    assert info.value.path == str(path)
    assert "cannot fit under 1,000 bytes" in info.value.problem


def test_a_missing_or_broken_tour_image_is_named(tmp_path: Path) -> None:
    with pytest.raises(BuildError) as info:
        fit_tour_image(tmp_path / "gone.png")
    assert (info.value.path, info.value.problem) == (str(tmp_path / "gone.png"), "image is missing")
    (tmp_path / "bad.png").write_bytes(b"garbage")
    with pytest.raises(BuildError) as info:
        fit_tour_image(tmp_path / "bad.png")
    assert info.value.problem.startswith("cannot decode the image")


def test_tour_images_maps_names_into_images(tmp_path: Path) -> None:
    save(tmp_path / "a.png", noise((10, 10)))
    save(tmp_path / "b.png", noise((12, 10), seed=2))
    assert tour_images(tmp_path, ["a.png", "b.png"]) == {"images/a.png": (tmp_path / "a.png").read_bytes(),
                                                        "images/b.png": (tmp_path / "b.png").read_bytes()}
