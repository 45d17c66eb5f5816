"""Web chrome scraped with the article: comment forms, widgets, notices, bylines, navigation.

Comment forms, share and subscribe widgets, cookie notices, "related posts", bylines, bios,
datelines and menus.

Works on a single document (no repetition needed): a maintained pattern pack (``patterns``
in ``rules/boilerplate.yaml``, extended with ``extra_patterns``) plus structural cues: runs of
short interface-like lines (menus, link lists) and, on pages that carry much chrome, the lines
outside the main text.
Passes: an article's headings and paragraphs.
Fails: "Leave a Reply", "Share this page", "By Jane Smith, BBC News", "5 April 2013 Last
updated at 08:43 GMT", a column of "Home / News / Sport / Weather" links.
"""

from __future__ import annotations

from typing import Iterator

from copydesk.document import Document
from copydesk.findings import Problem
from copydesk.checks.boilerplate._layout import PatternPack, chrome_lines
from copydesk.checks.boilerplate._text import AllowList

ID = "boilerplate.web-chrome"
CATEGORY = "boilerplate"
SEVERITY = "warning"
_PATTERN = {"type": "object", "required": ["kind", "regex"], "additionalProperties": False,
            "properties": {"kind": {"type": "string"}, "regex": {"type": "string"}}}
OPTIONS = {
    "patterns": {"type": "array", "items": _PATTERN, "default": [],
                 "description": "the chrome pattern pack: a line matching one is chrome (case-insensitive)"},
    "extra_patterns": {"type": "array", "items": _PATTERN, "default": [],
                       "description": "a project's own additions to the pack"},
    "max_line_words": {"type": "integer", "minimum": 1, "default": 80,
                       "description": "longer blocks are prose, never matched against the pack"},
    "min_run": {"type": "integer", "minimum": 2, "default": 3,
                "description": "consecutive short link-like lines that make a menu or link list"},
    "max_link_words": {"type": "integer", "minimum": 1, "default": 8},
    "main_text": {"type": "boolean", "default": True,
                  "description": "on pages with much chrome, also report lines outside the main text"},
    "min_chrome_share": {"type": "number", "minimum": 0, "maximum": 1, "default": 0.25,
                         "description": "share of chrome lines that marks a page as scraped with its template"},
    "min_chrome_lines": {"type": "integer", "minimum": 1, "default": 10,
                         "description": "and at least this many chrome lines"},
    "allow": {"type": "array", "items": {"type": "string"}, "default": []},
}
EXAMPLES = {
    "passes": [{"path": "example.md", "text": "# Coral reefs\n\nReefs shelter a quarter of marine species, "
                "although they cover less than one percent of the ocean floor.\n"}],
    "fails": [{"path": "example.md", "text": "# Coral reefs\n\nReefs shelter a quarter of marine species, "
               "although they cover less than one percent of the ocean floor.\n\nLeave a Reply\n"}],
}  # run by the test suite (copydesk.contract)

_cache: dict[tuple[tuple[str, str], ...], PatternPack] = {}


def compile_patterns(entries: list[dict]) -> PatternPack:
    key = tuple((e["kind"], e["regex"]) for e in entries)
    if key not in _cache:
        _cache[key] = PatternPack(list(key))
    return _cache[key]


def check(document: Document, options: dict) -> Iterator[Problem]:
    allow = AllowList(options["allow"])
    pack = compile_patterns(list(options["patterns"]) + list(options["extra_patterns"]))
    for b, kind, why in chrome_lines(document, pack, options):
        text = document.text[b.start:b.end]
        if allow.allows(text):
            continue
        yield Problem(b.start, b.end, f"web chrome ({kind}): {why}; remove it from the article")
