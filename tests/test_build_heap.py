"""The garbage collector during a build (wenming.build.heap)."""

import gc
import weakref

from sitekit import make_site

from wenming.build import heap
from wenming.build.pipeline import build


class Node:
    pass


def cycle() -> weakref.ref:
    a, b = Node(), Node()
    a.other, b.other = b, a
    return weakref.ref(a)


def test_paused_while_loading_frozen_while_rendering_and_restored_after():
    assert gc.isenabled()
    with heap.BuildHeap() as build_heap:
        assert not gc.isenabled()
        model = [Node() for _ in range(1000)]
        build_heap.loaded()
        assert gc.isenabled() and gc.get_freeze_count() >= len(model)
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_a_build_starts_with_one_builds_leftovers_uncollected_and_collects_before_more_pile_up(monkeypatch):
    """The leftovers of one build are carried into the next (which need not wait for a full collection), and
    freed once it ends; a build that finds more than CARRIED builds' leftovers collects them first."""
    monkeypatch.setattr(heap, "_leftovers", 0)
    with heap.BuildHeap() as build_heap:
        build_heap.loaded()
        first = cycle()  # garbage made while rendering, left for a full collection
    gc.disable()  # no collection happens by chance between the builds
    try:
        with heap.BuildHeap() as next_heap:  # one build's leftovers: carried, not collected first
            assert first() is not None
            next_heap.loaded()
            second = cycle()
        assert first() is not None and second() is not None
        with heap.BuildHeap() as third_heap:  # two builds' leftovers: collected first, none frozen
            assert first() is None and second() is None
            third_heap.loaded()
            third = cycle()
    finally:
        gc.enable()
    heap.collect_leftovers()  # what the CMS calls once no build is asked for
    assert third() is None


def test_a_collector_that_was_off_stays_off():
    gc.disable()
    try:
        with heap.BuildHeap() as build_heap:
            build_heap.loaded()
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_called_again_once_pelican_has_made_its_contexts_it_freezes_those_too():
    with heap.BuildHeap() as build_heap:
        model = [Node() for _ in range(1000)]
        build_heap.loaded()
        frozen = gc.get_freeze_count()
        assert frozen >= len(model)
        contexts = [Node() for _ in range(5000)]  # Pelican's articles and lists
        build_heap.loaded()
        assert gc.isenabled() and gc.get_freeze_count() >= frozen + len(contexts)
    assert gc.get_freeze_count() == 0


def test_a_build_freezes_the_model_and_again_pelicans_contexts(tmp_path, monkeypatch):
    calls = []
    original = heap.BuildHeap.loaded
    monkeypatch.setattr(heap.BuildHeap, "loaded", lambda self: (calls.append(gc.get_freeze_count()), original(self)))
    build(make_site(tmp_path), tmp_path / "output")
    assert len(calls) == 2 and calls[1] > calls[0]  # the second freeze comes after more was frozen
