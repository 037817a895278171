#!/usr/bin/env python3
"""CMS load benchmark: the real ``build.py cms`` server on a real git repository, driven over HTTP on loopback.

Prepares a work folder (the sample content, or a synthetic corpus of N reports, committed to a new git
repository; an editor and a reviewer created with ``build.py cms adduser``), starts the server, waits for its
first build, then measures list, get, preview and save with C concurrent clients for S seconds each, and the
time from a publish request until the page is live (three reports dated after all others, three dated among
them). Timings are measured, never asserted.

Usage: .venv/bin/python bench/cms_load.py [--reports N] [--seconds S] [--clients C] [--work DIR] [--keep]
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import generate, report_text  # noqa: E402

from wenming.cms.entries import jsonable  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench-password-2022"
EDITOR, REVIEWER, UNIT = "chengbei", "reviewer", "城北街道"
GIT_IDENTITY = ["-c", "user.name=压测", "-c", "user.email=bench@example.test"]
STARTED = time.monotonic()


def progress(message: str) -> None:
    print(f"• [{time.monotonic() - STARTED:6.1f}s] {message}", file=sys.stderr, flush=True)


@dataclasses.dataclass(frozen=True)
class Work:
    root: Path
    repo: Path
    content: Path
    output: Path
    db: Path
    log: Path


# --- preparing the work folder ------------------------------------------------------------------------------


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *GIT_IDENTITY, *args], cwd=repo, check=True, capture_output=True,
                          text=True).stdout.strip()


def cms_command(work: Work, *args: str) -> list[str]:
    return [sys.executable, str(ROOT / "build.py"), "cms", "--content", str(work.content), "--db", str(work.db), *args]


def add_user(work: Work, name: str, role: str, unit: str | None = None) -> None:
    command = cms_command(work, "adduser", name, "--role", role, "--password-stdin")
    if unit:
        command += ["--unit", unit]
    done = subprocess.run(command, input=PASSWORD + "\n", capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit(f"adduser {name} failed:\n{done.stdout}{done.stderr}")
    progress(done.stdout.strip())


def prepare(root: Path, reports: int) -> Work:
    repo = root / "repo"
    work = Work(root, repo, repo / "content", root / "output", root / "cms.sqlite3", root / "server.log")
    repo.mkdir(parents=True)
    if reports:
        progress(f"generating a corpus of {reports} reports…")
        generate(work.content, reports)
    else:
        progress("copying the sample content…")
        shutil.copytree(ROOT / "content", work.content)
    progress("committing the content to a new git repository…")
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "内容初始化")
    add_user(work, EDITOR, "editor", UNIT)
    add_user(work, REVIEWER, "reviewer")
    return work


# --- the server ---------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def log_tail(work: Work, lines: int = 40) -> str:
    try:
        return "\n".join(work.log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


@contextlib.contextmanager
def running_server(work: Work) -> Iterator[str]:
    """The server as a subprocess (its output in server.log); terminated, then killed, on the way out."""
    port = free_port()
    command = cms_command(work, "--output", str(work.output), "--port", str(port))
    with work.log.open("wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_answering(url, process, work)
        yield url
    finally:
        progress("stopping the server…")
        process.terminate()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        progress(f"server exited with status {process.returncode}")


def wait_until_answering(url: str, process: subprocess.Popen, work: Work, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    with httpx.Client(base_url=url, timeout=5, trust_env=False) as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise SystemExit(f"the server exited with status {process.returncode}:\n{log_tail(work)}")
            try:
                client.get("/api/build")  # 401 without a session: it answers
                progress(f"server answering at {url}")
                return
            except httpx.TransportError:
                time.sleep(0.1)
    raise SystemExit(f"the server did not answer within {timeout} s:\n{log_tail(work)}")


def login(url: str, username: str) -> httpx.Client:
    """An httpx client with a fresh bearer session of ``username``."""
    client = httpx.Client(base_url=url, timeout=300, trust_env=False)
    response = client.post("/api/login", json={"username": username, "password": PASSWORD})
    if response.status_code != 200:
        raise SystemExit(f"login {username} failed: {response.status_code} {response.text}")
    client.headers["Authorization"] = f"Bearer {response.json()['token']}"
    return client


def expect(response: httpx.Response, what: str) -> dict:
    if not response.is_success:
        raise SystemExit(f"{what}: {response.status_code} {response.text[:2000]}")
    return response.json() if response.content else {}


@dataclasses.dataclass
class Polls:
    count: int = 0
    slowest: float = 0.0  # seconds of the slowest GET /api/build


def wait_for_build(client: httpx.Client, revision: str | None, timeout: float, interval: float,
                   report_every: float | None = None, polls: Polls | None = None) -> dict:
    """Poll GET /api/build until it is idle with ``revision`` live (any revision when None)."""
    deadline = time.monotonic() + timeout
    next_report = time.monotonic() + (report_every or 0)
    polls = polls or Polls()
    while True:
        began = time.perf_counter()
        state = expect(client.get("/api/build"), "GET /api/build")
        polls.count += 1
        polls.slowest = max(polls.slowest, time.perf_counter() - began)
        live = state["revision"] is not None and (revision is None or state["revision"] == revision)
        if state["state"] == "idle" and live:
            return state
        if state["state"] == "failed":
            raise SystemExit("the build failed:\n" + "\n".join(state["messages"]))
        if time.monotonic() > deadline:
            raise SystemExit(f"not live within {timeout} s: {state}")
        if report_every and time.monotonic() >= next_report:
            progress(f"  still building (state {state['state']})…")
            next_report += report_every
        time.sleep(interval)


# --- realistic requests -------------------------------------------------------------------------------------


def load_registry(content: Path) -> dict:
    data = content / "data"
    return {name: yaml.safe_load((data / f"{name}.yml").read_text(encoding="utf-8"))
            for name in ("units", "outlets", "platforms", "tasks", "kinds", "topics")}


def unit_report(index: int, registry: dict) -> dict:
    """{fields, body} of a report of the editor's unit as the corpus writes them (no slug: the CMS chooses)."""
    towns = [t for t in registry["units"]["towns"] if t["name"] == UNIT]
    text = report_text(index, random.Random(index), {**registry, "units": {**registry["units"], "towns": towns}})
    _, front, body = text.split("---\n", 2)
    fields = jsonable(yaml.safe_load(front))
    fields.pop("slug", None)
    return {"fields": fields, "body": body.strip("\n")}


