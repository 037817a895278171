"""Broken pictures: a truncated JPEG (whose header passes Image.verify) and a decompression bomb give a coded
error naming the content file that shows the picture and the picture's path; exit 1, no traceback, and the
previous site stays in place."""

from __future__ import annotations

import multiprocessing
import struct
import zlib

import pytest
from conftest import run_cli
from PIL import Image
from sitekit import make_site, news, write_news, write_picture

from wenming.build.pipeline import build
from wenming.cms.errors import CmsError
from wenming.cms.media import decode_upload
from wenming.media.images import MAX_PIXELS
from wenming.model.site import load_site
from wenming.source.diagnostics import ContentError


def truncated_jpeg(path, size=(1200, 900)):
    """A JPEG cut off halfway through its image data: opens and verifies, fails when decoded."""
    full = write_picture(path.parent.parent, f"{path.parent.name}/{path.name}", size=size)
    data = full.read_bytes()
    full.write_bytes(data[: len(data) // 2])
    with Image.open(full) as image:
        image.verify()  # the header is fine: only decoding finds the damage
    return full


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def huge_png(path, width, height):
    """A tiny file declaring ``width`` × ``height`` pixels (a decompression bomb's header)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header)
                     + _png_chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + _png_chunk(b"IEND", b""))
    return path


def test_a_truncated_jpeg_fails_the_build_naming_the_report_and_the_image(tmp_path):
    content = make_site(tmp_path, {"a.md": news(slug="a", body="第一段。\n\n![现场](images/cut.jpg)\n"),
                                   "b.md": news(slug="b", cover="images/cut.jpg")})
    truncated_jpeg(content / "images/cut.jpg")
    with pytest.raises(ContentError) as failure:
        build(content, tmp_path / "output")
    lines = [d.format() for d in failure.value.diagnostics]
    assert [line.split(" (", 1)[0] for line in lines] == [
        "content/news/a.md:10: error[E304]: image images/cut.jpg is damaged and cannot be read",
        "content/news/b.md:6: error[E304]: image images/cut.jpg is damaged and cannot be read",
    ]
    assert "truncated" in lines[0] and "export it again from the original photo" in lines[0]
    assert multiprocessing.active_children() == []
    assert not (tmp_path / "output" / "site").exists()


@pytest.mark.parametrize("size", [(20000, 20000), (10000, 9000), (8000, 6251)],
                         ids=["Pillow's error", "Pillow's warning", "over our limit"])
def test_a_picture_with_too_many_pixels_is_an_error_naming_the_report(content, size):
    huge_png(content / "images/bomb.png", *size)
    write_news(content, "a.md", news(body="![巨图](images/bomb.png)"))
    _model, diagnostics = load_site(content)
    assert [d.format() for d in diagnostics.errors] == [
        "content/news/a.md:7: error[E303]: body: images/bomb.png has too many pixels to process (more than "
        "50,000,000); save it at a normal photo size, such as 4000 pixels wide",
    ]


def test_the_build_and_a_cms_upload_take_the_same_pictures(content):
    """One pixel limit: a 50-megapixel picture passes both, one pixel row more is refused by both."""
    for name, height in (("fits.png", 6250), ("over.png", 6251)):
        (content / "images").mkdir(exist_ok=True)
        Image.new("1", (8000, height)).save(content / "images" / name)
        write_news(content, f"{name}.md", news(slug=name[:-4], body=f"![图](images/{name})"))
    _model, diagnostics = load_site(content)
    assert [(d.code, d.path) for d in diagnostics.errors] == [("E303", "content/news/over.png.md")]
    assert decode_upload((content / "images/fits.png").read_bytes(), "fits.png", MAX_PIXELS)[0].size == (8000, 6250)
    with pytest.raises(CmsError) as refused:
        decode_upload((content / "images/over.png").read_bytes(), "over.png", MAX_PIXELS)
    assert refused.value.key == "cms.media.too_many_pixels"


def test_the_command_line_reports_broken_images_without_a_traceback_and_keeps_the_site(tmp_path):
    content = make_site(tmp_path, {"a.md": news(slug="a", body="第一段。\n\n![现场](images/ok.jpg)\n")})
    write_picture(content, "images/ok.jpg")
    output = tmp_path / "output"
    first = run_cli("build", "--content", str(content), "--output", str(output))
    assert first.returncode == 0, first.stderr
    page = (output / "site/news/a/index.html").read_bytes()

    truncated_jpeg(content / "images/cut.jpg")
    huge_png(content / "images/bomb.png", 20000, 20000)
    write_news(content, "b.md", news(slug="b", cover="images/cut.jpg"))
    write_news(content, "c.md", news(slug="c", body="![巨图](images/bomb.png)"))
    bomb = run_cli("build", "--content", str(content), "--output", str(output))
    assert bomb.returncode == 1 and "Traceback" not in bomb.stderr
    assert "content/news/c.md:8: error[E303]: body: images/bomb.png has too many pixels" in bomb.stderr

    (content / "news/c.md").unlink()
    cut = run_cli("build", "--content", str(content), "--output", str(output))
    assert cut.returncode == 1 and "Traceback" not in cut.stderr
    assert "content/news/b.md:6: error[E304]: image images/cut.jpg is damaged and cannot be read" in cut.stderr
    assert (output / "site/news/a/index.html").read_bytes() == page
    assert not (output / "site/news/b").exists()
