"""Byte-identity of copydesk's reports before and after a change (refactors must change no report).

    python bench/identical.py run OUT [--root CHECKOUT] [--python PY] [--quick] [--only NAME,...]
    python bench/identical.py compare OUT_BEFORE OUT_AFTER

``run`` writes the JSON and text reports of ``CHECKOUT`` (default: this checkout; its ``src/`` goes
first on ``PYTHONPATH``, so an exported old commit runs with this checkout's virtualenv) on
``content/`` (linted from the checkout, as ``make demo`` does) and on every dev set in
``/work/shared/eval`` (``docs`` linted from inside the set's folder, as ``score.py`` does), in
several ways: default jobs with an empty cache, then warm from that cache (JSON and text),
``--jobs 1``, ``--profile fast`` and ``--engine dask`` (content/ and two small sets). Each run
leaves ``NAME.MODE.out`` (the report), ``.err`` (stderr) and ``.rc``; ``times.tsv`` has wall
times. ``compare`` lists every report, stderr and exit code that differs, and exits 1 if any does.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import shutil
import subprocess
import sys
import time

EVAL = "/work/shared/eval"
HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# mode -> (format, extra arguments, cache: "cold" (fresh folder) | "warm" (same folder) | None)
MODES = {
    "cold": ("json", [], "cold"),
    "warm": ("json", [], "warm"),
    "text": ("text", [], "warm"),
    "jobs1": ("json", ["--jobs", "1"], None),
    "jobs2": ("json", ["--jobs", "2"], None),
    "fast": ("json", ["--profile", "fast"], None),
    "dask": ("json", ["--engine", "dask", "--jobs", "2"], None),
}
SMALL = ("nearduplicate-dev", "grammar-dev")
QUICK_SETS = ("nearduplicate-dev", "grammar-dev")


def plan(quick: bool, only: list[str]) -> list[tuple[str, str, list[str]]]:
    """(target, folder key, modes) in the order they run."""
    sets = sorted(d for d in os.listdir(EVAL) if os.path.isdir(os.path.join(EVAL, d, "docs")))
    if quick:
        sets = [s for s in sets if s in QUICK_SETS]
    out = [("content", "content", ["cold", "warm", "text", "jobs1", "fast", "dask"])]
    for s in sets:
        modes = ["cold", "text", "fast"]
        if s in SMALL:
            modes += ["jobs1", "dask"]
        if s == "weasel-dev":
            modes += ["warm", "jobs1"]
        out.append((s, "docs", modes))
    return [p for p in out if not only or p[0] in only]


def run(args: argparse.Namespace) -> int:
    root = os.path.abspath(args.root)
    out = os.path.abspath(args.out)
    os.makedirs(out, exist_ok=True)
    caches = os.path.join(out, "cache")
    env = dict(os.environ, PYTHONPATH=os.path.join(root, "src"), NO_COLOR="1", COLUMNS="100")
    env.pop("DASK_SCHEDULER_ADDRESS", None)
    with open(os.path.join(out, "times.tsv"), "a", encoding="utf-8") as times:
        for target, folder, modes in plan(args.quick, args.only):
            cwd = root if target == "content" else os.path.join(EVAL, target)
            cache_dir = os.path.join(caches, target)
            for mode in modes:
                fmt, extra, cache = MODES[mode]
                if cache == "cold":
                    shutil.rmtree(cache_dir, ignore_errors=True)
                cmd = [args.python, "-m", "copydesk", "check", "--format", fmt, "--fail-on", "never", *extra]
                if cache is None:
                    cmd.append("--no-cache")
                cmd.append(folder)
                base = os.path.join(out, f"{target}.{mode}")
                start = time.perf_counter()
                with open(base + ".out", "wb") as so, open(base + ".err", "wb") as se:
                    rc = subprocess.call(cmd, cwd=cwd, env=dict(env, COPYDESK_CACHE_DIR=cache_dir),
                                         stdout=so, stderr=se)
                took = time.perf_counter() - start
                with open(base + ".rc", "w", encoding="utf-8") as fh:
                    fh.write(f"{rc}\n")
                times.write(f"{target}\t{mode}\t{took:.1f}\t{rc}\n")
                times.flush()
                print(f"{target:<20} {mode:<6} rc={rc} {took:6.1f}s", flush=True)
    shutil.rmtree(caches, ignore_errors=True)
    return 0


def compare(args: argparse.Namespace) -> int:
    names = sorted(n for n in os.listdir(args.before) if n.endswith((".out", ".err", ".rc")))
    bad = missing = same = 0
    for name in names:
        other = os.path.join(args.after, name)
        if not os.path.exists(other):
            missing += 1
            continue
        if filecmp.cmp(os.path.join(args.before, name), other, shallow=False):
            same += 1
        else:
            bad += 1
            print(f"DIFFERS {name}")
    print(f"{same} identical, {bad} different, {missing} not in {args.after}")
    return 1 if bad else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run")
    r.add_argument("out")
    r.add_argument("--root", default=HERE, help="checkout whose src/ is run (default: this one)")
    r.add_argument("--python", default=os.path.join(HERE, ".venv", "bin", "python"))
    r.add_argument("--quick", action="store_true", help="content/ and two small sets only")
    r.add_argument("--only", type=lambda s: [x for x in s.split(",") if x], default=[],
                   help="only these targets (content, or set names)")
    c = sub.add_parser("compare")
    c.add_argument("before")
    c.add_argument("after")
    args = parser.parse_args()
    return run(args) if args.command == "run" else compare(args)


if __name__ == "__main__":
    sys.exit(main())
