"""A paragraph reads far above the audience's target grade.

Only paragraphs of at least ``min_words`` words are scored.

Passes (audience general): "We met at noon. The talk was short and clear. Everyone left happy."
Fails (audience general): a 60-word paragraph made of one sentence of polysyllabic jargon (grade 25).
"""

from __future__ import annotations

from typing import Iterator

from copydesk.document import Document
from copydesk.findings import Problem
from copydesk.readability import blocks_counts, target_grade

ID = "readability.paragraph-grade"
CATEGORY = "readability"
SEVERITY = "info"
INCREMENTAL = "block"  # problems depend on their own block only (copydesk.lsp.incremental)
SETTINGS = ("audience",)
OPTIONS = {
    "max_grade": {"type": ["number", "null"], "default": None},
    "tolerance": {"type": "number", "minimum": 0, "default": 8.0},
    "min_words": {"type": "integer", "minimum": 1, "default": 40},
}
EXAMPLES = {
    "passes": [{"text": "We met at noon. The talk was short and clear. Everyone left happy. " * 3 + "\n",
                "settings": {"audience": "general"}}],
    "fails": [{"text": "Notwithstanding the aforementioned considerations, institutional stakeholders must "
               "systematically operationalise multidimensional accountability frameworks. " * 4 + "\n",
               "settings": {"audience": "general"}}],
}  # run by the test suite (copydesk.contract)


def check(document: Document, options: dict) -> Iterator[Problem]:
    target = options["max_grade"] if options["max_grade"] is not None else target_grade(options["audience"])
    for b in document.blocks:
        if b.kind not in ("paragraph", "quote"):
            continue
        counts = blocks_counts(document, [b])
        if counts.tokens < options["min_words"]:
            continue
        g = counts.grade()
        if g > target + options["tolerance"]:
            yield Problem(
                b.start, b.end,
                f"paragraph reads at grade {g:.1f}, {g - target:.1f} above the target of {target:g}",
                score=min(1.0, (g - target) / 15),
            )
