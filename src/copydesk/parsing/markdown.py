"""Markdown through markdown-it-py source maps.

Code blocks, inline code, HTML, comments, URLs and link targets are masked out of the prose;
link text, emphasis content and headings stay. YAML front matter is parsed with safe_load.
"""

from __future__ import annotations

import re
from functools import lru_cache

import yaml

from copydesk.document import Block, LineIndex

# Every pattern is linear on hostile input: spans are bounded ({0,2048}) and link text stops
# at '[' so that no start position rescans the rest of a long line (see docs/reliability.md).
_INLINE_MASKS = [
    (re.compile(r"(?<!`)(`{1,32})(?!`).+?(?<!`)\1(?!`)", re.S), None),
    (re.compile(r"!\[[^\[\]\n]{0,1000}\]\([^)\n]{0,2048}\)"), None),
    (re.compile(r"!\[[^\[\]\n]{0,1000}\]\[[^\[\]\n]{0,1000}\]"), None),
    (re.compile(r"\[\^[^\[\]\n]{1,200}\]"), None),  # footnote references
    (re.compile(r"(\[)([^\[\]\n]{1,1000})(\]\([^)\n]{0,2048}\))"), 2),  # keep link text
    (re.compile(r"(\[)([^\[\]\n]{1,1000})(\]\[[^\[\]\n]{0,1000}\])"), 2),
    (re.compile(r"<(?:https?|ftp|mailto):[^<>\s]{1,2048}>"), None),
    (re.compile(r"\bhttps?://[^\s<>()\[\]]{1,2048}(?<![.,;:!?\"'’”])"), None),
    (re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>"), None),
    (re.compile(r"\\(?=[!-/:-@\[-`{-~])"), None),
    (re.compile(r"(?<![\w*_~])(?:\*{1,3}|_{1,3}|~~)(?=\S)|(?<=\S)(?:\*{1,3}|_{1,3}|~~)(?![\w*_~])"), None),
]


def _comments(segment: str) -> list[tuple[int, int]]:
    """Spans of HTML comments, found in one pass (a regex rescans for every unclosed opener)."""
    spans, pos = [], 0
    while True:
        start = segment.find("<!--", pos)
        if start < 0:
            return spans
        end = segment.find("-->", start + 4)
        if end < 0:
            return spans  # no later opener can be closed either
        spans.append((start, end + 3))
        pos = end + 3


_HEADING_PREFIX = re.compile(r"^[ \t]{0,3}#{1,6}(?:[ \t]+|$)")
_HEADING_SUFFIX = re.compile(r"[ \t]+#+[ \t]*$")
_SETEXT = re.compile(r"^[ \t]*(?:=+|-+)[ \t]*$")
_QUOTE_PREFIX = re.compile(r"^[ \t]*(?:>[ \t]?)+")
_LIST_MARKER = re.compile(r"^[ \t]*(?:[-*+]|\d{1,9}[.)])(?:[ \t]+\[[ xX]\])?(?:[ \t]+|$)")
_TABLE_SEP = re.compile(r"^[\s|:\-]+$")


@lru_cache(maxsize=1)
def _parser():  # noqa: ANN202
    from markdown_it import MarkdownIt
    from mdit_py_plugins.front_matter import front_matter_plugin

    return MarkdownIt("commonmark", {"maxNesting": 64}).enable("table").use(front_matter_plugin)


def mask_inline(chars: list[str], start: int, end: int) -> None:
    """Mask inline markup in ``chars[start:end]`` (in place)."""
    segment = "".join(chars[start:end])
    for a, b in _comments(segment):
        for g in range(a, b):
            if chars[start + g] not in "\r\n":
                chars[start + g] = " "
    segment = "".join(chars[start:end])
    for pattern, keep in _INLINE_MASKS:
        for m in pattern.finditer(segment):
            for g in range(m.start(), m.end()):
                if keep is not None and m.start(keep) <= g < m.end(keep):
                    continue
                if chars[start + g] not in "\r\n":
                    chars[start + g] = " "
        segment = "".join(chars[start:end])


def _trimmed(chars: list[str], kind: str, start: int, end: int, level: int) -> Block | None:
    seg = "".join(chars[start:end])
    stripped = seg.strip()
    if not stripped:
        return None
    lead = len(seg) - len(seg.lstrip())
    return Block(kind, start + lead, start + lead + len(stripped), level)


# markdown-it scans to the end of the line for every '[' (link labels): quadratic on a line with
# thousands of them. Only block structure is read from its tokens, so such lines are defused.
_MAX_BRACKETS_PER_LINE = 500


def _for_block_parser(text: str) -> str:
    """``text`` as markdown-it should see it: same length and lines, no NULs or CRs."""
    text = text.replace("\r", " ").replace("\0", " ")
    if text.count("[") < _MAX_BRACKETS_PER_LINE:
        return text
    lines = text.split("\n")
    return "\n".join(ln.replace("[", "(") if ln.count("[") >= _MAX_BRACKETS_PER_LINE else ln for ln in lines)


def parse_markdown(text: str) -> tuple[str, list[Block], dict]:
    lines = LineIndex(text)
    n_lines = len(lines.starts)

    def line_range(i: int) -> tuple[int, int]:
        s = lines.starts[i]
        e = lines.starts[i + 1] - 1 if i + 1 < n_lines else len(text)
        if e > s and text[e - 1] == "\r":
            e -= 1
        return s, e

    tokens = _parser().parse(_for_block_parser(text))
    original = list(text)
    chars = [c if c in "\r\n" else " " for c in text]
    blocks: list[Block] = []
    front_matter: dict = {}
    containers: list[tuple[str, int]] = []
    heading_level = 0
    in_table = False

    for tok in tokens:
        t = tok.type
        if t == "front_matter":
            try:
                data = yaml.safe_load(tok.content)
                front_matter = data if isinstance(data, dict) else {}
            except yaml.YAMLError as exc:
                front_matter = {"__error__": f"invalid YAML front matter: {exc}".splitlines()[0]}
        elif t in ("blockquote_open", "list_item_open"):
            containers.append((t[:-5], tok.map[0] if tok.map else -1))
        elif t in ("blockquote_close", "list_item_close"):
            if containers:
                containers.pop()
        elif t == "heading_open":
            heading_level = int(tok.tag[1])
        elif t == "heading_close":
            heading_level = 0
        elif t == "table_open":
            in_table = True
        elif t == "table_close":
            in_table = False
        elif t == "tr_open" and tok.map:
            l0 = tok.map[0]
            s, e = line_range(l0)
            if _TABLE_SEP.match(text[s:e]):
                continue
            for k in range(s, e):
                chars[k] = " " if original[k] == "|" else original[k]
            mask_inline(chars, s, e)
            b = _trimmed(chars, "table_row", s, e, 0)
            if b:
                blocks.append(b)
        elif t == "inline" and tok.map and not in_table:
            kinds = [c for c, _ in containers]
            if heading_level:
                kind = "heading"
            elif kinds and kinds[-1] == "list_item":
                kind = "list_item"
            elif "blockquote" in kinds:
                kind = "quote"
            else:
                kind = "paragraph"
            item_line = next((ln for c, ln in reversed(containers) if c == "list_item"), -1)
            l0, l1 = tok.map
            first = last = None
            for ln in range(l0, min(l1, n_lines)):
                s, e = line_range(ln)
                line = text[s:e]
                cut = 0
                if "blockquote" in kinds:
                    m = _QUOTE_PREFIX.match(line)
                    cut = m.end() if m else 0
                if ln == item_line:
                    m = _LIST_MARKER.match(line, cut)
                    cut = m.end() if m else cut
                if heading_level:
                    if _SETEXT.match(line) and ln > l0:
                        continue
                    m = _HEADING_PREFIX.match(line, cut)
                    cut = m.end() if m else cut
                    m = _HEADING_SUFFIX.search(line)
                    if m and m.start() >= cut:
                        e = s + m.start()
                for k in range(s + cut, e):
                    chars[k] = original[k]
                first = s + cut if first is None else first
                last = e
            if first is None:
                continue
            mask_inline(chars, first, last)
            b = _trimmed(chars, kind, first, last, heading_level or len(kinds))
            if b:
                blocks.append(b)
    return "".join(chars), blocks, front_matter
