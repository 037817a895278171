"""``build.py cms`` account commands, through the real command line."""

from __future__ import annotations

import subprocess
import sys

from cmskit import PASSWORD, add_accounts, make_repository
from conftest import ROOT
from fastapi.testclient import TestClient
from sitekit import write_registry

from wenming.cms.server import make_cms


def cms(content, db, *args, password: str | None = None, lang: str = "zh"):
    return subprocess.run([sys.executable, str(ROOT / "build.py"), "--lang", lang, "cms", "--content", str(content),
                           "--db", str(db), *args], input=password, capture_output=True, text=True, timeout=120)


def test_accounts_are_added_listed_changed_and_deleted(tmp_path):
    content, db = write_registry(tmp_path / "content"), tmp_path / "cms.sqlite3"
    added = cms(content, db, "adduser", "zhangsan", "--role", "editor", "--unit", "城北", "--display-name", "张三",
                "--email", "zs@example.test", "--password-stdin", password="a-long-password\n")
    assert added.returncode == 0, added.stderr
    assert added.stdout.strip() == "已创建账号 zhangsan（角色：editor，单位：城北街道）。"  # the alias became the name
    listing = cms(content, db, "users")
    assert listing.stdout.splitlines() == ["zhangsan\teditor\t城北街道\t张三\tzs@example.test"]
    assert cms(content, db, "passwd", "zhangsan", "--password-stdin", password="another-password\n").returncode == 0
    assert cms(content, db, "deluser", "zhangsan").returncode == 0
    assert cms(content, db, "users").stdout == ""


def test_refusals_are_clear_and_exit_1(tmp_path):
    content, db = write_registry(tmp_path / "content"), tmp_path / "cms.sqlite3"
    unknown = cms(content, db, "adduser", "lisi", "--role", "editor", "--unit", "城北街办", "--password-stdin",
                  password="a-long-password\n")
    assert unknown.returncode == 1
    assert unknown.stderr.strip() == "error: “城北街办”不是登记的单位（见 content/data/units.yml）。"
    short = cms(content, db, "adduser", "lisi", "--role", "reviewer", "--password-stdin", password="short\n")
    assert short.returncode == 1 and "密码" in short.stderr and "Traceback" not in short.stderr
    assert cms(content, db, "deluser", "nobody").returncode == 1


def test_the_session_cookie_is_secure_only_when_asked_for(tmp_path):
    """Behind a TLS proxy (`build.py cms --secure-cookies`) the session cookie is Secure; on plain loopback
    HTTP it cannot be, or the browser would never send it back."""
    root = make_repository(tmp_path)
    cookies = {}
    for secure in (False, True):
        cms = make_cms(root / "content", tmp_path / f"output-{secure}",
                       accounts=add_accounts(tmp_path / f"cms-{secure}.sqlite3"), secure_cookies=secure)
        response = TestClient(cms.app).post("/api/login", json={"username": "chengbei", "password": PASSWORD})
        assert response.status_code == 200, response.text
        cookies[secure] = response.headers["set-cookie"].lower()
    assert "secure" not in cookies[False].split("; ")
    assert "secure" in cookies[True].split("; ")
    usage = subprocess.run([sys.executable, str(ROOT / "build.py"), "cms", "--help"], capture_output=True, text=True,
                           check=True).stdout
    assert "--secure-cookies" in usage
