"""Corpus checks over per-document summaries, wherever the summaries live.

A corpus check module may define ``summarise(document, options) -> summary`` (pure, picklable,
compact) next to ``check(corpus, options)``. The engine then summarises each eligible document in
the per-document stage and hands the check a :class:`Corpus`: a view of all the summaries that
offers the merges the check needs (exact-key clusters, MinHash near-duplicate clusters, group sizes
and a per-document step), never the documents themselves. :class:`LocalCorpus` holds the
summaries in memory; :class:`copydesk.distributed.DaskCorpus` leaves them on a Dask cluster's
workers and groups their keys there with a shuffle. Both return clusters in one canonical order
(members by (document, passage) index, clusters by their first member), so the same check code
gives byte-identical findings on either engine.

Each summary passage carries its own line/column and the allow-list verdict, so a problem's
``related`` locations are placed without opening the other documents (:func:`located`).
Check modules without ``summarise`` still receive the list of documents (local engine only).
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Callable, Iterable, Iterator, NamedTuple, Protocol, Sequence

from copydesk.findings import Location, Problem


class Member(NamedTuple):
    """One passage of a cluster: its document's index and path, its group and the passage."""

    doc: int
    index: int
    path: str
    group: str
    passage: Any  # copydesk.checks.boilerplate._summary.Passage

    @property
    def ref(self) -> tuple[int, int]:
        return (self.doc, self.index)


KINDS = {"block": "blocks", "sentence": "sentences"}


class Corpus(Protocol):
    """What a summarising corpus check may ask of the corpus."""

    size: int  # documents summarised

    def indices(self) -> list[int]: ...

    def group_sizes(self) -> Counter[str]: ...

    def exact(self, kind: str) -> list[list[Member]]: ...

    def near(self, threshold: float) -> list[list[Member]]: ...

    def per_document(self, func: Callable[[Any, Any], Any], args: dict[int, Any]) -> dict[int, Any]: ...


def canonical(clusters: Iterable[Iterable[Member]]) -> list[list[Member]]:
    """Members by (document, passage) index, clusters by their first member."""
    out = [sorted(c, key=lambda m: m.ref) for c in clusters]
    return sorted((c for c in out if len(c) > 1), key=lambda c: c[0].ref)


class LocalCorpus:
    """Summaries in this process (``summaries[i]`` is document ``i`` in path order)."""

    def __init__(self, summaries: Sequence[Any]) -> None:
        self.summaries = list(summaries)
        self.size = len(self.summaries)

    def _member(self, ref: tuple[int, int], kind: str) -> Member:
        s = self.summaries[ref[0]]
        return Member(ref[0], ref[1], s.path, s.group, getattr(s, KINDS[kind])[ref[1]])

    def indices(self) -> list[int]:
        """Candidate document indices, in order (``per_document`` skips those without a summary)."""
        return list(range(self.size))

    def group_sizes(self) -> Counter[str]:
        return Counter(s.group for s in self.summaries)

    def exact(self, kind: str) -> list[list[Member]]:
        from copydesk.checks.boilerplate._summary import exact_clusters

        return canonical([self._member(r, kind) for r in refs] for refs in exact_clusters(self.summaries, kind))

    def near(self, threshold: float) -> list[list[Member]]:
        from copydesk.checks.boilerplate._summary import near_clusters

        return canonical([self._member(r, "sentence") for r in refs]
                         for refs in near_clusters(self.summaries, threshold))

    def per_document(self, func: Callable[[Any, Any], Any], args: dict[int, Any]) -> dict[int, Any]:
        return {i: func(self.summaries[i], arg) for i, arg in args.items()}


def located(members: Sequence[Member]) -> tuple[Location, ...]:
    """Related locations with their positions (from the summaries: no other document needed)."""
    return tuple(Location(m.path, m.passage.start, m.passage.end,
                          (m.passage.pos[0], m.passage.pos[1]), (m.passage.pos[2], m.passage.pos[3]))
                 for m in members)


def corpus_problems(spec: Any, documents: list[Any], options: dict[str, Any],
                    known: Sequence[Any] | None = None) -> Iterator[Problem]:
    """A corpus check's problems over in-memory documents (the local engine); ``known[i]``, when
    not None, is document ``i``'s summary made earlier (per-document stage or cache)."""
    if spec.summarise is None:
        return iter(spec.func(documents, options))
    known = known or [None] * len(documents)
    corpus = LocalCorpus([k if k is not None else spec.summarise(d, options) for d, k in zip(documents, known)])
    return iter(spec.func(corpus, options))
