"""The web editor at /admin/ in headless Chromium against a real ``build.py cms`` process and a real git
repository: the editorial round trip, the 409 flow, Pinyin input through real IME composition events, the
WeChat export, draft protection, accessibility (axe-core, WCAG 2.1 AA) and the handbook's screenshots."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import pytest
from adminkit import ROOT, jpeg_bytes, running_cms
from browser_support import allow_only, browser  # noqa: F401 (fixture)
from bs4 import BeautifulSoup
from cmskit import PASSWORD, git
from playwright.sync_api import expect
from quality_tools import assert_accessible
from sitekit import write_picture

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
SCREENSHOTS = ROOT / "docs" / "assets" / "screenshots"  # the handbook's pictures, committed
LIVE_TIMEOUT = 90_000  # ms for a publication to reach the site
TITLE = "城北街道开展“茶乡微讲堂”进社区活动"


@pytest.fixture
def cms(tmp_path):
    with running_cms(tmp_path) as server:
        yield server


class Tab:
    """A browser context and tab on the CMS, where every request that is not for the server is aborted."""

    def __init__(self, browser, cms, viewport=DESKTOP, permissions=()):  # noqa: F811 (the imported fixture)
        self.cms = cms
        self.context = browser.new_context(viewport=viewport, locale="zh-CN")
        if permissions:
            self.context.grant_permissions(list(permissions), origin=cms.url)
        self.blocked = allow_only(self.context, cms.url + "/")
        self.errors: list[str] = []
        self.page = self.new_page()

    def new_page(self):
        page = self.context.new_page()
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.set_default_timeout(15_000)
        return page

    def close(self) -> None:
        self.context.close()

    def open(self, route: str = "") -> None:
        self.page.goto(f"{self.cms.url}/admin/{route}")

    def login(self, username: str, route: str = "#/news") -> None:
        self.open(route)
        page = self.page
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录", exact=True).click()
        expect(page.get_by_role("button", name="退出登录", exact=True)).to_be_visible()
        expect(page.locator("main h1")).to_be_visible()  # the screen has finished loading

    def edit(self, slug: str) -> None:
        """Open the 编辑 screen of a report (by its address, as a bookmark would)."""
        self.page.goto(f"{self.cms.url}/admin/#/news/{slug}")
        expect(self.page.get_by_role("heading", name="编辑报道", level=1)).to_be_visible()
        expect(self.title()).not_to_have_value("")

    def title(self):
        return self.page.get_by_role("textbox", name="标题", exact=True)

    def body(self):
        return self.page.get_by_role("textbox", name="正文", exact=True)

    def status(self):
        return self.page.locator("#status")

    def preview_title(self):
        return self.page.frame_locator("iframe[title='预览']").locator("#report-title")

    def assert_clean(self) -> None:
        """Nothing was loaded from outside the server and no script failed."""
        assert self.blocked == [], self.blocked
        assert self.errors == [], self.errors


@pytest.fixture
def tabs(browser, cms):  # noqa: F811 (the imported fixture)
    opened: list[Tab] = []

    def open_tab(**options) -> Tab:
        tab = Tab(browser, cms, **options)
        opened.append(tab)
        return tab

    yield open_tab
    for tab in opened:
        tab.close()


def assert_fits(page, screen: str) -> None:
    """Nothing makes the page scroll sideways."""
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.viewport_size["width"]
    assert width <= viewport, f"{screen} is {width}px wide in a {viewport}px window"


def screenshot(page, name: str) -> None:
    """A picture of the screen for the editors' handbook: docs/assets/screenshots/cms-<name>.png when
    WENMING_SCREENSHOTS=1 (scripts/screenshots.sh refreshes them), else in a temporary folder."""
    refresh = os.environ.get("WENMING_SCREENSHOTS") == "1"
    folder = SCREENSHOTS if refresh else Path(tempfile.gettempdir()) / "wenming-screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    page.evaluate("document.activeElement && document.activeElement.blur()")  # no caret in the picture
    page.screenshot(path=folder / f"cms-{name}.png")


def wait_until(page, condition, failure: str, timeout: float = 5.0) -> None:
    """Let the page run (its events reach Python meanwhile) until ``condition()`` holds."""
    for _ in range(int(timeout / 0.025)):
        if condition():
            return
        page.wait_for_timeout(25)
    raise AssertionError(failure)


def commit_file(cms, relative: str, text: str, message: str) -> None:
    """Change a content file with plain git, behind the CMS's back."""
    path = cms.content / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    git(cms.root, "add", "-A")
    git(cms.root, "commit", "-qm", message)


