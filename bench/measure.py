"""Timing and peak memory of a command and all its processes (shared by the benchmark's drivers)."""

from __future__ import annotations

import re
import subprocess
import time
from pathlib import Path

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
    by 8 s (11%) at 10,000 reports even every 250 ms, so memory is measured in builds of their own."""
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
