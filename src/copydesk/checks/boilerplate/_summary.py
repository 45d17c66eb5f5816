"""Per-document summaries and the corpus merge (the two halves of every repetition check).

:func:`summarise` is pure and compact: for each block (line or paragraph) an exact hash of its
normalised text; for each sentence long enough, a MinHash signature and its LSH band keys.
A distributed run maps :func:`summarise` over documents and groups ``exact`` / ``band`` keys
on the cluster; :func:`exact_clusters` and :func:`near_clusters` are that grouping done
in memory, near-linear in the number of passages (dictionary grouping, candidate pairs only
inside LSH buckets, which are capped).
"""

from __future__ import annotations

import bisect
import itertools
import os
from collections import defaultdict
from dataclasses import dataclass, field
import numpy as np

from copydesk.document import Document
from copydesk.checks.boilerplate._facts import facts
from copydesk.checks.boilerplate._layout import prose_weight
from copydesk.checks.boilerplate._text import AllowList, UnionFind, band_keys, estimate

MAX_BUCKET = 200  # a band bucket larger than this is template text, compared by its exact key instead


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


@dataclass(slots=True)
class Summary:
    path: str
    group: str
    blocks: list[Passage]
    sentences: list[Passage]


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
    return Summary(doc.path, group_of(doc.path, group_by), blocks, sents)


def _details(doc: Document, start: int, end: int, allow: AllowList | None, **extra: object) -> dict:
    (sl, sc), (el, ec) = doc.position(start), doc.position(end)
    return {"pos": (sl, sc, el, ec), "allow": allow is not None and allow.allows(doc.text[start:end]), **extra}


Ref = tuple[int, int]  # (summary index, passage index)


def exact_clusters(summaries: list[Summary], kind: str = "block") -> list[list[Ref]]:
    """Passages with the same normalised text, grouped (clusters of 2+ locations)."""
    groups: dict[tuple[str, int], list[Ref]] = defaultdict(list)
    for i, s in enumerate(summaries):
        for j, p in enumerate(s.blocks if kind == "block" else s.sentences):
            groups[(s.group, p.key)].append((i, j))
    return [refs for refs in groups.values() if len(refs) > 1]


def near_clusters(summaries: list[Summary], threshold: float) -> list[list[Ref]]:
    """Sentences whose signatures agree on at least ``threshold``, clustered (union-find).

    Candidates come only from shared LSH band keys; each is verified on the signatures.
    """
    refs: list[Ref] = [(i, j) for i, s in enumerate(summaries) for j in range(len(s.sentences))]
    uf = UnionFind(len(refs))
    # identical sentences join by their exact key; only one representative each goes through LSH
    first: dict[tuple[str, int], int] = {}
    reps: list[int] = []
    for n, (i, j) in enumerate(refs):
        k = (summaries[i].group, summaries[i].sentences[j].key)
        if k in first:
            uf.union(first[k], n)
        else:
            first[k] = n
            reps.append(n)
    checked: set[tuple[int, int]] = set()
    for members in _shared_buckets(summaries, refs, reps):
        members = members[:MAX_BUCKET]
        for a_pos, a in enumerate(members):
            pa = summaries[refs[a][0]].sentences[refs[a][1]]
            for b in members[a_pos + 1:]:
                if (a, b) in checked or uf.find(a) == uf.find(b):
                    continue
                checked.add((a, b))
                pb = summaries[refs[b][0]].sentences[refs[b][1]]
                if estimate(pa.sig, pb.sig) >= threshold:
                    uf.union(a, b)
    clusters: dict[int, list[Ref]] = defaultdict(list)
    for n, r in enumerate(refs):
        clusters[uf.find(n)].append(r)
    return [c for c in clusters.values() if len(c) > 1]


def _shared_buckets(summaries: list[Summary], refs: list[Ref], reps: list[int]) -> list[list[int]]:
    """The LSH buckets (same group and band key) of two or more of ``reps``, members in ``reps``
    order (the order of the buckets does not change the clusters)."""
    group_ids: dict[str, int] = {}
    bands, groups = [], []
    for n in reps:
        i, j = refs[n]
        bands.append(summaries[i].sentences[j].bands)
        groups.append(group_ids.setdefault(summaries[i].group, len(group_ids)))
    counts = [len(b) for b in bands]
    key = np.fromiter(itertools.chain.from_iterable(bands), dtype=np.uint64, count=sum(counts))
    member = np.repeat(np.array(reps, dtype=np.int64), counts)
    group = np.repeat(np.array(groups, dtype=np.int64), counts)
    order = np.lexsort((member, key, group))
    key, group, member = key[order], group[order], member[order]
    first = np.ones(len(key), dtype=bool)  # entry k opens a bucket
    first[1:] = (key[1:] != key[:-1]) | (group[1:] != group[:-1])
    starts = np.flatnonzero(first)
    ends = np.append(starts[1:], len(key))
    shared = ends - starts > 1
    return [member[a:b].tolist() for a, b in zip(starts[shared].tolist(), ends[shared].tolist())]
