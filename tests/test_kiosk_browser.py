"""The kiosk in a real headless Chromium: offline, taps and swipes, the idle reset, touch rules, both screens."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from browser_support import LANDSCAPE, PORTRAIT, browser, decode_qr, open_offline_tab, swipe  # noqa: F401 (fixture)
from sitekit import HALL, make_hall_demo

from wenming.build.pipeline import build

SHORT_IDLE = textwrap.dedent(HALL) + "idle_seconds: 2\ncountdown_seconds: 2\nattract: {slide_seconds: 2}\n"


@pytest.fixture(scope="module")
def kiosk(tmp_path_factory) -> Path:
    """The demo hall's kiosk with a two-second idle time and a two-second countdown."""
    root = tmp_path_factory.mktemp("kiosk-browser")
    return build(make_hall_demo(root, SHORT_IDLE), root / "output").site_dir.parent / "kiosk"


@pytest.fixture
def offline_tab(browser):  # noqa: F811 (the imported fixture)
    """offline_tab(viewport) -> a touch-screen tab that records every request leaving the bundle."""
    tabs = []

    def _open(viewport: dict = LANDSCAPE):
        tabs.append(open_offline_tab(browser, viewport))
        return tabs[-1]

    yield _open
    for tab in tabs:
        tab.page.context.close()


def url(kiosk: Path, relative: str = "index.html") -> str:
    return (kiosk / relative).as_uri()


def start_visit(page) -> None:
    page.tap("#attract")
    page.wait_for_function("document.documentElement.classList.contains('visiting')")


def test_every_page_works_offline_with_the_bundled_font(offline_tab, kiosk):
    tab = offline_tab()
    root = kiosk.resolve().as_uri() + "/"
    for page_path in sorted(kiosk.rglob("*.html")):
        tab.page.goto(page_path.as_uri())
        tab.page.evaluate("document.fonts.ready")
        faces = tab.page.evaluate("Array.from(document.fonts).map(f => [f.family, f.status])")
        assert faces == [['"Kiosk Sans"', "loaded"]] or faces == [["Kiosk Sans", "loaded"]], (page_path, faces)
        pictures = tab.page.evaluate("Array.from(document.images).filter(i => i.getAttribute('src'))"
                                     ".map(i => [i.getAttribute('src'), i.complete && i.naturalWidth > 0])")
        assert all(ok for _, ok in pictures), (page_path, pictures)
        links = tab.page.evaluate("Array.from(document.querySelectorAll('a')).map(a => a.href)")
        assert all(link.startswith(root) for link in links), (page_path, links)
    assert tab.blocked == [] and tab.failed == []


def test_taps_lead_from_the_attract_loop_to_an_exhibit_and_swipes_step_through(offline_tab, kiosk):
    page = offline_tab().page
    page.goto(url(kiosk))
    history = page.evaluate("history.length")
    assert page.is_visible("#attract") and page.is_visible(".attract-prompt")
    start_visit(page)
    assert not page.is_visible("#attract") and page.inner_text("h1") == "测试展厅"
    page.tap(".tile >> nth=0")
    page.wait_for_url("**/xuting/index.html")
    page.tap(".tile >> nth=1")
    page.wait_for_url("**/xuting/platforms.html")
    assert page.inner_text("h1") == "五大平台"
    page.tap(".bottom-bar a[rel=next]")
    page.wait_for_url("**/xuting/lecture.html")
    swipe(page, (1200, 600), (500, 620))  # finger to the left on the section's last exhibit: nowhere to go
    page.wait_for_timeout(300)
    assert page.url.endswith("xuting/lecture.html")
    swipe(page, (500, 600), (1300, 590))  # finger to the right: the previous exhibit
    page.wait_for_url("**/xuting/platforms.html")
    swipe(page, (1300, 600), (400, 610))
    page.wait_for_url("**/xuting/lecture.html")
    page.tap(".home-button")
    page.wait_for_url("**/index.html")
    assert not page.is_visible("#attract")  # the visit goes on: home, not the attract loop
    assert page.evaluate("history.length") == history  # pages are replaced, the history never grows


def test_picture_opens_full_screen_and_a_tap_closes_it(offline_tab, kiosk):
    page = offline_tab().page
    page.goto(url(kiosk))
    start_visit(page)
    page.goto(url(kiosk, "xuting/platforms.html"))
    page.tap(".picture-button >> nth=0")
    assert page.is_visible("#viewer")
    first_picture = page.evaluate("document.querySelector('.picture-button img').src")
    assert page.get_attribute("#viewer img", "src") == first_picture
    page.tap("#viewer")
    assert not page.is_visible("#viewer")


