"""The CMS's build worker: one build at a time, coalesced requests, failures reported and survived."""

from __future__ import annotations

import logging
import threading
import time

import pytest

from wenming.cms.builds import BuildWorker
from wenming.source.diagnostics import ContentError, Diagnostic

WAIT = 10  # seconds: only reached when something is broken


class FakeSite:
    """A build function that counts its builds, can be held running, and fails when told to."""

    def __init__(self) -> None:
        self.revision = "r1"
        self.builds: list[str] = []  # the revision each build published
        self.started = threading.Semaphore(0)
        self.hold = threading.Event()
        self.hold.set()
        self.failures: list[Exception] = []
        self.warnings: list[str] = []
        self.saving = threading.Event()  # cleared: a build that went live holds while it "saves its caches"
        self.saving.set()
        self.save_failures: list[Exception] = []

    def current_revision(self) -> str:
        return self.revision

    def build(self, live) -> list[str]:
        published = self.revision  # the files as they are when the build reads them
        self.started.release()
        assert self.hold.wait(WAIT)
        if self.failures:
            raise self.failures.pop(0)
        self.builds.append(published)
        live(list(self.warnings))
        assert self.saving.wait(WAIT)
        if self.save_failures:
            raise self.save_failures.pop(0)
        return list(self.warnings)


@pytest.fixture
def site() -> FakeSite:
    return FakeSite()


@pytest.fixture
def worker(site):
    worker = BuildWorker(site.build, site.current_revision)
    worker.start()
    yield worker
    site.hold.set()
    worker.stop()


def test_a_burst_of_requests_during_a_build_gives_exactly_one_more_build(site, worker):
    site.hold.clear()
    worker.request()
    assert site.started.acquire(timeout=WAIT)
    assert worker.state().state == "building"
    site.revision = "r2"
    for _ in range(9):
        worker.request()
    site.hold.set()
    assert worker.wait_until_live("r2", WAIT)
    worker.stop()
    assert site.builds == ["r1", "r2"]
    assert worker.state().state == "idle" and worker.state().revision == "r2"


def test_requests_made_before_the_worker_starts_give_one_build(site):
    worker = BuildWorker(site.build, site.current_revision)
    for _ in range(10):
        worker.request()
    worker.start()
    assert worker.wait_until_live("r1", WAIT)
    worker.stop()
    assert site.builds == ["r1"]


def test_while_building_the_state_still_names_what_is_live(site, worker):
    site.warnings = ["content/news/a.md:3: warning[W401]: …"]
    worker.request()
    assert worker.wait_until_live("r1", WAIT)
    first = worker.state()
    assert (first.state, first.revision, first.messages) == ("idle", "r1", site.warnings)
    assert first.finished_at is not None and first.finished_at.utcoffset() is not None
    site.hold.clear()
    site.revision = "r2"
    worker.request()
    assert site.started.acquire(timeout=WAIT) and site.started.acquire(timeout=WAIT)
    building = worker.state()
    assert (building.state, building.revision, building.finished_at) == ("building", "r1", first.finished_at)


def test_a_failed_build_is_reported_and_the_next_request_builds_again(site, worker):
    worker.request()
    assert worker.wait_until_live("r1", WAIT)
    site.revision = "r2"
    site.failures = [OSError("磁盘空间不足")]
    worker.request()
    assert not worker.wait_until_live("r2", WAIT)
    failed = worker.state()
    assert (failed.state, failed.revision, failed.messages) == ("failed", "r1", ["磁盘空间不足"])
    worker.request()
    assert worker.wait_until_live("r2", WAIT)
    assert worker.state().state == "idle" and worker.state().messages == [] and site.builds == ["r1", "r2"]


def test_a_content_error_reports_each_diagnostic(site, worker):
    diagnostics = [Diagnostic.of("E910", "build.py serve", error="一"), Diagnostic.of("E910", "build.py serve",
                                                                                      error="二")]
    site.failures = [ContentError(diagnostics)]
    worker.request()
    assert not worker.wait_until_live("r1", WAIT)
    assert worker.state().messages == [d.format() for d in diagnostics]
    assert worker.state().state == "failed" and worker.state().revision is None


def test_waiting_gives_up_at_once_when_the_build_that_would_publish_fails(site, worker):
    site.hold.clear()
    site.failures = [RuntimeError("boom")]
    worker.request()
    answers: list[bool] = []
    waiter = threading.Thread(target=lambda: answers.append(worker.wait_until_live("r1", 3600)))
    waiter.start()
    site.hold.set()
    waiter.join(WAIT)
    assert answers == [False] and worker.state().messages == ["boom"]


def test_a_later_build_makes_an_earlier_revision_live(site, worker):
    site.hold.clear()
    worker.request()
    assert site.started.acquire(timeout=WAIT)
    site.revision = "r2"
    worker.request()  # the request for r2, committed while r1 was building
    site.revision = "r3"  # another commit lands before the next build reads the revision
    worker.request()
    site.hold.set()
    assert worker.wait_until_live("r2", WAIT)
    assert site.builds == ["r1", "r3"]


def test_waiting_without_a_build_times_out(site, worker):
    assert not worker.wait_until_live("r1", 0.01)
    assert worker.state().state == "idle" and site.builds == []


