"""A Dask run with sharded output, merged, against the local engine's report: the same bytes?

For ``content/`` (from the project root) and every dev set in ``/work/shared/eval`` (``docs`` from
inside the set's folder, as ``score.py`` runs it), with the default profile:

    copydesk check TARGET --format json --no-cache --jobs 1                      (local engine)
    copydesk check TARGET --no-cache --executor dask --scheduler ADDR --output-dir OUT
    copydesk report merge OUT --format json                                      (the shards, merged)

and compares the two reports byte for byte, and the exit codes. The Dask cluster is a local one of
``--workers`` processes started once. ``--local-shards`` also merges the local engine's own
``--output-dir`` run (``--jobs 2``: its results spilled as they arrive) and compares it the same way.
Prints one line per target; exits 1 if any report differs.

Usage: ``nice -n 10 .venv/bin/python bench/sharded_identical.py [--workers 2] [--only NAME,...] [--local-shards]``
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time

EVAL = "/work/shared/eval"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COPYDESK = [sys.executable, "-m", "copydesk"]


def run(args: list[str], cwd: str) -> tuple[int, bytes, float]:
    t = time.perf_counter()
    proc = subprocess.run(COPYDESK + args, cwd=cwd, capture_output=True)
    return proc.returncode, proc.stdout, time.perf_counter() - t


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--only", default="", help="targets to run (content, set names), comma separated")
    ap.add_argument("--local-shards", action="store_true", help="also the local engine's --output-dir, merged")
    args = ap.parse_args(argv)

    import distributed

    targets = [("content", ROOT, "content")]
    targets += [(name, os.path.join(EVAL, name), "docs") for name in sorted(os.listdir(EVAL))
                if os.path.isdir(os.path.join(EVAL, name, "docs"))]
    only = {t for t in args.only.split(",") if t}
    failed = 0
    with tempfile.TemporaryDirectory(prefix="copydesk-sharded-") as tmp, \
            distributed.LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                                     dashboard_address=":0") as cluster:
        for name, cwd, target in targets:
            if only and name not in only:
                continue
            out = os.path.join(tmp, name)
            code_l, local, t_l = run(["check", target, "--format", "json", "--no-cache", "--jobs", "1"], cwd)
            code_d, _, t_d = run(["check", target, "--no-cache", "--executor", "dask", "--scheduler",
                                  cluster.scheduler_address, "--output-dir", out, "--quiet"], cwd)
            code_m, merged, _ = run(["report", "merge", out, "--format", "json"], cwd)
            same = merged == local and code_l == code_d == code_m
            if args.local_shards:
                code_s, _, _ = run(["check", target, "--no-cache", "--jobs", "2", "--output-dir", out + "-local",
                                    "--quiet"], cwd)
                code_ms, spilled, _ = run(["report", "merge", out + "-local", "--format", "json"], cwd)
                same_local = spilled == local and code_l == code_s == code_ms
                print(f"{name}: local --output-dir merged {'byte-identical' if same_local else 'DIFFERS'}")
                same = same and same_local
            failed += not same
            files, findings = len(os.listdir(os.path.join(cwd, target))), local.count(b'"rule":')
            print(f"{name}: {files} files, {findings} findings, local {t_l:.1f} s, dask "
                  f"{t_d:.1f} s; merged shards {'byte-identical' if same else 'DIFFER'} (exit {code_l}/{code_d}/"
                  f"{code_m})", flush=True)
    print(f"load average {os.getloadavg()[0]:.1f}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
