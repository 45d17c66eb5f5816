"""An in-text citation has no matching entry in the document's reference list.

Passes: "(Stern, 2004)" with the entry "Stern, D. (2004). The Present Moment ..."
Fails: "Trevarthan, 2001" when the list has "Trevarthen, C. (2001)": suggests "Trevarthen".
Fails: "(Stern, 2005)" when the list has only "Stern, D. (2004)": says the years differ.

Runs only on documents that have a reference list (blocks of kind "reference").
"""

from __future__ import annotations

from typing import Iterator

from copydesk.checks.citation import _citations
from copydesk.document import Document
from copydesk.findings import Location, Problem

ID = "citation.unmatched"
CATEGORY = "citation"
SEVERITY = "warning"
FIX = "unsafe"  # the reference list's name, found by similarity (copydesk.fixes)
OPTIONS = {
    "similarity": {"type": "number", "minimum": 0.5, "maximum": 1.0, "default": 0.75,
                   "description": "how close a surname must be to suggest it as the intended entry"},
}
EXAMPLES = {
    "passes": [{"path": "example.md", "text": "Attunement shapes us (Stern, 2004).\n\n## References\n\n"
                "Stern, D. (2004). The Present Moment in Psychotherapy. New York: Norton.\n"}],
    "fails": [{"path": "example.md", "text": "Attunement shapes us (Stern, 2005).\n\n## References\n\n"
               "Stern, D. (2004). The Present Moment in Psychotherapy. New York: Norton.\n"}],
}  # run by the test suite (copydesk.contract)


def check(document: Document, options: dict) -> Iterator[Problem]:
    idx = _citations.index(document)
    if not idx.entries:
        return
    for c in idx.citations:
        if idx.match(c):
            continue
        near = idx.closest(c, options["similarity"])
        if near is None:
            yield Problem(c.start, c.end,
                          f"citation '{c.label}' has no entry in the reference list: add the reference "
                          "or correct the citation", score=0.7)
            continue
        entry, why = near
        related = (Location(document.path, entry.start, entry.end),)
        if why == "spelling":
            yield Problem(c.name_start, c.name_end,
                          f"citation '{c.label}' matches no reference entry; the list has '{entry.label}': "
                          f"is '{c.first_author}' a misspelling of '{entry.first_author}'?",
                          score=0.9, suggestions=(entry.first_author,), related=related)
        else:
            yield Problem(c.start, c.end,
                          f"citation '{c.label}' matches no reference entry; the list has '{entry.label}' "
                          f"with year {entry.year}: correct the year in the citation or the entry",
                          score=0.85, related=related)
