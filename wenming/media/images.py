"""Responsive images: validation, variants (WebP + JPEG/PNG) cached by content hash, and markup.

Templates and Markdown ask for an image by its path under content/; the
store answers with deterministic variant URLs and remembers what was used.
Variants are cached by the source's content hash; those missing are made by
``image_variants`` (in the background from the moment a build names an image),
and ``write_used`` links every used one into the site.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import html
import os
import warnings
from collections.abc import Iterator, Mapping
from pathlib import Path
from stat import S_ISREG

from PIL import Image, UnidentifiedImageError

from wenming.media.variants import EXIF_ORIENTATION, ROTATED_ORIENTATIONS, Job, VariantFailure, VariantMaker
from wenming.output import link_or_copy
from wenming.source.diagnostics import ContentError, Diagnostic, Diagnostics
from wenming.source.messages import render

WIDTHS = (480, 960, 1600)
MEDIA_URL = "media/"
PROCESS_VERSION = "3"  # bump when processing changes, to invalidate the cache (3: no JPEG comment or XMP)
DEFAULT_SIZES = "(min-width: 72rem) 46rem, 100vw"
# The most pixels a picture may have (E303): a file with more is refused by the build and by a CMS upload alike
# (wenming.cms.media). A 48- or 50-megapixel phone photo passes; decoding one takes ~150 MB.
MAX_PIXELS = 50_000_000


REFERRING_SUFFIXES = (".md", ".markdown", ".yml", ".yaml")  # content files that may name an image


class ImageProblem(ValueError):
    """A referenced image is missing or not a valid image: a catalog code (E301-E399) and its parameters.

    ``str(exc)`` is the message in the reader's language; callers record it with its place:
    ``diagnostics.add(exc.code, path, line=..., field=..., **exc.params)``.
    """

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code, params)
        self.code = code
        self.params = params

    def __str__(self) -> str:
        return render(self.code, self.params)

    def __reduce__(self):
        return _image_problem, (self.code, self.params)


def _image_problem(code: str, params: dict) -> ImageProblem:
    return ImageProblem(code, **params)


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
    """The images content refers to: validated once, their variants made and written for the pages that show them."""

    def __init__(self, content_dir: Path, variants_dir: Path | None = None) -> None:
        self.content_dir = content_dir.resolve()
        self._infos: dict[str, ImageInfo] = {}
        self.used: dict[str, ImageInfo] = {}
        self._recording: list[str] | None = None
        self.variants_dir = variants_dir  # where variants are cached; set when a build wants them made
        if variants_dir is not None:
            variants_dir.mkdir(parents=True, exist_ok=True)
        self._maker = VariantMaker()
        self._submitted: set[str] = set()  # digests whose variants were looked for in variants_dir
        self._stamped: dict[tuple[str, int, int, int, int], ImageInfo] = {}  # this store's inspections by stamp

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

    def _use(self, relative: str, info: ImageInfo) -> None:
        """``relative`` is shown by published output: its variants are written into the site."""
        self.used[relative] = info
        if self._recording is not None:
            self._recording.append(relative)

    def inspect(self, relative: str) -> ImageInfo:
        """Validate the image at ``relative`` (under content/); remembered per path by this store, and per file
        version by the process (_INSPECTED)."""
        if relative in self._infos:
            return self._infos[relative]
        path = (self.content_dir / relative).resolve()
        if not path.is_relative_to(self.content_dir):
            raise ImageProblem("E301", src=relative)
        try:
            stat = path.stat()
        except OSError:
            raise ImageProblem("E301", src=relative) from None
        if not S_ISREG(stat.st_mode):
            raise ImageProblem("E301", src=relative)
        stamp = (str(path), stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)
        info = _INSPECTED.get(stamp)
        if info is None:
            if len(_INSPECTED) >= _INSPECTED_MAX:  # years of uploads and replaced pictures: start again
                _INSPECTED.clear()
            info = _INSPECTED[stamp] = _inspect_file(path, relative)
        self._infos[relative] = self._stamped[stamp] = info
        return info

    def inspections(self) -> dict[tuple[str, int, int, int, int], ImageInfo]:
        """The images this store inspected, by file stamp: what a later process may take as inspected
        (remember_inspections) while a file keeps its stamp."""
        return dict(self._stamped)

    def picture_parts(self, relative: str, alt: str, sizes: str = DEFAULT_SIZES, lazy: bool = True,
                      use: bool = True) -> tuple[dict[str, str], dict[str, str]]:
        """Attributes of the WebP <source> and the fallback <img>; marks the image as used unless ``use``
        is false (a draft's body: rendered, but not published)."""
        info = self.inspect(relative)
        if use:
            self._use(relative, info)
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

    def published_url(self, relative: str) -> str:
        """URL of the largest variant of ``relative`` (upright, without metadata, at most the largest of
        WIDTHS wide), marked as used: what an API or feed links to instead of the original file."""
        info = self.inspect(relative)
        self._use(relative, info)
        return info.url(info.widths()[-1], info.fallback_ext)

    def prefetch(self, relatives) -> None:
        """Start on these images' variants at once, when the build gave a ``variants_dir``.

        Invalid references are skipped here: validation reports them with their file and line.
        """
        if self.variants_dir is None:
            return
        for relative in relatives:
            if not relative:
                continue
            try:
                info = self.inspect(relative)
            except ImageProblem:
                continue
            self._submit(info)

    def _submit(self, info: ImageInfo) -> None:
        """Hand the image's missing variants to the background, once per image (reports share photos)."""
        if info.digest in self._submitted:
            return
        self._submitted.add(info.digest)
        job = _missing_job(info, self.variants_dir)
        if job is not None:
            self._maker.submit(job)

    def start_variants(self, cache_dir: Path | None = None) -> int:
        """Start making the missing variants of every image inspected so far in the background, while
        the site is rendered; ``write_used`` finishes them. Returns how many images are being processed.

        ``cache_dir`` defaults to the ``variants_dir`` the store was made with."""
        if cache_dir is not None and cache_dir != self.variants_dir:
            self.variants_dir, self._submitted = cache_dir, set()
        self.variants_dir.mkdir(parents=True, exist_ok=True)
        for info in list(self._infos.values()):
            self._submit(info)
        return self._maker.submitted

    def stop_variants(self, wait: bool = True) -> list[VariantFailure]:
        """Wait for the background variants, or cancel them (``wait=False``); returns the images that
        could not be processed."""
        return self._maker.stop(wait)

    def write_used(self, site_dir: Path, cache_dir: Path | None = None, workers: int | None = None,
                   live_dir: Path | None = None, kept: list[str] | None = None) -> tuple[int, int]:
        """Copy every used variant into ``site_dir``; returns (variants written, variants processed).

        With ``live_dir`` (a build that updates that site in place), a variant already there is left there
        (a variant's name is the hash of its source and its width: same name, same bytes) and its path
        relative to the site is added to ``kept`` instead.

        Missing variants are made one job per source image (decoded once), on every core, together
        with the background jobs that had not started. ``cache_dir`` defaults to ``variants_dir``.
        An image that cannot be decoded (a truncated file, say) raises ContentError (E304) naming
        each content file that refers to it.
        """
        cache_dir = cache_dir or self.variants_dir
        cache_dir.mkdir(parents=True, exist_ok=True)
        busy, background_variants = self._maker.take_back()
        jobs = [job for info in self.used.values() if (job := _missing_job(info, cache_dir)) is not None]
        made, failures = self._maker.finish(jobs, busy, workers)
        if failures:
            raise ContentError(self._damaged(failures))
        media = site_dir / MEDIA_URL
        media.mkdir(parents=True, exist_ok=True)
        present = set(os.listdir(live_dir / MEDIA_URL)) if live_dir is not None and (live_dir / MEDIA_URL).is_dir() \
            else set()
        written = 0
        for info in self.used.values():
            for width in info.widths():
                for ext in ("webp", info.fallback_ext):
                    name = f"{info.digest}-{width}.{ext}"
                    if name in present and kept is not None:
                        kept.append(MEDIA_URL + name)
                    elif not (media / name).exists():
                        link_or_copy(cache_dir / name, media / name)
                    written += 1
        return written, background_variants + made


    def _damaged(self, failures: list[VariantFailure]) -> list[Diagnostic]:
        """E304 for each place in the content that names an image whose variants could not be made."""
        diagnostics = Diagnostics(self.content_dir)
        for source, reason in failures:
            relatives = sorted(r for r, info in self._infos.items() if str(info.path) == source)
            places = _places_naming(self.content_dir, relatives)
            for path, line, relative in places:
                diagnostics.add("E304", path, line=line, src=relative, reason=reason)
            if not places:
                shown = relatives[0] if relatives else os.path.relpath(source, self.content_dir)
                diagnostics.add("E304", source, src=shown, reason=reason)
        return diagnostics.sorted()


def _places_naming(content_dir: Path, relatives: list[str]) -> list[tuple[Path, int, str]]:
    """(content file, line, image) of every line naming one of ``relatives``: read only when an image
    fails (a rare error path), so that the message can say where the image is used."""
    places = []
    for root, folders, files in os.walk(content_dir):
        folders[:] = sorted(f for f in folders if not f.startswith("."))
        for name in sorted(files):
            if not name.endswith(REFERRING_SUFFIXES):
                continue
            path = Path(root, name)
            try:
                lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
            except OSError:
                continue
            for number, line in enumerate(lines, 1):
                named = next((r for r in relatives if r in line), None)
                if named is not None:
                    places.append((path, number, named))
    return places


def _missing_job(info: ImageInfo, cache_dir: Path) -> Job | None:
    """The job making the variants of ``info`` not in the cache yet, or None when all are there."""
    targets = [(width, ext, cache_dir / f"{info.digest}-{width}.{ext}")
               for width in info.widths() for ext in ("webp", info.fallback_ext)]
    missing = [(width, ext, str(target)) for width, ext, target in targets if not target.exists()]
    return (str(info.path), missing, (info.width, info.height)) if missing else None


def _attributes(values: dict[str, str]) -> str:
    return " ".join(f'{name}="{html.escape(value)}"' for name, value in values.items())


# Images inspected by this process: (real path, size, modification and change times, inode) -> ImageInfo. A
# long-running process (the CMS, ``serve``) builds again and again with a new ImageStore; reading, verifying
# and hashing each of ~1,000 pictures took ~0.15 s a build. A file written to in any way gets a new stamp (its
# change time moves even when a tool sets its modification time back).
_INSPECTED: dict[tuple[str, int, int, int, int], ImageInfo] = {}
_INSPECTED_MAX = 50_000


def remember_inspections(inspected: Mapping[tuple[str, int, int, int, int], ImageInfo]) -> None:
    """Images inspected by an earlier run of the same code (ImageStore.inspections): a command-line build
    of 10,000 reports spent ~0.2 s inspecting its ~500 pictures again."""
    _INSPECTED.update(inspected)


def _inspect_file(path: Path, relative: str) -> ImageInfo:
    """Validate the image file at ``path`` (named ``relative`` in content): its size is read from its header
    and checked against MAX_PIXELS before its data is verified."""
    data = path.read_bytes()
    too_many = ImageProblem("E303", src=relative, limit=f"{MAX_PIXELS:,}")
    try:
        with warnings.catch_warnings():  # a decompression bomb: refused, not just warned about
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise too_many
                if image.getexif().get(EXIF_ORIENTATION, 1) in ROTATED_ORIENTATIONS:
                    width, height = height, width
                has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
            with Image.open(path) as image:
                image.verify()
    except ImageProblem:  # too many pixels: a ValueError as well, not to be reported as E302 below
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_many from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ImageProblem("E302", src=relative, reason=exc.__class__.__name__) from None
    digest = hashlib.sha256(data + PROCESS_VERSION.encode()).hexdigest()[:16]
    return ImageInfo(path, width, height, has_alpha, digest)