# --- screens, accessibility, screenshots ------------------------------------------------------------------

def test_login_list_and_edit_screens_pass_axe_on_desktop_and_phone(tabs, cms):
    tab = tabs()
    page = tab.page
    tab.open()
    expect(page.get_by_role("heading", name="登录", level=1)).to_be_visible()
    page.get_by_label("用户名").fill("chengbei")
    page.get_by_label("密码").fill("wrong-password-1")
    page.get_by_role("button", name="登录", exact=True).click()
    refusal = page.locator(".login-form .form-error")
    expect(refusal).to_have_text(re.compile("用户名或密码不正确"))  # which of the two is not said
    assert_accessible(page, "登录 (refused)")
    page.get_by_label("密码").fill("")
    expect(page.get_by_role("link", name="编辑手册")).to_have_attribute("href", "/handbook/")
    screenshot(page, "login")

    page.reload()  # now logging in with the keyboard only
    expect(page.get_by_label("用户名")).to_be_focused()
    page.keyboard.type("chengbei")
    page.keyboard.press("Tab")
    expect(page.get_by_label("密码")).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="报道", level=1)).to_be_visible()
    rows = page.locator("table.entries tbody tr")
    expect(rows).to_have_count(4)  # its own three and the other town's published one, no other drafts
    expect(page.get_by_role("link", name="杨河镇草稿")).to_have_count(0)
    expect(rows.first).to_contain_text("城北街道")
    assert_accessible(page, "列表")
    screenshot(page, "list")

    page.get_by_role("link", name="新建报道").click()
    expect(page.get_by_role("heading", name="新建报道", level=1)).to_be_visible()
    for label in ("标题", "日期", "报送单位", "村（社区）", "实践平台", "重点任务", "报道类型", "封面图片", "摘要"):
        expect(page.get_by_label(label, exact=True)).to_be_visible()
    expect(page.get_by_label("报送单位", exact=True)).to_have_value("城北街道")
    villages = page.get_by_label("村（社区）", exact=True).locator("option").all_inner_texts()
    assert villages[1:] == ["北关社区", "东关社区", "西关社区", "南关社区"]  # only its own town's
    assert_accessible(page, "编辑 (new)")

    tab.edit("chengbei-draft")
    expect(tab.preview_title()).to_have_text("城北街道草稿")
    assert_accessible(page, "编辑")
    expect(page.get_by_role("link", name="编辑手册")).to_be_visible()
    screenshot(page, "edit")

    page.set_viewport_size(PHONE)
    assert_accessible(page, "编辑 at 390px")
    assert_fits(page, "编辑")
    page.goto(f"{cms.url}/admin/#/news")
    expect(page.get_by_role("heading", name="报道", level=1)).to_be_visible()
    assert_accessible(page, "列表 at 390px")
    assert_fits(page, "列表")
    page.get_by_role("button", name="退出登录", exact=True).click()
    expect(page.get_by_role("heading", name="登录", level=1)).to_be_visible()
    assert_accessible(page, "登录 at 390px")
    assert_fits(page, "登录")
    tab.assert_clean()


# --- the editorial round trip ----------------------------------------------------------------------------

