"""Responsive images: validation errors, variants, EXIF orientation, stripped metadata, the cache."""

from __future__ import annotations

import io

import pytest
from conftest import soup
from PIL import Image
from sitekit import make_site, news, write_news

from wenming.build.pipeline import build
from wenming.model.site import load_site


def make_photo(path, size=(2000, 1000), orientation=None, color=(180, 40, 40)):
    path.parent.mkdir(parents=True, exist_ok=True)
    image = Image.new("RGB", size, color)
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"  # Make: metadata that must not survive
    if orientation:
        exif[0x0112] = orientation
    image.save(path, "JPEG", exif=exif.tobytes())
    return path


@pytest.fixture
def photo_site(tmp_path):
    content = make_site(tmp_path, {"a.md": news(slug="a", cover="images/cover.jpg",
                                                body="正文。\n\n![宣讲现场](images/body.jpg)\n")})
    make_photo(content / "images/cover.jpg")
    make_photo(content / "images/body.jpg", size=(600, 1200), orientation=6)  # rotated 90° by EXIF
    return content


def test_cover_and_body_images_become_responsive_pictures(photo_site, tmp_path):
    site = build(photo_site, tmp_path / "output").site_dir
    page = soup(site / "news/a/index.html")
    cover = page.select_one(".report-cover picture")
    source, img = cover.source, cover.img
    assert source["type"] == "image/webp"
    assert [c.split()[1] for c in source["srcset"].split(", ")] == ["480w", "960w", "1600w"]
    assert img["width"] == "960" and img["height"] == "480"
    assert img["fetchpriority"] == "high" and not img.has_attr("loading")  # above the fold
    assert img["alt"] == "城北街道开展宣讲活动（封面图片）"
    body = page.select_one(".report-body picture img")
    assert body["loading"] == "lazy" and body["alt"] == "宣讲现场"
    # EXIF orientation 6 turns 600×1200 into 1200×600
    assert (body["width"], body["height"]) == ("960", "480")
    for url in [img["src"], body["src"], *(c.split()[0] for c in source["srcset"].split(", "))]:
        assert (site / url.lstrip("/")).is_file(), url
    list_card = soup(site / "column/index.html").select_one(".report-thumb img")
    assert list_card["loading"] == "lazy"


def test_variants_have_no_metadata_and_are_not_upscaled(photo_site, tmp_path):
    site = build(photo_site, tmp_path / "output").site_dir
    body_img = soup(site / "news/a/index.html").select_one(".report-body picture img")
    widths = [c.split()[1] for c in body_img["srcset"].split(", ")]
    assert widths == ["480w", "960w", "1200w"]  # 1600 would upscale the 1200-wide (rotated) image
    largest = site / body_img["srcset"].split(", ")[-1].split()[0].lstrip("/")
    with Image.open(largest) as variant:
        assert variant.size == (1200, 600)
        assert not variant.getexif()


def test_unchanged_images_are_never_processed_again(photo_site, tmp_path):
    messages = []
    build(photo_site, tmp_path / "output", progress=messages.append)
    assert any("12 newly processed" in m for m in messages), messages
    messages.clear()
    build(photo_site, tmp_path / "output", progress=messages.append, force=True)
    assert any("(0 newly processed" in m for m in messages), messages


def _errors(content):
    model, diagnostics = load_site(content)
    return [d.format() for d in diagnostics.errors]


def test_missing_and_invalid_images_are_errors_with_lines(content):
    (content / "images").mkdir()
    (content / "images/broken.jpg").write_bytes(b"not really a jpeg")
    write_news(content, "a.md", news(cover="images/none.jpg", body="第一段。\n\n![现场](images/broken.jpg)"))
    cover, body = _errors(content)
    # The cover is recorded by the model's reference checks, with the code of the ImageProblem (E301).
    assert cover.replace("error[E301]:", "error:") == (
        "content/news/a.md:5: error: cover: image images/none.jpg does not exist (paths are relative to content/)")
    assert body == ("content/news/a.md:10: error[E302]: body: images/broken.jpg is not a valid image "
                    "(UnidentifiedImageError); use a JPEG, PNG or WebP file")


