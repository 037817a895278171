"""The Pagefind service client (wenming.publish.pagefind_service): one real Pagefind process indexes several
folders; a service that never answers, answers nonsense, answers with an error or stops is reported, and
stopped."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import time

import pytest

from wenming.publish.pagefind_service import PagefindService, ServiceError, ServiceTimeout
from wenming.publish.search_index import pagefind_command


def page(title: str, body: str) -> str:
    return (f'<!DOCTYPE html><html lang="zh-CN"><head><title>{title}</title></head>'
            f"<body><main data-pagefind-body><h1>{title}</h1><p>{body}</p></main></body></html>")


def folder_of(root, count: int, start: int = 0):
    for number in range(start, start + count):
        target = root / "news" / f"r{number}" / "index.html"
        target.parent.mkdir(parents=True)
        target.write_text(page(f"城北街道报道{number}", f"第{number}篇：茶乡微讲堂宣讲。"), encoding="utf-8")
    return root


def test_one_service_indexes_several_folders_in_one_process(tmp_path):
    service = PagefindService(pagefind_command(), cwd=str(tmp_path))
    try:
        assert service.index_folder(str(folder_of(tmp_path / "a", 2)), str(tmp_path / "out-a"), 120) == 2
        process = service.process
        assert service.index_folder(str(folder_of(tmp_path / "b", 3, 10)), str(tmp_path / "out-b"), 120) == 3
        assert service.process is process and process.poll() is None
    finally:
        service.stop()
    assert process.poll() is not None and service.process is None
    for bundle, count in (("out-a", 2), ("out-b", 3)):
        entry = json.loads((tmp_path / bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
        assert entry["languages"]["zh-cn"]["page_count"] == count
        assert (tmp_path / bundle / "pagefind.js").is_file()


def fake_service(answer: str) -> list[str]:
    """A stand-in service: reads one request and runs ``answer`` (Python, with ``message_id`` and ``reply``)."""
    script = ("import base64, json, sys, time\n"
              "data = b''\n"
              "while not data.endswith(b','): data += sys.stdin.buffer.read(1)\n"
              "message_id = json.loads(base64.b64decode(data[:-1]))['message_id']\n"
              "def reply(payload):\n"
              "    sys.stdout.buffer.write(base64.b64encode(json.dumps(payload).encode()) + b',')\n"
              "    sys.stdout.flush()\n"
              f"{answer}\n")
    return [sys.executable, "-c", script]


@pytest.mark.parametrize("answer, error, message", [
    ("time.sleep(60)", ServiceTimeout, "took longer"),
    ("sys.stdout.write('Note: hello,'); sys.stdout.flush(); time.sleep(60)", ServiceError, "not the service protocol"),
    ("reply({'message_id': message_id, 'payload': {'type': 'Error', 'message': '索引失败'}}); time.sleep(60)",
     ServiceError, "索引失败"),
    ("reply({'message_id': message_id, 'payload': {'type': 'WriteFiles'}}); time.sleep(60)", ServiceError,
     "answered 'WriteFiles' to 'NewIndex'"),
    ("sys.stderr.write('error: the page farm is gone\\n'); sys.exit(3)", ServiceError,
     r"(?s)exit code 3: error: the page farm is gone"),
])
def test_a_failing_service_is_reported_and_stopped(tmp_path, answer, error, message):
    service = PagefindService(fake_service(answer), cwd=str(tmp_path))
    began = time.monotonic()
    with pytest.raises(error, match=message):
        service.index_folder(str(folder_of(tmp_path / "a", 1)), str(tmp_path / "out"), 1.5)
    assert time.monotonic() - began < 30
    assert service.process is None


def test_an_answer_to_a_request_given_up_on_is_not_taken_for_the_next(tmp_path):
    """Answers carry the request's message_id: a late one (to an earlier id) is skipped, not mistaken."""
    answer = ("reply({'message_id': message_id - 1, 'payload': {'type': 'NewIndex', 'index_id': 99}})\n"
              "reply({'message_id': message_id, 'payload': {'type': 'Error', 'message': 'the right answer'}})\n"
              "time.sleep(60)")
    service = PagefindService(fake_service(answer), cwd=str(tmp_path))
    with pytest.raises(ServiceError, match="the right answer"):
        service.index_folder(str(tmp_path), str(tmp_path / "out"), 10)


