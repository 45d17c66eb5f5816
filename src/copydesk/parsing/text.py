"""Plain text as web articles are scraped: one block per line.

A short line without closing punctuation followed by more text is a heading (so is a short
Title Case question, the usual FAQ heading); lines starting ``- ``, ``* `` or ``1. `` are list items.
"""

from __future__ import annotations

import re

from copydesk.document import Block
from copydesk.parsing.blocks import trim_block

_LIST = re.compile(r"^(\s*)(?:[-*•]|\d{1,3}[.)])\s+")
_CLOSING = tuple(".!?:;,…\"”’')]")
_SMALL = {"a", "an", "the", "and", "or", "but", "of", "in", "on", "to", "for", "with", "at", "by",
          "from", "as", "is", "are", "vs", "via", "into", "over", "about", "than", "do", "does", "can"}
MAX_HEADING_WORDS = 14


def _title_case(line: str) -> bool:
    words = [w for w in re.findall(r"[A-Za-z][\w'’\-]*", line)]
    if not words:
        return False
    caps = sum(1 for w in words if w[0].isupper() or w.lower() in _SMALL)
    return caps / len(words) >= 0.8 and words[0][0].isupper()


def looks_like_heading(line: str, has_following_text: bool) -> bool:
    s = line.strip()
    if not s or not has_following_text:
        return False
    words = s.split()
    if len(words) > MAX_HEADING_WORDS or len(s) > 120:
        return False
    if not s.endswith(_CLOSING):
        return s[0].isupper() or s[0].isdigit()
    return s.endswith("?") and _title_case(s) and len(words) >= 3


def parse_text(text: str) -> tuple[str, list[Block], dict]:
    lines = text.split("\n")
    prose_parts: list[str] = []
    blocks: list[Block] = []
    offset = 0
    raw: list[tuple[int, int, str]] = []  # (start, end, line) of non-blank lines
    for line in lines:
        content = line[:-1] if line.endswith("\r") else line
        masked = content
        m = _LIST.match(content)
        if m:
            masked = " " * m.end() + content[m.end():]
        prose_parts.append(masked + line[len(content):])
        if content.strip():
            raw.append((offset, offset + len(content), "list" if m else content))
        offset += len(line) + 1
    prose = "\n".join(prose_parts)
    for i, (start, end, kind) in enumerate(raw):
        following = i + 1 < len(raw)
        if kind == "list":
            block = trim_block(prose, "list_item", start, end, 1)
        elif looks_like_heading(kind, following):
            block = trim_block(prose, "heading", start, end, 1 if i == 0 else 2)
        else:
            block = trim_block(prose, "paragraph", start, end)
        if block:
            blocks.append(block)
    return prose, blocks, {}
