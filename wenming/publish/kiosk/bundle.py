"""Writing the kiosk bundle: pages from theme/kiosk/, resized pictures, QR codes and the subset font.

Layout of the bundle (every URL in it is relative):
  index.html                  attract loop and the hall's home with its section tiles
  <section>/index.html        a section's exhibit tiles
  <section>/<exhibit>.html    an exhibit
  assets/                     kiosk.css, kiosk.js, favicon.svg, the font and its licence
  media/  qr/                 resized pictures, videos and QR codes
"""

from __future__ import annotations

import base64
import hashlib
import shutil
from pathlib import Path

import jinja2

from wenming import THEME_DIR
from wenming.media.qr import qr_svg
from wenming.model.hall import ExhibitItem, Hall, Picture, Section
from wenming.model.site import SiteModel
from wenming.output import write_text
from wenming.publish.kiosk import fonts
from wenming.publish.kiosk.cache import FOLDER as CACHE_FOLDER
from wenming.publish.kiosk.cache import KioskCache, code_digest, key_of
from wenming.publish.kiosk.images import SIZES, resize_picture
from wenming.publish.kiosk.markup import kiosk_body
from wenming.publish.kiosk.search import INDEX_FILE, search_entries, search_index_script

KIOSK_THEME = THEME_DIR / "kiosk"
FAVICON = THEME_DIR / "static" / "favicon.svg"  # the site's icon: the kiosk asks for none from elsewhere
ASSETS = "assets/"
KEY_TERMS = ("新时代文明实践", "茶乡微讲堂", "志愿服务", "理论宣讲", "移风易俗", "五知五行", "乡村振兴", "先进典型")


def section_page(section: Section) -> str:
    return f"{section.id}/index.html"


def exhibit_page(item: ExhibitItem) -> str:
    return f"{item.section.id}/{item.slug}.html"


class KioskMedia:
    """Files the pages refer to, written into the bundle the first time a page asks for them.

    Each method returns the file's path relative to the bundle's root. Pictures and QR codes are made
    once into the kiosk cache and linked from there (see wenming.publish.kiosk.cache).
    """

    def __init__(self, tree_dir: Path, cache: KioskCache | None = None) -> None:
        self.tree_dir = tree_dir
        self.cache = cache or KioskCache(None)
        self.written: set[str] = set()
        self.texts: list[str] = []  # text shown that is not in the pages' HTML (captions), for the font

    def picture(self, picture: Picture, size: str) -> str:
        relative = f"media/{picture.info.digest}-{size}.jpg"
        if relative not in self.written:
            name = key_of(code_digest("publish/kiosk/images.py"), picture.info.digest, str(SIZES[size])) + ".jpg"
            self.cache.place(name, self.tree_dir / relative,
                             lambda path: resize_picture(picture.path, path, SIZES[size]))
            self.written.add(relative)
        return relative

    def copy(self, item: ExhibitItem, path: Path) -> str:
        relative = f"media/{item.section.id}-{item.slug}-{path.name}"
        if relative not in self.written:
            stat = path.stat()
            name = key_of(str(path), str(stat.st_size), str(stat.st_mtime_ns)) + path.suffix
            self.cache.place(name, self.tree_dir / relative, lambda target: _copy(path, target))
            self.written.add(relative)
        return relative

    def captions(self, path: Path) -> str:
        """Captions as a data: URL: Chromium refuses <track> files next to a page opened from file://."""
        data = path.read_bytes()
        self.texts.append(data.decode("utf-8", errors="replace"))
        return "data:text/vtt;charset=utf-8;base64," + base64.b64encode(data).decode("ascii")

    def qr(self, url: str, title: str) -> str:
        relative = f"qr/{hashlib.sha1(url.encode('utf-8')).hexdigest()[:16]}.svg"
        if relative not in self.written:
            name = key_of(code_digest("media/qr.py"), url, title) + ".svg"
            self.cache.place(name, self.tree_dir / relative, lambda path: _write_qr(path, url, title))
            self.written.add(relative)
        return relative


def _copy(source: Path, target: Path) -> None:
    shutil.copyfile(source, target)


