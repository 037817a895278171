"""The CMS API end to end: the editorial workflow, versions and conflicts, validation, security, media,
preview and publishing to the live site (real app, real git repository, real builds)."""

from __future__ import annotations

import gc
import io
import os
import threading
import time
import weakref

from bs4 import BeautifulSoup
from cmskit import PASSWORD, git, make_cms_site, report
from fastapi.testclient import TestClient
from PIL import Image

from wenming.build.pipeline import read_and_validate
from wenming.cms import checker, entries

NEW_REPORT = {"fields": {"title": "城北街道开展“茶乡微讲堂”进社区活动", "date": "2022-06-01", "units": ["城北街道"],
                         "village": "北关社区"},
              "body": "6月1日，城北街道在北关社区开展微讲堂。\n\n居民踊跃参加。"}


def test_a_report_goes_from_draft_to_review_to_the_public_site(tmp_path):
    site = make_cms_site(tmp_path)
    editor, reviewer = site.login("chengbei"), site.login("reviewer")
    created = site.client.post("/api/news", headers=editor, json=NEW_REPORT)
    assert created.status_code == 201, created.text
    entry = created.json()
    assert entry["status"] == "draft" and entry["path"] == f"news/2022/06/{entry['slug']}.md"
    text = (site.content / entry["path"]).read_text(encoding="utf-8")
    assert text.startswith("---\ntitle: 城北街道开展“茶乡微讲堂”进社区活动\ndate: 2022-06-01\nunits: [城北街道]\n")
    assert site.client.post(f"/api/news/{entry['slug']}/submit", headers=editor).json()["status"] == "review"
    site.cms.worker.start()
    try:
        published = site.client.post(f"/api/news/{entry['slug']}/publish", headers=reviewer)
        assert published.status_code == 200 and published.json()["status"] == "published"
        head = git(site.root, "rev-parse", "HEAD").strip()
        assert site.cms.worker.wait_until_live(head, timeout=120)
        state = site.client.get("/api/build", headers=reviewer).json()
        assert state["state"] == "idle" and state["revision"] == head
        page = site.output / "site" / "news" / entry["slug"] / "index.html"
        title = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").find("h1", id="report-title")
        assert title.get_text() == NEW_REPORT["fields"]["title"]
        served = site.client.get(f"/news/{entry['slug']}/")  # the CMS serves the published site too
        assert served.status_code == 200 and NEW_REPORT["fields"]["title"] in served.text
    finally:
        site.cms.worker.stop()
    assert site.commits()[:3] == [f"reviewer用户|发布：{NEW_REPORT['fields']['title']}",
                                  f"chengbei用户|提交审核：{NEW_REPORT['fields']['title']}",
                                  f"chengbei用户|新增报道：{NEW_REPORT['fields']['title']}"]
    authors = git(site.root, "log", "-3", "--format=%ae").split()
    assert authors == ["reviewer@example.test", "chengbei@example.test", "chengbei@example.test"]


def test_returning_needs_a_comment_which_goes_into_the_history(tmp_path):
    site = make_cms_site(tmp_path)
    reviewer = site.login("reviewer")
    assert site.client.post("/api/news/chengbei-review/return", headers=reviewer, json={}).status_code == 400
    returned = site.client.post("/api/news/chengbei-review/return", headers=reviewer, json={"comment": "请补充人数。"})
    assert returned.json()["status"] == "draft"
    history = site.client.get("/api/news/chengbei-review/history", headers=reviewer).json()["items"]
    assert history[0]["message"] == "退回：城北街道待审（意见：请补充人数。）"
    assert site.client.post("/api/news/chengbei-review/publish", headers=reviewer).status_code == 200


def test_a_new_entry_gets_a_free_slug_and_a_slug_asked_for_must_be_free(tmp_path):
    site = make_cms_site(tmp_path)
    editor = site.login("chengbei")
    first = site.client.post("/api/news", headers=editor, json=NEW_REPORT)
    second = site.client.post("/api/news", headers=editor, json=NEW_REPORT)  # the same day and unit
    assert first.status_code == second.status_code == 201, second.text
    assert second.json()["slug"] == first.json()["slug"] + "-2"
    assert second.json()["fields"]["title"] == NEW_REPORT["fields"]["title"] and second.json()["status"] == "draft"
    commits = len(site.commits())
    taken = site.client.post("/api/news", headers=editor, json={**NEW_REPORT, "slug": "chengbei-published"})
    assert taken.status_code == 409 and taken.json()["key"] == "cms.slug_taken"
    assert len(site.commits()) == commits  # nothing written


