"""decode_image: every odd and bad file kind loads as RGB or fails with a one-line reason."""

from __future__ import annotations

import io
import time

import numpy as np
import pytest
from PIL import Image, ImageFile

from cnn_studio.core.data.decode import ImageDecodeError, decode_image
from tests.core.datafiles import bomb_png_bytes


def _save(img: Image.Image, path, fmt=None, **kw):
    img.save(path, format=fmt, **kw)
    return path


@pytest.mark.parametrize("mode", ["L", "P", "RGBA", "LA", "1", "CMYK", "I;16", "I"])
def test_every_mode_loads_as_rgb(tmp_path, mode):
    base = Image.new("RGB", (10, 10), (255, 255, 255))
    if mode == "I;16":
        arr = np.full((10, 10), 65535, np.uint16)
        img = Image.fromarray(arr)
    elif mode == "I":
        img = Image.fromarray(np.full((10, 10), 65535, np.int32))
    elif mode == "CMYK":
        img = base.convert("CMYK")
    else:
        img = base.convert(mode)
    ext = "jpg" if mode == "CMYK" else "tif" if mode == "I" else "png"
    path = _save(img, tmp_path / f"x.{ext}")
    out = decode_image(path, 10)
    assert out.shape == (3, 10, 10) and out.dtype == np.uint8
    assert out.min() >= 245, f"{mode} white did not stay white: {out.min()}"


def test_rgba_transparent_composites_on_white(tmp_path):
    img = Image.new("RGBA", (4, 4), (255, 0, 0, 0))
    out = decode_image(_save(img, tmp_path / "t.png"), 4)
    assert (out == 255).all()


def test_16bit_gray_scales_to_8bit(tmp_path):
    arr = np.full((4, 4), 32768, np.uint16)
    out = decode_image(_save(Image.fromarray(arr), tmp_path / "g16.png"), 4)
    assert abs(int(out[0, 0, 0]) - 128) <= 1


def test_jpeg_with_png_name_loads(tmp_path):
    path = tmp_path / "really_a_jpeg.png"
    _save(Image.new("RGB", (16, 16), (0, 0, 250)), path, fmt="JPEG", quality=95)
    out = decode_image(path, 16)
    assert out[2].mean() > 230 and out[0].mean() < 20


def test_animated_gif_uses_first_frame(tmp_path):
    frames = [Image.new("RGB", (8, 8), (255, 0, 0)), Image.new("RGB", (8, 8), (0, 255, 0))]
    path = tmp_path / "anim.gif"
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=50, loop=0)
    assert Image.open(path).n_frames == 2
    out = decode_image(path, 8)
    assert out[0].mean() > 240 and out[1].mean() < 15


def test_oversized_is_resized_and_centre_cropped(tmp_path):
    arr = np.zeros((40, 80, 3), np.uint8)
    arr[:, 20:60] = (0, 255, 0)  # the centre square of a 80 x 40 image is green
    out = decode_image(_save(Image.fromarray(arr), tmp_path / "wide.png"), 20)
    assert out.shape == (3, 20, 20)
    assert out[1].mean() > 240 and out[0].mean() < 10


@pytest.mark.parametrize("content,reason", [
    (b"", "empty file"),
    (b"hello, I am text", "not an image"),
])
def test_bad_files_have_reasons(tmp_path, content, reason):
    path = tmp_path / "bad.png"
    path.write_bytes(content)
    with pytest.raises(ImageDecodeError) as info:
        decode_image(path, 8)
    assert reason in info.value.reason
    assert str(path) in str(info.value)


def test_truncated_png_is_a_problem(tmp_path):
    rng = np.random.default_rng(0)
    buf = io.BytesIO()
    Image.fromarray(rng.integers(0, 256, (64, 64, 3), dtype=np.uint8)).save(buf, "PNG")
    data = buf.getvalue()
    path = tmp_path / "cut.png"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ImageDecodeError) as info:
        decode_image(path, 8)
    assert "truncated" in info.value.reason or "cannot decode" in info.value.reason


def test_truncated_jpeg_is_a_problem(tmp_path):
    rng = np.random.default_rng(1)
    buf = io.BytesIO()
    Image.fromarray(rng.integers(0, 256, (64, 64, 3), dtype=np.uint8)).save(buf, "JPEG")
    path = tmp_path / "cut.jpg"
    path.write_bytes(buf.getvalue()[:600])
    with pytest.raises(ImageDecodeError):
        decode_image(path, 8)


def test_decompression_bomb_refused_without_loading_pixels(tmp_path, monkeypatch):
    path = tmp_path / "bomb.png"
    path.write_bytes(bomb_png_bytes())
    loads = []
    original = ImageFile.ImageFile.load
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda self: loads.append(1) or original(self))
    start = time.perf_counter()
    with pytest.raises(ImageDecodeError) as info:
        decode_image(path, 32)
    assert "too large" in info.value.reason and "bomb" in info.value.reason
    assert loads == []
    assert time.perf_counter() - start < 1.0


def test_moderate_bomb_over_our_limit_but_under_pillows(tmp_path, monkeypatch):
    path = tmp_path / "big.png"
    path.write_bytes(bomb_png_bytes(9000, 6000))  # 54 MP: over our 50 MP, under Pillow's 89 MP
    loads = []
    original = ImageFile.ImageFile.load
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda self: loads.append(1) or original(self))
    with pytest.raises(ImageDecodeError) as info:
        decode_image(path, 32)
    assert "9000 x 6000" in info.value.reason
    assert loads == []


def test_bytes_and_file_objects_decode_the_same(tmp_path):
    path = tmp_path / "a.png"
    Image.new("RGB", (12, 12), (10, 20, 30)).save(path)
    a = decode_image(path, 6)
    b = decode_image(path.read_bytes(), 6)
    with open(path, "rb") as fh:
        c = decode_image(fh, 6)
    assert np.array_equal(a, b) and np.array_equal(a, c)
    assert tuple(a[:, 0, 0]) == (10, 20, 30)


def test_one_list_of_image_extensions():
    """IMAGE_EXTENSIONS is the only list: no other module spells the extensions out again."""
    from pathlib import Path

    from cnn_studio.core.data.decode import IMAGE_EXTENSIONS, image_name_patterns, is_image_name

    assert image_name_patterns() == "*.bmp *.gif *.jpeg *.jpg *.png *.tif *.tiff *.webp"
    assert is_image_name("a.JPG") and not is_image_name("notes.txt") and not is_image_name(".png")
    package = Path(__file__).resolve().parents[2] / "cnn_studio"
    spelled = [str(p.relative_to(package)) for p in package.rglob("*.py")
               if ".webp" in p.read_text(encoding="utf-8") and p.name != "decode.py"]
    assert spelled == [] and ".webp" in IMAGE_EXTENSIONS
