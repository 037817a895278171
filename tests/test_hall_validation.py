"""Exhibits and hall.yml: every validation message names the file, line and field, and says what is allowed."""

from __future__ import annotations

import pytest
from conftest import only_error
from sitekit import exhibit, make_hall_site, news, write_exhibit, write_hall, write_picture

from wenming.model.site import load_site


@pytest.fixture
def hall_content(tmp_path):
    reports = {"a.md": news(slug="chengbei-xuanjiang"), "d.md": news(slug="draft-report", status="draft")}
    return make_hall_site(tmp_path, {}, reports=reports)


def check(content, text: str, name: str = "xuting/item.md"):
    write_exhibit(content, name, text)
    model, diagnostics = load_site(content)
    return model, [d.format() for d in diagnostics.sorted()]


def test_valid_exhibit_is_placed_in_its_section(hall_content):
    text = exhibit(related="[chengbei-xuanjiang]", cover="images/hall/b.png", slug="guide")
    model, messages = check(hall_content, text)
    assert messages == []
    hall = model.extras["hall"]
    item = hall.section("xuting").exhibits[0]
    assert (item.title, item.url, item.key) == ("序厅导览", "hall/xuting/guide/", "xuting/guide")
    assert [(p.src, p.alt, p.caption, p.width, p.height) for p in item.images] == [
        ("images/hall/a.jpg", "展厅全景", "展厅入口", 1200, 800)]
    assert (item.cover.src, item.cover.alt) == ("images/hall/b.png", "序厅导览")
    assert [r.slug for r in item.related] == ["chengbei-xuanjiang"] and item.summary == "这是展品介绍。"
    assert hall.public(item.url) == "https://example.test/hall/xuting/guide/"
    assert (hall.idle_seconds, hall.countdown_seconds, hall.attract.prompt) == (120, 20, "触摸屏幕开始参观")


def test_section_may_be_named_by_id_and_exhibits_are_ordered(hall_content):
    write_exhibit(hall_content, "xuting/second.md", exhibit(title="第二件", order=5))
    write_exhibit(hall_content, "xuting/draft.md", exhibit(title="草稿", order=3, status="draft"))
    model, messages = check(hall_content, exhibit(title="第一件", section="xuting", order=2))
    assert messages == []
    hall = model.extras["hall"]
    assert [e.title for e in hall.section("序厅").exhibits] == ["第一件", "第二件"]
    assert len(model.collections["exhibits"]) == 3
    first, second = hall.section("序厅").exhibits
    assert hall.neighbours(first) == (None, second) and hall.neighbours(second) == (first, None)


def test_unknown_section_with_suggestion(hall_content):
    _, messages = check(hall_content, exhibit(section="序庁"))
    assert only_error(messages) == (
        "content/exhibits/xuting/item.md:3: error[E601]: section: 序庁 is not a hall section; did you mean 序厅? "
        "(allowed: 序厅, 志愿服务; see content/data/hall.yml)")


def test_missing_image(hall_content):
    _, messages = check(hall_content, exhibit(images="\n  - src: images/hall/none.jpg\n    alt: 不存在的图片"))
    assert only_error(messages) == (
        "content/exhibits/xuting/item.md:6: error[E301]: images.0.src: image images/hall/none.jpg does not exist "
        "(paths are relative to content/)")


def test_file_that_is_not_an_image(hall_content):
    (hall_content / "images/hall/broken.jpg").write_bytes(b"this is not a picture")
    _, messages = check(hall_content, exhibit(images="[{src: images/hall/broken.jpg, alt: 坏图}]"))
    assert only_error(messages) == (
        "content/exhibits/xuting/item.md:5: error[E302]: images.0.src: images/hall/broken.jpg is not a valid image "
        "(UnidentifiedImageError); use a JPEG, PNG or WebP file")


def test_missing_alt_text(hall_content):
    _, messages = check(hall_content, exhibit(images="\n  - src: images/hall/a.jpg\n    caption: 没有替代文字"))
    assert only_error(messages) == "content/exhibits/xuting/item.md:6: error[E010]: images.0.alt: is required"


def test_missing_cover(hall_content):
    _, messages = check(hall_content, exhibit(cover="images/hall/cover.jpg"))
    assert only_error(messages) == (
        "content/exhibits/xuting/item.md:6: error[E301]: cover: image images/hall/cover.jpg does not exist "
        "(paths are relative to content/)")


def test_duplicate_order_within_a_section_names_both_files(hall_content):
    write_exhibit(hall_content, "xuting/first.md", exhibit(order=1))
    write_exhibit(hall_content, "zhiyuan/other.md", exhibit(section="志愿服务", order=1))
    _, messages = check(hall_content, exhibit(order=1), name="xuting/second.md")
    assert only_error(messages) == (
        "content/exhibits/xuting/second.md:4: error[E607]: order: order 1 is already used by "
        "content/exhibits/xuting/first.md in section 序厅; give each exhibit of a section its own order")


def test_duplicate_slug_within_a_section(hall_content):
    write_exhibit(hall_content, "xuting/first.md", exhibit(order=1, slug="same"))
    _, messages = check(hall_content, exhibit(order=2, slug="same"), name="xuting/second.md")
    assert only_error(messages) == (
        "content/exhibits/xuting/second.md:6: error[E401]: slug: slug same is already used by "
        "content/exhibits/xuting/first.md; slugs must be unique")


