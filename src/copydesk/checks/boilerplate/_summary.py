"""Per-document summaries and the corpus merge (the two halves of every repetition check).

:func:`summarise` is pure and compact: for each block (line or paragraph) an exact hash of its
normalised text; for each sentence long enough, a MinHash signature and its LSH band keys.
The corpus merge of these summaries (``copydesk.clusters``: exact-key and MinHash near-duplicate
clusters, in memory or on a Dask cluster) reads only the fields of the passages, so it belongs to
the core and serves any corpus check whose summaries have this shape.
"""

from __future__ import annotations

import bisect
import os
from dataclasses import dataclass, field
from typing import Iterator

import numpy as np

from copydesk.document import Document
from copydesk.checks.boilerplate._facts import facts
from copydesk.checks.boilerplate._layout import prose_weight
from copydesk.checks.boilerplate._text import AllowList, band_keys
from copydesk.clusters import MAX_BUCKET, exact_clusters, near_clusters  # noqa: F401  (the in-memory merge)


@dataclass(frozen=True, slots=True)
class Passage:
    """A block or sentence of one document, with its exact key and (for sentences) a signature."""

    kind: str               # "block" or "sentence"
    start: int
    end: int
    key: int                # stable hash of the normalised text
    n_words: int
    block_kind: str = ""
    sig: np.ndarray | None = field(default=None, compare=False, hash=False)
    bands: tuple[int, ...] = ()
    # what a corpus check needs later without the document (``summarise(..., details=True)``):
    pos: tuple[int, int, int, int] = (0, 0, 0, 0)  # line and column of start and end
    allow: bool = False      # approved by the check's allow-list (on the file's raw text)
    block: int = -1          # sentences: index of the summary block that contains the start, else -1
    weight: float = 0.0      # blocks: how much the line reads like article text (main-text region)


@dataclass(slots=True, eq=False)
class Passages:
    """The blocks or the sentences of one summary, column by column (compact in memory and in
    pickles); indexing and iterating give :class:`Passage` rows, ``+`` a list of them. Columns of
    details not asked for are None (rows then have the defaults)."""

    kind: str
    start: np.ndarray       # (n,) int64
    end: np.ndarray         # (n,) int64
    key: np.ndarray         # (n,) uint64
    n_words: np.ndarray     # (n,) int64
    block_kind: list[str]
    sig: np.ndarray | None = None    # sentences: (n, num_perm) uint32 MinHash signatures
    bands: np.ndarray | None = None  # sentences: (n, bands) uint64 LSH band keys
    pos: np.ndarray | None = None    # details: (n, 4) int64
    allow: np.ndarray | None = None  # details: (n,) bool
    block: np.ndarray | None = None  # details of sentences: (n,) int64
    weight: np.ndarray | None = None  # details of blocks: (n,) float64

    @classmethod
    def of(cls, kind: str, rows: list[Passage], details: bool, num_perm: int = 0) -> "Passages":
        """The columns of ``rows`` (signatures and bands for sentences; positions, allow-list
        verdicts, blocks and weights with ``details``)."""
        def column(name: str, dtype: str) -> np.ndarray:
            return np.array([getattr(p, name) for p in rows], dtype=dtype)

        out = cls(kind, column("start", "int64"), column("end", "int64"), column("key", "uint64"),
                  column("n_words", "int64"), [p.block_kind for p in rows])
        if kind == "sentence" and rows:
            out.sig = np.array([p.sig for p in rows], dtype=np.uint32).reshape(len(rows), num_perm)
            out.bands = np.array([p.bands for p in rows], dtype=np.uint64).reshape(len(rows), len(rows[0].bands))
        if details:
            out.pos = np.array([p.pos for p in rows], dtype=np.int64).reshape(len(rows), 4)
            out.allow = column("allow", "bool")
            if kind == "sentence":
                out.block = column("block", "int64")
            else:
                out.weight = column("weight", "float64")
        return out

    def __len__(self) -> int:
        return len(self.start)

    def __getitem__(self, j: int) -> Passage:
        n = len(self)
        if not -n <= j < n:
            raise IndexError("passage index out of range")
        j %= n

        def at(values: np.ndarray | None, default: object) -> object:
            return default if values is None else values[j].item()

        return Passage(self.kind, self.start[j].item(), self.end[j].item(), self.key[j].item(),
                       self.n_words[j].item(), self.block_kind[j], None if self.sig is None else self.sig[j],
                       () if self.bands is None else tuple(self.bands[j].tolist()),
                       (0, 0, 0, 0) if self.pos is None else tuple(self.pos[j].tolist()),
                       at(self.allow, False), at(self.block, -1), at(self.weight, 0.0))

    def __iter__(self) -> Iterator[Passage]:
        n = len(self)

        def col(values: np.ndarray | None, default: object) -> list:
            return values.tolist() if values is not None else [default] * n

        sigs = self.sig if self.sig is not None else [None] * n
        bands = [tuple(b) for b in col(self.bands, ())]
        pos = [tuple(p) for p in col(self.pos, (0, 0, 0, 0))]
        for row in zip(self.start.tolist(), self.end.tolist(), self.key.tolist(), self.n_words.tolist(),
                       self.block_kind, sigs, bands, pos, col(self.allow, False), col(self.block, -1),
                       col(self.weight, 0.0)):
            yield Passage(self.kind, *row)

    def __add__(self, other: "Passages") -> list[Passage]:
        return [*self, *other]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Passages) and self.kind == other.kind and list(self) == list(other)


