"""Raw HTML in bodies written through the CMS: cleaned to the allow-list, with the Markdown around it untouched."""

from __future__ import annotations

import re

import markdown
import pytest
from bs4 import BeautifulSoup

from wenming.cms.sanitize import ALLOWED_TAGS, clean_markup, sanitize_body
from wenming.media.markup import EXTENSIONS

REPORT = """\
## 城北街道开展“文明实践进社区”志愿服务活动

11 月 28 日上午，城北街道新时代文明实践所联合北关社区、县人民医院在社区广场开展义诊 & 政策宣讲活动，
参与群众 **200 余人**，其中 60 岁以上老人占比 >40%，不足 <5 人次的项目将在下月补开。

> 北关社区党支部书记说：“志愿服务要常态化，
> 让群众在家门口就能享受到服务。”
>
> > 引用中的引用 & 说明

活动内容：

1. 健康义诊：测血压、血糖；
2. 政策宣讲：
   - 医保报销流程（参见 <https://www.xixiang.gov.cn/ybj/> 或来信 <ybj@xixiang.gov.cn>）；
   - 防范电信诈骗，记住 a < b 的道理；
3. 文艺演出。

| 项目 | 人次 | 备注 |
|:-----|----:|------|
| 义诊 | 126 | 含 `<b>` 标记的说明 |
| 宣讲 | 80  | A&B 两组 |

写法示例：在正文里写 `<b>加粗</b>` 或 ``<script>`` 都只是代码，不会生效。

    <div onclick="alert(1)">缩进代码块原样保留</div>

```html
<script>alert("fenced code stays")</script>
```

![志愿者为老人测量血压](images/2026/11/yizhen.jpg "义诊现场")

[查看活动通知](https://www.xixiang.gov.cn/tz/123.html)&nbsp;\\<转义的尖括号\\>

（供稿：城北街道 张三）
"""


def render(text: str) -> BeautifulSoup:
    """The body as the site renders it (same Python-Markdown extensions), parsed."""
    html = markdown.Markdown(extensions=list(EXTENSIONS), output_format="html").convert(text)
    return BeautifulSoup(html, "html.parser")


def test_a_report_without_raw_html_comes_back_byte_for_byte():
    assert sanitize_body(REPORT) == REPORT
    assert sanitize_body("纯文字，没有尖括号 & 也没有标签。\r\n第二行") == "纯文字，没有尖括号 & 也没有标签。\r\n第二行"


def test_script_tags_are_removed_with_their_content():
    body = "活动很成功。<script>alert('x')</script>欢迎参加。\n\n<SCRIPT src=https://evil.example/x.js></SCRIPT>"
    cleaned = sanitize_body(body)
    assert cleaned == "活动很成功。欢迎参加。\n\n"
    assert render(cleaned).find("script") is None


def test_event_handlers_styles_and_classes_are_removed():
    assert sanitize_body('<b onclick="steal()">重点</b>') == "<b>重点</b>"
    assert sanitize_body('<span style="color:red" class="x" onmouseover=alert(1)>红字</span>') == "<span>红字</span>"
    assert sanitize_body("<img src=x onerror=alert(1)>") == ""
    assert sanitize_body('<td ONCLICK="x">1</td>') == "<td>1</td>"


def test_javascript_links_lose_their_href_and_safe_links_keep_it():
    assert sanitize_body('<a href="javascript:alert(1)">点此</a>') == "<a>点此</a>"
    assert sanitize_body('<a href=" JaVaScRiPt:alert(1)" title="t">x</a>') == '<a title="t">x</a>'
    assert sanitize_body('<a href="data:text/html,<script>x</script>">x</a>') == "<a>x</a>"
    kept = '<a href="https://www.xixiang.gov.cn/" title="西乡县人民政府">县政府网站</a>'
    assert sanitize_body(kept) == kept
    for href in ("http://a.cn/", "mailto:wmsj@xixiang.gov.cn", "../news/x/", "#top", "/quota/2026/"):
        assert sanitize_body(f'<a href="{href}">x</a>') == f'<a href="{href}">x</a>'


