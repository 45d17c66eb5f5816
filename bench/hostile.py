"""Wall time of copydesk on files that used to stall a run (issue 23), each linted alone.

    .venv/bin/python bench/hostile.py                        # default profile, --jobs 2
    .venv/bin/python bench/hostile.py --profile fast --rows words,sentence --repeat 3

Rows (generated in a temporary folder; the real text comes from ../shared/eval/readability-dev):

- ``words``: 2 MB on one line, ``word word word ...`` (no punctuation);
- ``sentence``: 2 MB on one line, ``This is a sentence. `` repeated;
- ``paragraphs``: 20,000 paragraphs of the same two sentences (Markdown);
- ``real``: 1 MB of real news text as one file, and ``real-split``: the same articles as separate
  files (per-word throughput of one long document against many short ones);
- ``hostile``: a folder of 8 hostile files (binary, Latin-1, UTF-16, CRLF, a 2 MB line, 20,000
  nested quotes, broken HTML, a symlink loop).

Each run is ``copydesk check --format json --no-cache --jobs N --profile P`` in a fresh process;
wall time, CPU seconds of the process tree and findings are printed as a Markdown table, with the
machine's load average (a shared machine gives less than its cores: compare ratios in one run).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT.parent / "shared" / "eval" / "readability-dev" / "docs"
if not REAL.is_dir():
    REAL = Path("/work/shared/eval/readability-dev/docs")
SIZE = 2_000_000


def real_articles(limit: int = 1_000_000) -> list[tuple[str, str]]:
    """(name, text) of readability-dev articles, about ``limit`` bytes in all."""
    out, size = [], 0
    for path in sorted(REAL.glob("*.txt")):
        text = path.read_text(encoding="utf-8").strip() + "\n"
        out.append((path.name, text))
        size += len(text.encode("utf-8"))
        if size >= limit:
            break
    return out


def hostile_folder(d: Path) -> None:
    """The 8 hostile files of the issue."""
    d.mkdir()
    rnd = random.Random(7)
    (d / "binary.md").write_bytes(bytes(rnd.randrange(256) for _ in range(4000)))
    (d / "latin1.txt").write_bytes("Caf\u00e9 au lait. Na\u00efve fa\u00e7ade.\n".encode("latin-1"))
    (d / "utf16.md").write_bytes("# Title\n\nHello world. It is UTF-16.\n".encode("utf-16"))
    (d / "crlf.md").write_bytes(b"# Heading\r\n\r\nA paragraph here.\r\nSecond line.\r\n\r\n- one\r\n- two\r\n")
    (d / "oneline.txt").write_text(("Q" * 997 + " x ") * (SIZE // 1000), encoding="utf-8")
    (d / "nested.md").write_text(">" * 20000 + " a deep quote\n\nAfter the quote comes text.\n", encoding="utf-8")
    (d / "broken.html").write_text("<html><body><p>Unclosed <b>bold <div><p>para <span>" * 300
                                   + "<!-- never closed", encoding="utf-8")
    os.symlink("loop2.md", d / "loop1.md")
    os.symlink("loop1.md", d / "loop2.md")


def make_rows(tmp: Path) -> dict[str, tuple[Path, list[str]]]:
    """Row name -> (folder to run in, paths to lint)."""
    rows: dict[str, tuple[Path, list[str]]] = {}
    (tmp / "words.txt").write_text("word " * (SIZE // 5), encoding="utf-8")
    rows["words"] = (tmp, ["words.txt"])
    (tmp / "sentence.txt").write_text("This is a sentence. " * (SIZE // 20), encoding="utf-8")
    rows["sentence"] = (tmp, ["sentence.txt"])
    (tmp / "paragraphs.md").write_text("The cat sat on the mat today. It was a sunny afternoon outside.\n\n" * 20000,
                                       encoding="utf-8")
    rows["paragraphs"] = (tmp, ["paragraphs.md"])
    articles = real_articles()
    if articles:
        (tmp / "real.txt").write_text("\n".join(t for _, t in articles), encoding="utf-8")
        rows["real"] = (tmp, ["real.txt"])
        split = tmp / "split"
        split.mkdir()
        for name, text in articles:
            (split / name).write_text(text, encoding="utf-8")
        rows["real-split"] = (tmp, ["split"])
    hostile_folder(tmp / "hostile")
    rows["hostile"] = (tmp, ["hostile"])
    return rows


def run(copydesk: str, cwd: Path, paths: list[str], profile: str, jobs: int) -> dict:
    cmd = [copydesk, "check", "--format", "json", "--fail-on", "never", "--no-cache", "--jobs", str(jobs),
           "--profile", profile, *paths]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    out = subprocess.run(cmd, cwd=cwd, capture_output=True, check=False)
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    report = json.loads(out.stdout) if out.stdout else {"files": []}
    files = report["files"]
    return {"wall": wall, "cpu": cpu, "exit": out.returncode, "files": len(files),
            "findings": sum(len(f["findings"]) for f in files),
            "words": sum((f.get("stats") or {}).get("words") or 0 for f in files),
            "skipped": sum(1 for f in files for x in f["findings"] if x["category"] == "input" and x["severity"] == "info"),
            "errors": sum(len(f.get("errors", [])) for f in files)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--profile", default="default")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--rows", help="comma-separated row names (default: all)")
    ap.add_argument("--repeat", type=int, default=1, help="run each row this many times, keep the fastest")
    ap.add_argument("--copydesk", default=str(ROOT / ".venv" / "bin" / "copydesk"))
    ap.add_argument("--json", type=Path, help="also write the results here")
    args = ap.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        rows = make_rows(Path(tmp))
        names = args.rows.split(",") if args.rows else list(rows)
        print(f"profile {args.profile}, --jobs {args.jobs}, load average {os.getloadavg()[0]:.1f} at start")
        print("| row | wall s | CPU s | files | words | findings | notes (skipped work) | errors | exit |")
        print("|---|---|---|---|---|---|---|---|---|")
        for name in names:
            cwd, paths = rows[name]
            best = min((run(args.copydesk, cwd, paths, args.profile, args.jobs) for _ in range(args.repeat)),
                       key=lambda r: r["wall"])
            results[name] = best
            print(f"| {name} | {best['wall']:.1f} | {best['cpu']:.1f} | {best['files']} | {best['words']} | "
                  f"{best['findings']} | {best['skipped']} | {best['errors']} | {best['exit']} |", flush=True)
    if "real" in results and "real-split" in results:
        one, many = (results[k]["words"] / results[k]["wall"] for k in ("real", "real-split"))
        print(f"\nwords/s: one 1 MB file {one:,.0f}, the same text as {results['real-split']['files']} files "
              f"{many:,.0f} (one file at {one / many:.0%} of many; the target is >= 75%)")
    print(f"load average {os.getloadavg()[0]:.1f} at end")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
