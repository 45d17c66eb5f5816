"""Scoring sentences for off-topic content against the rest of their document.

For every content term of a sentence we ask how much the *rest* of the document uses it
(sentences with identical text count once, so duplicating a paragraph changes nothing for
the duplicated sentences). Terms the rest of the document never uses are *novel*. The score
rises with the share of the sentence's content that is novel (above what is usual for this
document), with a run of novel words forming a phrase ("fire safety precautions") and with a
bare name quoted as if already introduced ("said Mathers"); it falls with the weight of terms
the sentence shares with the document, its section and its neighbours. Terms that run through
the whole document ("empathy") anchor a sentence only half as much: a bridging clause back
to the theme is cheap to write. A sentence with the bridged shape (a foreign subject tied back
to the theme by a generic predicate, see ``_bridge``) scores at least its bridge score.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Iterable

from copydesk.checks.offtopic._bridge import Bridge, bridge, bridge_score
from copydesk.checks.offtopic._terms import Term, content_terms
from copydesk.document import Document

# Blocks whose words define the document's vocabulary, and blocks whose sentences are judged.
# References are neither (a reference list is not an off-topic paragraph). Headings, captions
# and table rows lend their words but are too short to judge.
VOCAB_KINDS = ("heading", "paragraph", "list_item", "quote", "caption", "table_row")
CANDIDATE_KINDS = ("paragraph", "list_item", "quote")

# Logistic weights over the features below, fitted on the OneStopEnglish dev half (see
# docs/offtopic.md); the bias is shifted so that 0.5 is the precision-first ("low") threshold,
# about 3 false alarms per 1000 clean sentences on that set.
WEIGHTS = {
    "ratio": 1.15, "rel": 1.7, "link": -1.25, "neigh": -0.95, "sec": -0.85,
    "phrase": 0.25, "bare": 0.8, "nterms": 0.17, "q75": -0.8,
}
BIAS = -3.2
_SAID = re.compile(r"\b(said|says|told|added|explained|according)\b", re.I)
_GAP_OK = ("", "and", "of", "-", "&")


@dataclass
class Unit:
    """A sentence with its content terms and context."""

    index: int  # sentence index in the document
    start: int
    end: int
    kind: str
    section: int
    text_key: str
    terms: list[Term]
    keys: dict[str, float] = field(default_factory=dict)  # key -> max weight


@dataclass
class Scored:
    """A judged sentence: its lexical score, novel terms, foreign phrase and features."""

    unit: Unit
    score: float
    novel: list[Term]
    phrase: list[Term]
    features: dict[str, float]
    bridge: Bridge | None = None  # the bridged shape, when it is what makes the sentence suspect


@dataclass
class DocumentScores:
    sentences: list[Scored]
    topic: list[str]  # the document's topic terms, most central first


def sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def combine(features: dict[str, float]) -> float:
    """The lexical off-topic score (0-1) from a sentence's features."""
    return sigmoid(BIAS + sum(w * features.get(k, 0.0) for k, w in WEIGHTS.items()))


def _section_of(doc: Document) -> dict[int, int]:
    """Block index -> index of the section holding it (its heading included)."""
    section_of: dict[int, int] = {}
    for si, sec in enumerate(doc.sections):
        if sec.heading is not None:
            section_of[sec.heading] = si
        for b in sec.blocks:
            section_of[b] = si
    return section_of


def _units(doc: Document, generic: Iterable[str]) -> list[Unit]:
    section_of = _section_of(doc)
    out: list[Unit] = []
    generic = tuple(generic)
    for i, s in enumerate(doc.sentences):
        kind = doc.blocks[s.block].kind
        if kind not in VOCAB_KINDS:
            continue
        text = doc.prose[s.start:s.end]
        terms = content_terms(text, s.start, generic)
        keys: dict[str, float] = {}
        for t in terms:
            keys[t.key] = max(keys.get(t.key, 0.0), t.weight)
        out.append(Unit(i, s.start, s.end, kind, section_of.get(s.block, 0), " ".join(text.lower().split()),
                        terms, keys))
    return out


def novel_phrase(doc: Document, terms: list[Term], novel_keys: set[str]) -> list[Term]:
    """The heaviest run of adjacent novel terms ("fire safety precautions")."""
    best: list[Term] = []
    run: list[Term] = []
    best_w = run_w = 0.0  # their summed weights, added in the order sum() over the run would take
    for t in terms:
        if t.key in novel_keys:
            gap = doc.prose[run[-1].end:t.start].strip().lower() if run else ""
            if run and gap in _GAP_OK:
                run.append(t)
                run_w += t.weight
            else:
                run, run_w = [t], t.weight
            if run_w > best_w:
                best, best_w = list(run), run_w
        else:
            run, run_w = [], 0.0
    return best


def _bare_name(doc: Document, u: Unit, t: Term) -> bool:
    """A lone surname quoted as if already introduced: "said Mathers", "Iguchi's hope"."""
    before = doc.prose[max(u.start, t.start - 14):t.start]
    after = doc.prose[t.end:min(u.end, t.end + 14)]
    prev_word = (before.split() or [""])[-1]
    next_word = (after.split() or [""])[0]
    if prev_word[:1].isupper() and before.rstrip() == before or next_word[:1].isupper():
        return False  # part of a longer name: "Oscar José Santos"
    return bool(_SAID.search(before + " " + after)) or t.word.endswith(("'s", "’s"))