def test_a_transition_from_the_wrong_status_is_a_conflict(tmp_path):
    site = make_cms_site(tmp_path)
    response = site.client.post("/api/news/chengbei-published/submit", headers=site.login("reviewer"))
    assert response.status_code == 409


def test_two_editors_saving_the_same_version_one_gets_409_and_nothing_is_lost(tmp_path):
    site = make_cms_site(tmp_path)
    first, second = site.login("chengbei"), site.login("reviewer")
    entry = site.client.get("/api/news/chengbei-draft", headers=first).json()
    saves = []
    for headers, body in ((first, "第一位编辑的正文。"), (second, "第二位编辑的正文。")):
        saves.append(site.client.put("/api/news/chengbei-draft", headers=headers, json={
            "fields": entry["fields"], "body": body, "version": entry["version"]}))
    assert [s.status_code for s in saves] == [200, 409]
    assert saves[1].json()["current"]["body"] == "第一位编辑的正文。"
    assert "第一位编辑的正文。" in (site.content / entry["path"]).read_text(encoding="utf-8")


def test_a_change_committed_with_plain_git_meanwhile_gets_409(tmp_path):
    site = make_cms_site(tmp_path)
    editor = site.login("chengbei")
    entry = site.client.get("/api/news/chengbei-draft", headers=editor).json()
    path = site.content / entry["path"]
    path.write_text(path.read_text(encoding="utf-8") + "\n用 git 直接加的一段。\n", encoding="utf-8")
    git(site.root, "commit", "-qam", "直接提交")
    response = site.client.put("/api/news/chengbei-draft", headers=editor, json={
        "fields": entry["fields"], "body": "浏览器里的正文。", "version": entry["version"]})
    assert response.status_code == 409
    assert "用 git 直接加的一段。" in response.json()["current"]["body"]
    assert "用 git 直接加的一段。" in path.read_text(encoding="utf-8")


