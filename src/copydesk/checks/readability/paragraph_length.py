"""A paragraph is longer than ``max_words`` words.

Passes: a paragraph of three or four sentences.
Fails (max_words 250): a single 300-word paragraph; the message gives the count and the excess.
"""

from __future__ import annotations

from typing import Iterator

from copydesk.document import Document
from copydesk.findings import Problem
from copydesk.readability import block_word_counts

ID = "readability.paragraph-length"
CATEGORY = "readability"
SEVERITY = "info"
INCREMENTAL = "block"  # problems depend on their own block only (copydesk.lsp.incremental)
OPTIONS = {
    "max_words": {"type": "integer", "minimum": 10, "default": 250},
}
EXAMPLES = {
    "passes": ["We met at noon. The talk was short and clear. Everyone left happy.\n"],
    "fails": [{"text": "We met at noon. The talk was short and clear. Everyone left happy. " * 3 + "\n",
               "options": {"max_words": 20}}],
}  # run by the test suite (copydesk.contract)


def check(document: Document, options: dict) -> Iterator[Problem]:
    limit = options["max_words"]
    for b, n in zip(document.blocks, block_word_counts(document)):
        if b.kind not in ("paragraph", "quote", "list_item"):
            continue
        if n > limit:
            yield Problem(
                b.start, b.end,
                f"paragraph has {n} words, {n - limit} over the limit of {limit}; break it up",
                score=min(1.0, (n - limit) / limit),
            )
