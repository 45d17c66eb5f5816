"""A sentence leans on research, studies, science or experts but cites none.

Passes: "Research shows that emotional dysregulation is a core feature of BPD (Linehan, 1993)."
Passes: "According to the American Psychiatric Association, NPD affects up to 6% of adults."
Fails: "Research shows that emotional regulation difficulties are core features of BPD."
Fails: "Knowledge about narcissistic defenses shows that their reliance on validation is inert."
Fails: "Their ego-dystony was only recently discovered and described."

A claim is supported by a citation in the sentence, a link, "according to <named source>", or
a citation in the next/previous sentence of the paragraph that the prose clearly continues.
"""

from __future__ import annotations

import re
from typing import Iterator

from copydesk.checks.claims import _claim, _cues
from copydesk.document import Document
from copydesk.findings import Problem

ID = "claims.research-appeal"
CATEGORY = "unsupported-claim"
SEVERITY = "warning"
INCREMENTAL = "block"  # problems depend on their own block only (copydesk.lsp.incremental)

OPTIONS = _claim.options({
    "sources": _cues.cue_list(
        _cues.builtin(ID, "sources"),
        "nouns that name research or authority as the grounds of a claim"),
    "verbs": _cues.cue_list(
        _cues.builtin(ID, "verbs"),
        "reporting verbs that follow a source noun ('research shows')"),
    "phrases": _cues.cue_list(
        _cues.builtin(ID, "phrases"),
        "whole phrases that appeal to research"),
    "max_gap": {"type": "integer", "minimum": 0, "maximum": 8, "default": 4,
                "description": "words allowed between the source noun and its verb"},
    "score": {"type": "number", "minimum": 0, "maximum": 1, "default": 0.85},
})
EXAMPLES = {
    "passes": [
        "Research shows that emotional dysregulation is a core feature of BPD (Linehan, 1993).",
        "According to the American Psychiatric Association, NPD affects up to 6% of adults.",
    ],
    "fails": [
        "Research shows that emotional regulation difficulties are core features of BPD.",
        "Knowledge about narcissistic defenses shows that their reliance on validation is inert.",
        "Their ego-dystony was only recently discovered and described.",
    ],
}  # run by the test suite (copydesk.contract)


def _pattern(sources: _cues.Cues, verbs: _cues.Cues, gap: int) -> re.Pattern[str] | None:
    if sources.pattern is None or verbs.pattern is None:
        return None
    return re.compile(
        f"(?:{sources.pattern.pattern})(?:\\s+(?:has|have|had|now|also|consistently|repeatedly|clearly|increasingly))*"
        f"(?:\\s+[\\w’'\\-]+){{0,{gap}}}?\\s+(?:{verbs.pattern.pattern})",
        re.I,
    )


def check(document: Document, options: dict) -> Iterator[Problem]:
    sources = _cues.cues(_claim.cues(options, "sources"))
    verbs = _cues.cues(_claim.cues(options, "verbs"))
    pattern = _pattern(sources, verbs, options["max_gap"])
    score = options["score"]
    phrases = _cues.cues(_claim.cues(options, "phrases"))

    def find(text: str) -> list[_claim.Hit]:
        hits = []
        # a match holds a match of the source cues and one of the verb cues
        if pattern is not None and sources.possible(text) and verbs.possible(text):
            for m in pattern.finditer(text):
                hits.append(_claim.Hit(m.start(), m.end(),
                                       f"'{m.group(0)}' appeals to research but cites no source: name the study "
                                       "(author, year) or link to it", score))
        for m in phrases.finditer(text):
            hits.append(_claim.Hit(m.start(), m.end(),
                                   f"'{m.group(0)}' claims a finding without saying whose: cite the study or "
                                   "source", score))
        return hits

    yield from _claim.run(document, options, find)