def test_allowed_tags_are_kept_as_written():
    body = (
        "<details><summary>活动详情</summary>\n<p>第一段<br>第二行</p>\n</details>\n\n"
        "<figure><figcaption>图注</figcaption></figure> <abbr title=\"新时代文明实践\">文明实践</abbr>"
        " H<sub>2</sub>O x<sup>2</sup> <u>下划线</u> <s>删除</s> <em>强调</em> <i>斜</i> <strong>粗</strong>\n\n"
        "<table><caption>统计</caption><thead><tr><th>镇</th></tr></thead><tbody><tr><td>城关镇</td></tr>"
        "</tbody></table>\n\n<div><blockquote><ul><li>一</li></ul><ol><li>二</li></ol></blockquote></div>\n\n"
        "<h2>标题</h2><h6>小标题</h6>"
    )
    assert sanitize_body(body) == body


def test_allowed_tags_are_written_in_lower_case_without_other_attributes():
    assert sanitize_body('<P ALIGN="center">段落</P><BR/><br />') == "<p>段落</p><br><br>"
    assert sanitize_body('<abbr title="中心" id="x">中心</abbr>') == '<abbr title="中心">中心</abbr>'


@pytest.mark.parametrize("tag", ["iframe", "object", "style", "svg", "math", "template", "textarea", "noscript"])
def test_embedding_elements_are_removed_with_their_content(tag):
    assert sanitize_body(f"前<{tag} src=//evil.example>内容</{tag}>后") == "前后"


@pytest.mark.parametrize("markup_text", [
    "<embed src=x.swf>", "<form action=https://evil.example><input name=p></form>", "<img src=images/a.jpg>",
    "<video src=a.mp4></video>", "<link rel=stylesheet href=x.css>", "<meta http-equiv=refresh content=0>",
    "<base href=https://evil.example/>", "<button></button>", "<x-widget onclick=x></x-widget>",
])
def test_other_elements_are_removed(markup_text):
    assert sanitize_body(markup_text) == ""


def test_comments_and_declarations_are_removed():
    assert sanitize_body("前<!-- 内部备注 -->中<!DOCTYPE html><?php echo 1; ?>后<!-->") == "前中后"


def test_unfinished_markup_is_written_as_text():
    # A browser would read the tag on to the next ">" in the page, wherever that comes from.
    assert sanitize_body("<div>说明 <img src=x onerror=alert(1)") == "<div>说明 &lt;img src=x onerror=alert(1)"
    assert sanitize_body('<a href="https://x.cn title=t>链接') == '&lt;a href="https://x.cn title=t>链接'
    assert sanitize_body("备注<!-- 没有结尾") == "备注&lt;!-- 没有结尾"


def test_tag_like_text_that_is_no_element_stays_visible_as_text():
    cleaned = sanitize_body("如果 a<b，c>d 成立")
    assert cleaned == "如果 a&lt;b，c>d 成立"
    assert render(cleaned).get_text() == "如果 a<b，c>d 成立"


def test_quoted_attribute_values_may_hold_the_closing_bracket():
    # A browser reads this as one <img> tag: the ">" inside quotes does not end it.
    assert sanitize_body('<img alt="a>b" src=x onerror=alert(1)>文字') == "文字"


def test_nested_tag_tricks_do_not_reassemble_a_script():
    cleaned = sanitize_body("<scr<script>x</script>ipt>alert(1)</script>")
    assert render(cleaned).find("script") is None
    assert "<script" not in cleaned.lower()


def test_autolinks_stay_but_not_ones_a_browser_would_read_as_a_handler():
    assert sanitize_body("见 <https://www.xixiang.gov.cn/a?b=1&c=2> 和 <wmsj@xixiang.gov.cn>") == (
        "见 <https://www.xixiang.gov.cn/a?b=1&c=2> 和 <wmsj@xixiang.gov.cn>"
    )
    assert sanitize_body("<div>\n<https://x.cn/onmouseover=alert(1)>\n</div>") == (
        "<div>\n&lt;https://x.cn/onmouseover=alert(1)>\n</div>"
    )
    assert sanitize_body("<javascript://%0aalert(1)>") == "&lt;javascript://%0aalert(1)>"


def test_code_spans_and_blocks_are_untouched():
    body = (
        "行内代码 `<script>alert(1)</script>` 与 ``<img src=x onerror=y>``。\n\n"
        "    <iframe src=//x></iframe>\n\n"
        "~~~\n<script>fenced</script>\n~~~\n\n"
        "然后是 <b onclick=x>真的标签</b>"
    )
    cleaned = sanitize_body(body)
    assert cleaned == body.replace("<b onclick=x>", "<b>")
    soup = render(cleaned)
    assert [c.get_text() for c in soup.find_all("code")] == [
        "<script>alert(1)</script>", "<img src=x onerror=y>", "<iframe src=//x></iframe>\n", "<script>fenced</script>\n",
    ]