def test_twenty_concurrent_writes_give_a_linear_history_and_valid_files(tmp_path):
    site = make_cms_site(tmp_path)
    tokens = [site.login(name) for name in ("chengbei", "reviewer", "admin", "chengbei")]
    before = len(site.commits())
    results = []

    def write(index: int) -> None:
        body = {"fields": {**NEW_REPORT["fields"], "title": f"并发报道{index}"}, "body": f"第{index}篇。"}
        results.append(site.client.post("/api/news", headers=tokens[index % 4], json=body).status_code)

    threads = [threading.Thread(target=write, args=(i,)) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [201] * 20
    assert len(site.commits()) == before + 20
    assert git(site.root, "rev-list", "--merges", "HEAD").strip() == ""
    assert git(site.root, "status", "--porcelain").strip() == ""
    model = read_and_validate(site.content)
    assert sum(1 for item in model.news if item.title.startswith("并发报道")) == 20


def test_invalid_fields_get_422_with_the_check_diagnostics_in_chinese(tmp_path, monkeypatch):
    monkeypatch.setenv("WENMING_LANG", "zh")
    site = make_cms_site(tmp_path)
    body = {**NEW_REPORT, "fields": {**NEW_REPORT["fields"], "units": ["城北街办"]}}
    response = site.client.post("/api/news", headers=site.login("reviewer"), json=body)
    assert response.status_code == 422
    diagnostic, village = response.json()["diagnostics"]
    assert (diagnostic["code"], diagnostic["field"]) == ("E201", "units.0")
    assert (village["code"], village["field"]) == ("E207", "village")  # no valid town left for the village
    assert diagnostic["message"].startswith("“城北街办”不是登记的单位。您是不是要写“城北街道”？")
    assert len(site.commits()) == 1


def test_cookie_sessions_need_the_csrf_token(tmp_path):
    site = make_cms_site(tmp_path)
    login = site.client.post("/api/login", json={"username": "chengbei", "password": PASSWORD})
    assert "httponly" in login.headers["set-cookie"].lower() and "samesite=strict" in login.headers["set-cookie"].lower()
    csrf = login.json()["csrf_token"]
    assert site.client.get("/api/news/chengbei-draft").status_code == 200  # reading needs no token
    assert site.client.post("/api/news", json=NEW_REPORT).status_code == 403
    assert site.client.post("/api/news", json=NEW_REPORT, headers={"X-CSRF-Token": "wrong"}).status_code == 403
    assert site.client.post("/api/news", json=NEW_REPORT, headers={"X-CSRF-Token": csrf}).status_code == 201


def test_login_is_rate_limited(tmp_path):
    site = make_cms_site(tmp_path)
    statuses = [site.client.post("/api/login", json={"username": "chengbei", "password": "wrong-guess"}).status_code
                for _ in range(6)]
    assert statuses == [401] * 5 + [429]
    right = site.client.post("/api/login", json={"username": "chengbei", "password": PASSWORD})
    assert right.status_code == 429


def test_slugs_and_paths_cannot_escape_the_content_folder(tmp_path):
    site = make_cms_site(tmp_path)
    admin = site.login("admin")
    for slug in ("..", "..%2F..%2Fetc%2Fpasswd", "a..b", "A", "%00"):
        assert site.client.get(f"/api/news/{slug}", headers=admin).status_code in (400, 404), slug
    created = site.client.post("/api/news", headers=admin, json={**NEW_REPORT, "slug": "../../evil"})
    assert created.status_code == 400
    assert site.client.get("/api/data/../../etc/passwd", headers=admin).status_code == 404
    assert not list(tmp_path.glob("**/evil*"))


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (640, 480), (142, 27, 27))
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (33.0, 0.0, 0.0)}  # GPS latitude
    exif[0x0112] = 6  # rotated
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def test_uploaded_images_are_decoded_stripped_and_committed(tmp_path):
    site = make_cms_site(tmp_path)
    editor = site.login("chengbei")
    response = site.client.post("/api/media", headers=editor,
                                files={"file": ("../../家/照片.jpg", jpeg_with_gps(), "image/jpeg")})
    assert response.status_code == 201, response.text
    path = response.json()["path"]
    assert path.startswith("images/") and ".." not in path
    with Image.open(site.content / path) as stored:
        assert stored.size == (480, 640)  # the orientation was applied
        assert not stored.getexif()
    assert site.commits()[0] == f"chengbei用户|上传图片：{path}"
    fake = site.client.post("/api/media", headers=editor, files={"file": ("x.jpg", b"not an image", "image/jpeg")})
    assert fake.status_code in (400, 415)


def test_raw_html_written_through_the_api_is_sanitised(tmp_path):
    site = make_cms_site(tmp_path)
    body = {**NEW_REPORT, "body": '正文。\n\n<p onclick="steal()">段落<script>alert(1)</script></p>'}
    entry = site.client.post("/api/news", headers=site.login("chengbei"), json=body).json()
    stored = (site.content / entry["path"]).read_text(encoding="utf-8")
    assert "<script" not in stored and "onclick" not in stored and "<p>段落" in stored


def test_an_editor_sees_its_own_units_villages_in_the_schema(tmp_path):
    site = make_cms_site(tmp_path)
    schema = site.client.get("/api/schema/news", headers=site.login("chengbei")).json()
    villages = schema["properties"]["village"]
    choices = villages.get("x-choices") or next(b["x-choices"] for b in villages.get("anyOf", []) if "x-choices" in b)
    assert choices == ["北关社区", "东关社区", "西关社区", "南关社区"]


def test_lists_filter_and_hide_other_units_drafts(tmp_path):
    site = make_cms_site(tmp_path)
    listing = site.client.get("/api/news", headers=site.login("chengbei"), params={"per_page": 100}).json()
    slugs = [item["slug"] for item in listing["items"]]
    assert "yanghe-draft" not in slugs and "yanghe-published" in slugs
    assert slugs[:3] == ["chengbei-draft", "chengbei-published", "chengbei-review"]  # own unit first
    queue = site.client.get("/api/news", headers=site.login("reviewer"), params={"status": "review"}).json()
    assert {item["slug"] for item in queue["items"]} == {"chengbei-review", "yanghe-review"}
    assert queue["counts"] == {"draft": 2, "review": 2, "published": 2}


