"""A hedge, vague quantifier or superlative softens or inflates a claim without evidence (info).

Passes: "Probably the best-known example is Kernberg's (Kernberg, 1975)."
Passes: "I think this may happen for you sometimes too." (declared opinion)
Fails (info): "The barn may date back to 1810 and is possibly the oldest building in Picton."
Fails (info): "Many of these people demonstrate a trend in their personalities."

Hedges are honest about uncertainty, so this is ``info``: it asks the editor whether the
uncertainty should be resolved with a source or stated as such.
"""

from __future__ import annotations

from typing import Iterator

from copydesk.checks.claims import _claim, _cues
from copydesk.document import Document
from copydesk.findings import Problem

ID = "claims.hedge"
CATEGORY = "unsupported-claim"
SEVERITY = "info"
INCREMENTAL = "block"  # problems depend on their own block only (copydesk.lsp.incremental)

OPTIONS = _claim.options({
    "hedges": _cues.cue_list(
        _cues.builtin(ID, "hedges"),
        "hedging words and phrases"),
    "quantifiers": _cues.cue_list(
        _cues.builtin(ID, "quantifiers"),
        "vague quantifiers ('many', 'some', 'most')"),
    "superlatives": _cues.cue_list(
        _cues.builtin(ID, "superlatives"),
        "superlatives and praise that need a source ('best-known', 'most influential')"),
    "hedge_score": {"type": "number", "minimum": 0, "maximum": 1, "default": 0.45},
    "quantifier_score": {"type": "number", "minimum": 0, "maximum": 1, "default": 0.4},
    "superlative_score": {"type": "number", "minimum": 0, "maximum": 1, "default": 0.4},
})
EXAMPLES = {
    "passes": [
        "Probably the best-known example is Kernberg's (Kernberg, 1975).",
        "I think this may happen for you sometimes too.",
    ],
    "fails": [
        "The barn may date back to 1810 and is possibly the oldest building in Picton.",
        "Many of these people demonstrate a trend in their personalities.",
    ],
}  # run by the test suite (copydesk.contract)


def check(document: Document, options: dict) -> Iterator[Problem]:
    hs, qs, ss = options["hedge_score"], options["quantifier_score"], options["superlative_score"]
    hedges = _cues.cues(_claim.cues(options, "hedges"))
    quantifiers = _cues.cues(_claim.cues(options, "quantifiers"))
    superlatives = _cues.cues(_claim.cues(options, "superlatives"))

    def find(text: str) -> list[_claim.Hit]:
        # the first cue of the sentence; on a tie, hedges before quantifiers before superlatives
        hits = [_claim.Hit(m.start(), m.end(),
                           f"hedge '{m.group(0)}': if the claim rests on evidence, cite it; if it is uncertain, "
                           "say why", hs)
                for m in [hedges.first(text)] if m]
        hits += [_claim.Hit(m.start(), m.end(),
                            f"vague quantifier '{m.group(0)}': how many, and according to whom? Give a figure "
                            "with a source, or name who", qs)
                 for m in [quantifiers.first(text)] if m]
        hits += [_claim.Hit(m.start(), m.end(),
                            f"superlative '{m.group(0)}': according to whom? Cite the source of the judgement "
                            "or drop it", ss)
                 for m in [superlatives.first(text)] if m]
        return sorted(hits, key=lambda h: h.start)[:1]

    yield from _claim.run(document, options, find, span="cue")