def test_a_report_goes_from_the_form_through_review_to_the_site(tabs, cms):
    editor = tabs()
    page = editor.page
    editor.login("chengbei")
    page.get_by_role("link", name="新建报道").click()
    expect(page.get_by_role("heading", name="新建报道", level=1)).to_be_visible()
    editor.title().fill(TITLE)
    page.get_by_label("日期", exact=True).fill("2022-06-01")
    page.get_by_label("村（社区）", exact=True).select_option("北关社区")

    page.get_by_role("button", name="添加一家刊发媒体", exact=True).click()
    outlet = page.get_by_label("刊发媒体", exact=True)
    expect(outlet).to_be_focused()
    suggestions = outlet.evaluate("input => [...input.list.options].map(o => [o.value, o.label])")
    assert ["融媒", "西乡融媒（县级）"] in suggestions  # the type-ahead offers aliases too
    outlet.press_sequentially("某某晚报")
    expect(page.locator(".outlet-note")).to_have_text("未登记的媒体：请选择媒体级别。")

    editor.body().fill("6月1日，城北街道在北关社区开展“茶乡微讲堂”。")
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name="图片", exact=True).click()
    chooser.value.set_files({"name": "合影.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()})
    dialog = page.get_by_role("dialog", name="图片说明")
    expect(dialog).to_be_visible()
    expect(page.locator(".upload-panel .progress-text")).to_have_text("已上传")
    expect(page.locator(".upload-panel img.thumb")).to_be_visible()
    dialog.get_by_role("button", name="插入图片", exact=True).click()  # without the alt text it is refused
    expect(dialog.locator(".field-error")).to_have_text(re.compile("请填写图片说明文字"))
    dialog.get_by_label("图片说明文字").fill("居民在北关社区听微讲堂")
    dialog.get_by_role("button", name="插入图片", exact=True).click()
    expect(dialog).to_be_hidden()
    expect(editor.body()).to_have_value(re.compile(r"!\[居民在北关社区听微讲堂\]\(images/[^)]+\.jpg\)\n$"))
    expect(page.locator(".preview-problems")).to_contain_text("媒体“某某晚报”没有登记。")  # the live check

    page.get_by_role("button", name="保存", exact=True).click()  # the server's check refuses the outlet (422)
    expect(page.locator(".error-summary")).to_contain_text("内容有 1 处错误，未保存。")
    outlet_field = page.locator("div.field").filter(has=outlet)
    expect(outlet_field.locator(".field-error")).to_have_text(re.compile("媒体“某某晚报”没有登记。"))  # beside it
    expect(outlet).to_have_accessible_description(re.compile("媒体“某某晚报”没有登记。"))
    expect(outlet).to_have_attribute("aria-invalid", "true")
    outlet.fill("")
    outlet.press_sequentially("融媒")
    expect(page.get_by_label("媒体级别", exact=True)).to_have_value("县级")  # filled from the registry
    expect(page.locator(".outlet-note")).to_have_text("即“西乡融媒”，级别：县级")
    expect(editor.preview_title()).to_have_text(TITLE)
    expect(page.locator(".preview-problems li")).to_have_count(0)
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page).to_have_url(re.compile(r"#/news/(?!new$)[a-z0-9-]+$"))  # the new entry's own address
    slug = page.url.rsplit("/", 1)[1]
    expect(editor.status()).to_have_text("已保存为草稿。")
    page.get_by_role("button", name="提交审核", exact=True).click()
    expect(editor.status()).to_have_text("已提交审核，请等待审核人员处理。")
    saved = cms.api("GET", f"/api/news/{slug}", "reviewer")
    assert saved["status"] == "review"
    assert saved["fields"]["village"] == "北关社区" and saved["fields"]["units"] == ["城北街道"]
    assert saved["fields"]["publications"] == [{"outlet": "西乡融媒", "level": "县级"}]  # the alias 融媒 saved as the registered name
    image = re.search(r"\]\((images/[^)]+)\)", saved["body"]).group(1)
    assert (cms.content / image).is_file()

    reviewer = tabs()
    reviewer.login("reviewer")
    expect(reviewer.page.locator(".queue")).to_contain_text(TITLE)  # the 待审 queue
    reviewer.edit(slug)
    reviewer.page.get_by_role("button", name="退回", exact=True).click()  # a comment is required
    expect(reviewer.page.get_by_label("退回意见")).to_be_focused()
    reviewer.page.get_by_label("退回意见").fill("请补充参加人数。")
    reviewer.page.get_by_role("button", name="退回", exact=True).click()
    expect(reviewer.status()).to_have_text("已退回给报送单位，并附上了您的意见。")
    assert cms.api("GET", f"/api/news/{slug}", "reviewer")["status"] == "draft"

    page.reload()
    expect(page.get_by_role("note").filter(has_text="意见：请补充参加人数。")).to_be_visible()
    editor.body().press("ControlOrMeta+End")
    editor.body().press_sequentially("\n\n共有50余名居民参加。")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(editor.status()).to_have_text("已保存。")
    page.get_by_role("button", name="提交审核", exact=True).click()
    expect(editor.status()).to_have_text("已提交审核，请等待审核人员处理。")

    reviewer.page.reload()
    expect(reviewer.body()).to_have_value(re.compile("共有50余名居民参加。"))
    reviewer.page.get_by_role("button", name="发布", exact=True).click()
    live = reviewer.page.locator(".live-box")
    expect(live).to_contain_text("已在网站上线", timeout=LIVE_TIMEOUT)
    link = live.get_by_role("link", name=f"查看网页：{TITLE}")
    assert link.get_attribute("href") == f"{cms.url}/news/{slug}/"
    cms.wait_until_live()

    page_file = cms.output / "site" / "news" / slug / "index.html"
    built = BeautifulSoup(page_file.read_text(encoding="utf-8"), "html.parser")
    assert built.find("h1", id="report-title").get_text() == TITLE
    assert "共有50余名居民参加。" in built.get_text() and "北关社区" in built.get_text()
    assert built.find("img", alt="居民在北关社区听微讲堂") is not None
    served = reviewer.page.request.get(f"{cms.url}/news/{slug}/")
    assert served.status == 200 and TITLE in served.text()

    log = cms.log.read_text(encoding="utf-8")  # the server's log says what each build did and what went live
    assert re.search(r"^INFO:     build \[ *[0-9.]+ s\] generating the public site$", log, re.M)
    assert f"INFO:     revision {cms.head()[:10]} is live" in log

    commits = cms.commits()
    assert commits[:6] == [
        f"reviewer用户|发布：{TITLE}", f"chengbei用户|提交审核：{TITLE}", f"chengbei用户|修改报道：{TITLE}",
        f"reviewer用户|退回：{TITLE}（意见：请补充参加人数。）", f"chengbei用户|提交审核：{TITLE}",
        f"chengbei用户|新增报道：{TITLE}"]
    assert commits[6] == f"chengbei用户|上传图片：{image}"

    reviewer.page.get_by_role("button", name="历史", exact=True).click()
    history = reviewer.page.locator(".history-list > li")
    expect(history).to_have_count(6)
    expect(history.first).to_contain_text("reviewer用户")
    expect(history.nth(3)).to_contain_text("意见：请补充参加人数。")
    expect(history.last).to_contain_text("chengbei用户")
    history.nth(2).get_by_role("button", name="查看改动", exact=True).click()
    expect(history.nth(2).locator(".diff-box .diff-add").filter(has_text="共有50余名居民参加。")).to_have_count(1)
    history.nth(2).scroll_into_view_if_needed()
    assert_accessible(reviewer.page, "历史")
    screenshot(reviewer.page, "history")
    editor.assert_clean()
    reviewer.assert_clean()


# --- conflicts -------------------------------------------------------------------------------------------

def test_a_409_keeps_what_the_user_typed_and_says_so_in_chinese(tabs, cms):
    editor = tabs()
    page = editor.page
    editor.login("chengbei")
    editor.edit("chengbei-draft")
    mine = "这是浏览器里改写的正文。\n\n居民们积极参与。"
    editor.body().fill(mine)
    editor.title().fill("城北街道草稿（改）")
    path = "news/2022/05/chengbei-draft.md"
    original = (cms.content / path).read_text(encoding="utf-8")
    commit_file(cms, path, original + "\n用 git 直接加的一段。\n", "直接提交")

    page.get_by_role("button", name="保存", exact=True).click()
    conflict = page.locator("section.conflict")
    expect(conflict.get_by_role("heading", name="有人保存了更新的版本")).to_be_visible()
    expect(conflict).to_contain_text("已被别人修改")  # the server's message, in Chinese
    expect(conflict).to_contain_text("您输入的内容都还在表单里，没有丢失")
    expect(conflict.locator("table.conflict-fields")).to_contain_text("城北街道草稿（改）")
    expect(conflict).to_contain_text("用 git 直接加的一段。")  # the differences
    expect(editor.status()).to_have_text(re.compile("其他人已保存了更新的版本"))
    expect(editor.body()).to_have_value(mine)
    expect(editor.title()).to_have_value("城北街道草稿（改）")
    assert "用 git 直接加的一段。" in (cms.content / path).read_text(encoding="utf-8")  # nothing overwritten
    assert_accessible(page, "冲突")
    screenshot(page, "conflict")

    page.reload()  # still nothing lost: the draft is kept in the browser
    expect(editor.body()).to_have_value(mine)
    editor.body().press("ControlOrMeta+End")
    editor.body().press_sequentially("\n\n用 git 直接加的一段。")  # merged by hand
    page.get_by_role("button", name="保存", exact=True).click()
    expect(editor.status()).to_have_text("已保存。")
    saved = cms.api("GET", "/api/news/chengbei-draft", "chengbei")
    assert saved["body"] == mine + "\n\n用 git 直接加的一段。"
    assert saved["fields"]["title"] == "城北街道草稿（改）"
    assert cms.commits()[0] == "chengbei用户|修改报道：城北街道草稿（改）"
    editor.assert_clean()


# --- Chinese input --------------------------------------------------------------------------------------

# What a Pinyin IME sends: each word composed step by step (the pinyin shown underlined), then committed;
# punctuation and digits are committed at once (an empty list of steps).
TITLE_KEYS = [(["x", "xi", "xi'x", "xi'xiang", "xi'xiang'x", "xi'xiang'xian"], "西乡县"), ([], "“"),
              (["wen", "wen'ming"], "文明"), (["shi", "shi'jian"], "实践"), ([], "”"),
              (["kai", "kai'jiang", "kai'jiang'la"], "开讲啦"), ([], "！")]
BODY_KEYS = [([], "6"), (["y", "yue"], "月"), ([], "1"), (["r", "ri"], "日"), ([], "，"),
             (["bei", "bei'guan", "bei'guan'she", "bei'guan'she'qu"], "北关社区"), (["de"], "的"),
             (["ju", "ju'min"], "居民"), (["ting"], "听"), ([], "“"), (["cha", "cha'xiang"], "茶乡"),
             (["gu", "gu'shi"], "故事"), ([], "”"), ([], "。"), (["da", "da'jia"], "大家"), (["shuo"], "说"),
             ([], "："), (["hao"], "好"), ([], "！")]


def typed(keys) -> str:
    return "".join(text for _, text in keys)


PREVIEW = re.compile(r"/api/preview/news$")
COUNT_COMPOSITIONS = """() => {
    window.compositions = [];
    for (const type of ["compositionstart", "compositionend"]) {
        document.addEventListener(type, (event) => window.compositions.push(type), true);
    }
}"""


class PreviewGate:
    """Counts the preview requests; when armed, holds the next one until released, so that its answer can
    be made to arrive while a composition is in progress."""

    def __init__(self, page) -> None:
        self.page = page
        self.armed = False
        self.held: list = []
        self.count = 0
        page.route(PREVIEW, self.handle)

    def handle(self, route) -> None:
        self.count += 1
        if self.armed:
            self.armed = False
            self.held.append(route)
        else:
            route.continue_()

    def wait_for_held(self) -> object:
        wait_until(self.page, lambda: self.held, "the editor asked for no preview after a word was committed")
        return self.held.pop()


def compose(session, text: str) -> None:
    session.send("Input.imeSetComposition", {"text": text, "selectionStart": len(text), "selectionEnd": len(text)})


def ime_type(page, session, gate: PreviewGate, keys, overlaps: int) -> None:
    """Type through IME composition events. For the first ``overlaps`` composed words after the first one,
    the preview refresh started by the previous commit answers while the word is being composed."""
    for index, (steps, text) in enumerate(keys):
        if steps and index > 0 and overlaps > 0:
            overlaps -= 1
            gate.armed = True
            held = gate.wait_for_held()
            compose(session, steps[0])
            with page.expect_response(PREVIEW):
                held.continue_()
            steps = steps[1:]
        for step in steps:
            compose(session, step)
        session.send("Input.insertText", {"text": text})


def test_pinyin_composition_in_title_and_body_saves_exactly_what_was_typed(tabs, cms):
    editor = tabs()
    page = editor.page
    editor.login("chengbei")
    editor.edit("chengbei-draft")
    expect(editor.preview_title()).to_have_text("城北街道草稿")
    gate = PreviewGate(page)
    page.evaluate(COUNT_COMPOSITIONS)
    session = page.context.new_cdp_session(page)

    editor.title().fill("")
    editor.title().focus()
    ime_type(page, session, gate, TITLE_KEYS, overlaps=2)
    expect(editor.title()).to_have_value(typed(TITLE_KEYS))

    editor.body().fill("")
    editor.body().focus()
    ime_type(page, session, gate, BODY_KEYS[:8], overlaps=2)
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    ime_type(page, session, gate, BODY_KEYS[8:], overlaps=1)
    body = typed(BODY_KEYS[:8]) + "\n\n" + typed(BODY_KEYS[8:])
    expect(editor.body()).to_have_value(body)
    expect(editor.title()).to_have_value(typed(TITLE_KEYS))
    expect(editor.preview_title()).to_have_text(typed(TITLE_KEYS))
    composed = sum(1 for steps, _ in TITLE_KEYS + BODY_KEYS if steps)
    assert page.evaluate("window.compositions") == ["compositionstart", "compositionend"] * composed
    frame = page.frame_locator("iframe[title='预览']")
    expect(frame.locator("p").filter(has_text=typed(BODY_KEYS[8:]))).to_have_count(1)  # refreshed at the end

    page.get_by_role("button", name="保存", exact=True).click()
    expect(editor.status()).to_have_text("已保存。")
    saved = cms.api("GET", "/api/news/chengbei-draft", "chengbei")
    assert saved["fields"]["title"] == typed(TITLE_KEYS)
    assert saved["body"] == body
    expect(editor.body()).to_have_value(body)
    session.detach()
    editor.assert_clean()


# --- WeChat export --------------------------------------------------------------------------------------

def test_the_wechat_export_is_self_contained_with_absolute_urls(tabs, cms):
    write_picture(cms.content, "images/2022/06/heying.jpg")
    commit_file(cms, "news/2022/06/chengbei-wechat.md",
                "---\ntitle: 城北街道志愿者走进北关社区\ndate: 2022-06-02\nunits: [城北街道]\nstatus: published\n---\n\n"
                "志愿者为居民讲解垃圾分类。\n\n![志愿者和居民合影](images/2022/06/heying.jpg)\n\n"
                "更多内容见[文明实践专栏](/column/)。\n", "新增报道")
    editor = tabs(permissions=("clipboard-read", "clipboard-write"))
    page = editor.page
    editor.login("reviewer")
    editor.edit("chengbei-wechat")
    page.get_by_role("button", name="复制为公众号格式", exact=True).click()
    expect(editor.status()).to_have_text("已复制为公众号格式。请到公众号编辑器中粘贴。")
    shown = page.get_by_label("公众号格式 HTML").input_value()
    copied = page.evaluate("""async () => {
        const [item] = await navigator.clipboard.read();
        return await (await item.getType('text/html')).text();
    }""")
    assert shown in copied  # the clipboard holds the same HTML (Chromium may wrap it in a <meta> tag)

    exported = BeautifulSoup(shown, "html.parser")
    assert exported.find("script") is None and "<script" not in shown.lower()
    assert exported.find("link") is None and exported.find("style") is None and "@import" not in shown
    assert exported.find("h1").get_text() == "城北街道志愿者走进北关社区" and exported.find("h1")["style"]
    urls = [tag[attribute] for attribute in ("href", "src") for tag in exported.find_all(attrs={attribute: True})]
    urls += re.findall(r"url\(([^)]*)\)", shown)
    assert urls and all(re.match(r"https://example\.test/", url.strip("'\"")) for url in urls), urls
    picture = exported.find("img")
    assert picture["alt"] == "志愿者和居民合影" and picture["src"].startswith("https://example.test/")
    assert "https://example.test/column/" in urls
    # the rendered copy shows the pictures from the public site (base_url); nothing else leaves the server
    assert all(url.startswith("https://example.test/") for url in editor.blocked), editor.blocked
    assert editor.errors == []


# --- draft protection -----------------------------------------------------------------------------------

def test_unsaved_text_survives_a_reload_and_a_closed_tab(tabs, cms):
    editor = tabs()
    page = editor.page
    editor.login("chengbei")
    editor.edit("chengbei-draft")
    editor.body().press("ControlOrMeta+End")
    editor.body().press_sequentially("\n\n还没保存的一段。")
    text = "这是正文第一段。\n\n第二段。\n\n还没保存的一段。"
    expect(editor.body()).to_have_value(text)
    page.wait_for_function("Object.keys(localStorage).some(k => k.startsWith('wenming-cms.draft:'))")

    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.accept()))
    page.reload()
    expect(editor.body()).to_have_value(text)
    expect(page.get_by_role("note").filter(has_text="未保存的修改")).to_be_visible()

    with page.expect_event("close"):
        page.close(run_before_unload=True)  # the browser asks before a tab with unsaved edits closes
    assert "beforeunload" in dialogs
    again = editor.new_page()
    again.goto(f"{cms.url}/admin/#/news/chengbei-draft")
    expect(again.get_by_role("textbox", name="正文", exact=True)).to_have_value(text)
    again.get_by_role("button", name="放弃这些修改", exact=True).click()
    expect(again.get_by_role("textbox", name="正文", exact=True)).to_have_value("这是正文第一段。\n\n第二段。")
    assert cms.api("GET", "/api/news/chengbei-draft", "chengbei")["body"] == "这是正文第一段。\n\n第二段。"
    editor.assert_clean()


# --- navigation ------------------------------------------------------------------------------------------

def test_a_slow_screen_does_not_replace_the_one_the_user_moved_on_to(tabs, cms):
    editor = tabs()
    page = editor.page
    editor.login("chengbei")
    held: list = []
    page.route(re.compile(r"/api/events\?"), lambda route: held.append(route))  # the 活动 list is slow
    page.get_by_role("navigation", name="内容类型").get_by_role("link", name="活动").click()
    wait_until(page, lambda: held, "the 活动 list was not asked for")
    editor.edit("chengbei-draft")  # meanwhile the user opens a report
    with page.expect_response(re.compile(r"/api/events\?")):
        held[0].continue_()
    page.evaluate("() => new Promise((resolve) => setTimeout(resolve, 300))")  # time for a late render
    expect(page.get_by_role("heading", name="编辑报道", level=1)).to_be_visible()
    expect(editor.body()).to_have_value("这是正文第一段。\n\n第二段。")
    editor.assert_clean()

