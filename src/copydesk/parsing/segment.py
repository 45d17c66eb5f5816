"""Sentence segmentation with exact offsets (syntok, which knows abbreviations and initials)."""

from __future__ import annotations

import re
from functools import lru_cache

from syntok import segmenter

from copydesk.document import Block, Sentence

_SPACE = re.compile(r"\s+")
# syntok keeps a sentence going after nested closing quotes ('He said: "Go now.'" Then ...') and after a
# closing quote set off by a space ('... one normally would ”. The album ...'): split there when the
# next word starts with a capital.
_QUOTE_END = re.compile(r"(?:(?<=[.!?][\'’\"”][\'’\"”])|(?<=[’\"”]\.))\s+(?=[\"“‘]?[A-Z])")
# syntok runs in time linear in tokens, but a pathological block (a 2 MB line) is cut into
# windows at whitespace so memory stays bounded.
_WINDOW = 20000
# A block with none of these (but for a final . ! or ?) and no blank line is one sentence for syntok too (checked on
# every block of ../shared/eval and content/, and by a property test): it skips syntok's
# token-by-token state machine.
_MAY_SPLIT = re.compile(r"[.!?…;:()\[\]]|\n\s*\n")


def _windows(text: str) -> list[tuple[int, int]]:
    if len(text) <= _WINDOW:
        return [(0, len(text))]
    out, pos = [], 0
    while pos < len(text):
        end = min(len(text), pos + _WINDOW)
        if end < len(text):
            cut = text.rfind(". ", pos, end)
            if cut <= pos:
                cut = text.rfind(" ", pos, end)
            end = cut + 1 if cut > pos else end
        out.append((pos, end))
        pos = end
    return out


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Return (start, end) spans of sentences in ``text`` (whitespace trimmed)."""
    return list(_split(text))


@lru_cache(maxsize=8192)  # navigation, bylines and refrains repeat across a corpus
def _split(text: str) -> tuple[tuple[int, int], ...]:
    core = text.rstrip()
    body = len(core) - 1 if core[-1:] in ".!?" else len(core)  # a final full stop ends the one sentence
    if len(text) <= _WINDOW and not _MAY_SPLIT.search(core, 0, body):
        lead = len(text) - len(text.lstrip())
        return ((lead, len(core)),) if len(core) > lead else ()
    return syntok_spans(text)


def syntok_spans(text: str) -> tuple[tuple[int, int], ...]:
    """Sentence spans of ``text`` from syntok (whitespace trimmed), window by window."""
    spans: list[tuple[int, int]] = []
    for w0, w1 in _windows(text):
        spans.extend((w0 + a, w0 + b) for a, b in _window_spans(text[w0:w1]))
    return tuple(spans)


@lru_cache(maxsize=64)  # a long line that repeats itself (a log, an export) cuts into equal windows
def _window_spans(chunk: str) -> tuple[tuple[int, int], ...]:
    if not chunk.strip():
        return ()
    spans: list[tuple[int, int]] = []
    for paragraph in segmenter.analyze(chunk):
        for sentence in paragraph:
            if not sentence:
                continue
            start = sentence[0].offset
            last = sentence[-1]
            end = last.offset + len(last.value)
            if end > start:
                spans.extend(_refine(chunk, 0, start, end))
    return tuple(spans)


def _refine(chunk: str, w0: int, start: int, end: int) -> list[tuple[int, int]]:
    """Split a syntok sentence after closing quotes it missed."""
    out, pos = [], start
    for m in _QUOTE_END.finditer(chunk, start, end):
        out.append((w0 + pos, w0 + m.start()))
        pos = m.end()
    out.append((w0 + pos, w0 + end))
    return out


def sentences_for_blocks(prose: str, blocks: list[Block]) -> list[Sentence]:
    """Segment each block; headings and list items are single sentences when short."""
    out: list[Sentence] = []
    for i, b in enumerate(blocks):
        text = prose[b.start:b.end]
        if b.kind in ("heading", "table_row"):
            spans = [(0, len(text))]
        else:
            spans = split_sentences(text) or [(0, len(text))]
        for s, e in spans:
            # trim whitespace so sentence text never starts/ends with blanks
            seg = text[s:e]
            lead = len(seg) - len(seg.lstrip())
            trail = len(seg) - len(seg.rstrip())
            if e - trail > s + lead:
                out.append(Sentence(b.start + s + lead, b.start + e - trail, i))
    return out
