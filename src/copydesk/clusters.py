"""Union-find, connected components, and the corpus merges of passage summaries built on them.

The merges read summaries shaped like :class:`copydesk.checks.boilerplate._summary.Summary`
(``group`` and ``blocks``/``sentences`` columns: exact ``key`` of the normalised text; for
sentences a MinHash ``sig`` and its LSH ``bands``): :func:`exact_clusters` groups passages by key,
:func:`near_clusters` joins sentences whose signatures agree on enough values, with candidate pairs
only inside shared LSH buckets (capped at :data:`MAX_BUCKET`), so both are near-linear. They are
what :class:`copydesk.corpus.LocalCorpus` offers corpus checks; the Dask executor does the same
grouping with a shuffle on the cluster.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Hashable, Iterable, TypeVar

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


def near_clusters(summaries: list[Any], threshold: float) -> list[list[Ref]]:
    """Sentences whose signatures agree on at least ``threshold``, clustered (union-find).

    Candidates come only from shared LSH band keys; each is verified on the signatures.
    """
    refs: list[Ref] = [(i, j) for i, s in enumerate(summaries) for j in range(len(s.sentences))]
    uf = UnionFind(len(refs))
    # identical sentences join by their exact key; only one representative each goes through LSH
    first: dict[tuple[str, int], int] = {}
    reps: list[int] = []
    keys = [(s.group, k) for s in summaries for k in s.sentences.key.tolist()]  # refs order
    for n, k in enumerate(keys):
        if k in first:
            uf.union(first[k], n)
        else:
            first[k] = n
            reps.append(n)
    sigs = [s.sentences.sig for s in summaries]
    checked: set[tuple[int, int]] = set()
    for members in _shared_buckets(summaries, refs, reps):
        members = members[:MAX_BUCKET]
        for a_pos, a in enumerate(members):
            sa = sigs[refs[a][0]][refs[a][1]]
            for b in members[a_pos + 1:]:
                if (a, b) in checked or uf.find(a) == uf.find(b):
                    continue
                checked.add((a, b))
                if estimate(sa, sigs[refs[b][0]][refs[b][1]]) >= threshold:
                    uf.union(a, b)
    clusters: dict[int, list[Ref]] = defaultdict(list)
    for n, r in enumerate(refs):
        clusters[uf.find(n)].append(r)
    return [c for c in clusters.values() if len(c) > 1]


def _shared_buckets(summaries: list[Any], refs: list[Ref], reps: list[int]) -> list[list[int]]:
    """The LSH buckets (same group and band key) of two or more of ``reps``, members in ``reps``
    order (the order of the buckets does not change the clusters)."""
    group_ids: dict[str, int] = {}
    rows: dict[int, list[int]] = defaultdict(list)  # document -> its representatives
    for n in reps:
        rows[refs[n][0]].append(n)
    keys, members, groups = [np.zeros(0, dtype=np.uint64)], [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)]
    for i, ns in rows.items():
        bands = summaries[i].sentences.bands[[refs[n][1] for n in ns]]
        keys.append(bands.ravel())
        members.append(np.repeat(np.array(ns, dtype=np.int64), bands.shape[1]))
        groups.append(np.full(bands.size, group_ids.setdefault(summaries[i].group, len(group_ids)), dtype=np.int64))
    key, member, group = np.concatenate(keys), np.concatenate(members), np.concatenate(groups)
    order = np.lexsort((member, key, group))
    key, group, member = key[order], group[order], member[order]
    first = np.ones(len(key), dtype=bool)  # entry k opens a bucket
    first[1:] = (key[1:] != key[:-1]) | (group[1:] != group[:-1])
    starts = np.flatnonzero(first)
    ends = np.append(starts[1:], len(key))
    shared = ends - starts > 1
    return [member[a:b].tolist() for a, b in zip(starts[shared].tolist(), ends[shared].tolist())]