# --- the load phase -----------------------------------------------------------------------------------------


@dataclasses.dataclass
class Sample:
    seconds: float
    status: int
    detail: str = ""


Operation = Callable[[httpx.Client, int, int], httpx.Response]  # (client, client number, call number)


def run_clients(clients: list[httpx.Client], operation: Operation, seconds: float) -> tuple[list[Sample], float]:
    """Every client calls ``operation`` in a loop for ``seconds``; the samples and the wall time taken."""
    samples: list[list[Sample]] = [[] for _ in clients]
    start = threading.Barrier(len(clients) + 1)
    stop_at: list[float] = []

    def loop(number: int) -> None:
        start.wait()
        calls = 0
        while time.perf_counter() < stop_at[0]:
            began = time.perf_counter()
            try:
                response = operation(clients[number], number, calls)
                sample = Sample(time.perf_counter() - began, response.status_code,
                                "" if response.is_success else response.text[:300])
            except Exception as exc:  # noqa: BLE001 - a transport failure counts as a failed request
                sample = Sample(time.perf_counter() - began, 0, f"{type(exc).__name__}: {exc}")
            samples[number].append(sample)
            calls += 1

    threads = [threading.Thread(target=loop, args=(n,)) for n in range(len(clients))]
    for thread in threads:
        thread.start()
    began = time.perf_counter()
    stop_at.append(began + seconds)
    start.wait()
    for thread in threads:
        thread.join()
    return [s for per_client in samples for s in per_client], time.perf_counter() - began


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def table_row(name: str, samples: list[Sample], elapsed: float) -> str:
    times = [s.seconds * 1000 for s in samples]
    failed = sum(1 for s in samples if not 200 <= s.status < 300)
    return (f"| {name} | {len(samples)} | {len(samples) / elapsed:.1f} | {statistics.median(times):.1f} | "
            f"{percentile(times, 0.99):.1f} | {failed} |")


def load_phase(url: str, clients_count: int, seconds: float, registry: dict) -> None:
    progress(f"load phase: {clients_count} clients, {seconds:g} s per operation")
    clients = [login(url, EDITOR) for _ in range(clients_count)]
    try:
        listing = expect(clients[0].get("/api/news", params={"status": "published", "per_page": 100}), "list")
        slugs = [item["slug"] for item in listing["items"]]
        if not slugs:
            raise SystemExit("no published report to read")
        drafts = []  # each client's own draft: [slug, version, fields, body]
        for number, client in enumerate(clients):
            created = expect(client.post("/api/news", json=unit_report(900_000 + number, registry)), "create draft")
            drafts.append([created["slug"], created["version"], created["fields"], created["body"]])
        preview_payload = unit_report(800_000, registry)

        def save(client: httpx.Client, number: int, call: int) -> httpx.Response:
            slug, version, fields, body = drafts[number]
            edited = f"{body}\n\n第{call + 1}次保存：补充活动照片说明和参与人数。"
            response = client.put(f"/api/news/{slug}", json={"fields": fields, "body": edited, "version": version})
            if response.is_success:
                drafts[number][1] = response.json()["version"]  # the entry as re-read after the save
            return response

        operations: list[tuple[str, Operation]] = [
            ("list", lambda c, n, i: c.get("/api/news", params={"per_page": 20})),
            ("get", lambda c, n, i: c.get(f"/api/news/{slugs[(n * 7 + i) % len(slugs)]}")),
            ("preview", lambda c, n, i: c.post("/api/preview/news", json=preview_payload)),
            ("save", save),
        ]
        rows, failures = [], []
        for name, operation in operations:
            samples, elapsed = run_clients(clients, operation, seconds)
            rows.append(table_row(name, samples, elapsed))
            failures += [(name, s) for s in samples if not 200 <= s.status < 300]
            progress(f"  {name}: {len(samples)} requests")
    finally:
        for client in clients:
            client.close()
    print(f"\n{clients_count} concurrent clients, {seconds:g} s per operation (times in ms)")
    print("| operation | requests | requests/s | median ms | p99 ms | non-2xx |")
    print("|---|---|---|---|---|---|")
    print("\n".join(rows))
    for name, sample in failures[:20]:
        print(f"  {name}: {sample.status} {sample.detail}")
    if len(failures) > 20:
        print(f"  … and {len(failures) - 20} more non-2xx responses")


