"""The document model: blocks and sentences with exact offsets into the decoded text.

Every position is a 0-based Python ``str`` index into ``Document.text`` (end exclusive).
``Document.prose`` has the same length as ``text``: markup, code, URLs and comments are
replaced by spaces (newlines kept), so checks read clean prose and keep exact offsets.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field, fields
from functools import cached_property

BLOCK_KINDS = ("heading", "paragraph", "list_item", "quote", "table_row", "reference", "caption")

_WORD_RE = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")


@dataclass(frozen=True, slots=True)
class Block:
    """A block of prose: heading, paragraph, list item, quote, table row, reference entry."""

    kind: str
    start: int
    end: int
    level: int = 0


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence inside one block."""

    start: int
    end: int
    block: int


@dataclass(frozen=True, slots=True)
class Section:
    """Blocks from one heading to the next (the first section may have no heading)."""

    heading: int | None
    blocks: tuple[int, ...]
    start: int
    end: int


class LineIndex:
    """Maps offsets to 1-based (line, column); column counts characters."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset) - 1
        return line + 1, offset - self.starts[line] + 1


@dataclass
class Document:
    """A parsed input file."""

    path: str
    text: str
    format: str
    prose: str
    blocks: list[Block]
    sentences: list[Sentence]
    front_matter: dict = field(default_factory=dict)

    @cached_property
    def lines(self) -> LineIndex:
        return LineIndex(self.text)

    def position(self, offset: int) -> tuple[int, int]:
        return self.lines.position(offset)

    def drop_caches(self) -> None:
        """Forget what checks cached on this document (indexes, counts, analyses): after the
        per-document stage only the parsed fields are read, and they are what workers send back
        and the corpus stage keeps, so a large corpus is held at a fraction of the size."""
        for key in [k for k in self.__dict__ if k not in _FIELDS]:
            del self.__dict__[key]

    def block_text(self, block: Block) -> str:
        """The block's prose (markup masked as spaces)."""
        return self.prose[block.start:block.end]

    def sentence_text(self, sentence: Sentence) -> str:
        return self.prose[sentence.start:sentence.end]

    @cached_property
    def block_sentences(self) -> list[list[int]]:
        """Sentence indices per block."""
        out: list[list[int]] = [[] for _ in self.blocks]
        for i, s in enumerate(self.sentences):
            out[s.block].append(i)
        return out

    @cached_property
    def sections(self) -> list[Section]:
        sections: list[Section] = []
        current: list[int] = []
        heading: int | None = None

        def flush() -> None:
            if heading is None and not current:
                return
            idx = ([heading] if heading is not None else []) + current
            start = self.blocks[idx[0]].start
            end = self.blocks[idx[-1]].end
            sections.append(Section(heading, tuple(current), start, end))

        for i, b in enumerate(self.blocks):
            if b.kind == "heading":
                flush()
                heading, current = i, []
            else:
                current.append(i)
        flush()
        return sections

    @cached_property
    def _sentence_starts(self) -> list[int]:
        return [s.start for s in self.sentences]

    def sentence_at(self, offset: int) -> Sentence | None:
        """The sentence containing ``offset``, if any."""
        i = bisect.bisect_right(self._sentence_starts, offset) - 1
        if i >= 0 and offset < self.sentences[i].end:
            return self.sentences[i]
        return None

    def words(self, start: int = 0, end: int | None = None) -> list[str]:
        return _WORD_RE.findall(self.prose, start, len(self.prose) if end is None else end)


_FIELDS = frozenset(f.name for f in fields(Document))
