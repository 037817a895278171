"""Pictures and embedded resources of a body, found in the parsed Markdown: reference-style and titled
images are checked, cached and published like inline ones; raw HTML loads nothing from other hosts."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from conftest import soup
from sitekit import make_site, news, write_news, write_picture

from wenming.build.pipeline import build
from wenming.media.markup import derive_summary, image_references, render_markdown
from wenming.model.site import load_site
from wenming.source.diagnostics import ContentError


def _errors(content):
    _model, diagnostics = load_site(content)
    return [d.format() for d in diagnostics.errors]


def test_reference_style_and_titled_images_are_found_with_their_lines():
    body = ("第一段。\n\n![单引号标题](images/a.jpg 'a title')\n\n![引用][scene]\n\n`![代码里的不是图片](images/code.jpg)`\n\n"
            "[scene]: images/b.jpg \"标题\"\n")
    assert image_references(body) == [(2, "单引号标题", "images/a.jpg"), (4, "引用", "images/b.jpg")]


def test_a_missing_reference_style_or_titled_image_is_an_error_not_a_traceback(content):
    body = "第一段。\n\n![现场][photo]\n\n![标题图](images/gone.jpg 'a title')\n\n[photo]: images/missing.jpg\n"
    write_news(content, "a.md", news(body=body))
    assert _errors(content) == [
        "content/news/a.md:9: error[E301]: body: image images/missing.jpg does not exist "
        "(paths are relative to content/)",
        "content/news/a.md:11: error[E301]: body: image images/gone.jpg does not exist "
        "(paths are relative to content/)",
    ]


def test_reference_style_images_need_alt_text_and_must_be_local(content):
    write_picture(content, "images/x.jpg", size=(100, 100))
    body = "![][local]\n\n![外链][remote]\n\n[local]: images/x.jpg\n[remote]: https://example.com/x.jpg 'remote'\n"
    write_news(content, "a.md", news(body=body))
    assert _errors(content) == [
        "content/news/a.md:7: error[E306]: body: image images/x.jpg needs alt text describing it: "
        "![说明文字](images/x.jpg)",
        "content/news/a.md:9: error[E305]: body: remote image https://example.com/x.jpg is not allowed: copy it into "
        "content/images/ and link that file",
    ]


def test_remote_resources_in_raw_html_are_errors(content):
    body = ("第一段。\n\n<div class=\"photo\"><img src=\"https://example.com/a.jpg\" alt=\"外链\"></div>\n\n"
            "段落里有 <img src='//cdn.example.com/b.png' alt='b'> 内联图片。\n\n"
            "<iframe src=\"https://video.example.com/embed/1\"></iframe>\n\n"
            "<script src=\"http://example.com/x.js\"></script>\n\n"
            "`<img src=\"https://example.com/in-code.jpg\">` 是代码，不会加载。\n")
    write_news(content, "a.md", news(body=body))
    assert _errors(content) == [
        "content/news/a.md:9: error[E307]: body: <img> in the body loads the remote resource "
        "https://example.com/a.jpg, which is not allowed: the site loads no external assets; put pictures in "
        "content/images/ and write ![说明文字](images/...), link other pages instead",
        "content/news/a.md:11: error[E307]: body: <img> in the body loads the remote resource "
        "//cdn.example.com/b.png, which is not allowed: the site loads no external assets; put pictures in "
        "content/images/ and write ![说明文字](images/...), link other pages instead",
        "content/news/a.md:13: error[E307]: body: <iframe> in the body loads the remote resource "
        "https://video.example.com/embed/1, which is not allowed: the site loads no external assets; put pictures "
        "in content/images/ and write ![说明文字](images/...), link other pages instead",
        "content/news/a.md:15: error[E307]: body: <script> in the body loads the remote resource "
        "http://example.com/x.js, which is not allowed: the site loads no external assets; put pictures in "
        "content/images/ and write ![说明文字](images/...), link other pages instead",
    ]


def test_a_local_picture_in_raw_html_must_be_written_as_markdown(content):
    write_picture(content, "images/x.jpg", size=(100, 100))
    write_news(content, "a.md", news(body="<p><img src=\"images/x.jpg\" alt=\"现场\"></p>"))
    assert _errors(content) == [
        "content/news/a.md:7: error[E308]: body: <img> with images/x.jpg in the body is not published: "
        "write the picture as ![说明文字](images/x.jpg)",
    ]


def test_a_raw_html_remote_image_fails_the_build_and_is_not_published(tmp_path):
    content = make_site(tmp_path, {"a.md": news(slug="a", body="<img src=\"https://example.com/a.jpg\" alt=\"x\">")})
    with pytest.raises(ContentError) as failure:
        build(content, tmp_path / "output")
    assert [d.code for d in failure.value.diagnostics] == ["E307"]
    assert not (tmp_path / "output" / "site").exists()


def _body_pictures(site):
    return soup(site / "news/a/index.html").select(".report-body picture img")


def test_reference_style_images_keep_their_variants_and_follow_a_replaced_file(tmp_path):
    content = make_site(tmp_path, {"a.md": news(slug="a", body="![现场][scene]\n\n[scene]: images/scene.jpg\n")})
    write_picture(content, "images/scene.jpg", size=(800, 600), color=(150, 20, 20))
    first = build(content, tmp_path / "output").site_dir
    [img] = _body_pictures(first)
    assert (first / img["src"].lstrip("/")).is_file()
    # Rebuilt from the Markdown cache: the picture is still published.
    again = build(content, tmp_path / "output", force=True).site_dir
    [img_again] = _body_pictures(again)
    assert img_again["src"] == img["src"] and (again / img_again["src"].lstrip("/")).is_file()
    # The file is replaced, the body is not: the page shows the new picture.
    write_picture(content, "images/scene.jpg", size=(800, 600), color=(20, 20, 150))
    third = build(content, tmp_path / "output", force=True).site_dir
    [img_new] = _body_pictures(third)
    assert img_new["src"] != img["src"] and (third / img_new["src"].lstrip("/")).is_file()


@pytest.mark.parametrize("body, attribute", [
    ("[点这里](javascript:alert(1))", "href"),
    ("[点这里](JaVa\tScRiPt:alert(1))", "href"),
    ("[点这里](data:text/html,<script>alert(1)</script>)", "href"),
    ("# 标题 {: onclick=\"alert(1)\" }", "onclick"),
    ("段落。\n{: style=\"position:fixed\" }", "style"),
])
def test_markdown_syntax_cannot_carry_script(body, attribute):
    html = BeautifulSoup(render_markdown(body), "html.parser")
    assert not any(attribute in element.attrs for element in html.find_all(True))


def test_safe_links_stay():
    html = BeautifulSoup(render_markdown("[文明网](https://www.wenming.cn/) [本站](/column/) [信](mailto:a@b.cn)"),
                         "html.parser")
    assert [a["href"] for a in html.find_all("a")] == ["https://www.wenming.cn/", "/column/", "mailto:a@b.cn"]


def test_a_derived_summary_is_the_first_paragraph_with_text_cut_at_the_limit():
    html = ('<p><picture><img src="/media/a.jpg" alt=""></picture></p>\n<p>  </p>\n'
            '<p>城北街道<strong>志愿者</strong>走进&amp;社区，\n开展宣讲。</p>\n<p>第二段。</p>')
    assert derive_summary(html) == "城北街道志愿者走进&社区， 开展宣讲。"
    assert derive_summary("<p>" + "宣讲" * 80 + "</p>") == "宣讲" * 54 + "宣…"
    assert derive_summary("<h2>标题</h2><ul><li>只有列表</li></ul>") == ""
