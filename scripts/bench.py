#!/usr/bin/env python3
"""`make bench`: times `tidings build` on synthetic digests shaped like the seed.

For each size it generates the corpus once (deterministic, cached under
target/bench/), runs the build several times and prints the median wall time,
digests/s, MB/s of Markdown read, and the peak resident memory of the build.
Figures, not pass/fail: these machines are noisy, so compare runs side by side.
"""
import filecmp
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Another build of tidings may be timed (to compare two side by side).
BIN = Path(os.environ.get("TIDINGS_BIN", ROOT / "target" / "native" / "tidings"))
WORK = ROOT / "target" / "bench"
SIZES = [int(n) for n in os.environ.get("BENCH_SIZES", "1000 10000").split()]
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
SEED = 1
# Size of each worst-case digest (see `tidings::synth::worst_cases`).
WORST_MB = float(os.environ.get("BENCH_WORST_MB", "2"))
# Which parts to run: the sizes table, Hugo beside it, rebuilds, `make
# serve`'s watcher, worst cases.
PARTS = os.environ.get("BENCH_PARTS", "sizes hugo rebuild watch worst").split()


def made_once(folder: Path, make) -> Path:
    """`folder`, made by `make(folder)` unless a complete one is there
    (generated inputs are deterministic, so they are kept between runs)."""
    stamp = folder / ".complete"
    if not stamp.exists():
        clean(folder)
        make(folder)
        stamp.write_text("ok\n")
    return folder


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def corpus(n: int) -> Path:
    return made_once(WORK / f"content-{n}-seed{SEED}", lambda folder: subprocess.run(
        [str(BIN), "generate", "--count", str(n), "--seed", str(SEED), "--out", str(folder)], check=True))


def input_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*.md"))


def timed(cmd):
    """Wall time, peak resident memory and CPU time (user and system, in
    seconds) of `cmd`. The peak comes from GNU time where it is installed:
    a child forked from this script reports the script's own peak whenever
    that is higher (Linux keeps ru_maxrss across fork and exec). The CPU
    time tells a slow spell of the machine (system time: the kernel zeroing
    fresh memory, or stepping over recently freed inodes) from a slower
    build (user time)."""
    report = WORK / ".peak"
    gnu_time = Path("/usr/bin/time").exists()
    start = time.perf_counter()
    if gnu_time:
        status = subprocess.run(["/usr/bin/time", "-f", "%M %U %S", "-o", str(report), *cmd], stdout=subprocess.DEVNULL).returncode
    else:
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        cpu = (usage.ru_utime, usage.ru_stime)
        peak = usage.ru_maxrss * 1024
    wall = time.perf_counter() - start
    if status != 0:
        sys.exit(f"{cmd[0]} failed (status {status}): {' '.join(cmd)}")
    if gnu_time:
        # GNU time prints KiB and seconds, after any note of its own.
        kib, user, system = report.read_text().split()[-3:]
        peak, cpu = int(kib) * 1024, (float(user), float(system))
    return wall, peak, cpu


def cpu_of(runs) -> str:
    """The median user and system seconds of `runs` (from `timed`)."""
    user = statistics.median(r[2][0] for r in runs)
    system = statistics.median(r[2][1] for r in runs)
    return f"{user:.2f}+{system:.2f}"


# Where `clean` puts what it takes away; emptied when the bench ends.
TRASH = WORK / ".trash"


def clean(folder: Path):
    """Takes a previous output away, so a build is timed from scratch (a
    build leaves the files its previous output already has in place).

    It is moved aside, not removed: the files are removed when the bench
    ends. On an ext4 filesystem without a journal (this machine's),
    creating a file steps over every inode of its group freed in the last
    minute (longer while the inode's table block is unwritten), so a build
    started right after removing the 8,000-18,000 files of the last one
    timed the filesystem as much as the build: a clean build at 10,000
    digests took 5.3 s after such a removal and 3.1-3.7 s into a folder
    where nothing had been removed, with the same user time."""
    if folder.exists() or folder.is_symlink():
        TRASH.mkdir(parents=True, exist_ok=True)
        os.rename(folder, TRASH / f"{folder.name}.{time.time_ns()}")


def empty_trash():
    shutil.rmtree(TRASH, ignore_errors=True)


