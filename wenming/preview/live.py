"""Live preview for ``build.py serve``: watch the sources, rebuild, reload the open browser tab.

What a change rebuilds is decided in wenming.preview_builds (a quick render of
the changed reports, then the incremental pipeline in the background). The browser listens on a
Server-Sent Events stream: "reload" after a good build, "problems" with the
same messages as ``build.py check`` after a failed one (shown as an overlay
while the last good site stays served).
"""

from __future__ import annotations

import dataclasses
import json
import threading
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

EVENTS_PATH = "/__preview/events"
CLIENT_PATH = "/__preview/client.js"
CLIENT_SCRIPT = f'<script src="{CLIENT_PATH}"></script>'


@dataclasses.dataclass
class BuildState:
    """What the browser is told: a generation number and the problems of the last build, if it failed."""

    generation: int = 0
    problems: list[str] = dataclasses.field(default_factory=list)


class PreviewState:
    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._state = BuildState()

    def publish(self, problems: list[str]) -> None:
        with self._condition:
            self._state = BuildState(self._state.generation + 1, problems)
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
    payload = json.dumps({"generation": state.generation, "problems": state.problems}, ensure_ascii=False)
    return f"event: {kind}\ndata: {payload}\n\n".encode("utf-8")


CHANGES = {EVENT_TYPE_CREATED, EVENT_TYPE_DELETED, EVENT_TYPE_MODIFIED, EVENT_TYPE_MOVED}


class _Debounced(FileSystemEventHandler):
    """Calls ``action`` with the changed paths once things have been quiet for ``delay`` seconds."""

    def __init__(self, action: Callable[[set[Path]], None], ignored: list[Path], delay: float = 0.15) -> None:
        self.action = action
        self.ignored = [p.resolve() for p in ignored]
        self.delay = delay
        self._timer: threading.Timer | None = None
        self._paths: set[Path] = set()
        self._lock = threading.Lock()

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type not in CHANGES or (event.is_directory and event.event_type == "modified"):
            return  # reading a file (as every build does) is not a change
        paths = {Path(str(event.src_path)).resolve()}
        if getattr(event, "dest_path", ""):
            paths.add(Path(str(event.dest_path)).resolve())
        paths = {p for p in paths
                 if not any(p.is_relative_to(i) for i in self.ignored) and "__pycache__" not in p.parts}
        if not paths:
            return
        with self._lock:
            self._paths |= paths
            if self._timer is not None:
                self._timer.cancel()
            self._timer = threading.Timer(self.delay, self._fire)
            self._timer.daemon = True
            self._timer.start()

    def _fire(self) -> None:
        with self._lock:
            paths, self._paths = self._paths, set()
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
            self._changed(paths)

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
  function handle(event, reload) {
    var data = JSON.parse(event.data);
    if (seen === null) { seen = data.generation; if (!reload) { showProblems(data.problems); } return; }
    if (data.generation === seen) { return; }
    seen = data.generation;
    if (reload) { window.location.reload(); } else { showProblems(data.problems); }
  }
  source.addEventListener("reload", function (event) { handle(event, true); });
  source.addEventListener("problems", function (event) { handle(event, false); });
}());
""" % {"events": EVENTS_PATH}