def test_html_blocks_are_cleaned_and_text_in_them_is_kept():
    body = '<div class="box" onclick="x">\n  县里 & 镇里 > 村里\n  <script>bad()</script>\n</div>\n\n后文'
    assert sanitize_body(body) == "<div>\n  县里 & 镇里 > 村里\n  \n</div>\n\n后文"


def test_a_markdown_attribute_cannot_turn_raw_html_into_an_element():
    assert sanitize_body('<div markdown="1" onclick="y">\n*重点*\n</div>') == "<div>\n*重点*\n</div>"


@pytest.mark.parametrize("body", [
    "<div>\n\n    <script>alert(1)</script>\n\n</div>",  # an indented block inside a <div> is raw HTML, not code
    "<div>\n`<script>alert(1)</script>`\n</div>",  # and so are backticks
    "- 项目\n\n    <script>alert(1)</script>",  # an indented block after a list continues the item
    "```\n<b>\r```\n<script>alert(1)</script>\n```",  # a lone CR ends the fence for the renderer
    "   ```\n<script>alert(1)</script>\n   ```",  # an indented fence is no fence for the renderer
])
def test_what_looks_like_code_but_is_raw_html_to_the_renderer_is_cleaned(body):
    cleaned = sanitize_body(body)
    assert render(cleaned).find("script") is None
    assert "<script" not in cleaned.lower()


ATTACKS = [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", '<a href="javascript:alert(1)">x</a>',
    "<svg onload=alert(1)>", '<iframe src="javascript:alert(1)"></iframe>', "<b onmouseover=alert(1)>x</b>",
    '<div style="background:url(javascript:alert(1))">x</div>', "<details open ontoggle=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>", "<a href='&#106;avascript:alert(1)'>x</a>",
]
CONTEXTS = [
    "{}", "段落里 {} 结束", "<div>\n{}\n</div>", "> 引用 {}", "- 列表 {}", "| 表 | 头 |\n|---|---|\n| {} | 2 |",
    "<div>\n\n    {}\n\n</div>", "- 项\n\n    {}", "<div>\n`{}`\n</div>", "# 标题 {}", "<p>{}</p>",
]


@pytest.mark.parametrize("context", CONTEXTS)
@pytest.mark.parametrize("attack", ATTACKS)
def test_nothing_dangerous_survives_rendering(context, attack):
    soup = render(sanitize_body(context.format(attack)))
    for element in soup.find_all(True):
        assert element.name in ALLOWED_TAGS | {"p", "h1", "code", "pre", "table", "thead", "tbody", "tr", "th", "td",
                                               "blockquote", "ul", "li"}, element
        for name, value in element.attrs.items():
            assert name in {"href", "title"}, element
            assert "javascript" not in str(value).lower(), element


def test_a_body_with_markup_gets_lf_line_breaks():
    assert sanitize_body("第一行\r\n<b onclick=x>第二行</b>\r第三行") == "第一行\n<b>第二行</b>\n第三行"


def test_non_ascii_letters_in_a_tag_name_are_not_folded_into_an_allowed_name():
    # U+212A KELVIN SIGN lower-cases to "k" in Python but not in a browser: "bloc\u212aquote" is no blockquote.
    assert sanitize_body("<bloc\u212aquote onclick=x>引</bloc\u212aquote>") == (
        "&lt;bloc\u212aquote onclick=x>引&lt;/bloc\u212aquote>"
    )


@pytest.mark.parametrize("body", ["<a " * 60_000 + 'x="', "<a b" * 50_000, "<!--" * 50_000, "<script>" * 30_000,
                                  "<x， " * 40_000 + ">"])
def test_unfinished_markup_repeated_many_times_is_cleaned_in_one_pass(body):
    # Reading each unfinished tag to the end of the text again would take minutes here.
    cleaned = sanitize_body(body)
    assert not re.search(r"<[A-Za-z/!?]", cleaned)
    assert len(cleaned) >= len(body) // 2


def test_cleaning_is_idempotent():
    once = sanitize_body(REPORT + "\n\n" + "\n\n".join(ATTACKS))
    assert sanitize_body(once) == once
    assert clean_markup(once) != once  # the code in it was left alone: cleaning everything would change it
