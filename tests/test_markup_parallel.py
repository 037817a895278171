"""Cold builds render Markdown bodies on every core; the result is what the serial renderer makes."""

from __future__ import annotations

from sitekit import write_picture, write_registry

from wenming.media import markup, prerender
from wenming.media.images import ImageStore


def test_parallel_prerender_matches_serial_rendering_and_leaves_broken_bodies_to_it(tmp_path, monkeypatch):
    content = write_registry(tmp_path / "content")
    write_picture(content, "images/a.jpg")
    bodies = [f"第{i}段，**加粗**。\n\n- 列表{i}\n\n![图{i}](images/a.jpg)" for i in range(12)]
    broken = "![缺失的图](images/missing.jpg)"
    monkeypatch.setattr(prerender, "PARALLEL_MINIMUM", 1)
    monkeypatch.setattr(prerender, "BATCH", 5)  # several batches, the last one partly filled

    parallel = markup.MarkdownRenderer(ImageStore(content))
    assert prerender.prerender(parallel, [*bodies, broken, bodies[0]], workers=2) == 13  # a repeat is handed once
    serial = markup.MarkdownRenderer(ImageStore(content))

    assert len(parallel.cache) == 12  # the broken body was not cached
    for body in bodies:
        key = parallel.key(body)
        assert parallel.cache[key].html == serial.render(body)
        assert parallel.render(body) == serial.render(body)
    assert "images/a.jpg" in parallel.images.used  # a cache hit still marks the image as used
