"""Real-word errors: a rare dictionary word one edit away from a much more common word.

A slip that makes another real word ("personalty" for "personality", "decease" for "decrease")
passes every spell checker. This check uses wordfreq's Zipf frequencies (a maintained, sourced
word-frequency package): a lower-case word that is rare in English, while a word one edit away
(insert, delete, substitute or swap a letter; not a mere inflection) is far more common, is
probably that word mistyped. A smaller gap suffices when the document uses the neighbour
elsewhere. Words wordfreq has never seen are left alone (no evidence), as are capitalised words
(names), words in the project vocabulary, reference entries and short words.

Passes: ``This type of personality has its source in an intense experience.``
Fails: ``This type of personalty has its source in an intense experience.`` (personality)
"""

from __future__ import annotations

import re
import string
from typing import Any, Iterator

from copydesk.checks.grammar._engine import known_words
from copydesk.checks.grammar._spans import Spans
from copydesk.checks.grammar._vocab import frequencies, vocabulary, zipf
from copydesk.document import Document
from copydesk.findings import Problem

ID = "grammar.real-word"
CATEGORY = "spelling"
SEVERITY = "warning"
FIX = "unsafe"  # the likelier neighbour word: may change meaning (copydesk.fixes)
SETTINGS = ("vocabulary",)
OPTIONS = {
    "rare_zipf": {"type": "number", "minimum": 0, "maximum": 8, "default": 2.5,
                  "description": "a word rarer than this (wordfreq Zipf scale) is a candidate"},
    "common_zipf": {"type": "number", "minimum": 0, "maximum": 8, "default": 4.0,
                    "description": "the neighbour must be at least this common"},
    "min_gap": {"type": "number", "minimum": 0, "maximum": 8, "default": 2.5,
                "description": "how much more common (Zipf points) the neighbour must be"},
    "in_document_gap": {"type": "number", "minimum": 0, "maximum": 8, "default": 2.0,
                        "description": "a smaller gap that suffices when the neighbour is used elsewhere in "
                                       "the same document"},
    "min_length": {"type": "integer", "minimum": 1, "default": 5,
                   "description": "shorter words are never flagged"},
}
EXAMPLES = {
    "passes": ["This type of personality has its source in an intense experience.\n"],
    "fails": ["This type of personalty has its source in an intense experience.\n"],
}  # run by the test suite (copydesk.contract)

_WORD = re.compile(r"(?<![\w’'\-])[a-z]+(?![\w’'\-])")
_LETTERS = string.ascii_lowercase


def edits1(word: str) -> set[str]:
    """Words one deletion, transposition, substitution or insertion away."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    out = {a + b[1:] for a, b in splits if b}
    out |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    out |= {a + c + b[1:] for a, b in splits if b for c in _LETTERS}
    out |= {a + c + b for a, b in splits for c in _LETTERS}
    out.discard(word)
    return out


def _inflection(a: str, b: str) -> bool:
    """``b`` is ``a`` with or without a plural/possessive/verb ending (not a typo)."""
    short, long_ = sorted((a, b), key=len)
    return long_.startswith(short) and long_[len(short):] in ("s", "d", "r", "y", "e")


def best_neighbour(word: str, common: float, gap: float, context: set[str] = frozenset(),
                   context_gap: float | None = None) -> tuple[str, float] | None:
    """The real word one edit from ``word`` that clears the thresholds: one the document uses
    elsewhere first (then ``context_gap`` suffices), else the most common."""
    base = zipf(word)
    best: tuple[str, float] | None = None
    known = frequencies()
    # Most of the ~450 candidates are unknown to wordfreq (Zipf 0) and cannot qualify: skip them
    # with one look-up (exact for a plain lower-case word, the table's form of every entry).
    skip_unseen = word.isascii() and word.isalpha() and word.islower() and not (
        common <= 0 and -base >= min(gap, context_gap if context_gap is not None else gap))
    for cand in edits1(word):
        if skip_unseen and cand not in known:
            continue
        z = zipf(cand)
        need = min(gap, context_gap) if context_gap is not None and cand in context else gap
        if z >= common and z - base >= need and not _inflection(word, cand):
            key = (cand in context, z)
            if best is None or key > ((best[0] in context), best[1]):
                best = (cand, z)
    return best


def check(document: Document, options: dict[str, Any]) -> Iterator[Problem]:
    doc = document
    vocab = vocabulary(options["vocabulary"])
    rare = float(options["rare_zipf"])
    min_len = int(options["min_length"])
    refs = Spans((b.start, b.end) for b in doc.blocks if b.kind == "reference")
    cands = []
    for m in _WORD.finditer(doc.prose):
        w = m.group()
        z = zipf(w)
        if len(w) < min_len or z >= rare or z == 0 or vocab.accepts(w):
            continue  # no frequency evidence (z == 0): the model cannot judge the word
        if m.start() in refs:
            continue
        cands.append(m)
    if not cands:
        return
    known = known_words(m.group() for m in cands)
    doc_words = None
    for m in cands:
        w = m.group()
        if not any(known[w]):
            continue  # not a dictionary word: the spelling checker reports it
        if doc_words is None:
            doc_words = {x.lower() for x in doc.words()}
        nb = best_neighbour(w, float(options["common_zipf"]), float(options["min_gap"]), doc_words,
                            float(options["in_document_gap"]))
        if nb is None:
            continue
        in_doc = nb[0] in doc_words
        score = min(1.0, (nb[1] - zipf(w)) / 5 + (0.2 if in_doc else 0.0))
        where = " (used elsewhere in this document)" if in_doc else ""
        yield Problem(m.start(), m.end(),
                      f"'{w}' is a rare word; did you mean '{nb[0]}'{where}?",
                      score=round(score, 3), suggestions=(nb[0],))