def _write_qr(path: Path, url: str, title: str) -> None:
    path.write_text(qr_svg(url, title), encoding="utf-8")


def kiosk_environment(hall: Hall, media: KioskMedia, font_file: str, font_format: str) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(KIOSK_THEME / "templates"), autoescape=True, trim_blocks=True,
        lstrip_blocks=True, undefined=jinja2.StrictUndefined,
    )
    env.globals.update(hall=hall, media=media, section_page=section_page, exhibit_page=exhibit_page,
                       font_file=ASSETS + font_file, font_format=font_format, font_family=fonts.FONT_FAMILY)
    return env


def render_pages(hall: Hall, env: jinja2.Environment, media: KioskMedia) -> dict[str, str]:
    """Every page of the bundle: relative path -> HTML."""
    intro_html, intro_links = kiosk_body(hall.intro, hall.public)
    pages = {"index.html": env.get_template("index.html").render(
        root="", intro_html=intro_html, intro_links=intro_links, slides=hall.attract_slides()),
        "search.html": env.get_template("search.html").render(root="", keywords=search_keywords(hall))}
    section_template, exhibit_template = env.get_template("section.html"), env.get_template("exhibit.html")
    for section in hall.sections:
        pages[section_page(section)] = section_template.render(root="../", section=section)
        for item in section.exhibits:
            body_html, links = kiosk_body(item.body, hall.public)
            previous, following = hall.neighbours(item)
            video = item.video
            pages[exhibit_page(item)] = exhibit_template.render(
                root="../", item=item, body_html=body_html, links=links, previous=previous, following=following,
                video_file=media.copy(item, video.path) if video else None,
                captions_url=media.captions(video.captions_path) if video and video.captions_path else None,
            )
    return pages


def search_keywords(hall: Hall) -> list[str]:
    """Words a visitor can tap instead of typing: the section names and a few key terms that occur."""
    words = [s.name for s in hall.sections]
    texts = " ".join(f"{i.title} {i.body}" for s in hall.sections for i in s.exhibits)
    words += [w for w in KEY_TERMS if w in texts and w not in words]
    return words


def write_font(cache: KioskCache, text: str, target: Path) -> list[str]:
    """The font subset for ``text`` at ``target`` (from the cache when the characters are the same); returns
    the characters the font lacks."""
    characters = "".join(sorted(set(text)))
    name = key_of(code_digest("publish/kiosk/fonts.py"), characters) + target.suffix
    missing = cache.place(name, target, lambda path: fonts.write_subset(characters, path))
    fonts.write_licence(target.parent / "OFL.txt")
    return missing


def write_kiosk(model: SiteModel, tree_dir: Path, site_dir: Path, cache_dir: Path | None = None) -> None:
    """Output-tree writer: the kiosk bundle of the model's hall (an empty folder when there is none).

    With ``cache_dir`` (the build cache), pictures, QR codes and the font subset are kept there between builds.
    """
    tree_dir.mkdir(parents=True, exist_ok=True)
    hall: Hall | None = model.extras.get("hall")
    if hall is None:
        return
    font_file, font_format = fonts.bundle_font_name()
    fonts.source_font()  # fail before the slow work when the font is missing
    cache = KioskCache(cache_dir / CACHE_FOLDER if cache_dir is not None else None)
    media = KioskMedia(tree_dir, cache)
    pages = render_pages(hall, kiosk_environment(hall, media, font_file, font_format), media)
    index_script = search_index_script(search_entries(hall, exhibit_page))
    texts = [*pages.values(), *media.texts, index_script]
    (tree_dir / ASSETS).mkdir()
    for asset in sorted((KIOSK_THEME / "static").iterdir()):
        shutil.copyfile(asset, tree_dir / ASSETS / asset.name)
        texts.append(asset.read_text(encoding="utf-8"))
    shutil.copyfile(FAVICON, tree_dir / ASSETS / FAVICON.name)
    missing = write_font(cache, "".join(texts), tree_dir / ASSETS / font_file)
    if missing:
        model.diagnostics.add("W905", "kiosk", characters="".join(missing))
    for relative, html in pages.items():
        write_text(tree_dir, relative, html)
    write_text(tree_dir, INDEX_FILE, index_script)
    cache.prune()