def test_large_text_toggle_carries_across_pages(offline_tab, kiosk):
    page = offline_tab().page
    page.goto(url(kiosk))
    start_visit(page)
    page.tap("[data-action=large-text]")
    assert page.get_attribute("[data-action=large-text]", "aria-pressed") == "true"
    assert page.evaluate("getComputedStyle(document.documentElement).fontSize") == "31px"
    page.tap(".tile >> nth=0")
    page.wait_for_url("**/xuting/index.html")
    assert page.evaluate("document.documentElement.classList.contains('large-text')")
    assert page.get_attribute("[data-action=large-text]", "aria-pressed") == "true"


def test_idle_countdown_then_full_reset_to_the_attract_loop(offline_tab, kiosk):
    page = offline_tab().page
    page.goto(url(kiosk))
    history = page.evaluate("history.length")
    start_visit(page)
    page.tap(".tile >> nth=0")
    page.wait_for_url("**/xuting/index.html")
    page.tap("[data-action=large-text]")
    page.evaluate("window.scrollTo(0, 300)")
    page.wait_for_selector("#idle-overlay", state="visible", timeout=5000)
    assert page.inner_text(".idle-continue") == "继续浏览"
    assert page.inner_text(".idle-text") in ("2 秒后回到首页", "1 秒后回到首页")
    page.tap(".idle-continue")
    page.wait_for_selector("#idle-overlay", state="hidden", timeout=1000)
    assert page.url.endswith("xuting/index.html")
    page.wait_for_selector("#idle-overlay", state="visible", timeout=5000)
    page.wait_for_url("**/kiosk/index.html", timeout=5000)
    page.wait_for_load_state()
    assert page.is_visible("#attract")
    state = page.evaluate("""[document.documentElement.className, sessionStorage.length, window.scrollY,
                              history.length, document.getElementById('idle-overlay').hidden]""")
    assert state == ["", 0, 0, history, True]


def test_touch_rules(offline_tab, kiosk):
    page = offline_tab().page
    page.goto(url(kiosk))
    assert "user-scalable=no" in page.get_attribute("meta[name=viewport]", "content")
    start_visit(page)
    for relative in ("index.html", "xuting/index.html", "xuting/platforms.html"):
        page.goto(url(kiosk, relative))
        sizes = page.evaluate("""Array.from(document.querySelectorAll('a, button'))
            .filter(e => e.offsetParent !== null)
            .map(e => { const r = e.getBoundingClientRect(); return [e.textContent.trim(), r.width, r.height]; })""")
        assert sizes and all(w >= 48 and h >= 48 for _, w, h in sizes), (relative, sizes)
        styles = page.evaluate("""[getComputedStyle(document.body).userSelect,
            getComputedStyle(document.documentElement).touchAction, getComputedStyle(document.body).touchAction]""")
        assert styles == ["none", "pan-y", "pan-y"]
        prevented = page.evaluate("""() => { const e = new MouseEvent('contextmenu', {bubbles: true, cancelable: true});
            document.querySelector('main').dispatchEvent(e); return e.defaultPrevented; }""")
        assert prevented


def test_qr_codes_decode_to_their_urls(offline_tab, kiosk, tmp_path):
    page = offline_tab().page
    page.goto(url(kiosk, "xuting/guide.html"))
    codes = page.locator(".qr img")
    decoded = []
    for index in range(codes.count()):
        codes.nth(index).evaluate("code => code.scrollIntoView({block: 'center'})")  # clear of the fixed bars
        codes.nth(index).screenshot(path=tmp_path / f"qr{index}.png")
        decoded.append(decode_qr(tmp_path / f"qr{index}.png"))
    assert decoded == ["https://example.test/hall/xuting/guide/", "http://www.wenming.cn/",
                       "https://example.test/column/", "https://example.test/news/chengbei-xuanjiang/"]
    online = kiosk.parent / "site/hall/xuting/platforms/qr.svg"
    page.set_viewport_size({"width": 400, "height": 400})
    page.goto(online.as_uri())
    page.screenshot(path=tmp_path / "online.png")
    assert decode_qr(tmp_path / "online.png") == "https://example.test/hall/xuting/platforms/"


def test_sample_kiosk_fits_both_screens_without_horizontal_scrolling(offline_tab, sample_site, tmp_path):
    kiosk = sample_site.parent / "kiosk"
    tab = offline_tab(LANDSCAPE)
    page = tab.page
    page.goto(url(kiosk))
    start_visit(page)
    for page_path in sorted(kiosk.rglob("*.html")):
        page.goto(page_path.as_uri())
        for viewport, large in ((LANDSCAPE, True), (PORTRAIT, True), (PORTRAIT, False), (LANDSCAPE, False)):
            page.set_viewport_size(viewport)
            page.evaluate("large => document.documentElement.classList.toggle('large-text', large)", large)
            width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            assert width[0] <= width[1], (page_path, viewport, large, width)
    for name, viewport in (("landscape", LANDSCAPE), ("portrait", PORTRAIT)):
        page.set_viewport_size(viewport)
        page.goto(url(kiosk))
        page.screenshot(path=tmp_path / f"home-{name}.png")
    assert tab.blocked == [] and tab.failed == []
