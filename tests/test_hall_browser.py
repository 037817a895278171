"""The online hall's gallery in headless Chromium: the lightbox is driven by the keyboard."""

from __future__ import annotations

import pytest
from browser_support import browser  # noqa: F401 (fixture)


@pytest.fixture(scope="module")
def hall_url(sample_site_url):
    return sample_site_url + "hall/"


def test_lightbox_opens_steps_and_closes_with_the_keyboard(browser, hall_url):  # noqa: F811 (the imported fixture)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(hall_url + "weijiangtang/xiangmu-jieshao/")
    page.focus(".gallery-link >> nth=1")
    page.keyboard.press("Enter")
    state = "[document.querySelector('dialog.lightbox').open, document.querySelector('.lightbox-count').textContent]"
    assert page.evaluate(state) == [True, "第 2 张，共 3 张"]
    assert page.evaluate("document.activeElement.textContent") == "关闭"
    assert page.inner_text("#lightbox-caption") == "每月中旬固定开讲"
    page.keyboard.press("ArrowRight")
    assert page.evaluate(state) == [True, "第 3 张，共 3 张"]
    assert page.get_attribute("dialog.lightbox img", "alt") == "起伏的茶园梯田插画"
    page.keyboard.press("ArrowRight")
    assert page.evaluate(state)[1] == "第 1 张，共 3 张"
    page.keyboard.press("Escape")
    assert page.evaluate(state)[0] is False
    assert page.evaluate("document.activeElement.classList.contains('gallery-link')")
    context.close()