@pytest.mark.parametrize("related, expected", [
    ("[chengbei-xuanjiang, chengbei-xuanjing]",
     "error[E604]: related.1: chengbei-xuanjing is not the slug of a news report; did you mean chengbei-xuanjiang?"),
    ("[draft-report]",
     "error[E605]: related.0: news report draft-report is not published (status: draft); only published reports can be linked"),
])
def test_related_reports_must_exist_and_be_published(hall_content, related, expected):
    _, messages = check(hall_content, exhibit(related=related))
    assert only_error(messages) == f"content/exhibits/xuting/item.md:6: {expected}"


def test_a_related_report_with_errors_of_its_own_is_a_follow_on_after_its_cause(tmp_path):
    reports = {"a.md": news(slug="chengbei-xuanjiang", units="城北街到")}
    content = make_hall_site(tmp_path, {"xuting/item.md": exhibit(related="[chengbei-xuanjiang]")}, reports=reports)
    model, diagnostics = load_site(content)
    assert model is None
    cause, consequence = diagnostics.sorted()
    assert (cause.code, cause.path) == ("E201", "content/news/a.md")
    assert (consequence.code, consequence.path, consequence.follow_on) == ("E206", "content/exhibits/xuting/item.md", True)


def test_pictures_in_the_body_are_refused(hall_content):
    _, messages = check(hall_content, exhibit(body="正文。\n\n![图](images/hall/a.jpg)"))
    assert only_error(messages) == (
        "content/exhibits/xuting/item.md:10: error[E606]: body: pictures in the body are not shown in the hall; "
        "list them under images: with alt text")


@pytest.mark.parametrize("video, expected", [
    ("{src: images/clip.avi}", "6: error[E602]: video.src: images/clip.avi is not a video file; use .mp4, .webm"),
    ("{src: media/clip.mp4}", "6: error[E603]: video.src: video file media/clip.mp4 does not exist "
                              "(paths are relative to content/)"),
])
def test_video_file_checks(hall_content, video, expected):
    _, messages = check(hall_content, exhibit(video=video))
    assert only_error(messages) == f"content/exhibits/xuting/item.md:{expected}"


def test_folder_that_disagrees_with_the_section_is_a_warning(hall_content):
    model, messages = check(hall_content, exhibit(section="志愿服务"), name="xuting/item.md")
    assert model is not None
    assert messages == ["content/exhibits/xuting/item.md:3: warning[W601]: section: the file is in folder xuting/ but "
                        "its section is 志愿服务; move it to exhibits/zhiyuan/"]


def test_exhibits_without_hall_yml(hall_content):
    (hall_content / "data/hall.yml").unlink()
    _, messages = check(hall_content, exhibit())
    assert only_error(messages) == (
        "content/exhibits/xuting/item.md:3: error[E608]: section: exhibits need the hall's sections in "
        "content/data/hall.yml, which is missing")


def test_site_without_hall_has_none(hall_content):
    (hall_content / "data/hall.yml").unlink()
    model, messages = load_site(hall_content)
    assert model.extras["hall"] is None and model.collections["exhibits"] == []


@pytest.mark.parametrize("text, expected", [
    ("""\
        title: 展厅
        sections:
          - {id: xuting, name: 序厅, order: 1}
          - {id: xuting, name: 前厅, order: 2}
        """, "content/data/hall.yml:4: error[E609]: sections.1.id: id xuting is already used by section 1; "
             "each section needs its own id"),
    ("""\
        title: 展厅
        sections:
          - {id: 序厅, name: 序厅, order: 1}
        """, "content/data/hall.yml:3: error[E022]: sections.0.id: 序厅 is not a valid slug: use only lowercase "
             "letters a-z, digits and single hyphens, e.g. chengbei-jiedao"),
    ("""\
        title: 展厅
        idle_seconds: 0
        sections:
          - {id: xuting, name: 序厅, order: 1}
        """, "content/data/hall.yml:2: error[E019]: idle_seconds: 0 is too small (at least 1)"),
    ("""\
        title: 展厅
        sections:
          - {id: xuting, name: 序厅, order: 1, cover: images/hall/none.jpg}
        """, "content/data/hall.yml:3: error[E301]: sections.0.cover: image images/hall/none.jpg does not exist "
             "(paths are relative to content/)"),
    ("""\
        title: 展厅
        public_url: wmsj.example
        sections:
          - {id: xuting, name: 序厅, order: 1}
        """, "content/data/hall.yml:2: error[E023]: public_url: wmsj.example is not a web address: it must start "
             "with http:// or https:// and contain no spaces"),
])
def test_hall_yml_errors(hall_content, text, expected):
    write_hall(hall_content, text)
    _, messages = load_site(hall_content)
    errors = [d.format() for d in messages.errors]
    assert errors[0] == expected


def test_hall_yml_unknown_key_is_a_warning_and_defaults_apply(hall_content):
    write_hall(hall_content, """\
        title: 展厅
        idle_second: 60
        sections:
          - {id: xuting, name: 序厅, order: 1}
        """)
    model, diagnostics = load_site(hall_content)
    assert [d.format() for d in diagnostics.sorted()] == [
        "content/data/hall.yml:2: warning[W003]: idle_second: unknown key is ignored; did you mean idle_seconds?"]
    hall = model.extras["hall"]
    assert (hall.idle_seconds, hall.countdown_seconds, hall.public_url) == (120, 20, "https://example.test")


def test_exif_rotated_picture_reports_its_upright_size(hall_content):
    write_picture(hall_content, "images/hall/rotated.jpg", size=(1200, 800), orientation=6)
    model, messages = check(hall_content, exhibit(images="[{src: images/hall/rotated.jpg, alt: 竖拍}]"))
    picture = model.extras["hall"].exhibits[0].images[0]
    assert (picture.width, picture.height) == (800, 1200)
