#!/usr/bin/env python3
"""`make bench`: times `tidings build` on synthetic digests shaped like the seed.

For each size it generates the corpus once (deterministic, cached under
target/bench/), runs the build several times and prints the median wall time,
digests/s, MB/s of Markdown read, and the peak resident memory of the build.
Figures, not pass/fail: these machines are noisy, so compare runs side by side.
"""
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / "target" / "native" / "tidings"
WORK = ROOT / "target" / "bench"
SIZES = [int(n) for n in os.environ.get("BENCH_SIZES", "1000 10000").split()]
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
SEED = 1
# Size of each worst-case digest (see `tidings::synth::worst_cases`).
WORST_MB = float(os.environ.get("BENCH_WORST_MB", "2"))


def corpus(n: int) -> Path:
    folder = WORK / f"content-{n}-seed{SEED}"
    stamp = folder / ".complete"
    if not stamp.exists():
        subprocess.run(["rm", "-rf", str(folder)], check=True)
        subprocess.run([str(BIN), "generate", "--count", str(n), "--seed", str(SEED), "--out", str(folder)], check=True)
        stamp.write_text("ok\n")
    return folder


def input_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*.md"))


def run_once(content: Path, out: Path):
    start = time.perf_counter()
    proc = subprocess.Popen([str(BIN), "build", "--content", str(content), "--out", str(out), "--quiet"])
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if status != 0:
        sys.exit(f"tidings build failed on {content} (status {status})")
    return wall, usage.ru_maxrss * 1024  # ru_maxrss is in KiB on Linux


def tree_size(folder: Path):
    files = [p for p in folder.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def main():
    print(f"tidings build, median of {RUNS} runs, {os.cpu_count()} cores")
    print(f"{'digests':>8} {'items':>8} {'input MB':>9} {'wall s':>8} {'digests/s':>10} {'MB/s':>7} {'peak MiB':>9} {'files':>7} {'out MB':>7}")
    for n in SIZES:
        content = corpus(n)
        mb = input_bytes(content) / 1e6
        out = WORK / f"out-{n}"
        runs = [run_once(content, out) for _ in range(RUNS)]
        wall = statistics.median(r[0] for r in runs)
        peak = max(r[1] for r in runs) / 2**20
        files, size = tree_size(out)
        items = sum(1 for _ in subprocess.run([str(BIN), "list", "--content", str(content)], check=True, capture_output=True, text=True).stdout.splitlines())
        print(f"{n:>8} {items:>8} {mb:>9.1f} {wall:>8.3f} {n / wall:>10.0f} {mb / wall:>7.1f} {peak:>9.0f} {files:>7} {size / 1e6:>7.1f}")
    print("targets: 10,000 digests in under 2 s, peak memory under 1 GiB")
    worst()


def worst():
    """Each slow-to-parse input as a site of one digest: the whole build's
    time per MB of Markdown, against the target of about a second per MB."""
    folder = WORK / f"worst-{WORST_MB:g}mb"
    stamp = folder / ".complete"
    if not stamp.exists():
        subprocess.run(["rm", "-rf", str(folder)], check=True)
        subprocess.run([str(BIN), "generate-worst", "--bytes", str(int(WORST_MB * 1e6)), "--out", str(folder)], check=True)
        stamp.write_text("ok\n")
    runs = max(1, min(RUNS, 3))
    print(f"\nworst cases, one digest each, median of {runs} builds (target: at most ~1 s per MB)")
    print(f"{'case':<12} {'input MB':>9} {'wall s':>8} {'s/MB':>6} {'peak MiB':>9}  target")
    for case in sorted(p for p in folder.iterdir() if p.is_dir()):
        mb = input_bytes(case) / 1e6
        out = WORK / f"worst-out-{case.name}"
        results = [run_once(case, out) for _ in range(runs)]
        wall = statistics.median(r[0] for r in results)
        peak = max(r[1] for r in results) / 2**20
        per = wall / mb
        print(f"{case.name:<12} {mb:>9.2f} {wall:>8.3f} {per:>6.2f} {peak:>9.0f}  {'met' if per <= 1.0 else 'MISSED'}")


if __name__ == "__main__":
    main()
