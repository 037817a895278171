"""The CMS's image intake: pictures verified by decoding, upright, without metadata, under a generated name."""

from __future__ import annotations

import datetime
import io
import re
import struct
import warnings
import zlib
from pathlib import Path

import pytest
from PIL import ExifTags, Image, ImageCms, PngImagePlugin

from wenming.cms.errors import CmsError
from wenming.cms.media import display_name, store_upload
from wenming.source.messages import catalog

TODAY = datetime.date(2026, 11, 30)
STORED = re.compile(r"^images/2026/20261130-[0-9a-f]{12}\.(jpg|png|webp)$")


def encoded(image: Image.Image, image_format: str, **params) -> bytes:
    out = io.BytesIO()
    image.save(out, image_format, **params)
    return out.getvalue()


def two_colour(size=(40, 20)) -> Image.Image:
    """Left half red, right half blue."""
    image = Image.new("RGB", size, (255, 0, 0))
    image.paste((0, 0, 255), (size[0] // 2, 0, size[0], size[1]))
    return image


def gps_photo() -> bytes:
    """A JPEG as a phone writes it: turned by EXIF orientation 6, with GPS position, XMP, comment, ICC profile."""
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif.get_ifd(ExifTags.IFD.GPSInfo).update(
        {ExifTags.GPS.GPSLatitudeRef: "N", ExifTags.GPS.GPSLatitude: (32.0, 59.0, 17.0)}
    )
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    return encoded(two_colour(), "JPEG", exif=exif.tobytes(), comment=b"secret-comment",
                   xmp=b"<x:xmpmeta>secret-xmp</x:xmpmeta>", icc_profile=srgb, quality=95)


def noisy(size=(200, 150)) -> Image.Image:
    """A picture that does not compress to almost nothing (so that cutting the file loses pixels)."""
    return Image.frombytes("RGB", size, bytes((i * 7919) % 251 for i in range(size[0] * size[1] * 3)))


def png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG file whose header claims ``width`` × ``height`` pixels (a decompression bomb's front)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(
        b"IEND", b""
    )


def files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def refusal(tmp_path: Path, filename: str, data: bytes, **limits) -> CmsError:
    with pytest.raises(CmsError) as caught:
        store_upload(tmp_path, filename, data, today=TODAY, **limits)
    assert files_under(tmp_path) == []  # nothing stored, no temporary file left behind
    return caught.value


def test_phone_photo_is_stored_upright_without_gps_or_any_metadata(tmp_path):
    data = gps_photo()
    path = store_upload(tmp_path, "IMG_2041.jpg", data, today=TODAY)

    assert STORED.match(path) and path.endswith(".jpg")
    stored_bytes = (tmp_path / path).read_bytes()
    for secret in (b"Exif", b"PhoneMaker", b"secret-comment", b"secret-xmp", b"ICC_PROFILE"):
        assert secret not in stored_bytes
    with Image.open(tmp_path / path) as stored:
        assert stored.format == "JPEG"
        assert len(stored.getexif()) == 0
        assert not {"exif", "xmp", "comment", "icc_profile"} & set(stored.info)
        assert stored.size == (20, 40)  # orientation 6 applied: width and height swapped
        top, bottom = stored.convert("RGB").getpixel((10, 5)), stored.convert("RGB").getpixel((10, 35))
    assert top[0] > 200 and top[2] < 60  # the stored picture's left half (red) is now the top
    assert bottom[2] > 200 and bottom[0] < 60


def test_png_keeps_its_transparency_and_loses_its_text_chunks(tmp_path):
    image = Image.new("RGBA", (8, 8), (0, 128, 0, 255))
    image.putpixel((0, 0), (0, 0, 0, 0))
    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", "taken at 32.98N 107.76E")
    path = store_upload(tmp_path, "logo.png", encoded(image, "PNG", pnginfo=text), today=TODAY)

    assert path.endswith(".png")
    assert b"32.98N" not in (tmp_path / path).read_bytes()
    with Image.open(tmp_path / path) as stored:
        assert stored.format == "PNG" and stored.mode == "RGBA"
        assert stored.getpixel((0, 0))[3] == 0 and stored.getpixel((4, 4)) == (0, 128, 0, 255)
        assert "Comment" not in stored.info


def test_palette_png_with_a_transparent_colour_stays_transparent(tmp_path):
    image = Image.new("P", (4, 4), 1)
    image.putpalette([255, 255, 255, 200, 0, 0])
    image.putpixel((0, 0), 0)
    path = store_upload(tmp_path, "badge.png", encoded(image, "PNG", transparency=0), today=TODAY)
    with Image.open(tmp_path / path) as stored:
        assert stored.getpixel((0, 0))[3] == 0 and stored.getpixel((1, 1)) == (200, 0, 0, 255)


def test_webp_stays_webp_and_grey_jpeg_stays_grey(tmp_path):
    webp = store_upload(tmp_path, "a.webp", encoded(noisy(), "WEBP"), today=TODAY)
    grey = store_upload(tmp_path, "b.jpg", encoded(Image.new("L", (10, 10), 90), "JPEG"), today=TODAY)
    with Image.open(tmp_path / webp) as stored:
        assert stored.format == "WEBP" and webp.endswith(".webp")
    with Image.open(tmp_path / grey) as stored:
        assert stored.format == "JPEG" and stored.mode == "L"


def test_cmyk_jpeg_is_stored_as_rgb(tmp_path):
    path = store_upload(tmp_path, "print.jpg", encoded(Image.new("CMYK", (10, 10), (0, 255, 255, 0)), "JPEG"),
                        today=TODAY)
    with Image.open(tmp_path / path) as stored:
        assert stored.mode == "RGB"
        red, green, blue = stored.getpixel((5, 5))
    assert red > 200 and green < 60 and blue < 60


def test_the_format_comes_from_the_pixels_not_the_name(tmp_path):
    path = store_upload(tmp_path, "photo.jpg", encoded(Image.new("RGB", (5, 5)), "PNG"), today=TODAY)
    assert path.endswith(".png")


def test_a_text_file_named_jpg_is_refused(tmp_path):
    error = refusal(tmp_path, "report.jpg", "这不是图片，是一段文字。".encode())
    assert error.status == 415 and error.key == "cms.media.not_an_image"
    assert error.message == "report.jpg is not an image in an accepted format; upload a JPEG, PNG or WebP photo"


@pytest.mark.parametrize("filename, data", [
    ("animation.gif", encoded(Image.new("RGB", (5, 5)), "GIF")),
    ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
    ("scan.bmp", encoded(Image.new("RGB", (5, 5)), "BMP")),
    ("scan.tif", encoded(Image.new("RGB", (5, 5)), "TIFF")),
])
def test_other_image_formats_are_refused(tmp_path, filename, data):
    error = refusal(tmp_path, filename, data)
    assert error.status == 415 and filename in error.message


def test_a_truncated_jpeg_is_refused_as_damaged(tmp_path):
    whole = encoded(noisy(), "JPEG", quality=95)
    error = refusal(tmp_path, "cut.jpg", whole[: len(whole) // 2])
    assert error.status == 400 and error.key == "cms.media.damaged" and "cut.jpg" in error.message


def test_an_empty_upload_is_refused(tmp_path):
    error = refusal(tmp_path, "empty.jpg", b"")
    assert error.status == 400 and error.key == "cms.media.empty"


def test_an_upload_over_the_size_limit_is_refused_before_decoding(tmp_path):
    data = encoded(noisy(), "PNG")
    error = refusal(tmp_path, "big.png", data, max_bytes=len(data) - 1)
    assert error.status == 413 and error.key == "cms.media.too_large"
    assert store_upload(tmp_path, "big.png", data, today=TODAY, max_bytes=len(data))  # exactly the limit is fine


def test_a_picture_over_the_pixel_limit_is_refused(tmp_path):
    error = refusal(tmp_path, "wide.png", encoded(Image.new("RGB", (20, 10)), "PNG"), max_pixels=199)
    assert error.status == 413 and error.key == "cms.media.too_many_pixels" and "199" in error.message


@pytest.mark.parametrize("width, height", [(10_000, 10_000), (20_000, 20_000)])
def test_a_decompression_bomb_is_refused_without_decoding_it(tmp_path, width, height):
    # 100 million pixels makes Pillow warn, 400 million makes it raise: both are refusals, even with no limit of ours.
    filters_before = list(warnings.filters)
    error = refusal(tmp_path, "bomb.png", png_declaring(width, height), max_pixels=10**12)
    assert error.status == 413 and error.key == "cms.media.too_many_pixels"
    assert warnings.filters == filters_before


@pytest.mark.parametrize("filename", [
    "../../etc/passwd.jpg", "a/b.jpg", "..\\..\\evil.jpg", "x\x00.php.jpg", "照片" * 300 + ".jpg", "", ".jpg",
])
def test_the_uploaded_name_never_reaches_the_path(tmp_path, filename):
    content = tmp_path / "content"
    path = store_upload(content, filename, encoded(Image.new("RGB", (6, 6), "white"), "JPEG"), today=TODAY)
    assert STORED.match(path)
    assert [p.relative_to(content).as_posix() for p in files_under(tmp_path)] == [path]


def test_the_same_upload_twice_gives_one_file(tmp_path):
    data = gps_photo()
    first = store_upload(tmp_path, "a.jpg", data, today=TODAY)
    modified = (tmp_path / first).stat().st_mtime_ns
    second = store_upload(tmp_path, "b.jpg", data, today=TODAY)
    assert first == second
    assert files_under(tmp_path) == [tmp_path / first]
    assert (tmp_path / first).stat().st_mtime_ns == modified  # not written again
    other = store_upload(tmp_path, "c.jpg", encoded(noisy(), "JPEG"), today=TODAY)
    assert other != first and len(files_under(tmp_path)) == 2


def test_the_year_folder_follows_the_date(tmp_path):
    path = store_upload(tmp_path, "a.png", encoded(Image.new("RGB", (2, 2)), "PNG"), today=datetime.date(2027, 1, 2))
    assert re.match(r"^images/2027/20270102-[0-9a-f]{12}\.png$", path)


def test_an_images_folder_pointing_outside_the_content_is_not_written_to(tmp_path):
    content, elsewhere = tmp_path / "content", tmp_path / "elsewhere"
    (content / "images").mkdir(parents=True)
    elsewhere.mkdir()
    (content / "images").rmdir()
    (content / "images").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(CmsError) as caught:
        store_upload(content, "a.png", encoded(Image.new("RGB", (2, 2)), "PNG"), today=TODAY)
    assert caught.value.key == "cms.media.folder_outside"
    assert list(elsewhere.iterdir()) == []


def test_display_name_is_the_last_part_without_control_characters():
    assert display_name("../../x\x00y.jpg") == "xy.jpg"
    assert display_name("C:\\Users\\张三\\照片.jpg") == "照片.jpg"
    assert len(display_name("长" * 500 + ".jpg")) == 80
    assert str(display_name("\x00\x01")) == "the unnamed file"


def test_refusals_are_explained_in_chinese(tmp_path, monkeypatch):
    monkeypatch.setenv("WENMING_LANG", "zh")
    assert refusal(tmp_path, "报告.jpg", b"not an image").message == (
        "“报告.jpg”不是能识别的图片文件。请上传 JPEG、PNG 或 WebP 格式的照片"
        "（GIF 动图、SVG、HEIC 等格式请先用看图软件“另存为”JPEG 或 PNG）。"
    )
    big = refusal(tmp_path, "活动.png", png_declaring(20_000, 20_000)).message
    assert big.startswith("图片“活动.png”像素太多（超过 50,000,000 像素），无法处理。")
    assert refusal(tmp_path, "", b"x").message.startswith("“未命名的文件”不是能识别的图片文件。")


def test_every_media_message_has_chinese_and_english_with_the_same_placeholders():
    messages = [m for key, m in catalog().items() if key.startswith("cms.media.")]
    assert len(messages) >= 6
    for message in messages:
        assert message.area == "cms_media" and not message.is_code
        assert message.placeholders("zh") == message.placeholders("en"), message.key
