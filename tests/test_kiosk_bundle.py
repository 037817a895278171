"""The kiosk bundle as files: self-contained, relative links only, resized pictures, a subset font."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import soup
from fontTools.ttLib import TTFont
from PIL import Image
from sitekit import exhibit, make_hall_demo, make_hall_site, make_site

from wenming.build.pipeline import build
from wenming.publish.kiosk import fonts
from wenming.source.diagnostics import ContentError

REFERENCES = {"a": "href", "link": "href", "script": "src", "img": "src", "video": "src", "track": "src",
              "source": "src"}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("kiosk")
    return build(make_hall_demo(root), root / "output")


@pytest.fixture(scope="module")
def kiosk(built) -> Path:
    return built.site_dir.parent / "kiosk"


def pages(kiosk: Path) -> list[Path]:
    return sorted(kiosk.rglob("*.html"))


def test_bundle_layout(kiosk):
    assert [p.relative_to(kiosk).as_posix() for p in pages(kiosk)] == [
        "index.html", "search.html", "xuting/guide.html", "xuting/index.html", "xuting/lecture.html", "xuting/platforms.html",
        "zhiyuan/index.html", "zhiyuan/teams.html"]
    font_file, _ = fonts.bundle_font_name()
    assert {p.name for p in (kiosk / "assets").iterdir()} == {"kiosk.css", "kiosk.js", "kiosk-search.js",
                                                              "search-index.js", font_file, "OFL.txt",
                                                              "favicon.svg"}


def test_every_reference_is_relative_and_inside_the_bundle(kiosk):
    for page in pages(kiosk):
        html = soup(page)
        references = [tag[attribute] for name, attribute in REFERENCES.items() for tag in html.find_all(name)
                      if tag.has_attr(attribute)]
        references += re.findall(r'url\("([^"]+)"\)', page.read_text(encoding="utf-8"))
        assert references
        for url in (r for r in references if not r.startswith("data:text/vtt;")):
            assert not re.match(r"^([a-z]+:|/)", url), (page, url)
            target = (page.parent / url).resolve()
            assert target.is_relative_to(kiosk.resolve()) and target.is_file(), (page, url)


def test_links_out_become_numbered_references_with_captioned_qr_codes(kiosk):
    page = soup(kiosk / "xuting/guide.html")
    assert [s.get_text() for s in page.select(".exhibit-body .link-ref")] == ["中国文明网[1]", "本站专栏[2]"]
    assert page.select(".exhibit-body a") == []
    captions = [f.figcaption.get_text() for f in page.select(".qr-list .qr")]
    assert captions == ["在手机上继续看本展品", "[1] 中国文明网（www.wenming.cn）", "[2] 本站专栏（example.test）",
                        "相关报道：城北街道开展宣讲活动"]
    for image in page.select(".qr img"):
        assert (kiosk / "xuting" / image["src"]).read_text(encoding="utf-8").startswith("<svg")
        assert image["alt"].startswith("二维码：")


def test_home_page_attract_loop_and_settings(kiosk):
    page = soup(kiosk / "index.html")
    assert [t.select_one(".tile-name").get_text() for t in page.select(".tile")] == ["序厅", "志愿服务"]
    assert [t.select_one(".tile-facts").get_text() for t in page.select(".tile")] == ["3 件展品", "1 件展品"]
    attract = page.select_one("#attract")
    assert [s.select_one(".attract-title").get_text() for s in attract.select(".attract-slide")] == [
        "序厅导览", "五大平台", "茶乡微讲堂"]
    assert attract.select_one(".attract-prompt").get_text() == "触摸屏幕开始参观"
    assert (page.body["data-idle-seconds"], page.body["data-countdown-seconds"]) == ("120", "20")
    overlay = page.select_one("#idle-overlay")
    assert overlay.has_attr("hidden") and overlay.button.get_text() == "继续浏览"


def test_every_page_has_the_home_button_in_the_same_place(kiosk):
    for page in pages(kiosk):
        bar = soup(page).select_one("header.top-bar")
        assert bar.a.get_text() == "首页" and bar.a["href"].endswith("index.html")
        assert bar.button.get_text() == "大字号"


def test_exhibit_pager_and_video(kiosk):
    page = soup(kiosk / "xuting/platforms.html")
    pager = {a.get("rel", ["section"])[0]: a["href"] for a in page.select(".bottom-bar a")}
    assert pager == {"prev": "../xuting/guide.html", "section": "../xuting/index.html",
                     "next": "../xuting/lecture.html"}
    lecture = soup(kiosk / "xuting/lecture.html")
    assert lecture.video["src"] == "../media/xuting-lecture-clip.mp4"
    assert lecture.video.track["src"].startswith("data:text/vtt;charset=utf-8;base64,")  # file:// forbids a file


def test_pictures_are_resized_upright_and_stripped(kiosk):
    for path in (kiosk / "media").glob("*.jpg"):
        with Image.open(path) as image:
            assert image.format == "JPEG" and max(image.size) <= (720 if "-tile" in path.name else 1920)
            assert dict(image.getexif()) == {} and "icc_profile" not in image.info
    big = kiosk / "xuting" / soup(kiosk / "xuting/platforms.html").select(".picture-button img")[1]["src"]
    with Image.open(big) as image:
        assert image.size == (1280, 1920)  # 2400×1600 taken sideways, turned upright, long side 1920
    assert big.stat().st_size < 300_000


def test_font_is_subset_to_every_character_the_bundle_shows(kiosk, built):
    font_file, _ = fonts.bundle_font_name()
    font = TTFont(kiosk / "assets" / font_file)
    cmap = font.getBestCmap()
    shown = {c for page in pages(kiosk) for c in soup(page).get_text() if not c.isspace()}
    assert {"展", "厅", "触", "摸", "继", "续", "浏", "览"} <= shown
    assert sorted(c for c in shown if ord(c) not in cmap) == []
    assert len(cmap) < 1000 and (kiosk / "assets" / font_file).stat().st_size < 400_000
    assert not [w for w in built.diagnostics.warnings if w.path == "kiosk"]


def test_site_without_a_hall_gets_an_empty_kiosk_folder(tmp_path):
    result = build(make_site(tmp_path), tmp_path / "output")
    assert list((result.site_dir.parent / "kiosk").iterdir()) == []
    assert not (result.site_dir / "hall").exists()


def test_missing_font_fails_the_build_and_keeps_the_previous_output(tmp_path, monkeypatch):
    content = make_hall_site(tmp_path, {"xuting/a.md": exhibit()})
    build(content, tmp_path / "output")
    monkeypatch.setattr(fonts, "FONT_PACKAGE", "no_such_font_package")
    with pytest.raises(ContentError) as caught:
        build(content, tmp_path / "output", force=True)
    assert [d.format() for d in caught.value.diagnostics] == [
        "kiosk: error[E905]: the kiosk needs the Chinese font NotoSansSC-Regular.otf from the Python package "
        "pylopdf-fonts-zh-cn, which is not installed; run scripts/setup-env.sh (or pip install -e .) and build again"]
    assert (tmp_path / "output/kiosk/index.html").is_file() and (tmp_path / "output/site/hall/index.html").is_file()
