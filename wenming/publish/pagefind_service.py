"""One Pagefind process that writes many bundles: Pagefind's service mode (``pagefind --service``), driven
synchronously.

Each run of the Pagefind command pays ~0.37 s of CPU before its first page (setting up its Chinese
segmenter among others), and a full build at 10,000 reports writes 33 bundles: ~12 s of CPU. One service
per index worker pays it once. The protocol is the one Pagefind's own Python and Node.js clients speak: a
request is base64 of JSON ``{"message_id": n, "payload": {...}}`` followed by a comma, and so is each answer.
Pagefind's Python client is asynchronous and polls for answers every 0.1 s, and waits forever when the
service dies; this one blocks on the pipe with a deadline and reports a dead service with what it printed.

The bundle's files are asked for (GetFiles) and written here, not by the service (WriteFiles): Pagefind
1.5.2's service answers WriteFiles before its writes are done (it drops its files unflushed, Pagefind issue
#1271), so a bundle read right after could be empty or cut short.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import select
import subprocess
import tempfile
import time
from collections.abc import Callable

from wenming.output import plain_relative, write_bytes


class ServiceError(RuntimeError):
    """The service failed or answered with an error; the message says which."""


class ServiceTimeout(ServiceError):
    """The service took longer than allowed."""


class PagefindService:
    """Pagefind run as a service by ``command + ["--service"]``, started at the first request."""

    def __init__(self, command: list[str], cwd: str) -> None:
        self.command = [*command, "--service"]
        self.cwd = cwd
        self.process: subprocess.Popen | None = None
        self._errors = None  # what the service prints on stderr, kept for a failure's message
        self._pending = b""
        self._message_id = 0

    def index_folder(self, folder: str, output: str, timeout: float,
                     wanted: Callable[[str], bool] | None = None) -> int:
        """Index every page of ``folder`` (as ``pagefind --site folder``) into a bundle at ``output``: all its
        files, or those ``wanted`` (by path in the bundle); returns the number of pages indexed. Raises
        ServiceError (the service is stopped then)."""
        deadline = time.monotonic() + timeout
        try:
            index = self._request({"type": "NewIndex", "config": None}, "NewIndex", deadline).get("index_id")
            pages = self._request({"type": "AddDir", "index_id": index, "path": folder, "glob": None}, "IndexedDir",
                                  deadline)
            files = self._request({"type": "GetFiles", "index_id": index}, "GetFiles", deadline).get("files")
            self._request({"type": "DeleteIndex", "index_id": index}, "DeleteIndex", deadline)
            _write_files(files, output, wanted)
        except ServiceError:
            self.stop()
            raise
        return int(pages.get("page_count", 0))

    def stop(self) -> None:
        """End the service (a running request fails)."""
        process, self.process = self.process, None
        if process is not None:
            if process.poll() is None:
                process.kill()
            process.wait()
            for stream in (process.stdin, process.stdout):
                stream.close()
        if self._errors is not None:
            self._errors.close()
            self._errors = None
        self._pending = b""

    def _start(self) -> subprocess.Popen:
        if self.process is None:
            self._errors = tempfile.TemporaryFile()
            self.process = subprocess.Popen(self.command, cwd=self.cwd, stdin=subprocess.PIPE,
                                            stdout=subprocess.PIPE, stderr=self._errors)
        return self.process

    def _request(self, payload: dict, answer_type: str, deadline: float) -> dict:
        """Send one request; its answer, which must be of ``answer_type``."""
        process = self._start()
        self._message_id += 1
        message = {"message_id": self._message_id, "payload": payload}
        try:
            process.stdin.write(base64.b64encode(json.dumps(message).encode("utf-8")) + b",")
            process.stdin.flush()
        except OSError:
            raise self._failure() from None
        while True:
            answer = self._read_answer(deadline)
            if answer.get("message_id") not in (None, self._message_id):
                continue  # an answer to an earlier request that was given up on: not this one's
            body = answer.get("payload") or {}
            if body.get("type") == "Error":
                raise ServiceError(str(body.get("message") or "an error without a message"))
            if body.get("type") != answer_type:
                raise ServiceError(f"answered {str(body.get('type'))[:40]!r} to {payload['type']!r}")
            return body

    def _read_answer(self, deadline: float) -> dict:
        """The next answer on the service's output, waiting at most until ``deadline``."""
        stdout = self.process.stdout.fileno()
        while b"," not in self._pending:
            left = deadline - time.monotonic()
            if left <= 0:
                raise ServiceTimeout("took longer than allowed")
            if not select.select([stdout], [], [], left)[0]:
                continue
            chunk = os.read(stdout, 1 << 16)
            if not chunk:
                raise self._failure()
            self._pending += chunk
        encoded, _, self._pending = self._pending.partition(b",")
        try:
            answer = json.loads(base64.b64decode(encoded, validate=True))
        except (binascii.Error, ValueError):
            answer = None
        if not isinstance(answer, dict):
            raise ServiceError(f"answered something that is not the service protocol: {encoded[:200]!r}")
        return answer

    def _failure(self) -> ServiceError:
        """The service stopped: its exit code and the end of what it printed."""
        try:
            code = self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            code = None
        printed = ""
        if self._errors is not None:
            self._errors.seek(0)
            printed = self._errors.read()[-8000:].decode("utf-8", "replace")
        return ServiceError(f"exit code {code}: {_message(printed)}")


def _write_files(files, output: str, wanted: Callable[[str], bool] | None) -> None:
    """Write the bundle's files (GetFiles: ``[{"path": relative, "content": base64}]``) that are ``wanted``
    under ``output``."""
    if not isinstance(files, list) or not files:
        raise ServiceError("answered GetFiles without files")
    for file in files:
        path = file.get("path") if isinstance(file, dict) else None
        if not isinstance(path, str) or not path or not plain_relative(path):
            raise ServiceError(f"answered a file path outside the bundle: {str(path)[:200]!r}")
        if wanted is not None and not wanted(path):
            continue
        try:
            content = base64.b64decode(file.get("content") or "", validate=True)
        except (binascii.Error, TypeError, ValueError):
            raise ServiceError(f"answered {path!r} with content that is not base64") from None
        write_bytes(output, path, content)


def _message(printed: str, lines: int = 12) -> str:
    """The end of what Pagefind printed, without its notes on stemming."""
    text = [line for line in printed.splitlines()
            if line.strip() and "stemming" not in line and "Search will still work" not in line]
    return "\n".join(dict.fromkeys(text[-lines:])) or "no message"
