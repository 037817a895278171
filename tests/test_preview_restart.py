"""`build.py serve` restarts itself when our code changes (Python imports a module once: without a
restart it would build with the old code and stamp the caches as made by the new)."""

from __future__ import annotations

import re
import shutil
import urllib.request
from pathlib import Path

from sitekit import make_site, news
from test_preview import read_event
from test_preview_saves import ServeProcess

ROOT = Path(__file__).resolve().parent.parent
MARKER = "// Live preview client"


def _project_copy(target: Path) -> Path:
    """The program (not the content) in a folder of its own, plugins importable from there."""
    target.mkdir()
    shutil.copy2(ROOT / "build.py", target / "build.py")
    ignore = shutil.ignore_patterns("__pycache__")
    for folder in ("wenming", "plugins", "theme"):
        shutil.copytree(ROOT / folder, target / folder, ignore=ignore)
    (target / "wenming_plugins").symlink_to("plugins", target_is_directory=True)
    return target


def _first_event(url: str) -> dict:
    with urllib.request.urlopen(url + "__preview/events", timeout=30) as stream:
        return read_event(stream)[1]


def test_serve_restarts_with_the_new_code_on_the_same_port(tmp_path):
    project = _project_copy(tmp_path / "project")
    content = make_site(tmp_path, {"2022/a.md": news(slug="a")})
    serve = ServeProcess(content, tmp_path / "output", script=project / "build.py")
    try:
        url = re.search(r"http://127\.0\.0\.1:\d+/", serve.wait_for(r"Serving the site at")).group(0)
        before = _first_event(url)
        client = project / "wenming" / "preview" / "live.py"
        client.write_text(client.read_text(encoding="utf-8").replace(MARKER, f"{MARKER} (new code)", 1),
                          encoding="utf-8")
        assert "live.py" in serve.wait_for(r"restarting the preview server")
        assert url in serve.wait_for(r"Serving the site at")
        with urllib.request.urlopen(url + "__preview/client.js", timeout=30) as response:
            assert f"{MARKER} (new code)" in response.read().decode("utf-8")
        assert _first_event(url)["server"] != before["server"]  # so that open pages reload
    finally:
        serve.stop()
