"""Recognise reference-list headings and entries ("Stern, D. (2004). Title. Publisher.")."""

from __future__ import annotations

import re

_HEADINGS = re.compile(
    r"^\s*(references?|bibliography|works cited|sources|citations|further reading|literature cited)\s*:?\s*$",
    re.I,
)
# Surname, Initials. (Year) ...   or   Surname I.I., Other N. (Year).
_ENTRY = re.compile(
    r"^\s*(?:\[\d+\]\s*|\d+\.\s+)?"
    r"[A-Z][\w'’\-]+(?:\s[A-Z][\w'’\-]+)?,?\s+(?:[A-Z]\.\s?){1,3}"
    r"(?:,?\s*(?:&|and)?\s*[A-Z][\w'’\-]+,?\s+(?:[A-Z]\.\s?){1,3})*.*?"
    r"\(\s*(?:1[6-9]|20)\d\d[a-z]?\s*\)"
)
_ENTRY_LOOSE = re.compile(r"^[^.()]{2,200}\(\s*(?:1[6-9]|20)\d\d[a-z]?\s*\)\.\s+\S")


def is_reference_heading(text: str) -> bool:
    return bool(_HEADINGS.match(text))


def is_reference_entry(text: str) -> bool:
    """True for text shaped like an APA/Harvard reference-list entry."""
    head = text[:400]
    if _ENTRY.match(head):
        return True
    m = _ENTRY_LOOSE.match(head)
    # a loose match must look like a list of names before the year
    return bool(m) and head[: head.find("(")].count(",") >= 1 and head[0].isupper()
