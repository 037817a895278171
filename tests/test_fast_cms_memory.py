"""The CMS keeps the rendered Markdown in memory between its builds (pipeline.KeptCaches) instead of unpickling
it again, and reads it back from disk when another build has replaced the file since."""

from __future__ import annotations

from conftest import soup
from sitekit import make_site, news, write_news

from wenming.build import cache
from wenming.build.pipeline import KeptCaches, build


def _recording_loads(monkeypatch) -> list[str]:
    loaded: list[str] = []
    original = cache.PickledCache.load

    def load(self):
        loaded.append(self.path.name)
        return original(self)

    monkeypatch.setattr(cache.PickledCache, "load", load)
    return loaded


def test_builds_with_memory_reuse_the_rendered_markdown_until_another_build_saves(tmp_path, monkeypatch):
    content = make_site(tmp_path, {"a.md": news(title="甲报道", body="第一版正文。"),
                                   "b.md": news(title="乙报道", date="2022-05-13", body="乙的正文。")})
    output = tmp_path / "output"
    memory = KeptCaches()
    loaded = _recording_loads(monkeypatch)

    build(content, output, memory=memory)
    assert loaded.count("markdown.pickle") == 1  # nothing in memory yet
    assert memory.markdown is not None and len(memory.markdown) == 2

    write_news(content, "a.md", news(title="甲报道", body="第二版正文。"))
    site = build(content, output, memory=memory).site_dir
    assert loaded.count("markdown.pickle") == 1  # the second build used the memory
    slugs = [p.parent.name for p in (site / "news").glob("*/index.html")]
    texts = {slug: soup(site / "news" / slug / "index.html").get_text() for slug in slugs}
    assert any("第二版正文。" in text for text in texts.values())
    assert not any("第一版正文。" in text for text in texts.values())

    write_news(content, "a.md", news(title="甲报道", body="第三版正文。"))
    build(content, output)  # another build (the command line, say) saves the cache file again
    write_news(content, "a.md", news(title="甲报道", body="第四版正文。"))
    site = build(content, output, memory=memory).site_dir
    assert loaded.count("markdown.pickle") == 3  # the file changed under the memory: read from disk
    assert any("第四版正文。" in soup(site / "news" / slug / "index.html").get_text() for slug in slugs)