@dataclass(slots=True)
class Summary:
    path: str
    group: str
    blocks: Passages
    sentences: Passages


def group_of(path: str, mode: str) -> str:
    """The document's group: its folder (``folder``; a site scraped into one folder) or one group."""
    return os.path.dirname(os.path.normpath(path)) if mode == "folder" else ""


def summarise(doc: Document, *, group_by: str = "folder", min_words: int = 6, shingle: int = 3,
              num_perm: int = 64, threshold: float = 0.5, details: tuple[str, ...] = (),
              allow: AllowList | None = None) -> Summary:
    """The compact, picklable summary of one document (pure: no corpus state).

    ``details`` (kinds: ``"block"``, ``"sentence"``) adds what turning a cluster into findings needs
    without the document: positions, the allow-list verdict (``allow``), each block's prose weight
    and the block containing each sentence.
    """
    if allow is not None and not (allow.exact or allow.patterns):
        allow = None
    shared = facts(doc)  # what the other boilerplate checks of this document derive too
    blocks = []
    for j, key, n_words in shared.block_keys:
        b = doc.blocks[j]
        extra: dict = {}
        if "block" in details:
            weight = prose_weight(shared.block_texts[j], shared.block_tokens[j])
            extra = _details(doc, b.start, b.end, allow, weight=weight)
        blocks.append(Passage("block", b.start, b.end, key, n_words, b.kind, **extra))
    starts = [b.start for b in blocks]
    sents = []
    long = [i for i, toks in enumerate(shared.sentence_words) if len(toks) >= min_words]
    for i, sig in zip(long, shared.signatures(long, shingle, num_perm)):
        s = doc.sentences[i]
        extra = {}
        if "sentence" in details:
            j = bisect.bisect_right(starts, s.start) - 1
            extra = _details(doc, s.start, s.end, allow, block=j if j >= 0 and blocks[j].end >= s.start else -1)
        sents.append(Passage("sentence", s.start, s.end, shared.sentence_key(i), len(shared.sentence_words[i]),
                             doc.blocks[s.block].kind, sig, band_keys(sig, threshold), **extra))
    return Summary(doc.path, group_of(doc.path, group_by), Passages.of("block", blocks, "block" in details),
                   Passages.of("sentence", sents, "sentence" in details, num_perm))


def _details(doc: Document, start: int, end: int, allow: AllowList | None, **extra: object) -> dict:
    (sl, sc), (el, ec) = doc.position(start), doc.position(end)
    return {"pos": (sl, sc, el, ec), "allow": allow is not None and allow.allows(doc.text[start:end]), **extra}


Ref = tuple[int, int]  # (summary index, passage index)
