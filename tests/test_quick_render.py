"""Live preview's fast path: a body edit re-renders only the report's own pages, in place and at once;
anything else is left to the full build; errors are reported like `check` and nothing is written."""

from __future__ import annotations

import json
import time
import urllib.request

from conftest import serving, soup
from sitekit import make_site, news, write_news, write_picture

from wenming.build.pipeline import build
from wenming.build.quick_render import QuickRenderer


def _site(tmp_path):
    content = make_site(tmp_path, {
        "2022/a.md": news(slug="a", summary="固定的摘要。", body="原来的正文第一段。\n\n第二段。"),
        "2022/b.md": news(slug="b", title="城北街道开展志愿服务", date="2022-05-20"),
    })
    result = build(content, tmp_path / "output")
    return content, result


def test_a_body_edit_renders_the_report_month_and_json_only(tmp_path):
    content, result = _site(tmp_path)
    site = result.site_dir
    untouched = {name: (site / name).stat().st_ino for name in ("index.html", "news/b/index.html", "column/index.html")}
    path = write_news(content, "2022/a.md", news(slug="a", summary="固定的摘要。", body="改过的正文。\n\n第二段。"))

    outcome = QuickRenderer(result.last).update({path})

    assert outcome is not None and outcome.problems == []
    assert outcome.pages == ["api/v1/news/a.json", "column/2022/05/index.html", "news/a/index.html"]
    body = soup(site / "news/a/index.html").select_one(".report-body, article").get_text()
    assert "改过的正文" in body and "原来的正文" not in body
    assert "改过的正文" in soup(site / "column/2022/05/index.html").get_text()
    assert "改过的正文" in json.loads((site / "api/v1/news/a.json").read_text(encoding="utf-8"))["html"]
    assert {name: (site / name).stat().st_ino for name in untouched} == untouched


def test_a_body_edit_after_an_incremental_build_renders_the_report_page(tmp_path):
    """The last build kept pages from the one before (its writer keeps unchanged pages): the quick render must
    still see the edited report, not the key the last build worked out for the same article."""
    content, _first = _site(tmp_path)
    result = build(content, tmp_path / "output", force=True)
    path = write_news(content, "2022/a.md", news(slug="a", summary="固定的摘要。", body="预览里改过的正文。"))

    outcome = QuickRenderer(result.last).update({path})

    assert outcome is not None and "news/a/index.html" in outcome.pages
    body = soup(result.site_dir / "news/a/index.html").select_one(".report-body, article").get_text()
    assert "预览里改过的正文" in body and "原来的正文" not in body


def test_front_matter_new_files_and_other_content_need_the_full_build(tmp_path):
    content, result = _site(tmp_path)
    renderer = QuickRenderer(result.last)
    retitled = write_news(content, "2022/a.md", news(slug="a", title="新标题", summary="固定的摘要。"))
    assert renderer.update({retitled}) is None
    added = write_news(content, "2022/c.md", news(slug="c"))
    assert renderer.update({added}) is None
    assert renderer.update({content / "data" / "units.yml"}) is None


def test_an_unpublished_image_needs_the_full_build(tmp_path):
    content, result = _site(tmp_path)
    write_picture(content, "images/new.jpg")
    path = write_news(content, "2022/a.md", news(slug="a", summary="固定的摘要。", body="![新照片](images/new.jpg)"))
    assert QuickRenderer(result.last).update({path}) is None


def test_errors_are_reported_like_check_and_nothing_is_written(tmp_path):
    content, result = _site(tmp_path)
    before = (result.site_dir / "news/a/index.html").read_bytes()
    path = write_news(content, "2022/a.md", news(slug="a", summary="固定的摘要。", body="联系电话 13912345678。"))

    outcome = QuickRenderer(result.last).update({path})

    assert outcome is not None and outcome.pages == []
    [problem] = outcome.problems
    assert problem.path == "content/news/2022/a.md" and problem.line == 9 and problem.field == "body"
    assert "mobile phone number" in problem.message and "13912345678" not in problem.message
    assert (result.site_dir / "news/a/index.html").read_bytes() == before


def test_the_next_build_renders_a_quickly_rendered_page_again_even_if_the_edit_is_undone(tmp_path):
    content, result = _site(tmp_path)
    original = (content / "news/2022/a.md").read_text(encoding="utf-8")
    path = write_news(content, "2022/a.md", news(slug="a", summary="固定的摘要。", body="临时改动。"))
    assert QuickRenderer(result.last).update({path}).pages
    path.write_text(original, encoding="utf-8")

    site = build(content, tmp_path / "output").site_dir

    text = soup(site / "news/a/index.html").get_text()
    assert "原来的正文第一段" in text and "临时改动" not in text


def _wait_for(url: str, text: str, timeout: float = 60) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        with urllib.request.urlopen(url, timeout=10) as response:
            if text in response.read().decode("utf-8"):
                return time.monotonic() - started
        time.sleep(0.05)
    raise AssertionError(f"{text} did not appear at {url} within {timeout} s")


def test_serve_shows_a_body_edit_and_then_brings_the_lists_up_to_date(tmp_path):
    content = make_site(tmp_path, {"2022/a.md": news(slug="a", body="原来的正文。")})
    with serving(content, tmp_path / "output") as url:
        _wait_for(url + "news/a/", "原来的正文")
        write_news(content, "2022/a.md", news(slug="a", body="预览里改过的正文。"))
        _wait_for(url + "news/a/", "预览里改过的正文")
        # The derived summary on the column list follows with the background build.
        _wait_for(url + "column/", "预览里改过的正文")
