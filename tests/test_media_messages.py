"""The media codes (E301-E308) in the catalog: Chinese by default, the same placeholders in both languages,
and ImageProblem carrying a code and parameters that callers record with their place."""

from __future__ import annotations

import pickle

from sitekit import news, write_news

from wenming.media.images import ImageProblem, ImageStore
from wenming.model.site import load_site
from wenming.source.diagnostics import Diagnostics
from wenming.source.messages import LANGUAGE_VARIABLE, catalog


def test_media_codes_have_both_languages_with_the_same_placeholders_and_a_fix():
    media = [m for m in catalog().values() if m.area == "media"]
    assert sorted(m.key for m in media) == [f"E30{i}" for i in range(1, 9)]
    for message in media:
        assert message.placeholders("zh") == message.placeholders("en"), message.key
        assert message.fix, message.key


def test_image_problem_has_a_code_and_parameters_and_renders_in_the_readers_language(content, monkeypatch):
    store = ImageStore(content)
    try:
        store.inspect("images/none.jpg")
    except ImageProblem as exc:
        problem = exc
    assert (problem.code, problem.params) == ("E301", {"src": "images/none.jpg"})
    assert str(problem) == "image images/none.jpg does not exist (paths are relative to content/)"
    assert pickle.loads(pickle.dumps(problem)).params == problem.params
    monkeypatch.setenv(LANGUAGE_VARIABLE, "zh")
    assert str(problem).startswith("找不到图片“images/none.jpg”。")
    diagnostics = Diagnostics(content)
    diagnostics.add(problem.code, content / "news/a.md", line=5, field="cover", **problem.params)
    assert diagnostics.items[0].format() == (
        "content/news/a.md:5: error[E301]: cover: 找不到图片“images/none.jpg”。图片路径从 content/ 写起，"
        "例如 images/2022/05/xuanjiang.jpg；请检查文件名和文件夹是否写对、图片是否已上传。")


def test_body_errors_in_chinese(content, monkeypatch):
    monkeypatch.setenv(LANGUAGE_VARIABLE, "zh")
    write_news(content, "a.md", news(body="<iframe src=\"https://v.example.com/1\"></iframe>"))
    _model, diagnostics = load_site(content)
    assert [d.format() for d in diagnostics.errors] == [
        "content/news/a.md:7: error[E307]: body: 正文里的 HTML 标签 <iframe> 引用了外部网站的资源“https://v.example.com/1”，"
        "这是不允许的：网站不加载任何外部资源。图片请放进 content/images/ 并写成 ![说明文字](images/文件名.jpg)；"
        "外部视频或网页请改为普通链接。",
    ]
