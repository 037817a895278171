"""Live preview for ``build.py serve``: watch the sources, rebuild, reload the open browser tab.

What a change rebuilds is decided in wenming.preview.builds (a quick render of
the changed reports, then the incremental pipeline in the background). The browser listens on a
Server-Sent Events stream: "reload" after a good build, "problems" with the
same messages as ``build.py check`` after a failed one (shown as an overlay
while the last good site stays served).
"""

from __future__ import annotations

import dataclasses
import json
import os
import sys
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from watchdog.events import (
    EVENT_TYPE_CREATED,
    EVENT_TYPE_DELETED,
    EVENT_TYPE_MODIFIED,
    EVENT_TYPE_MOVED,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer

from wenming.source.diagnostics import Diagnostic

EVENTS_PATH = "/__preview/events"
CLIENT_PATH = "/__preview/client.js"
CLIENT_SCRIPT = f'<script src="{CLIENT_PATH}"></script>'


@dataclasses.dataclass
class BuildState:
    """What the browser is told: a generation number and the problems of the last build, if it failed,
    and which server process says so (a page open across a restart reloads)."""

    generation: int = 0
    problems: list[str] = dataclasses.field(default_factory=list)
    server: str = ""


class PreviewState:
    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._server = f"{os.getpid()}-{time.time_ns()}"  # a restart (os.execv) keeps the process id
        self._state = BuildState(server=self._server)

    def publish(self, problems: list[str]) -> None:
        with self._condition:
            self._state = BuildState(self._state.generation + 1, problems, self._server)
            self._condition.notify_all()

    def current(self) -> BuildState:
        with self._condition:
            return self._state

    def wait_for_change(self, generation: int, timeout: float) -> BuildState:
        with self._condition:
            self._condition.wait_for(lambda: self._state.generation != generation, timeout=timeout)
            return self._state


def event_message(state: BuildState) -> bytes:
    kind = "problems" if state.problems else "reload"
    payload = json.dumps({"generation": state.generation, "problems": state.problems, "server": state.server},
                         ensure_ascii=False)
    return f"event: {kind}\ndata: {payload}\n\n".encode("utf-8")


CHANGES = {EVENT_TYPE_CREATED, EVENT_TYPE_DELETED, EVENT_TYPE_MODIFIED, EVENT_TYPE_MOVED}


class _Debounced(FileSystemEventHandler):
    """Calls ``action`` with the changed paths once things have been quiet for ``delay`` seconds.

    Editors that save safely (vim, VS Code, ``sed -i``) write a temporary file and rename it onto the
    file, or rename the file to a backup, write it anew and delete the backup. A path that appeared in
    the batch (created, or the target of a rename) and is gone again when it fires was such a scratch
    file and is left out: what remains is the file that was saved, as if it had been written in place.
    """

    def __init__(self, action: Callable[[set[Path]], None], ignored: list[Path], delay: float = 0.15) -> None:
        self.action = action
        self.ignored = [p.resolve() for p in ignored]
        self.delay = delay
        self._timer: threading.Timer | None = None
        self._paths: set[Path] = set()
        self._appeared: set[Path] = set()  # paths created (or renamed to) in this batch
        self._lock = threading.Lock()

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type not in CHANGES or (event.is_directory and event.event_type == "modified"):
            return  # reading a file (as every build does) is not a change
        paths = {Path(str(event.src_path)).resolve()}
        appeared = set(paths) if event.event_type == EVENT_TYPE_CREATED else set()
        if getattr(event, "dest_path", ""):
            paths.add(Path(str(event.dest_path)).resolve())
            appeared.add(Path(str(event.dest_path)).resolve())
        paths = {p for p in paths
                 if not any(p.is_relative_to(i) for i in self.ignored) and "__pycache__" not in p.parts}
        if not paths:
            return
        with self._lock:
            self._paths |= paths
            self._appeared |= appeared & paths
            if self._timer is not None:
                self._timer.cancel()
            self._timer = threading.Timer(self.delay, self._fire)
            self._timer.daemon = True
            self._timer.start()

    def _fire(self) -> None:
        with self._lock:
            paths, self._paths = self._paths, set()
            appeared, self._appeared = self._appeared, set()
        paths = {p for p in paths if p not in appeared or p.exists()}
        if paths:
            self.action(paths)


class Watcher:
    """Watches folders and calls ``changed(paths)`` after changes, one call at a time."""

    def __init__(self, folders: list[Path], changed: Callable[[set[Path]], None], ignored: list[Path]) -> None:
        self._changed = changed
        self._running = threading.Lock()
        self._observer = Observer()
        handler = _Debounced(self._run, ignored)
        for folder in folders:
            if folder.is_dir():
                self._observer.schedule(handler, str(folder), recursive=True)

    def _run(self, paths: set[Path]) -> None:
        with self._running:
            try:
                self._changed(paths)
            except Exception as exc:  # noqa: BLE001 - the next change must still be seen
                traceback.print_exception(exc, file=sys.stderr)
                problem = Diagnostic.of("E912", "build.py serve", error=f"{exc.__class__.__name__}: {exc}")
                print(problem.format(), file=sys.stderr, flush=True)

    def start(self) -> None:
        self._observer.daemon = True
        self._observer.start()

    def stop(self) -> None:
        self._observer.stop()
        self._observer.join(timeout=5)


CLIENT_JS = """// Live preview client: reload after a rebuild, show build problems as an overlay.
(function () {
  "use strict";
  var overlay = null;
  function showProblems(problems) {
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = "preview-problems";
      overlay.setAttribute("role", "alert");
      overlay.style.cssText = "position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;z-index:99999;" +
        "background:#fff4f4;color:#5c0000;border-top:6px solid #b00020;padding:1rem 1.5rem;" +
        "font:16px/1.6 monospace;white-space:pre-wrap;box-shadow:0 -4px 16px rgba(0,0,0,.3)";
      document.body.appendChild(overlay);
    }
    overlay.textContent = "构建失败（网站仍显示上一次成功的版本）：\\n\\n" + problems.join("\\n");
  }
  var source = new EventSource("%(events)s");
  var seen = null;
  var server = null;
  function handle(event, reload) {
    var data = JSON.parse(event.data);
    if (seen === null) {
      seen = data.generation; server = data.server;
      if (!reload) { showProblems(data.problems); }
      return;
    }
    if (data.server !== server) { window.location.reload(); return; }  // the preview server restarted
    if (data.generation === seen) { return; }
    seen = data.generation;
    if (reload) { window.location.reload(); } else { showProblems(data.problems); }
  }
  source.addEventListener("reload", function (event) { handle(event, true); });
  source.addEventListener("problems", function (event) { handle(event, false); });
}());
""" % {"events": EVENTS_PATH}
