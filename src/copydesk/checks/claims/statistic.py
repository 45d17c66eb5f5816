"""A sentence states a statistic or quantity about people without a source.

Passes: "Half of all marriages dissolve in the first few years (CDC, 2021)."
Passes: "The cones are 10-23 cm long." (a measurement, not a population statistic)
Fails: "Half of all marriages dissolve in the first few years."
Fails: "One third of all children are born to single mothers."
Fails: "About 6% of adults meet the criteria for NPD."
"""

from __future__ import annotations

from typing import Iterator

from copydesk.checks.claims import _claim, _cues
from copydesk.document import Document
from copydesk.findings import Problem

ID = "claims.statistic"
CATEGORY = "unsupported-claim"
SEVERITY = "warning"
INCREMENTAL = "block"  # problems depend on their own block only (copydesk.lsp.incremental)

OPTIONS = _claim.options({
    "patterns": _cues.cue_list(
        _cues.builtin(ID, "patterns"),
        "regular expressions for statistics and quantities about people; '{pop}' stands for a "
        "population noun"),
    "population": _cues.cue_list(
        _cues.builtin(ID, "population"),
        "nouns for groups of people that statistics are about"),
    "score": {"type": "number", "minimum": 0, "maximum": 1, "default": 0.8},
})
EXAMPLES = {
    "passes": [
        "Half of all marriages dissolve in the first few years (CDC, 2021).",
        "The cones are 10-23 cm long.",
    ],
    "fails": [
        "Half of all marriages dissolve in the first few years.",
        "One third of all children are born to single mothers.",
        "About 6% of adults meet the criteria for NPD.",
    ],
}  # run by the test suite (copydesk.contract)


def check(document: Document, options: dict) -> Iterator[Problem]:
    score = options["score"]
    pop = r"(?:all |the |these |those |our |\w+'s |\w+’s )?(?:[\w\-]+ ){0,2}?(?:" + "|".join(
        sorted(_claim.cues(options, "population"), key=len, reverse=True)) + r")\b"
    patterns = _cues.cues(p.replace("{pop}", pop) for p in _claim.cues(options, "patterns"))

    def find(text: str) -> list[_claim.Hit]:
        return [_claim.Hit(m.start(), m.end(),
                           f"statistic '{m.group(0)}' has no source: cite where the figure comes from "
                           "(survey, study or dataset, with year)", score)
                for m in patterns.finditer(text)]

    yield from _claim.run(document, options, find)
