"""A real CMS for tests: a content tree in a real git repository, real accounts in SQLite, the real app."""

from __future__ import annotations

import dataclasses
import subprocess
from pathlib import Path

from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sitekit import make_site, news, write_content

from wenming.cms.accounts import AccountStore
from wenming.cms.server import Cms, make_cms

PASSWORD = "correct-horse-9"
USERS = {  # username -> (role, unit)
    "admin": ("admin", None),
    "reviewer": ("reviewer", None),
    "chengbei": ("editor", "城北街道"),
    "yanghe": ("editor", "杨河镇"),
}
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=测试", "-c", "user.email=test@example.test", *args], cwd=root,
                          check=True, capture_output=True, text=True).stdout


def report(title: str, units: str, status: str, slug: str, date: str = "2022-05-12") -> str:
    return news(title=title, units=units, date=date, slug=slug, status=status)


@dataclasses.dataclass
class CmsSite:
    root: Path
    content: Path
    output: Path
    cms: Cms
    client: TestClient

    def login(self, username: str) -> dict:
        """Bearer headers of a fresh session of ``username``."""
        response = self.client.post("/api/login", json={"username": username, "password": PASSWORD})
        assert response.status_code == 200, response.text
        return {"Authorization": f"Bearer {response.json()['token']}"}

    def commits(self) -> list[str]:
        return git(self.root, "log", "--format=%an|%s").splitlines()


def make_repository(tmp_path: Path, reports: dict[str, str] | None = None) -> Path:
    """A content tree (by default two towns' drafts, reports under review and published ones) in git."""
    root = tmp_path / "repo"
    content = make_site(root, reports if reports is not None else {
        "2022/05/chengbei-draft.md": report("城北街道草稿", "[城北街道]", "draft", "chengbei-draft"),
        "2022/05/chengbei-review.md": report("城北街道待审", "[城北街道]", "review", "chengbei-review"),
        "2022/05/chengbei-published.md": report("城北街道已发布", "[城北街道]", "published", "chengbei-published"),
        "2022/05/yanghe-draft.md": report("杨河镇草稿", "[杨河镇]", "draft", "yanghe-draft"),
        "2022/05/yanghe-review.md": report("杨河镇待审", "[杨河镇]", "review", "yanghe-review"),
        "2022/05/yanghe-published.md": report("杨河镇已发布", "[杨河镇]", "published", "yanghe-published"),
    })
    write_content(content, "pages", "about.md", "---\ntitle: 关于我们\n---\n\n中心简介。\n")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "内容初始化")
    return root


def add_accounts(database: Path) -> AccountStore:
    """The accounts of USERS, all with PASSWORD (hashed fast: tests need no strong hashes)."""
    accounts = AccountStore(database, hasher=FAST_HASHER)
    for name, (role, unit) in USERS.items():
        accounts.add_user(name, PASSWORD, role, unit=unit, display_name=f"{name}用户", email=f"{name}@example.test")
    return accounts


def make_cms_site(tmp_path: Path, reports: dict[str, str] | None = None) -> CmsSite:
    root = make_repository(tmp_path, reports)
    content = root / "content"
    cms = make_cms(content, tmp_path / "output", accounts=add_accounts(tmp_path / "cms.sqlite3"))
    return CmsSite(root, content, tmp_path / "output", cms, TestClient(cms.app))
