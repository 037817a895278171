#!/usr/bin/env python3
"""Build benchmark: cold build, no-change rebuild, one-report edit, one added report, peak memory,
and plain Pelican with its default theme on the same Markdown as the reference.

Usage: .venv/bin/python bench/run.py [--sizes 1000 10000] [--runs 3]
Prints a table of medians. Timings are measured, never asserted.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from corpus import generate  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TIME = "/usr/bin/time"


def timed(command: list[str], cwd: Path | None = None) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB, from GNU time's %M or resource usage) of a command."""
    started = time.perf_counter()
    if Path(TIME).exists():
        result = subprocess.run([TIME, "-f", "%M", *command], cwd=cwd, capture_output=True, text=True)
        peak = int(result.stderr.strip().splitlines()[-1]) if result.returncode == 0 else 0
    else:
        import resource

        result = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"command failed: {' '.join(command)}\n{result.stderr[-3000:]}")
    return elapsed, peak


def our_build(content: Path, output: Path) -> tuple[float, int]:
    return timed([sys.executable, str(ROOT / "build.py"), "build", "--content", str(content), "--output", str(output)])


def pelican_build(content: Path, output: Path) -> tuple[float, int]:
    return timed([sys.executable, "-m", "pelican", str(content), "-o", str(output), "-q",
                  "-s", str(Path(__file__).resolve().parent / "pelicanconf.py")])


def measure(count: int, runs: int, work: Path) -> dict[str, float]:
    print(f"N={count}: generating corpus…", file=sys.stderr, flush=True)
    content = generate(work / f"content-{count}", count)
    plain = generate(work / f"plain-{count}", count, minimal=True)
    rows: dict[str, list[float]] = {k: [] for k in ("cold", "nochange", "edit", "add", "peak_mib", "pelican")}
    for run in range(runs):
        print(f"N={count}: run {run + 1}/{runs}", file=sys.stderr, flush=True)
        output = work / f"out-{count}"
        shutil.rmtree(output, ignore_errors=True)
        cold, peak = our_build(content, output)
        rows["cold"].append(cold)
        rows["peak_mib"].append(peak / 1024)
        rows["nochange"].append(our_build(content, output)[0])
        edited = next((content / "news").rglob("*.md"))
        original = edited.read_text(encoding="utf-8")
        edited.write_text(original + f"\n补充一段（第{run}次修改）。\n", encoding="utf-8")
        rows["edit"].append(our_build(content, output)[0])
        edited.write_text(original, encoding="utf-8")
        added = content / "news" / "added.md"
        added.write_text(original.replace("slug: bench-", "slug: added-bench-"), encoding="utf-8")
        rows["add"].append(our_build(content, output)[0])
        added.unlink()
        shutil.rmtree(work / f"pelican-{count}", ignore_errors=True)
        rows["pelican"].append(pelican_build(plain, work / f"pelican-{count}")[0])
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
    print("| N | cold build | no-change rebuild | one edit | one added | peak RSS | plain Pelican | cold ÷ Pelican |")
    print("|---|---|---|---|---|---|---|---|")
    for n, r in results.items():
        print(f"| {n} | {r['cold']:.1f} | {r['nochange']:.1f} | {r['edit']:.1f} | {r['add']:.1f} | "
              f"{r['peak_mib']:.0f} | {r['pelican']:.1f} | {r['cold'] / r['pelican']:.2f} |")


if __name__ == "__main__":
    main()
