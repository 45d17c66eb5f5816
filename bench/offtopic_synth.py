"""More pasted-sentence cases than offtopic-dev's 57: synthetic insertions into readability-dev articles.

    .venv/bin/python bench/offtopic_synth.py /tmp/synth              # build 4 sets, score each whole folder
    .venv/bin/python bench/offtopic_synth.py /tmp/synth --alone      # each document alone too
    .venv/bin/python bench/offtopic_synth.py /tmp/synth --sets 2 --build-only

offtopic-dev's ``ose`` group (one sentence of another OneStopEnglish article at a random place) has
57 insertions: one hit moves its F1 by about 0.01, less than a refit's noise. This builds sets of the
same kind from readability-dev's OneStopEnglish articles (94 articles, three levels each): in each
set, every host article (those with an odd number, so the hosts are fixed and none of them is a
source's version) carries one sentence of 8-40 words from another article, put after a sentence of
a body paragraph; the other articles are in the folder once, at the advanced level, as the corpus
(so a pasted sentence's source article is there, as in ``ose``). Sets differ by the seed and by the
hosts' level (advanced, intermediate in turn). Every sentence of a host is a unit, as score.py wants.

The articles are the ones offtopic-dev's documents were made from, so the clean sentences are not
unseen by the fit; the insertions are. Use it to check that a change to the off-topic check carries
over beyond the 57 dev insertions, not to fit on.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path

from copydesk.parsing import parse

ROOT = Path(__file__).resolve().parent.parent
EVAL = Path(os.environ.get("COPYDESK_EVAL", ROOT.parent / "shared" / "eval"))
SOURCE = EVAL / "readability-dev" / "docs"


def build(out: Path, seed: int, level: str) -> int:
    """Write one set (``docs/``, ``units.jsonl``, ``meta.json``) to ``out``; returns its insertions."""
    rng = random.Random(seed)
    shutil.rmtree(out, ignore_errors=True)
    (out / "docs").mkdir(parents=True)
    articles = sorted({m.group(1) for f in os.listdir(SOURCE) if (m := re.match(r"(t\d+)-\w+\.txt$", f))})
    hosts = [a for a in articles if int(a[1:]) % 2]
    texts = {a: (SOURCE / f"{a}-{level if a in hosts else 'adv'}.txt").read_text(encoding="utf-8") for a in articles}
    docs = {a: parse(f"{a}.txt", t) for a, t in texts.items()}
    sentences = {a: [texts[a][s.start:s.end] for s in d.sentences] for a, d in docs.items()}
    units: list[dict] = []
    for a in hosts:
        while True:  # a sentence of another article
            pasted = rng.choice(sentences[rng.choice([b for b in articles if b != a])]).strip()
            if 8 <= len(pasted.split()) <= 40 and "\n" not in pasted:
                break
        doc = docs[a]
        body = [s for s in doc.sentences if doc.blocks[s.block].kind == "paragraph"][2:]
        after = rng.choice(body).end
        text = f"{texts[a][:after]} {pasted}{texts[a][after:]}"
        name = f"docs/synth{seed}--{a}-{level}.txt"
        (out / name).write_text(text, encoding="utf-8")
        start, end = after + 1, after + 1 + len(pasted)
        units.append({"doc": name, "category": "off-topic", "start": start, "end": end, "label": 1})
        units += [{"doc": name, "category": "off-topic", "start": s.start, "end": s.end, "label": 0}
                  for s in parse(name, text).sentences if s.end <= start or s.start >= end]
    for a in articles:
        if a not in hosts:
            (out / "docs" / f"corpus--{a}-adv.txt").write_text(texts[a], encoding="utf-8")
    (out / "units.jsonl").write_text("".join(json.dumps(u) + "\n" for u in units), encoding="utf-8")
    (out / "meta.json").write_text(json.dumps({"category": "off-topic", "name": f"offtopic-synth-{seed}"}),
                                   encoding="utf-8")
    shutil.copy(EVAL / "score.py", out.parent / "score.py")  # where bench/offtopic_single.py looks for it
    return len(hosts)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dest", type=Path, help="a folder outside the repository; sets go to DEST/set-N")
    ap.add_argument("--sets", type=int, default=4)
    ap.add_argument("--build-only", action="store_true")
    ap.add_argument("--alone", action="store_true", help="also lint each document alone (bench/offtopic_single.py)")
    ap.add_argument("--copydesk", default=str(ROOT / ".venv" / "bin" / "copydesk"))
    args = ap.parse_args()
    cmd = f"{args.copydesk} check --format json --fail-on never --no-cache --select off-topic docs"
    total, alone = [0, 0, 0], [0, 0, 0]  # tp, fp, fn over the sets (whole folder, each alone)
    for k in range(1, args.sets + 1):
        set_dir = args.dest.resolve() / f"set-{k}"
        n = build(set_dir, 10 + k, "adv" if k % 2 else "int")
        print(f"set-{k}: {n} insertions in {set_dir}", flush=True)
        if args.build_only:
            continue
        p = subprocess.run([sys.executable, str(EVAL / "score.py"), str(set_dir), "--cmd", cmd],
                           capture_output=True, text=True)
        line = next((x for x in p.stdout.splitlines() if re.match(r"off-topic\s+ALL\b", x)), "")
        print(f"  whole folder: {line}", flush=True)
        if m := re.search(r"tp=(\d+) fp=(\d+) fn=(\d+)", line):
            total = [t + int(v) for t, v in zip(total, m.groups())]
        elif p.returncode:
            sys.exit(f"set-{k}: score.py failed (exit {p.returncode}):\n{p.stderr[-2000:]}")
        if args.alone:
            a = subprocess.run([sys.executable, str(ROOT / "bench" / "offtopic_single.py"), str(set_dir), "--groups",
                                f"synth{10 + k}", "--copydesk", args.copydesk], capture_output=True, text=True)
            line = next((x for x in a.stdout.splitlines() if re.match(r"off-topic\s+ALL\b", x)), a.stderr[-500:])
            print(f"  each alone:   {line}", flush=True)
            if m := re.search(r"tp=(\d+) fp=(\d+) fn=(\d+)", line):
                alone = [t + int(v) for t, v in zip(alone, m.groups())]
    for name, (tp, fp, fn) in (("whole folder", total), ("each alone", alone)):
        if tp + fp + fn:
            prec, rec = tp / max(1, tp + fp), tp / max(1, tp + fn)
            print(f"all sets, {name}: P={prec:.3f} R={rec:.3f} F1={2 * prec * rec / max(1e-9, prec + rec):.3f} "
                  f"tp={tp} fp={fp} fn={fn}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
