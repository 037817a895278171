"""One build at a time per output folder; the command line returns once the site is live and saves its caches
in a child that keeps the folder locked."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

from conftest import ROOT, soup
from sitekit import make_site, news, write_news

from wenming.build.lock import build_lock, in_background

WAIT = 60  # seconds: only reached when something is broken


def test_a_second_build_of_the_same_output_waits_for_the_first(tmp_path):
    said: list[str] = []
    order: list[str] = []
    with build_lock(tmp_path, said.append):
        second = threading.Thread(target=lambda: _hold(tmp_path, said, order))
        second.start()
        second.join(0.5)
        assert second.is_alive() and order == []  # still waiting
        order.append("first done")
    second.join(WAIT)
    assert order == ["first done", "second ran"]
    assert len(said) == 1 and "another build" in said[0] and str(tmp_path) in said[0]


def _hold(output, said, order) -> None:
    with build_lock(output, said.append):
        order.append("second ran")


def test_other_output_folders_do_not_wait(tmp_path):
    said: list[str] = []
    with build_lock(tmp_path / "a", said.append), build_lock(tmp_path / "b", said.append):
        pass
    assert said == []


def test_a_child_running_in_the_background_keeps_the_lock_until_it_is_done(tmp_path):
    marker = tmp_path / "done"
    # run in a fresh interpreter: forking the test process (with pytest's threads) is what in_background refuses
    script = f"""
import sys, time
from pathlib import Path
sys.path.insert(0, {str(ROOT)!r})
from wenming.build.lock import build_lock, in_background
with build_lock(Path({str(tmp_path)!r}), print):
    forked = in_background(lambda: (time.sleep(1.5), Path({str(marker)!r}).write_text("saved")))
print("forked" if forked else "ran here", flush=True)
"""
    began = time.monotonic()
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=WAIT)
    assert done.stdout.strip() == "forked" and done.returncode == 0
    assert not marker.exists()  # the parent returned before the child's work was done
    said: list[str] = []
    with build_lock(tmp_path, said.append):
        assert marker.read_text() == "saved"  # the lock was held until then
    assert said and time.monotonic() - began >= 1.5


def test_with_other_threads_running_the_work_is_not_forked(tmp_path):
    helper = threading.Thread(target=time.sleep, args=(0.5,))
    helper.start()
    try:
        assert in_background(lambda: None) is False
    finally:
        helper.join()


def test_the_command_line_returns_once_live_and_the_next_build_sees_the_saved_caches(tmp_path):
    content = make_site(tmp_path, {"2022/a.md": news(slug="a")})
    output = tmp_path / "output"
    command = [sys.executable, str(ROOT / "build.py"), "build", "--content", str(content), "--output", str(output)]
    first = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stderr
    assert "saving the caches for the next build in the background" in first.stdout
    assert soup(output / "site/news/a/index.html").h1 is not None  # live when the command returned
    again = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0 and "nothing changed since the last build" in again.stdout
    write_news(content, "2022/a.md", news(slug="a", title="新标题"))
    edited = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert edited.returncode == 0, edited.stderr
    assert soup(output / "site/news/a/index.html").h1.get_text() == "新标题"


def test_a_lock_whose_folder_was_deleted_or_replaced_is_not_current(tmp_path):
    import shutil
    output = tmp_path / "output"
    with build_lock(output, print) as lock:
        assert lock.is_current()
        shutil.rmtree(output)
        assert not lock.is_current()  # a child saving caches now would recreate the folder: it must not
        output.mkdir()
        (output / ".lock").write_text("")
        assert not lock.is_current()  # a new folder under the same name


def test_a_build_removes_the_staging_folders_killed_builds_left_and_nothing_else(tmp_path):
    """A build holding the lock finds no other build using a ``.staging-*`` or ``.patch-*`` folder: those there were
    left by builds that were killed, and go (through the trash). A preview's quick-render folder stays."""
    from wenming.build.pipeline import build
    content = make_site(tmp_path, {"a.md": news(slug="a")})
    output = tmp_path / "output"
    build(content, output)
    for name in (".staging-killed", ".patch-killed/site/news/a", ".quick-running"):
        (output / name).mkdir(parents=True)
    (output / ".patch-killed/site/news/a/index.html").write_text("半成品", encoding="utf-8")
    result = build(content, output)  # nothing changed: the site is up to date, and the leftovers go anyway
    assert result.up_to_date
    assert sorted(path.name for path in output.iterdir() if path.name.startswith(".") and path.is_dir()
                  and path.name not in (".cache", ".trash")) == [".quick-running"]