def run_once(content: Path, out: Path):
    clean(out)
    return timed([str(BIN), "build", "--content", str(content), "--out", str(out), "--quiet"])


def tree_size(folder: Path):
    files = [p for p in folder.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def main():
    try:
        if "sizes" in PARTS:
            sizes()
        if "hugo" in PARTS:
            against_hugo(max(SIZES))
        if "rebuild" in PARTS:
            incremental(max(SIZES))
        if "watch" in PARTS:
            watched(max(SIZES))
        if "worst" in PARTS:
            worst()
    finally:
        empty_trash()


def sizes():
    print(f"tidings build, median of {RUNS} runs, {os.cpu_count()} cores")
    print(f"{'digests':>8} {'items':>8} {'input MB':>9} {'wall s':>8} {'cpu s (user+sys)':>17} {'digests/s':>10} {'MB/s':>7} {'peak MiB':>9} {'files':>7} {'out MB':>7}")
    verdicts = []
    for n in SIZES:
        content = corpus(n)
        mb = input_bytes(content) / 1e6
        out = WORK / f"out-{n}"
        runs = [run_once(content, out) for _ in range(RUNS)]
        wall = statistics.median(r[0] for r in runs)
        peak = max(r[1] for r in runs) / 2**20
        files, size = tree_size(out)
        items = sum(1 for _ in subprocess.run([str(BIN), "list", "--content", str(content)], check=True, capture_output=True, text=True).stdout.splitlines())
        print(f"{n:>8} {items:>8} {mb:>9.1f} {wall:>8.3f} {cpu_of(runs):>17} {n / wall:>10.0f} {mb / wall:>7.1f} {peak:>9.0f} {files:>7} {size / 1e6:>7.1f}")
        if n == 10000:
            verdicts.append((f"{n} digests in under 2 s", f"{wall:.3f} s", wall < 2))
            verdicts.append((f"{n} digests, peak under 1 GiB", f"{peak:.0f} MiB", peak < 1024))
    for what, figure, ok in verdicts:
        print(f"target: {what:<32} {figure:>10}  {verdict(ok)}")


SHELL = """<!doctype html><html lang="zh"><head><meta charset="utf-8"><title>tidings</title>
<link rel="stylesheet" href="/style.css"><script type="module">import init from '/app.js';init();</script>
</head><body></body></html>"""

HUGO_PAGE = """<!doctype html><html lang="zh"><head><meta charset="utf-8"><title>{{{{ .Title }}}}</title>
<link rel="stylesheet" href="/style.css"></head><body><header><a href="/">{{{{ .Site.Title }}}}</a></header>
<main>{main}</main></body></html>"""


def hugo_site(content: Path, n: int):
    """A minimal Hugo site over the same digests: a page per digest, the
    home page, tag pages and Hugo's default feeds and sitemap."""
    def make(site: Path):
        (site / "layouts" / "_default").mkdir(parents=True)
        subprocess.run(["cp", "-r", str(content), str(site / "content")], check=True)
        (site / "hugo.toml").write_text('baseURL = "https://example.org/"\ntitle = "tidings"\nlanguageCode = "zh"\n')
        single = '<article><time>{{ .Date.Format "2006-01-02" }}</time><h1>{{ .Title }}</h1>{{ .Content }}</article>'
        listing = '<ol>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ol>'
        (site / "layouts" / "_default" / "single.html").write_text(HUGO_PAGE.format(main=single))
        (site / "layouts" / "_default" / "list.html").write_text(HUGO_PAGE.format(main=listing))
    return made_once(WORK / f"hugo-{n}", make)


def against_hugo(n: int):
    """tidings with every route page written (a minimal app shell) beside
    Hugo on the same digests, runs interleaved; the ratio of medians."""
    if subprocess.run(["sh", "-c", "command -v hugo"], capture_output=True).returncode != 0:
        print("\nno hugo on PATH: no comparison (scripts/setup.sh --browser installs it)")
        return
    content = corpus(n)
    site = hugo_site(content, n)
    shell_dir = WORK / "shell"
    shell_dir.mkdir(parents=True, exist_ok=True)
    (shell_dir / "index.html").write_text(SHELL)
    out = WORK / f"pages-{n}"
    ours = [str(BIN), "build", "--content", str(content), "--out", str(out), "--quiet",
            "--shell", str(shell_dir / "index.html"), "--base-url", "https://example.org/"]
    theirs = ["hugo", "--quiet", "--source", str(site), "--destination", str(site / "public"), "--cleanDestinationDir"]
    runs = max(RUNS, 3)
    a, b = [], []
    for _ in range(runs):
        clean(out)
        a.append(timed(ours))
        clean(site / "public")
        b.append(timed(theirs))
    ta, tb = statistics.median(r[0] for r in a), statistics.median(r[0] for r in b)
    pa, pb = max(r[1] for r in a) / 2**20, max(r[1] for r in b) / 2**20
    fa, _ = tree_size(out)
    fb, _ = tree_size(site / "public")
    version = subprocess.run(["hugo", "version"], capture_output=True, text=True).stdout.split()[1]
    print(f"\n{n} digests with every route page written, median of {runs} interleaved runs (Hugo {version})")
    print(f"{'':<8} {'wall s':>8} {'cpu s (user+sys)':>17} {'peak MiB':>9} {'files':>7}")
    print(f"{'tidings':<8} {ta:>8.3f} {cpu_of(a):>17} {pa:>9.0f} {fa:>7}")
    print(f"{'hugo':<8} {tb:>8.3f} {cpu_of(b):>17} {pb:>9.0f} {fb:>7}")
    ratio = ta / tb
    print(f"tidings / hugo: {ratio:.2f}x (target <= 0.1x: {verdict(ratio <= 0.1)}); "
          f"peak {pa:.0f} MiB (target <= 1024: {verdict(pa <= 1024)})")


def same_trees(a: Path, b: Path) -> bool:
    """Whether two folders hold the same files, byte for byte."""
    files = lambda root: sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())
    names = files(a)
    if names != files(b):
        return False
    _, mismatch, errors = filecmp.cmpfiles(a, b, names, shallow=False)
    return not mismatch and not errors


