"""The garbage collector during a build: paused while the content model is loaded, then told to leave it be.

A build loads a model of ~10,000 reports: hundreds of thousands of long-lived objects and hardly any
garbage (a collection after loading finds ~250 objects, cold or warm). With the collector on, each full
collection walks all of them again: ~1.2 s of a 10,000-report build went to that (0.6 s while loading, as
the heap grew, and as much while Pelican rendered). So the collector is off while the model loads, and the
loaded objects are then frozen (``gc.freeze``: moved out of the collector's generations) until the build
ends, when they become ordinary objects again (a long-running CMS frees each build's model).

What a build leaves in cycles (its Pelican run: ~110,000 objects at 10,000 reports) needs a full collection,
which walks the whole heap: ~0.9 s in the CMS at 10,000 reports, ~0.6 s of it the objects it keeps between
builds. Unless the run's cycles are broken once nothing renders with it (quick_render.dismantle_run: the CMS
does so when a newer build replaces the one its previews use, a patch at once): reference counting then frees
it, and ``dismantled`` takes that build off the count below (what such a build leaves, ~3,000 objects at
10,000 reports, is collected after CARRIED_DISMANTLED of them). The CMS collects once nobody has asked for a
build or sent a request for a while (wenming.cms.builds). A build asked for sooner (a second publish within
seconds) does not wait for it: it starts with the last build's leftovers uncollected (frozen with its model,
and unfrozen with it when it ends), and a build collects first only when the leftovers of more than CARRIED
builds wait, so they never pile up.
"""

from __future__ import annotations

import gc

CARRIED = 1  # a build starts without collecting while the leftovers of at most this many builds wait
# ... and of at most this many dismantled builds, which leave a little each (~3,000 objects at 10,000 reports:
# template environments), so that a server never quiet for long still collects them now and then
CARRIED_DISMANTLED = 16
_leftovers = 0  # builds ended since the last full collection, not dismantled
_dismantled = 0  # builds dismantled since the last full collection


class BuildHeap:
    """``with BuildHeap() as heap: ...load...; heap.loaded(); ...render...``"""

    def __enter__(self) -> BuildHeap:
        self._enabled = gc.isenabled()
        self._frozen = False
        if collection_due():
            collect_leftovers()
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
            _leftovers += 1
        if self._enabled:
            gc.enable()


def collect_leftovers() -> None:
    """Collect what the builds of this process left, once (see the module docstring): a long-running process
    (the CMS) calls it once no build is asked for, so that the next build need not."""
    global _leftovers, _dismantled
    if _leftovers or _dismantled:
        gc.collect()
        _leftovers = _dismantled = 0


def dismantled() -> None:
    """One build's Pelican run has had its cycles broken (quick_render.dismantle_run): reference counting frees
    it, so that build's leftovers no longer count toward a collection. (Called for a run a build does not keep
    before that build ends: the count then stays one too high until the next collection, never too low.)"""
    global _leftovers, _dismantled
    _leftovers = max(0, _leftovers - 1)
    _dismantled += 1


def collection_due() -> bool:
    """Whether the next build would collect first (more than CARRIED builds' leftovers wait, or what
    CARRIED_DISMANTLED dismantled builds left): a long-running process had better collect now, between its
    builds."""
    return _leftovers > CARRIED or _dismantled >= CARRIED_DISMANTLED
