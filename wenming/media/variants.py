"""Making the variants of images: each width in WebP and a JPEG/PNG fallback, upright and without metadata.

A cold build has hundreds of photos to process (about 150 ms of CPU each). The
``VariantMaker`` starts on them in one background process from the moment the
first report naming an image has been read, so they share the machine with
reading and rendering. When the site is rendered, the jobs not started yet are
taken back and shared out over every core.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import warnings
from concurrent.futures import Future, ProcessPoolExecutor

from PIL import Image, ImageOps

EXIF_ORIENTATION = 0x0112
ROTATED_ORIENTATIONS = {5, 6, 7, 8}  # stored sideways: width and height swap once applied

# Baseline optimised JPEG: smaller than progressive here and half its encoding time.
SAVE_OPTIONS = {
    "webp": {"format": "WEBP", "quality": 80, "method": 2},
    "jpg": {"format": "JPEG", "quality": 82, "optimize": True},
    "png": {"format": "PNG", "optimize": True},
}

# (source path, [(width, extension, target path)], upright (width, height) of the source)
Job = tuple[str, list[tuple[int, str, str]], tuple[int, int]]
# (source path, why it could not be processed): a truncated file, say, that passed Image.verify()
VariantFailure = tuple[str, str]


def open_upright(source: str, largest: int) -> Image.Image:
    """The source decoded, upright (EXIF orientation applied), in RGB(A), and no larger than needed.

    A JPEG at least twice as wide as ``largest`` is decoded at 1/2, 1/4 or 1/8 scale (libjpeg's
    DCT scaling): a 4,000 px phone photo then costs a quarter of a full decode.
    """
    image = Image.open(source)
    orientation = image.getexif().get(EXIF_ORIENTATION, 1)
    width, height = image.size
    upright_width = height if orientation in ROTATED_ORIENTATIONS else width
    if image.format == "JPEG" and upright_width >= 2 * largest:
        scale = largest / upright_width
        image.draft(None, (math.ceil(width * scale), math.ceil(height * scale)))
    image.load()
    if image.mode not in ("RGB", "RGBA"):  # palette, greyscale, CMYK: resized and encoded as RGB(A)
        image = image.convert("RGBA" if image.has_transparency_data else "RGB")
    if orientation != 1:
        image = ImageOps.exif_transpose(image)
    image.info = {}  # no EXIF, XMP, ICC profile or comment may follow the pixels into a variant
    return image


def make_variants(source: str, variants: list[tuple[int, str, str]], size: tuple[int, int]) -> None:
    """Resize (largest first, each from the one before) and save without metadata.

    ``size`` is the source's upright size: every variant's height comes from it, so that a
    scaled-down decode cannot make a variant one pixel off the width/height the HTML declares.
    """
    ordered = sorted(variants, key=lambda v: -v[0])
    with open_upright(source, ordered[0][0]) as image:
        for width, ext, target in ordered:
            if image.width != width:
                target_size = (width, max(1, round(size[1] * width / size[0])))
                if image.width >= 2 * width:  # box-average whole factors first (960 -> 480: 1 ms, not 11)
                    image = image.reduce(image.width // width)
                if image.size != target_size:
                    image = image.resize(target_size, Image.LANCZOS)
            temporary = f"{target}.{os.getpid()}.tmp"
            image.save(temporary, **SAVE_OPTIONS[ext])
            os.replace(temporary, target)


def try_variants(source: str, variants: list[tuple[int, str, str]], size: tuple[int, int]) -> VariantFailure | None:
    """``make_variants``, returning (source, reason) instead of raising when the image cannot be decoded."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            make_variants(source, variants, size)
    except (OSError, SyntaxError, ValueError, MemoryError, Image.DecompressionBombError,
            Image.DecompressionBombWarning) as exc:
        return source, f"{exc.__class__.__name__}: {exc}" if str(exc) else exc.__class__.__name__
    return None


def _run_jobs(jobs: list[Job], workers: int | None) -> list[VariantFailure]:
    if len(jobs) > 1 and (workers or os.cpu_count() or 1) > 1:
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
            results = list(pool.map(try_variants, *zip(*jobs)))
    else:
        results = [try_variants(*job) for job in jobs]
    return [failure for failure in results if failure is not None]


class VariantMaker:
    """Variant jobs run in one background process (on machines with more than one core) until ``finish``."""

    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None
        self._jobs: dict[str, tuple[Future, Job]] = {}  # by source path

    def submit(self, job: Job) -> None:
        if job[0] in self._jobs or (os.cpu_count() or 1) < 2:
            return  # one core: finish() makes everything
        if self._pool is None:
            self._pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"))
        self._jobs[job[0]] = (self._pool.submit(try_variants, *job), job)

    @property
    def submitted(self) -> int:
        return len(self._jobs)

    def take_back(self) -> tuple[set[str], int]:
        """Cancel the jobs not started yet. Returns the sources the background has done or is still on,
        and their variant count; anything missing after this is left to ``finish``."""
        kept = {source: (future, job) for source, (future, job) in self._jobs.items() if not future.cancel()}
        self._jobs = kept
        return set(kept), sum(len(job[1]) for _, job in kept.values())

    def finish(self, jobs: list[Job], busy: set[str], workers: int | None = None) -> tuple[int, list[VariantFailure]]:
        """Run ``jobs`` (made after ``take_back``, without the ``busy`` sources) on every core, then
        wait for the background; returns the number of variants made here and the images that failed."""
        mine = [job for job in jobs if job[0] not in busy]
        failures: list[VariantFailure] = []
        try:
            failures += _run_jobs(mine, workers)
        finally:
            failures += self.stop(wait=True)
        return sum(len(job[1]) for job in mine), failures

    def stop(self, wait: bool = True) -> list[VariantFailure]:
        """Wait for the background jobs (returning the images that failed), or cancel them (``wait=False``:
        only the image being processed is finished, so that no worker outlives a failed build)."""
        pool, jobs = self._pool, self._jobs
        self._pool, self._jobs = None, {}
        if pool is None:
            return []
        try:
            if wait:
                return [failure for future, _ in jobs.values() if (failure := future.result()) is not None]
            return []
        finally:
            pool.shutdown(wait=True, cancel_futures=not wait)
