"""A claim is attributed to an unnamed crowd or authority ("some say", "it is believed").

Passes: "Kernberg (1975) described narcissistic rage as a defence."
Passes: "I believe that narcissists can be loved." (the author's own, declared opinion)
Fails: "Some people say that they prefer to live with narcissists."
Fails: "It is widely believed that narcissists cannot change."
Fails: "Critics have argued that the diagnosis is overused."
"""

from __future__ import annotations

from typing import Iterator

from copydesk.checks.claims import _claim, _cues
from copydesk.document import Document
from copydesk.findings import Problem

ID = "claims.vague-attribution"
CATEGORY = "unsupported-claim"
SEVERITY = "warning"
INCREMENTAL = "block"  # problems depend on their own block only (copydesk.lsp.incremental)

OPTIONS = _claim.options({
    "cues": _cues.cue_list(
        _cues.builtin(ID, "cues"),
        "phrases that attribute a claim to an unnamed crowd or authority"),
    "score": {"type": "number", "minimum": 0, "maximum": 1, "default": 0.75},
})
EXAMPLES = {
    "passes": [
        "Kernberg (1975) described narcissistic rage as a defence.",
        "I believe that narcissists can be loved.",
    ],
    "fails": [
        "Some people say that they prefer to live with narcissists.",
        "It is widely believed that narcissists cannot change.",
        "Critics have argued that the diagnosis is overused.",
    ],
}  # run by the test suite (copydesk.contract)


def check(document: Document, options: dict) -> Iterator[Problem]:
    score = options["score"]
    cues_list = _cues.cues(_claim.cues(options, "cues"))

    def find(text: str) -> list[_claim.Hit]:
        return [_claim.Hit(m.start(), m.end(),
                           f"'{m.group(0)}' attributes the claim to no one in particular: say who "
                           "(name the person, body or publication) and cite it", score)
                for m in cues_list.finditer(text)]

    yield from _claim.run(document, options, find)
