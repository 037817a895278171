#!/usr/bin/env python3
"""Build benchmark of ours against Hugo + Pagefind and plain Pelican on the same corpus: cold build (also with
only the image-variant cache kept), no-change rebuild, one body edit, one added report (back-dated, and one
dated after every other), peak memory; for ours also a body edit in the live preview (until visible, until
everything is up to date).

Hugo + Pagefind (bench/peers/hugo/: the corpus converted untimed, Hugo installed by its install.sh when
missing) makes the same outputs wherever Hugo can; plain Pelican (default theme and settings, bodies only,
no images) is the second reference.

Before each cold build, of every peer, the kernel's caches are written back and dropped and the build's inputs
read back in (as root; measure.settle_file_system says why: on this machine's file system, making a file costs
more the more earlier runs deleted).

Usage: .venv/bin/python bench/run.py [--sizes 1000 10000] [--runs 3] [--without hugo pelican] [--no-memory]
       .venv/bin/python bench/run.py --check   (build a small corpus with Hugo + Pagefind and check its outputs)
Prints a table of medians. Timings are measured, never asserted.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import queue
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from corpus import generate  # noqa: E402
from measure import python_inputs, settle_file_system, timed  # noqa: E402
from peers.hugo import driver as hugo  # noqa: E402
from peers.hugo.convert import convert  # noqa: E402

from wenming.build.lock import build_lock  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
Timing = tuple[float, int]  # wall seconds, peak KiB (0 unless sampled)
OUR_CODE = [ROOT / "build.py", ROOT / "wenming", ROOT / "plugins", ROOT / "theme"]


def settled(inputs: list[Path]) -> None:
    """Before a cold build: the same kernel caches for every peer (measure.settle_file_system)."""
    if not settle_file_system(inputs + python_inputs()) and not getattr(settled, "warned", False):
        settled.warned = True
        log("  (not root: the kernel's caches are not dropped before cold builds, so cold timings depend on "
            "what earlier runs deleted; see bench/measure.py settle_file_system)")


def our_build(content: Path, output: Path, memory: bool = False) -> Timing:
    """Our build, timed until it exits (the site is live then); then a wait (untimed) for what it left running:
    the child saving its caches (it holds the output's build lock until they are saved) and the detached
    deletion of the site it replaced (``output/.trash``), so that neither takes CPU from the next build timed,
    and a cold build's folder is not deleted while caches are written into it."""
    timing = timed([sys.executable, str(ROOT / "build.py"), "build", "--content", str(content), "--output",
                    str(output)], memory=memory)
    with build_lock(output, lambda message: None):
        pass
    wait_for_discards(output)
    return timing


def wait_for_discards(output: Path, timeout: float = 600) -> None:
    """Wait until the trees our build (or preview) retired into ``output/.trash`` are deleted."""
    trash, deadline = output / ".trash", time.monotonic() + timeout
    while trash.is_dir() and any(trash.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.1)


@contextlib.contextmanager
def appended(path: Path, addition: str) -> Iterator[None]:
    """``addition`` appended to the file, undone after."""
    original = path.read_text(encoding="utf-8")
    path.write_text(original + addition, encoding="utf-8")
    try:
        yield
    finally:
        path.write_text(original, encoding="utf-8")


@contextlib.contextmanager
def copied(path: Path, target: Path, change: Callable[[str], str]) -> Iterator[None]:
    """A copy of the file at ``target``, its text changed by ``change`` (a new slug, date…), removed after."""
    target.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")
    try:
        yield
    finally:
        target.unlink()


def replaced(old: str, new: str) -> Callable[[str], str]:
    return lambda text: text.replace(old, new, 1)


# After every report of the corpus (dated in 2022, days 1 to 28): the common case of a new report, which stable
# pagination keeps from moving any archive page. The plain "added" copy keeps its date (back-dated, mid-year).
NEWEST_DATE = "2022-12-31"


def newest(old: str, new: str) -> Callable[[str], str]:
    """The copy's slug (or title) changed, and dated NEWEST_DATE (Hugo's copy also moves to that month's term)."""
    def change(text: str) -> str:
        text = re.sub(r"^date: (['\"]?)[0-9-]+\1$", f"date: \\g<1>{NEWEST_DATE}\\g<1>", text, count=1, flags=re.M)
        text = re.sub(r"^- 2022-\d\d$", f"- {NEWEST_DATE[:7]}", text, count=1, flags=re.M)
        return text.replace(old, new, 1)
    return change


def edit_addition(run: int) -> str:
    return f"\n补充一段（第{run}次修改）。\n"


def edit_then_add(report: Path, added: Path, old: str, new: str, build: Callable[[], Timing],
                  run: int) -> list[Timing]:
    """Rebuilds after editing one report's body, after adding a copy of it (back-dated), and after adding a copy
    dated after every other report; each undone and built again (untimed), so that each starts from the
    unchanged corpus's site."""
    timings = []
    for change in (appended(report, edit_addition(run)), copied(report, added, replaced(old, new)),
                   copied(report, added, newest(old, new))):
        with change:
            timings.append(build())
        build()
    return timings


def edited_report(content: Path) -> Path:
    """The report every scenario edits (and copies as the added one)."""
    return next((content / "news").rglob("*.md"))


def our_edit_then_add(content: Path, output: Path, run: int, memory: bool = False) -> list[Timing]:
    return edit_then_add(edited_report(content), content / "news" / "added.md", "slug: bench-", "slug: added-bench-",
                         lambda: our_build(content, output, memory), run)


def cold_with_image_cache(content: Path, output: Path) -> Timing:
    """A cold build that keeps only the image-variant cache (as a deployment that caches it between builds
    would): everything else (parsed files, Markdown, pages, search) is made from scratch."""
    kept = output.parent / f"{output.name}-image-cache"
    shutil.rmtree(kept, ignore_errors=True)
    (output / ".cache" / "images").rename(kept)
    shutil.rmtree(output)
    (output / ".cache").mkdir(parents=True)
    kept.rename(output / ".cache" / "images")
    settled([content, output / ".cache", *OUR_CODE])
    return our_build(content, output)


def pelican_build(content: Path, output: Path, memory: bool = False) -> Timing:
    return timed([sys.executable, "-m", "pelican", str(content), "-o", str(output), "-q",
                  "-s", str(Path(__file__).resolve().parent / "pelicanconf.py")], memory=memory)


def pelican_edit_then_add(plain: Path, content: Path, output: Path, run: int, memory: bool = False) -> list[Timing]:
    """The same edit and additions as ours, on the same report's plain Markdown (the copy gets a new title)."""
    report = plain / edited_report(content).relative_to(content)
    return edit_then_add(report, plain / "news" / "added.md", "title: ", "title: 新增",
                         lambda: pelican_build(plain, output, memory), run)


def hugo_build(site: Path, memory: bool = False) -> Timing:
    return timed(hugo.build_command(site), memory=memory)


def hugo_edit_then_add(site: Path, content: Path, run: int, memory: bool = False) -> list[Timing]:
    """The same edit and additions as ours, on the same report of the converted tree."""
    slug = re.search(r"^slug: (\S+)", edited_report(content).read_text(encoding="utf-8"), re.M).group(1)
    return edit_then_add(hugo.report_file(site, slug), hugo.report_file(site, f"added-{slug}"), f"slug: {slug}",
                         f"slug: added-{slug}", lambda: hugo_build(site, memory), run)


def page_shows(url: str, text: str) -> bool:
    """Whether the page at ``url`` contains ``text``; a refused or reset connection (the preview server
    busy swapping in a build under load) counts as not yet."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return text in response.read().decode("utf-8")
    except (ConnectionError, urllib.error.URLError):
        return False


def preview_edit(content: Path, output: Path, run: int) -> tuple[float, float]:
    """`build.py serve`: seconds from saving a body edit until the report page shows it, and until the
    background full build has brought everything else (lists, feeds, search) up to date."""
    process = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "serve", "--port", "0", "--content",
                                str(content), "--output", str(output)], stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True)
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in process.stdout], daemon=True).start()
    seen: list[str] = []

    def wait_for(pattern: str, after: int = 0, timeout: float = 1800) -> re.Match:
        """The first line from index ``after`` on (waiting for more output) that matches ``pattern``."""
        deadline = time.monotonic() + timeout
        index = after
        while time.monotonic() < deadline:
            while index < len(seen):
                match = re.search(pattern, seen[index])
                index += 1
                if match:
                    return match
            try:
                seen.append(lines.get(timeout=1))
            except queue.Empty:
                continue
        raise SystemExit(f"serve did not print {pattern!r}")

    try:
        url = wait_for(r"http://127\.0\.0\.1:\d+/").group(0)
        wait_for(r"quick preview ready")  # after the build that gives quick renders their starting point
        while True:  # and the lines printed after it (the start-up build's own "✓ site rebuilt", say)
            try:
                seen.append(lines.get(timeout=1))
            except queue.Empty:
                break
        edited = edited_report(content)
        slug = re.search(r"^slug: (\S+)", edited.read_text(encoding="utf-8"), re.M).group(1)
        marker = f"预览测速第{run}次修改"
        before_edit = len(seen)
        started = time.perf_counter()
        with appended(edited, f"\n{marker}。\n"):
            while not page_shows(f"{url}news/{slug}/", marker):
                if process.poll() is not None:
                    raise SystemExit("build.py serve exited before the edit was visible")
                time.sleep(0.02)
            visible = time.perf_counter() - started
            wait_for(r"✓ site rebuilt", after=before_edit)
            settled = time.perf_counter() - started
        return visible, settled
    finally:
        process.terminate()
        process.wait(timeout=30)


PEERS = {"ours": "ours", "hugo": "Hugo + Pagefind", "pelican": "plain Pelican"}
SCENARIOS = [("cold build", "cold", 1), ("cold, image variants cached", "cold_images_cached", 1),
             ("no-change rebuild", "nochange", 1), ("one body edit", "edit", 1),
             ("one added report (back-dated)", "add", 1), ("one added report (newest)", "add_newest", 1),
             ("peak memory, MiB (PSS, all processes)", "peak_mib", 0),
             ("edit visible in preview", "visible", 2), ("preview settled", "settled", 1)]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


EDITS = ("edit", "add", "add_newest")  # the scenarios of edit_then_add, in its order


class Results(dict):
    """Scenario -> seconds, each logged as it is measured (a run cut short still shows what it measured)."""

    def __init__(self, peer: str) -> None:
        super().__init__()
        self.peer = peer

    def __setitem__(self, key: str, seconds: float) -> None:
        super().__setitem__(key, seconds)
        log(f"  {PEERS[self.peer]}: {key} {seconds:.2f} s")

    def edits(self, timings: list[Timing]) -> None:
        for key, (seconds, _) in zip(EDITS, timings, strict=True):
            self[key] = seconds


def run_ours(content: Path, output: Path, run: int) -> dict[str, float]:
    shutil.rmtree(output, ignore_errors=True)
    result = Results("ours")
    settled([content, *OUR_CODE])
    result["cold"] = our_build(content, output)[0]
    result["nochange"] = our_build(content, output)[0]
    result["cold_images_cached"] = cold_with_image_cache(content, output)[0]
    result.edits(our_edit_then_add(content, output, run))
    result["visible"], result["settled"] = preview_edit(content, output, run)
    wait_for_discards(output)
    return result


def run_hugo(site: Path, content: Path, run: int) -> dict[str, float]:
    hugo.clear(site)
    result = Results("hugo")
    settled(hugo.inputs(site))
    result["cold"] = hugo_build(site)[0]
    if run == 0:
        log(f"  Hugo + Pagefind outputs checked: {hugo.verify(site)}")
    result["nochange"] = hugo_build(site)[0]
    hugo.clear(site, keep_image_cache=True)
    settled(hugo.inputs(site))
    result["cold_images_cached"] = hugo_build(site)[0]
    result.edits(hugo_edit_then_add(site, content, run))
    return result


def run_pelican(plain: Path, content: Path, output: Path, run: int) -> dict[str, float]:
    """Plain Pelican has no images (nothing to cache) and no cache of its own at default settings."""
    shutil.rmtree(output, ignore_errors=True)
    result = Results("pelican")
    settled([plain])
    result["cold"] = pelican_build(plain, output)[0]
    result["nochange"] = pelican_build(plain, output)[0]
    result.edits(pelican_edit_then_add(plain, content, output, run))
    return result


def peak_mib(peer: str, work: Path, count: int, run: int) -> float:
    """Peak memory over a cold build, one edit and one added report, sampled in builds of their own."""
    content, output = work / f"content-{count}", work / f"out-{peer}-{count}"
    if peer == "ours":
        shutil.rmtree(output, ignore_errors=True)
        builds = [our_build(content, output, memory=True)] + our_edit_then_add(content, output, run, memory=True)
    elif peer == "hugo":
        site = work / f"hugo-{count}"
        hugo.clear(site)
        builds = [hugo_build(site, memory=True)] + hugo_edit_then_add(site, content, run, memory=True)
    else:
        plain = work / f"plain-{count}"
        shutil.rmtree(output, ignore_errors=True)
        builds = [pelican_build(plain, output, memory=True)] + pelican_edit_then_add(plain, content, output, run,
                                                                                     memory=True)
    return max(peak for _, peak in builds) / 1024


def measure(count: int, runs: int, work: Path, peers: list[str], memory: bool = True) -> dict[str, dict[str, float]]:
    """Medians per peer and scenario at ``count`` reports."""
    log(f"N={count}: generating corpus…")
    content = generate(work / f"content-{count}", count)
    if "pelican" in peers:
        generate(work / f"plain-{count}", count, minimal=True)
    if "hugo" in peers:
        log(f"  {hugo.ensure_hugo()}")
        convert(content, work / f"hugo-{count}")
    samples: dict[str, dict[str, list[float]]] = {peer: {} for peer in peers}
    for run in range(runs):
        log(f"N={count}: run {run + 1}/{runs}")
        for peer in peers:
            if peer == "ours":
                result = run_ours(content, work / f"out-ours-{count}", run)
            elif peer == "hugo":
                result = run_hugo(work / f"hugo-{count}", content, run)
            else:
                result = run_pelican(work / f"plain-{count}", content, work / f"out-pelican-{count}", run)
            for key, value in result.items():
                samples[peer].setdefault(key, []).append(value)
    if memory:
        log(f"N={count}: memory (cold build, one edit, one added, sampled in builds of their own)")
        for peer in peers:
            samples[peer]["peak_mib"] = [peak_mib(peer, work, count, runs)]
            log(f"  {PEERS[peer]}: peak {samples[peer]['peak_mib'][0]:.0f} MiB")
    return {peer: {key: statistics.median(values) for key, values in rows.items()} for peer, rows in samples.items()}


def table(count: int, runs: int, results: dict[str, dict[str, float]]) -> str:
    """Markdown table: a row per scenario, a column per peer, and ours ÷ Hugo + Pagefind."""
    peers = list(results)
    ratio = "ours" in results and "hugo" in results
    lines = [f"N = {count:,}: medians of {runs} runs (seconds; memory in MiB, one sampled series)", "",
             "| scenario | " + " | ".join(PEERS[p] for p in peers) + (" | ours ÷ Hugo + Pagefind |" if ratio else " |"),
             "|---" * (len(peers) + 1 + ratio) + "|"]
    for title, key, digits in SCENARIOS:
        if not any(key in results[p] for p in peers):
            continue
        cells = [f"{results[p][key]:.{digits}f}" if key in results[p] else "—" for p in peers]
        if ratio:
            both = key in results["ours"] and key in results["hugo"]
            cells.append(f"{results['ours'][key] / results['hugo'][key]:.2f}" if both else "—")
        lines.append(f"| {title} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def check(work: Path) -> None:
    """Build a small corpus (every cover photo on some report) with Hugo + Pagefind and check every output."""
    log(hugo.ensure_hugo())
    content = generate(work / "content-check", 30, image_fraction=0.3)
    site = convert(content, work / "hugo-check")
    seconds = hugo_build(site)[0]
    print(f"Hugo + Pagefind built 30 reports in {seconds:.1f} s; outputs checked: {hugo.verify(site)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--without", nargs="+", choices=["hugo", "pelican"], default=[],
                        help="peers to leave out")
    parser.add_argument("--check", action="store_true",
                        help="only build a small corpus with Hugo + Pagefind and check its outputs")
    parser.add_argument("--no-memory", action="store_true", help="leave out the builds that sample memory")
    parser.add_argument("--work", type=Path, default=None, help="work folder (default: a temporary one)")
    args = parser.parse_args()
    # Measured as Python runs by default: compiled modules cached in __pycache__ (some sandboxes set
    # PYTHONDONTWRITEBYTECODE, and every build and worker process then compiles the package again: ~0.2 s).
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    work = args.work or Path(tempfile.mkdtemp(prefix="wm-bench-"))
    if args.check:
        check(work)
        return
    peers = [peer for peer in PEERS if peer not in args.without]
    for count in args.sizes:
        print("\n" + table(count, args.runs, measure(count, args.runs, work, peers, not args.no_memory)), flush=True)


if __name__ == "__main__":
    main()
