"""The process that writes search bundles: reads their pages, links them into its page farm and has Pagefind
index them (one farm and one Pagefind service for all the bundles it writes, wenming.publish.page_farm and
wenming.publish.pagefind_service).

It runs apart from the build (``python -m wenming.publish.index_worker``, started by
wenming.publish.search_index.SearchIndexer), so that its thousands of small file operations never wait for
the build's interpreter lock. In one process, each of them waited for Pelican's rendering thread to let go
(up to 5 ms a call): the ~300 page links of one changed shard took 2-3 s.

Protocol, one JSON object a line: the first line on stdin is the configuration (Config's fields); each
further line asks for one bundle ``{"bundle": ..., "pages": [...], "unchanged": bool}``, answered on stdout
with ``{"bundle": ..., "outcome": "built" | "reused" | "kept", "read": bool}`` or ``{"error": message}``
(after which the worker stops). The worker ends when stdin closes; SIGTERM ends the running Pagefind and
removes its farm first.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
import signal
import sys
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

from wenming.output import link_or_copy
from wenming.publish.page_farm import PageFarm, remove_abandoned
from wenming.publish.pagefind_service import PagefindService, ServiceError, ServiceTimeout

PRIMARY_BUNDLE = "pagefind"  # holds the pagefind.js the search page loads
SHARDS_DIR = "pagefind-shards"
DIGEST_FILE = "wenming-input.sha256"
# The hash of a bundle's page paths alone: a build that updates the site in place keeps a bundle whose pages
# are the same and were all kept (none written again) without reading them to work out DIGEST_FILE.
PAGES_FILE = "wenming-pages.sha256"


class BundleError(RuntimeError):
    """A bundle could not be written; the message says which and why."""


@dataclasses.dataclass(frozen=True)
class Config:
    site_dir: str  # absolute: Pagefind is handed these paths
    previous_site_dir: str | None
    in_place: bool  # site_dir holds only the pages written again; the others are in previous_site_dir
    cache_dir: str
    command: list[str]  # how Pagefind is run (with ``--service`` added: PagefindService)
    format: str  # part of every digest
    timeout: float  # seconds for one bundle


def bundle_digest(pages: list[str], path_of: Callable[[str], str], format: str) -> str:
    """Hash of what a bundle is made from: ``format``, Pagefind's version, the page paths and their bytes (read
    from ``path_of(page)``)."""
    digest = hashlib.sha256(f"{format}\0{_pagefind_version()}\0".encode())
    for page in sorted(pages):
        with open(path_of(page), "rb") as handle:
            data = handle.read()
        digest.update(f"{page}\0{len(data)}\0".encode("utf-8"))
        digest.update(data)
    return digest.hexdigest()


def pages_hash(pages: list[str]) -> str:
    return hashlib.sha256("\0".join(sorted(pages)).encode("utf-8")).hexdigest()


def _pagefind_version() -> str:
    try:
        return metadata.version("pagefind")
    except metadata.PackageNotFoundError:
        return "unknown"


def previous_bundles(site_dir: Path | None) -> dict[str, Path]:
    """The finished bundles of a site by the digest of their input."""
    if site_dir is None:
        return {}
    candidates = [site_dir / PRIMARY_BUNDLE, *sorted((site_dir / SHARDS_DIR).glob("*"))]
    found = {}
    for bundle in candidates:
        try:
            found[(bundle / DIGEST_FILE).read_text(encoding="ascii").strip()] = bundle
        except (OSError, UnicodeDecodeError):
            continue
    return found


def link_tree(source: Path, target: Path) -> int:
    """Recreate the tree ``source`` at ``target`` with hard links to its files; returns the number of files."""
    files = 0
    for root, _, names in os.walk(source):
        folder = target / Path(root).relative_to(source)
        folder.mkdir(parents=True, exist_ok=True)
        for name in names:
            link_or_copy(Path(root) / name, folder / name)
            files += 1
    return files


def _remove(path: Path) -> None:
    """Delete a bundle folder or a file: unlinking never touches a file hard-linked from elsewhere."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


