"""The CMS's background build worker: rebuilds the public site after writes, one build at a time, coalescing requests.

A request while a build runs causes exactly one more build after it, so a burst of publishes gives one or two
builds. The state reports what is live: the revision of the last successful build, and the messages of the last
build (its warnings, or why it failed). A failing build never stops the worker.
"""

from __future__ import annotations

import dataclasses
import datetime
import logging
import threading
import time
from collections.abc import Callable

from wenming.build.heap import collect_leftovers, collection_due

logger = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class BuildState:
    state: str  # "idle" | "building" | "failed"
    revision: str | None  # the revision of the last successful build: what is live
    finished_at: datetime.datetime | None  # when the last build (successful or not) finished, in UTC
    messages: list[str]  # of the last build: its warnings, or its errors


IDLE = BuildState("idle", None, None, [])
COLLECT_AFTER = 2.0  # seconds without a build asked for and without a request before a build's leftovers are collected


class Activity:
    """When the server last began or finished answering a request (the app's middleware tells it): the worker
    collects what a build left only once no request has come for a while, since a full collection holds the
    interpreter, and so every request, for ~1 s at 10,000 reports (measured: the one slow answer of an editor's
    polls after a publish came during that collection)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._in_flight = 0
        self._last = time.monotonic()

    def begin(self) -> None:
        with self._lock:
            self._in_flight += 1
            self._last = time.monotonic()

    def end(self) -> None:
        with self._lock:
            self._in_flight -= 1
            self._last = time.monotonic()

    def idle_for(self) -> float:
        """Seconds since the last request ended (0 while one is being answered)."""
        with self._lock:
            return 0.0 if self._in_flight else time.monotonic() - self._last


def _short(revision: str | None) -> str:
    return revision[:10] if revision else "(none)"


def failure_messages(exc: Exception) -> list[str]:
    """What a failed build says: each diagnostic of a content error, else the exception's text."""
    diagnostics = getattr(exc, "diagnostics", None)
    if isinstance(diagnostics, list) and diagnostics:
        return [diagnostic.format() for diagnostic in diagnostics]
    return [str(exc) or exc.__class__.__name__]


@dataclasses.dataclass(frozen=True)
class _Outcome:
    """One finished build: whether it succeeded, what it published and said, and which requests it covered."""

    ok: bool
    revision: str | None
    messages: list[str]
    covers: int  # every request numbered up to this one was made before the build read its revision


class BuildWorker:
    """A daemon thread that runs ``build(live)`` whenever asked, never two at once and never more than one queued.

    ``build`` returns the build's warnings; it may call ``live(warnings)`` as soon as the new site is live, before
    the work that only later builds need (saving caches): the state shows the revision live from then on."""

    def __init__(self, build: Callable[[Callable[[list[str]], None]], list[str]],
                 revision: Callable[[], str | None]) -> None:
        self._build = build
        self._revision = revision
        self._changed = threading.Condition()  # guards every field below; notified on every change of state
        self._state = IDLE
        self._requests = 0  # requests made so far
        self._pending = False  # a request not yet taken up by a build
        self._running = False
        self._stopping = False
        self._last_success_covers = 0
        self._last_failure_covers = 0
        self._thread: threading.Thread | None = None
        self.activity = Activity()

    def start(self) -> None:
        """Start the worker thread (requests made before start are built then)."""
        with self._changed:
            if self._thread is not None and self._thread.is_alive():
                return
            self._stopping = False
            self._thread = threading.Thread(target=self._work, name="cms-builds", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 30) -> None:
        """Stop after the running build (if any); requests not yet started are dropped."""
        with self._changed:
            self._stopping = True
            self._changed.notify_all()
            thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def request(self) -> None:
        """Ask for a build of the current revision; coalesced with any request not yet taken up."""
        with self._changed:
            self._requests += 1
            self._pending = True
            self._changed.notify_all()

    def state(self) -> BuildState:
        with self._changed:
            return dataclasses.replace(self._state, messages=list(self._state.messages))

    def wait_until_live(self, revision: str, timeout: float) -> bool:
        """Wait until ``revision`` is live: a successful build of it, or of a request made since it was asked for.

        Call request() after committing and before waiting. False on timeout, when the worker stops, or when the
        build that would have published it failed and no other build is coming."""
        deadline = time.monotonic() + timeout
        with self._changed:
            target = self._requests
            while True:
                if self._state.revision == revision or self._last_success_covers >= max(target, 1):
                    return True
                if self._stopping or self._gave_up(target):
                    return False
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._changed.wait(remaining)

    def _gave_up(self, target: int) -> bool:
        return self._last_failure_covers >= max(target, 1) and not self._pending and not self._running

    def _work(self) -> None:
        while True:
            with self._changed:
                while not self._pending and not self._stopping:
                    self._changed.wait()
                if self._stopping:
                    return
                self._pending = False
                self._running = True
                covers = self._requests
                self._state = dataclasses.replace(self._state, state="building")
                self._changed.notify_all()
            outcome = self._run_once(covers)
            with self._changed:
                self._finish(outcome)
                self._changed.notify_all()
                # What the build left is collected once the server is quiet (no build asked for, no request
                # for COLLECT_AFTER seconds): a full collection of the heap (~1-1.6 s at 10,000 reports) holds
                # the interpreter, so every request would wait for it. A build asked for meanwhile starts
                # without it (wenming.build.heap carries one build's leftovers into the next). When the next
                # build would have to collect first, the collection is not put off: right after this build,
                # whose publisher has seen it live, rather than at the start of the next, whose publisher waits.
                # It is seldom due: the build the previews used until now was just taken apart (cms.preview),
                # and reference counting freed it.
                due = collection_due()
                while not due and not self._pending and not self._stopping:
                    wait = COLLECT_AFTER - self.activity.idle_for()
                    if wait <= 0:
                        break
                    self._changed.wait(wait)
                quiet = not self._pending and not self._stopping
            if quiet or due:
                collect_leftovers()

    def _run_once(self, covers: int) -> _Outcome:
        revision, live = None, None
        began = time.monotonic()

        def went_live(messages: list[str]) -> None:
            nonlocal live
            live = _Outcome(True, revision, list(messages), covers)
            with self._changed:
                self._record(live)
                self._changed.notify_all()
            logger.info("revision %s is live, %.1f s after its build began (%d warning(s))", _short(revision),
                        time.monotonic() - began, len(messages))

        try:
            revision = self._revision()
            messages = list(self._build(went_live))
        except Exception as exc:  # noqa: BLE001 - a failed build is reported in the state; the worker goes on
            if live is not None:  # the site is live: only what later builds reuse was lost (they do more work)
                logger.exception("finishing a build after its site went live failed (its search bundles or the "
                                 "caches for the next build; the next build is a whole one)")
                return live
            messages = failure_messages(exc)
            if getattr(exc, "diagnostics", None) is None:
                logger.exception("the site build failed")
            else:
                logger.warning("the build of revision %s found %d problem(s) in the content (GET /api/build lists "
                               "them); the live site is unchanged", _short(revision), len(messages))
            return _Outcome(False, None, messages, covers)
        return _Outcome(True, revision, messages, covers)

    def _finish(self, outcome: _Outcome) -> None:
        self._running = False
        self._record(outcome)

    def _record(self, outcome: _Outcome) -> None:
        now = datetime.datetime.now(datetime.timezone.utc)
        if outcome.ok:
            self._last_success_covers = outcome.covers
            self._state = BuildState("idle", outcome.revision, now, outcome.messages)
        else:
            self._last_failure_covers = outcome.covers
            self._state = BuildState("failed", self._state.revision, now, outcome.messages)