def incremental(n: int):
    """A rebuild after one digest changed (with the parse cache, into the
    previous output) beside a clean build of the same content, runs
    interleaved; then whether the last rebuild equals a clean build."""
    source = corpus(n)
    content = WORK / f"edit-{n}"
    clean(content)
    shutil.copytree(source, content)
    # Its own shell, so this part runs without the Hugo part before it.
    shell = WORK / "shell" / "index.html"
    shell.parent.mkdir(parents=True, exist_ok=True)
    shell.write_text(SHELL)
    cache, out, fresh = WORK / f"cache-{n}", WORK / f"rebuild-{n}", WORK / f"clean-{n}"
    clean(cache)
    clean(out)
    build = lambda out, *extra: [str(BIN), "build", "--content", str(content), "--out", str(out), "--quiet",
                                 "--shell", str(shell), "--base-url", "https://example.org/", *extra]
    timed(build(out, "--cache", str(cache)))  # fills the cache and the output
    posts = sorted((content / "posts").glob("*.md"))
    runs = max(RUNS, 3)
    a, b = [], []
    for run in range(runs):
        # A different digest each time, so each rebuild has one change.
        edited = posts[(run * 997) % len(posts)]
        with open(edited, "a", encoding="utf-8") as f:
            f.write(f"\nEdited for rebuild {run}.\n")
        a.append(timed(build(out, "--cache", str(cache))))
        clean(fresh)
        b.append(timed(build(fresh)))
    ta, tb = statistics.median(r[0] for r in a), statistics.median(r[0] for r in b)
    same = same_trees(out, fresh)
    print(f"\nrebuild after one digest changed, {n} digests with every route page, median of {runs} interleaved runs")
    print(f"{'':<8} {'wall s':>8} {'cpu s (user+sys)':>17} {'peak MiB':>9}")
    print(f"{'rebuild':<8} {ta:>8.3f} {cpu_of(a):>17} {max(r[1] for r in a) / 2**20:>9.0f}")
    print(f"{'clean':<8} {tb:>8.3f} {cpu_of(b):>17} {max(r[1] for r in b) / 2**20:>9.0f}")
    target = verdict(ta <= 0.5) if n >= 10000 else "judged at 10,000 digests"
    print(f"rebuild / clean: {ta / tb:.2f}x; output the same as a clean build: {'yes' if same else 'NO'}; "
          f"rebuild {ta:.3f} s (target <= 0.5 s at 10,000: {target})")


