"""A section (heading to heading) reads well above the audience's target grade.

Sections shorter than ``min_words`` are skipped: formulas are unstable on little text.

Passes (audience general): a section of short sentences in everyday words.
Fails (audience general): a 150-word section whose sentences average 35 words of
four-syllable vocabulary (grade 18 against a target of 9).
"""

from __future__ import annotations

from typing import Iterator

from copydesk.document import Document
from copydesk.findings import Problem
from copydesk.readability import blocks_counts, section_blocks, target_grade

ID = "readability.section-grade"
CATEGORY = "readability"
SEVERITY = "info"
SETTINGS = ("audience",)
OPTIONS = {
    "max_grade": {"type": ["number", "null"], "default": None},
    "tolerance": {"type": "number", "minimum": 0, "default": 3.0},
    "min_words": {"type": "integer", "minimum": 1, "default": 120},
}
EXAMPLES = {
    "passes": [{"text": "# Lunch\n\n" + "We met at noon. The talk was short and clear. Everyone left happy. " * 10
                + "\n\n# Home\n\n" + "The cat sat on the mat. It was warm. We went home. " * 12 + "\n",
                "path": "example.md", "settings": {"audience": "general"}}],
    "fails": [{"text": "# Lunch\n\n" + "We met at noon. The talk was short and clear. Everyone left happy. " * 10
               + "\n\n# Policy\n\n" + "Notwithstanding the aforementioned considerations, institutional "
               "stakeholders must systematically operationalise multidimensional accountability frameworks. " * 10
               + "\n", "path": "example.md", "settings": {"audience": "general"}}],
}  # run by the test suite (copydesk.contract)


def check(document: Document, options: dict) -> Iterator[Problem]:
    if len(document.sections) < 2:
        return
    target = options["max_grade"] if options["max_grade"] is not None else target_grade(options["audience"])
    for section in document.sections:
        blocks = section_blocks(document, section)
        counts = blocks_counts(document, blocks)
        if counts.tokens < options["min_words"]:
            continue
        g = counts.grade()
        if g > target + options["tolerance"]:
            anchor = document.blocks[section.heading] if section.heading is not None else blocks[0]
            name = document.prose[anchor.start:anchor.end][:60] if section.heading is not None else "opening section"
            yield Problem(
                anchor.start, anchor.end,
                f"section '{name}' reads at grade {g:.1f}, {g - target:.1f} above the target of {target:g}",
                score=min(1.0, (g - target) / 10),
            )
