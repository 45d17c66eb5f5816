"""Union-find over integers, and the connected components of hashable keys built on it."""

from __future__ import annotations

from typing import Hashable, Iterable, TypeVar

K = TypeVar("K", bound=Hashable)


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
