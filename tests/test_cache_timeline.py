"""Pages that show the time of day (an activity 未开始 / 进行中 / 已结束) are rebuilt when that state
changes, not once a day: a build later the same day, after an activity started, matches a full build."""

from __future__ import annotations

import datetime
import re
import types

import pytest
from bs4 import BeautifulSoup
from sitekit import event, make_practice_site, news, write_news

from wenming.build.cache import Timeline
from wenming.build.pipeline import build
from wenming.model import events as events_module
from wenming.schema.practice import CHINA_TZ

DAY = datetime.date(2022, 6, 15)


class _Clock:
    """Stands in for the datetime module in wenming.model.events, whose ``datetime.now`` is the build's "now"."""

    def __init__(self) -> None:
        self.moment = datetime.datetime.combine(DAY, datetime.time(8, 0), CHINA_TZ)
        clock = self

        class FixedDateTime(datetime.datetime):
            @classmethod
            def now(cls, tz=None):
                return clock.moment.astimezone(tz)

        self.module = types.SimpleNamespace(datetime=FixedDateTime, date=datetime.date, time=datetime.time,
                                            timedelta=datetime.timedelta, timezone=datetime.timezone)

    def set(self, hour: int, minute: int = 0) -> None:
        self.moment = datetime.datetime.combine(DAY, datetime.time(hour, minute), CHINA_TZ)


@pytest.fixture
def clock(monkeypatch) -> _Clock:
    clock = _Clock()
    monkeypatch.setattr(events_module, "datetime", clock.module)
    return clock


EMPTY_FEED_UPDATED = re.compile(rb"<updated>[^<]*</updated>")


def _site_files(site) -> dict[str, bytes]:
    """Every file except the search bundles (not byte-stable); an Atom feed with no entries is dated by
    Pelican with the time of the build, so that date is left out."""
    files = {}
    for path in site.rglob("*"):
        name = path.relative_to(site).as_posix()
        if path.is_file() and not name.startswith("pagefind"):
            data = path.read_bytes()
            files[name] = EMPTY_FEED_UPDATED.sub(b"", data) if b"<entry>" not in data else data
    return files


def _state(site) -> str:
    page = BeautifulSoup((site / "activities/index.html").read_text(encoding="utf-8"), "lxml")
    card = page.select_one("#event-yizhen")
    return card.select_one(".event-state").get_text(strip=True)


@pytest.mark.parametrize("edit", [False, True], ids=["nothing-edited", "a-report-edited"])
def test_a_build_after_an_activity_started_shows_it_in_progress_like_a_full_build(tmp_path, clock, edit):
    content = make_practice_site(tmp_path, {"a.md": news(slug="a")},
                                 events={"yizhen.md": event(start=f"{DAY} 09:00", end=f"{DAY} 11:30")})
    output = tmp_path / "output"
    assert _state(build(content, output).site_dir) == "未开始"

    clock.set(10)  # the same day, after the activity started
    if edit:  # the build runs, but the activity pages' inputs (files, front matter) did not change
        write_news(content, "a.md", news(slug="a", body="改过的正文。"))
    site = build(content, output).site_dir
    assert _state(site) == "进行中"
    full = build(content, tmp_path / "fresh", force=True).site_dir
    incremental, fresh = _site_files(site), _site_files(full)
    assert sorted(incremental) == sorted(fresh)
    assert [name for name in fresh if fresh[name] != incremental[name]] == []

    clock.set(10, 30)  # nothing starts or ends until 11:30: the build is skipped
    assert build(content, output).up_to_date


def test_the_timeline_state_changes_at_each_start_and_just_after_each_end():
    start = datetime.datetime(2022, 6, 15, 9, 0, tzinfo=CHINA_TZ)
    end = datetime.datetime(2022, 6, 15, 11, 30, tzinfo=CHINA_TZ)
    timeline = Timeline.of([types.SimpleNamespace(start=start, end=end)])
    before, during, after = (start - datetime.timedelta(minutes=1), start, end + datetime.timedelta(seconds=1))
    assert len({timeline.state(before), timeline.state(during), timeline.state(end), timeline.state(after)}) == 3
    assert timeline.state(during) == timeline.state(end)
    assert timeline.next_change(before) == start
    assert timeline.next_change(during) == end
    assert timeline.next_change(after) == datetime.datetime(2022, 6, 16, tzinfo=CHINA_TZ)
