"""HTML: visible text of block elements; script, style and the head are skipped.

Tags and comments become spaces in the prose view; an entity keeps its first character
replaced by the decoded character, so offsets stay exact.
"""

from __future__ import annotations

import bisect
import html as _html
import re
from html.parser import HTMLParser

from copydesk.document import Block
from copydesk.document import LineIndex
from copydesk.parsing.blocks import trim_block

BLOCK_TAGS = {
    "p": "paragraph", "div": "paragraph", "section": "paragraph", "article": "paragraph",
    "main": "paragraph", "header": "paragraph", "footer": "paragraph", "aside": "paragraph",
    "nav": "paragraph", "td": "paragraph", "th": "paragraph", "dd": "paragraph", "dt": "paragraph",
    "li": "list_item", "blockquote": "quote", "figcaption": "caption", "caption": "caption",
    "h1": "heading", "h2": "heading", "h3": "heading", "h4": "heading", "h5": "heading", "h6": "heading",
    "body": "paragraph", "form": "paragraph", "address": "paragraph", "tr": "paragraph", "br": None,
    "hr": None, "table": "paragraph", "ul": "paragraph", "ol": "paragraph", "dl": "paragraph",
}
SKIP_TAGS = {"script", "style", "noscript", "template", "head", "pre", "code", "svg", "math", "textarea", "select"}
VOID = {"br", "hr", "img", "input", "meta", "link", "area", "base", "col", "embed", "source", "track", "wbr"}
MAX_DEPTH = 512


class _Extractor(HTMLParser):
    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=False)
        self.text = text
        self.index = LineIndex(text)
        self.chars = [c if c in "\r\n" else " " for c in text]
        self.kinds: list[str] = ["paragraph"]
        self.skip = 0
        self.segments: list[tuple[int, int]] = []
        self.blocks: list[tuple[str, int, int, int]] = []

    def _offset(self) -> int:
        line, col = self.getpos()
        return self.index.starts[line - 1] + col

    def _flush(self) -> None:
        if self.segments:
            kind = self.kinds[-1]
            level = 0
            self.blocks.append((kind, self.segments[0][0], self.segments[-1][1], level))
            self.segments = []

    def handle_starttag(self, tag: str, attrs) -> None:  # noqa: ANN001
        if tag in SKIP_TAGS:
            if tag not in VOID:
                self.skip += 1
            return
        if tag in BLOCK_TAGS:
            self._flush()
            kind = BLOCK_TAGS[tag]
            if kind and tag not in VOID and len(self.kinds) < MAX_DEPTH:
                self.kinds.append(kind)

    def handle_startendtag(self, tag: str, attrs) -> None:  # noqa: ANN001
        if tag in BLOCK_TAGS:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIP_TAGS:
            self.skip = max(0, self.skip - 1)
            return
        if tag in BLOCK_TAGS and BLOCK_TAGS[tag]:
            self._flush()
            if len(self.kinds) > 1:
                self.kinds.pop()

    def handle_data(self, data: str) -> None:
        start = self._offset()
        if self.skip:
            return
        for i, ch in enumerate(data):
            if ch not in "\r\n":
                self.chars[start + i] = " " if ch.isspace() else ch
        if data.strip():
            self.segments.append((start, start + len(data)))

    def _entity(self, raw: str) -> None:
        if self.skip:
            return
        start = self._offset()
        length = len(raw) if self.text.startswith(raw, start) else len(raw) - 1
        decoded = _html.unescape(raw)
        if decoded and decoded != raw:
            self.chars[start] = " " if decoded[0].isspace() else decoded[0]
            self.segments.append((start, start + length))

    def handle_entityref(self, name: str) -> None:
        self._entity(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self._entity(f"&#{name};")


# html.parser rescans to the end of the input for every tag left open (quadratic on hostile
# input such as "<a href='" repeated); a tag running on this far without '>' is blanked out.
MAX_TAG = 65536
_TAG_START = re.compile(r"<[!/?A-Za-z]")


def _defuse(text: str) -> str:
    """``text`` with over-long tags replaced by spaces (same length and newlines)."""
    if len(text) <= MAX_TAG:
        return text
    closes = [m.start() for m in re.finditer(">", text)]
    parts, pos = [], 0
    for m in _TAG_START.finditer(text):
        i = m.start()
        if i < pos:
            continue
        k = bisect.bisect_left(closes, i)
        end = closes[k] + 1 if k < len(closes) else len(text)
        if end - i > MAX_TAG:
            parts.append(text[pos:i])
            parts.append(re.sub(r"[^\r\n]", " ", text[i:end]))
            pos = end
    if not parts:
        return text
    parts.append(text[pos:])
    return "".join(parts)


def parse_html(text: str) -> tuple[str, list[Block], dict]:
    parser = _Extractor(text)
    try:
        parser.feed(_defuse(text))
        parser.close()
    except (AssertionError, ValueError):  # malformed markup: keep what was read
        pass
    parser._flush()
    prose = "".join(parser.chars)
    blocks: list[Block] = []
    for kind, start, end, level in parser.blocks:
        b = trim_block(prose, kind, start, end, level)
        if b:
            blocks.append(b)
    return prose, blocks, {}
