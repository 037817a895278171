"""The public site on a phone and in 长辈模式 (headless Chromium): the header takes at most a quarter of a
390 × 844 screen, the 13-item navigation folds behind 菜单 (with and without JavaScript), and 长辈模式 gives
20px text, 1.5 line height, 7:1 contrast and 44px targets, is remembered across pages, fits 390px and
passes axe-core (WCAG 2.1 A/AA)."""

from __future__ import annotations

import re

import pytest
from browser_support import allow_only, browser  # noqa: F401 (fixture)
from quality_tools import assert_accessible  # axe-core from npm (tools/package.json)

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
REPORT = "news/20220110-chengnan-chunlian/"


@pytest.fixture(scope="module")
def site_url(sample_site_url):
    return sample_site_url


@pytest.fixture
def open_tab(browser):  # noqa: F811 (the imported fixture)
    """open_tab(viewport, javascript=True) -> a new tab in a fresh context (fresh localStorage)."""
    contexts, outside = [], []

    def _open(viewport=PHONE, javascript=True):
        context = browser.new_context(viewport=viewport, java_script_enabled=javascript)
        outside.extend(allow_only(context, "http://127.0.0.1:"))
        contexts.append(context)
        return context.new_page()

    yield _open
    for context in contexts:
        context.close()
    assert outside == [], f"requests left the site: {outside}"


def px(value: str) -> float:
    return float(value.removesuffix("px"))


