"""A causal or health claim (brain, hormones, disease, treatment) is stated without a source.

Passes: "Oxytocin release is reduced in BPD (Bertsch et al., 2013)."
Passes: "Stay calm and avoid confrontations." (advice)
Fails: "Neurochemical pathways like dopamine may contribute to reduced empathy."
Fails: "This intersubjective system is mediated by a set of brain cells called mirror neurons."
Fails: "They are scarred and often suffer from Post Traumatic Stress Disorder (PTSD)."
"""

from __future__ import annotations

import re
from typing import Iterator

from copydesk.checks.claims import _claim, _cues
from copydesk.document import Document
from copydesk.findings import Problem

ID = "claims.causal-health"
CATEGORY = "unsupported-claim"
SEVERITY = "warning"
INCREMENTAL = "block"  # problems depend on their own block only (copydesk.lsp.incremental)

OPTIONS = _claim.options({
    "terms": _cues.cue_list(
        _cues.builtin(ID, "terms"),
        "biomedical and health terms"),
    "verbs": _cues.cue_list(
        _cues.builtin(ID, "verbs"),
        "causal verbs"),
    "score": {"type": "number", "minimum": 0, "maximum": 1, "default": 0.6},
})
EXAMPLES = {
    "passes": [
        "Oxytocin release is reduced in BPD (Bertsch et al., 2013).",
        "Stay calm and avoid confrontations.",
    ],
    "fails": [
        "Neurochemical pathways like dopamine may contribute to reduced empathy.",
        "This intersubjective system is mediated by a set of brain cells called mirror neurons.",
        "They are scarred and often suffer from Post Traumatic Stress Disorder (PTSD).",
    ],
}  # run by the test suite (copydesk.contract)

_HEDGED_ADVICE = re.compile(r"^\s*(?:if|when|whether)\b", re.I)


def check(document: Document, options: dict) -> Iterator[Problem]:
    score = options["score"]
    terms = _cues.cues(_claim.cues(options, "terms"))
    verbs = _cues.cues(_claim.cues(options, "verbs"))

    def find(text: str) -> list[_claim.Hit]:
        term = terms.first(text)
        if term is None or _HEDGED_ADVICE.match(text):
            return []
        verb = verbs.first(text)
        if verb is None:
            return []
        return [_claim.Hit(min(term.start(), verb.start()), max(term.end(), verb.end()),
                           f"causal or health claim ('{verb.group(0)}' … '{term.group(0)}') has no source: cite "
                           "the clinical or scientific evidence", score)]

    yield from _claim.run(document, options, find)
