"""Union-find, connected components, and the corpus merges of passage summaries built on them.

The merges read summaries shaped like :class:`copydesk.checks.boilerplate._summary.Summary`
(``group`` and ``blocks``/``sentences`` columns: exact ``key`` of the normalised text; for
sentences a MinHash ``sig`` and its LSH ``bands``): :func:`exact_clusters` groups passages by key,
:func:`near_clusters` joins sentences whose signatures agree on enough values, with candidate pairs
only inside shared LSH buckets (capped at :data:`MAX_BUCKET`), so both are near-linear. They are
what :class:`copydesk.corpus.LocalCorpus` offers corpus checks; the Dask executor does the same
grouping with a shuffle on the cluster.

Passages are packed in NumPy records for the merges (a corpus of a million pages has hundreds of
millions of sentences: a Python tuple per passage costs ~100 bytes where a record costs 24-32):
:data:`EXACT` (a group's id, the exact key, document and passage indices) and :data:`BAND` (the same
with an LSH band key, ``x`` the exact key) records are grouped by sorting (:func:`grouped`); near
duplicates are joined from packed pairs of refs by a union-find over whole arrays (:func:`joined`).
The Dask executor moves the same records through its shuffle and joins them with the same
functions, so both engines find the same clusters by the same code.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Hashable, Iterable, Iterator, TypeVar

import numpy as np

K = TypeVar("K", bound=Hashable)
MAX_BUCKET = 200  # a band bucket larger than this is template text, compared by its exact key instead
Ref = tuple[int, int]  # (summary index, passage index)


class UnionFind:
    """Disjoint sets of ``0 .. n-1`` (path halving; the smaller index is the root)."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, x: int) -> int:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def components(nodes: Iterable[K], pairs: Iterable[tuple[K, K]]) -> list[list[K]]:
    """The groups of ``nodes`` (and of the ends of ``pairs``) that ``pairs`` connect, members and
    groups in first-seen order; singletons included."""
    pairs = list(pairs)
    index: dict[K, int] = {}
    for k in nodes:
        index.setdefault(k, len(index))
    for a, b in pairs:
        index.setdefault(a, len(index))
        index.setdefault(b, len(index))
    uf = UnionFind(len(index))
    for a, b in pairs:
        uf.union(index[a], index[b])
    groups: dict[int, list[K]] = {}
    for k, i in index.items():
        groups.setdefault(uf.find(i), []).append(k)
    return list(groups.values())


def estimate(sig_a: np.ndarray, sig_b: np.ndarray) -> float:
    """Jaccard similarity estimated from two MinHash signatures (the share of equal values)."""
    return int(np.count_nonzero(sig_a == sig_b)) / len(sig_a)


def exact_clusters(summaries: list[Any], kind: str = "block") -> list[list[Ref]]:
    """Passages with the same normalised text, grouped (clusters of 2+ locations)."""
    groups: dict[tuple[str, int], list[Ref]] = defaultdict(list)
    for i, s in enumerate(summaries):
        for j, key in enumerate((s.blocks if kind == "block" else s.sentences).key.tolist()):
            groups[(s.group, key)].append((i, j))
    return [refs for refs in groups.values() if len(refs) > 1]


BAND_BATCH = 1 << 20  # LSH band records sorted at once by near_clusters (32 MiB): bounds its memory


