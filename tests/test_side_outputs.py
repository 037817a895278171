"""Side outputs (wenming.build.side_outputs): a forked process writes the generators' output that nothing else
reads. The site, its sitemap and the build's records come out as one process makes them; what the child logs
or raises reaches the build; a child that dies fails the build with E906 and leaves the live site as it was."""

from __future__ import annotations

import logging
import os
import re
import signal
import time
from pathlib import Path

import pytest
import wenming_plugins.quota as quota_plugin
import wenming_plugins.towns as towns_plugin
from sitekit import news, write_news, write_quota, write_registry

from wenming.build import side_outputs
from wenming.build.pipeline import build
from wenming.build.render_cache import _store
from wenming.source.diagnostics import ContentError

EMPTY_FEED_UPDATED = re.compile(rb"(<updated>)[^<]*(</updated>)(?!.*<entry>)", re.S)


def _content(root: Path) -> Path:
    content = write_registry(root / "content")
    write_quota(content)
    for i in range(8):
        write_news(content, f"r{i}.md", news(title=f"测试报道{i}", date=f"2022-0{1 + i % 6}-1{i}",
                                             units=["[城北街道]", "[杨河镇]"][i % 2], slug=f"r{i}"))
    return content


def _files(site: Path) -> dict[str, bytes]:
    """Every file but the search bundles (Pagefind's output is not byte-stable); an empty feed's time left out."""
    return {p.relative_to(site).as_posix(): EMPTY_FEED_UPDATED.sub(rb"\1\2", p.read_bytes())
            for p in site.rglob("*") if p.is_file() and not p.relative_to(site).parts[0].startswith("pagefind")}


def _forks(monkeypatch) -> list[int]:
    """The side processes the builds fork, counted."""
    started: list[int] = []
    real = side_outputs.SideOutputs.start.__func__
    monkeypatch.setattr(side_outputs.SideOutputs, "start",
                        classmethod(lambda cls, *args: started.append(1) or real(cls, *args)))
    return started


def test_a_build_with_a_side_process_makes_the_site_and_records_one_process_makes(tmp_path, monkeypatch):
    content = _content(tmp_path)
    forks = _forks(monkeypatch)
    forked = build(content, tmp_path / "forked")
    assert forks == [1]
    monkeypatch.undo()  # then one process, as where ``os.fork`` is missing
    monkeypatch.setattr(side_outputs.SideOutputs, "start", classmethod(lambda cls, *args: None))
    alone = build(content, tmp_path / "alone")

    files = _files(forked.site_dir)
    assert files == _files(alone.site_dir)
    side = {"towns/index.html", "quota/2022/index.html", "api/v1/news.json", "api/v1/news/r3.json",
            "rankings/index.html", "activities/index.html", "quota/2022/quota-2022.xlsx"}
    assert side <= files.keys()
    sitemap = files["sitemap.xml"].decode()
    assert "/towns/</loc>" in sitemap and "/quota/2022/</loc>" in sitemap and "/rankings/</loc>" in sitemap
    recorded = [_store(tmp_path / name / ".cache").load()["pages"] for name in ("forked", "alone")]
    assert recorded[0] == recorded[1] and side - {"api/v1/news.json"} <= recorded[0].keys()  # news.json: always written
    assert [d.code for d in forked.diagnostics.items] == [d.code for d in alone.diagnostics.items]


def test_the_next_build_keeps_what_the_side_process_wrote(tmp_path):
    """Its records are the build's: a later build keeps the files they describe (same file, not rewritten)."""
    content = _content(tmp_path)
    site = build(content, tmp_path / "output").site_dir
    before = {name: (site / name).stat().st_ino for name in ("api/v1/news/r3.json", "api/v1/units.json")}
    write_news(content, "r9.md", news(title="新增的报道", date="2022-06-30", units="[杨河镇]", slug="r9"))
    build(content, tmp_path / "output")
    assert (site / "api/v1/news/r3.json").stat().st_ino == before["api/v1/news/r3.json"]
    assert "新增的报道" in (site / "api/v1/news.json").read_text(encoding="utf-8")
    assert "/news/r9/</loc>" in (site / "sitemap.xml").read_text(encoding="utf-8")


def test_the_parent_writes_the_side_outputs_the_child_has_not_taken_when_it_is_done_with_its_own(tmp_path,
                                                                                                   monkeypatch):
    """The child starts with the first side generator (the quota pages); while it is busy there, the parent, done
    with its own generators, writes the other side generators' files before it waits for the child."""
    content = _content(tmp_path)
    done, parent = tmp_path / "towns-written", os.getpid()
    writers: dict[str, int] = {}
    real_quota, real_towns = quota_plugin.QuotaGenerator.generate_output, towns_plugin.TownsGenerator.generate_output

    def quota(self, writer):
        for _ in range(300):  # until the town pages are written (by the parent), at most 30 s
            if done.exists():
                break
            time.sleep(0.1)
        writers["quota"] = os.getpid()
        real_quota(self, writer)

    def towns(self, writer):
        real_towns(self, writer)
        done.write_text(str(os.getpid()))

    monkeypatch.setattr(quota_plugin.QuotaGenerator, "generate_output", quota)
    monkeypatch.setattr(towns_plugin.TownsGenerator, "generate_output", towns)
    forked = build(content, tmp_path / "forked")
    assert int(done.read_text()) == parent
    assert "quota" not in writers  # written by the child: its dictionary is not this one
    monkeypatch.undo()
    monkeypatch.setattr(side_outputs.SideOutputs, "start", classmethod(lambda cls, *args: None))
    alone = build(content, tmp_path / "alone")
    assert _files(forked.site_dir) == _files(alone.site_dir)
    assert "/towns/</loc>" in _files(forked.site_dir)["sitemap.xml"].decode()
    recorded = [_store(tmp_path / name / ".cache").load()["pages"] for name in ("forked", "alone")]
    assert recorded[0] == recorded[1]