def bundle_files(root) -> dict[str, bytes]:
    return {str(path.relative_to(root)): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


def test_the_service_bundle_is_whole_and_the_same_as_the_command_line_one(tmp_path):
    """The files come back in the answer (GetFiles) and are written before index_folder returns: Pagefind's own
    WriteFiles answers before its writes are done (Pagefind issue #1271)."""
    folder = folder_of(tmp_path / "a", 5)
    subprocess.run([*pagefind_command(), "--site", str(folder), "--output-path", str(tmp_path / "cli")],
                   check=True, capture_output=True, timeout=120)
    service = PagefindService(pagefind_command(), cwd=str(tmp_path))
    try:
        assert service.index_folder(str(folder), str(tmp_path / "service"), 120) == 5
        written = bundle_files(tmp_path / "service")  # read at once: nothing may still be on its way
    finally:
        service.stop()
    assert written == bundle_files(tmp_path / "cli")
    assert any(name.startswith("fragment/") for name in written) and "pagefind.js" in written


def scripted_service(answers: dict[str, dict]) -> list[str]:
    """A stand-in service that answers every request by its type from ``answers``."""
    script = ("import base64, json, sys\n"
              f"answers = json.loads({json.dumps(answers)!r})\n"
              "data = b''\n"
              "while chunk := sys.stdin.buffer.read(1):\n"
              "    if chunk != b',':\n"
              "        data += chunk\n"
              "        continue\n"
              "    request, data = json.loads(base64.b64decode(data)), b''\n"
              "    payload = answers[request['payload']['type']]\n"
              "    answer = {'message_id': request['message_id'], 'payload': payload}\n"
              "    sys.stdout.buffer.write(base64.b64encode(json.dumps(answer).encode()) + b',')\n"
              "    sys.stdout.flush()\n")
    return [sys.executable, "-c", script]


@pytest.mark.parametrize("files, message", [
    ([{"path": "../escaped.js", "content": "eA=="}], "outside the bundle: '../escaped.js'"),
    ([{"path": "/tmp/escaped.js", "content": "eA=="}], "outside the bundle"),
    ([{"path": "pagefind.js", "content": "not base64!"}], "'pagefind.js' with content that is not base64"),
    ([], "without files"),
])
def test_files_answered_outside_the_bundle_or_garbled_are_refused(tmp_path, files, message):
    service = PagefindService(scripted_service({
        "NewIndex": {"type": "NewIndex", "index_id": 1},
        "AddDir": {"type": "IndexedDir", "page_count": 1},
        "GetFiles": {"type": "GetFiles", "files": files},
        "DeleteIndex": {"type": "DeleteIndex"},
    }), cwd=str(tmp_path))
    with pytest.raises(ServiceError, match=message):
        service.index_folder(str(tmp_path), str(tmp_path / "out" / "bundle"), 30)
    assert service.process is None
    assert not (tmp_path / "out" / "escaped.js").exists() and not (tmp_path / "out" / "bundle").exists()


def test_a_scripted_bundle_is_written_as_answered(tmp_path):
    service = PagefindService(scripted_service({
        "NewIndex": {"type": "NewIndex", "index_id": 1},
        "AddDir": {"type": "IndexedDir", "page_count": 7},
        "GetFiles": {"type": "GetFiles", "files": [
            {"path": "pagefind-entry.json", "content": base64.b64encode(b'{"version": "x"}').decode()},
            {"path": "fragment/zh-cn_1.pf_fragment", "content": base64.b64encode(b"\x1f\x8b\x00").decode()}]},
        "DeleteIndex": {"type": "DeleteIndex"},
    }), cwd=str(tmp_path))
    try:
        assert service.index_folder(str(tmp_path), str(tmp_path / "out"), 30) == 7
    finally:
        service.stop()
    assert bundle_files(tmp_path / "out") == {"pagefind-entry.json": b'{"version": "x"}',
                                              "fragment/zh-cn_1.pf_fragment": b"\x1f\x8b\x00"}
