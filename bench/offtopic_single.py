"""Off-topic quality with each document linted on its own, as a pre-commit hook or an editor does.

    .venv/bin/python bench/offtopic_single.py ../shared/eval/offtopic-dev [--groups ose,crafted] [--profile default]

``score.py`` lints a whole folder at once, so the corpus evidence (a sentence fits another document
of the folder better) is on. In real use it is usually absent: a hook passes the changed files only.
This runs ``copydesk check --format json --no-cache FILE`` once per document (in parallel, ``--jobs``),
joins the reports and scores them with the set's ``score.py --report``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def lint_one(copydesk: str, set_dir: Path, doc: str, profile: str) -> dict:
    """One document's entry of the JSON report (run in the set's folder, so paths are ``docs/...``)."""
    p = subprocess.run([copydesk, "check", "--format", "json", "--fail-on", "never", "--no-cache", "--jobs", "1",
                        "--select", "off-topic", "--profile", profile, doc],
                       cwd=set_dir, capture_output=True, text=True)
    try:
        files = json.loads(p.stdout)["files"]
    except (json.JSONDecodeError, KeyError):
        sys.exit(f"{doc}: copydesk printed no JSON report (exit {p.returncode}):\n{p.stderr[-2000:]}")
    return files[0] if files else {"path": doc, "findings": []}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("set_dir", type=Path)
    ap.add_argument("--groups", default="ose,crafted", help="document groups (name before '--'); default ose,crafted")
    ap.add_argument("--profile", default="default")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--copydesk", default=str(ROOT / ".venv" / "bin" / "copydesk"))
    ap.add_argument("--report", type=Path, help="also keep the joined report here")
    args = ap.parse_args()
    groups = set(args.groups.split(","))
    docs = sorted(f"docs/{p.name}" for p in (args.set_dir / "docs").iterdir()
                  if p.name.split("--")[0] in groups)
    t0 = time.monotonic()
    with ThreadPoolExecutor(args.jobs) as pool:
        files = list(pool.map(lambda d: lint_one(args.copydesk, args.set_dir, d, args.profile), docs))
    wall = time.monotonic() - t0
    report = {"version": 1, "files": files}
    with tempfile.TemporaryDirectory() as tmp:
        path = args.report or Path(tmp) / "report.json"
        path.write_text(json.dumps(report), encoding="utf-8")
        print(f"{len(docs)} documents linted one at a time in {wall:.1f} s ({args.jobs} at once)")
        out = subprocess.run([sys.executable, str(args.set_dir.parent / "score.py"), str(args.set_dir),
                              "--report", str(path.resolve())], capture_output=True, text=True)
    print(out.stdout, end="")
    print(out.stderr, end="", file=sys.stderr)
    print(combined(out.stdout, groups))
    return out.returncode


def combined(scored: str, groups: set[str]) -> str:
    """P / R / F1 over the chosen groups together (score.py prints them one group per line)."""
    tp = fp = fn = tn = 0
    for line in scored.splitlines():
        parts = line.split()
        if len(parts) > 2 and parts[0] == "off-topic" and parts[1] in groups:
            n = dict(x.split("=") for x in parts if x.split("=")[0] in ("tp", "fp", "fn", "tn"))
            tp, fp, fn, tn = tp + int(n["tp"]), fp + int(n["fp"]), fn + int(n["fn"]), tn + int(n["tn"])
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return (f"each document alone, {'+'.join(sorted(groups))}: P={p:.3f} R={r:.3f} F1={f:.3f}  "
            f"false alarms/1000 clean sentences={1000 * fp / max(1, fp + tn):.1f}")


if __name__ == "__main__":
    raise SystemExit(main())
