"""The bench corpus (our front matter and registry) as a Hugo site: hugo.toml and layouts from this folder,
one Markdown file per report with Hugo's taxonomies, a term page per registry entry, and the cover images
as assets (each processed once, as our build does). Not timed, like the corpus generation.

Our keys -> Hugo's: ``units`` (names) -> taxonomy ``units`` (pinyin slugs, as our sub-column URLs);
``platform``/``task``/``kind`` -> one-term taxonomies; ``topics`` -> ``topics``; the date's month ->
``months`` (our month archives); ``cover: images/x.jpg`` -> the asset ``images/x.jpg``; village and the
outlets of ``publications`` stay page parameters.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from wenming.source.slugs import pinyin_slug

HERE = Path(__file__).resolve().parent
# Registry file -> Hugo taxonomy.
REGISTRY_TAXONOMIES = {"platforms": "platforms", "tasks": "tasks", "kinds": "kinds", "topics": "topics"}
SINGLE_VALUED = {"platform": "platforms", "task": "tasks", "kind": "kinds"}


def split_front_matter(text: str) -> tuple[dict, str]:
    """(front matter, body) of a Markdown file that starts with a ``---`` block."""
    _, header, body = text.split("---\n", 2)
    return yaml.safe_load(header), body.lstrip("\n")


def month_term(date) -> str:
    return f"{date.year}-{date.month:02d}"


def hugo_front_matter(meta: dict, towns: set[str]) -> dict:
    """Our report's front matter in Hugo's terms (taxonomy values are term slugs)."""
    result = {"title": meta["title"], "slug": meta["slug"], "date": meta["date"].isoformat(),
              "units": [pinyin_slug(u) for u in meta.get("units", [])],
              "towns": [u for u in meta.get("units", []) if u in towns],
              "topics": [pinyin_slug(t) for t in meta.get("topics", [])],
              "months": [month_term(meta["date"])]}
    for key, taxonomy in SINGLE_VALUED.items():
        result[taxonomy] = [pinyin_slug(meta[key])] if meta.get(key) else []
    if meta.get("village"):
        result["village"] = meta["village"]
    if meta.get("cover"):
        result["cover"] = meta["cover"]
    if meta.get("publications"):
        result["publications"] = [p["outlet"] for p in meta["publications"]]
    return result


def report_text(meta: dict, body: str, towns: set[str]) -> str:
    header = yaml.safe_dump(hugo_front_matter(meta, towns), allow_unicode=True, sort_keys=False)
    return f"---\n{header}---\n\n{body}"


def _term_page(target: Path, taxonomy: str, name: str, outputs: list[str] | None = None) -> None:
    folder = target / "content" / taxonomy / (name if taxonomy == "months" else pinyin_slug(name))
    folder.mkdir(parents=True, exist_ok=True)
    meta = {"title": name if taxonomy != "months" else f"{name[:4]}年{int(name[5:])}月"}
    if outputs:
        meta["outputs"] = outputs
    (folder / "_index.md").write_text(f"---\n{yaml.safe_dump(meta, allow_unicode=True)}---\n", encoding="utf-8")


def _write_terms(target: Path, data: Path, months: set[str]) -> None:
    """A term page for every registry entry (our sub-columns list every one, even empty); towns have an
    Atom feed as ours do."""
    units = yaml.safe_load((data / "units.yml").read_text(encoding="utf-8"))
    for town in units["towns"]:
        _term_page(target, "units", town["name"], ["HTML", "Atom"])
    for department in units.get("departments", []):
        _term_page(target, "units", department["name"])
    for filename, taxonomy in REGISTRY_TAXONOMIES.items():
        for entry in yaml.safe_load((data / f"{filename}.yml").read_text(encoding="utf-8")):
            _term_page(target, taxonomy, entry["name"])
    for month in months:
        _term_page(target, "months", month)


def convert(corpus: Path, target: Path) -> Path:
    """Write the Hugo site of ``corpus`` (made by bench/corpus.py) into ``target`` (replaced)."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    shutil.copy2(HERE / "hugo.toml", target / "hugo.toml")
    shutil.copytree(HERE / "layouts", target / "layouts")
    if (corpus / "images").is_dir():
        shutil.copytree(corpus / "images", target / "assets" / "images")
    units = yaml.safe_load((corpus / "data" / "units.yml").read_text(encoding="utf-8"))
    towns = {town["name"] for town in units["towns"]}
    news = target / "content" / "news"
    news.mkdir(parents=True)
    (news / "_index.md").write_text("---\ntitle: 文明实践\n---\n", encoding="utf-8")
    (target / "content" / "search.md").write_text("---\ntitle: 搜索\ntype: page\nlayout: search\n---\n",
                                                  encoding="utf-8")
    months: set[str] = set()
    for source in sorted((corpus / "news").rglob("*.md")):
        meta, body = split_front_matter(source.read_text(encoding="utf-8"))
        months.add(month_term(meta["date"]))
        (news / f"{meta['slug']}.md").write_text(report_text(meta, body, towns), encoding="utf-8")
    _write_terms(target, corpus / "data", months)
    return target
