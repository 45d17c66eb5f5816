"""A news check for off-topic detection that nothing was fitted on: does a change carry over?

    .venv/bin/python bench/offtopic_news.py /tmp/news            # build the set, then score it both ways
    .venv/bin/python bench/offtopic_news.py /tmp/news --build-only

The off-topic weights are fitted on offtopic-dev (OneStopEnglish essays); the tool is judged on
news. This builds a small labelled set in score.py's format from the *main text* lines of
boilerplate-dev's news pages (BBC News, a WSJ blog; the gold labels say which lines are article
text), in three groups of one document per article:

- ``clean--``: the article;
- ``cross--``: one sentence of another article of the set appended to a paragraph (a misplaced paste);
- ``crafted--``: one filler sentence appended to a paragraph: an everyday topic with a generic tie-back
  to the article's most frequent headline word (the phrases below were written for this check).

Then it runs score.py on the whole folder (corpus evidence on) and ``bench/offtopic_single.py``
(each document alone). The set is written outside the repository (the eval data stays in
``../shared``); ``score.py`` is copied beside it, as ``offtopic_single.py`` expects. Do not tune on
it: it is small (24 articles) and exists to catch a change that only helps the dev set.
"""

from __future__ import annotations

import argparse
import collections
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
STOP = set("the a an of to in and or for on at by with from that this is was were are be been it its as has have "
           "had he she they their his her said says would will could but not more than about after into over also "
           "which who when what there some".split())
OPENERS = ["Moreover,", "In addition,", "Additionally,", "Similarly,", "Furthermore,", "Likewise,", ""]
TOPICS = ["choosing a mattress with the right firmness", "keeping your gutters clear before the autumn rains",
          "a well-planned weekly meal prep routine", "regularly backing up the photos on your phone",
          "picking comfortable running shoes", "setting a monthly budget for groceries",
          "watering houseplants on a consistent schedule", "decluttering your wardrobe each season",
          "servicing your boiler before winter", "learning a few basic knife skills in the kitchen",
          "comparing car insurance quotes every year", "planting native flowers in a small garden",
          "keeping a tidy and well-lit home office", "using a password manager for your accounts"]
TIE_BACKS = ["can help you feel more prepared when following news about {t}",
             "is essential for peace of mind, especially amid developments in {t}",
             "can make a real difference to your everyday life, much like changes in {t}",
             "is an important step toward staying calm about {t}",
             "helps you stay focused and informed on topics such as {t}"]
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“])")


def articles(source: Path) -> dict[str, list[str]]:
    """Article paragraphs (gold main-text lines of three words or more) of each page with six or more."""
    units: dict[str, list[dict]] = collections.defaultdict(list)
    for line in (source / "units.jsonl").read_text(encoding="utf-8").splitlines():
        unit = json.loads(line)
        units[unit["doc"]].append(unit)
    out = {}
    for doc, us in sorted(units.items()):
        text = (source / doc).read_text(encoding="utf-8")
        paras = [p for p in (text[u["start"]:u["end"]].strip() for u in us if u["label"] == 0) if len(p.split()) >= 3]
        if len(paras) >= 6:
            out[Path(doc).stem] = paras
    return out


def theme(paras: list[str]) -> str:
    """The article's most frequent word of five letters or more that is in its headline."""
    counts = collections.Counter(w.lower() for p in paras for w in re.findall(r"[A-Za-z]{5,}", p)
                                 if w.lower() not in STOP)
    head = {w.lower(): w for w in re.findall(r"[A-Za-z]{5,}", paras[0])}
    best = [w for w, _ in counts.most_common() if w in head] or [counts.most_common(1)[0][0]]
    return head.get(best[0], best[0])


def build(out: Path, seed: int) -> int:
    """Write ``out/docs``, ``out/units.jsonl`` (every sentence a unit) and ``out/meta.json``; returns the positives."""
    arts = articles(EVAL / "boilerplate-dev")
    shutil.rmtree(out, ignore_errors=True)
    (out / "docs").mkdir(parents=True)
    rng = random.Random(seed)
    units: list[dict] = []

    def write(name: str, paras: list[str], inserted: str | None = None) -> None:
        text = "\n\n".join(paras) + "\n"
        (out / "docs" / f"{name}.txt").write_text(text, encoding="utf-8")
        at = text.find(inserted) if inserted else -1
        for s in parse(f"docs/{name}.txt", text).sentences:
            label = int(at >= 0 and s.start < at + len(inserted or "") and s.end > at)
            units.append({"doc": f"docs/{name}.txt", "category": "off-topic", "start": s.start, "end": s.end,
                          "label": label})

    names = sorted(arts)
    for i, name in enumerate(names):
        paras = arts[name]
        write(f"clean--{name}", paras)
        ends = [j for j in range(1, len(paras)) if paras[j][-1] in ".!?\"”"]  # paragraphs that end a sentence
        other = arts[names[(i + rng.randint(1, len(names) - 1)) % len(names)]]
        pasted = rng.choice([s for p in other[1:] for s in SENTENCE_END.split(p)
                             if 12 <= len(s.split()) <= 35 and s[-1] in ".!?"])
        for group, sentence in (("cross", pasted), ("crafted", None)):
            if sentence is None:
                filler = f"{rng.choice(OPENERS)} {rng.choice(TOPICS)} {rng.choice(TIE_BACKS).format(t=theme(paras))}."
                sentence = filler.strip()[0].upper() + filler.strip()[1:]
            k = rng.choice(ends)
            edited = list(paras)
            edited[k] = f"{edited[k]} {sentence}"
            write(f"{group}--{name}", edited, sentence)
    (out / "units.jsonl").write_text("".join(json.dumps(u) + "\n" for u in units), encoding="utf-8")
    (out / "meta.json").write_text(json.dumps({"category": "off-topic", "name": "offtopic-news"}), encoding="utf-8")
    shutil.copy(EVAL / "score.py", out.parent / "score.py")
    print(f"{len(names)} articles, {len(units)} sentences, {sum(u['label'] for u in units)} insertions in {out}")
    return sum(u["label"] for u in units)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dest", type=Path, help="a folder outside the repository; the set goes to DEST/set")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--build-only", action="store_true")
    ap.add_argument("--copydesk", default=str(ROOT / ".venv" / "bin" / "copydesk"))
    args = ap.parse_args()
    set_dir = args.dest.resolve() / "set"
    build(set_dir, args.seed)
    if args.build_only:
        return 0
    cmd = f"{args.copydesk} check --format json --fail-on never --no-cache --select off-topic docs"
    print("whole folder:", flush=True)
    whole = subprocess.run([sys.executable, str(set_dir.parent / "score.py"), str(set_dir), "--cmd", cmd])
    print("each document alone:", flush=True)
    alone = subprocess.run([sys.executable, str(ROOT / "bench" / "offtopic_single.py"), str(set_dir),
                            "--groups", "clean,cross,crafted", "--copydesk", args.copydesk])
    return whole.returncode or alone.returncode


if __name__ == "__main__":
    sys.exit(main())