def luminance(css_colour: str) -> float:
    channels = [int(c) / 255 for c in re.findall(r"\d+(?:\.\d+)?", css_colour)[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(foreground: str, background: str) -> float:
    lighter, darker = sorted([luminance(foreground), luminance(background)], reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def colours(locator) -> tuple[str, str]:
    """The text colour of an element and the first opaque background colour behind it."""
    return locator.evaluate("""e => {
        const colour = getComputedStyle(e).color;
        for (let n = e; n; n = n.parentElement) {
            const bg = getComputedStyle(n).backgroundColor;
            if (bg !== 'rgba(0, 0, 0, 0)' && bg !== 'transparent') return [colour, bg];
        }
        return [colour, 'rgb(255, 255, 255)'];
    }""")


def press_elder_mode(page) -> None:
    toggle = page.get_by_role("button", name="长辈模式")
    assert toggle.get_attribute("aria-pressed") == "false"
    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "true"


def assert_elder_text(page) -> None:
    paragraph = page.locator(".report-body p").first
    size, height = paragraph.evaluate("p => [getComputedStyle(p).fontSize, getComputedStyle(p).lineHeight]")
    assert px(size) >= 20, f"body text is {size}"
    assert px(height) >= 1.5 * px(size), f"line height {height} for {size} text"


def assert_fits(page, width: int = 390) -> None:
    scroll_width = page.evaluate("document.scrollingElement.scrollWidth")
    assert scroll_width <= width, f"{page.url} is {scroll_width}px wide in a {width}px window"


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_phone_header_takes_a_quarter_of_the_screen_and_the_report_starts_on_it(open_tab, site_url, javascript):
    page = open_tab(PHONE, javascript)
    page.goto(site_url + REPORT)
    header = page.locator(".site-header").bounding_box()
    assert header["height"] <= 844 / 4, f"header is {header['height']}px high"
    assert not page.locator(".site-nav").is_visible()
    first_paragraph = page.locator(".report-body p").first.bounding_box()
    assert first_paragraph["y"] < 844, f"the report's first paragraph starts at {first_paragraph['y']}px"
    assert_fits(page)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_menu_button_opens_the_navigation_on_a_phone(open_tab, site_url, javascript):
    page = open_tab(PHONE, javascript)
    page.goto(site_url + REPORT)
    menu = page.locator(".nav-menu > summary")
    assert menu.inner_text().strip().startswith("菜单")
    assert menu.bounding_box()["height"] >= 44 and menu.bounding_box()["width"] >= 44
    menu.click()
    nav = page.get_by_role("navigation", name="主导航")
    assert nav.is_visible()
    links = nav.get_by_role("link")
    assert links.count() == page.locator(".site-nav li").count() >= 12
    for box in (links.nth(i).bounding_box() for i in range(links.count())):
        assert box["width"] >= 44 and box["height"] >= 44, box
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    assert_fits(page)
    nav.get_by_role("link", name="志愿风采").click()
    page.wait_for_url("**/volunteers/")
    assert page.locator(".site-nav a[aria-current=page]").text_content() == "志愿风采"
    assert not page.locator(".site-nav").is_visible()


def test_escape_closes_the_phone_menu(open_tab, site_url):
    page = open_tab(PHONE)
    page.goto(site_url + REPORT)
    page.locator(".nav-menu > summary").click()
    page.locator(".site-nav a").first.focus()
    page.keyboard.press("Escape")
    assert not page.locator(".site-nav").is_visible()
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_wide_screens_show_the_navigation_without_a_menu_button(open_tab, site_url, javascript):
    page = open_tab(DESKTOP, javascript)
    page.goto(site_url + REPORT)
    assert not page.locator(".nav-menu > summary").is_visible()
    assert page.get_by_role("navigation", name="主导航").get_by_role("link", name="品牌项目").is_visible()


def test_elder_mode_button_is_not_shown_without_javascript(open_tab, site_url):
    page = open_tab(PHONE, javascript=False)
    page.goto(site_url + REPORT)
    assert not page.locator(".elder-toggle").is_visible()
    assert px(page.locator(".report-body p").first.evaluate("p => getComputedStyle(p).fontSize")) < 20


def test_elder_mode_enlarges_text_and_targets_and_is_remembered_across_pages(open_tab, site_url):
    page = open_tab(PHONE)
    page.goto(site_url + REPORT)
    press_elder_mode(page)
    assert page.evaluate("document.documentElement.classList.contains('elder')")
    assert_elder_text(page)
    assert_fits(page)
    assert page.locator(".site-header").bounding_box()["height"] <= 844 / 4
    for element in (page.locator(".report-body p").first, page.locator(".facts dt").first,
                    page.locator(".site-nav a").first, page.locator(".brand")):
        ratio = contrast(*colours(element))
        assert ratio >= 7, f"contrast {ratio:.2f} for {element}"
    for control in (page.locator(".elder-toggle"), page.locator(".nav-menu > summary")):
        box = control.bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44, box

    page.locator(".nav-menu > summary").click()
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="文明实践").click()
    page.wait_for_url("**/column/")
    assert page.get_by_role("button", name="长辈模式").get_attribute("aria-pressed") == "true"
    assert px(page.locator("body").evaluate("b => getComputedStyle(b).fontSize")) >= 20
    assert_fits(page)
    page.goto(site_url + REPORT)
    assert_elder_text(page)

    page.get_by_role("button", name="长辈模式").click()
    assert page.get_by_role("button", name="长辈模式").get_attribute("aria-pressed") == "false"
    page.goto(site_url + "column/")
    assert not page.evaluate("document.documentElement.classList.contains('elder')")


@pytest.mark.parametrize("path", ["", "column/", "towns/", "quota/2022/", "activities/", "volunteers/", "search/"])
def test_elder_mode_pages_fit_a_390px_screen(open_tab, site_url, path):
    page = open_tab(PHONE)
    page.goto(site_url + REPORT)
    press_elder_mode(page)
    page.goto(site_url + path)
    assert_fits(page)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_report_page_passes_axe_in_both_modes(open_tab, site_url, viewport):
    page = open_tab(viewport)
    page.goto(site_url + REPORT)
    assert_accessible(page, f"report page at {viewport['width']}px")
    press_elder_mode(page)
    assert_accessible(page, f"report page in 长辈模式 at {viewport['width']}px")
    if viewport == PHONE:
        page.locator(".nav-menu > summary").click()
        assert_accessible(page, "report page in 长辈模式 with the menu open")