def watched(n: int):
    """`make serve`'s watcher (`tidings build --watch --reload --cache`, as
    the Makefile runs it) on n digests: from saving a digest to the
    manifest of the rebuilt site on disk, which an open page looks at every
    200 ms and reloads on. Three kinds of save, each a different digest
    each time: an edit in place, an item added (every later item is
    numbered anew), and a new digest, the newest (as writing today's
    digest does)."""
    import re
    source = corpus(n)
    content = WORK / f"watch-{n}"
    clean(content)
    shutil.copytree(source, content)
    shell = WORK / "shell" / "index.html"
    shell.parent.mkdir(parents=True, exist_ok=True)
    shell.write_text(SHELL)
    out, cache = WORK / f"watch-out-{n}", WORK / f"watch-cache-{n}"
    clean(out)
    clean(cache)
    manifest = out / "data" / "manifest.json"
    read = lambda: manifest.read_bytes() if manifest.exists() else b""
    posts = sorted((content / "posts").glob("*.md"))

    def edit(run):
        with open(posts[(run * 997 + 500) % len(posts)], "a", encoding="utf-8") as f:
            f.write(f"\nEdited while watched {run}.\n")

    def add_item(run):
        with open(posts[(run * 991 + 250) % len(posts)], "a", encoding="utf-8") as f:
            f.write(f"\n## An item added while watched {run}\n\nIts text.\n")

    def add_digest(run):
        text = posts[(run * 983 + 100) % len(posts)].read_text(encoding="utf-8")
        text = re.sub(r'(?m)^slug = ".*"$', f'slug = "watched-new-{run}"', text, count=1)
        text = re.sub(r'(?m)^date = ".*"$', f'date = "2099-01-{run + 1:02}"', text, count=1)
        # Its own stories: source links no other digest has.
        text = text.replace("https://", f"https://watched{run}.")
        (content / "posts" / f"watched-new-{run}.md").write_text(text, encoding="utf-8")

    kinds = [("edit", edit), ("item added", add_item), ("new digest", add_digest)]
    proc = subprocess.Popen([str(BIN), "build", "--watch", "--reload", "--content", str(content),
                             "--out", str(out), "--shell", str(shell), "--cache", str(cache)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    waits = {kind: [] for kind, _ in kinds}
    try:
        deadline = time.perf_counter() + 600
        while not read() and time.perf_counter() < deadline:
            time.sleep(0.05)
        time.sleep(1)  # the first build's last writes
        for run in range(max(RUNS, 3)):
            for kind, save in kinds:
                before = read()
                save(run)
                start = time.perf_counter()
                while read() == before and time.perf_counter() - start < 120:
                    time.sleep(0.01)
                waits[kind].append(time.perf_counter() - start)
                time.sleep(1)
    finally:
        proc.terminate()
        proc.wait()
    print(f"\nmake serve's watcher, {n} digests: save to rebuilt manifest on disk, {max(RUNS, 3)} saves of each kind"
          " (the open page reloads within 200 ms after)")
    print(f"{'save':<12} {'median s':>9} {'min s':>7} {'max s':>7}  target: shown within 1 s at 10,000")
    for kind, _ in kinds:
        mid = statistics.median(waits[kind])
        target = verdict(mid <= 1.0) if n >= 10000 else "judged at 10,000 digests"
        print(f"{kind:<12} {mid:>9.3f} {min(waits[kind]):>7.3f} {max(waits[kind]):>7.3f}  {target}")


def worst():
    """Each slow-to-parse input as a site of one digest: the whole build's
    time per MB of Markdown, against the target of about a second per MB."""
    folder = made_once(WORK / f"worst-{WORST_MB:g}mb", lambda folder: subprocess.run(
        [str(BIN), "generate-worst", "--bytes", str(int(WORST_MB * 1e6)), "--out", str(folder)], check=True))
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
        print(f"{case.name:<12} {mb:>9.2f} {wall:>8.3f} {per:>6.2f} {peak:>9.0f}  {verdict(per <= 1.0)}")


if __name__ == "__main__":
    main()
