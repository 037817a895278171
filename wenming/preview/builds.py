"""Builds for ``build.py serve``: a quick render at once, then full builds one at a time in the background.

When files change, the changed reports' pages are rendered straight away
(wenming.build.quick_render) and the browser reloads; the full incremental build
that brings lists, feeds and search up to date runs in a worker thread.
Changes that arrive during a full build are rendered quickly again on top of
its result (the build may have read the files before they changed) and
trigger one more full build. Anything the quick path cannot handle goes
straight to a full build. After a failed build the last good site stays
served and the browser shows the problems.

Quick renders run one at a time (they change the last build's objects in
place), whether the watcher or the worker starts them; so do full builds. A
build that fails unexpectedly (a bug, a full disk) is reported like a content
error, and the worker goes on with the next change.
"""

from __future__ import annotations

import contextlib
import sys
import threading
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path

from wenming.build.pipeline import BuildResult
from wenming.build.quick_render import LastBuild, QuickRenderer
from wenming.preview.live import PreviewState
from wenming.source.diagnostics import ContentError, Diagnostic

FullBuild = Callable[[bool], BuildResult]  # force -> result; raises ContentError
WHERE = "build.py serve"  # the "file" named by diagnostics about the preview itself


def unexpected(code: str, exc: BaseException) -> Diagnostic:
    """A diagnostic for an exception no build should raise; its traceback goes to the terminal."""
    traceback.print_exception(exc, file=sys.stderr)
    return Diagnostic.of(code, WHERE, error=f"{exc.__class__.__name__}: {exc}")


class PreviewBuilds:
    def __init__(self, full_build: FullBuild, state: PreviewState,
                 report: Callable[[str, list[Diagnostic]], None]) -> None:
        self._full_build = full_build
        self._state = state
        self._report = report  # (headline, diagnostics) for the terminal
        self._lock = threading.Lock()  # guards the fields below
        self._quick_lock = threading.Lock()  # one quick render at a time
        self._full_lock = threading.Lock()  # one full build at a time
        self._wanted = threading.Event()
        self._force = False
        self._building = False
        self._changed_during_build: set[Path] = set()
        self._last: LastBuild | None = None
        self._worker = threading.Thread(target=self._work, name="preview-builds", daemon=True)

    def first_build(self) -> None:
        """The build before serving starts. If it was skipped as up to date, a forced build in the
        background captures what quick renders need (it re-renders nothing that did not change)."""
        self._worker.start()
        self._run_full(force=False)
        if self._last is None:
            self.request_full_build(force=True)

    def request_full_build(self, force: bool = False) -> None:
        with self._lock:
            self._force = self._force or force
        self._wanted.set()

    def changed(self, paths: set[Path]) -> None:
        """Called by the watcher (debounced) with the paths that changed."""
        with self._lock:
            if self._building:
                self._changed_during_build |= paths
        if not self._quick(paths):
            self.request_full_build()

    @contextlib.contextmanager
    def held(self) -> Iterator[None]:
        """No build runs inside this block (it waits for the running one to finish)."""
        with self._full_lock, self._quick_lock:
            yield

    def _quick(self, paths: set[Path]) -> bool:
        """Quick render; True when it handled the change (pages written, or problems shown)."""
        with self._quick_lock:
            with self._lock:
                last = self._last
            if last is None:
                return False
            try:
                outcome = QuickRenderer(last).update(paths)
            except Exception as exc:  # noqa: BLE001 - a quick render must never stop the preview
                self._report("", [unexpected("W910", exc)])
                return False
        if outcome is None:
            return False
        if outcome.problems:
            self._report("✗ content errors; the last good site stays served", outcome.problems)
            self._state.publish([d.format() for d in outcome.problems if d.severity.value == "error"])
            return True
        self._report(f"✓ {len(outcome.pages)} page(s) updated; refreshing lists and search in the background", [])
        self._state.publish([])
        self.request_full_build()
        return True

    def _work(self) -> None:
        while True:
            self._wanted.wait()
            with self._lock:
                self._wanted.clear()
                force, self._force = self._force, False
            try:
                self._run_full(force)
            except Exception as exc:  # noqa: BLE001 - the worker must outlive anything a build does
                self._failed([unexpected("E910", exc)])

    def _failed(self, diagnostics: list[Diagnostic]) -> None:
        self._report("✗ build failed; the last good site stays served", diagnostics)
        self._state.publish([d.format() for d in diagnostics if d.severity.value == "error"])

    def _run_full(self, force: bool) -> None:
        with self._full_lock:
            with self._lock:
                self._building = True
                self._changed_during_build = set()
            try:
                result = self._full_build(force)
            except ContentError as exc:
                failure = exc.diagnostics
            except Exception as exc:  # noqa: BLE001 - reported in the page; the preview goes on watching
                failure = [unexpected("E910", exc)]
            else:
                failure = None
            finally:
                with self._lock:
                    self._building = False
        if failure is not None:
            self._failed(failure)
            return
        with self._lock:
            first = self._last is None and result.last is not None
            if result.last is not None:
                self._last = result.last
            late = self._changed_during_build
        if first:
            self._report("quick preview ready: saving a report's body updates its page at once", [])
        self._report("✓ site rebuilt" if self._state.current().generation else "✓ site built",
                     result.diagnostics.warnings)
        if late:  # the build may have read these files before they changed
            if not self._quick(late):
                self.request_full_build()
            return
        self._state.publish([])
