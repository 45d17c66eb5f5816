"""The shared loop of the claim checks: candidate sentence -> cue -> exempt? -> supported? -> finding."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterator

from copydesk.checks.claims import _cues, _support
from copydesk.document import Document
from copydesk.findings import Problem


@dataclass(frozen=True)
class Hit:
    """A cue found in a sentence (offsets relative to the sentence)."""

    start: int
    end: int
    message: str
    score: float


EDIT_OPTION = {"type": "object", "default": {},
               "additionalProperties": {"type": "array", "items": {"type": "string", "minLength": 1}}}


def options(own: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """A check's OPTIONS: its own, ``add``/``remove`` list edits, and the shared support options."""
    merged = dict(own)
    merged["add"] = dict(EDIT_OPTION, description="entries to append to a list option: {list_name: [...]}")
    merged["remove"] = dict(EDIT_OPTION, description="entries to drop from a list option: {list_name: [...]}")
    merged.update(_support.SUPPORT_OPTIONS)
    return merged


def cues(opts: dict[str, Any], name: str) -> list[str]:
    """List option ``name`` with the check's ``add``/``remove`` edits applied."""
    return _cues.edited(opts, name)


def combine(scores: list[float]) -> float:
    """Noisy-or of cue scores: two independent cues are stronger evidence than one."""
    miss = 1.0
    for s in scores:
        miss *= 1.0 - max(0.0, min(1.0, s))
    return round(1.0 - miss, 4)


def run(document: Document, opts: dict[str, Any], find: Callable[[str], list[Hit]],
        span: str = "sentence") -> Iterator[Problem]:
    """Yield one problem per unsupported, non-exempt sentence where ``find`` reports cues.

    ``span`` is "sentence" (the finding covers the sentence) or "cue" (one finding per cue).
    """
    analysis = _support.analysis(document, opts)
    for cand in _support.candidates(document):
        hits = find(cand.text)
        if not hits:
            continue
        if analysis.exemption(cand.text):
            continue
        if analysis.support(cand.index):
            continue
        base = cand.sentence.start
        if span == "cue":
            for h in hits:
                yield Problem(base + h.start, base + h.end, h.message, score=round(h.score, 4))
        else:
            first = min(hits, key=lambda h: (-h.score, h.start))
            yield Problem(cand.sentence.start, cand.sentence.end, first.message,
                          score=combine([h.score for h in hits]))
