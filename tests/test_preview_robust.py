"""The preview server's builds survive unexpected errors and never overlap; the site folder never
disappears during a swap; the server answers only its own loopback names and lists no folders."""

from __future__ import annotations

import http.client
import os
import queue
import threading
import time
from pathlib import Path

import pytest

from wenming.build import exchange
from wenming.build.exchange import swap_into_place
from wenming.build.pipeline import BuildResult
from wenming.build.quick_render import QuickOutcome
from wenming.preview import builds as builds_module
from wenming.preview.builds import PreviewBuilds
from wenming.preview.live import PreviewState, Watcher
from wenming.preview.server import make_server
from wenming.source.diagnostics import Diagnostic, Diagnostics

LAST = object()  # stands in for what a full build leaves for quick renders


class RecordingState(PreviewState):
    """Keeps every state published, for the test to wait on."""

    def __init__(self) -> None:
        super().__init__()
        self.published: list[list[str]] = []

    def publish(self, problems: list[str]) -> None:
        self.published.append(problems)
        super().publish(problems)

    def wait_for(self, count: int, timeout: float = 10) -> list[list[str]]:
        deadline = time.monotonic() + timeout
        while len(self.published) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(self.published) >= count, self.published
        return self.published


def scripted_builds(outcomes: list, tmp_path: Path, state: PreviewState) -> PreviewBuilds:
    """PreviewBuilds whose full builds raise or succeed in the order of ``outcomes``."""

    def full_build(force: bool) -> BuildResult:
        outcome = outcomes.pop(0)
        if isinstance(outcome, BaseException):
            raise outcome
        return BuildResult(tmp_path / "site", None, Diagnostics(), last=LAST)

    return PreviewBuilds(full_build, state, report=lambda headline, diagnostics: None)


def test_an_unexpected_build_error_is_shown_and_the_preview_keeps_building(tmp_path, capsys):
    state = RecordingState()
    builds = scripted_builds([RuntimeError("the disk is full"), "ok", OSError(5, "I/O error"), "ok"], tmp_path, state)

    builds.first_build()  # fails; the background build that follows succeeds
    first, second = state.wait_for(2)
    assert first == ["build.py serve: error[E910]: unexpected error while building the preview: "
                     "RuntimeError: the disk is full; the last good site stays served"]
    assert second == []

    builds.request_full_build()  # fails in the worker thread
    assert state.wait_for(3)[2] == ["build.py serve: error[E910]: unexpected error while building the preview: "
                                    "OSError: [Errno 5] I/O error; the last good site stays served"]
    builds.request_full_build()  # the worker is still there
    assert state.wait_for(4)[3] == []
    assert "Traceback" in capsys.readouterr().err


def test_quick_renders_from_the_watcher_and_the_worker_never_overlap(tmp_path, monkeypatch):
    running, overlaps = [], []

    class SlowRenderer:
        def __init__(self, last) -> None:
            assert last is LAST

        def update(self, paths):
            running.append(paths)
            if len(running) > 1:
                overlaps.append(list(running))
            time.sleep(0.3)
            running.remove(paths)
            return QuickOutcome(pages=["news/a/index.html"])

    monkeypatch.setattr(builds_module, "QuickRenderer", SlowRenderer)
    state = RecordingState()
    builds = scripted_builds(["ok"] * 10, tmp_path, state)
    builds.first_build()
    savers = [threading.Thread(target=builds.changed, args=({tmp_path / f"{n}.md"},)) for n in range(3)]
    for saver in savers:
        saver.start()
    for saver in savers:
        saver.join()
    assert overlaps == []


