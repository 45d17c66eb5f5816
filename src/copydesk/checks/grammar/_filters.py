"""Noise filters shared by the grammar engines (Harper, LanguageTool)."""

from __future__ import annotations

import re
import unicodedata

from copydesk.checks.grammar._dialect import counterparts
from copydesk.checks.grammar._engine import known_words
from copydesk.checks.grammar._spans import Spans
from copydesk.checks.grammar._vocab import Vocabulary, damerau, looks_like_name_or_abbreviation, zipf
from copydesk.document import Document

_LETTER = re.compile(r"\w")
_QUOTES = set("\"'“”‘’«»")


def _plain(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c)).lower()


def sentence_start(doc: Document, offset: int) -> int:
    """Start of the first word of the sentence holding ``offset`` (quotes and brackets skipped)."""
    s = doc.sentence_at(offset)
    start = s.start if s else 0
    m = _LETTER.search(doc.prose, start, offset + 1)
    return m.start() if m else start


def reference_spans(doc: Document) -> Spans:
    return Spans((b.start, b.end) for b in doc.blocks if b.kind == "reference")


def skip_span(doc: Document, start: int, end: int, refs: Spans) -> bool:
    """Spans an engine must not report: empty, masked markup, layout whitespace, references."""
    if end <= start or doc.prose[start:end] != doc.text[start:end]:
        return True
    span = doc.text[start:end]
    if "\n" in span:
        return True  # indentation and line breaks are layout, not prose
    if not span.strip() and (start == 0 or doc.text[start - 1] == "\n"):
        return True  # leading indentation
    return start in refs


def keep_spelling(doc: Document, start: int, end: int, suggestions: tuple[str, ...], vocab: Vocabulary,
                  variants: set[str], known_zipf: float) -> bool:
    """Whether an engine's spelling flag on ``doc.text[start:end]`` is worth an editor's time."""
    word = doc.text[start:end]
    if len(word) < 2 or vocab.accepts(word) or word.lower() in variants:
        return False
    if doc.text[start - 1:start] in _QUOTES and doc.text[end:end + 1] in _QUOTES and start > 0:
        return False  # a quoted single word is a term being mentioned ("stychia")
    if any(s and _plain(s) == _plain(word) and s != word for s in suggestions):
        return False  # an accented spelling ("naiveté")
    pairs = [s.lower() for s in suggestions if s and s.lower() in counterparts(word.lower())]
    if pairs and any(ok_us != ok_uk for ok_us, ok_uk in known_words(pairs).values()):
        return False  # the other dialect's spelling of a word only one of Harper's dictionaries has
    first = sentence_start(doc, start)
    if looks_like_name_or_abbreviation(doc.prose, word, start, end, first):
        return False
    close = any(damerau(word, s) <= 1 for s in suggestions if s)
    if word[:1].isupper() and not close:
        return False  # sentence-initial capitalised word with no near suggestion: a name
    if zipf(word) >= known_zipf and not close:
        return False  # a word in use (wordfreq) with no near suggestion: jargon, not a typo
    return True
