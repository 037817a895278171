"""The body-edit patch (wenming.build.patch): a build after editing only report bodies replaces just the
files that show them, and the site it leaves is byte for byte the one a full build makes; anything else
falls back to the full build."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from conftest import run_cli
from sitekit import make_site, news, write_news, write_picture

from wenming.build.pipeline import build
from wenming.publish import search_index
from wenming.source.diagnostics import ContentError

AS_OF = datetime.date(2022, 12, 31)
TOWNS = ["城北街道", "杨河镇", "茶镇"]
COUNT = 56  # 52 of them 城北街道's, more than a feed's 50 items: its two oldest (r0, r1) are in no feed


def town(i: int) -> str:
    return TOWNS[0] if i < 50 else TOWNS[i % 3]


def report(i: int, extra: str = "", title: str | None = None) -> str:
    body = f"第{i}次宣讲的第一段。\n\n第二段讲到茶乡的新风尚。{extra}"
    return news(title=title or f"{town(i)}开展第{i}次宣讲活动", slug=f"r{i}", units=town(i),
                date=f"2022-{3 + i // 20:02d}-{1 + i % 20:02d}", body=body)


def tree(output: Path) -> dict[str, bytes]:
    """Every file of the published trees (the site and the kiosk), by path. Of a search bundle, only the
    digest of the pages it indexed: Pagefind names and fills its files differently from run to run (the
    search itself is checked in a browser, test_incremental_search.py)."""
    files = {}
    for name in ("site", "kiosk"):
        for path in sorted((output / name).rglob("*")):
            relative = path.relative_to(output).as_posix()
            in_bundle = relative.split("/")[1].startswith("pagefind")
            if path.is_file() and (not in_bundle or path.name == search_index.DIGEST_FILE):
                files[relative] = path.read_bytes()
    return files


def assert_same_as_full_build(content: Path, output: Path, tmp_path: Path) -> None:
    fresh = tmp_path / f"full-{len(list(tmp_path.glob('full-*')))}"
    build(content, fresh, as_of=AS_OF, force=True)
    patched, full = tree(output), tree(fresh)
    assert patched.keys() == full.keys()
    differing = [name for name in full if patched[name] != full[name]]
    assert differing == []


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("patch")
    content = make_site(root, {f"r{i}.md": report(i) for i in range(COUNT)})
    output = root / "output"
    result = build(content, output, as_of=AS_OF)
    assert result.patched is None
    return content, output


@pytest.fixture
def site(built, tmp_path):
    """A built site of its own (a copy of the module's, caches included)."""
    import shutil
    content, output = built
    shutil.copytree(content.parent, tmp_path / "root", symlinks=True)
    return tmp_path / "root" / "content", tmp_path / "root" / "output"


def test_an_old_reports_body_edit_patches_its_page_month_json_and_search_bundle(site, tmp_path):
    content, output = site
    write_news(content, "r0.md", report(0, "新增一句：志愿者带来竹编灯笼。"))
    result = build(content, output, as_of=AS_OF)
    assert result.patched == ["api/v1/news/r0.json", "column/2022/03/index.html", "news/r0/index.html"]
    assert "竹编灯笼" in (output / "site/news/r0/index.html").read_text()
    assert_same_as_full_build(content, output, tmp_path)
    assert build(content, output, as_of=AS_OF).up_to_date


def test_a_report_in_the_feeds_is_patched_with_the_feeds(site, tmp_path):
    content, output = site
    newest = COUNT - 1
    write_news(content, f"r{newest}.md", report(newest, "新增一句：村民观测流星雨。"))
    result = build(content, output, as_of=AS_OF)
    assert result.patched is not None
    assert "feeds/column.atom.xml" in result.patched and "feeds/column.json" in result.patched
    assert "流星雨" in (output / "site/feeds/column.atom.xml").read_text()
    assert_same_as_full_build(content, output, tmp_path)


def test_a_report_in_its_towns_feed_only_patches_that_feed(site, tmp_path):
    """r3 is among 城北街道's 50 newest but not among the column's: its town's feed is written, no other."""
    content, output = site
    write_news(content, "r3.md", report(3, "新增一句：老人们学唱红歌。"))
    result = build(content, output, as_of=AS_OF)
    assert result.patched is not None
    assert [name for name in result.patched if name.startswith("feeds/")] == ["feeds/towns/chengbei-jiedao.atom.xml"]
    assert "老人们学唱红歌" in (output / "site/feeds/towns/chengbei-jiedao.atom.xml").read_text()
    assert_same_as_full_build(content, output, tmp_path)


def test_a_picture_taken_out_of_a_body_leaves_the_site_with_a_full_build(site, tmp_path):
    content, output = site
    write_picture(content, "images/r4.jpg")
    write_news(content, "r4.md", report(4, "\n\n![宣讲现场](images/r4.jpg)"))
    assert build(content, output, as_of=AS_OF).patched is None  # a picture not yet published
    shown = {path.name for path in (output / "site").rglob("*.webp")}
    assert shown
    write_news(content, "r4.md", report(4, "照片已删除。"))
    assert build(content, output, as_of=AS_OF).patched is None
    assert not {path.name for path in (output / "site").rglob("*.webp")} & shown
    assert_same_as_full_build(content, output, tmp_path)


@pytest.mark.parametrize("change", ["title", "summary", "added", "removed", "data file"])
def test_other_changes_take_the_full_build(site, tmp_path, change):
    content, output = site
    if change == "title":
        write_news(content, "r1.md", report(1, title="城北街道开展宣讲活动（更正标题）"))
    elif change == "summary":  # the first paragraph is the summary lists show
        write_news(content, "r1.md", report(1).replace("第1次宣讲的第一段。", "第1次宣讲的第一段，改写了。"))
    elif change == "added":
        write_news(content, "r99.md", report(99).replace("slug: r99", "slug: r-added"))
    elif change == "removed":
        (content / "news" / "r1.md").unlink()
    else:  # a report edit together with a change elsewhere
        write_news(content, "r0.md", report(0, "又一句。"))
        data = next((content / "data").glob("*.yml"))
        data.write_text(data.read_text(encoding="utf-8") + "\n# 备注\n", encoding="utf-8")
    result = build(content, output, as_of=AS_OF)
    assert result.patched is None and not result.up_to_date
    assert_same_as_full_build(content, output, tmp_path)


def test_a_patched_page_is_rendered_again_when_its_edit_is_undone_in_a_full_build(site, tmp_path):
    """The render cache forgets what a patch replaced: the old key must not bring back the patched file."""
    content, output = site
    original = (content / "news" / "r2.md").read_text(encoding="utf-8")
    write_news(content, "r2.md", report(2, "临时补充的一句。"))
    assert build(content, output, as_of=AS_OF).patched is not None
    write_news(content, "r2.md", original)
    write_news(content, "r3.md", report(3, title="城北街道开展第3次宣讲活动（更正）"))
    assert build(content, output, as_of=AS_OF).patched is None
    assert "临时补充" not in (output / "site/news/r2/index.html").read_text()
    assert_same_as_full_build(content, output, tmp_path)


def test_an_edit_with_an_error_fails_in_chinese_terms_and_keeps_the_site(site, monkeypatch):
    monkeypatch.setenv("WENMING_LANG", "zh")
    content, output = site
    before = tree(output)
    write_news(content, "r0.md", report(0, "联系电话 13912345678。"))
    with pytest.raises(ContentError) as failure:
        build(content, output, as_of=AS_OF)
    message = "\n".join(d.format() for d in failure.value.diagnostics)
    assert "r0.md" in message and "手机号码" in message
    assert tree(output) == before


def test_a_patch_is_not_taken_for_another_day_or_as_of(site):
    content, output = site
    write_news(content, "r0.md", report(0, "又一句。"))
    result = build(content, output, as_of=datetime.date(2022, 12, 30))
    assert result.patched is None


@pytest.mark.parametrize("step", ["added", "edited", "removed"])
def test_unpublished_reports_change_nothing_public_and_take_the_patch(site, tmp_path, step):
    """The CMS writes a draft, then submits it for review: neither shows anywhere, neither is a full build."""
    content, output = site
    draft = news(title="城北街道开展宣讲活动（草稿）", slug="draft-1", units="城北街道", status="draft",
                 date="2022-06-30", body="草稿正文。")
    write_news(content, "draft-1.md", draft)
    result = build(content, output, as_of=AS_OF)
    assert result.patched == []
    if step == "edited":
        write_news(content, "draft-1.md", draft.replace("status: draft", "status: review") + "\n补充。\n")
        assert build(content, output, as_of=AS_OF).patched == []
    elif step == "removed":
        (content / "news" / "draft-1.md").unlink()
        assert build(content, output, as_of=AS_OF).patched == []
    assert not (output / "site/news/draft-1").exists()
    assert_same_as_full_build(content, output, tmp_path)
    assert build(content, output, as_of=AS_OF).up_to_date


def test_publishing_a_draft_takes_the_full_build(site, tmp_path):
    content, output = site
    draft = news(title="城北街道开展宣讲活动（待发布）", slug="draft-2", units="城北街道", status="draft",
                 date="2022-06-30", body="待发布的正文。")
    write_news(content, "draft-2.md", draft)
    assert build(content, output, as_of=AS_OF).patched == []
    write_news(content, "draft-2.md", draft.replace("status: draft", "status: published"))
    result = build(content, output, as_of=AS_OF)
    assert result.patched is None
    assert "待发布的正文" in (output / "site/news/draft-2/index.html").read_text()
    assert_same_as_full_build(content, output, tmp_path)


def test_a_draft_that_takes_a_published_reports_slug_fails_as_in_a_full_build(site):
    content, output = site
    before = tree(output)
    write_news(content, "copy.md", news(title="重复的报道", slug="r5", units="城北街道", status="draft"))
    with pytest.raises(ContentError) as failure:
        build(content, output, as_of=AS_OF)
    assert any("copy.md" in d.format() for d in failure.value.diagnostics)
    assert tree(output) == before


def test_the_sample_site_takes_the_patch_for_a_body_edit(tmp_path):
    """The bundled content, whose exhibits and activities name reports: a body edit is patched, not rebuilt."""
    import shutil

    from wenming import PROJECT_DIR
    content = tmp_path / "content"
    shutil.copytree(PROJECT_DIR / "content", content)
    output = tmp_path / "output"
    build(content, output, as_of=AS_OF)
    report_file = next(path for path in sorted((content / "news").rglob("*.md"))
                       if "status: draft" not in path.read_text(encoding="utf-8"))
    with report_file.open("a", encoding="utf-8") as handle:
        handle.write("\n补充一段：样例站点的正文修改。\n")
    result = build(content, output, as_of=AS_OF)
    assert result.patched is not None and any(name.startswith("news/") for name in result.patched)
    assert_same_as_full_build(content, output, tmp_path)


def test_the_command_line_saves_a_patchs_state_in_the_background_for_the_next_build(site):
    """The state a patch leaves is saved by a detached child once the site is live; the next command waits for
    it (the build lock), patches again from it, and the one after finds nothing to do."""
    content, output = site
    as_of = ["--as-of", AS_OF.isoformat(), "--content", str(content), "--output", str(output)]
    for run, words in enumerate(("竹编灯笼", "剪纸窗花")):
        write_news(content, "r1.md", report(1, f"新增一句：{words}。"))
        done = run_cli("build", *as_of)
        assert done.returncode == 0, done.stderr
        assert "patched the site: 3 files rendered again" in done.stdout, (run, done.stdout)
        assert "saving the caches for the next build in the background" in done.stdout
        assert words in (output / "site/news/r1/index.html").read_text(encoding="utf-8")
    again = run_cli("build", *as_of)
    assert "nothing changed since the last build" in again.stdout, again.stdout


def test_an_edit_that_renders_the_same_page_leaves_its_search_bundle_in_place(site, tmp_path):
    content, output = site
    bundles = [path.parent for path in (output / "site").glob(f"pagefind*/**/{search_index.DIGEST_FILE}")]
    before = {path: (path / search_index.DIGEST_FILE).stat().st_ino for path in bundles}
    write_news(content, "r0.md", report(0) + "\n\n\n")  # blank lines: the same page
    result = build(content, output, as_of=AS_OF)
    assert result.patched == ["api/v1/news/r0.json", "column/2022/03/index.html", "news/r0/index.html"]
    assert {path: (path / search_index.DIGEST_FILE).stat().st_ino for path in bundles} == before
    assert_same_as_full_build(content, output, tmp_path)



def test_a_caller_told_when_the_site_is_live_gets_the_pages_before_the_search_bundle(site, tmp_path):
    """With ``on_live`` (the CMS), a patch's pages go live without waiting for Pagefind: at that moment the
    live search bundle is still the one from before the edit; the new one is in once the build returns."""
    content, output = site

    def digests() -> dict[str, bytes]:
        return {path.parent.as_posix(): path.read_bytes()
                for path in (output / "site").glob(f"pagefind*/**/{search_index.DIGEST_FILE}")}

    before = digests()
    write_news(content, "r3.md", report(3, "新增一句：竹编灯笼。"))
    seen = {}

    def live(result) -> None:
        seen.update(patched=result.patched, digests=digests(),
                    page="竹编灯笼" in (output / "site/news/r3/index.html").read_text(encoding="utf-8"))

    result = build(content, output, as_of=AS_OF, on_live=live)
    assert seen["patched"] == result.patched and "news/r3/index.html" in result.patched
    assert seen["page"] and seen["digests"] == before
    after = digests()
    assert after.keys() == before.keys() and [name for name in after if after[name] != before[name]] != []
    assert not list(output.glob(".patch-*"))
    assert_same_as_full_build(content, output, tmp_path)
