"""What of content/images/ is published: only pictures published content shows, only as processed
variants without metadata (no EXIF, GPS, XMP or comment), and the JSON API never links an original."""

from __future__ import annotations

import json

import pytest
from conftest import soup
from PIL import Image
from sitekit import make_practice_site, news, project, volunteer

from wenming.build.pipeline import build

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".gif", ".tif", ".tiff"}
GPS_IFD = 0x8825


def gps_photo(path, color, size=(1000, 700)):
    """A JPEG with the camera's GPS position (Xixiang County), a maker tag and a comment."""
    path.parent.mkdir(parents=True, exist_ok=True)
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"
    gps = exif.get_ifd(GPS_IFD)
    gps.update({1: "N", 2: (32.0, 59.0, 0.0), 3: "E", 4: (107.0, 46.0, 0.0)})
    Image.new("RGB", size, color).save(path, "JPEG", exif=exif.tobytes(), comment=b"home of the volunteer")
    with Image.open(path) as check:  # the fixture really carries a position
        assert check.getexif().get_ifd(GPS_IFD)[1] == "N"
    return path


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    root = tmp_path_factory.mktemp("media-publish")
    reports = {
        "a.md": news(slug="a", cover="images/reports/cover.jpg",
                     body="正文。\n\n![宣讲现场][scene]\n\n[scene]: images/reports/scene.jpg\n"),
        "draft.md": news(slug="draft", title="草稿", status="draft", body="![草稿图片](images/drafts/only-draft.jpg)"),
    }
    content = make_practice_site(root, reports, volunteers={"wang.md": volunteer(photo="images/volunteers/wang.jpg")},
                                 projects={"p.md": project(cover="images/projects/p.jpg")})
    originals = {
        "cover": gps_photo(content / "images/reports/cover.jpg", (200, 30, 30)),
        "scene": gps_photo(content / "images/reports/scene.jpg", (30, 200, 30)),
        "volunteer": gps_photo(content / "images/volunteers/wang.jpg", (30, 30, 200), size=(400, 400)),
        "project": gps_photo(content / "images/projects/p.jpg", (200, 200, 30)),
        "unreferenced": gps_photo(content / "images/volunteers/not-consented.jpg", (90, 90, 90)),
        "draft": gps_photo(content / "images/drafts/only-draft.jpg", (10, 120, 160)),
    }
    site = build(content, root / "output").site_dir
    return site, originals


def _output_images(site):
    return [p for p in site.rglob("*") if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES]


def test_no_original_and_no_unreferenced_or_draft_picture_is_published(published):
    site, originals = published
    assert not (site / "images").exists()
    names = {p.name for p in site.rglob("*")}
    blobs = {p.read_bytes() for p in _output_images(site)}
    for original in originals.values():
        assert original.name not in names
        assert original.read_bytes() not in blobs
    # Variants are named by content hash: one hash per published picture, and only those four.
    digests = {p.name.split("-")[0] for p in (site / "media").iterdir()}
    assert len(digests) == 4
    shown = {s["src"].split("/")[-1].split("-")[0] for s in soup(site / "news/a/index.html").select("picture img")}
    assert shown <= digests and len(shown) == 2  # the cover and the reference-style body picture


def test_no_published_image_carries_exif_gps_or_comments(published):
    site, _ = published
    images = _output_images(site)
    assert images
    for path in images:
        with Image.open(path) as image:
            assert not image.getexif(), path
            assert not {"exif", "xmp", "comment", "icc_profile", "XML:com.adobe.xmp"} & set(image.info), path
        data = path.read_bytes()
        assert b"Exif\x00\x00" not in data and b"CameraMaker" not in data and b"home of the volunteer" not in data


def test_the_api_links_processed_variants_never_originals(published):
    site, _ = published
    volunteers = json.loads((site / "api/v1/volunteers.json").read_text(encoding="utf-8"))["items"]
    projects = json.loads((site / "api/v1/projects.json").read_text(encoding="utf-8"))["items"]
    for url in (volunteers[0]["photo"], projects[0]["cover"]):
        assert url.startswith("/media/") and "images/" not in url
        with Image.open(site / url.lstrip("/")) as variant:
            assert not variant.getexif()
