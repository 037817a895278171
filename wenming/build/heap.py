"""The garbage collector during a build: paused while the content model is loaded, then told to leave it be.

A build loads a model of ~10,000 reports: hundreds of thousands of long-lived objects and hardly any
garbage (a collection after loading finds ~250 objects, cold or warm). With the collector on, each full
collection walks all of them again: ~1.2 s of a 10,000-report build went to that (0.6 s while loading, as
the heap grew, and as much while Pelican rendered). So the collector is off while the model loads, and the
loaded objects are then frozen (``gc.freeze``: moved out of the collector's generations) until the build
ends, when they become ordinary objects again (a long-running CMS frees each build's model).
"""

from __future__ import annotations

import gc

_leftovers = False  # a build ended since the last full collection


class BuildHeap:
    """``with BuildHeap() as heap: ...load...; heap.loaded(); ...render...``"""

    def __enter__(self) -> BuildHeap:
        self._enabled = gc.isenabled()
        self._frozen = False
        collect_leftovers()  # frozen with the new model, they would outlive every later build
        gc.disable()
        return self

    def loaded(self) -> None:
        """The long-lived objects are loaded: freeze them, and collect garbage again. Called again once Pelican
        has made its contexts (every report's article, every list): the full collections while it writes then
        walk only what the pages make (at 10,000 reports, ~0.1 s of four or five full collections saved)."""
        gc.freeze()
        self._frozen = True
        if self._enabled:
            gc.enable()

    def __exit__(self, *exc_info) -> None:
        global _leftovers
        if self._frozen:
            gc.unfreeze()
            _leftovers = True
        if self._enabled:
            gc.enable()


def collect_leftovers() -> None:
    """Collect what the builds of this process left (its last Pelican run: ~100,000 objects in cycles at
    10,000 reports), once. ~0.3 s in a process that still holds its last build's model: a long-running
    process (the CMS) calls it once a build is reported, so that the next build need not."""
    global _leftovers
    if _leftovers:
        gc.collect()
        _leftovers = False
