"""Parsing of Markdown, plain text and HTML into blocks and sentences with exact offsets."""

from __future__ import annotations

import pytest

from copydesk.parsing import parse
from copydesk.parsing.segment import split_sentences


def blocks(doc):
    return [(b.kind, doc.prose[b.start:b.end]) for b in doc.blocks]


def sentences(doc):
    return [doc.prose[s.start:s.end] for s in doc.sentences]


def assert_consistent(doc):
    assert len(doc.prose) == len(doc.text)
    for b in doc.blocks:
        assert doc.prose[b.start:b.end].strip() == doc.prose[b.start:b.end]
    for s in doc.sentences:
        b = doc.blocks[s.block]
        assert b.start <= s.start < s.end <= b.end
        # prose only differs from the text where markup was masked
        for i in range(s.start, s.end):
            assert doc.prose[i] in (doc.text[i], " ") or doc.text[i] == "&"


MD = """---
title: "A: test"
copydesk:
  disable: [readability.sentence-length]
---
# The *first* heading

A paragraph with `inline code`, a [link text](https://example.com/path) and <span>html</span>. Second sentence.

- list item one
- list item two

1. numbered item

> a quotation
> over two lines

```python
code_is_not_prose = True
```

    indented code

<!-- an html comment -->

Setext heading
--------------

| col a | col b |
|-------|-------|
| cell 1 | cell 2 |
"""


def test_markdown_blocks_and_masking():
    doc = parse("a.md", MD)
    assert_consistent(doc)
    kinds = blocks(doc)
    assert kinds[0] == ("heading", "The  first  heading")
    assert ("list_item", "list item one") in kinds
    assert ("list_item", "numbered item") in kinds
    assert ("quote", "a quotation\n  over two lines") in kinds
    assert ("heading", "Setext heading") in kinds
    assert ("table_row", "cell 1   cell 2") in kinds
    prose = doc.prose
    assert "code_is_not_prose" not in prose and "indented code" not in prose
    assert "inline code" not in prose and "https://example.com" not in prose
    assert "link text" in prose and "html" in prose and "<span>" not in prose
    assert "an html comment" not in prose
    assert doc.front_matter["title"] == "A: test"


def test_markdown_offsets_through_front_matter():
    doc = parse("a.md", MD)
    para = next(b for b in doc.blocks if b.kind == "paragraph")
    assert doc.text[para.start:para.start + 16] == "A paragraph with"
    line, col = doc.position(para.start)
    assert (line, col) == (8, 1)
    assert MD.splitlines()[line - 1].startswith("A paragraph")
    assert [" ".join(s.split()) for s in sentences(doc)[1:3]] == [
        "A paragraph with , a link text and html .",
        "Second sentence.",
    ]


def test_markdown_crlf_keeps_offsets():
    text = "# Title\r\n\r\nFirst sentence here. Second one.\r\n\r\n- item\r\n"
    doc = parse("a.md", text)
    assert_consistent(doc)
    assert blocks(doc) == [("heading", "Title"), ("paragraph", "First sentence here. Second one."), ("list_item", "item")]
    s = doc.sentences[2]
    assert doc.text[s.start:s.end] == "Second one."
    assert doc.position(s.start) == (3, 22)


def test_text_headings_lists_and_crlf():
    text = ("Key Takeaways\r\n- First point here.\r\n* Second point.\r\n2. Third point.\r\n"
            "How Does Childhood Experience Influence Empathy?\r\nChildhood shapes empathy. It does.\r\n"
            "Conclusion\r\nAll done, e.g. finished.\r\n")
    doc = parse("a.txt", text)
    assert_consistent(doc)
    assert blocks(doc) == [
        ("heading", "Key Takeaways"),
        ("list_item", "First point here."),
        ("list_item", "Second point."),
        ("list_item", "Third point."),
        ("heading", "How Does Childhood Experience Influence Empathy?"),
        ("paragraph", "Childhood shapes empathy. It does."),
        ("heading", "Conclusion"),
        ("paragraph", "All done, e.g. finished."),
    ]
    assert sentences(doc)[5:7] == ["Childhood shapes empathy.", "It does."]


def test_text_last_short_line_is_not_a_heading():
    doc = parse("a.txt", "A long opening paragraph that ends properly.\n\nConnecting to %s\n")
    assert blocks(doc)[-1] == ("paragraph", "Connecting to %s")