class BundleWriter:
    """Writes one bundle at a time into ``config.site_dir``: kept, linked from the previous site, or built."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.site_dir = Path(config.site_dir)
        self.previous_site_dir = Path(config.previous_site_dir) if config.previous_site_dir else None
        self.cache_dir = Path(config.cache_dir)
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        remove_abandoned(self.cache_dir)
        self.previous = previous_bundles(self.previous_site_dir)
        self.service = PagefindService(config.command, cwd=str(self.cache_dir))
        self.farm = PageFarm(self.cache_dir)

    def _page(self, page: str) -> str:
        """Where page ``page`` is: in ``site_dir``, or (in place) in the previous site when not written again."""
        staged = os.path.join(self.site_dir, page)
        if self.config.in_place and not os.path.exists(staged):
            return os.path.join(self.previous_site_dir, page)
        return staged

    def _unchanged_in_place(self, bundle: str, pages: list[str], unchanged: bool) -> bool:
        """Whether the live bundle has these pages, none of them written again (``unchanged``)."""
        if not (unchanged and self.config.in_place):
            return False
        try:
            recorded = (self.previous_site_dir / bundle / PAGES_FILE).read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError):
            return False
        return recorded == pages_hash(pages) and (self.previous_site_dir / bundle / DIGEST_FILE).is_file()

    def write(self, bundle: str, pages: list[str], unchanged: bool) -> tuple[str, bool]:
        """Write a bundle; returns how ("kept", "reused" or "built") and whether its pages were read."""
        if self._unchanged_in_place(bundle, pages, unchanged):
            return "kept", False
        try:
            digest = bundle_digest(pages, self._page, self.config.format)
        except OSError as exc:
            raise BundleError(f"search indexing of {bundle}/ could not read a page: {exc}") from exc
        target = self.site_dir / bundle
        _remove(target)
        source = self.previous.get(digest)
        if source is not None and self.config.in_place and source == self.previous_site_dir / bundle:
            return "kept", True
        if source is not None:
            try:
                link_tree(source, target)
                return "reused", True
            except OSError:  # the previous site went away meanwhile: build it instead
                _remove(target)
        self._build(bundle, pages, target)
        (target / DIGEST_FILE).write_text(digest + "\n", encoding="ascii")
        (target / PAGES_FILE).write_text(pages_hash(pages) + "\n", encoding="ascii")
        return "built", True

    def _build(self, bundle: str, pages: list[str], target: Path) -> None:
        """Have Pagefind index the worker's page farm, holding just ``pages``, writing the bundle to ``target``."""
        try:
            self._index(bundle, pages, target)
        except ServiceTimeout:
            raise BundleError(f"search indexing of {bundle}/ took longer than {self.config.timeout:g} s") from None
        except ServiceError as exc:
            raise BundleError(f"search indexing of {bundle}/ ({len(pages)} pages) failed: {exc}") from None
        except OSError as exc:
            raise BundleError(f"search indexing of {bundle}/ failed: {exc}") from exc
        except BaseException:  # SIGTERM (SystemExit): end Pagefind before the farm goes
            self.stop()
            raise

    def _index(self, bundle: str, pages: list[str], target: Path) -> None:
        """The farm made to hold ``pages`` and indexed; on a failure the farm is discarded before the error is
        answered (the build may then stop this worker at once)."""
        try:
            farm = self.farm.hold(pages, self._page)
            self.service.index_folder(farm, str(target), self.config.timeout,
                                      wanted=None if bundle == PRIMARY_BUNDLE else merged_bundle_file)
        except Exception:
            self.farm.discard()
            raise

    def stop(self) -> None:
        """End the Pagefind service and delete the farm."""
        self.service.stop()
        self.farm.discard()


def merged_bundle_file(path: str) -> bool:
    """Whether a bundle merged into the primary one (pagefind.mergeIndex) needs the file at ``path``: its entry,
    metadata, WebAssembly and index folders. Pagefind's scripts and styles (~570 KB a bundle) are loaded
    from the primary bundle only."""
    return "/" in path or path == "pagefind-entry.json" or path.endswith(".pf_meta") or path.startswith("wasm.")


def _answer(message: dict) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def _terminated(signum, frame) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second request must not cut the clean-up short
    raise SystemExit(128 + signum)  # unwinds to main, whose writer.stop() ends Pagefind and removes the farm


def main() -> int:
    signal.signal(signal.SIGTERM, _terminated)
    writer = None
    try:
        writer = BundleWriter(Config(**json.loads(sys.stdin.readline())))
        for line in sys.stdin:
            request = json.loads(line)
            outcome, read = writer.write(request["bundle"], request["pages"], request["unchanged"])
            _answer({"bundle": request["bundle"], "outcome": outcome, "read": read})
    except BundleError as exc:
        _answer({"error": str(exc)})
        return 1
    except Exception as exc:  # anything else is reported as it is, not as a traceback
        _answer({"error": f"{type(exc).__name__}: {exc}"})
        return 1
    finally:
        if writer is not None:
            writer.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