def near_clusters(summaries: list[Any], threshold: float) -> list[list[Ref]]:
    """Sentences whose signatures agree on at least ``threshold``, clustered: clusters by their
    first ref, refs in order.

    Identical sentences (same group and exact key) join their first copy; only first copies go
    through LSH: candidates share a band key (at most :data:`MAX_BUCKET` a bucket, in corpus
    order), each pair verified on the signatures. The band records are grouped a batch of keys at
    a time, so memory stays bounded whatever the corpus.
    """
    ids: dict[str, int] = {}
    sent, band = sentence_records(enumerate(summaries), lambda g: ids.setdefault(g, len(ids)))
    if band is None:
        return []
    pairs = [identical_pairs(sent)]
    sent, band = first_copies(sent, band)
    batches = max(1, -(-band.size // BAND_BATCH))
    candidates = []
    for b in range(batches):  # all keys of one bucket fall in one batch
        mask = None if batches == 1 else band % np.uint64(batches) == b
        candidates += bucket_refs(band_records(sent, band, mask))
    sigs = {(i, j): summaries[i].sentences.sig[j] for c in candidates for i, j in c}
    pairs.append(pair_array(verified(candidates, sigs, threshold)))
    return unpacked(*joined(np.concatenate(pairs), 1))


EXACT = np.dtype([("g", "u8"), ("k", "u8"), ("i", "i4"), ("j", "i4")])      # group hash, exact key
BAND = np.dtype([("g", "u8"), ("k", "u8"), ("i", "i4"), ("j", "i4"), ("x", "u8")])  # band key; x: exact


def sentence_records(summaries: Iterable[tuple[int, Any]], group_id: Any) -> tuple[np.ndarray, np.ndarray | None]:
    """One EXACT record per sentence of ``summaries`` ((document index, summary), in corpus
    order; ``group_id(group)`` -> a 64-bit id), and the sentences' LSH band keys, one row each."""
    sents, bands = [], []
    for i, s in summaries:
        n = len(s.sentences)
        if n and s.sentences.bands is not None:
            rec = np.empty(n, EXACT)
            rec["g"], rec["k"], rec["i"], rec["j"] = group_id(s.group), s.sentences.key, i, np.arange(n)
            sents.append(rec)
            bands.append(s.sentences.bands)
    if not sents:
        return np.empty(0, EXACT), None
    return np.concatenate(sents), np.concatenate(bands)


def first_copies(sent: np.ndarray, band: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The first sentence (in corpus order) of each (group, exact key), with its band keys: all
    copies of a sentence share its bands, so only the first goes through the LSH buckets."""
    order = np.lexsort((sent["k"], sent["g"]))  # stable: copies of a key in corpus order
    g, k = sent["g"][order], sent["k"][order]
    new = np.r_[True, (g[1:] != g[:-1]) | (k[1:] != k[:-1])] if len(order) else np.zeros(0, bool)
    first = np.sort(order[new])
    return sent[first], band[first]


def band_records(sent: np.ndarray, band: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
    """BAND records of ``sent`` (one row of ``band`` each): one per band key, or per band key
    where ``mask`` (a partition of the keys, to bound the records held at once)."""
    if mask is None:
        rows = np.repeat(np.arange(len(sent)), band.shape[1])
        keys = band.reshape(-1)
    else:
        rows, cols = np.nonzero(mask)
        keys = band[rows, cols]
    out = np.empty(len(rows), BAND)
    for name in ("g", "i", "j"):
        out[name] = sent[name][rows]
    out["x"], out["k"] = sent["k"][rows], keys
    return out


def grouped(rec: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``rec`` sorted by (group, key, document, passage), and the start of each (group, key) run."""
    rec = rec[np.lexsort((rec["j"], rec["i"], rec["k"], rec["g"]))]
    new = np.ones(len(rec), bool)
    new[1:] = (rec["g"][1:] != rec["g"][:-1]) | (rec["k"][1:] != rec["k"][:-1])
    return rec, np.flatnonzero(new)


def shared_runs(rec: np.ndarray) -> Iterator[np.ndarray]:
    """The runs of :func:`grouped` ``rec`` that share a (group, key), two records or more."""
    rec, starts = grouped(rec)
    ends = np.append(starts[1:], len(rec))
    for a, b in zip(starts[ends - starts > 1].tolist(), ends[ends - starts > 1].tolist()):
        yield rec[a:b]


def exact_refs(rec: np.ndarray) -> list[list[Ref]]:
    """Passages sharing a (group, exact key), two or more, in (document, passage) order."""
    return [list(zip(run["i"].tolist(), run["j"].tolist())) for run in shared_runs(rec)]


def bucket_refs(rec: np.ndarray) -> list[list[Ref]]:
    """LSH buckets' candidates, as :func:`copydesk.clusters.near_clusters` takes them: the first sentence per exact key,
    in corpus order, at most ``MAX_BUCKET``; buckets of fewer than two are dropped."""
    out = []
    for run in shared_runs(rec):
        firsts = np.sort(np.unique(run["x"], return_index=True)[1])[:MAX_BUCKET]  # rows in corpus order
        if len(firsts) > 1:
            out.append(list(zip(run["i"][firsts].tolist(), run["j"][firsts].tolist())))
    return out


def verified(buckets: list[list[Ref]], sigs: dict[Ref, Any], threshold: float) -> Iterator[tuple[Ref, Ref]]:
    """Pairs of candidates whose signatures agree on at least ``threshold`` (enough of them to
    connect what the pairs connect)."""
    for members in buckets:
        uf = UnionFind(len(members))
        for a in range(len(members)):
            for b in range(a + 1, len(members)):
                if uf.find(a) != uf.find(b) and estimate(sigs[members[a]], sigs[members[b]]) >= threshold:
                    uf.union(a, b)
                    yield members[a], members[b]


def pair_array(pairs: Iterable[tuple[Ref, Ref]]) -> np.ndarray:
    """Pairs of refs, packed: one ``(document, passage, document, passage)`` int32 row each."""
    return np.array([(*a, *b) for a, b in pairs], np.int32).reshape(-1, 4)


def identical_pairs(rec: np.ndarray) -> np.ndarray:
    """Each passage that shares a (group, exact key) with an earlier one, paired with the first of
    them (packed as :func:`pair_array`): what joins identical sentences."""
    rec, starts = grouped(rec)
    first = np.repeat(starts, np.diff(np.append(starts, len(rec))))
    later = np.flatnonzero(np.arange(len(rec)) != first)
    return np.stack([rec["i"][first[later]], rec["j"][first[later]], rec["i"][later], rec["j"][later]],
                    axis=1).astype(np.int32).reshape(-1, 4)


def component_labels(n: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Connected components of nodes ``0 .. n-1`` joined by the edges ``(a[k], b[k])``: each node's
    label is the smallest node of its component (union-find by whole arrays: hook each edge's
    larger root under its smaller one, then point every node at its root; numpy only, as scipy's
    import alone would cost the client 24 MiB)."""
    parent = np.arange(n)
    while True:
        ra, rb = parent[a], parent[b]
        differ = ra != rb
        if not differ.any():
            return parent
        np.minimum.at(parent, np.maximum(ra, rb)[differ], np.minimum(ra, rb)[differ])
        while not np.array_equal(up := parent[parent], parent):
            parent = up


def joined(pairs: np.ndarray, min_documents: int) -> tuple[np.ndarray, np.ndarray]:
    """``canonical_refs(components((), pairs), min_documents)`` over packed pairs, with no Python
    object per ref: the clusters' refs (rows of document, passage) in canonical order, and where
    each cluster starts among them."""
    if not len(pairs):
        return np.empty((0, 2), np.int64), np.empty(0, np.int64)
    ends = np.concatenate([pairs[:, :2], pairs[:, 2:]]).astype(np.int64)
    nodes, inverse = np.unique(ends[:, 0] << 32 | ends[:, 1], return_inverse=True)  # in ref order
    labels = component_labels(len(nodes), inverse[:len(pairs)], inverse[len(pairs):])
    order = np.argsort(labels, kind="stable")  # clusters by their first ref, refs in order within each
    members, label = nodes[order], labels[order]
    starts = np.flatnonzero(np.r_[True, label[1:] != label[:-1]])
    sizes = np.diff(np.append(starts, len(members)))
    docs = members >> 32
    new_doc = np.r_[True, (docs[1:] != docs[:-1]) | (label[1:] != label[:-1])]
    keep = np.add.reduceat(new_doc.astype(np.int64), starts) >= min_documents
    out, sizes = members[np.repeat(keep, sizes)], sizes[keep]
    return np.stack([out >> 32, out & 0xFFFFFFFF], axis=1), np.cumsum(sizes) - sizes


def unpacked(refs: np.ndarray, starts: np.ndarray) -> list[list[Ref]]:
    """Clusters as lists of refs, from (a piece of) :func:`joined`'s arrays (refs, cluster starts)."""
    rows = list(map(tuple, refs.tolist()))
    bounds = starts.tolist() + [len(rows)]
    return [rows[a:b] for a, b in zip(bounds, bounds[1:])]