def test_body_images_need_alt_text_and_must_be_local(content):
    make_photo(content / "images/x.jpg", size=(100, 100))
    write_news(content, "a.md", news(body="![](images/x.jpg)\n\n![外链](https://example.com/x.jpg)"))
    assert _errors(content) == [
        "content/news/a.md:7: error[E306]: body: image images/x.jpg needs alt text describing it: "
        "![说明文字](images/x.jpg)",
        "content/news/a.md:9: error[E305]: body: remote image https://example.com/x.jpg is not allowed: copy it into "
        "content/images/ and link that file",
    ]


def test_png_with_transparency_keeps_a_png_fallback(content, tmp_path):
    path = content / "images/logo.png"
    path.parent.mkdir(parents=True)
    Image.new("RGBA", (300, 100), (0, 0, 0, 0)).save(path)
    write_news(content, "a.md", news(slug="a", cover="images/logo.png"))
    site = build(content, tmp_path / "output").site_dir
    img = soup(site / "news/a/index.html").select_one(".report-cover img")
    assert img["src"].endswith("-300.png")
    with Image.open(site / img["src"].lstrip("/")) as fallback:
        assert fallback.mode == "RGBA"
    assert io.BytesIO((site / img["src"].lstrip("/")).read_bytes()).getvalue()[:8] == b"\x89PNG\r\n\x1a\n"


def _variants_of(source, tmp_path, size, widths=(1600, 960, 480), exts=("webp", "jpg")):
    from wenming.media.variants import make_variants

    variants = [(w, ext, str(tmp_path / f"v-{w}.{ext}")) for w in widths for ext in exts]
    make_variants(str(source), variants, size)
    sizes = {}
    for width, ext, target in variants:
        with Image.open(target) as image:
            sizes[(width, ext)] = (image.size, image.mode, dict(image.getexif()))
    return sizes


def test_a_large_photo_is_decoded_scaled_down_and_every_variant_has_its_declared_size(tmp_path, monkeypatch):
    from PIL import JpegImagePlugin

    drafts = []
    real_draft = JpegImagePlugin.JpegImageFile.draft
    monkeypatch.setattr(JpegImagePlugin.JpegImageFile, "draft",
                        lambda self, mode, size: drafts.append(size) or real_draft(self, mode, size))
    # 4,401×3,301 rotated by EXIF: upright 3,301×4,401, decoded at half size (odd sizes round up)
    photo = make_photo(tmp_path / "big.jpg", size=(4401, 3301), orientation=6)
    sizes = _variants_of(photo, tmp_path, (3301, 4401))
    assert drafts and drafts[0][1] >= 1600  # requested no smaller than the largest variant (upright width)
    for (width, _ext), (size, mode, exif) in sizes.items():
        assert size == (width, round(4401 * width / 3301)) and mode == "RGB" and not exif


def test_palette_images_with_transparency_keep_it_in_webp_and_png(tmp_path):
    source = tmp_path / "logo.png"
    image = Image.new("RGBA", (1000, 500), (0, 0, 0, 0))
    image.paste((200, 30, 30, 255), (100, 100, 400, 300))
    image.convert("P", palette=Image.ADAPTIVE).save(source, transparency=0)
    sizes = _variants_of(source, tmp_path, (1000, 500), widths=(1000, 480), exts=("webp", "png"))
    assert {mode for _size, mode, _exif in sizes.values()} == {"RGBA"}
    with Image.open(tmp_path / "v-480.webp") as webp:
        assert webp.getpixel((0, 0))[3] == 0 and webp.getpixel((120, 80))[3] == 255


def test_variants_start_while_reports_are_still_being_read(photo_site, tmp_path):
    import os

    from wenming.model.site import LoadCaches

    variants = tmp_path / "variants"
    model, _ = load_site(photo_site, caches=LoadCaches(image_variants=variants))
    model.images.stop_variants(wait=True)  # no page rendered, nothing written: only the prefetch ran
    made = sorted(p.name.split("-", 1)[1] for p in variants.iterdir())
    if (os.cpu_count() or 1) > 1:
        cover, body = (480, 960, 1600), (480, 960, 1200)  # the body photo is 1,200 px wide once upright
        assert made == sorted(f"{w}.{e}" for widths in (cover, body) for w in widths for e in ("webp", "jpg"))
    else:
        assert made == []  # one core: write_used makes them after rendering