def test_lists_follow_files_changed_beside_the_cms_and_the_registry(tmp_path):
    """A list request reuses the folder listings and each entry's units and date from the last one: what git or a
    text editor changes beside the CMS must still show in the next list."""
    site = make_cms_site(tmp_path)
    reviewer, chengbei = site.login("reviewer"), site.login("chengbei")

    def listing(headers: dict) -> dict:
        return site.client.get("/api/news", headers=headers, params={"per_page": 100}).json()

    news = site.content / "news"
    long_ago = time.time() - 60
    for folder in (news, news / "2022", news / "2022/05"):
        os.utime(folder, (long_ago, long_ago))  # unchanged for a minute: their listings are kept
    assert listing(reviewer)["counts"] == {"draft": 2, "review": 2, "published": 2}
    assert listing(reviewer)["total"] == 6

    draft = news / "2022/05/yanghe-draft.md"  # written in place: its folder's time does not change
    draft.write_text(draft.read_text(encoding="utf-8").replace("status: draft", "status: published"), encoding="utf-8")
    (news / "2022/05/chengbei-review.md").unlink()
    (news / "2022/06").mkdir()
    (news / "2022/06/xincheng-draft.md").write_text(
        report("新城办草稿", "[新城办]", "draft", "xincheng-draft", date="2022-06-01"), encoding="utf-8")
    after = listing(reviewer)
    assert after["counts"] == {"draft": 2, "review": 1, "published": 3}
    assert {item["slug"] for item in after["items"]} == {
        "chengbei-draft", "chengbei-published", "yanghe-review", "yanghe-published", "yanghe-draft", "xincheng-draft"}
    seen = {item["slug"] for item in listing(chengbei)["items"]}
    assert "yanghe-draft" in seen  # published now: every editor may read it
    assert "xincheng-draft" not in seen  # a draft of no unit of 城北街道's

    units = site.content / "data/units.yml"
    units.write_text(units.read_text(encoding="utf-8").replace("aliases: [城北, 城北办]", "aliases: [城北, 城北办, 新城办]"),
                     encoding="utf-8")
    own = listing(chengbei)["items"]
    assert [item["slug"] for item in own[:3]] == ["xincheng-draft", "chengbei-draft", "chengbei-published"]


def test_every_request_tells_the_build_worker_that_the_server_is_busy(tmp_path):
    site = make_cms_site(tmp_path)
    activity = site.cms.worker.activity
    time.sleep(0.3)
    assert activity.idle_for() >= 0.3
    assert site.client.get("/api/me").status_code == 401  # any request, answered or refused
    assert activity.idle_for() < 0.3


def test_preview_renders_the_report_with_the_site_templates(tmp_path):
    site = make_cms_site(tmp_path)
    site.cms.worker.start()
    try:
        site.cms.worker.request()
        assert site.cms.worker.wait_until_live(git(site.root, "rev-parse", "HEAD").strip(), timeout=120)
        response = site.client.post("/api/preview/news", headers=site.login("chengbei"), json=NEW_REPORT)
    finally:
        site.cms.worker.stop()
    assert response.status_code == 200, response.text
    page = BeautifulSoup(response.json()["html"], "html.parser")
    assert page.find("h1", id="report-title").get_text() == NEW_REPORT["fields"]["title"]
    assert "北关社区" in page.find("dl", class_="facts").get_text()
    assert not (site.content / "news" / "2022" / "06").exists()  # a preview writes nothing


