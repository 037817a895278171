"""Pictures for the kiosk: turned upright, resized for the screen, re-encoded without metadata."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageOps

# Longest side in pixels of each use: full-screen pictures and tiles.
SIZES = {"screen": 1920, "tile": 720}
JPEG_QUALITY = 82


def _opaque(image: Image.Image) -> Image.Image:
    """The picture on a white background, in a mode JPEG can store."""
    if image.mode in ("RGB", "L"):
        return image
    rgba = image.convert("RGBA")
    flat = Image.new("RGB", rgba.size, (255, 255, 255))
    flat.paste(rgba, mask=rgba.getchannel("A"))
    return flat


def resize_picture(source: Path, target: Path, max_side: int) -> None:
    """Write ``source`` as a JPEG no larger than ``max_side``, upright, without EXIF or ICC data."""
    with Image.open(source) as original:
        image = _opaque(ImageOps.exif_transpose(original))
        image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
        image.info = {}  # no EXIF (GPS), XMP, ICC profile or comment: only the pixels are published
        target.parent.mkdir(parents=True, exist_ok=True)
        image.save(target, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
