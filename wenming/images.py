"""Responsive images: validation, variants (WebP + JPEG/PNG) cached by content hash, and markup.

Templates and Markdown ask for an image by its path under content/; the
store answers with deterministic variant URLs and remembers what was used.
After the site is generated, ``write_used`` processes only variants missing
from the cache (keyed by the source's content hash) and copies them in.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import html
import multiprocessing
import os
import shutil
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

WIDTHS = (480, 960, 1600)
MEDIA_URL = "media/"
PROCESS_VERSION = "1"  # bump when processing changes, to invalidate the cache
DEFAULT_SIZES = "(min-width: 72rem) 46rem, 100vw"
EXIF_ORIENTATION = 0x0112
ROTATED_ORIENTATIONS = {5, 6, 7, 8}  # stored sideways: width and height swap once applied


class ImageProblem(ValueError):
    """A referenced image is missing or not a valid image."""


@dataclasses.dataclass(frozen=True)
class ImageInfo:
    path: Path
    width: int
    height: int
    has_alpha: bool
    digest: str

    @property
    def fallback_ext(self) -> str:
        return "png" if self.has_alpha else "jpg"

    def widths(self) -> list[int]:
        """Variant widths, never upscaled: the original width replaces larger ones."""
        chosen = sorted({min(w, self.width) for w in WIDTHS})
        return chosen

    def height_for(self, width: int) -> int:
        return max(1, round(self.height * width / self.width))

    def url(self, width: int, ext: str) -> str:
        return f"/{MEDIA_URL}{self.digest}-{width}.{ext}"


class ImageStore:
    """The images content refers to, and the Markdown renderer that turns them into <picture>s."""

    def __init__(self, content_dir: Path, markdown_cache: dict[str, str] | None = None) -> None:
        self.content_dir = content_dir.resolve()
        self._infos: dict[str, ImageInfo] = {}
        self.used: dict[str, ImageInfo] = {}
        self.markdown_cache = markdown_cache if markdown_cache is not None else {}
        self._recording: list[str] | None = None
        self._background: ProcessPoolExecutor | None = None  # see start_variants
        self._background_jobs: list = []
        self._background_variants = 0

    @contextlib.contextmanager
    def recording(self) -> Iterator[list[str]]:
        """Collects the images marked as used inside the block (the images of one rendered page)."""
        outer, self._recording = self._recording, []
        try:
            yield self._recording
        finally:
            if outer is not None:
                outer.extend(self._recording)
            self._recording = outer

    def mark_used(self, relatives) -> None:
        """Mark images as used without rendering them (a page kept from the previous build shows them)."""
        for relative in relatives:
            self.used[relative] = self.inspect(relative)

    @functools.cached_property
    def renderer(self):
        from .markup import MarkdownRenderer  # markup imports this module

        return MarkdownRenderer(self, self.markdown_cache)

    def inspect(self, relative: str) -> ImageInfo:
        """Validate the image at ``relative`` (under content/); cached per path."""
        if relative in self._infos:
            return self._infos[relative]
        path = (self.content_dir / relative).resolve()
        if not path.is_relative_to(self.content_dir) or not path.is_file():
            raise ImageProblem(f"image {relative} does not exist (paths are relative to content/)")
        data = path.read_bytes()
        try:
            with Image.open(path) as image:
                image.verify()
            with Image.open(path) as image:
                width, height = image.size
                if image.getexif().get(EXIF_ORIENTATION, 1) in ROTATED_ORIENTATIONS:
                    width, height = height, width
                has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
        except (UnidentifiedImageError, OSError, SyntaxError) as exc:
            raise ImageProblem(f"{relative} is not a valid image ({exc.__class__.__name__}); "
                               "use a JPEG, PNG or WebP file") from None
        digest = hashlib.sha256(data + PROCESS_VERSION.encode()).hexdigest()[:16]
        info = ImageInfo(path, width, height, has_alpha, digest)
        self._infos[relative] = info
        return info

    def picture_parts(self, relative: str, alt: str, sizes: str = DEFAULT_SIZES,
                      lazy: bool = True) -> tuple[dict[str, str], dict[str, str]]:
        """Attributes of the WebP <source> and the fallback <img>; marks the image as used."""
        info = self.inspect(relative)
        self.used[relative] = info
        if self._recording is not None:
            self._recording.append(relative)
        widths = info.widths()
        middle = widths[min(1, len(widths) - 1)]
        source = {"type": "image/webp", "srcset": ", ".join(f"{info.url(w, 'webp')} {w}w" for w in widths),
                  "sizes": sizes}
        img = {"src": info.url(middle, info.fallback_ext),
               "srcset": ", ".join(f"{info.url(w, info.fallback_ext)} {w}w" for w in widths),
               "sizes": sizes, "width": str(middle), "height": str(info.height_for(middle)), "alt": alt}
        img.update({"loading": "lazy", "decoding": "async"} if lazy else {"fetchpriority": "high"})
        return source, img

    def picture(self, relative: str, alt: str, sizes: str = DEFAULT_SIZES, lazy: bool = True) -> str:
        """<picture> markup with WebP and fallback srcsets, width/height and lazy loading."""
        source, img = self.picture_parts(relative, alt, sizes, lazy)
        return f"<picture><source {_attributes(source)}><img {_attributes(img)}></picture>"

    @staticmethod
    def _missing(infos, cache_dir: Path) -> list[tuple[str, list[tuple[int, str, str]]]]:
        """One job per source image whose variants are not all in the cache: (source, missing variants)."""
        jobs = []
        for info in infos:
            missing = [(width, ext, str(cache_dir / f"{info.digest}-{width}.{ext}"))
                       for width in info.widths() for ext in ("webp", info.fallback_ext)
                       if not (cache_dir / f"{info.digest}-{width}.{ext}").exists()]
            if missing:
                jobs.append((str(info.path), missing))
        return jobs

    def start_variants(self, cache_dir: Path) -> int:
        """Start making the missing variants of every referenced image in one background process,
        while the site is rendered on the other core; ``write_used`` waits for it. Returns the job count."""
        cache_dir.mkdir(parents=True, exist_ok=True)
        jobs = self._missing(list(self._infos.values()), cache_dir)
        if len(jobs) > 1 and (os.cpu_count() or 1) > 1:
            self._background = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"))
            self._background_jobs = [self._background.submit(_make_variants, *job) for job in jobs]
            self._background_variants = sum(len(missing) for _, missing in jobs)
        return len(jobs)

    def stop_variants(self, wait: bool = True) -> None:
        """Wait for the background variants (raising their errors), or cancel them (``wait=False``)."""
        pool, jobs = self._background, self._background_jobs
        if pool is None:
            return
        self._background, self._background_jobs = None, []
        try:
            if wait:
                for job in jobs:
                    job.result()
        finally:
            pool.shutdown(wait=wait, cancel_futures=not wait)

    def write_used(self, site_dir: Path, cache_dir: Path, workers: int | None = None) -> tuple[int, int]:
        """Copy every used variant into ``site_dir``; returns (variants written, variants processed).

        Missing variants are made one job per source image (decoded once), in parallel.
        """
        cache_dir.mkdir(parents=True, exist_ok=True)
        self.stop_variants()
        jobs = self._missing(self.used.values(), cache_dir)
        if len(jobs) > 1 and (workers or os.cpu_count() or 1) > 1:
            with ProcessPoolExecutor(max_workers=workers) as pool:
                list(pool.map(_make_variants, *zip(*jobs)))
        else:
            for job in jobs:
                _make_variants(*job)
        media = site_dir / MEDIA_URL
        media.mkdir(parents=True, exist_ok=True)
        written = 0
        for info in self.used.values():
            for width in info.widths():
                for ext in ("webp", info.fallback_ext):
                    name = f"{info.digest}-{width}.{ext}"
                    _link_or_copy(cache_dir / name, media / name)
                    written += 1
        return written, self._background_variants + sum(len(missing) for _, missing in jobs)


_SAVE_OPTIONS = {
    "webp": {"format": "WEBP", "quality": 80, "method": 2},
    "jpg": {"format": "JPEG", "quality": 82, "optimize": True, "progressive": True},
    "png": {"format": "PNG", "optimize": True},
}


def _make_variants(source: str, variants: list[tuple[int, str, str]]) -> None:
    """Resize (largest first) with EXIF orientation applied; saved without metadata."""
    with Image.open(source) as original:
        image = ImageOps.exif_transpose(original)
        image.load()
    for width, ext, target in sorted(variants, key=lambda v: -v[0]):
        if image.width > width:
            image = image.resize((width, max(1, round(image.height * width / image.width))), Image.LANCZOS)
        if ext == "png":
            converted = image.convert("RGBA")
        else:
            converted = image.convert("RGB") if ext == "jpg" or image.mode not in ("RGB", "RGBA") else image
        temporary = f"{target}.{os.getpid()}.tmp"
        converted.save(temporary, **_SAVE_OPTIONS[ext])
        os.replace(temporary, target)


def _link_or_copy(source: Path, target: Path) -> None:
    if target.exists():
        return
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def _attributes(values: dict[str, str]) -> str:
    return " ".join(f'{name}="{html.escape(value)}"' for name, value in values.items())
