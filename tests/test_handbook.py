"""The editors' handbook: `build.py handbook` builds docs/ with Material for MkDocs into <output>/handbook/, with
no external assets, a Chinese interface, the field reference of every schema and data file and every diagnostic
code (each derived here from the code, not listed by hand), examples that validate with the real loader, the
CMS screenshots it shows, and /handbook/ served by the preview server and the CMS (a clear page until built)."""

from __future__ import annotations

import ast
import re
import shutil
import threading
import typing
import urllib.error
import urllib.request
from pathlib import Path

import pydantic
import pytest
import yaml
from bs4 import BeautifulSoup
from cmskit import make_cms_site
from conftest import run_cli

from wenming.build.pipeline import read_and_validate
from wenming.handbook.builder import HandbookError, build_handbook
from wenming.handbook.fields import CONTENT_SECTIONS, DATA_FILES
from wenming.model.volunteer_stats import COLUMNS
from wenming.preview.server import make_server
from wenming.schema.content import CONTENT_TYPES
from wenming.schema.registry import REGISTRY_FILES
from wenming.source.messages import codes

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
EXAMPLE = re.compile(r'^```markdown title="(content/[^"]+)"\n(.*?)^```$', re.MULTILINE | re.DOTALL)
EXTERNAL = re.compile(r"^(?:https?:)?//", re.IGNORECASE)
CSS_URL = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"])\s*((?:https?:)?//[^'")\s]+)""", re.IGNORECASE)
FETCHED = {"link": "href", "script": "src", "img": "src", "source": "src", "iframe": "src", "video": "src",
           "audio": "src", "embed": "src", "object": "data", "track": "src"}


@pytest.fixture(scope="module")
def handbook(tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("handbook-output")
    result = run_cli("handbook", "--output", str(output))
    assert result.returncode == 0, result.stdout + result.stderr
    assert str(output / "handbook") in result.stdout
    return output / "handbook"


def page(handbook: Path, name: str) -> BeautifulSoup:
    return BeautifulSoup((handbook / name).read_text(encoding="utf-8"), "lxml")


# --- the build ------------------------------------------------------------------------------------------------


def test_the_build_writes_every_chapter_and_leaves_no_staging_behind(handbook):
    for name in ("index.html", "quickstart.html", "writing/news.html", "registry.html", "quotas.html", "cms.html",
                 "kiosk.html", "deploy.html", "troubleshooting.html", "reference/content-fields.html",
                 "reference/data-files.html", "reference/codes.html", "search/search_index.json"):
        assert (handbook / name).is_file(), name
    assert [p.name for p in handbook.parent.iterdir()] == ["handbook"]
    assert not (DOCS / "reference").exists()  # generated pages never land in docs/


def test_every_page_has_a_chinese_interface(handbook):
    pages = sorted(handbook.rglob("*.html"))
    assert len(pages) >= 18
    for path in pages:
        soup = page(handbook, str(path.relative_to(handbook)))
        assert soup.html["lang"] == "zh", path
    search = page(handbook, "index.html").select_one("input.md-search__input")
    assert search["placeholder"] == "搜索"


def test_nothing_is_fetched_from_another_site(handbook):
    found = []
    for path in handbook.rglob("*.html"):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")
        for tag, attribute in FETCHED.items():
            for element in soup.find_all(tag):
                if tag == "link" and not {"stylesheet", "icon", "preload", "modulepreload", "manifest",
                                          "apple-touch-icon", "prefetch"} & set(element.get("rel", [])):
                    continue
                for value in (element.get(attribute), element.get("srcset")):
                    if value and EXTERNAL.match(value.strip()):
                        found.append(f"{path.name}: <{tag}> {value}")
        for style in soup.find_all("style"):
            found += [f"{path.name}: {url}" for url in CSS_URL.findall(style.get_text())]
    for path in handbook.rglob("*.css"):
        found += [f"{path.name}: {url}" for url in CSS_URL.findall(path.read_text(encoding="utf-8"))]
    for path in handbook.rglob("*.js"):
        text = path.read_text(encoding="utf-8")
        found += [f"{path.name}: {host}" for host in ("fonts.googleapis.com", "fonts.gstatic.com", "cdn.jsdelivr.net")
                  if host in text]
    assert found == []
    assert list(handbook.rglob("*.css")) and list(handbook.rglob("*.js"))  # the scan saw the theme's files


def test_a_failed_build_keeps_the_previous_handbook(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(DOCS, project / "docs")
    shutil.copy(ROOT / "mkdocs.yml", project)
    index = project / "docs" / "index.md"
    index.write_text("# 第一版\n", encoding="utf-8")
    output = tmp_path / "output"
    build_handbook(output, project)
    assert "第一版" in (output / "handbook" / "index.html").read_text(encoding="utf-8")

    index.write_text("# 第二版\n\n[坏链接](nowhere.md)\n", encoding="utf-8")  # strict: a broken link fails
    with pytest.raises(HandbookError) as failure:
        build_handbook(output, project)
    assert failure.value.code == "E951"
    assert "第一版" in (output / "handbook" / "index.html").read_text(encoding="utf-8")
    assert [p.name for p in output.iterdir()] == ["handbook"]

    index.write_text("# 第三版\n", encoding="utf-8")
    build_handbook(output, project)
    assert "第三版" in (output / "handbook" / "index.html").read_text(encoding="utf-8")


def test_a_failed_build_says_so_in_chinese(tmp_path, monkeypatch):
    monkeypatch.setenv("WENMING_LANG", "zh")
    project = tmp_path / "project"
    (project / "docs").mkdir(parents=True)
    (project / "mkdocs.yml").write_text("site_name: x\ntheme:\n  name: material\nnav:\n  - 缺少: missing.md\n",
                                        encoding="utf-8")
    with pytest.raises(HandbookError) as failure:
        build_handbook(tmp_path / "output", project)
    assert str(failure.value).startswith("生成编辑手册失败")


# --- the generated reference --------------------------------------------------------------------------------


def _is_model(annotation) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel)


def _inner_model(annotation):
    """(the pydantic model inside Optional[...], list[...] or dict[..., ...], the type that holds it), if any."""
    if _is_model(annotation):
        return annotation, annotation
    for argument in typing.get_args(annotation):
        found = (argument, annotation) if _is_model(argument) else _inner_model(argument)
        if found:
            return found
    return None


def field_paths(model: type[pydantic.BaseModel], prefix: str = "") -> set[str]:
    """Every field of ``model`` and of the models nested in it, as dotted paths (lists as ``[]``)."""
    paths = set()
    for name, info in model.model_fields.items():
        paths.add(prefix + name)
        inner = _inner_model(info.annotation)
        if inner:
            container = typing.get_origin(inner[1])
            middle = "[]." if container is list else ".<键>." if container is dict else "."
            paths |= field_paths(inner[0], prefix + name + middle)
    return paths


def section_codes(soup: BeautifulSoup, heading_id: str) -> tuple[set[str], str]:
    """The texts of the <code> elements and the whole text of the h2 section ``heading_id``."""
    heading = soup.find("h2", id=heading_id)
    assert heading is not None, heading_id
    found, text = set(), []
    for element in heading.find_next_siblings():
        if element.name == "h2":
            break
        found |= {code.get_text() for code in element.find_all("code")}
        text.append(element.get_text(" "))
    return found, " ".join(text)


def test_every_content_type_and_each_of_its_fields_is_documented(handbook):
    assert set(CONTENT_SECTIONS) == set(CONTENT_TYPES)
    soup = page(handbook, "reference/content-fields.html")
    for folder, (type_name, schema) in CONTENT_TYPES.items():
        documented, text = section_codes(soup, type_name)
        expected = field_paths(schema)
        assert expected - documented == set(), folder
        assert "status" in expected and len(expected) >= 5
    news, _ = section_codes(soup, "news")
    assert {"publications[].outlet", "publications[].level", "units", "village"} <= news


def data_files_in(content_data: Path) -> set[str]:
    """The data files of a content tree, with the year written as <year>."""
    names = set()
    for path in content_data.rglob("*"):
        if path.is_file():
            relative = path.relative_to(content_data).as_posix()
            names.add(re.sub(r"/\d{4}\.", "/<year>.", relative))
    return names


def yaml_keys(value, path: str = "") -> set[str]:
    """The keys of a YAML document as field paths (``[]`` for list items; mapping keys under a key that maps
    names to values, like quotas' targets, are not field names and are left out)."""
    keys = set()
    if isinstance(value, list):
        for item in value:
            keys |= yaml_keys(item, path + "[]")
    elif isinstance(value, dict):
        for key, item in value.items():
            inner = f"{path}.{key}" if path else str(key)
            keys.add(inner)
            if inner not in {"targets", "kinds", "level_mapping"}:
                keys |= yaml_keys(item, inner)
    return keys


def test_every_data_file_and_each_of_its_keys_is_documented(handbook):
    files = data_files_in(ROOT / "content" / "data")
    assert files | set(REGISTRY_FILES) <= set(DATA_FILES)
    soup = page(handbook, "reference/data-files.html")
    for name, (_, schema) in DATA_FILES.items():
        documented, text = section_codes(soup, re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-"))
        if schema is None:  # the volunteer statistics CSV: its columns
            assert set(COLUMNS) <= documented
            continue
        model = schema if isinstance(schema, type) else typing.get_args(schema)[0]
        assert field_paths(model) - documented == set(), name
    for name in sorted(files):
        if not name.endswith(".yml"):
            continue
        documented, text = section_codes(soup, re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-"))
        data = yaml.safe_load((ROOT / "content" / "data" / name.replace("<year>", "2022")).read_text("utf-8"))
        keys = {re.sub(r"^\[\]\.", "", key) for key in yaml_keys(data)}  # a list file: each entry's keys
        assert keys - documented == set(), name
        if name == "quotas/<year>.yml":  # the metric codes a year's targets may use
            assert all(metric in text for metric in data["targets"])


def test_every_diagnostic_code_is_listed_with_its_chinese_message_and_fix(handbook):
    soup = page(handbook, "reference/codes.html")
    listed = {h.get("id", "").upper() for h in soup.find_all("h3")}
    messages = codes()
    assert len(messages) > 100
    assert {m.key for m in messages} - listed == set()
    for message in messages:
        entry = soup.find("h3", id=message.key.lower())
        body = " ".join(e.get_text() for e in entry.find_next_siblings(limit=3))
        first_words = re.split(r"\{\w+\}", message.zh)[0].strip()[:12]
        assert first_words in body, message.key
        if message.fix:
            assert message.fix[:20] in body, message.key
    e201 = soup.find("h3", id="e201")
    assert "不是登记的单位" in e201.find_next_sibling("p").get_text()


# --- the hand-written chapters ------------------------------------------------------------------------------


def examples() -> list[tuple[str, str]]:
    return [(m.group(1), m.group(2)) for path in sorted(DOCS.rglob("*.md"))
            for m in EXAMPLE.finditer(path.read_text(encoding="utf-8"))]


def test_each_content_type_chapter_has_a_complete_example_that_validates(tmp_path):
    found = examples()
    folders = [path.split("/")[1] for path, _ in found]
    assert sorted(folders) == sorted(CONTENT_TYPES)  # one example per content type
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    for path, text in found:
        target = tmp_path / path
        assert not target.exists(), f"{path} would replace a sample file"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    model = read_and_validate(content)  # raises ContentError with every diagnostic if one does not validate
    assert [d.format() for d in model.diagnostics.sorted() if str(tmp_path) in str(d.path)] == []
    for path, text in found:
        folder = path.split("/")[1]
        meta = yaml.safe_load(text.split("---")[1])
        slug = meta.get("slug") or Path(path).stem
        items = {item.slug: item for item in model.collections[folder]}
        assert slug in items, path
        assert items[slug].status == "published", path
        schema = CONTENT_TYPES[folder][1]
        required = {name for name, info in schema.model_fields.items() if info.is_required()}
        assert required <= set(meta), path


def test_every_picture_the_handbook_shows_exists(handbook):
    referenced = []
    for path in DOCS.rglob("*.md"):
        text = re.sub(r"^```.*?^```$|`[^`\n]*`", "", path.read_text(encoding="utf-8"), flags=re.M | re.S)  # no code
        for target in re.findall(r"!\[[^\]]*\]\(([^)\s]+)", text):
            referenced.append(target)
            assert (path.parent / target).is_file(), f"{path.name}: {target}"
    assert len(referenced) >= 5
    for image in page(handbook, "cms.html").select("article img"):
        assert (handbook / image["src"]).is_file(), image["src"]


def test_every_screenshot_the_cms_browser_test_takes_is_in_the_cms_chapter():
    tree = ast.parse((ROOT / "tests" / "test_admin_browser.py").read_text(encoding="utf-8"))
    taken = {node.args[1].value for node in ast.walk(tree) if isinstance(node, ast.Call)
             and getattr(node.func, "id", None) == "screenshot" and isinstance(node.args[1], ast.Constant)}
    assert {"login", "list", "edit", "history"} <= taken
    chapter = (DOCS / "cms.md").read_text(encoding="utf-8")
    shown = set(re.findall(r"!\[[^\]]*\]\(assets/screenshots/cms-([a-z-]+)\.png\)", chapter))
    assert taken == shown
    for name in taken:
        assert (DOCS / "assets" / "screenshots" / f"cms-{name}.png").stat().st_size > 10_000


def test_the_pace_examples_agree_with_the_quota_arithmetic():
    import datetime

    from wenming.metrics.quotas import elapsed_fraction, pace_status

    june = elapsed_fraction(2022, datetime.date(2022, 6, 30))
    september = elapsed_fraction(2022, datetime.date(2022, 9, 30))
    chapter = (DOCS / "quotas.md").read_text(encoding="utf-8")
    assert "f = 181 ÷ 365" in chapter and round(june * 365) == 181
    assert "f = 273 ÷ 365" in chapter and round(september * 365) == 273
    # 县级 3: 0 behind, 1 on track; 省级 1: on track on 30 December; coverage 30% of 14: 1 behind, 2 on track
    assert pace_status("media.county", 0, 3, june) == "behind"
    assert pace_status("media.county", 1, 3, june) == "on_track"
    assert pace_status("media.provincial", 0, 1, elapsed_fraction(2022, datetime.date(2022, 12, 30))) == "on_track"
    assert pace_status("media.provincial", 0, 1, 1.0) == "behind"
    assert pace_status("weijiangtang.coverage", 1 / 14, 0.3, june, denominator=14) == "behind"
    assert pace_status("weijiangtang.coverage", 2 / 14, 0.3, june, denominator=14) == "on_track"
    assert pace_status("media.municipal", 0, 2, september) == "behind"
    assert pace_status("media.county", 0, 3, elapsed_fraction(2022, datetime.date(2022, 1, 31)), grace=True) \
        == "on_track"


# --- served at /handbook/ -----------------------------------------------------------------------------------


def fetch(url: str, method: str = "GET") -> tuple[int, str, str]:
    request = urllib.request.Request(url, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.url, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, url, error.read().decode("utf-8")


@pytest.fixture
def preview(tmp_path):
    servers = []

    def start(handbook_dir: Path) -> str:
        server = make_server(tmp_path / "site", 0, handbook_dir=handbook_dir)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def test_the_preview_server_serves_the_handbook_at_handbook(handbook, preview, tmp_path):
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_text("<!DOCTYPE html><title>网站</title>", encoding="utf-8")
    base = preview(handbook)
    status, url, body = fetch(base + "/handbook")
    assert (status, url) == (200, base + "/handbook/")
    assert BeautifulSoup(body, "lxml").html["lang"] == "zh"
    status, _, body = fetch(base + "/handbook/writing/news.html")
    assert status == 200 and "媒体刊发情况" in BeautifulSoup(body, "lxml").find("article").get_text()
    assert fetch(base + "/handbook/assets/screenshots/cms-login.png", "HEAD")[0] == 200
    assert fetch(base + "/handbook/no-such-page.html")[0] == 404
    status, _, body = fetch(base + "/")
    assert status == 200 and "网站" in body


def test_the_preview_server_explains_how_to_build_a_missing_handbook(preview, tmp_path, monkeypatch):
    monkeypatch.setenv("WENMING_LANG", "zh")
    base = preview(tmp_path / "output" / "handbook")
    status, _, body = fetch(base + "/handbook/")
    assert status == 404
    soup = BeautifulSoup(body, "lxml")
    assert soup.html["lang"] == "zh-CN"
    assert soup.h1.get_text() == "编辑手册尚未生成"
    assert soup.code.get_text() == ".venv/bin/python build.py handbook"


def test_the_cms_serves_the_handbook_before_the_site(handbook, tmp_path, monkeypatch):
    monkeypatch.setenv("WENMING_LANG", "zh")
    site = make_cms_site(tmp_path)
    response = site.client.get("/handbook/")
    assert response.status_code == 404
    assert "text/html" in response.headers["content-type"]
    assert BeautifulSoup(response.text, "lxml").h1.get_text() == "编辑手册尚未生成"

    shutil.copytree(handbook, site.output / "handbook")
    response = site.client.get("/handbook/")
    assert response.status_code == 200
    soup = BeautifulSoup(response.text, "lxml")
    assert soup.html["lang"] == "zh" and "编辑手册" in soup.title.get_text()
    assert site.client.get("/handbook/reference/codes.html").status_code == 200
    assert site.client.get("/handbook/assets/screenshots/cms-edit.png").headers["content-type"] == "image/png"


def test_an_output_folder_given_relative_to_the_current_folder_works(tmp_path):
    """`build.py handbook --output output` as scripts/demo.sh runs it: MkDocs runs in its staging folder, so
    the output folder must not be taken relative to that."""
    result = run_cli("handbook", "--output", "output", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "output" / "handbook" / "index.html").is_file()
    assert [p.name for p in (tmp_path / "output").iterdir()] == ["handbook"]


def test_an_output_folder_that_cannot_be_used_is_refused_in_chinese(tmp_path, monkeypatch):
    monkeypatch.setenv("WENMING_LANG", "zh")
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    result = run_cli("handbook", "--output", str(blocker / "out"))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "error[E952]" in result.stderr and "输出文件夹" in result.stderr
