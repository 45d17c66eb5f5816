"""Terms the project's vocabulary rejects (``rules/vocabulary/reject.txt``).

One term or regular expression per line, as Vale's vocabularies: an all-lower-case entry matches
any capitalisation, an entry with capitals matches as written, always as whole words.

Passes: ``Sign in to your account.`` (reject.txt: ``login``)
Fails: ``Login to your account.``
"""

from __future__ import annotations

import re
from typing import Any, Iterator

from copydesk.checks.grammar._vocab import vocabulary
from copydesk.document import Document
from copydesk.findings import Problem

ID = "grammar.rejected-term"
CATEGORY = "style"
SEVERITY = "warning"
INCREMENTAL = "block"  # problems depend on their own block only (copydesk.lsp.incremental)
SETTINGS = ("vocabulary",)
OPTIONS: dict[str, Any] = {}
EXAMPLES = {
    "passes": [{"text": "Sign in to your account.\n", "vocabulary": {"reject": ["login"]}}],
    "fails": [{"text": "Login to your account.\n", "vocabulary": {"reject": ["login"]}}],
}  # run by the test suite (copydesk.contract)


def check(document: Document, options: dict[str, Any]) -> Iterator[Problem]:
    vocab = vocabulary(options["vocabulary"])
    if vocab.reject is None:
        return
    pattern = re.compile(rf"(?<![\w-])(?:{vocab.reject.pattern})(?![\w-])")
    for m in pattern.finditer(document.prose):
        if m.end() > m.start():
            yield Problem(m.start(), m.end(), f"'{m.group()}' is on the project's list of rejected terms")
