"""Live preview: `build.py serve` rebuilds on change, tells the browser to reload or shows problems."""

from __future__ import annotations

import json
import time
import urllib.request

import pytest
from conftest import serving
from sitekit import make_site, news, write_news

from wenming.build.pipeline import build


def read_event(stream) -> tuple[str, dict]:
    kind = None
    for raw in stream:
        line = raw.decode("utf-8").rstrip("\n")
        if line.startswith("event: "):
            kind = line[len("event: "):]
        elif line.startswith("data: ") and kind:
            return kind, json.loads(line[len("data: "):])
    raise AssertionError("event stream ended")


@pytest.fixture
def preview(tmp_path):
    content = make_site(tmp_path, {"2022/a.md": news(slug="a")})
    with serving(content, tmp_path / "output") as url:
        yield content, url


def get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read().decode("utf-8")


def test_pages_get_the_reload_client(preview):
    _, url = preview
    assert '<script src="/__preview/client.js"></script></body>' in get(url + "news/a/")
    assert "EventSource" in get(url + "__preview/client.js")


def test_change_rebuilds_and_problems_are_reported_while_the_last_good_site_stays(preview):
    content, url = preview
    with urllib.request.urlopen(url + "__preview/events", timeout=60) as stream:
        kind, first = read_event(stream)
        assert kind == "reload" and first["problems"] == []

        write_news(content, "2022/a.md", news(slug="a", units="城北街办"))
        kind, failed = read_event(stream)
        assert kind == "problems"
        assert failed["problems"] == [
            "content/news/2022/a.md:4: error[E201]: units.0: 城北街办 is not a registry unit; did you mean 城北街道? "
            "(see content/data/units.yml)"]
        assert "城北街道开展宣讲活动" in get(url + "news/a/")  # last good site still served

        write_news(content, "2022/a.md", news(slug="a", title="改好的标题"))
        kind, fixed = read_event(stream)
        assert kind == "reload" and fixed["generation"] > failed["generation"]
    assert "改好的标题" in get(url + "news/a/")


def test_an_idle_preview_does_not_rebuild(tmp_path):
    """Builds read the sources; reading is not a change, so nothing may rebuild until a file changes.
    (Starting on an up-to-date output runs a background build while the watcher is already on.)"""
    content = make_site(tmp_path, {"2022/a.md": news(slug="a")})
    build(content, tmp_path / "output")
    with serving(content, tmp_path / "output") as url:

        def generation() -> int:
            with urllib.request.urlopen(url + "__preview/events", timeout=30) as stream:
                return read_event(stream)[1]["generation"]

        time.sleep(8)  # the background build after an up-to-date start
        first = generation()
        time.sleep(3)
        assert generation() == first