def test_html_visible_text_only():
    html = ("<html><head><title>T</title><style>p {color: red}</style><script>var x = '<p>no</p>';</script></head>"
            "<body><h2>Head &amp; shoulders</h2><p>Para <b>one</b>. Para two.</p><ul><li>Item</li></ul>"
            "<!-- hidden comment --><div>unclosed <i>tag")
    doc = parse("a.html", html)
    assert_consistent(doc)
    assert blocks(doc) == [
        ("heading", "Head &     shoulders"),
        ("paragraph", "Para    one    . Para two."),
        ("list_item", "Item"),
        ("paragraph", "unclosed    tag"),
    ]
    assert "color" not in doc.prose and "var x" not in doc.prose and "hidden" not in doc.prose


@pytest.mark.parametrize("text,expected", [
    ("Craig Childress, Psy.D. is a psychologist. He writes.", ["Craig Childress, Psy.D. is a psychologist.", "He writes."]),
    ("See p. 76 for details. Then stop.", ["See p. 76 for details.", "Then stop."]),
    ("Stern et al. found it, e.g. in infants. Next.", ["Stern et al. found it, e.g. in infants.", "Next."]),
    ("Tronick E.Z., Brushweller-Stern N. (1998). Dyadically expanded states.",
     ["Tronick E.Z., Brushweller-Stern N. (1998).", "Dyadically expanded states."]),
    ("It was said (Kernberg, 1975, p. 229). Yes!", ["It was said (Kernberg, 1975, p. 229).", "Yes!"]),
    ("“A quoted sentence.” Another one.", ["“A quoted sentence.”", "Another one."]),
])
def test_sentence_splitting_respects_abbreviations(text, expected):
    assert [text[s:e] for s, e in split_sentences(text)] == expected


def test_reference_entries_are_marked(root):
    text = (root / "content" / "000_2c5ef3d72e7640b6.txt").read_text(encoding="utf-8")
    doc = parse("x.txt", text)
    refs = [doc.prose[b.start:b.end][:20] for b in doc.blocks if b.kind == "reference"]
    assert refs == ["Fonagy, P., Luyten, ", "Kernberg, O.F. (1975", "Stern, D. (2004). Th",
                    "Trevarthen, C. (2001", "Tronick E.Z., Brushw"]


def test_seed_corpus_offsets(root):
    for path in sorted((root / "content").iterdir()):
        text = path.read_text(encoding="utf-8")
        doc = parse(str(path), text)
        assert_consistent(doc)
        assert len(doc.sentences) > 50


def test_a_sentence_ends_after_nested_closing_quotes():
    from copydesk.parsing.segment import split_sentences

    text = "He said: \"You can go now.'\" In addition, the class meets weekly. Dr. Smith said \u201cfine.\u201d He left."
    assert [text[a:b] for a, b in split_sentences(text)] == [
        "He said: \"You can go now.'\"", "In addition, the class meets weekly.",
        "Dr. Smith said \u201cfine.\u201d", "He left."]


def test_a_sentence_ends_after_a_spaced_closing_quote_and_full_stop():
    """syntok reads a closing quote after a space as an opening one and runs on; the full stop after it ends it."""
    from copydesk.parsing.segment import split_sentences

    text = ("Tourists are safe, \u201cas long as you take care, as one normally would \u201d. The album sold well. "
            "She said \"stop \". Nobody did. It cost 5 U.S. dollars. He wrote \u201cfine\u201d. and then left.")
    assert [text[a:b] for a, b in split_sentences(text)] == [
        "Tourists are safe, \u201cas long as you take care, as one normally would \u201d.", "The album sold well.",
        "She said \"stop \".", "Nobody did.", "It cost 5 U.S. dollars.", "He wrote \u201cfine\u201d. and then left."]


def test_one_sentence_shortcut_agrees_with_syntok():
    """Blocks with no sentence punctuation before their last character skip syntok: same spans."""
    from hypothesis import given, settings, strategies as st

    from conftest import CONTENT
    from copydesk.parsing.segment import syntok_spans

    def trimmed(text: str, spans) -> list[tuple[int, int]]:  # as sentences_for_blocks keeps them
        out = []
        for s, e in spans:
            seg = text[s:e]
            s2, e2 = s + len(seg) - len(seg.lstrip()), e - (len(seg) - len(seg.rstrip()))
            if e2 > s2:
                out.append((s2, e2))
        return out

    for path in sorted(CONTENT.glob("*.txt")):
        doc = parse(str(path), path.read_text(encoding="utf-8"))
        for b in doc.blocks:
            text = doc.prose[b.start:b.end]
            assert trimmed(text, split_sentences(text)) == trimmed(text, syntok_spans(text)), text

    @settings(max_examples=300, deadline=None)
    @given(st.text(alphabet=st.sampled_from(list("ab CD é,'\"“”-—\n\t.?!;:()0")), max_size=60))
    def agree(text: str) -> None:
        assert trimmed(text, split_sentences(text)) == trimmed(text, syntok_spans(text))

    agree()
