"""Corpus checks over per-document summaries, wherever the summaries live.

A corpus check module defines ``summarise(document, options) -> summary`` (pure, picklable,
compact) next to ``check(corpus, options)``. The runner summarises each eligible document in
the per-document stage (in the workers, and cached) and hands the check a :class:`Corpus`: a view of all the summaries that
offers the merges the check needs (exact-key clusters, MinHash near-duplicate clusters, group sizes
and a per-document step), never the documents themselves. :class:`LocalCorpus` holds the
summaries in memory; :class:`copydesk.distributed.DaskCorpus` leaves them on a Dask cluster's
workers and groups their keys there with a shuffle. Both return clusters in one canonical order
(members by (document, passage) index, clusters by their first member), so the same check code
gives byte-identical findings on every executor.

Each summary passage carries its own line/column and the allow-list verdict, so a problem's
``related`` locations are placed without opening the other documents (:func:`located`).

A check that turns clusters into problems one cluster at a time asks for them with
:meth:`Corpus.clusters` and hands its per-cluster step to :meth:`Corpus.problems`: on a cluster
that step runs on the workers, next to the clusters, and the problems go straight to the
documents' own workers, so the client never holds clusters, passages or problems (memory that
grows with the archive). ``note`` is a per-document step run where the document's summary is,
over the passages of that document in some clusters (``marks``), e.g. the page's main-text region.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from typing import Any, Callable, Iterable, Iterator, NamedTuple, Protocol, Sequence

from copydesk.clusters import exact_clusters, near_clusters
from copydesk.findings import Location


class Member(NamedTuple):
    """One passage of a cluster: its document's index and path, its group and the passage."""

    doc: int
    index: int
    path: str
    group: str
    passage: Any  # a summary passage (see copydesk.clusters)

    @property
    def ref(self) -> tuple[int, int]:
        return (self.doc, self.index)


KINDS = {"block": "blocks", "sentence": "sentences"}
Ref = tuple[int, int]  # (document index, passage index)
# a check's per-cluster step: (the cluster's members, notes by document, the check's argument) -> problems
Make = Callable[[list[Member], dict[int, Any], Any], Iterable[Any]]
Note = Callable[[Any, set[int]], Any]  # (a document's summary, its passages in the marking clusters) -> note


class Clusters(NamedTuple):
    """Clusters a check asked for (:meth:`Corpus.clusters`): of ``kind``'s passages, as refs, in
    canonical order. On a cluster ``refs`` are futures of lists of clusters, left on the workers."""

    kind: str
    refs: list[Any]


class Corpus(Protocol):
    """What a summarising corpus check may ask of the corpus."""

    size: int  # documents summarised

    def indices(self) -> list[int]: ...

    def group_sizes(self) -> Counter[str]: ...

    def exact(self, kind: str) -> list[list[Member]]: ...

    def near(self, threshold: float) -> list[list[Member]]: ...

    def per_document(self, func: Callable[[Any, Any], Any], args: dict[int, Any]) -> dict[int, Any]: ...

    def clusters(self, kind: str, threshold: float | None = None, min_documents: int = 2) -> Clusters: ...

    def problems(self, clusters: Clusters, make: Make, args: Any, note: Note | None = None,
                 marks: Clusters | None = None) -> Iterable[Any]: ...


def canonical_refs(clusters: Iterable[Iterable[Ref]], min_documents: int = 2) -> list[list[Ref]]:
    """Refs by (document, passage), clusters by their first ref; only those spanning ``min_documents``."""
    out = [sorted(c) for c in clusters]
    return sorted((c for c in out if len({i for i, _ in c}) >= min_documents), key=lambda c: c[0])


def marked(clusters: Iterable[Iterable[Ref]]) -> dict[int, set[int]]:
    """Per document, its passages in ``clusters``."""
    out: dict[int, set[int]] = defaultdict(set)
    for c in clusters:
        for i, j in c:
            out[i].add(j)
    return out


def make_problems(clusters: Iterable[list[Member]], notes: dict[int, Any], make: Make, args: Any
                  ) -> Iterator[tuple[int, Any]]:
    """``make`` over each cluster; each problem with the document it is on (one of the cluster's:
    the engines route problems by document)."""
    for members in clusters:
        docs = {m.path: m.doc for m in members}
        for p in make(members, notes, args):
            if p.path not in docs:
                raise ValueError(f"a corpus problem on {p.path}, which is not in its cluster")
            yield docs[p.path], p


def canonical(clusters: Iterable[Iterable[Member]]) -> list[list[Member]]:
    """Members by (document, passage) index, clusters by their first member."""
    out = [sorted(c, key=lambda m: m.ref) for c in clusters]
    return sorted((c for c in out if len(c) > 1), key=lambda c: c[0].ref)


