"""Vocabulary and word-shape helpers shared by the grammar checks.

``rules/vocabulary/accept.txt`` and ``reject.txt`` hold one term or regular expression per line
(as Vale's vocabularies). An all-lower-case entry matches any capitalisation of the word; an entry
with capitals matches as written. Entries match whole words.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterable

_PLAIN = re.compile(r"^[\w'’\-. ]+$")


def _compile(entries: Iterable[str]) -> re.Pattern[str] | None:
    parts = []
    for e in entries:
        e = e.strip()
        if not e or e.startswith("#"):
            continue
        body = re.escape(e) if _PLAIN.match(e) else e
        try:
            re.compile(body)
        except re.error as exc:
            raise ValueError(f"vocabulary entry {e!r} is not a valid regular expression: {exc}") from None
        if e == e.lower():
            body = f"(?i:{body})"
        parts.append(f"(?:{body})")
    return re.compile("|".join(parts)) if parts else None


@dataclass(frozen=True)
class Vocabulary:
    """Accepted and rejected terms of a project."""

    accept: re.Pattern[str] | None
    reject: re.Pattern[str] | None
    plain_accept: tuple[str, ...] = ()  # accepted entries that are plain words (for Harper's dictionary)

    def accepts(self, word: str) -> bool:
        if self.accept is None:
            return False
        w = word.replace("’", "'")
        if self.accept.fullmatch(w) or self.accept.fullmatch(word):
            return True
        # plural / possessive of an accepted term
        for suffix in ("'s", "s", "es"):
            if w.endswith(suffix) and self.accept.fullmatch(w[: -len(suffix)]):
                return True
        return False


@lru_cache(maxsize=64)
def _vocabulary(accept: tuple[str, ...], reject: tuple[str, ...]) -> Vocabulary:
    plain = tuple(sorted({e.strip() for e in accept if re.fullmatch(r"[A-Za-z][A-Za-z'’\-]*", e.strip())}))
    return Vocabulary(_compile(accept), _compile(reject), plain)


def vocabulary(setting: Any) -> Vocabulary:
    """The :class:`Vocabulary` of the ``vocabulary`` setting (``{"accept": [...], "reject": [...]}``)."""
    setting = setting or {}
    return _vocabulary(tuple(setting.get("accept") or ()), tuple(setting.get("reject") or ()))


def zipf(word: str) -> float:
    """wordfreq's Zipf frequency of ``word`` in English (0 = unseen, 7 = 'the')."""
    return _zipf(word.lower().replace("’", "'"))


@lru_cache(maxsize=65_536)  # most look-ups are everyday words; more would cost each worker memory
def _zipf(word: str) -> float:
    if word.isascii() and word.isalpha():
        freq = frequencies().get(word, 0.0)
        return round(math.log10(freq) + 9, 2) if freq > 0 else 0.0
    from wordfreq import zipf_frequency  # imported on first use: wordfreq pulls in ftfy and langcodes

    return zipf_frequency(word, "en")


@lru_cache(maxsize=1)
def frequencies() -> dict[str, float]:
    """wordfreq's English word -> frequency table (lower-case keys; loaded once; fast look-ups
    for plain words)."""
    from wordfreq import get_frequency_dict

    return get_frequency_dict("en")


def damerau(a: str, b: str) -> int:
    """Optimal-string-alignment edit distance (insert, delete, substitute, transpose)."""
    a, b = a.lower(), b.lower()
    if a == b:
        return 0
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]


_INITIALS = re.compile(r"^(?:[A-Za-z]{1,4}\.)+[A-Za-z]{0,3}\.?$")


def mixed_case(word: str) -> bool:
    """A capital after a small letter ("StumbleUpon", "iPhone", "YouTube"): a brand, a product or
    an identifier, never a misspelling (a slip of the shift key, "tHe", is a known word in any case)."""
    return any(a.islower() and b.isupper() for a, b in zip(word, word[1:]))


def looks_like_name_or_abbreviation(text: str, word: str, start: int, end: int, sentence_start: int) -> bool:
    """Names, acronyms, initials and abbreviations ("Fonagy", "BPD", "E.Z.", "Psy.D.", "p.", "pp.")."""
    if any(ch.isdigit() for ch in word) or "." in word:
        return True
    if _INITIALS.match(word):
        return True
    nxt = text[end:end + 1]
    prev = text[start - 1:start] if start else ""
    if nxt == "." and len(word) <= 4 and (word[:1].isupper() or len(word) <= 2):
        return True  # "Psy.", "p.", "pp.", "Dr."
    if prev == "." and start >= 2 and text[start - 2].isalpha() and len(word) <= 2:
        return True  # the "D" of "Psy.D"
    if len(word) > 1 and word.isupper():
        return True  # acronym
    if mixed_case(word):
        return True  # a brand or an identifier ("StumbleUpon")
    if word[:1].isupper() and start > sentence_start:
        return True  # capitalised inside a sentence: a name
    return False