def test_a_failed_build_leaves_no_image_worker_running(photo_site, tmp_path):
    import multiprocessing

    from wenming.source.diagnostics import ContentError

    write_news(photo_site, "broken.md", news(slug="b", cover="images/cover.jpg", date="2022-13-40"))
    with pytest.raises(ContentError):
        build(photo_site, tmp_path / "output")
    assert multiprocessing.active_children() == []
    assert not (tmp_path / "output" / "site").exists()


def test_a_picture_replaced_or_broken_between_builds_of_one_process_is_inspected_again(tmp_path):
    from wenming.media.images import ImageProblem, ImageStore
    content = tmp_path / "content"
    picture = content / "images" / "a.jpg"
    picture.parent.mkdir(parents=True)
    Image.new("RGB", (800, 600), "red").save(picture)
    first = ImageStore(content).inspect("images/a.jpg")
    assert ImageStore(content).inspect("images/a.jpg") is first  # the same file: remembered by the process
    Image.new("RGB", (400, 900), "blue").save(picture.with_suffix(".tmp"), format="JPEG")
    picture.with_suffix(".tmp").replace(picture)
    second = ImageStore(content).inspect("images/a.jpg")
    assert (second.width, second.height) == (400, 900) and second.digest != first.digest
    picture.write_bytes(b"not a picture")
    with pytest.raises(ImageProblem) as broken:
        ImageStore(content).inspect("images/a.jpg")
    assert broken.value.code == "E302"
    picture.unlink()
    with pytest.raises(ImageProblem) as missing:
        ImageStore(content).inspect("images/a.jpg")
    assert missing.value.code == "E301"
    (content / "images" / "folder.jpg").mkdir()
    with pytest.raises(ImageProblem) as folder:
        ImageStore(content).inspect("images/folder.jpg")
    assert folder.value.code == "E301"


def test_a_picture_rewritten_with_its_old_size_and_modification_time_is_inspected_again(tmp_path):
    import os

    from wenming.media.images import ImageStore

    def bmp(color) -> bytes:  # a BMP's length depends on its dimensions only
        out = io.BytesIO()
        Image.new("RGB", (300, 200), color).save(out, format="BMP")
        return out.getvalue()

    picture = tmp_path / "content" / "images" / "a.bmp"
    picture.parent.mkdir(parents=True)
    picture.write_bytes(bmp("red"))
    before = os.stat(picture)
    first = ImageStore(tmp_path / "content").inspect("images/a.bmp")
    picture.write_bytes(bmp("blue"))  # the same file (inode) and length
    os.utime(picture, ns=(before.st_atime_ns, before.st_mtime_ns))  # a tool that keeps the modification time
    after = os.stat(picture)
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (before.st_size, before.st_mtime_ns, before.st_ino)
    second = ImageStore(tmp_path / "content").inspect("images/a.bmp")
    assert second.digest != first.digest


def test_a_later_process_takes_the_pictures_an_earlier_build_inspected_until_one_changes(photo_site, tmp_path,
                                                                                       monkeypatch):
    """A command-line build is a new process: it takes the inspections the last build saved (by file stamp)
    instead of reading, verifying and hashing every picture again; a picture rewritten since is inspected."""
    from wenming.media import images

    output = tmp_path / "output"
    build(photo_site, output)
    inspected: list[str] = []
    real = images._inspect_file
    monkeypatch.setattr(images, "_inspect_file", lambda path, relative: inspected.append(relative) or real(path, relative))

    monkeypatch.setattr(images, "_INSPECTED", {})  # as in a new process
    write_news(photo_site, "b.md", news(slug="b", cover="images/cover.jpg"))
    site = build(photo_site, output).site_dir
    assert inspected == [] and soup(site / "news/b/index.html").select_one(".report-cover picture img")

    monkeypatch.setattr(images, "_INSPECTED", {})
    make_photo(photo_site / "images/cover.jpg", size=(1000, 700), color=(20, 90, 160))
    site = build(photo_site, output).site_dir
    assert inspected == ["images/cover.jpg"]
    img = soup(site / "news/b/index.html").select_one(".report-cover picture img")
    assert (img["width"], img["height"]) == ("960", "672")  # the new picture's proportions (2000 x 1000 before)
