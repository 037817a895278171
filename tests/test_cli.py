"""The build.py command line: exit codes, atomic output, check, new and serve."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest
from conftest import run_cli, serving, soup
from sitekit import make_site, news, write_news

from wenming.model.site import load_site


def test_build_then_failed_build_leaves_previous_site_intact(tmp_path):
    content = make_site(tmp_path, {"2022/a.md": news(slug="a")})
    output = tmp_path / "output"
    first = run_cli("build", "--content", str(content), "--output", str(output))
    assert first.returncode == 0, first.stderr
    before = {p.relative_to(output): p.read_bytes() for p in output.rglob("*")
              if p.is_file() and ".cache" not in p.parts}
    assert (output / "site/news/a/index.html").is_file()

    write_news(content, "2022/a.md", news(slug="a", title="改过的标题"))
    write_news(content, "2022/bad.md", news(units="城北街办"))
    failed = run_cli("build", "--content", str(content), "--output", str(output))
    assert failed.returncode == 1
    assert "content/news/2022/bad.md:4: error[E201]: units.0: 城北街办 is not a registry unit; did you mean 城北街道?" \
        in failed.stderr
    assert "the previous site is unchanged" in failed.stderr
    after = {p.relative_to(output): p.read_bytes() for p in output.rglob("*")
             if p.is_file() and ".cache" not in p.parts}
    assert after == before
    assert not [p.name for p in output.iterdir() if p.name.startswith((".staging", ".site.old", ".kiosk.old"))]


def test_successful_rebuild_replaces_the_site(tmp_path):
    content = make_site(tmp_path, {"2022/a.md": news(slug="a")})
    output = tmp_path / "output"
    assert run_cli("build", "--content", str(content), "--output", str(output)).returncode == 0
    (content / "news/2022/a.md").unlink()
    write_news(content, "2022/b.md", news(slug="b"))
    assert run_cli("build", "--content", str(content), "--output", str(output)).returncode == 0
    assert not (output / "site/news/a").exists()
    assert (output / "site/news/b/index.html").is_file()


def test_usage_errors_exit_2(tmp_path):
    result = run_cli("build", "--no-such-option")
    assert result.returncode == 2 and "unrecognized arguments" in result.stderr
    assert run_cli("frobnicate").returncode == 2


def test_not_a_content_folder_is_a_content_error(tmp_path):
    result = run_cli("check", "--content", str(tmp_path))
    assert result.returncode == 1
    assert "not a content directory: it has no data/ registry folder" in result.stderr


def test_check_reports_all_errors_and_warnings(tmp_path):
    content = make_site(tmp_path, {"a.md": news(units="城北街办"), "b.md": news(tilte="x", slug="b"),
                                   "c.md": news(platform="理论宣传", slug="c")})
    result = run_cli("check", "--content", str(content))
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if ": error[" in line or ": warning[" in line]
    assert len(lines) == 3
    assert "2 error(s) found." in result.stderr


def test_check_passes_on_valid_content(tmp_path):
    content = make_site(tmp_path)
    result = run_cli("check", "--content", str(content))
    assert result.returncode == 0
    assert "1 reports and 0 pages are valid" in result.stdout


def test_new_news_writes_a_skeleton_that_validates(tmp_path):
    content = make_site(tmp_path)
    result = run_cli("new", "news", "--unit", "城北", "--title", "城北街道“五知五行”宣讲", "--date", "2022-08-15",
                     "--content", str(content))
    assert result.returncode == 0, result.stderr
    path = content / "news/2022/08/20220815-chengbei-jiedao.md"
    assert result.stdout.strip() == str(path)
    again = run_cli("new", "news", "--unit", "城北街道", "--title", "第二篇", "--date", "2022-08-15",
                    "--content", str(content))
    assert again.stdout.strip().endswith("20220815-chengbei-jiedao-2.md")
    model, diagnostics = load_site(content)
    assert diagnostics.items == []
    item = next(n for n in model.news if n.slug == "20220815-chengbei-jiedao")
    assert item.title == "城北街道“五知五行”宣讲" and item.status == "draft"
    assert [u.name for u in item.units] == ["城北街道"] and item.kind.name == "活动"


def test_new_rejects_unknown_unit_with_suggestion(tmp_path):
    content = make_site(tmp_path)
    result = run_cli("new", "news", "--unit", "城北街办", "--title", "x", "--content", str(content))
    assert result.returncode == 2
    assert "--unit: 城北街办 is not a registry unit; did you mean 城北街道?" in result.stderr


def test_serve_builds_and_serves_on_loopback(tmp_path):
    content = make_site(tmp_path, {"2022/a.md": news(slug="a")})
    with serving(content, tmp_path / "output") as url:
        with urllib.request.urlopen(url + "news/a/", timeout=10) as response:
            assert "城北街道开展宣讲活动" in response.read().decode("utf-8")
        with pytest.raises(urllib.error.HTTPError) as info:
            urllib.request.urlopen(url + "no/such/page/", timeout=10)
        assert info.value.code == 404
        assert "页面未找到" in info.value.read().decode("utf-8")


def test_build_as_of_sets_the_quota_date(tmp_path):
    from sitekit import write_quota

    content = make_site(tmp_path, {"2022/a.md": news(slug="a")})
    write_quota(content)
    output = tmp_path / "output"
    result = run_cli("build", "--content", str(content), "--output", str(output), "--as-of", "2022-06-30")
    assert result.returncode == 0, result.stderr
    page = soup(output / "site/quota/2022/index.html")
    assert "数据截至 2022年6月30日" in page.select_one(".lead").get_text()
    assert run_cli("build", "--as-of", "2022-13-01").returncode == 2


def test_unchanged_input_skips_the_build_and_any_change_rebuilds(tmp_path):
    content = make_site(tmp_path, {"2022/a.md": news(slug="a")})
    output = tmp_path / "output"
    args = ("build", "--content", str(content), "--output", str(output))
    assert "generating the public site" in run_cli(*args).stdout
    again = run_cli(*args)
    assert again.returncode == 0 and "nothing changed since the last build" in again.stdout
    write_news(content, "2022/a.md", news(slug="a", title="新标题"))
    rebuilt = run_cli(*args)
    assert "generating the public site" in rebuilt.stdout
    assert soup(output / "site/news/a/index.html").h1.get_text() == "新标题"
    assert "generating the public site" in run_cli(*args, "--force").stdout
