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
    monkeypatch.setattr(heap, "_dismantled", 0)
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


def test_a_pelican_run_nobody_keeps_is_freed_without_a_full_collection(tmp_path):
    """generate_site without ``kept`` (the body-edit patch) takes its Pelican run apart: its articles are freed
    once a young-generation collection has found what rendering left (pages that import macros "with context"),
    without the full collection that a run's own cycles need, since a build freezes the run before it renders
    (and then puts it in the oldest generation); with ``kept``, the run stays whole until dismantle_run."""
    from wenming.build.pipeline import generate_site, read_and_validate
    from wenming.build.quick_render import dismantle_run

    model = read_and_validate(make_site(tmp_path / "site"))
    gc.disable()
    try:
        articles = _articles_of(lambda: generate_site(model, tmp_path / "a"))
        gc.collect(1)
        assert articles and all(article() is None for article in articles)
        kept: list = []
        articles = _articles_of(lambda: generate_site(model, tmp_path / "b", kept=kept))
        gc.collect(1)
        assert kept[0].context["articles"] and all(article() is not None for article in articles)
        dismantle_run(kept.pop())
        gc.collect(1)
        assert all(article() is None for article in articles)
    finally:
        gc.enable()


def _articles_of(generate) -> list[weakref.ref]:
    """Weak references to the articles of the Pelican run ``generate()`` makes, inside a BuildHeap as a build
    does: frozen once Pelican has made its contexts, in the oldest generation after."""
    from pelican import signals

    captured: list[weakref.ref] = []

    def capture(generator) -> None:
        captured.extend(weakref.ref(article) for article in generator.articles)

    with heap.BuildHeap() as build_heap, signals.article_generator_finalized.connected_to(capture), \
            signals.all_generators_finalized.connected_to(lambda _generators: build_heap.loaded()):
        generate()
    return captured


def test_a_dismantled_build_no_longer_counts_toward_a_collection_until_many_were(monkeypatch):
    monkeypatch.setattr(heap, "_leftovers", 2)
    monkeypatch.setattr(heap, "_dismantled", 0)
    assert heap.collection_due()
    heap.dismantled()
    assert not heap.collection_due()
    monkeypatch.setattr(heap, "_leftovers", 0)
    heap.dismantled()
    assert heap._leftovers == 0  # never below none
    for _ in range(heap.CARRIED_DISMANTLED - 3):
        heap.dismantled()
    assert not heap.collection_due()
    heap.dismantled()  # what CARRIED_DISMANTLED dismantled builds left (template environments) is collected
    assert heap.collection_due()
    heap.collect_leftovers()
    assert not heap.collection_due() and heap._dismantled == 0
