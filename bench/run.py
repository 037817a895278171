#!/usr/bin/env python3
"""Build benchmark: cold build (also with only the image-variant cache kept), no-change rebuild,
one-report edit, one added report, a body edit in the live preview (until visible, until everything
is up to date), peak memory, and plain Pelican with its default theme on the same Markdown as the reference.

Usage: .venv/bin/python bench/run.py [--sizes 1000 10000] [--runs 3]
Prints a table of medians. Timings are measured, never asserted.
"""

from __future__ import annotations

import argparse
import queue
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from corpus import generate  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
# One sample reads /proc/<pid>/smaps_rollup of every process of the build (7-20 ms of kernel time): every
# 50 ms that took 15-30% of a core from the build being timed; every 250 ms still catches each Pagefind run.
SAMPLE_SECONDS = 0.25


def _tree_rss_kib(root: int) -> int:
    """Resident memory (proportional set size, KiB) of a process and all its descendants, from /proc."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent and pid not in tree]
        tree.update(children)
        frontier.extend(children)
    total = 0
    for pid in tree:  # proportional set size: pages shared by forked workers are counted once
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
            total += int(re.search(r"^Pss:\s+(\d+) kB", rollup, re.M).group(1))
        except (OSError, AttributeError, ValueError):
            pass
    return total


def timed(command: list[str], cwd: Path | None = None, memory: bool = False) -> tuple[float, int]:
    """Wall seconds and, with ``memory``, peak resident memory (KiB) of a command, summed over all its
    processes (our build runs Pagefind alongside itself), sampled every SAMPLE_SECONDS.

    Timings are taken without sampling: reading smaps_rollup of a busy multi-process build slowed it
    by 8 s (11%) at 10,000 reports even every 250 ms, so memory is measured in builds of its own."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak = 0
    if memory:
        while process.poll() is None:
            peak = max(peak, _tree_rss_kib(process.pid))
            time.sleep(SAMPLE_SECONDS)
    else:
        process.wait()
    elapsed = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"command failed: {' '.join(command)}\n{process.stderr.read()[-3000:]}")
    return elapsed, peak


def our_build(content: Path, output: Path, memory: bool = False) -> tuple[float, int]:
    return timed([sys.executable, str(ROOT / "build.py"), "build", "--content", str(content), "--output", str(output)],
                 memory=memory)


def edit_then_add(content: Path, output: Path, run: int, memory: bool = False) -> list[tuple[float, int]]:
    """Rebuilds after editing one report's body, then after adding one report (both undone after)."""
    edited = next((content / "news").rglob("*.md"))
    original = edited.read_text(encoding="utf-8")
    edited.write_text(original + f"\n补充一段（第{run}次修改）。\n", encoding="utf-8")
    try:
        edit = our_build(content, output, memory)
    finally:
        edited.write_text(original, encoding="utf-8")
    added = content / "news" / "added.md"
    added.write_text(original.replace("slug: bench-", "slug: added-bench-"), encoding="utf-8")
    try:
        add = our_build(content, output, memory)
    finally:
        added.unlink()
    return [edit, add]


def cold_with_image_cache(content: Path, output: Path) -> tuple[float, int]:
    """A cold build that keeps only the image-variant cache (as a deployment that caches it between builds
    would): everything else (parsed files, Markdown, pages, search) is made from scratch."""
    kept = output.parent / f"{output.name}-image-cache"
    shutil.rmtree(kept, ignore_errors=True)
    (output / ".cache" / "images").rename(kept)
    shutil.rmtree(output)
    (output / ".cache").mkdir(parents=True)
    kept.rename(output / ".cache" / "images")
    return our_build(content, output)