def test_an_error_while_handling_changes_is_reported_and_watching_goes_on(tmp_path, capsys):
    calls: queue.Queue[set[Path]] = queue.Queue()

    def changed(paths: set[Path]) -> None:
        calls.put(paths)
        if calls.qsize() == 1:
            raise RuntimeError("the handler broke")

    watcher = Watcher([tmp_path], changed, ignored=[])
    watcher.start()
    try:
        time.sleep(0.3)
        (tmp_path / "a.md").write_text("一", encoding="utf-8")
        assert calls.get(timeout=10) == {(tmp_path / "a.md").resolve()}
        time.sleep(0.5)
        (tmp_path / "b.md").write_text("二", encoding="utf-8")
        assert calls.get(timeout=10) == {(tmp_path / "b.md").resolve()}
    finally:
        watcher.stop()
    assert ("build.py serve: error[E912]: unexpected error while handling changed files: RuntimeError: the handler "
            "broke; the preview server goes on watching") in capsys.readouterr().err


def _tree(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True)
    (folder / "index.html").write_text(text, encoding="utf-8")
    return folder


def _watch_renames(monkeypatch, target: Path) -> list[str]:
    """Record every rename after which ``target`` is missing."""
    gaps = []
    for name in ("rename", "replace"):
        real = getattr(os, name)

        def watching(source, destination, *args, real=real, name=name, **kwargs):
            real(source, destination, *args, **kwargs)
            if not target.is_dir():
                gaps.append(f"{name}({source}, {destination})")

        monkeypatch.setattr(os, name, watching)
    return gaps


def test_the_site_folder_is_never_missing_while_a_build_swaps_it_in(tmp_path, monkeypatch):
    target = _tree(tmp_path / "output" / "site", "old")
    staged = _tree(tmp_path / "output" / ".staging-1" / "site", "new")
    gaps = _watch_renames(monkeypatch, target)
    swap_into_place(staged, target)
    assert gaps == []
    assert (target / "index.html").read_text(encoding="utf-8") == "new"
    assert not staged.exists() and target.is_dir() and not target.is_symlink()


def test_where_folders_cannot_be_exchanged_the_swap_still_replaces_the_site(tmp_path, monkeypatch):
    monkeypatch.setattr(exchange, "exchange", lambda first, second: False)
    target = _tree(tmp_path / "output" / "site", "old")
    swap_into_place(_tree(tmp_path / "output" / ".staging-1" / "site", "new"), target)
    assert (target / "index.html").read_text(encoding="utf-8") == "new"


@pytest.fixture
def server(tmp_path):
    site = _tree(tmp_path / "site", "<html><body>首页</body></html>")
    (site / "images").mkdir()
    (site / "images" / "a.jpg").write_bytes(b"jpeg")
    (site / "404.html").write_text("<html><body>找不到</body></html>", encoding="utf-8")
    server = make_server(site, 0, preview=PreviewState())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.stopping = True
    server.shutdown()
    server.server_close()


def _get(port: int, path: str, host: str | None, method: str = "GET") -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, path, headers={"Host": host} if host is not None else {})
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "LOCALHOST:{port}"])
def test_the_server_answers_its_loopback_names(server, host):
    status, body = _get(server, "/", host.format(port=server))
    assert status == 200 and "首页" in body


@pytest.mark.parametrize("host", ["evil.example:{port}", "evil.example", "127.0.0.1", "localhost:1",
                                  "127.0.0.1.nip.io:{port}", ""])
@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_requests_for_other_host_names_are_refused(server, host, method):
    status, body = _get(server, "/", host.format(port=server), method)
    assert status == 403
    assert "首页" not in body


def test_folders_are_not_listed(server):
    status, body = _get(server, "/images/", f"127.0.0.1:{server}")
    assert status == 404
    assert "a.jpg" not in body and "找不到" in body


def test_an_unexpected_error_reads_in_chinese(monkeypatch):
    monkeypatch.setenv("WENMING_LANG", "zh")
    line = Diagnostic.of("E910", "build.py serve", error="OSError: 磁盘已满").format()
    assert line == ("build.py serve: error[E910]: 预览时生成网站出现意外错误：OSError: 磁盘已满。网站仍显示上一次成功生成的"
                    "版本；修改并保存文件后会自动重试。如果反复出现，请把终端里的完整信息发给维护人员。")
