"""The kiosk's own Chinese font: Noto Sans SC from PyPI, subset to the characters the bundle uses.

Kiosk machines may have no Chinese font at all, so the bundle carries one.
The font comes from the ``pylopdf-fonts-zh-cn`` package (Noto Sans SC
Regular, SIL Open Font License 1.1); without it the build fails rather than
ship a kiosk that shows empty boxes.
"""

from __future__ import annotations

import importlib.metadata
import importlib.resources
import importlib.util
import shutil
import string
from pathlib import Path

from wenming.source.diagnostics import ContentError, Diagnostic

FONT_DISTRIBUTION = "pylopdf-fonts-zh-cn"
FONT_PACKAGE = "pylopdf_fonts_zh_cn"
FONT_FILE = "NotoSansSC-Regular.otf"
FONT_FAMILY = "Kiosk Sans"
# Always in the subset: what scripts may write at run time (countdown digits and the like).
ALWAYS_INCLUDED = string.printable + "，。、：；！？（）“”《》—…·"


def bundle_font_name() -> tuple[str, str]:
    """(file name, CSS format) of the bundled font: WOFF2 when brotli is installed, else OpenType."""
    if importlib.util.find_spec("brotli") is not None:
        return "kiosk-sans.woff2", "woff2"
    return "kiosk-sans.otf", "opentype"


def _fail(code: str, **params: object) -> ContentError:
    return ContentError([Diagnostic.of(code, "kiosk", **params)])


def source_font() -> Path:
    """Noto Sans SC as installed from PyPI; ContentError naming the package when it is missing."""
    try:
        path = importlib.resources.files(FONT_PACKAGE) / FONT_FILE
    except ModuleNotFoundError:
        path = None
    if path is None or not path.is_file():
        raise _fail("E905", font=FONT_FILE, package=FONT_DISTRIBUTION)
    return Path(str(path))


def write_subset(text: str, target: Path) -> list[str]:
    """Write the font subset to the characters of ``text`` (plus ASCII) to ``target`` (see write_licence).

    Returns the characters of ``text`` the font has no glyph for, which the kiosk shows as boxes.
    """
    from fontTools import subset  # imported here: most builds take the subset from the kiosk cache
    from fontTools.ttLib import TTFont

    font = TTFont(source_font(), recalcTimestamp=False)  # the same bytes for the same characters
    cmap = font.getBestCmap()
    wanted = set(text) | set(ALWAYS_INCLUDED)
    missing = sorted(c for c in set(text) if ord(c) not in cmap and not c.isspace() and c.isprintable())
    options = subset.Options()
    options.flavor = "woff2" if target.suffix == ".woff2" else None
    options.hinting = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="".join(sorted(wanted)))
    subsetter.subset(font)
    target.parent.mkdir(parents=True, exist_ok=True)
    font.save(target)
    return missing


def write_licence(target: Path) -> None:
    """The font's licence travels with it, as the SIL Open Font License asks."""
    files = importlib.metadata.distribution(FONT_DISTRIBUTION).files or []
    licence = next((f for f in files if f.name == "LICENSE"), None)
    if licence is not None:
        shutil.copyfile(licence.locate(), target)
