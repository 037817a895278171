"""The checkers of the HTML-quality tests, installed from npm by scripts/install-checkers.sh: the Nu HTML Checker
(``vnu_errors``: files, folders, documents and fragments checked in one Java process) and axe-core
(``axe_violations``: injected into a Playwright page, WCAG 2.1 A and AA rules); and ``cms_screens``, the walk
through every screen of the web editor that both gates check.

A missing checker fails the tests (it does not skip them).
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "tools" / "node_modules"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_SCRIPT = NODE_MODULES / "axe-core" / "axe.min.js"
INSTALL_HINT = "run scripts/install-checkers.sh (Debian's Java, vnu-jar and axe-core from npm into tools/)"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
VNU_TIMEOUT = 600  # seconds for one batch (the sample site's ~350 pages take about 15)
# A fragment is checked inside this minimal document, on the fragment's first line so that lines keep their numbers.
FRAGMENT_FRAME = ('<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>fragment</title></head>'
                  '<body>{}</body></html>\n')


def require(found: object, what: str) -> None:
    if not found:
        pytest.fail(f"{what} is missing: {INSTALL_HINT}", pytrace=False)


@dataclasses.dataclass(frozen=True)
class Document:
    """HTML that is not a file of its own: ``name`` appears in the errors; a ``fragment`` (say, a snippet other
    sites embed) is checked as the body of a minimal document."""

    name: str
    html: str
    fragment: bool = False


@dataclasses.dataclass(frozen=True)
class HtmlError:
    """One error of the Nu HTML Checker, where it is and the source it quotes."""

    where: str
    line: int | None
    column: int | None
    message: str
    extract: str = ""

    def __str__(self) -> str:
        place = f"{self.where}:{self.line}:{self.column}" if self.line else self.where
        extract = " ".join(self.extract.split())
        return f"{place}: {self.message}" + (f"  [{extract}]" if extract else "")


def vnu_errors(*sources: Path | Document) -> list[HtmlError]:
    """The errors (not warnings) of the Nu HTML Checker in the HTML files, folders (every .html file in them) and
    documents given, in one run of Java; each error names its file (as given) or document."""
    require(shutil.which("java"), "java")
    require(VNU_JAR.is_file(), str(VNU_JAR))
    with tempfile.TemporaryDirectory(prefix="vnu-") as scratch:
        names: dict[str, str] = {}
        arguments: list[str] = []
        for number, source in enumerate(sources):
            if isinstance(source, Document):
                path = Path(scratch).resolve() / f"document-{number}.html"
                path.write_text(FRAGMENT_FRAME.format(source.html) if source.fragment else source.html,
                                encoding="utf-8")
                names[str(path)] = source.name
            else:
                path = Path(source)
                require(path.exists(), str(path))
            arguments.append(str(path))
        result = subprocess.run(["java", "-jar", str(VNU_JAR), "--format", "json", "--errors-only",
                                 "--skip-non-html", *arguments],
                                capture_output=True, text=True, timeout=VNU_TIMEOUT)
    try:
        messages = json.loads(result.stderr)["messages"]
    except (json.JSONDecodeError, KeyError):
        raise AssertionError(f"vnu.jar failed ({result.returncode}): {result.stderr[-2000:]}") from None
    errors = []
    for message in messages:
        if message.get("type") not in ("error", "non-document-error"):
            continue
        path = unquote(urlparse(message.get("url", "")).path)
        errors.append(HtmlError(names.get(path, path), message.get("lastLine"), message.get("lastColumn"),
                                message.get("message", ""), message.get("extract", "")))
    return errors


def axe_violations(page, tags: list[str] = WCAG_TAGS, options: dict | None = None) -> list[dict]:
    """axe-core's violations of the rules with ``tags`` in the page as it is now (injected once per document;
    frames are left out: their pages are checked on their own)."""
    require(AXE_SCRIPT.is_file(), str(AXE_SCRIPT))
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(AXE_SCRIPT.read_text(encoding="utf-8"))
    run = {"runOnly": {"type": "tag", "values": tags}, "resultTypes": ["violations"], "iframes": False,
           **(options or {})}
    return page.evaluate("options => axe.run(document, options).then(results => results.violations)", run)


def describe_violations(violations: list[dict]) -> str:
    """axe-core's violations as lines to read: rule, impact, what it asks, and each element with what is wrong."""
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation.get('impact')}): {violation['help']}")
        for node in violation["nodes"]:
            summary = " ".join((node.get("failureSummary") or "").split())
            lines.append(f"    {' > '.join(map(str, node['target']))}: {summary}")
    return "\n".join(lines)


