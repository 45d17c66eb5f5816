"""The document's Flesch-Kincaid grade is above the audience's target.

The target comes from ``max_grade`` or else the ``audience`` setting
(children 6, general 9, professional 12, academic 14). Reference lists are not scored.

Passes (audience general): "The cat sat on the mat. It was warm. We went home."
Fails (audience general): a whole article of sentences like "Notwithstanding the
aforementioned considerations, institutional stakeholders must systematically operationalise
multidimensional accountability frameworks."
"""

from __future__ import annotations

from typing import Iterator

from copydesk.document import Document
from copydesk.findings import Problem
from copydesk.readability import blocks_counts, prose_blocks, target_grade

ID = "readability.document-grade"
CATEGORY = "readability"
SEVERITY = "warning"
SETTINGS = ("audience",)
OPTIONS = {
    "max_grade": {"type": ["number", "null"], "default": None, "description": "override the audience target"},
    "tolerance": {"type": "number", "minimum": 0, "default": 1.0, "description": "grades allowed above target"},
    "min_words": {"type": "integer", "minimum": 1, "default": 100},
}
EXAMPLES = {
    "passes": [{"text": "The cat sat on the mat. It was warm. We went home. " * 12 + "\n",
                "settings": {"audience": "general"}}],
    "fails": [{"text": "Notwithstanding the aforementioned considerations, institutional stakeholders must "
               "systematically operationalise multidimensional accountability frameworks. " * 10 + "\n",
               "settings": {"audience": "general"}}],
}  # run by the test suite (copydesk.contract)


def check(document: Document, options: dict) -> Iterator[Problem]:
    blocks = prose_blocks(document)
    if not blocks:
        return
    counts = blocks_counts(document, blocks)
    if counts.tokens < options["min_words"]:
        return
    target = options["max_grade"] if options["max_grade"] is not None else target_grade(options["audience"])
    g = counts.grade()
    if g > target + options["tolerance"]:
        first = blocks[0]
        yield Problem(
            first.start, first.end,
            f"document reads at grade {g:.1f} (Flesch-Kincaid), {g - target:.1f} above the target of "
            f"{target:g}; shorten sentences and prefer common words",
            score=min(1.0, (g - target) / 10),
        )