def test_an_error_in_the_side_process_fails_the_build_and_the_live_site_stays(tmp_path, monkeypatch):
    content = _content(tmp_path)
    site = build(content, tmp_path / "output").site_dir
    live = _files(site)

    def broken(self, writer):
        raise ValueError("镇页面出错了")

    monkeypatch.setattr(towns_plugin.TownsGenerator, "generate_output", broken)
    write_news(content, "r9.md", news(title="新增的报道", date="2022-06-30", slug="r9"))
    with pytest.raises(ValueError, match="镇页面出错了"):
        build(content, tmp_path / "output")
    assert _files(site) == live


def test_a_template_error_in_the_side_process_is_a_template_error(tmp_path, monkeypatch):
    """A syntax error cannot be pickled as it is: it comes back as a template error with its place (E902)."""
    content = _content(tmp_path)

    def broken(self, writer):
        self.env.from_string("{% if %}", globals={}).render()

    monkeypatch.setattr(towns_plugin.TownsGenerator, "generate_output", broken)
    with pytest.raises(ContentError) as failed:
        build(content, tmp_path / "output")
    assert [d.code for d in failed.value.diagnostics] == ["E902"]


def test_a_side_process_that_dies_fails_the_build_with_e906(tmp_path, monkeypatch):
    content = _content(tmp_path)
    site = build(content, tmp_path / "output").site_dir
    live = _files(site)
    # the first side generator is always the child's (the others go to whichever process is free)
    monkeypatch.setattr(quota_plugin.QuotaGenerator, "generate_output",
                        lambda self, writer: os.kill(os.getpid(), signal.SIGKILL))
    write_news(content, "r9.md", news(title="新增的报道", date="2022-06-30", slug="r9"))
    with pytest.raises(ContentError) as failed:
        build(content, tmp_path / "output")
    assert [d.code for d in failed.value.diagnostics] == ["E906"]
    assert "no result" in str(failed.value.diagnostics[0])
    assert _files(site) == live


def test_what_pelican_logs_in_the_side_process_reaches_the_build(tmp_path, monkeypatch):
    content = _content(tmp_path)
    real = towns_plugin.TownsGenerator.generate_output

    def warned(self, writer):
        logging.getLogger("pelican.generators").warning("镇页面的提示")
        real(self, writer)

    monkeypatch.setattr(towns_plugin.TownsGenerator, "generate_output", warned)
    result = build(content, tmp_path / "output")
    assert [d.params.get("warning") for d in result.diagnostics.items if d.code == "W903"] == ["镇页面的提示"]

    def failed(self, writer):
        logging.getLogger("pelican.generators").error("镇页面写不出来")

    monkeypatch.setattr(towns_plugin.TownsGenerator, "generate_output", failed)
    with pytest.raises(ContentError) as error:
        build(content, tmp_path / "again")
    assert [(d.code, d.params.get("error")) for d in error.value.diagnostics] == [("E903", "镇页面写不出来")]


def test_the_api_files_made_from_the_registry_alone_are_kept_when_a_report_is_added(tmp_path):
    """units.json, outlets.json and the JSON Schemas show nothing of any report: an added report keeps them
    (the same files, not written again); a change to the registry makes them again."""
    from sitekit import make_site, news, write_news

    from wenming.build.pipeline import build
    content = make_site(tmp_path, {"r1.md": news(slug="r1")})
    output = tmp_path / "output"
    api = output / "site" / "api" / "v1"
    build(content, output)
    reportless = ["units.json", "outlets.json", "schema/news.json", "schema/volunteer.json"]
    before = {name: (api / name).stat().st_ino for name in reportless}
    news_list = (api / "news.json").stat().st_ino
    write_news(content, "r2.md", news(title="城北街道开展第二次宣讲活动", slug="r2", date="2022-06-01"))
    build(content, output)
    assert {name: (api / name).stat().st_ino for name in reportless} == before
    assert (api / "news.json").stat().st_ino != news_list and "r2" in (api / "news.json").read_text(encoding="utf-8")
    units = content / "data" / "units.yml"
    units.write_text(units.read_text(encoding="utf-8").replace("杨河镇", "杨河乡"), encoding="utf-8")
    build(content, output)
    assert "杨河乡" in (api / "units.json").read_text(encoding="utf-8")
    assert "杨河乡" in (api / "schema/news.json").read_text(encoding="utf-8")
