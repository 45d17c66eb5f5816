"""Property-based tests of the document model: for any text, in every format, parsing never
raises, every block and sentence slices back to its text, and line/column agree with offsets."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings, strategies as st

from copydesk.document import LineIndex
from copydesk.parsing import parse

# Characters that drive the parsers: markup, entities, brackets, quotes, newlines of all kinds.
MARKUP = list("#>*-_+`[]()!<>/&;=|:\\~\"'.?,0123456789 \t\n\r") + ["\r\n", "\n\n", "<p>", "</p>", "<div>",
    "<!--", "-->", "&amp;", "&#65;", "&#x1F600;", "http://x.io/a", "- ", "1. ", "> ", "```\n", "---\n",
    "<script>", "</script>", "[a](b)", "![i](j)", "**", "Mr. ", "e.g. ", "\u00a0", "\u2028", "\u0301", "é", "日本"]
WORDS = ["The", "cat", "sat", "on", "mat", "Dr", "U.S.", "it's", "well-known", "A", "I"]

texts = st.lists(st.one_of(st.sampled_from(MARKUP), st.sampled_from(WORDS), st.text(max_size=3)),
                 max_size=60).map("".join)
formats = st.sampled_from(["a.md", "a.txt", "a.html"])
PROP = settings(max_examples=int(os.environ.get("COPYDESK_PROPERTY_EXAMPLES", "200")), deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check_document(path: str, text: str) -> None:
    doc = parse(path, text)
    assert doc.text == text and len(doc.prose) == len(text)
    for i, ch in enumerate(text):  # newlines are never masked, so lines stay put
        if ch == "\n":
            assert doc.prose[i] == "\n"
    prev_end = 0
    for b in doc.blocks:
        assert 0 <= b.start < b.end <= len(text)
        assert b.start >= prev_end  # blocks are ordered and disjoint
        prev_end = b.end
        piece = doc.prose[b.start:b.end]
        assert piece == piece.strip() and piece  # a block slices back to its trimmed prose
    prev = None
    for s in doc.sentences:
        b = doc.blocks[s.block]
        assert b.start <= s.start < s.end <= b.end
        piece = doc.sentence_text(s)
        assert piece == piece.strip() and piece
        if prev is not None:
            assert (prev.block, prev.end) <= (s.block, s.start)
        prev = s
    index = LineIndex(text)
    for off in {0, len(text), *(b.start for b in doc.blocks), *(s.end for s in doc.sentences)}:
        line, col = doc.position(off)
        assert line == text.count("\n", 0, off) + 1
        assert col == off - (text.rfind("\n", 0, off) + 1) + 1
        assert index.starts[line - 1] + col - 1 == off


@PROP
@given(path=formats, text=texts)
def test_any_markup_text_parses_with_exact_offsets(path, text):
    check_document(path, text)


@PROP
@given(path=formats, text=st.text(max_size=200))
def test_any_unicode_text_parses_with_exact_offsets(path, text):
    check_document(path, text)


@settings(max_examples=40, deadline=None)
@given(depth=st.integers(0, 3000), marker=st.sampled_from([">", "> ", "- ", "* ", "1. ", "<div>", "[", "`"]),
       path=formats)
def test_deep_nesting_never_raises(depth, marker, path):
    check_document(path, marker * depth + "text. More text.\n")