# A per-document step goes to forked processes only when what is left of it would take longer
# than this in one process (estimated from its first documents): forking costs tens of ms.
MIN_FORKED_SECONDS = 0.25
HEAD = 16  # documents timed in this process first
_STEP: dict[str, Any] = {}  # the step a forked helper runs: set just before forking


class LocalCorpus:
    """Summaries in this process (``summaries[i]`` is document ``i`` in path order). With
    ``jobs`` > 1, a per-document step over many documents runs in that many forked processes
    (each inherits the summaries and the step's arguments; only results travel back)."""

    def __init__(self, summaries: Sequence[Any], jobs: int = 1) -> None:
        self.summaries = list(summaries)
        self.size = len(self.summaries)
        self.jobs = jobs

    def _member(self, ref: tuple[int, int], kind: str) -> Member:
        s = self.summaries[ref[0]]
        return Member(ref[0], ref[1], s.path, s.group, getattr(s, KINDS[kind])[ref[1]])

    def indices(self) -> list[int]:
        """Candidate document indices, in order (``per_document`` skips those without a summary)."""
        return list(range(self.size))

    def group_sizes(self) -> Counter[str]:
        return Counter(s.group for s in self.summaries)

    def exact(self, kind: str) -> list[list[Member]]:
        return canonical([self._member(r, kind) for r in refs] for refs in exact_clusters(self.summaries, kind))

    def near(self, threshold: float) -> list[list[Member]]:
        return canonical([self._member(r, "sentence") for r in refs]
                         for refs in near_clusters(self.summaries, threshold))

    def clusters(self, kind: str, threshold: float | None = None, min_documents: int = 2) -> Clusters:
        found = exact_clusters(self.summaries, kind) if threshold is None else near_clusters(self.summaries, threshold)
        return Clusters(kind, canonical_refs(found, min_documents))

    def problems(self, clusters: Clusters, make: Make, args: Any, note: Note | None = None,
                 marks: Clusters | None = None) -> list[Any]:
        notes: dict[int, Any] = {}
        if note is not None:
            marks_of = marked((marks or clusters).refs)
            for i in sorted({i for c in clusters.refs for i, _ in c}):
                notes[i] = note(self.summaries[i], marks_of.get(i, set()))
        members = ([self._member(r, clusters.kind) for r in c] for c in clusters.refs)
        return [p for _, p in make_problems(members, notes, make, args)]

    def per_document(self, func: Callable[[Any, Any], Any], args: dict[int, Any]) -> dict[int, Any]:
        items = list(args.items())
        start = time.perf_counter()
        out = {i: func(self.summaries[i], arg) for i, arg in items[:HEAD]}
        rest = items[HEAD:]
        if self.jobs > 1 and rest and (time.perf_counter() - start) / HEAD * len(rest) > MIN_FORKED_SECONDS:
            forked = _forked_step(self.summaries, func, rest, self.jobs)
            if forked is not None:
                out.update(forked)
                return out
        out.update((i, func(self.summaries[i], arg)) for i, arg in rest)
        return out


def _step_slice(k: int) -> dict[int, Any]:
    summaries, func, items, n = _STEP["summaries"], _STEP["func"], _STEP["items"], _STEP["n"]
    return {i: func(summaries[i], arg) for i, arg in items[k::n]}


def _forked_step(summaries: list[Any], func: Callable[[Any, Any], Any], items: list[tuple[int, Any]],
                 jobs: int) -> dict[int, Any] | None:
    """``func`` over ``items`` in ``jobs`` forked processes, or None where fork is unavailable
    or a process fails (the caller then runs the step here). Results keep ``items``' order."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    if "fork" not in multiprocessing.get_all_start_methods():
        return None
    _STEP.update(summaries=summaries, func=func, items=items, n=jobs)
    try:
        with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork")) as pool:
            parts = list(pool.map(_step_slice, range(jobs)))
    except Exception:  # noqa: BLE001 - e.g. a killed process, an unpicklable result
        return None
    finally:
        _STEP.clear()
    merged: dict[int, Any] = {}
    for part in parts:
        merged.update(part)
    return {i: merged[i] for i, _ in items}


def located(members: Sequence[Member]) -> tuple[Location, ...]:
    """Related locations with their positions (from the summaries: no other document needed)."""
    return tuple(Location(m.path, m.passage.start, m.passage.end,
                          (m.passage.pos[0], m.passage.pos[1]), (m.passage.pos[2], m.passage.pos[3]))
                 for m in members)
