"""Bridged insertions: a foreign topic as the subject, tied back to the article by a generic clause.

Content-farm sentences are built to slip past a reader: a transition word, a foreign topic as the
grammatical subject, and a bridging predicate back to the article's theme:

    Moreover, | understanding fire safety precautions | is essential for creating a safe
    environment that supports | emotional stability.

Word overlap alone scores such a sentence low (half its words are the article's own). The shape
gives it away: we split the sentence into opener, subject and predicate with a small closed-class
grammar (connectives, gerund or "a grasp of" subjects, a predicate verb list) and ask whether the
*subject* is foreign (its content terms appear nowhere else in the document) while the
*predicate* leans on the document's vocabulary. Participial openers ("Speaking to reporters, the
minister said ...") are not subjects: a comma before the predicate verb rules them out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from copydesk.checks.offtopic._terms import Term

CONNECTIVES = (
    "moreover", "furthermore", "additionally", "in addition", "also", "likewise", "similarly",
    "besides", "equally", "what's more", "on top of that", "indeed", "notably", "importantly",
    "in fact", "beyond this", "beyond that", "at the same time", "in the same way",
    "by the same token", "ultimately", "in turn", "as well",
)
_CONN = "|".join(sorted((re.escape(c).replace("'", "['’]").replace(r"\ ", r"\s+") for c in CONNECTIVES),
                        key=len, reverse=True))
OPENER = re.compile(rf"^[\W_]*(?P<conn>(?:{_CONN}))\s*,\s*", re.I)
# "understanding", "learning about", "a solid grasp of", "knowing how to choose"
GERUND_SUBJECT = re.compile(
    r"^(?:(?:a|an|the)\s+(?:\w+\s+)?(?:grasp|understanding|knowledge|awareness|appreciation|mastery|study)"
    r"\s+of\s+|[a-z]+ing\b)", re.I)
NOT_GERUND = frozenset(
    "during nothing something anything everything according including morning evening king thing spring "
    "bring string ring wing sing sting ceiling building meeting being wedding".split())
PREDICATE = re.compile(
    r"\b(?:is|are|was|were|can|could|may|might|will|would|should|must|remains?|helps?|supports?|"
    r"contributes?|deepens?|enhances?|fosters?|prepares?|makes?|offers?|strengthens?|enrich(?:es)?|"
    r"plays?|provides?|allows?|enables?|improves?|builds?|creates?|promotes?|encourages?|matters?|"
    r"serves?|adds?|brings?|gives?|leads?|teaches?|shapes?|reinforces?|complements?|mirrors?|"
    r"reflects?|underpins?|informs?|nurtures?|cultivates?|ensures?|means|requires?|keeps?|drives?|boosts?|"
    r"sustains?|fuels?|influences?|determines?|affects?|benefits?|protects?|empowers?|equips?|inspires?|"
    r"transforms?|paves?|opens?|sharpens?|broadens?|expands?|complements?)\b", re.I)


@dataclass(frozen=True)
class Bridge:
    """A sentence split as opener + foreign subject + bridging predicate."""

    connective: str  # "" when the subject alone (a gerund) carries the shape
    subject: tuple[Term, ...]  # the subject's content terms
    foreign: tuple[Term, ...]  # those of them the rest of the document never uses
    anchors: tuple[Term, ...]  # predicate terms the document does use
    weight: float  # summed weight of the foreign subject terms
    themed: bool = False  # an anchor is one of the document's theme terms


BRIDGING = re.compile(
    r"^(?:(?:can|could|may|might|will|would|should|must)\b|(?:is|are|remains?)\s+(?:\w+\s+)?(?:essential|key|vital|"
    r"important|crucial|critical|fundamental|central|helpful|valuable|useful|beneficial|necessary|integral|"
    r"instrumental|invaluable|indispensable|pivotal|paramount|a\s+\w+\s+(?:part|step|way|tool|component))\b|"
    r"(?!is\b|are\b|was\b|were\b|remains?\b|makes?\b|gives?\b|brings?\b|leads?\b|adds?\b|plays?\b))", re.I)


# After a transition word the predicate must make a generic present-tense claim: a modal, a copula
# with an evaluative adjective, or a bridging verb ("plays a role", "supports", "deepens").
GENERIC_CLAIM = re.compile(r"^(?!(?:is|are|was|were|remains?)\b)|" + BRIDGING.pattern[1:], re.I)


def splits(text: str) -> list[tuple[str, int, int, int]]:
    """Candidate (connective, subject start, frame end, predicate start) offsets into ``text``.

    The frame is the gerund or "a grasp of" that opens the subject: generic, never foreign.
    Each predicate verb before the first comma is a candidate: the first one may sit inside the
    subject ("the roles individuals play in storytelling ... can deepen").
    """
    m = OPENER.match(text)
    conn = m.group("conn") if m else ""
    pos = m.end() if m else len(text) - len(text.lstrip(" \t\n“\"‘'"))
    rest = text[pos:]
    g = GERUND_SUBJECT.match(rest)
    gerund = bool(g) and g.group().lower().strip() not in NOT_GERUND
    if not conn and not gerund:
        return []
    if not gerund and re.match(r"(?:he|she|it|they|we|i|you|this|that|these|those|there|one|its|his|her|their)\b",
                               rest, re.I):
        return []  # "In addition, he teamed up ...": the subject is the story's own
    frame = pos + (g.end() if gerund else 0)
    stop = re.search(r"[,;:–—()]", rest)
    limit = stop.start() if stop else len(rest)
    out = []
    for p in PREDICATE.finditer(rest, 0, limit):
        if p.start() == 0 or rest[:p.start()].rstrip().lower().endswith(" to"):
            continue  # "... funding to support ...": an infinitive, not the predicate
        tail = rest[p.start():]
        if not (BRIDGING if not conn else GENERIC_CLAIM).match(tail):
            continue  # "... is essential", "... can help": a generic claim, not a narrative ("was shut")
        out.append((conn, pos, frame, pos + p.start()))
    return out


def bridge(text: str, offset: int, terms: list[Term], novel_keys: set[str],
           theme: set[str] | frozenset[str] = frozenset()) -> Bridge | None:
    """The bridged shape of a sentence (``text`` starting at ``offset``), if it has one.

    ``novel_keys``: term keys the rest of the document never uses; ``theme``: keys that run
    through the document (a bridge back to them is the insertion's alibi).
    """
    best: Bridge | None = None
    for conn, s0, f0, p0 in splits(text):
        subject = tuple(t for t in terms if offset + f0 <= t.start < offset + p0)
        foreign = tuple(t for t in subject if t.key in novel_keys)
        anchors = tuple(t for t in terms if t.start >= offset + p0 and t.key not in novel_keys)
        if not foreign or not anchors:
            continue
        b = Bridge(conn, subject, foreign, anchors, sum(t.weight for t in foreign),
                   any(t.key in theme for t in anchors))
        if best is None or bridge_score(b) > bridge_score(best):
            best = b
    return best


def bridge_score(b: Bridge | None) -> float:
    """0..1: how surely the shape is a bridged insertion (0 when it is not one).

    Grows with the number of distinct foreign subject terms (a foreign *topic* is a phrase:
    three terms score about 0.6, two are capped under the default threshold) and their weight, and
    shrinks with the (weighted) share of the subject the document does use.
    """
    if b is None:
        return 0.0
    keys = len({t.key for t in b.foreign})
    share = b.weight / max(1e-9, sum(t.weight for t in b.subject))
    if keys < 2 or share < 0.6:
        return 0.0
    raw = (0.15 + 0.1 * min(5, keys) + 0.05 * min(3.0, b.weight) + (0.05 if b.connective else 0.0)
           + (0.05 if b.themed else 0.0))
    score = min(0.95, raw * (0.4 + 0.6 * share))
    return round(score if keys >= 3 else min(score, 0.45), 4)  # two terms: only at medium/high


def foreign_phrase(prose: str, b: Bridge, max_words: int = 5) -> str:
    """The foreign topic as written: the subject's last words up to its last foreign term
    ("storytelling and cultural narratives"), at most ``max_words`` and starting on a foreign term."""
    first, last = b.foreign[0], b.foreign[-1]
    words = list(re.finditer(r"\S+", prose[first.start:last.end]))
    words = words[-max_words:]
    span_start = first.start + words[0].start()
    starts = [t.start for t in b.foreign if t.start >= span_start]
    return " ".join(prose[starts[0]:last.end].split()).strip(" '’\"“”")
