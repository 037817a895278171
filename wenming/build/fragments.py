"""Pieces of site-wide files, one per report, kept from one build to the next.

``news.json`` lists every published report. At 10,000 reports, making its entries and encoding them again
took ~0.3 s of a build that added one report. An entry shows the site's shell (the registry's names, the
URLs: page_keys.SiteKeys.shell) and a few things of its report, so a build takes the encoded entry of every
report whose few things are those the last build encoded, and encodes the others.

A fragment is found by what its caller says it shows besides the shell (its ``key``, which names the file it
belongs to too). The store is discarded when the shell changes, and holds only what the last build used. A
stale store can only miss: a key describes everything its fragment was made from.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Hashable
from pathlib import Path

from wenming.build.cache import PickledCache

CACHE_FILE = "fragments.pickle"


def _store(cache_dir: Path) -> PickledCache:
    return PickledCache(cache_dir / CACHE_FILE, "fragments-1")


@dataclasses.dataclass
class Fragments:
    shell: str
    previous: dict[Hashable, str]
    used: dict[Hashable, str] = dataclasses.field(default_factory=dict)

    @classmethod
    def load(cls, cache_dir: Path, shell: str) -> Fragments:
        stored = _store(cache_dir).load()
        return cls(shell, stored.get("fragments", {}) if stored.get("shell") == shell else {})

    def save(self, cache_dir: Path) -> None:
        _store(cache_dir).save({"shell": self.shell, "fragments": self.used})

    def used_since_fork(self) -> tuple[list[int], dict[Hashable, str]]:
        """What a forked child sends back for its parent to ``take``: the positions in ``previous`` (the same in
        both processes) of the fragments it kept, and the fragments it made. Sending every used fragment back
        (~10 MB at 10,000 reports: each key holds a summary) cost ~0.4 s of a build that added one report."""
        positions = {key: index for index, key in enumerate(self.previous)}
        kept, made = [], {}
        for key, fragment in self.used.items():
            index = positions.get(key)
            if index is not None and self.previous[key] is fragment:
                kept.append(index)
            else:
                made[key] = fragment
        return kept, made

    def take(self, kept: list[int], made: dict[Hashable, str]) -> None:
        """Take in what a forked child used (``used_since_fork``)."""
        keys = list(self.previous)
        self.used.update((keys[index], self.previous[keys[index]]) for index in kept)
        self.used.update(made)

    def of(self, key: Hashable, make: Callable[[], str]) -> str:
        """The fragment ``key`` describes: the last build's, or ``make()``."""
        fragment = self.previous.get(key)
        if fragment is None:
            fragment = make()
        self.used[key] = fragment
        return fragment


def kept_fragment(writer, key: Hashable, make: Callable[[], str]) -> str:
    """``make()``, or the same text kept from the last build (with a writer whose render cache keeps
    fragments; Pelican's own writer always makes it). ``key``: what the fragment shows but the site's shell."""
    cache = getattr(writer, "cache", None)
    fragments: Fragments | None = getattr(cache, "fragments", None)
    return make() if fragments is None else fragments.of(key, make)
