"""Scaling of ``--executor dask``: client peak memory and throughput at growing archive sizes.

Generates one synthetic archive (sites of 50 articles sharing template lines, about one article in
ten copying or editing a sentence of an earlier one; its first N documents are the archive of N),
starts a local Dask cluster, and runs the real command line as the *client*, in a process of its own
(the scheduler stays in this process, as on a real cluster it is not the client's)::

    copydesk check SITES --executor dask --scheduler ADDR --output-dir OUT   (--mode shards, default)
    copydesk check SITES --executor dask --scheduler ADDR --format json -o F (--mode report: one report)

For each size it prints the wall time, documents/s and the client's peak resident memory (the
kernel's high-water mark of that process's memory, ``VmHWM``, read by the client itself as it
exits: imports, configuration and run; not ``ru_maxrss``, which also counts the copy of this
process, scheduler and all, that the client was forked from), then the slope: how much the peak grows per document and from one size to the next (the issue's bound: less
than 20% from 30k to 100k documents).

``--local 10000,30000`` also runs the local engine in one process (``--jobs 1``) with ``--output-dir``
at those sizes and prints its peak and slope (the local engine spills each result as it arrives, so
its peak should grow with the corpus summaries only, not with the findings).

``--compare N`` also times the local engine in one process (``--jobs 1``) against one Dask worker on
the first N documents (``--repeat R`` times, interleaved; the fastest counts), in wall time and in
CPU seconds (the Dask run's: client + workers + scheduler), which a busy shared machine disturbs
less, and checks that the merged shards (``report merge``) are byte-identical to the local
engine's JSON report.

Usage: ``nice -n 10 .venv/bin/python bench/scale.py [--docs 10000,30000,100000] [--workers 1]
[--compare 2000] [--repeat 1] [--local SIZES] [--profile fast] [--select boilerplate,readability] [--dir DIR] [--mode shards]``
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

PER_SITE = 50
ROOT = Path(__file__).resolve().parent.parent
# copydesk's command line, then the process's own memory high-water mark on stderr
CLIENT = [sys.executable, "-c", "import sys\nfrom copydesk.cli import main\ncode = main(sys.argv[1:])\n"
          "hwm = next(l for l in open('/proc/self/status') if l.startswith('VmHWM:')).split()[1]\n"
          "sys.stderr.write(f'\\nVmHWM-kB {hwm}\\n')\nraise SystemExit(code)"]


def make_archive(root: Path, n: int, seed: int = 7) -> None:
    """``n`` Markdown articles in sites of 50: each site has its own menu and footer; about one
    article in ten copies (or lightly edits) a sentence of an earlier article. Generation is
    sequential, so the first ``k`` articles of an archive of ``n`` are the archive of ``k``."""
    rng = random.Random(seed)
    vocab = ["".join(rng.choice("bcdfghjklmnprstvw") + rng.choice("aeiou") for _ in range(rng.randint(1, 4)))
             for _ in range(4000)]

    def sentence() -> str:
        words = [rng.choice(vocab) for _ in range(rng.randint(10, 24))]
        return words[0].capitalize() + " " + " ".join(words[1:]) + "."

    sites: dict[int, tuple[list[str], list[str]]] = {}
    earlier: list[str] = []
    for i in range(n):
        s = i // PER_SITE
        if s not in sites:
            menu = [rng.choice(vocab).capitalize() for _ in range(6)]
            footer = [f"Copyright 2024 {rng.choice(vocab).capitalize()} Media Ltd. All rights reserved.",
                      "Share this article on social media", f"Subscribe to the {rng.choice(vocab)} newsletter"]
            sites[s] = (menu, footer)
        menu, footer = sites[s]
        paragraphs = [" ".join(sentence() for _ in range(rng.randint(2, 4))) for _ in range(rng.randint(6, 12))]
        if earlier and rng.random() < 0.1:
            copied = rng.choice(earlier).split(" ")
            if rng.random() < 0.5:
                copied[rng.randrange(len(copied))] = rng.choice(vocab)
            paragraphs.insert(rng.randrange(len(paragraphs)), " ".join(copied))
        earlier.append(rng.choice(paragraphs).split(". ")[0].rstrip(".") + ".")
        body = "\n\n".join(menu) + f"\n\n# Article {i}\n\n" + "\n\n".join(paragraphs) + "\n\n" + "\n\n".join(footer)
        path = root / f"site{s:04d}" / f"a{i:06d}.md"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(body + "\n", encoding="utf-8")


def sites(root: Path, n: int) -> list[str]:
    """The site folders of the archive's first ``n`` documents (``n`` a multiple of 50)."""
    return [str(root / f"site{s:04d}") for s in range(-(-n // PER_SITE))]


def _cpu() -> float:
    """CPU seconds of this process (a Dask worker's, through ``client.run``)."""
    t = os.times()
    return t.user + t.system


def run(args: list[str], cwd: Path) -> tuple[float, float, float]:
    """(wall seconds, peak resident MiB, CPU seconds) of one ``copydesk`` client process."""
    t = time.perf_counter()
    proc = subprocess.Popen(CLIENT + args, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = proc.stderr.read().decode() if proc.stderr else ""
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - t
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"copydesk {' '.join(args[:3])}... failed ({proc.returncode}):\n{err[-3000:]}")
    hwm = int(err.rsplit("VmHWM-kB ", 1)[1].split()[0])
    return elapsed, hwm / 1024, usage.ru_utime + usage.ru_stime


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", default="10000,30000,100000", help="archive sizes (multiples of 50)")
    ap.add_argument("--workers", type=int, default=1, help="Dask worker processes (one thread each)")
    ap.add_argument("--compare", type=int, default=2000, help="documents for local vs 1 worker (0: skip)")
    ap.add_argument("--profile", default="fast")
    ap.add_argument("--select", default="boilerplate,readability")
    ap.add_argument("--mode", choices=["shards", "report"], default="shards",
                    help="shards: --output-dir (the streamed report); report: one JSON report")
    ap.add_argument("--dir", help="archive and outputs folder (default: a temporary one; reused if it exists)")
    ap.add_argument("--repeat", type=int, default=1, help="times the comparison is run (interleaved)")
    ap.add_argument("--local", default="", help="archive sizes for the local engine with --output-dir (1 process)")
    args = ap.parse_args(argv)

    import distributed

    sizes = [int(x) for x in args.docs.split(",") if x]
    local_sizes = [int(x) for x in args.local.split(",") if x]
    tmp = None if args.dir else tempfile.TemporaryDirectory(prefix="copydesk-scale-")
    work = Path(args.dir or tmp.name)
    root = work / "archive"
    t = time.perf_counter()
    make_archive(root, max(sizes + local_sizes + [args.compare]))
    print(f"archive of {max(sizes + local_sizes + [args.compare])} documents ready in {time.perf_counter() - t:.0f} s", file=sys.stderr)
    common = ["--profile", args.profile, "--select", args.select, "--no-cache", "--fail-on", "never", "--quiet"]

    def dask_args(address: str, n: int, tag: str) -> list[str]:
        out = (["--output-dir", str(work / f"out-{tag}")] if args.mode == "shards"
               else ["--format", "json", "--output", str(work / f"out-{tag}.json")])
        return ["check", *sites(root, n), *common, "--executor", "dask", "--scheduler", address, *out]

    rows: list[tuple[str, int, float, float, float]] = []

    def row(name: str, n: int, wall: float, rss: float, cpu: float) -> None:
        rows.append((name, n, wall, rss, cpu))
        print(f"{name}, {n} documents: {wall:.1f} s, {n / wall:.1f} documents/s, {cpu:.1f} CPU s, client peak "
              f"{rss:.0f} MiB (load {os.getloadavg()[0]:.1f})", file=sys.stderr, flush=True)

    def dask_run(client: Any, n: int, tag: str) -> tuple[float, float, float]:
        """Wall, client RSS, and CPU seconds of the client, the workers and the scheduler (this process)."""
        before, here = sum(client.run(_cpu).values()), _cpu()
        wall, rss, cpu = run(dask_args(client.scheduler.address, n, tag), work)
        return wall, rss, cpu + sum(client.run(_cpu).values()) - before + _cpu() - here

    with distributed.LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                                  dashboard_address=":0") as cluster, distributed.Client(cluster) as client:
        address = cluster.scheduler_address
        client.run(lambda: __import__("copydesk.cli"))  # imports on every worker before the clock starts
        workers = f"dask, {args.workers} worker{'s' if args.workers > 1 else ''}"
        if args.compare:
            n = args.compare
            local_json = work / "local.json"
            run(dask_args(address, n, "warm"), work)  # the workers build the configuration once
            for _ in range(args.repeat):
                row("local engine, 1 process", n, *run(["check", *sites(root, n), *common, "--jobs", "1",
                                                        "--format", "json", "--output", str(local_json)], work))
                row(workers, n, *dask_run(client, n, f"{n}"))
            if args.mode == "shards":
                merged = work / "merged.json"
                run(["report", "merge", str(work / f"out-{n}"), "--format", "json", "--output", str(merged),
                     "--fail-on", "never"], work)
            else:
                merged = work / f"out-{n}.json"
            same = merged.read_bytes() == local_json.read_bytes()
            print(f"{n} documents: dask report {'byte-identical to' if same else 'DIFFERS from'} the local "
                  "engine's", file=sys.stderr)
            if not same:
                return 1
        for n in sizes:
            row(workers, n, *dask_run(client, n, f"{n}"))
    for n in local_sizes:
        row("local engine --output-dir, 1 process", n,
            *run(["check", *sites(root, n), *common, "--jobs", "1", "--output-dir", str(work / f"local-{n}")], work))

    print(f"profile {args.profile}, --select {args.select}, --mode {args.mode}; {os.cpu_count()} cores; "
          f"Python {sys.version.split()[0]}; load average {os.getloadavg()[0]:.1f}\n")
    print("| run | documents | wall s | documents/s | CPU s (client + workers + scheduler) | documents per CPU s "
          "| client peak RSS MiB |\n|---|---:|---:|---:|---:|---:|---:|")
    for name, n, wall, rss, cpu in rows:
        print(f"| {name} | {n:,} | {wall:.1f} | {n / wall:.1f} | {cpu:.1f} | {n / cpu:.1f} | {rss:.0f} |")
    compared = rows[:2 * args.repeat] if args.compare else []
    if compared:
        best = {name: (min(r[2] for r in compared if r[0] == name), min(r[4] for r in compared if r[0] == name))
                for name in (compared[0][0], compared[1][0])}
        (lw, lc), (dw, dc) = best.values()
        print(f"\none dask worker / local engine (fastest of {args.repeat}): documents/s {lw / dw:.2f}, "
              f"documents per CPU second {lc / dc:.2f}")
    for kind in dict.fromkeys(name for name, *_ in rows[len(compared):]):
        series = [(n, rss) for name, n, _, rss, _ in rows[len(compared):] if name == kind]
        if len(series) > 1:
            print(f"\n{kind}:\n\n| from | to | peak growth | MiB per 10k more documents |\n|---:|---:|---:|---:|")
            for (n0, r0), (n1, r1) in zip(series, series[1:]):
                print(f"| {n0:,} | {n1:,} | {100 * (r1 - r0) / r0:+.1f}% | {(r1 - r0) / (n1 - n0) * 1e4:.1f} |")
    if tmp:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
