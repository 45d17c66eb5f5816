"""A reference-list entry is never cited in the text.

Passes: "Stern, D. (2004). ..." with "(Stern, 2004)" or "Stern (2004)" in the text.
Fails: "Kernberg, O.F. (1975). ..." when no "Kernberg, 1975" citation appears.

An entry that a near-miss citation clearly means ("Trevarthan, 2001" for "Trevarthen, C. (2001)")
is left to ``citation.unmatched``, which reports the misspelling once.
"""

from __future__ import annotations

import re
from typing import Iterator

from copydesk.checks.citation import _citations
from copydesk.document import Document
from copydesk.findings import Problem

ID = "citation.uncited"
CATEGORY = "citation"
SEVERITY = "info"
OPTIONS = {
    "min_citations": {"type": "integer", "minimum": 0, "default": 1,
                      "description": "only check documents with at least this many author-year citations "
                                     "(a list with no citations at all is a reading list)"},
    "similarity": {"type": "number", "minimum": 0.5, "maximum": 1.0, "default": 0.75},
    "skip_sections": {"type": "array", "items": {"type": "string"},
                      "default": ["further reading", "additional reading", "recommended reading", "bibliography",
                                  "see also", "works consulted", "resources"],
                      "description": "headings of lists that are not expected to be cited"},
}
EXAMPLES = {
    "passes": [{"path": "example.md", "text": "Stern (2004) describes the present moment.\n\n## References\n\n"
                "Stern, D. (2004). The Present Moment in Psychotherapy. New York: Norton.\n"}],
    "fails": [{"path": "example.md", "text": "Attunement shapes us (Stern, 2004).\n\n## References\n\n"
               "Kernberg, O. F. (1975). Borderline Conditions and Pathological Narcissism. New York: Aronson.\n\n"
               "Stern, D. (2004). The Present Moment in Psychotherapy. New York: Norton.\n"}],
}  # run by the test suite (copydesk.contract)


def _reading_blocks(document: Document, headings: list[str]) -> set[int]:
    """Blocks under a heading such as "Further reading" (lists not expected to be cited)."""
    out: set[int] = set()
    for section in document.sections:
        if section.heading is None:
            continue
        block = document.blocks[section.heading]
        title = re.sub(r"[^\w\s]", "", document.prose[block.start:block.end]).strip().lower()
        if any(title.startswith(h) for h in headings):
            out.update(section.blocks)
    return out

def check(document: Document, options: dict) -> Iterator[Problem]:
    idx = _citations.index(document)
    if not idx.entries or len(idx.citations) < options["min_citations"]:
        return
    claimed = set()
    for c in idx.citations:
        if idx.match(c) is None:
            near = idx.closest(c, options["similarity"])
            if near:
                claimed.add(near[0].start)
    reading = _reading_blocks(document, [h.lower() for h in options["skip_sections"]])
    for e in idx.entries:
        if e.year is None or e.block in reading or e.start in claimed or idx.cited(e):
            continue
        end = min(e.end, e.start + max(len(e.label), 1))
        yield Problem(e.start, end,
                      f"reference '{e.label}' is never cited in the text: cite it where it is used "
                      "or remove it", score=0.6)
