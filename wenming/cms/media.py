"""Image uploads: verified by decoding, turned upright, stripped of all metadata, stored under a generated name.

``store_upload`` is the intake behind ``POST /api/media``. It trusts nothing about the upload but its pixels:
the format comes from decoding with Pillow (JPEG, PNG and WebP only), the size and pixel count are limited
before anything large is decoded, the EXIF orientation is applied and the picture is encoded again from its
pixels alone, so that no EXIF (GPS position, camera serial), XMP, ICC profile or comment reaches the site.
The stored name is made from the date and a hash of the stored bytes, never from the uploaded name.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import unicodedata
import warnings
from pathlib import Path, PurePosixPath

from PIL import Image, ImageCms, ImageOps

from wenming.cms.errors import CmsError
from wenming.cms.repository import write_atomically
from wenming.media.images import MAX_PIXELS
from wenming.source.messages import Text

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
IMAGES_FOLDER = "images"
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP")  # the only decoders Pillow may try on an upload
SUFFIXES = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
JPEG_QUALITY = 90
WEBP_QUALITY = 90
_NAME_LIMIT = 80  # characters of the uploaded name quoted in messages


def store_upload(
    content_dir: Path,
    filename: str,
    data: bytes,
    *,
    today: datetime.date,
    max_bytes: int = MAX_UPLOAD_BYTES,
    max_pixels: int = MAX_PIXELS,
) -> str:
    """Store an uploaded picture under ``<content_dir>/images/<year>/`` and return its path relative to content_dir.

    The path is POSIX (``images/2026/20261130-1a2b3c4d5e6f.jpg``), ready for front matter or a Markdown body.
    The same upload on the same day gives the same path and writes nothing new. Raises ``CmsError`` (413 too
    large, 415 not a JPEG/PNG/WebP picture, 400 empty or damaged) with a message naming the uploaded file.
    Nothing is committed: the caller's repository layer commits the returned path.
    """
    name = display_name(filename)
    if len(data) > max_bytes:
        raise CmsError("cms.media.too_large", 413, name=name, size=_megabytes(len(data)), limit=_megabytes(max_bytes))
    if not data:
        raise CmsError("cms.media.empty", 400, name=name)
    image, image_format = decode_upload(data, name, max_pixels)
    encoded = encode_clean(image, image_format)
    digest = hashlib.sha256(encoded).hexdigest()[:12]
    relative = PurePosixPath(IMAGES_FOLDER, f"{today:%Y}", f"{today:%Y%m%d}-{digest}.{SUFFIXES[image_format]}")
    _write_once(Path(content_dir), relative, encoded)
    return relative.as_posix()


def display_name(filename: str) -> str | Text:
    """The uploaded name as messages quote it: its last path part, without control characters, shortened."""
    last = PurePosixPath((filename or "").replace("\\", "/")).name
    printable = "".join(c for c in last if unicodedata.category(c)[0] != "C").strip()
    if not printable:
        return Text("cms.media.unnamed")
    return printable if len(printable) <= _NAME_LIMIT else printable[: _NAME_LIMIT - 1] + "…"


def decode_upload(data: bytes, name: str | Text, max_pixels: int) -> tuple[Image.Image, str]:
    """The fully decoded, upright picture and its format; refuses anything that is not a whole JPEG/PNG/WebP.

    Pillow's decompression-bomb warning is an error here, and the pixel count is checked against the lower of
    ``max_pixels`` and Pillow's own threshold before the pixels are decoded.
    """
    limit = min(max_pixels, Image.MAX_IMAGE_PIXELS or max_pixels)
    too_many = CmsError("cms.media.too_many_pixels", 413, name=name, limit=f"{limit:,}")
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise too_many from exc
        except Exception as exc:  # Pillow raises many kinds for input no accepted decoder recognises
            raise CmsError("cms.media.not_an_image", 415, name=name) from exc
        if image.width * image.height > limit:
            raise too_many
        try:
            image.load()
            return ImageOps.exif_transpose(image), image.format
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise too_many from exc
        except Exception as exc:  # truncated or corrupt data: OSError, SyntaxError, ValueError, zlib errors…
            raise CmsError("cms.media.damaged", 400, name=name) from exc


def encode_clean(image: Image.Image, image_format: str) -> bytes:
    """The picture encoded again in its own format from its pixels alone: no EXIF, XMP, ICC profile or comment."""
    pixels = _pixels_only(_in_srgb(image).convert(_target_mode(image, image_format)))
    out = io.BytesIO()
    if image_format == "JPEG":
        pixels.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    elif image_format == "PNG":
        pixels.save(out, "PNG", optimize=True)
    else:
        pixels.save(out, "WEBP", quality=WEBP_QUALITY)
    return out.getvalue()


def _in_srgb(image: Image.Image) -> Image.Image:
    """The picture converted to sRGB when it carries a colour profile (so that dropping the profile is harmless)."""
    profile = image.info.get("icc_profile")
    if not profile or image.mode not in ("RGB", "RGBA", "CMYK"):
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
        mode = "RGBA" if image.mode == "RGBA" else "RGB"
        return ImageCms.profileToProfile(image, source, ImageCms.createProfile("sRGB"), outputMode=mode)
    except (OSError, ValueError, ImageCms.PyCMSError):  # an unreadable profile: keep the pixels as they are
        return image


def _target_mode(image: Image.Image, image_format: str) -> str:
    """The pixel mode to store: grey stays grey, transparency is kept where the format has it (not in JPEG)."""
    if image_format == "JPEG":
        return "L" if image.mode in ("1", "L") else "RGB"
    if image_format == "PNG" and image.mode in ("L", "LA", "RGB", "RGBA"):
        return image.mode
    return "RGBA" if image.has_transparency_data else "RGB"


def _pixels_only(image: Image.Image) -> Image.Image:
    """A new image with the same pixels and nothing else (Pillow's encoders fall back on ``info`` otherwise)."""
    bare = Image.new(image.mode, image.size)
    bare.paste(image)
    return bare


def _write_once(content_dir: Path, relative: PurePosixPath, data: bytes) -> None:
    """Write ``data`` to ``content_dir/relative`` atomically (temporary file, then rename), unless it is there."""
    target = content_dir.joinpath(*relative.parts)
    if not target.parent.resolve().is_relative_to(content_dir.resolve()):  # a symbolic link to elsewhere
        raise CmsError("cms.media.folder_outside", 500, folder=relative.parent.as_posix())
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.is_file() and target.read_bytes() == data:
        return
    write_atomically(target, data, 0o644)  # readable by the site build and by git


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB".replace(".0 MB", " MB")
