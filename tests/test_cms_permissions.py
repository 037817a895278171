"""The permission matrix: every role × own or other unit × action, through the real API, with the status
each must get. Editors are bound to 城北街道 ("own") and never see 杨河镇's unpublished entries ("other")."""

from __future__ import annotations

import pytest
from cmskit import make_cms_site

from wenming.cms.repository import file_version

UNITS = {"own": ("城北街道", "chengbei"), "other": ("杨河镇", "yanghe")}
ACTIONS = ("read", "create", "edit", "delete", "submit", "publish", "unpublish", "return", "registry", "accounts")
OK = {"read": 200, "create": 201, "edit": 200, "delete": 204, "submit": 200, "publish": 200, "unpublish": 200,
      "return": 200, "registry": 200, "accounts": 201}
EXPECTED = {
    ("admin", "own"): OK, ("admin", "other"): OK,
    ("reviewer", "own"): {**OK, "registry": 403, "accounts": 403},
    ("reviewer", "other"): {**OK, "registry": 403, "accounts": 403},
    ("chengbei", "own"): {**OK, "publish": 403, "unpublish": 403, "return": 403, "registry": 403, "accounts": 403},
    # another unit's drafts and entries under review are not even acknowledged (404); its published ones are
    # visible but cannot be unpublished
    ("chengbei", "other"): {"read": 404, "create": 403, "edit": 404, "delete": 404, "submit": 404, "publish": 404,
                            "unpublish": 403, "return": 404, "registry": 403, "accounts": 403},
}


def version_of(site, slug: str) -> str:
    return file_version((site.content / "news" / "2022" / "05" / f"{slug}.md").read_bytes())


def attempt(site, headers: dict, action: str, unit_key: str):
    unit, prefix = UNITS[unit_key]
    client = site.client
    if action == "read":
        return client.get(f"/api/news/{prefix}-draft", headers=headers)
    if action == "create":
        return client.post("/api/news", headers=headers, json={
            "fields": {"title": f"{unit}新活动", "date": "2022-06-01", "units": [unit]}, "body": "正文。"})
    if action == "edit":
        slug = f"{prefix}-draft"
        return client.put(f"/api/news/{slug}", headers=headers, json={
            "fields": {"title": f"{unit}草稿（修改）", "date": "2022-05-12", "units": [unit], "slug": slug},
            "body": "改过的正文。", "version": version_of(site, slug)})
    if action == "delete":
        slug = f"{prefix}-draft"
        return client.delete(f"/api/news/{slug}", headers=headers, params={"version": version_of(site, slug)})
    if action in ("submit", "publish", "unpublish", "return"):
        status = {"submit": "draft", "publish": "review", "unpublish": "published", "return": "review"}[action]
        body = {"comment": "请补充活动人数。"} if action == "return" else {}
        return client.post(f"/api/news/{prefix}-{status}/{action}", headers=headers, json=body)
    if action == "registry":
        current = client.get("/api/data/kinds.yml", headers=headers)
        version = current.json()["version"] if current.status_code == 200 else file_version(
            (site.content / "data" / "kinds.yml").read_bytes())
        text = (site.content / "data" / "kinds.yml").read_text(encoding="utf-8") + "# 报道类型\n"
        return client.put("/api/data/kinds.yml", headers=headers, json={"text": text, "version": version})
    return client.post("/api/users", headers=headers, json={"username": "newuser", "password": "another-pass-1",
                                                             "role": "editor", "unit": "茶镇"})


@pytest.mark.parametrize("role, unit_key, action", [(r, u, a) for r, u in EXPECTED for a in ACTIONS])
def test_permission_matrix(tmp_path, role, unit_key, action):
    site = make_cms_site(tmp_path)
    before = site.commits()
    response = attempt(site, site.login(role), action, unit_key)
    assert response.status_code == EXPECTED[role, unit_key][action], response.text
    if response.status_code >= 400:
        assert site.commits() == before  # a refusal writes nothing
    elif action not in ("read", "accounts"):  # accounts live in SQLite, not git
        assert len(site.commits()) == len(before) + 1


def test_refusals_change_nothing_and_say_why_in_chinese(tmp_path, monkeypatch):
    monkeypatch.setenv("WENMING_LANG", "zh")
    site = make_cms_site(tmp_path)
    before = site.commits()
    response = attempt(site, site.login("chengbei"), "publish", "own")
    assert response.status_code == 403
    assert response.json()["detail"].startswith("您的账号没有这项操作")
    assert site.commits() == before


def test_not_logged_in_is_401_everywhere(tmp_path):
    site = make_cms_site(tmp_path)
    for method, url in [("get", "/api/news"), ("get", "/api/news/chengbei-draft"), ("post", "/api/news"),
                        ("get", "/api/build"), ("get", "/api/schema/news"), ("get", "/api/users")]:
        assert getattr(site.client, method)(url).status_code == 401, url


def test_an_editor_mistyping_the_unit_gets_the_content_error_with_a_suggestion_not_a_refusal(tmp_path, monkeypatch):
    monkeypatch.setenv("WENMING_LANG", "zh")
    site = make_cms_site(tmp_path)
    before = site.commits()
    response = site.client.post("/api/news", headers=site.login("chengbei"), json={
        "fields": {"title": "城北新活动", "date": "2022-06-01", "units": ["城北街到"]}, "body": "正文。"})
    assert response.status_code == 422, response.text
    (diagnostic,) = [d for d in response.json()["diagnostics"] if d["field"] == "units.0"]
    assert diagnostic["code"] == "E201" and "您是不是要写“城北街道”" in diagnostic["message"]
    assert site.commits() == before
