"""A sentence is longer than ``max_words`` words.

Passes: "Children flourish with parental empathy, and they starve in its absence."
Fails (max_words 40): any sentence of 41 words or more; the message says by how much.
"""

from __future__ import annotations

from typing import Iterator

from copydesk.document import Document
from copydesk.findings import Problem
from copydesk.readability import sentence_word_counts

ID = "readability.sentence-length"
CATEGORY = "readability"
SEVERITY = "warning"
INCREMENTAL = "block"  # problems depend on their own block only (copydesk.lsp.incremental)
OPTIONS = {
    "max_words": {"type": "integer", "minimum": 5, "default": 45},
}
EXAMPLES = {
    "passes": ["Children flourish with parental empathy, and they starve in its absence.\n"],
    "fails": [{"text": "Children flourish with parental empathy, and they starve in its absence, as every "
               "study of attachment over the last fifty years has shown.\n", "options": {"max_words": 15}}],
}  # run by the test suite (copydesk.contract)


def check(document: Document, options: dict) -> Iterator[Problem]:
    limit = options["max_words"]
    for s, n in zip(document.sentences, sentence_word_counts(document)):
        if document.blocks[s.block].kind in ("reference", "table_row"):
            continue
        if n > limit:
            yield Problem(
                s.start, s.end,
                f"sentence has {n} words, {n - limit} over the limit of {limit}; split it",
                score=min(1.0, (n - limit) / limit),
            )
