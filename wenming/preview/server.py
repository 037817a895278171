"""Local preview server for the generated site (loopback only), with optional live reload.

It answers only requests addressed to its own loopback name (``Host: 127.0.0.1:<port>`` or
``localhost:<port>``): a web page elsewhere cannot reach it through a DNS name rebound to 127.0.0.1.
It lists no folders: a folder without an index.html is not found, as on the published site.
"""

from __future__ import annotations

import functools
import html
import http.server
import socket
from pathlib import Path

from wenming.handbook.missing import handbook_built, not_built_page
from wenming.preview.live import CLIENT_JS, CLIENT_PATH, CLIENT_SCRIPT, EVENTS_PATH, PreviewState, event_message
from wenming.source.messages import render

HANDBOOK_PATH = "/handbook/"
WAITING_PAGE = ("<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>预览</title></head>"
                "<body><h1>网站尚未生成</h1><p>请根据下方提示修改内容，保存后自动重新生成。</p></body></html>")
LOOPBACK_NAMES = ("127.0.0.1", "localhost")
WILDCARD_ADDRESSES = ("", "0.0.0.0", "::")


class _SiteHandler(http.server.SimpleHTTPRequestHandler):
    preview: PreviewState | None = None
    handbook_dir: Path | None = None  # served at HANDBOOK_PATH, as on the published site

    def parse_request(self) -> bool:
        """The request line and headers, and the Host check (DNS-rebinding guard) before anything is served."""
        if not super().parse_request():
            return False
        host = self.headers.get("Host", "")
        if host.lower() in self.server.allowed_hosts():
            return True
        port = self.server.server_address[1]
        text = render("preview.host_refused", {"allowed": sorted(self.server.allowed_hosts()), "host": host,
                                                 "port": port})
        body = ("<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>403</title></head>"
                f"<body><p>{html.escape(text)}</p></body></html>").encode("utf-8")
        self.close_connection = True
        self._send(403, body, "text/html; charset=utf-8")
        return False

    def list_directory(self, path):
        """No folder listings: a folder without index.html is not found."""
        self.send_error(404)
        return None

    def _in_handbook(self) -> bool:
        path = self.path.split("?")[0]
        return self.handbook_dir is not None and (path + "/").startswith(HANDBOOK_PATH)

    def translate_path(self, path):
        if self.directory == str(self.handbook_dir):  # a handbook request: its path below HANDBOOK_PATH
            path = "/" + path[len(HANDBOOK_PATH):]
        return super().translate_path(path)

    def do_GET(self):  # noqa: N802 - http.server's API name
        if self._in_handbook():  # the handbook's files, without live reload; its own 404 page
            if not handbook_built(self.handbook_dir):
                return self._send(404, not_built_page(), "text/html; charset=utf-8")
            self.directory = str(self.handbook_dir)
            return super().do_GET()
        if self.preview is not None and self.path == EVENTS_PATH:
            return self._events()
        if self.preview is not None and self.path == CLIENT_PATH:
            return self._send(200, CLIENT_JS.encode("utf-8"), "text/javascript; charset=utf-8")
        if self.preview is not None and not Path(self.directory).is_dir():
            return self._send(503, self._inject(WAITING_PAGE.encode("utf-8")), "text/html; charset=utf-8")
        if self.preview is not None:
            page = self._html_page()
            if page is not None:
                return self._send(200, self._inject(page.read_bytes()), "text/html; charset=utf-8")
        return super().do_GET()

    def do_HEAD(self):  # noqa: N802 - http.server's API name
        if self._in_handbook() and handbook_built(self.handbook_dir):
            self.directory = str(self.handbook_dir)
        return super().do_HEAD()

    def _html_page(self) -> Path | None:
        """The HTML file a request names (a folder URL ending in '/' means its index.html), if any."""
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html" if self.path.split("?")[0].endswith("/") else None
        return path if path is not None and path.suffix == ".html" and path.is_file() else None

    def _inject(self, body: bytes) -> bytes:
        marker = b"</body>"
        script = CLIENT_SCRIPT.encode("utf-8")
        return body.replace(marker, script + marker, 1) if marker in body else body + script

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _events(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        state = self.preview.current()
        try:
            self.wfile.write(event_message(state))
            self.wfile.flush()
            while not getattr(self.server, "stopping", False):
                changed = self.preview.wait_for_change(state.generation, timeout=10)
                if changed.generation == state.generation:
                    self.wfile.write(b": keep-alive\n\n")
                else:
                    state = changed
                    self.wfile.write(event_message(state))
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, socket.timeout):
            return

    def send_error(self, code, message=None, explain=None):
        not_found = Path(self.directory) / "404.html"
        if code == 404 and not_found.is_file():
            body = not_found.read_bytes()
            return self._send(404, self._inject(body) if self.preview else body, "text/html; charset=utf-8")
        return super().send_error(code, message, explain)

    def log_message(self, format, *args):  # noqa: A002 - signature from the base class
        pass


class PreviewServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    stopping = False

    def allowed_hosts(self) -> set[str]:
        """The Host header values this server answers: its loopback names with its port (bare on port 80)."""
        host, port = self.server_address[:2]
        names = {*LOOPBACK_NAMES, *([host] if host not in WILDCARD_ADDRESSES else [])}
        return {f"{name}:{port}" for name in names} | ({*names} if port == 80 else set())


def make_server(site_dir: Path, port: int, host: str = "127.0.0.1",
                preview: PreviewState | None = None, handbook_dir: Path | None = None) -> PreviewServer:
    handler_class = type("SiteHandler", (_SiteHandler,), {"preview": preview, "handbook_dir": handbook_dir})
    handler = functools.partial(handler_class, directory=str(site_dir))
    return PreviewServer((host, port), handler)
