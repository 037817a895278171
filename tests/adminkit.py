"""A real CMS server for the browser tests of the web editor: ``build.py cms`` in a subprocess on a free
loopback port, over a content tree in a real git repository, with accounts in a real SQLite file."""

from __future__ import annotations

import contextlib
import dataclasses
import io
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from cmskit import PASSWORD, add_accounts, git, make_repository
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT = 60  # seconds for the server to answer
BUILD_TIMEOUT = 120  # seconds for a build to go live


@dataclasses.dataclass
class CmsServer:
    """A running ``build.py cms``: its repository, folders and base URL (``http://127.0.0.1:<port>``)."""

    root: Path
    content: Path
    output: Path
    url: str
    log: Path
    tokens: dict[str, str] = dataclasses.field(default_factory=dict)

    def token(self, username: str) -> str:
        """A Bearer token of ``username`` (one session per user, reused)."""
        if username not in self.tokens:
            status, data = self.request("POST", "/api/login", body={"username": username, "password": PASSWORD})
            assert status == 200, data
            self.tokens[username] = data["token"]
        return self.tokens[username]

    def request(self, method: str, path: str, *, user: str | None = None, body: dict | None = None
                ) -> tuple[int, dict | None]:
        """Call the API; returns (status, parsed JSON or None)."""
        headers = {"Accept": "application/json"}
        data = None
        if body is not None:
            headers["Content-Type"] = "application/json"
            data = json.dumps(body).encode("utf-8")
        if user is not None:
            headers["Authorization"] = f"Bearer {self.token(user)}"
        call = urllib.request.Request(self.url + path, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(call, timeout=30) as response:
                raw, status = response.read(), response.status
        except urllib.error.HTTPError as error:
            raw, status = error.read(), error.code
        return status, (json.loads(raw) if raw else None)

    def api(self, method: str, path: str, user: str, body: dict | None = None) -> dict:
        """Call the API and expect success."""
        status, data = self.request(method, path, user=user, body=body)
        assert 200 <= status < 300, (method, path, status, data)
        return data

    def head(self) -> str:
        return git(self.root, "rev-parse", "HEAD").strip()

    def wait_until_live(self, revision: str | None = None, timeout: float = BUILD_TIMEOUT) -> dict:
        """Poll /api/build until the site built from ``revision`` (default: HEAD) is live."""
        revision = revision or self.head()
        deadline = time.monotonic() + timeout
        state: dict | None = None
        while time.monotonic() < deadline:
            state = self.api("GET", "/api/build", "admin")
            if state["state"] == "idle" and state["revision"] == revision:
                return state
            assert state["state"] != "failed", state
            time.sleep(0.2)
        raise AssertionError(f"the build of {revision} did not go live: {state}\n{self.log.read_text()[-3000:]}")

    def commits(self) -> list[str]:
        """``author name|subject`` of every commit, newest first."""
        return git(self.root, "log", "--format=%an|%s").splitlines()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_answering(server: CmsServer, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        assert process.poll() is None, f"build.py cms exited:\n{server.log.read_text()}"
        try:
            with urllib.request.urlopen(server.url + "/api/me", timeout=2):
                return
        except urllib.error.HTTPError:  # 401: it answers
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    raise AssertionError(f"build.py cms did not answer:\n{server.log.read_text()}")


@contextlib.contextmanager
def running_cms(tmp_path: Path):
    """Start ``build.py cms`` on a fresh repository; yields the CmsServer once its first build is live."""
    root = make_repository(tmp_path)
    database = tmp_path / "cms.sqlite3"
    add_accounts(database)
    port = free_port()
    log = tmp_path / "cms.log"
    env = {**os.environ, "WENMING_LANG": "zh"}  # the server speaks Chinese to its users
    with open(log, "w", encoding="utf-8") as sink:
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "build.py"), "cms", "--content", str(root / "content"),
             "--output", str(tmp_path / "output"), "--db", str(database), "--port", str(port)],
            cwd=ROOT, stdout=sink, stderr=subprocess.STDOUT, env=env)
    server = CmsServer(root, root / "content", tmp_path / "output", f"http://127.0.0.1:{port}", log)
    try:
        _wait_until_answering(server, process)
        server.wait_until_live()
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def jpeg_bytes(size: tuple[int, int] = (800, 600), color: tuple[int, int, int] = (142, 27, 27)) -> bytes:
    """A real JPEG photo made with Pillow."""
    image = Image.new("RGB", size, color)
    for x in range(0, size[0], 40):  # some structure, so it is not a flat colour
        for y in range(size[1] // 2, size[1]):
            image.putpixel((x, y), (250, 240, 200))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()
