"""Grammar, spelling and style from a LanguageTool server (``--grammar-engine languagetool``).

The server is the ``languagetool_url`` setting or ``COPYDESK_LANGUAGETOOL_URL`` (else a local
install language-tool-python already has); copydesk never downloads LanguageTool and every
request has a time-out (the connection is tried once per process). When it cannot be reached,
every file gets an error entry (so no incomplete result is cached), the command line prints the
cause once, in one line naming what to set, every other check is still reported, and the exit
code is 2. Rule ids are
``grammar.languagetool.<RULE_ID>``; the same noise filters as Harper's apply (vocabulary,
names, initials, references, the other dialect's spellings).

Passes: ``She received a letter.``
Fails: ``She recieved an letter.``
"""

from __future__ import annotations

from typing import Any, Iterator

from copydesk.checks.grammar import _dialect
from copydesk.checks.grammar._filters import keep_spelling, reference_spans, skip_span
from copydesk.checks.grammar._languagetool import chunks, client, server_url
from copydesk.checks.grammar._vocab import vocabulary
from copydesk.document import Document
from copydesk.findings import Problem

ID = "grammar.languagetool"
CATEGORY = "grammar"
SEVERITY = "warning"
FIX = "unsafe"  # LanguageTool's first suggestion (copydesk.fixes)
EMITS = ("grammar", "spelling", "style")
SETTINGS = ("languagetool_url", "dialect", "vocabulary")
OPTIONS = {
    "timeout": {"type": "number", "minimum": 1, "maximum": 300, "default": 15,
                "description": "seconds to wait for the server (each request; connection included)"},
    "disabled_rules": {"type": "array", "items": {"type": "string"}, "default": [],
                       "description": "LanguageTool rule ids to turn off"},
    "disabled_categories": {"type": "array", "items": {"type": "string"}, "default": [],
                            "description": "LanguageTool category ids to turn off (e.g. TYPOGRAPHY)"},
    "known_word_zipf": {"type": "number", "minimum": 0, "maximum": 8, "default": 1.0,
                        "description": "as grammar.harper's option of the same name"},
    "style_severity": {"enum": ["error", "warning", "info"], "default": "info"},
}
EXAMPLES = {
    "passes": ["She received a letter.\n"],
    "fails": ["She recieved an letter.\n"],
}  # run by the test suite (copydesk.contract)

LANGUAGES = {"us": "en-US", "uk": "en-GB", "au": "en-AU", "ca": "en-CA", "in": "en-US"}
STYLE_CATEGORIES = {"STYLE", "REDUNDANCY", "TYPOGRAPHY", "PLAIN_ENGLISH", "WIKIPEDIA", "CREATIVE_WRITING"}


def category_of(rule_category: str, issue_type: str) -> str:
    """LanguageTool's category id and issue type -> copydesk category."""
    if issue_type == "misspelling" or rule_category == "TYPOS":
        return "spelling"
    if rule_category in STYLE_CATEGORIES or issue_type in ("style", "whitespace", "typographical", "locale-violation"):
        return "style"
    return "grammar"


def check(document: Document, options: dict[str, Any]) -> Iterator[Problem]:
    doc = document
    prof = _dialect.profile(doc, options["dialect"])
    lt = client(server_url(options["languagetool_url"]), LANGUAGES.get(prof.dialect, "en-US"),
                float(options["timeout"]))
    if options["disabled_rules"]:
        lt.disabled_rules = set(options["disabled_rules"])
    if options["disabled_categories"]:
        lt.disabled_categories = set(options["disabled_categories"])
    vocab = vocabulary(options["vocabulary"])
    variants = {w.lower() for w in prof.variant_words()}
    refs = reference_spans(doc)
    known_zipf = float(options["known_word_zipf"])
    for offset, piece in chunks(doc.prose):
        if not piece.strip():
            continue
        for m in lt.check(piece):
            start = offset + int(m.offset)
            end = start + int(m.error_length)
            if skip_span(doc, start, end, refs):
                continue
            category = category_of(str(m.category), str(m.rule_issue_type))
            suggestions = tuple(m.replacements[:5])
            if category == "spelling" and not keep_spelling(doc, start, end, suggestions, vocab, variants,
                                                           known_zipf):
                continue
            yield Problem(start, end, m.message, suggestions=suggestions,
                          rule=f"{ID}.{m.rule_id}", category=category,
                          severity=options["style_severity"] if category == "style" else None)
