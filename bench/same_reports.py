"""Byte-compare JSON reports of this checkout and of a base commit on content/ and the dev sets.

    .venv/bin/python bench/same_reports.py                      # base: merge-base of HEAD and main
    .venv/bin/python bench/same_reports.py --base 2ec2a3c --profile fast --sets content,grammar-dev

Each set is linted as ``score.py`` does: from inside the set's folder (``docs``; content/ from the
checkout's root with its ``rules/``), ``--no-cache`` (the cache would hand one side's results to
the other), the same interpreter for both sides (the base's sources come from ``git archive``,
first on ``PYTHONPATH``). Prints one line per set and exits 1 when a report differs; ``--keep DIR``
leaves the reports there. A change that is meant to keep reports unchanged runs this before landing.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVAL = Path(os.environ.get("COPYDESK_EVAL", "/work/shared/eval"))


def archive(ref: str, dest: Path) -> Path:
    """The tree of ``ref`` unpacked in ``dest``."""
    blob = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", ref], check=True,
                          capture_output=True).stdout
    path = dest / "tree.tar"
    path.write_bytes(blob)
    with tarfile.open(path) as tar:
        tar.extractall(dest / "tree", filter="data")
    return dest / "tree"


def report(tree: Path, set_dir: Path, target: str, profile: str, jobs: int) -> tuple[bytes, float]:
    env = dict(os.environ, PYTHONPATH=str(tree / "src"))
    cmd = [sys.executable, "-m", "copydesk", "check", "--format", "json", "--fail-on", "never", "--no-cache",
           "--jobs", str(jobs), "--profile", profile, target]
    start = time.monotonic()
    out = subprocess.run(cmd, cwd=set_dir, env=env, capture_output=True, check=False)
    if out.returncode not in (0, 1, 2) or not out.stdout:
        raise SystemExit(f"{' '.join(cmd)} in {set_dir}: exit {out.returncode}\n{out.stderr.decode()[-2000:]}")
    return out.stdout, time.monotonic() - start


def differences(a: bytes, b: bytes) -> str:
    """Per rule, findings only in the base report (-) or only in this checkout's (+)."""
    def findings(blob: bytes) -> collections.Counter:
        data = json.loads(blob)
        return collections.Counter((f["rule"], fi["path"], f["start"]["offset"], f["end"]["offset"], f["message"])
                                   for fi in data["files"] for f in fi["findings"])
    fa, fb = findings(a), findings(b)
    gone = collections.Counter(k[0] for k in (fa - fb).elements())
    new = collections.Counter(k[0] for k in (fb - fa).elements())
    parts = [f"-{n} {r}" for r, n in gone.most_common(5)] + [f"+{n} {r}" for r, n in new.most_common(5)]
    return ", ".join(parts) or "same findings; other bytes differ (stats, errors, order or related)"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--base", help="commit to compare with (default: merge-base of HEAD and main)")
    ap.add_argument("--profile", default="default")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--sets", help="comma-separated: content and dev-set names (default: all)")
    ap.add_argument("--keep", help="write the reports into this folder")
    args = ap.parse_args()
    base = args.base or subprocess.run(["git", "-C", str(ROOT), "merge-base", "HEAD", "main"], check=True,
                                       capture_output=True, text=True).stdout.strip()
    names = args.sets.split(",") if args.sets else ["content"] + sorted(
        p.name for p in EVAL.iterdir() if (p / "docs").is_dir())
    differ = 0
    with tempfile.TemporaryDirectory() as tmp:
        base_tree = archive(base, Path(tmp))
        for name in names:
            runs = []
            for tree in (base_tree, ROOT):
                set_dir, target = (tree, "content") if name == "content" else (EVAL / name, "docs")
                runs.append(report(tree, set_dir, target, args.profile, args.jobs))
            (a, ta), (b, tb) = runs
            if args.keep:
                keep = Path(args.keep)
                keep.mkdir(parents=True, exist_ok=True)
                (keep / f"{name}.base.json").write_bytes(a)
                (keep / f"{name}.json").write_bytes(b)
            same = a == b
            differ += not same
            print(f"{name:20} {'identical' if same else 'DIFFERENT'}  ({len(b)} bytes; base {ta:.0f} s, "
                  f"this {tb:.0f} s){'' if same else '  ' + differences(a, b)}", flush=True)
    print(f"base {base[:12]}, profile {args.profile}: {len(names) - differ} of {len(names)} reports identical")
    return 1 if differ else 0


if __name__ == "__main__":
    raise SystemExit(main())
