"""A claim is presented as common knowledge or settled fact instead of being sourced.

Passes: "It is well known that smoking causes cancer (Doll & Hill, 1950)."
Fails: "It is well known that narcissists never change."
Fails: "Everyone knows that children absorb their parents' moods."
Fails: "Experts agree that empathy can be taught."
"""

from __future__ import annotations

from typing import Iterator

from copydesk.checks.claims import _claim, _cues
from copydesk.document import Document
from copydesk.findings import Problem

ID = "claims.common-knowledge"
CATEGORY = "unsupported-claim"
SEVERITY = "warning"
INCREMENTAL = "block"  # problems depend on their own block only (copydesk.lsp.incremental)

OPTIONS = _claim.options({
    "cues": _cues.cue_list(
        _cues.builtin(ID, "cues"),
        "phrases that present a claim as settled fact or common knowledge"),
    "score": {"type": "number", "minimum": 0, "maximum": 1, "default": 0.8},
})
EXAMPLES = {
    "passes": [
        "It is well known that smoking causes cancer (Doll & Hill, 1950).",
    ],
    "fails": [
        "It is well known that narcissists never change.",
        "Everyone knows that children absorb their parents' moods.",
        "Experts agree that empathy can be taught.",
    ],
}  # run by the test suite (copydesk.contract)


def check(document: Document, options: dict) -> Iterator[Problem]:
    score = options["score"]
    cues_list = _cues.cues(_claim.cues(options, "cues"))

    def find(text: str) -> list[_claim.Hit]:
        return [_claim.Hit(m.start(), m.end(),
                           f"'{m.group(0)}' presents the claim as settled without evidence: cite a source "
                           "or state it as your view", score)
                for m in cues_list.finditer(text)]

    yield from _claim.run(document, options, find)