def assert_accessible(page, what: str, tags: list[str] = WCAG_TAGS) -> None:
    """axe-core finds no violation of the WCAG 2.1 A/AA rules in the page."""
    violations = axe_violations(page, tags)
    assert violations == [], f"{what} ({page.url}):\n{describe_violations(violations)}"


# The web editor's collections (wenming/cms/admin/labels.js) and the entries of tests/cmskit.make_repository
# whose 编辑 screens are visited.
CMS_COLLECTIONS = {"news": "报道", "events": "活动", "exhibits": "展品", "projects": "品牌项目",
                   "volunteers": "志愿者", "pages": "单页"}
CMS_ENTRIES = {"news": "chengbei-draft", "pages": "about"}


def cms_screens(page, url: str, password: str, change_behind_the_back) -> Iterator[str]:
    """Open every screen of the web editor at ``url`` in turn in ``page`` (a fresh context) and yield the name of
    each once it is shown: 登录 (empty and refused), each collection's list and 新建 screen, a filtered list,
    the 编辑 screens of CMS_ENTRIES with the 历史 and 公众号格式 panels open, and the 409 conflict screen
    (``change_behind_the_back()`` commits a change to chengbei-draft outside the CMS)."""
    from playwright.sync_api import expect

    page.goto(f"{url}/admin/")
    expect(page.get_by_role("heading", name="登录", level=1)).to_be_visible()
    yield "登录"
    page.get_by_label("用户名").fill("admin")
    page.get_by_label("密码").fill("wrong-password-1")
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.locator(".login-form .form-error")).to_be_visible()
    yield "登录 (refused)"
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.get_by_role("button", name="退出登录", exact=True)).to_be_visible()
    for collection, label in CMS_COLLECTIONS.items():
        page.goto(f"{url}/admin/#/{collection}")
        expect(page.locator("main h1")).to_have_text(label)
        expect(page.locator("main .results, main .empty").first).to_be_visible()
        yield f"{label}列表"
        page.goto(f"{url}/admin/#/{collection}/new")
        expect(page.locator("main h1")).to_have_text(f"新建{label}")
        expect(page.get_by_role("button", name="保存", exact=True)).to_be_visible()
        yield f"新建{label}"
    page.goto(f"{url}/admin/#/news?status=review")
    expect(page.locator("main h1")).to_have_text("报道")
    expect(page.locator("table.entries tbody tr").first).to_be_visible()
    yield "报道列表 (待审)"
    for collection, slug in CMS_ENTRIES.items():
        page.goto(f"{url}/admin/#/{collection}/{slug}")
        expect(page.locator("main h1")).to_have_text(f"编辑{CMS_COLLECTIONS[collection]}")
        expect(page.get_by_role("button", name="保存", exact=True)).to_be_visible()
        yield f"编辑{CMS_COLLECTIONS[collection]}"
    page.goto(f"{url}/admin/#/news/{CMS_ENTRIES['news']}")
    expect(page.locator("main h1")).to_have_text("编辑报道")
    page.get_by_role("button", name="历史", exact=True).click()
    expect(page.get_by_role("heading", name="修改历史")).to_be_focused()
    page.get_by_role("button", name="复制为公众号格式", exact=True).click()
    expect(page.get_by_role("heading", name="公众号格式")).to_be_visible()
    expect(page.locator("iframe.wechat-frame")).to_be_visible()
    yield "编辑报道 (历史, 公众号格式)"
    page.get_by_role("textbox", name="标题", exact=True).fill("城北街道草稿（改）")
    change_behind_the_back()
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.get_by_role("heading", name="有人保存了更新的版本")).to_be_visible()
    yield "编辑报道 (409)"