# --- publish latency ----------------------------------------------------------------------------------------


def publish_once(url: str, work: Work, registry: dict, run: int, date: str | None) -> float:
    """Reviewer creates, editor submits, reviewer publishes: seconds from the publish request until it is live.

    ``date``: the report's date (None: the corpus's random date in 2022, among the other reports)."""
    report = unit_report(700_000 + run, registry)
    if date is not None:
        report["fields"]["date"] = date
    with contextlib.closing(login(url, REVIEWER)) as reviewer, contextlib.closing(login(url, EDITOR)) as editor:
        created = expect(reviewer.post("/api/news", json=report), "create (reviewer)")
        slug = created["slug"]
        expect(editor.post(f"/api/news/{slug}/submit", json={}), "submit (editor)")
        began = time.perf_counter()
        expect(reviewer.post(f"/api/news/{slug}/publish", json={}), "publish (reviewer)")
        answered = time.perf_counter() - began
        head = git(work.repo, "rev-parse", "HEAD")
        polls = Polls()
        wait_for_build(reviewer, head, timeout=1800, interval=0.05, polls=polls)
        live = time.perf_counter() - began
    page = work.output / "site" / "news" / slug / "index.html"
    if not page.is_file():
        raise SystemExit(f"{head[:10]} is live but {page} does not exist")
    print(f"  run {run + 1}: {slug} ({report['fields']['date']}): publish answered in {answered * 1000:.0f} ms,"
          f" live after {live:.2f} s"
          f" ({head[:10]}, {page.relative_to(work.root)} present; {polls.count} polls of GET /api/build,"
          f" the slowest answered in {polls.slowest * 1000:.0f} ms)")
    return live


def publish_phase(url: str, work: Work, registry: dict, runs: int = 3) -> None:
    """Reports dated after every other (the usual case: today's activity; stable pagination renders the first
    page of each of its lists again), then reports dated among the others (every list page from their date
    on moves by one)."""
    # the back-dated reports are those the earlier measurements published (2022-08-13, 2022-11-09, 2022-12-24)
    for label, dates in (("newest", [f"2022-12-{29 + run}" for run in range(runs)]), ("back-dated", [None] * runs)):
        progress(f"publish latency, {label} reports: {runs} runs")
        print(f"\npublish → live, {label} reports (poll GET /api/build every 50 ms until the new HEAD is live)")
        latencies = [publish_once(url, work, registry, run + (0 if date is None else 10), date)
                     for run, date in enumerate(dates)]
        print(f"  median {statistics.median(latencies):.2f} s from the publish request to live ({label})")


# --- main ---------------------------------------------------------------------------------------------------


def work_folder(requested: Path | None) -> Path:
    if requested is None:
        return Path(tempfile.mkdtemp(prefix="wm-cms-load-"))
    if requested.exists() and any(requested.iterdir()):
        raise SystemExit(f"the work folder {requested} is not empty")
    requested.mkdir(parents=True, exist_ok=True)
    return requested.resolve()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=0, help="synthetic reports (0: the sample content)")
    parser.add_argument("--seconds", type=float, default=10, help="seconds per operation in the load phase")
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients")
    parser.add_argument("--work", type=Path, default=None, help="work folder (default: a temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args()
    # Measured as Python runs by default: compiled modules cached in __pycache__ (some sandboxes set
    # PYTHONDONTWRITEBYTECODE, and every build and worker process then compiles the package again: ~0.2 s).
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    root = work_folder(args.work)
    try:
        work = prepare(root, args.reports)
        registry = load_registry(work.content)
        corpus = f"{args.reports} synthetic reports" if args.reports else "the sample content"
        with running_server(work) as url:
            with contextlib.closing(login(url, REVIEWER)) as client:
                progress("waiting for the first build…")
                began = time.perf_counter()
                state = wait_for_build(client, None, timeout=3600, interval=0.5, report_every=15)
                first = time.perf_counter() - began
            print(f"CMS load benchmark on {corpus} ({os.cpu_count()} CPUs)")
            print(f"first build: {first:.1f} s after the server answered (revision {state['revision'][:10]})")
            load_phase(url, args.clients, args.seconds, registry)
            publish_phase(url, work, registry)
    finally:
        if args.keep:
            print(f"\nwork folder kept: {root} (server log: {root / 'server.log'})")
        else:
            shutil.rmtree(root, ignore_errors=True)
            print(f"\nwork folder {root} deleted")


if __name__ == "__main__":
    main()
