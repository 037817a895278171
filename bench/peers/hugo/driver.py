"""Hugo + Pagefind as the benchmark's peer: install Hugo when missing, build (Hugo, then Pagefind over its
output, timed together as one command), where a report's file is, and a check that the build made every
output ours makes wherever Hugo can make it.

The image-variant cache is Hugo's ``resources/_gen``; ``--cacheDir`` keeps Hugo's other caches in the site
folder, so that a cold build can delete them too.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import yaml
from PIL import Image

from .convert import split_front_matter

HERE = Path(__file__).resolve().parent
WIDTHS = (480, 960, 1600)  # wenming.media.images.WIDTHS
PER_PAGE = 12


def ensure_hugo() -> str:
    """``hugo version`` of the installed Hugo (extended edition), installing it with install.sh if missing."""
    if shutil.which("hugo") is None:
        print("Hugo is missing: installing it (bench/peers/hugo/install.sh)…", file=sys.stderr, flush=True)
        subprocess.run(["sh", str(HERE / "install.sh")], check=True)
    version = subprocess.run(["hugo", "version"], capture_output=True, text=True, check=True).stdout.strip()
    if "extended" not in version:
        raise SystemExit(f"Hugo is not the extended edition (WebP needs it): {version}")
    return version


def build_command(site: Path) -> list[str]:
    """One command for Hugo and then Pagefind over ``public/``, so that time and memory cover both."""
    hugo = shlex.join(["hugo", "--quiet", "--source", str(site), "--cacheDir", str(site / "cache")])
    pagefind = shlex.join([sys.executable, "-m", "pagefind", "--site", str(site / "public")])
    return ["sh", "-c", f"{hugo} && {pagefind} >/dev/null 2>&1"]


def inputs(site: Path) -> list[Path]:
    """What a build reads: the site's sources and kept caches, and the Hugo program (Pagefind is in the
    Python environment)."""
    return [site, Path(shutil.which("hugo") or "hugo")]


def clear(site: Path, keep_image_cache: bool = False) -> None:
    """Remove the output and Hugo's caches (all of them, or all but the image variants)."""
    for folder in ("public", "cache") if keep_image_cache else ("public", "cache", "resources"):
        shutil.rmtree(site / folder, ignore_errors=True)


def report_file(site: Path, slug: str) -> Path:
    return site / "content" / "news" / f"{slug}.md"


def _problem_if(condition: bool, problems: list[str], message: str) -> None:
    if condition:
        problems.append(message)


def _check_report(public: Path, slug: str, problems: list[str]) -> list[str]:
    """Problems of one report's page and JSON; returns the variant URLs its page names."""
    page = public / "news" / slug / "index.html"
    data = public / "news" / slug / "index.json"
    if not page.is_file() or not data.is_file():
        problems.append(f"report {slug}: page or JSON missing")
        return []
    html = page.read_text(encoding="utf-8")
    _problem_if("data-pagefind-body" not in html, problems, f"report {slug}: no data-pagefind-body")
    _problem_if(json.loads(data.read_text(encoding="utf-8")).get("slug") != slug, problems,
                f"report {slug}: JSON names another slug")
    return re.findall(r"(/images/[^\s\",]+) \d+w", html)


def _check_variants(public: Path, urls: set[str], covers: set[str], problems: list[str]) -> None:
    """Every cover in every width, as WebP and as JPEG, each file the width it claims."""
    for cover in covers:
        stem = Path(cover).stem
        made = {(int(m.group(1)), Path(url).suffix) for url in urls if Path(url).name.startswith(f"{stem}_")
                for m in [re.search(r"_(\d+)x0_", url)] if m}
        _problem_if(made != {(w, ext) for w in WIDTHS for ext in (".webp", ".jpg")}, problems,
                    f"image {cover}: variants {sorted(made)}")
    for url in urls:
        path = public / url.lstrip("/")
        if not path.is_file():
            problems.append(f"variant {url} missing")
            continue
        with Image.open(path) as image:
            expected = (int(re.search(r"_(\d+)x0_", url).group(1)), "WEBP" if url.endswith(".webp") else "JPEG")
            _problem_if((image.width, image.format) != expected, problems,
                        f"variant {url}: {image.width} px {image.format}, not {expected}")


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8") if path.is_file() else ""


def _check_lists(public: Path, content: Path, reports: list[dict], problems: list[str]) -> int:
    """Every term's list and its further pages (PER_PAGE reports each), and the feeds of the terms that
    have one (towns) and of the column; returns the number of lists."""
    lists = 0
    for taxonomy in ("units", "platforms", "tasks", "topics", "kinds", "months"):
        for term in sorted((content / taxonomy).iterdir()):
            lists += 1
            folder = public / taxonomy / term.name
            count = sum(term.name in meta.get(taxonomy, []) for meta in reports)
            pages = max(1, -(-count // PER_PAGE))
            _problem_if(not (folder / "index.html").is_file(), problems, f"list {taxonomy}/{term.name} missing")
            for number in range(2, pages + 1):
                _problem_if(not (folder / "page" / str(number) / "index.html").is_file(), problems,
                            f"list {taxonomy}/{term.name}: page {number} of {pages} missing")
            outputs = yaml.safe_load(_read(term / "_index.md").split("---\n")[1]).get("outputs", [])
            entries = _read(folder / "atom.xml").count("<entry>")
            _problem_if("Atom" in outputs and entries != min(count, 50), problems,
                        f"feed {taxonomy}/{term.name}: {entries} entries, not {min(count, 50)}")
    column_pages = max(1, -(-len(reports) // PER_PAGE))
    _problem_if(not (public / "news" / "page" / str(column_pages) / "index.html").is_file() and column_pages > 1,
                problems, f"column list: page {column_pages} missing")
    entries = _read(public / "news" / "atom.xml").count("<entry>")
    _problem_if(entries != min(len(reports), 50), problems, f"column feed news/atom.xml: {entries} entries")
    return lists


def verify(site: Path) -> dict[str, int]:
    """Check the built site (after ``build_command``) against its content; raise SystemExit naming every
    missing output. Returns the counts checked."""
    public, content = site / "public", site / "content"
    problems: list[str] = []
    reports = [split_front_matter(p.read_text(encoding="utf-8"))[0] for p in sorted((content / "news").glob("*.md"))
               if p.name != "_index.md"]
    urls: set[str] = set()
    for meta in reports:
        urls.update(_check_report(public, meta["slug"], problems))
    entry = _read(public / "pagefind" / "pagefind-entry.json")
    indexed = sum(lang["page_count"] for lang in json.loads(entry)["languages"].values()) if entry else 0
    _problem_if(indexed != len(reports), problems, f"Pagefind indexed {indexed} pages, not {len(reports)}")
    _check_variants(public, urls, {meta["cover"] for meta in reports if meta.get("cover")}, problems)
    lists = _check_lists(public, content, reports, problems)
    if problems:
        raise SystemExit(f"Hugo + Pagefind did not make the expected outputs ({len(problems)} problems):\n  "
                         + "\n  ".join(problems[:40]))
    return {"reports": len(reports), "lists": lists, "variants": len(urls), "indexed": indexed}