def topic_terms(units: list[Unit], texts_with: dict[str, set[str]], n: int = 4) -> list[str]:
    """Surface forms of the keys spread widest over the document, rarer words first on ties."""
    weight: dict[str, float] = {}
    for u in units:
        for k, w in u.keys.items():  # a unit's keys hold the max weight of their terms
            weight[k] = max(weight.get(k, 0.0), w)
    keys = sorted((k for k in texts_with if len(texts_with[k]) >= 2),
                  key=lambda k: (-len(texts_with[k]) * (0.3 + weight[k]), k))[:n]
    surface: dict[str, Counter] = {k: Counter() for k in keys}  # the most common form, first seen on ties
    for u in units:
        for t in u.terms:
            if t.key in surface:
                surface[t.key][t.word if (t.proper or t.word.isupper()) else t.word.lower()] += 1
    return [surface[k].most_common(1)[0][0].strip("'’") for k in keys]


def _first_terms(terms: list[Term], keys: set[str]) -> list[Term]:
    """The first occurrence of each of ``keys`` among ``terms``, in order."""
    out: list[Term] = []
    left = set(keys)
    for t in terms:
        if t.key in left:
            left.discard(t.key)
            out.append(t)
    return out


def _features(doc: Document, u: Unit, around: list[Unit], texts_with: dict[str, set[str]], n_texts: int,
              sec: dict[str, set[str]], theme: set[str]) -> Scored:
    """A distinct candidate sentence with its document-only features (``around``: its neighbours)."""
    novel_w = link_w = glink = llink = 0.0
    novel_keys: set[str] = set()
    for k, w in u.keys.items():
        holders = texts_with[k]
        others = len(holders) - (u.text_key in holders)
        if others == 0:
            novel_w += w
            novel_keys.add(k)
        else:
            spread = others / n_texts
            share = w * min(1.0, others / 2.0)
            link_w += share * (0.5 if spread > 0.25 else 1.0)
            if spread > 0.25:
                glink += share
            else:
                llink += share
    novel = _first_terms(u.terms, novel_keys) if novel_keys else []
    neigh_keys = set().union(*(v.keys for v in around))
    neigh_w = sum(w for k, w in u.keys.items() if k in neigh_keys)
    sec_w = sum(w for k, w in u.keys.items() if len(sec[k]) > (u.text_key in sec[k]))
    phrase = novel_phrase(doc, u.terms, novel_keys)
    bare = float(any(_bare_name(doc, u, t) for t in novel if t.proper))
    feats = {
        "novel": novel_w, "link": link_w, "neigh": neigh_w, "sec": sec_w,
        "phrase": sum(t.weight for t in phrase) if len(phrase) >= 2 else 0.0,
        "nterms": float(len(u.keys)), "ratio": novel_w / (novel_w + link_w + 0.5),
        "bare": bare, "glink": glink, "llink": llink,
    }
    b = bridge(doc.prose[u.start:u.end], u.start, u.terms, novel_keys, theme)
    feats["bridge"] = bridge_score(b)
    return Scored(u, 0.0, novel, phrase, feats, b if feats["bridge"] > 0 else None)


def score_document(doc: Document, generic: Iterable[str] = ()) -> DocumentScores:
    """Score every candidate sentence of ``doc`` against the rest of it."""
    units = _units(doc, generic)
    texts_with: dict[str, set[str]] = defaultdict(set)
    section_texts: dict[int, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for u in units:
        sec = section_texts[u.section]
        for k in u.keys:
            texts_with[k].add(u.text_key)
            sec[k].add(u.text_key)
    n_texts = len({u.text_key for u in units}) or 1

    theme = {k for k, texts in texts_with.items() if len(texts) / n_texts > 0.1 and len(texts) >= 3}

    # Judge each distinct sentence text once, in its first place: a repeated paragraph then
    # changes nothing but the support its words lend to the others.
    seq: list[Unit] = []
    first: set[str] = set()
    for u in units:
        if u.text_key not in first:
            first.add(u.text_key)
            seq.append(u)
    scored = [_features(doc, u, seq[max(0, pos - 1):pos] + seq[pos + 1:pos + 2], texts_with, n_texts,
                        section_texts[u.section], theme)
              for pos, u in enumerate(seq) if u.kind in CANDIDATE_KINDS]
    if scored:  # computed over distinct sentences only (copies are added below)
        ratios = sorted(x.features["ratio"] for x in scored)
        med = ratios[len(ratios) // 2]
        q75 = ratios[(3 * len(ratios)) // 4]
        for x in scored:
            x.features["rel"] = x.features["ratio"] - med
            x.features["q75"] = q75
            x.score = max(combine(x.features), x.features["bridge"])
    by_key = {x.unit.text_key: x for x in scored}
    for u in units:  # later copies of a sentence share the verdict of its first occurrence
        if u.kind in CANDIDATE_KINDS and by_key.get(u.text_key) and by_key[u.text_key].unit is not u:
            x = by_key[u.text_key]
            scored.append(Scored(u, x.score, x.novel, x.phrase, x.features, x.bridge))
    scored.sort(key=lambda x: x.unit.start)
    return DocumentScores(scored, topic_terms(units, texts_with))
