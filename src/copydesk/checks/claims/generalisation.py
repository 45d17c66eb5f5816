"""A universal generalisation about a group ("all narcissists", "always", "never") without support (info).

Passes: "Some narcissists can increase their empathic responses when prompted."
Fails (info): "ALL narcissists fear intimacy."
Fails (info): "Every child of divorce carries this wound."

Universal claims about people are rarely true as stated; this is ``info`` because the same
forms are common in rhetoric. The editor decides: qualify it, source it, or keep it.
"""

from __future__ import annotations

from typing import Iterator

from copydesk.checks.claims import _claim, _cues
from copydesk.document import Document
from copydesk.findings import Problem

ID = "claims.generalisation"
CATEGORY = "unsupported-claim"
SEVERITY = "info"
INCREMENTAL = "block"  # problems depend on their own block only (copydesk.lsp.incremental)

OPTIONS = _claim.options({
    "cues": _cues.cue_list(
        _cues.builtin(ID, "cues"),
        "universal quantifiers over people"),
    "score": {"type": "number", "minimum": 0, "maximum": 1, "default": 0.35},
})
EXAMPLES = {
    "passes": [
        "Some narcissists can increase their empathic responses when prompted.",
    ],
    "fails": [
        "ALL narcissists fear intimacy.",
        "Every child of divorce carries this wound.",
    ],
}  # run by the test suite (copydesk.contract)


def check(document: Document, options: dict) -> Iterator[Problem]:
    score = options["score"]
    cues_list = _cues.cues(_claim.cues(options, "cues"))

    def find(text: str) -> list[_claim.Hit]:
        return [_claim.Hit(m.start(), m.end(),
                           f"'{m.group(0)}' generalises about a whole group: qualify it or support it with "
                           "a source", score)
                for m in cues_list.finditer(text)]

    yield from _claim.run(document, options, find, span="cue")
