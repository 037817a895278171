"""The kiosk bundle on incremental builds: pictures, QR codes and the font subset are made once into the
build cache and linked from there, and the bundle is still byte for byte what a build from scratch makes."""

from __future__ import annotations

from pathlib import Path

from fontTools.ttLib import TTFont
from sitekit import exhibit, make_hall_demo, news, write_exhibit, write_news

from wenming.build.pipeline import build
from wenming.publish.kiosk import cache as kiosk_cache
from wenming.publish.kiosk import fonts


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def inodes(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_ino for p in folder.rglob("*") if p.is_file()}


def font_characters(kiosk: Path) -> set[str]:
    font_file, _ = fonts.bundle_font_name()
    return {chr(code) for code in TTFont(kiosk / "assets" / font_file).getBestCmap()}


def test_kiosk_files_come_from_the_cache_and_match_a_build_from_scratch(tmp_path, monkeypatch):
    content = make_hall_demo(tmp_path / "site")
    output = tmp_path / "output"
    build(content, output)
    kiosk, cached = output / "kiosk", output / ".cache" / kiosk_cache.FOLDER
    media = [name for name in inodes(kiosk) if name.startswith(("media/", "qr/")) and name.endswith((".jpg", ".svg"))]
    assert len(media) >= 4 and any(name.endswith(".woff2") or name.endswith(".otf") for name in inodes(cached))
    first = inodes(kiosk)

    # A report's body edit leaves the kiosk's inputs alone: nothing is made again, every file is linked.
    made: list[Path] = []
    make_file = kiosk_cache.KioskCache._make

    def recording(self, cached_path, note, make):
        made.append(cached_path)
        return make_file(self, cached_path, note, make)

    monkeypatch.setattr(kiosk_cache.KioskCache, "_make", recording)
    write_news(content, "a.md", news(slug="chengbei-xuanjiang", body="改过的报道正文。"))
    build(content, output)
    assert made == []
    assert {name: inode for name, inode in inodes(kiosk).items() if name in media} == {
        name: first[name] for name in media}

    # An exhibit with new characters: a new font subset that has them, the pictures still from the cache.
    write_exhibit(content, "zhiyuan/teams.md", exhibit(title="志愿服务队", section="志愿服务", images="[]",
                                                       body="鹦鹉螺与麒麟的新展板。"))
    build(content, output)
    assert [path.suffix for path in made] == [Path(fonts.bundle_font_name()[0]).suffix]
    assert {"鹦", "鹉", "螺", "麒", "麟"} <= font_characters(kiosk)

    fresh = build(content, tmp_path / "fresh", force=True).site_dir.parent / "kiosk"
    assert tree(kiosk) == tree(fresh)
    # Only what this bundle uses is kept in the cache.
    assert len([p for p in cached.iterdir() if not p.name.endswith(".json")]) == len(
        {p.stat().st_ino for p in kiosk.rglob("*") if p.is_file()} & {p.stat().st_ino for p in cached.iterdir()})
