"""In-text author-year citations and reference-list entries, with exact offsets.

In-text items: "(Stern, 2004)", "(Fonagy, Luyten, & Strathearn, 2011; Stern, 2004)",
"(Kernberg, 1975, p. 229)", "Tronick, et al., 1998", narrative "Stern (2004)",
"Tronick et al. (1998)", "Smith and Jones (2010)". Reference entries are the parser's blocks of
kind "reference" ("Stern, D. (2004). The Present Moment ...").
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import cached_property

from copydesk.document import Document

YEAR = r"(?:1[5-9]\d\d|20\d\d)[a-z]?"
_NAME = r"(?:(?:van|von|de|del|der|da|di|le|la|du)\s+)?[A-Z][\w'’\-]+"
_NAMES = _NAME + r"(?:\s+" + _NAME + r")*"
_AUTHORS = (_NAMES + r"(?:\s*,\s*" + _NAMES + r")*(?:\s*,?\s*(?:&|and)\s+" + _NAMES + r")?"
            r"(?:\s*,?\s+et\s+al\.?)?")
_PAGE = r"(?:\s*,\s*(?:p|pp|ch|chap)\.?\s*\d+(?:\s*[-–]\s*\d+)?)?"
# "Fonagy, Luyten, & Strathearn, 2011" / "Tronick, et al., 1998" / "Kernberg 1975, p. 229"
PAREN_ITEM = re.compile(r"(?P<authors>" + _AUTHORS + r")\s*,?\s+(?P<year>" + YEAR + r")\b" + _PAGE)
# "Stern (2004)" / "Tronick et al. (1998, p. 3)"
NARRATIVE = re.compile(r"(?P<authors>" + _AUTHORS + r")\s*,?\s*\(\s*(?P<year>" + YEAR + r")" + _PAGE + r"\s*\)")
_LEADING = re.compile(r"^(?:see also|see|e\.g\.,?|cf\.|i\.e\.,?|for example,?|as cited in)\s+", re.I)
# words that are capitalised but are not authors ("In 2004", "Since 1998")
_NOT_NAMES = frozenset("""
in on at by for from since until till after before during of the a an and or but as to with about around
circa c ca january february march april may june july august september october november december
spring summer autumn fall winter this that these those its his her their our my we i you he she they
it there here when while where what which who year years edition vol volume chapter page figure table
""".split())


@dataclass(frozen=True)
class Citation:
    """One in-text author-year citation."""

    start: int  # of the whole item
    end: int
    name_start: int  # of the first author's surname
    name_end: int
    first_author: str
    authors: tuple[str, ...]
    year: str
    narrative: bool

    @property
    def label(self) -> str:
        return f"{self.first_author}, {self.year}"


@dataclass(frozen=True)
class Entry:
    """One reference-list entry."""

    block: int
    start: int
    end: int
    first_author: str
    authors: tuple[str, ...]
    year: str | None
    text: str

    @property
    def label(self) -> str:
        head = self.text.split(")")[0] + ")" if self.year and ")" in self.text[:200] else self.text[:60]
        return head.strip()


def _surnames(authors: str) -> tuple[str, ...]:
    authors = re.sub(r"\bet\s+al\.?", "", authors)
    parts = re.split(r"\s*,\s*|\s*&\s*|\s+and\s+", authors)
    out = []
    for p in parts:
        p = p.strip()
        if p and p[0].isupper() and p.lower() not in _NOT_NAMES:
            out.append(p)
    return tuple(out)


def _surname_key(name: str) -> str:
    """Compare names on their last word, case-folded ("Daniel Stern" ~ "Stern")."""
    words = name.replace("’", "'").split()
    return re.sub(r"'s?$", "", words[-1]).casefold() if words else ""


def key_matches(a: str, b: str) -> bool:
    return _surname_key(a) == _surname_key(b)


def citations(document: Document) -> list[Citation]:
    """Author-year citations outside reference entries."""
    out: list[Citation] = []
    seen: set[tuple[int, int]] = set()
    for block in document.blocks:
        if block.kind in ("reference", "heading"):
            continue
        text = document.prose[block.start:block.end]
        spans: list[tuple[int, int, re.Match[str], bool]] = []
        for m in NARRATIVE.finditer(text):
            spans.append((m.start(), m.end(), m, True))
        # parenthetical items: inside a group opened by "(" or continuing one after ";"
        for m in PAREN_ITEM.finditer(text):
            before = text[:m.start()].rstrip()
            if before.endswith(("(", ";")) or re.search(r"\((?:see also|see|e\.g\.,?|cf\.)\s*$", before, re.I):
                spans.append((m.start(), m.end(), m, False))
        for s, e, m, narrative in sorted(spans, key=lambda t: t[0]):
            authors_text = m.group("authors")
            lead = _LEADING.match(authors_text)
            offset = lead.end() if lead else 0
            names = _surnames(authors_text[offset:])
            if not names:
                continue
            first = names[0]
            if narrative:
                # "Daniel Stern (2004)": the surname is the last word of the first name run
                first = first.split()[-1]
            if first.casefold() in _NOT_NAMES or first.isupper():
                continue
            name_pos = text.find(first, m.start() + offset)
            key = (block.start + m.start(), block.start + m.end())
            if key in seen or any(c.start <= key[0] < c.end for c in out):
                continue
            seen.add(key)
            out.append(Citation(block.start + m.start(), block.start + m.end(),
                                block.start + name_pos, block.start + name_pos + len(first),
                                first, names, m.group("year"), narrative))
    return sorted(out, key=lambda c: c.start)


_ENTRY_YEAR = re.compile(r"\(\s*(" + YEAR + r")\s*\)|\b(" + YEAR + r")\b")
_ENTRY_FIRST = re.compile(r"^\s*(?:\[\d+\]\s*|\d+\.\s+)?(" + _NAMES + r")")


def entries(document: Document) -> list[Entry]:
    """Reference-list entries with their first author and year."""
    out: list[Entry] = []
    for i, block in enumerate(document.blocks):
        if block.kind != "reference":
            continue
        text = document.text[block.start:block.end]
        ym = _ENTRY_YEAR.search(text[:400])
        year = (ym.group(1) or ym.group(2)) if ym else None
        head = text[:ym.start()] if ym else text[:200]
        fm = _ENTRY_FIRST.match(head)
        if not fm:
            continue
        first = fm.group(1)
        # "Tronick E.Z., Brushweller-Stern N." and "Fonagy, P., Luyten, P., and Strathearn, L."
        names = tuple(n for n in re.findall(r"(?<![\w.])([A-Z][\w'’\-]*[a-z][\w'’\-]*)", head)
                      if n.casefold() not in _NOT_NAMES)
        out.append(Entry(i, block.start, block.end, first, names or (first,), year, text))
    return out


def same_year(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and a[:4] == b[:4] and (len(a) == 4 or len(b) == 4 or a == b)


@dataclass
class Index:
    """In-text citations and entries of one document, matched."""

    document: Document

    @cached_property
    def citations(self) -> list[Citation]:
        return citations(self.document)

    @cached_property
    def entries(self) -> list[Entry]:
        return entries(self.document)

    def match(self, c: Citation) -> Entry | None:
        for e in self.entries:
            if key_matches(c.first_author, e.first_author) and same_year(c.year, e.year):
                return e
        return None

    def closest(self, c: Citation, cutoff: float = 0.75) -> tuple[Entry, str] | None:
        """The entry a mismatched citation most likely means, and why."""
        best: tuple[float, Entry, str] | None = None
        ck = _surname_key(c.first_author)
        for e in self.entries:
            ek = _surname_key(e.first_author)
            ratio = difflib.SequenceMatcher(None, ck, ek).ratio()
            if ck == ek:
                score, why = 0.9, "year"
            elif same_year(c.year, e.year) and ratio >= cutoff:
                score, why = ratio, "spelling"
            else:
                continue
            if best is None or score > best[0]:
                best = (score, e, why)
        return (best[1], best[2]) if best else None

    def cited(self, e: Entry) -> bool:
        return any(key_matches(c.first_author, e.first_author) and same_year(c.year, e.year)
                   for c in self.citations)


def index(document: Document) -> Index:
    cache = document.__dict__.setdefault("_citation_index", None)
    if cache is None:
        cache = Index(document)
        document.__dict__["_citation_index"] = cache
    return cache