def _previews_from(previewer, before):
    """The build previews render with, once it is another than ``before`` (None, or a weak reference to the
    articles generator of the build before): the worker hands it over once the build has saved its caches."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        last = previewer._last
        if last is not None and (before is None or last.articles_generator is not before()):
            return last
        time.sleep(0.05)
    raise AssertionError("no newer build reached the previews")


def test_a_build_replaced_by_a_newer_one_is_freed_without_a_garbage_collection(tmp_path, monkeypatch):
    """Once a newer build serves the previews, the older one's Pelican run is taken apart (its reference cycles
    broken), so reference counting frees its ~10,000 articles at once. Otherwise a full collection must find
    them: ~1 s at 10,000 reports, holding every request (and the next publish) while it runs."""
    from wenming.build import heap
    from wenming.cms import builds

    collections: list[str] = []
    monkeypatch.setattr(builds, "collect_leftovers", lambda: collections.append("worker"))  # no collection at all:
    monkeypatch.setattr(heap, "collect_leftovers", lambda: collections.append("build"))  # only counting frees
    monkeypatch.setattr(heap, "_leftovers", 0)
    monkeypatch.setattr(heap, "_dismantled", 0)
    site = make_cms_site(tmp_path)
    worker, previewer = site.cms.worker, site.cms.service.previewer
    gc.disable()
    try:
        worker.start()
        worker.request()
        assert worker.wait_until_live(git(site.root, "rev-parse", "HEAD").strip(), timeout=120)
        current = _previews_from(previewer, None)
        for slug in ("chengbei-review", "yanghe-review"):  # a whole build replaced, then an incremental one
            run = weakref.ref(current.articles_generator)
            articles = [weakref.ref(article) for article in current.articles_generator.articles]
            reports = [weakref.ref(report) for report in current.model.news]
            assert articles and reports
            del current
            # Pages rendered with a template that imports macros "with context" leave small cycles, made while
            # rendering: with the collector on, young-generation collections free them soon after. The run
            # itself was frozen during its build, then moved to the oldest generation: only a full collection,
            # or breaking its cycles, frees it (and with it the content model its settings hold).
            gc.collect(1)
            published = site.client.post(f"/api/news/{slug}/publish", headers=site.login("reviewer"))
            assert published.status_code == 200, published.text
            assert worker.wait_until_live(git(site.root, "rev-parse", "HEAD").strip(), timeout=120)
            current = _previews_from(previewer, run)
            gc.collect(1)
            assert run() is None and all(article() is None for article in articles), slug
            assert all(report() is None for report in reports), slug
        del current
        assert collections == []
        assert not heap.collection_due()  # the next build need not collect first either
        preview = site.client.post("/api/preview/news", headers=site.login("chengbei"), json=NEW_REPORT)
    finally:
        worker.stop()
        gc.enable()
    assert preview.status_code == 200, preview.text  # the newer build still renders previews
    assert BeautifulSoup(preview.json()["html"], "html.parser").find("h1", id="report-title").get_text() \
        == NEW_REPORT["fields"]["title"]


def test_registry_choices_history_diff_and_wechat_export(tmp_path):
    site = make_cms_site(tmp_path)
    reviewer = site.login("reviewer")
    registry = site.client.get("/api/registry", headers=reviewer).json()
    assert {"name": "西乡融媒", "aliases": ["融媒"], "level": "县级"} in registry["outlets"]
    chengbei = next(u for u in registry["units"] if u["name"] == "城北街道")
    assert chengbei["kind"] == "town" and "北关社区" in chengbei["villages"]
    entry = site.client.get("/api/news/chengbei-draft", headers=reviewer).json()
    saved = site.client.put("/api/news/chengbei-draft", headers=reviewer, json={
        "fields": entry["fields"], "body": "第一段。\n\n[专栏](/column/)\n\n<script>alert(1)</script>",
        "version": entry["version"]}).json()
    commit = site.client.get("/api/news/chengbei-draft/history", headers=reviewer).json()["items"][0]["commit"]
    diff = site.client.get("/api/news/chengbei-draft/diff", headers=reviewer, params={"commit": commit}).json()["diff"]
    assert "+第一段。" in diff.splitlines()
    assert site.client.get("/api/news/chengbei-draft/diff", headers=reviewer,
                           params={"commit": "--output=x"}).status_code == 400
    assert saved["url"] is None  # a draft is not on the site
    published = site.client.post("/api/news/chengbei-published/unpublish", headers=reviewer).json()
    assert published["url"] is None
    exported = site.client.get("/api/news/chengbei-draft/wechat", headers=reviewer).json()["html"]
    page = BeautifulSoup(exported, "html.parser")
    assert page.find("script") is None and page.find("link") is None and page.find("style") is None
    assert page.find("h1").get_text() == "城北街道草稿" and page.find("h1")["style"]
    assert all(tag.get("style") for tag in page.find_all(["p", "h1", "a"]))
    assert [a["href"] for a in page.find_all("a")] == ["https://example.test/column/"]  # absolute
    assert "alert(1)" not in exported  # the API cleaned the script away when it was saved


def test_wechat_export_shows_raw_html_as_text_and_makes_pictures_absolute(tmp_path):
    from sitekit import write_picture, write_registry

    from wenming.media.images import ImageStore
    from wenming.publish.wechat import wechat_html

    content = write_registry(tmp_path / "content")
    write_picture(content, "images/a.jpg")
    exported = wechat_html("标题", "2022年5月12日 · 城北街道", "![合影](images/a.jpg)\n\n<b onclick=x>粗</b>",
                           "https://example.test/", "news/a/", ImageStore(content))
    page = BeautifulSoup(exported, "html.parser")
    assert page.find("b") is None and "&lt;b onclick=x&gt;" in exported
    src = page.find("img")["src"]
    assert src.startswith("https://example.test/media/") and page.find("img")["alt"] == "合影"
    assert page.find_all("a")[-1]["href"] == "https://example.test/news/a/"


def test_preview_shows_a_photo_no_build_has_published_yet(tmp_path):
    site = make_cms_site(tmp_path)
    editor = site.login("chengbei")
    site.cms.worker.start()
    try:
        site.cms.worker.request()
        assert site.cms.worker.wait_until_live(git(site.root, "rev-parse", "HEAD").strip(), timeout=120)
        path = site.client.post("/api/media", headers=editor,
                                files={"file": ("p.jpg", jpeg_with_gps(), "image/jpeg")}).json()["path"]
        body = {**NEW_REPORT, "body": f"正文。\n\n![合影]({path})"}
        html = site.client.post("/api/preview/news", headers=editor, json=body).json()["html"]
    finally:
        site.cms.worker.stop()
    img = BeautifulSoup(html, "html.parser").find("div", class_="report-body").find("img")
    assert img["src"].startswith("/api/preview-image?path=")
    shown = site.client.get(img["src"], headers=editor)
    assert shown.status_code == 200 and shown.headers["content-type"] == "image/jpeg"
    with Image.open(io.BytesIO(shown.content)) as picture:
        assert not picture.getexif()
    assert TestClient(site.cms.app).get(img["src"]).status_code == 401  # not for the public (no session cookie)
    assert site.client.get("/api/preview-image", headers=editor, params={"path": "../cms.sqlite3"}).status_code == 404


def test_after_its_first_build_the_server_has_read_every_entry_before_the_first_list(tmp_path, monkeypatch):
    """… and every report's slug before the first save (whose check asks which earlier report holds its slug)."""
    site = make_cms_site(tmp_path)
    read: list[str] = []
    parse = entries.parse_entry
    monkeypatch.setattr(entries, "parse_entry", lambda path, data: read.append(path.name) or parse(path, data))
    checked: list[str] = []
    read_source = checker.read_source
    monkeypatch.setattr(checker, "read_source", lambda path, *args: checked.append(path.name) or read_source(path, *args))
    site.cms.worker.start()
    site.cms.worker.request()  # as the server does when it starts
    try:
        assert site.cms.worker.wait_until_live(git(site.root, "rev-parse", "HEAD").strip(), timeout=120)
        reports = len(list((site.content / "news").rglob("*.md")))
        deadline = time.monotonic() + 60  # the entries are read once the first build has returned
        while len(read) < reports and time.monotonic() < deadline:
            time.sleep(0.05)
        for thread in [t for t in threading.enumerate() if t.name == "cms-warm"]:
            thread.join(60)
        warmed = len(read)
        assert warmed >= reports
        listed = site.client.get("/api/news", headers=site.login("reviewer"))
        assert listed.status_code == 200 and listed.json()["total"] > 0
        assert len(read) == warmed  # the list read no file again
        assert len(checked) >= reports - 1  # every report but the last one is some report's "earlier" one
        checked.clear()
        editor = site.login("yanghe")
        entry = site.client.get("/api/news/yanghe-review", headers=editor).json()  # the last report in the folder
        saved = site.client.put("/api/news/yanghe-review", headers=editor, json={
            "fields": entry["fields"], "body": entry["body"] + "\n\n补充一段。", "version": entry["version"]})
        assert saved.status_code == 200, saved.text
        assert checked == []  # the check asked no earlier report for its slug: they were all read while warming
    finally:
        site.cms.worker.stop()