def pelican_build(content: Path, output: Path) -> tuple[float, int]:
    return timed([sys.executable, "-m", "pelican", str(content), "-o", str(output), "-q",
                  "-s", str(Path(__file__).resolve().parent / "pelicanconf.py")])


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
        edited = next((content / "news").rglob("*.md"))
        original = edited.read_text(encoding="utf-8")
        slug = re.search(r"^slug: (\S+)", original, re.M).group(1)
        marker = f"预览测速第{run}次修改"
        before_edit = len(seen)
        started = time.perf_counter()
        edited.write_text(original + f"\n{marker}。\n", encoding="utf-8")
        while True:
            with urllib.request.urlopen(f"{url}news/{slug}/", timeout=30) as response:
                if marker in response.read().decode("utf-8"):
                    break
            time.sleep(0.02)
        visible = time.perf_counter() - started
        wait_for(r"✓ site rebuilt", after=before_edit)
        settled = time.perf_counter() - started
        edited.write_text(original, encoding="utf-8")
        return visible, settled
    finally:
        process.terminate()
        process.wait(timeout=30)


def measure(count: int, runs: int, work: Path) -> dict[str, float]:
    print(f"N={count}: generating corpus…", file=sys.stderr, flush=True)
    content = generate(work / f"content-{count}", count)
    plain = generate(work / f"plain-{count}", count, minimal=True)
    rows: dict[str, list[float]] = {k: [] for k in ("cold", "cold_images_cached", "nochange", "edit", "add",
                                                     "peak_mib", "pelican", "visible", "settled")}
    for run in range(runs):
        print(f"N={count}: run {run + 1}/{runs}", file=sys.stderr, flush=True)
        output = work / f"out-{count}"
        shutil.rmtree(output, ignore_errors=True)
        cold = our_build(content, output)[0]
        rows["cold"].append(cold)
        rows["nochange"].append(our_build(content, output)[0])
        print(f"  cold {cold:.1f} s, no-change {rows['nochange'][-1]:.1f} s", file=sys.stderr, flush=True)
        rows["cold_images_cached"].append(cold_with_image_cache(content, output)[0])
        print(f"  cold with cached image variants {rows['cold_images_cached'][-1]:.1f} s", file=sys.stderr, flush=True)
        (edit, _), (add, _) = edit_then_add(content, output, run)
        rows["edit"].append(edit)
        rows["add"].append(add)
        print(f"  edit {edit:.1f} s, add {add:.1f} s", file=sys.stderr, flush=True)
        visible, settled = preview_edit(content, output, run)
        rows["visible"].append(visible)
        rows["settled"].append(settled)
        print(f"  preview: visible {visible:.2f} s, settled {settled:.1f} s", file=sys.stderr, flush=True)
        shutil.rmtree(work / f"pelican-{count}", ignore_errors=True)
        rows["pelican"].append(pelican_build(plain, work / f"pelican-{count}")[0])
        print(f"  plain Pelican {rows['pelican'][-1]:.1f} s", file=sys.stderr, flush=True)
    print(f"N={count}: memory (cold build, one edit, one added, sampled in builds of their own)", file=sys.stderr,
          flush=True)
    output = work / f"out-{count}"
    shutil.rmtree(output, ignore_errors=True)
    peaks = [our_build(content, output, memory=True)[1]] + [peak for _, peak in edit_then_add(content, output, runs,
                                                                                             memory=True)]
    rows["peak_mib"].append(max(peaks) / 1024)
    print(f"  peak {rows['peak_mib'][-1]:.0f} MiB", file=sys.stderr, flush=True)
    return {key: statistics.median(values) for key, values in rows.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", type=Path, default=None, help="work folder (default: a temporary one)")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="wm-bench-"))
    results = {n: measure(n, args.runs, work) for n in args.sizes}
    print(f"\nmedians of {args.runs} runs (seconds; memory in MiB)")
    columns = [("cold build", "cold", 1), ("cold, image variants cached", "cold_images_cached", 1),
               ("no-change rebuild", "nochange", 1), ("one edit", "edit", 1), ("one added", "add", 1),
               ("edit visible in preview", "visible", 2), ("preview settled", "settled", 1),
               ("peak memory (PSS, all processes)", "peak_mib", 0), ("plain Pelican", "pelican", 1)]
    print("| N | " + " | ".join(title for title, _, _ in columns) + " | cold ÷ Pelican |")
    print("|---" * (len(columns) + 2) + "|")
    for n, r in results.items():
        cells = [f"{r[key]:.{digits}f}" for _, key, digits in columns]
        print(f"| {n} | " + " | ".join(cells) + f" | {r['cold'] / r['pelican']:.2f} |")


if __name__ == "__main__":
    main()
