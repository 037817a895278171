"""Timing and peak memory of a command and all its processes (shared by the benchmark's drivers)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterable
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


DROP_CACHES = Path("/proc/sys/vm/drop_caches")


def settle_file_system(inputs: Iterable[Path]) -> bool:
    """Before a cold build, give every peer the same kernel caches: write back and drop them (root only), then
    read ``inputs`` (sources, caches kept, the tools' programs) back in. Returns whether the caches were dropped.

    Why: on this machine's ext4 (no journal), every new inode first asks whether the free inode it takes was
    deleted in the last 30 s (``recently_deleted``), a lookup in the block device's cached inode tables that
    grows with what earlier builds and deletions left cached. Creating 20,000 folders and files took 3 s after
    dropping the caches and 8, 13, 18, 21, 24 s in five repetitions after it (perf: ~60% of the time in
    ``recently_deleted``/``find_get_block_common``); the same build of one peer varied by half. Both peers
    make ~53,000 inodes at 10,000 reports, so without this a run measures mostly how much the runs before it
    deleted."""
    os.sync()
    try:
        DROP_CACHES.write_text("3\n")
    except OSError:
        return False
    for top in inputs:
        for path in [top] if top.is_file() else top.rglob("*"):
            try:
                if path.is_file() and not path.is_symlink():
                    with path.open("rb") as handle:
                        while handle.read(1 << 20):
                            pass
            except OSError:
                continue
    return True


def python_inputs() -> list[Path]:
    """What a Python command of the bench reads besides its content: the interpreter's environment."""
    return [Path(sys.prefix), Path(sys.base_prefix) / "lib"]