def test_stop_ends_the_thread_after_the_running_build_and_releases_waiters(site):
    worker = BuildWorker(site.build, site.current_revision)
    worker.start()
    site.hold.clear()
    worker.request()
    assert site.started.acquire(timeout=WAIT)
    worker.request()
    answers: list[bool] = []
    waiter = threading.Thread(target=lambda: answers.append(worker.wait_until_live("never", 3600)))
    waiter.start()
    stopper = threading.Thread(target=worker.stop)
    stopper.start()
    waiter.join(WAIT)
    assert answers == [False]
    site.hold.set()
    stopper.join(WAIT)
    assert not stopper.is_alive() and site.builds == ["r1"]
    assert not any(thread.name == "cms-builds" for thread in threading.enumerate())
    worker.request()
    assert not worker.wait_until_live("r9", 0.01) and site.builds == ["r1"]


def test_what_a_build_left_is_collected_once_the_server_is_quiet(site, worker, monkeypatch):
    from wenming.cms import builds
    collected = threading.Event()
    collections: list[str] = []  # the state when each collection ran

    def collect() -> None:
        collections.append(worker.state().state)
        collected.set()

    monkeypatch.setattr(builds, "collect_leftovers", collect)
    monkeypatch.setattr(builds, "COLLECT_AFTER", 0.5)
    site.hold.clear()
    worker.request()
    assert site.started.acquire(timeout=WAIT)
    worker.request()  # asked for while the first build runs: no collection between the two builds
    site.hold.set()
    assert worker.wait_until_live("r1", WAIT)
    assert site.started.acquire(timeout=WAIT)
    assert collections == []
    assert collected.wait(WAIT)  # after the second build, once no build was asked for
    assert collections == ["idle"] and len(site.builds) == 2


def test_the_collection_waits_until_no_request_has_come_for_a_while(site, worker, monkeypatch):
    """A full collection holds every request for ~1 s at 10,000 reports: it waits for COLLECT_AFTER seconds
    without a request (the app's middleware counts them in ``worker.activity``)."""
    from wenming.cms import builds
    collected = threading.Event()
    monkeypatch.setattr(builds, "collect_leftovers", collected.set)
    monkeypatch.setattr(builds, "COLLECT_AFTER", 0.5)
    worker.activity.begin()  # a request being answered while the build runs
    worker.request()
    assert worker.wait_until_live("r1", WAIT)
    worker.activity.end()
    busy_until = time.monotonic() + 1.5
    while time.monotonic() < busy_until:  # a request every 0.1 s: never 0.5 s without one
        worker.activity.begin()
        worker.activity.end()
        time.sleep(0.1)
        assert not collected.is_set()
    assert collected.wait(WAIT)


def test_when_the_next_build_would_collect_first_the_worker_collects_at_once(site, worker, monkeypatch):
    """With more leftovers than a build carries (wenming.build.heap.collection_due), the collection is not put
    off until the server is quiet: it runs right after the build, even with another build asked for or
    requests coming."""
    from wenming.cms import builds
    collections: list[int] = []  # how many builds had run when each collection ran
    monkeypatch.setattr(builds, "collect_leftovers", lambda: collections.append(len(site.builds)))
    monkeypatch.setattr(builds, "collection_due", lambda: True)
    monkeypatch.setattr(builds, "COLLECT_AFTER", 60)  # never quiet within the test
    worker.activity.begin()  # and a request being answered all along
    site.hold.clear()
    worker.request()
    assert site.started.acquire(timeout=WAIT)
    worker.request()  # asked for while the first build runs
    site.hold.set()
    assert worker.wait_until_live("r1", WAIT)
    assert site.started.acquire(timeout=WAIT)
    deadline = time.monotonic() + WAIT
    while len(collections) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert collections == [1, 2]  # after each build, without waiting 60 s for quiet


def test_a_build_is_live_before_it_has_saved_its_caches(site, worker):
    site.warnings = ["content/news/a.md:3: warning[W401]: …"]
    site.saving.clear()
    worker.request()
    assert worker.wait_until_live("r1", WAIT)  # while the build still saves
    live = worker.state()
    assert (live.state, live.revision, live.messages) == ("idle", "r1", site.warnings)
    site.revision = "r2"
    worker.request()  # asked for while the caches are saved: built once they are
    assert not worker.wait_until_live("r2", 0.2) and site.builds == ["r1"]
    site.saving.set()
    assert worker.wait_until_live("r2", WAIT) and site.builds == ["r1", "r2"]


def test_a_failure_after_the_site_went_live_leaves_it_reported_live(site, worker, caplog):
    site.save_failures = [OSError("磁盘空间不足")]
    worker.request()
    assert worker.wait_until_live("r1", WAIT)
    worker.stop()  # after the running build
    state = worker.state()
    assert (state.state, state.revision) == ("idle", "r1")
    assert "finishing a build after its site went live failed" in caplog.text and "磁盘空间不足" in caplog.text


def test_the_log_says_what_went_live_and_why_a_build_failed(site, worker, caplog):
    caplog.set_level(logging.INFO, logger="wenming.cms.builds")
    worker.request()
    assert worker.wait_until_live("r1", WAIT)
    site.revision = "r2"
    site.failures = [ContentError([Diagnostic.of("E910", "build.py serve", error="一")])]
    worker.request()
    assert not worker.wait_until_live("r2", WAIT)
    worker.stop()
    said = [(record.levelname, record.getMessage()) for record in caplog.records if record.name == "wenming.cms.builds"]
    assert said[0][0] == "INFO" and said[0][1].startswith("revision r1 is live, ")
    assert said[1:] == [("WARNING", "the build of revision r2 found 1 problem(s) in the content (GET /api/build lists "
                                    "them); the live site is unchanged")]
