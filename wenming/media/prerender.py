"""Markdown bodies rendered on every core while a cold build goes on reading its reports.

A cold build of thousands of reports spends seconds in Python-Markdown. Bodies missing from the
renderer's cache are handed, a batch at a time, to forked worker processes as the reports are read,
so that reading (this process) and rendering (the workers) overlap; ``finish`` puts what the
workers made into the cache, where ``MarkdownRenderer.render`` finds it. A body that fails in a
worker (a broken image reference, say) is left for ``render`` to report with its file and line.

    with Prerender(renderer) as prerender:
        for source in sources:
            prerender.add(source.body)
        prerender.finish()
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor

from wenming.media.markup import MarkdownRenderer, Rendered

PARALLEL_MINIMUM = 300  # bodies missing before workers start: below this, starting them costs more than it saves
BATCH = 50  # bodies a worker is handed at a time
_FORKED_RENDERER: MarkdownRenderer | None = None  # inherited by forked workers


class Prerender:
    def __init__(self, renderer: MarkdownRenderer, workers: int | None = None) -> None:
        self.renderer = renderer
        self.workers = workers or os.cpu_count() or 1
        self._missing: dict[str, str] = {}  # key -> text, not yet handed to a worker
        self._handed: set[str] = set()  # keys of the bodies the workers were handed
        self._pool: ProcessPoolExecutor | None = None
        self._batches: list[tuple[list[str], Future]] = []

    def __enter__(self) -> Prerender:
        return self

    def __exit__(self, *_exc) -> None:
        self._close(cancel=True)

    def add(self, text: str) -> None:
        """A body the build will render: rendered in a worker when it is not in the cache."""
        key = self.renderer.key(text)
        if key in self._missing or key in self._handed or self.renderer.cached(key):
            return
        self._missing[key] = text
        if self._pool is None and len(self._missing) >= PARALLEL_MINIMUM and self.workers > 1:
            global _FORKED_RENDERER
            _FORKED_RENDERER = self.renderer
            self._pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("fork"))
        if self._pool is not None and len(self._missing) >= BATCH:
            self._hand_out()

    def finish(self) -> int:
        """Wait for the workers and cache what they rendered; returns how many bodies they were handed."""
        if self._pool is not None:
            self._hand_out()
            for keys, future in self._batches:
                self.renderer.cache.update((key, entry) for key, entry in zip(keys, future.result())
                                           if entry is not None)
        self._close(cancel=False)
        return len(self._handed)

    def _hand_out(self) -> None:
        keys = list(self._missing)
        if keys:
            self._batches.append((keys, self._pool.submit(_render_in_child, [self._missing[key] for key in keys])))
            self._handed.update(keys)
            self._missing.clear()

    def _close(self, cancel: bool) -> None:
        global _FORKED_RENDERER
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=cancel)
            self._pool = None
            _FORKED_RENDERER = None


def prerender(renderer: MarkdownRenderer, texts: list[str], workers: int | None = None) -> int:
    """Render the bodies of ``texts`` missing from the cache in workers; returns how many they were handed."""
    with Prerender(renderer, workers) as batch:
        for text in texts:
            batch.add(text)
        return batch.finish()


def _render_in_child(texts: list[str]) -> list[Rendered | None]:
    renderer = _FORKED_RENDERER
    rendered: list[Rendered | None] = []
    for text in texts:
        try:
            rendered.append(renderer.fresh(text))
        except Exception:  # noqa: BLE001 - reported with its file and line by the serial render
            rendered.append(None)
    return rendered
