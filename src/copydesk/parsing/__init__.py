"""Parsers: Markdown, plain text and HTML into a :class:`~copydesk.document.Document`."""

from __future__ import annotations

import os

from copydesk.document import Block, Document
from copydesk.parsing.segment import sentences_for_blocks

FORMATS = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".txt": "text",
    ".text": "text",
    ".html": "html",
    ".htm": "html",
}


def format_for(path: str) -> str | None:
    return FORMATS.get(os.path.splitext(path)[1].lower())


def parse(path: str, text: str, fmt: str | None = None) -> Document:
    """Parse ``text`` (already decoded) according to its format."""
    fmt = fmt or format_for(path) or "text"
    if fmt == "markdown":
        from copydesk.parsing.markdown import parse_markdown as parser
    elif fmt == "html":
        from copydesk.parsing.html import parse_html as parser
    else:
        from copydesk.parsing.text import parse_text as parser
    prose, blocks, front_matter = parser(text)
    blocks = mark_references(prose, blocks)
    sentences = sentences_for_blocks(prose, blocks)
    return Document(path, text, fmt, prose, blocks, sentences, front_matter)


def mark_references(prose: str, blocks: list[Block]) -> list[Block]:
    """Mark reference-list entries (after a 'References' heading, or shaped like one)."""
    from copydesk.parsing.references import is_reference_entry, is_reference_heading

    out: list[Block] = []
    in_refs = False
    for b in blocks:
        text = prose[b.start:b.end]
        if b.kind == "heading":
            if in_refs and is_reference_entry(text):  # a short entry the parser took for a heading
                out.append(Block("reference", b.start, b.end, b.level))
                continue
            in_refs = is_reference_heading(text)
            out.append(b)
            continue
        if b.kind in ("paragraph", "list_item") and (is_reference_entry(text) or (in_refs and len(text) > 20)):
            out.append(Block("reference", b.start, b.end, b.level))
        else:
            out.append(b)
    return out
