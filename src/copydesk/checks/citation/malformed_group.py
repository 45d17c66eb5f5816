"""A citation group has unbalanced parentheses.

Passes: "(Fonagy, Luyten, & Strathearn, 2011; Stern, 2004; Trevarthen, 2001)"
Fails: "(Fonagy, Luyten, & Strathearn, 2011; Stern, 2004); Trevarthan, 2001; Tronick, et al., 1998)"
  (the group is closed after "Stern, 2004" and again at the end; the fix removes the first ")").
Fails: "as shown before (Stern, 2004; Tronick et al., 1998." (opened, never closed).

Only parentheses next to author-year citations are checked, so "narcissistic/(borderline)" and
list markers such as "1)" are left alone.
"""

from __future__ import annotations

import re
from typing import Iterator

from copydesk.checks.citation._citations import YEAR
from copydesk.document import Document
from copydesk.findings import Problem

ID = "citation.malformed-group"
CATEGORY = "citation"
SEVERITY = "warning"
FIX = "safe"  # removes the stray parenthesis only: the citations are unchanged (copydesk.fixes)
OPTIONS = {
    "window": {"type": "integer", "minimum": 20, "maximum": 1000, "default": 200,
               "description": "how far (characters) from a stray parenthesis to look for citation years"},
}
EXAMPLES = {
    "passes": ["(Fonagy, Luyten, & Strathearn, 2011; Stern, 2004; Trevarthen, 2001)"],
    "fails": [
        "(Fonagy, Luyten, & Strathearn, 2011; Stern, 2004); Trevarthan, 2001; Tronick, et al., 1998)",
        "as shown before (Stern, 2004; Tronick et al., 1998.",
    ],
}  # run by the test suite (copydesk.contract)

_YEAR = re.compile(r"\b" + YEAR + r"\b")
_ITEM_START = re.compile(r"[A-Z][\w'’\-]+(?:,\s*|\s+)(?:[^;()]{0,120}?)\b" + YEAR + r"\b")


def _unbalanced(text: str) -> tuple[list[int], list[int]]:
    """Positions of ')' with no opener and '(' never closed."""
    stack: list[int] = []
    stray: list[int] = []
    for i, ch in enumerate(text):
        if ch == "(":
            stack.append(i)
        elif ch == ")":
            if i > 0 and text[i - 1] in ":;" and (i + 1 == len(text) or not text[i + 1].isalnum()):
                continue  # emoticon
            if stack:
                stack.pop()
            else:
                stray.append(i)
    return stray, stack


def _matching_open(text: str, close: int) -> int | None:
    depth = 0
    for i in range(close, -1, -1):
        if text[i] == ")":
            depth += 1
        elif text[i] == "(":
            depth -= 1
            if depth == 0:
                return i
    return None


def check(document: Document, options: dict) -> Iterator[Problem]:
    window = options["window"]
    for block in document.blocks:
        if block.kind in ("reference", "heading", "table_row"):
            continue
        text = document.prose[block.start:block.end]
        if "(" not in text and ")" not in text:
            continue
        stray, unclosed = _unbalanced(text)
        for p in stray:
            before = text[max(0, p - window):p]
            if not _YEAR.search(before[-120:]):
                continue
            # Was a group closed early? "(A, 2011; B, 2004); C, 2001; D, 1998)"
            prev_close = text.rfind(")", 0, p)
            between = text[prev_close + 1:p] if prev_close >= 0 else ""
            opener = _matching_open(text, prev_close) if prev_close >= 0 else None
            if opener is not None and between.lstrip().startswith(";") and _YEAR.search(between):
                group = text[opener:p + 1]
                fixed = text[opener:prev_close] + text[prev_close + 1:p + 1]
                yield Problem(block.start + opener, block.start + p + 1,
                              "citation group has unbalanced parentheses: it is closed after "
                              f"'{text[opener + 1:prev_close].split(';')[-1].strip()}' and the "
                              f"citations after it end in a second ')'; remove the first ')'",
                              score=0.95, suggestions=(fixed,) if fixed != group else ())
                continue
            m = None
            for m in _ITEM_START.finditer(text, max(0, p - window), p):
                break
            start = m.start() if m else max(0, p - 40)
            yield Problem(block.start + start, block.start + p + 1,
                          "')' closes a citation group that was never opened: add the missing '('",
                          score=0.85)
        for o in unclosed:
            after = text[o + 1:o + 1 + window]
            if not _YEAR.search(after[:120]) or not re.match(r"\s*(?:see |e\.g\.,? |cf\. )?[A-Z]", after):
                continue
            ends = [m.end() for m in _YEAR.finditer(after[:window])]
            end = o + 1 + (ends[-1] if ends else len(after))
            yield Problem(block.start + o, block.start + end,
                          "citation group is opened with '(' but never closed: add the missing ')'",
                          score=0.85)
