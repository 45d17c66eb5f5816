"""The Dask executor (``--engine dask``): lint on a Dask cluster, with the same report as one machine.

:class:`DaskExecutor` plugs into the runner (:mod:`copydesk.runner`) like the local executors: the
runner reads files only to look them up in the cache (hits never reach the cluster) and hands the
rest over. Three stages then run on the cluster's workers; the client only plans and collects:

1. **Lint** (one task per batch of files): read the file (a path every worker can read, or the
   text shipped with the task: ``inputs="text"``) and run the runner's per-document
   :class:`copydesk.executors.Job` (lint, each corpus check's ``summarise``, the cache write). The
   task's :class:`Part` stays on the worker: results (no documents), summaries, and per parsed
   document a digest of its text and a :class:`Placing`. Batches are taken from the file stream
   a few per worker thread at a time; the client keeps nothing per file (:data:`HELD` stands
   for each result), only per task: its first summary failure and counts. Cache hits' summaries
   are scattered to the cluster as parts of their own (their results stay on the client).
2. **Corpus checks** run their ``check(corpus, options)`` against a :class:`DaskCorpus`: exact keys
   and MinHash band keys travel packed in NumPy record arrays through a hash-partitioned shuffle
   of Dask tasks (map: records of a group of parts split by key; reduce: one task per partition,
   grouping by sort). Exact clusters stay on the reduce workers; near ones are joined on the
   client from refs (union-find over identical sentences and bucket candidates verified on their
   signatures, the only passages fetched). A check's per-cluster step
   (:meth:`DaskCorpus.problems`) then runs on the workers: cluster refs go to the groups of parts
   that hold their documents, which send back the members (and a per-document note), the
   reduce workers make the problems, and those go to their documents' groups of parts.
3. **Finish**, on the worker that holds each part: its files' corpus problems are placed with
   their :class:`Placing` on the text read again (digest checked; nothing re-parsed), and a
   failed corpus check's error is added to each parsed file. The finished results come back to
   the client (:meth:`DaskSession.place`), or, with an output location, are written as JSON
   Lines shards by the workers (:meth:`DaskSession.write`, :mod:`copydesk.shards`) and the client
   keeps only their tally.

Workers build the configuration themselves from the picklable :class:`copydesk.profiles.ConfigRecipe`
and refuse to run if its fingerprint differs from the client's (other rules, other copydesk).
A worker that dies mid-task is replaced and its task retried by Dask; a batch that keeps killing
workers is split into single files, and a file that still fails becomes an error entry
(``input.worker-failed``): never silently missing. Every wait on the cluster goes through a
:class:`Watchdog`: a cluster left without any worker (all died and none came back) ends the run
with :class:`ClusterLost`, naming the files not linted, instead of waiting forever.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import itertools
import os
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, Sequence

import numpy as np

from copydesk.clusters import (BAND, EXACT, band_records, bucket_refs, components, exact_refs, first_copies,
                               identical_pairs, joined, pair_array, sentence_records, unpacked, verified)
from copydesk.corpus import KINDS, Clusters, Make, Member, Note, canonical, canonical_refs, make_problems, marked
from copydesk.executors import Job, default_jobs
from copydesk.inputs import InputError, InputFile, read
from copydesk.held import HELD, HeldResults
from copydesk.lint import Selection
from copydesk.placing import Placing, digest, place, place_on_documents
from copydesk.results import FileResult, failed_file

DEFAULT_BATCH = 256     # files per lint task (at most: small corpora get smaller ones, to keep every worker busy);
                        # the client and the scheduler keep a few futures per task, so fewer, larger tasks
TEXT_BATCH = 64         # at most, with inputs="text": the client holds the texts of the batches in flight
RETRIES = 1             # re-runs of a task that raised (worker deaths are retried by the scheduler)
INPUTS = ("path", "text")
PATIENCE_KEY = "copydesk.no-worker-timeout"  # Dask config: how long a run waits for a cluster without workers
PATIENCE = "60s"  # the default: nannies restart a dead worker in seconds; a cluster left empty this long is lost
POLL = 2.0  # seconds between looks at the cluster while waiting


def _job(recipe: Any, fingerprint: str, selection: Selection, verbose: bool, cache_args: Any) -> Job:
    """The runner's per-document job on a worker (its configuration built once per process)."""
    from copydesk.profiles import worker_config

    cache = None
    if cache_args is not None:
        from copydesk.cache import Cache

        cache = Cache(*cache_args)
    return Job(worker_config(recipe, fingerprint), selection, verbose, cache)


def warm_up(recipe: Any, fingerprint: str) -> None:
    """Build the configuration on a worker ahead of the run (``client.run(warm_up, ...)``)."""
    from copydesk.profiles import worker_config

    worker_config(recipe, fingerprint)


def _text(path: str, source: tuple[str, str]) -> str:
    kind, value = source
    return value if kind == "text" else read(InputFile(path, value))


@dataclass
class Part:
    """What one lint task leaves on its worker until the last stage: its files' results (without
    documents), and for each parsed document its digest, its :class:`Placing` and its summaries."""

    results: list[tuple[int, FileResult]] = field(default_factory=list)
    digests: dict[int, str] = field(default_factory=dict)   # documents that parsed
    sources: dict[int, tuple[str, str]] = field(default_factory=dict)  # where to read them again
    placings: dict[int, Placing] = field(default_factory=dict)
    summaries: dict[str, list[tuple[int, Any]]] = field(default_factory=dict)  # check id -> (index, summary)


def _add(part: Part, index: int, result: FileResult | None, text: str, doc: Any, summaries: dict[str, Any]) -> None:
    """File ``index`` into ``part``: its result (None: it stays where it is) and, when it parsed,
    what the corpus stage and the last stage need of the document."""
    if result is not None:
        part.results.append((index, result))
    if doc is None:
        return
    part.digests[index] = digest(text)
    part.placings[index] = Placing(doc)
    for sid, summary in summaries.items():
        part.summaries.setdefault(sid, []).append((index, summary))


def lint_part(recipe: Any, fingerprint: str, selection: Selection, verbose: bool, cache_args: Any,
              items: list[tuple[int, str, tuple[str, str]]]) -> Part:
    """Stage 1 on a worker: read a batch of files and run the runner's job on each."""
    job = _job(recipe, fingerprint, selection, verbose, cache_args)
    part = Part()
    for index, path, source in items:
        try:
            text = _text(path, source)
        except InputError as exc:
            part.results.append((index, failed_file(path, str(exc))))
            continue
        result = job((path, text))
        doc, result.document = result.document, None
        _add(part, index, result, text, doc, result.summaries)
        if doc is not None:
            part.sources[index] = source
        result.summaries = {}
    return part


def part_overview(part: Part) -> tuple[dict[str, tuple[int, str]], dict[str, int]]:
    """What the client gathers from a lint task: per corpus check, the first of its files whose
    summary failed (index, why), and how many summaries it has (nothing per file)."""
    failures: dict[str, tuple[int, str]] = {}
    for i, r in part.results:
        for sid, why in r.summary_failures.items():
            failures.setdefault(sid, (i, why))
    return failures, {k: len(v) for k, v in part.summaries.items()}


Routed = list[tuple[str, list[list[tuple[int, Any]]]]]  # (check id, problems by document, from each reduce task)


def finish_part(recipe: Any, fingerprint: str, selection: Selection, part: Part,
                extra: dict[int, list[tuple[str, Any]]], remote: Routed = (), failed: list[dict[str, Any]] = ()
                ) -> list[tuple[int, FileResult]]:
    """Stage 3 on the worker that holds ``part``: its files' results with their corpus findings
    (problems made on the cluster, ``remote``, and on the client, ``extra[index]``), placed with
    the document's :class:`Placing` on its text read again and checked against its digest, and
    the errors of the corpus checks that ``failed`` on every document that parsed. New objects:
    a retried task finds ``part`` as it was."""
    from copydesk.profiles import worker_config

    config = worker_config(recipe, fingerprint)
    mine: dict[int, list[tuple[str, Any]]] = {i: [] for i, _ in part.results}
    for sid, lists in remote:
        for found in lists:
            for doc, p in found:
                if doc in mine:
                    mine[doc].append((sid, p))
    out = []
    for index, res in part.results:
        problems = extra.get(index, []) + mine[index]
        res = dataclasses.replace(res, findings=list(res.findings), errors=list(res.errors))
        if problems:
            place(config, selection, res, problems, lambda: _text(res.path, part.sources[index]),
                  part.digests[index], part.placings[index])
        if res.format is not None:
            res.errors.extend(dict(e) for e in failed)
        out.append((index, res))
    return out


def finish_lines(recipe: Any, fingerprint: str, selection: Selection, part: Part,
                 extra: dict[int, Any], remote: Routed = (), failed: list[dict[str, Any]] = ()) -> tuple[list[str], Any]:
    """:func:`finish_part`, finalized and as shard lines (compact to move), with their tally."""
    from copydesk.results import finalize
    from copydesk.shards import Tally, entry_line

    tally, lines = Tally(), []
    for res in finalize(r for _, r in finish_part(recipe, fingerprint, selection, part, extra, remote, failed)):
        tally.add(res)
        lines.append(entry_line(res))
    return lines, tally


def write_lines(url: str, index: int, *finished: tuple[list[str], Any]) -> Any:
    """One shard of the finished lines of some consecutive parts; their summed tally."""
    from copydesk.shards import Tally, write_shard_lines

    tally = Tally()
    for _, t in finished:
        tally.update(t)
    write_shard_lines(url, index, (line for lines, _ in finished for line in lines))
    return tally


class ClusterLost(RuntimeError):
    """The cluster has had no worker for longer than its patience: the run stops, naming what it
    had not done (waiting would never end)."""


class Watchdog:
    """Every wait of a run on the cluster: it returns what finished, and raises :class:`ClusterLost`
    once the scheduler has had no worker for ``patience`` seconds (Dask itself would wait forever
    for a worker to appear). ``patience`` defaults to the Dask config ``copydesk.no-worker-timeout``."""

    def __init__(self, client: Any, patience: float | None = None) -> None:
        if patience is None:
            import dask
            from dask.utils import parse_timedelta

            patience = parse_timedelta(dask.config.get(PATIENCE_KEY, PATIENCE))
        self.client, self.patience = client, float(patience)
        self._empty_since: float | None = None

    def _look(self, what: Callable[[], str]) -> None:
        if self.client.nthreads():
            self._empty_since = None
            return
        now = time.monotonic()
        if self._empty_since is None:
            self._empty_since = now
        elif now - self._empty_since >= self.patience:
            raise ClusterLost(f"the Dask cluster has had no worker for {self.patience:.0f} s (every worker died "
                              f"or left; the workers' logs say why), so the run stopped: {what()}")

    def _wait(self, futures: list[Any], what: Callable[[], str], return_when: str) -> Any:
        from distributed import wait

        while True:
            try:
                return wait(futures, timeout=min(POLL, self.patience), return_when=return_when)
            except TimeoutError:
                self._look(what)

    def any(self, futures: Iterable[Any], what: Callable[[], str]) -> list[Any]:
        """The futures of ``futures`` that are done (at least one), waiting as long as workers exist."""
        return list(self._wait(list(futures), what, "FIRST_COMPLETED").done)

    def result(self, future: Any, what: Callable[[], str]) -> Any:
        """``future.result()``, watched: a future that :meth:`any` saw done may be lost again
        (its worker left) and would then wait for a new worker forever."""
        while True:
            try:
                return future.result(timeout=min(POLL, self.patience))
            except TimeoutError:
                if future.status == "error":  # the task's own TimeoutError
                    raise
                self._look(what)

    def gather(self, futures: list[Any], what: str = "the corpus checks and the report were not finished"
               ) -> list[Any]:
        """``client.gather(futures)``, watched. (One wait for all: a wait per finished future
        costs the client memory that grows with the square of the futures.)"""
        self._wait(futures, lambda: what, "ALL_COMPLETED")
        return self.client.gather(futures)


def _unfinished(paths: list[str]) -> str:
    shown = ", ".join(paths[:10]) + (f" and {len(paths) - 10} more" if len(paths) > 10 else "")
    return f"{len(paths)} file(s) not linted: {shown}"


# -- the corpus on the cluster ------------------------------------------------------------------
# The shuffles move records packed in NumPy arrays (a group's hash, a key, document and passage
# indices: 24-32 bytes a passage, no Python object per record); the client then fetches the
# passages of the clusters only.

Ref = tuple[int, int]  # (document index, passage index)


def _group_hash(group: str) -> int:
    """A stable 64-bit id of a group (the same in every process; a collision needs ~2^32 groups)."""
    return int.from_bytes(hashlib.blake2b(group.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little")


def _passages(part: Part, sid: str, kind: str) -> Iterator[tuple[int, int, Any, Any]]:
    for i, s in part.summaries.get(sid, ()):
        for j, p in enumerate(getattr(s, KINDS[kind])):
            yield i, j, s, p


def _exact_records(part: Part, sid: str, kind: str) -> np.ndarray:
    """One EXACT record per passage of this part's summaries."""
    chunks = []
    for i, s in part.summaries.get(sid, ()):
        passages = getattr(s, KINDS[kind])
        n = len(passages)
        if n:
            rec = np.empty(n, EXACT)
            rec["g"], rec["k"], rec["i"], rec["j"] = _group_hash(s.group), passages.key, i, np.arange(n)
            chunks.append(rec)
    return np.concatenate(chunks) if chunks else np.empty(0, EXACT)


def _band_records(part: Part, sid: str) -> np.ndarray:
    """BAND records (one per LSH band) of this part's first sentence per (group, exact key): all
    copies of a sentence share its bands, so each bucket still holds the corpus-wide first one."""
    sent, band = sentence_records(part.summaries.get(sid, ()), _group_hash)
    return np.empty(0, BAND) if band is None else band_records(*first_copies(sent, band))


def _sigs_at_home(sid: str, wanted: list[np.ndarray], parts: list[Part]) -> list[tuple[np.ndarray, np.ndarray]]:
    """On the worker of a group of parts: for each reduce partition, the signatures of the
    candidates it wanted from these parts (refs, one signature row each)."""
    summaries = {i: s for part in parts for i, s in part.summaries.get(sid, ())}
    out = []
    for refs in wanted:
        refs = np.unique(refs, axis=0)
        rows = [summaries[i].sentences.sig[j] for i, j in refs.tolist()]
        out.append((refs, np.stack(rows) if rows else np.empty((0, 0), np.uint32)))
    return out


def _verify_here(buckets: list[list[Ref]], threshold: float, *found: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """On the worker of a reduce partition: its buckets' candidate pairs verified on the
    signatures the groups of parts sent (:func:`_sigs_at_home`), packed as :func:`pair_array`."""
    sigs: dict[Ref, Any] = {}
    for refs, rows in found:
        sigs.update(zip(map(tuple, refs.tolist()), rows))
    return pair_array(verified(buckets, sigs, threshold))


def _split(sid: str, records: Callable[..., np.ndarray], args: tuple[Any, ...], n_out: int,
           *parts: Part) -> list[np.ndarray]:
    """Map side of the shuffle: the records of some parts, by partition (their key modulo)."""
    rec = np.concatenate([records(part, sid, *args) for part in parts])
    dest = (rec["k"] % np.uint64(n_out)).astype(np.int64)
    rec = rec[np.argsort(dest, kind="stable")]
    return np.split(rec, np.cumsum(np.bincount(dest, minlength=n_out))[:-1])


def _reduce(reducer: Callable[[np.ndarray], list[Any]], *slices: np.ndarray) -> list[Any]:
    """Reduce side of the shuffle: one partition's records, grouped by key in ``reducer``."""
    return reducer(np.concatenate(slices))


def _pick(part: Part, sid: str, kind: str, refs: set[Ref]) -> list[Member]:
    """The passages ``refs`` of this part, as the client needs them (band keys were for the shuffle)."""
    out = []
    for i, j, s, p in _passages(part, sid, kind):
        if (i, j) in refs:
            p = dataclasses.replace(p, bands=()) if p.bands else p
            out.append(Member(i, j, s.path, s.group, p))
    return out


def _group_counts(sid: str, *parts: Part) -> Counter[str]:
    return Counter(s.group for part in parts for _, s in part.summaries.get(sid, ()))


def _per_document(part: Part, sid: str, func: Callable[[Any, Any], Any], args: dict[int, Any]) -> dict[int, Any]:
    return {i: func(s, args[i]) for i, s in part.summaries.get(sid, ()) if i in args}


def _route(clusters: list[list[Ref]], home: np.ndarray, n_groups: int) -> list[np.ndarray]:
    """The refs of ``clusters``, split by the group of parts that holds their document."""
    refs = np.array([r for c in clusters for r in c], np.int32).reshape(-1, 2)
    dest = home[refs[:, 0]]
    return [refs[dest == g] for g in range(n_groups)]


def _at_home(sid: str, kind: str, note: Note | None, wanted: list[np.ndarray], marks: list[np.ndarray] | None,
             parts: list[Part]) -> list[tuple[list[Member], dict[int, Any]]]:
    """On the worker of a group of parts: the members ``wanted`` by each reduce partition (its
    clusters' passages in these parts), and the ``note`` of each of their documents."""
    want: dict[int, dict[int, int]] = defaultdict(dict)  # document -> passage -> reduce partition
    for r, refs in enumerate(wanted):
        for i, j in refs.tolist():
            want[i][j] = r
    marks_of = marked(refs.tolist() for refs in marks) if marks is not None else None
    out: list[tuple[list[Member], dict[int, Any]]] = [([], {}) for _ in wanted]
    for part in parts:
        for i, s in part.summaries.get(sid, ()):
            if i not in want:
                continue
            passages = getattr(s, KINDS[kind])
            if note is not None:
                value = note(s, marks_of.get(i, set()) if marks_of is not None else set(want[i]))
            for j, r in sorted(want[i].items()):
                p = passages[j]
                out[r][0].append(Member(i, j, s.path, s.group, dataclasses.replace(p, bands=()) if p.bands else p))
                if note is not None:
                    out[r][1][i] = value
    return out


def _make(make: Make, args: Any, clusters: list[list[Ref]], home: np.ndarray, n_groups: int,
          *held: tuple[list[Member], dict[int, Any]]) -> list[list[tuple[int, Any]]]:
    """On the worker of a reduce partition: its clusters as problems (the check's ``make``), each
    with its document, split by the group of parts that holds the document."""
    members: dict[Ref, Member] = {}
    notes: dict[int, Any] = {}
    for ms, ns in held:
        members.update((m.ref, m) for m in ms)
        notes.update(ns)
    out: list[list[tuple[int, Any]]] = [[] for _ in range(n_groups)]
    for doc, p in make_problems(([members[tuple(r)] for r in c] for c in clusters), notes, make, args):
        out[int(home[doc])].append((doc, p))
    return out


class DaskCorpus:
    """The summaries of one corpus check, left on the workers (see :class:`copydesk.corpus.Corpus`).
    Problems made by :meth:`problems` stay there too: ``routed(check id, futures by group of
    parts, parts per group)`` hands them to the session's last stage."""

    def __init__(self, client: Any, sid: str, parts: list[tuple[Any, list[int]]], size: int,
                 watchdog: Watchdog | None = None, routed: Callable[[str, list[list[Any]], int], None] | None = None
                 ) -> None:
        self.client, self.sid, self.parts, self.size = client, sid, parts, size
        self.watchdog = watchdog or Watchdog(client)
        self.routed = routed
        self._home = np.full(max((int(idx.max()) for _, idx in parts if len(idx)), default=-1) + 1, -1, np.int32)
        for k, (_, indices) in enumerate(parts):  # file index -> the part that holds its summary
            self._home[indices] = k

    def _shuffle(self, records: Callable[..., np.ndarray], args: tuple[Any, ...],
                 reducer: Callable[[np.ndarray], list[Any]]) -> list[Any]:
        """Futures of a hash shuffle on the cluster: ``records(part, sid, *args)`` packs a part's
        records (fields ``g``, ``k``: group hash and key); all records of one (group, key) meet in
        one partition, whose ``reducer`` returns what the client gathers.
        Parts are mapped in groups, so tasks stay ~(2 x threads)^2 + parts / 64 x 2 x threads."""
        import operator

        _, n_out = self._grouping()
        splits = [self.client.submit(_split, self.sid, records, args, n_out, *g, pure=False)
                  for g in self._part_groups()]
        return [self.client.submit(_reduce, reducer,
                                   *[self.client.submit(operator.getitem, f, k, pure=False) for f in splits],
                                   pure=False) for k in range(n_out)]

    def _grouping(self) -> tuple[int, int]:
        """(parts per group, reduce partitions): ~(2 x threads) groups, at most 64 parts each."""
        threads = sum(self.client.nthreads().values()) or 1
        n_in = min(len(self.parts), max(2 * threads, -(-len(self.parts) // 64)))
        return -(-len(self.parts) // max(1, n_in)), 2 * threads

    def _part_groups(self) -> list[list[Any]]:
        """The parts' futures in the groups of :meth:`_grouping` (the groups' order is the parts')."""
        size, _ = self._grouping()
        return [[p for p, _ in self.parts[k:k + size]] for k in range(0, len(self.parts), size)]

    def _gather(self, futures: list[Any]) -> list[Any]:
        return [r for rs in self.watchdog.gather(futures) for r in rs]

    def _members(self, kind: str, refs: Iterable[Ref]) -> dict[Ref, Member]:
        """Fetch the passages ``refs`` from the parts that hold them."""
        wanted: dict[int, set[Ref]] = defaultdict(set)
        for ref in refs:
            wanted[int(self._home[ref[0]])].add(ref)
        futures = [self.client.submit(_pick, self.parts[k][0], self.sid, kind, r, pure=False)
                   for k, r in sorted(wanted.items())]
        del wanted
        out: dict[Ref, Member] = {}
        # one part's passages at a time (a path is one string per part: pickle shares it)
        while futures:
            done = set(self.watchdog.any(futures, lambda: "the corpus checks were not finished"))
            for future in done:
                out.update((m.ref, m) for m in future.result())
                future.release()
            futures = [f for f in futures if f not in done]
        return out

    def indices(self) -> list[int]:
        """Candidate document indices, in order (``per_document`` skips those without a summary)."""
        return sorted(i for _, idx in self.parts for i in idx.tolist())

    def group_sizes(self) -> Counter[str]:
        """Counted per group of parts (one small result per group, not per part)."""
        total: Counter[str] = Counter()
        for c in self.watchdog.gather([self.client.submit(_group_counts, self.sid, *g, pure=False)
                                       for g in self._part_groups()]):
            total.update(c)
        return total

    def exact(self, kind: str) -> list[list[Member]]:
        if not self.parts:
            return []
        clusters = self._gather(self._shuffle(_exact_records, (kind,), exact_refs))
        members = self._members(kind, (r for c in clusters for r in c))
        return canonical([members[r] for r in c] for c in clusters)

    def near(self, threshold: float) -> list[list[Member]]:
        if not self.parts:
            return []
        pairs = [((a, b), (c, d)) for a, b, c, d in self._near_pairs(threshold).tolist()]
        members = self._members("sentence", {r for pair in pairs for r in pair})
        return canonical([members[r] for r in c] for c in components((), pairs))

    def _homes(self) -> tuple[Any, int, int]:
        """(a future of file index -> its group of parts, parts per group, groups)."""
        size, _ = self._grouping()
        return self.client.scatter(self._home // size, broadcast=False), size, -(-len(self.parts) // size)

    def _by_group(self, found: list[Any], home: Any, n_groups: int) -> list[list[Any]]:
        """For each group of parts, from each of ``found`` (futures of lists of clusters of refs),
        a future of the refs whose documents that group holds."""
        import operator

        routes = [self.client.submit(_route, c, home, n_groups, pure=False) for c in found]
        return [[self.client.submit(operator.getitem, f, g, pure=False) for f in routes] for g in range(n_groups)]

    def _near_pairs(self, threshold: float) -> np.ndarray:
        """The pairs that join near-duplicate sentences (packed: :func:`pair_array`), found on
        the workers: each identical sentence with the first of its copies, and the LSH bucket
        candidates whose signatures agree on ``threshold``. The buckets stay on their reduce
        workers, which get their candidates' signatures from the groups of parts that hold them;
        only verified pairs (16 bytes each) come here."""
        import operator

        submit = self.client.submit
        same = self._shuffle(_exact_records, ("sentence",), identical_pairs)
        buckets = self._shuffle(_band_records, (), bucket_refs)
        home, _, n_groups = self._homes()
        wanted = self._by_group(buckets, home, n_groups)
        sigs = [submit(_sigs_at_home, self.sid, wanted[g], parts, pure=False)
                for g, parts in enumerate(self._part_groups())]
        verified = [submit(_verify_here, b, threshold, *[submit(operator.getitem, h, r, pure=False) for h in sigs],
                           pure=False) for r, b in enumerate(buckets)]
        return np.concatenate(self.watchdog.gather(same + verified))

    def clusters(self, kind: str, threshold: float | None = None, min_documents: int = 2) -> Clusters:
        """Exact clusters stay on the workers that grouped them. Near ones are joined here from
        the verified pairs (:meth:`_near_pairs`: arrays, no Python object per ref) and go back
        to the cluster in chunks."""
        if not self.parts:
            return Clusters(kind, [])
        if threshold is None:
            return Clusters(kind, [self.client.submit(canonical_refs, f, min_documents, pure=False)
                                   for f in self._shuffle(_exact_records, (kind,), exact_refs)])
        refs, starts = joined(self._near_pairs(threshold), min_documents)
        _, n_out = self._grouping()
        chunk = -(-len(starts) // n_out) if len(starts) else 1
        out = []
        for k in range(0, len(starts), chunk):
            bounds = starts[k:k + chunk + 1]
            end = int(bounds[-1]) if k + chunk < len(starts) else len(refs)
            piece = self.client.scatter([refs[int(bounds[0]):end], starts[k:k + chunk] - bounds[0]])
            out.append(self.client.submit(unpacked, *piece, pure=False))
        return Clusters(kind, out)

    def problems(self, clusters: Clusters, make: Make, args: Any, note: Note | None = None,
                 marks: Clusters | None = None) -> list[Any]:
        """The problems of ``clusters`` made on the workers (see :mod:`copydesk.corpus`) and left
        there for the last stage (``routed``); nothing comes here but the check's exception, if
        it raised. Returns no problem to place here."""
        import operator

        if not self.parts or not clusters.refs:
            return []
        submit = self.client.submit
        home, size, n_groups = self._homes()
        wanted = self._by_group(clusters.refs, home, n_groups)
        marking = self._by_group(marks.refs, home, n_groups) if marks is not None and marks is not clusters else None
        held = [submit(_at_home, self.sid, clusters.kind, note, wanted[g], marking[g] if marking else None, parts,
                       pure=False) for g, parts in enumerate(self._part_groups())]
        made = [submit(_make, make, args, c, home, n_groups,
                       *[submit(operator.getitem, h, r, pure=False) for h in held], pure=False)
                for r, c in enumerate(clusters.refs)]
        self.watchdog.gather([submit(len, m, pure=False) for m in made])  # the check's exception, if any
        if self.routed is None:
            raise ValueError("DaskCorpus.problems needs a session to hand the problems to")
        self.routed(self.sid, [[submit(operator.getitem, m, g, pure=False) for m in made] for g in range(n_groups)],
                    size)
        return []

    def per_document(self, func: Callable[[Any, Any], Any], args: dict[int, Any]) -> dict[int, Any]:
        futures = []
        for part, indices in self.parts:
            sub = {i: args[i] for i in indices if i in args}
            if sub:
                futures.append(self.client.submit(_per_document, part, self.sid, func, sub, pure=False))
        out: dict[int, Any] = {}
        for d in self.watchdog.gather(futures):
            out.update(d)
        return out


# -- the client ---------------------------------------------------------------------------------

@contextlib.contextmanager
def connect(scheduler: str | None = None, workers: int | None = None) -> Iterator[Any]:
    """A client of the cluster at ``scheduler``, else of a local cluster of ``workers`` processes.

    The client keeps no log of its messages to the scheduler (Dask's developer log keeps the last
    1,000 of them, and each lint task's carries its files' paths: memory that grows with the archive)."""
    import dask
    from distributed import Client, LocalCluster

    with dask.config.set({"distributed.admin.low-level-log-length": 0}):
        if scheduler:
            with Client(scheduler) as client:
                yield client
            return
        with LocalCluster(n_workers=workers or default_jobs(), threads_per_worker=1, processes=True,
                          dashboard_address=":0") as cluster, Client(cluster) as client:
            yield client


def _batch_size(n: int, size: int, threads: int) -> int:
    """Files per lint task: at most ``size``, and enough tasks for ``n`` files to keep every thread busy."""
    return max(1, min(size, -(-n // max(1, 4 * threads))))


class DaskExecutor:
    """``--executor dask``: the per-document stage, the corpus stage and the placing of corpus
    findings on a cluster's workers (see the module docstring); the client only plans and collects.

    ``client`` is a connected ``distributed.Client``; without it, one is made for the run, to the
    scheduler at ``scheduler`` or else to a local cluster of ``workers`` processes."""

    def __init__(self, scheduler: str | None = None, workers: int | None = None, inputs: str = "path",
                 batch_size: int = DEFAULT_BATCH, client: Any = None) -> None:
        if inputs not in INPUTS:
            raise ValueError(f"inputs {inputs!r}: use one of {', '.join(INPUTS)}")
        self.scheduler, self.workers, self.inputs, self.batch_size, self.client = \
            scheduler, workers, inputs, batch_size, client

    @contextlib.contextmanager
    def session(self, job: Job, files: list[InputFile], output: str | None = None) -> Iterator["DaskSession"]:
        if getattr(job.config, "recipe", None) is None:
            raise ValueError("the dask executor needs a configuration built from a ConfigRecipe "
                             "(profiles.build_config)")
        ctx = contextlib.nullcontext(self.client) if self.client is not None else connect(self.scheduler, self.workers)
        with ctx as client:
            yield DaskSession(client, job, files, self.inputs, self.batch_size, output)


class DaskSession(HeldResults):
    """One run on a cluster: lint tasks leave their results and summaries on the workers
    (``parts``); the client keeps nothing per file (:data:`HELD` stands for each result there),
    only per part and per check. The corpus checks work on the summaries there, and the last
    stage adds the corpus findings to each part's results where they are: it sends them back
    (:meth:`place`) or, with an ``output``, writes them as shards (:meth:`write`) and the client
    only ever sees their tally."""

    def __init__(self, client: Any, job: Job, files: Sequence[InputFile], inputs: str, batch_size: int,
                 output: str | None = None) -> None:
        super().__init__()
        self.client, self.job, self.files, self.inputs, self.batch_size = client, job, files, inputs, batch_size
        self.output = output
        config = job.config
        self.recipe, self.fingerprint = config.recipe, config.fingerprint()
        cache = job.cache
        self.cache_args = (cache.directory, cache.salt) if cache is not None else None
        self.parts: list[tuple[Any, np.ndarray]] = []  # (future of a Part, its file indices)
        self.counts: Counter[str] = Counter()
        self._hits_placed = False
        self._remote: list[tuple[str, list[list[Any]], int]] = []  # problems left on the cluster (DaskCorpus.problems)
        self._here: set[str] = set()  # keys of the parts scattered from here (cache hits: results held here)
        self.watchdog = Watchdog(client)

    def _source(self, file: InputFile) -> tuple[str, str]:
        # workers have their own working folder: they get absolute paths (the same on every machine)
        return ("text", read(file)) if self.inputs == "text" else ("path", os.path.abspath(file.fs_path))

    def run(self, items: Iterable[tuple[int, InputFile, str | None]], progress: Callable[[str], Any] | None
            ) -> list[Any]:
        """The per-document stage for ``items`` (file index, file, text if read) on the workers,
        taken from the stream a batch at a time (a bounded number in flight). Returns, in the
        items' order, :data:`HELD` for each file linted there (and the error result of each file
        that could not be sent)."""
        results: list[Any] = []
        threads = sum(self.client.nthreads().values()) or 1
        size = self.batch_size if self.inputs == "path" else min(self.batch_size, TEXT_BATCH)
        per = _batch_size(len(self.files), size, threads)
        stream = iter(items)
        retry: list[list[tuple[int, int, InputFile, str | None]]] = []  # batches to send again, one file each
        window = max(2, 3 * threads)  # batches in flight: bounds the texts held for inputs="text"
        pending: dict[Any, tuple[Any, list[tuple[int, int, InputFile, str | None]]]] = {}
        more = True  # files left in the stream

        def fail(pos: int, res: FileResult) -> None:
            results[pos] = res
            if progress:
                progress(res.path)

        def take() -> list[tuple[int, int, InputFile, str | None]]:
            nonlocal more
            if retry:
                return retry.pop()
            out = []
            for i, file, text in itertools.islice(stream, per):
                out.append((len(results), i, file, text))
                results.append(HELD)
            more = more and len(out) == per
            return out

        def submit_next() -> None:
            while True:
                taken = take()
                if not taken:
                    return
                batch, kept = [], []
                for pos, i, file, text in taken:
                    try:
                        source = ("text", text) if text is not None and self.inputs == "text" else self._source(file)
                    except InputError as exc:  # inputs="text": read here
                        fail(pos, failed_file(file.path, str(exc)))
                        continue
                    batch.append((i, file.path, source))
                    kept.append((pos, i, file, text))
                if batch:
                    part = self.client.submit(lint_part, self.recipe, self.fingerprint, self.job.selection,
                                              self.job.verbose, self.cache_args, batch, retries=RETRIES, pure=False)
                    overview = self.client.submit(part_overview, part, retries=RETRIES, pure=False)
                    pending[overview] = (part, kept)
                    return

        def unfinished() -> str:
            left = sorted(file.path for _, taken in pending.values() for _, _, file, _ in taken)
            left += sorted(file.path for taken in retry for _, _, file, _ in taken)
            return _unfinished(left) + (" (and the files after them)" if more else "")

        for _ in range(window):
            submit_next()
        while pending:
            for overview in sorted(self.watchdog.any(pending, unfinished), key=lambda f: pending[f][1][0][0]):
                part, taken = pending.pop(overview)
                try:
                    failures, n = self.watchdog.result(overview, unfinished)
                except Exception as exc:  # noqa: BLE001 - a worker died (KilledWorker) or the task kept failing
                    if len(taken) > 1:
                        retry.extend([t] for t in reversed(taken))  # again, one file per task
                    else:
                        path = taken[0][2].path
                        message = (f"{path}: the Dask worker linting this file failed ({type(exc).__name__}: "
                                   f"{exc}); the task was retried and then given up; please report this file")
                        fail(taken[0][0], failed_file(path, message, "input.worker-failed"))
                    submit_next()
                    continue
                for sid, (first, why) in failures.items():
                    self._note_failure(sid, first, why)
                self.counts.update(n)
                self.parts.append((part, np.array([i for _, i, _, _ in taken], np.int64)))
                if progress:
                    for _, _, file, _ in taken:
                        progress(file.path)
                submit_next()
        self.parts.sort(key=lambda p: p[1][0])
        return results

    def _place_hits(self, results: list[FileResult]) -> None:
        """Cache hits hold their summaries here: they join the others on the cluster, as parts."""
        if self._hits_placed:
            return
        self._hits_placed = True
        hits = [(i, r) for i, r in enumerate(results) if r.document is not None]
        for k in range(0, len(hits), self.batch_size):
            part = Part()  # their results stay here: only what the corpus stage needs goes
            for i, r in hits[k:k + self.batch_size]:
                _add(part, i, None, r.document.text, r.document, r.summaries)
            for sid, summaries in part.summaries.items():
                self.counts[sid] += len(summaries)
            future = self.client.scatter(part)
            self._here.add(future.key)
            self.parts.append((future, np.array([i for i, _ in hits[k:k + self.batch_size]], np.int64)))
        self.parts.sort(key=lambda p: p[1][0])

    def corpus(self, check_id: str, results: list[FileResult]) -> "DaskCorpus":
        self._place_hits(results)
        return DaskCorpus(self.client, check_id, self.parts, self.counts[check_id], self.watchdog, self._routed)

    def _routed(self, sid: str, by_group: list[list[Any]], size: int) -> None:
        """Problems a check made on the cluster (futures by group of ``size`` parts), for the last stage."""
        self._remote.append((sid, by_group, size))

    def _remote_of(self, k: int) -> Routed:
        return [(sid, by_group[k // size]) for sid, by_group, size in self._remote]

    def _problems_here(self, results: list[Any]) -> dict[str, list[tuple[Any, Any, Any]]]:
        """The problems made on the cluster for the documents held here (cache hits)."""
        config = self.job.config
        here: dict[str, list[tuple[Any, Any, Any]]] = defaultdict(list)
        for k, (part, indices) in enumerate(self.parts):
            if part.key not in self._here:
                continue
            mine = set(indices.tolist())
            for sid, lists in self._remote_of(k):
                spec = config.specs[sid]
                for found in self.watchdog.gather(lists):
                    for doc, p in found:
                        if doc in mine:
                            path = results[doc].path
                            here[path].append((spec, config.for_path(path).get(sid, config.for_path("")[sid]), p))
        return here

    def place(self, problems: dict[str, list[tuple[Any, Any, Any]]], results: list[Any],
              selection: Selection) -> None:
        """Stage 3: corpus problems join the results. Files linted on the workers are finished
        there (``results[i]``, :data:`HELD`, becomes the file's result), unless the session
        writes shards (:meth:`write` finishes them); cache hits are placed here, on their document."""
        here = self._problems_here(results) if self._here else {}
        for path, found in self._hold_problems(problems, results).items():
            here.setdefault(path, []).extend(found)
        if here:
            place_on_documents(here, results, selection)
        if self.output is None:
            for done in self.watchdog.gather(self._finish(finish_part, results)):
                for i, res in done:
                    results[i] = res

    def _finish(self, func: Callable[..., Any], results: list[Any], which: Iterable[int] | None = None) -> list[Any]:
        """``func`` on every part (or the parts at positions ``which``) that holds results, with its
        files' problems and errors (those made here) and the problems made on the cluster for its
        group of parts."""
        futures = []
        for k in range(len(self.parts)) if which is None else which:
            part, indices = self.parts[k]
            extra = {}
            if self._problems:
                for i in indices.tolist():
                    if i in self._problems and results[i] is HELD:
                        extra[i] = self._problems.pop(i)
            futures.append(self.client.submit(func, self.recipe, self.fingerprint, self.job.selection, part, extra,
                                              self._remote_of(k), self._failed, retries=RETRIES, pure=False))
        return futures

    def _shards(self) -> list[list[int]]:
        """Positions of consecutive parts, about ``FILES_PER_SHARD`` files a shard."""
        from copydesk.shards import FILES_PER_SHARD

        shards: list[list[int]] = [[]]
        size = 0
        for k, (_, indices) in enumerate(self.parts):
            if size >= FILES_PER_SHARD:
                shards.append([])
                size = 0
            shards[-1].append(k)
            size += len(indices)
        return shards if self.parts else []

    def write(self, results: list[Any], extra: list[FileResult]) -> Any:
        """Stage 3 into shards (``self.output``): each part finished where it is, consecutive parts
        written as one shard of about ``FILES_PER_SHARD`` files by a worker, a few shards per
        worker thread in flight (the client holds the futures of those only, and each part is
        released once its shard is written); then the files held here (cache hits, files that
        could not be read, ``extra``) as the last shard, and the manifest. Returns the tally of
        everything written (the shards' tallies added in shard order: a cause's first message)."""
        from copydesk.results import finalize
        from copydesk.shards import Tally, shard_name, write_manifest, write_shard

        shards = self._shards()
        window = max(2, 2 * (sum(self.client.nthreads().values()) or 1))
        tallies: list[Any] = [None] * len(shards)
        pending: dict[Any, int] = {}  # write task -> its shard

        def collect() -> None:
            for done in self.watchdog.any(pending, lambda: "the report was not written"):
                n = pending.pop(done)
                tallies[n] = self.watchdog.result(done, lambda: "the report was not written")
                for k in shards[n]:  # its parts are no longer needed: the workers free them
                    self.parts[k] = (None, self.parts[k][1])

        for n, which in enumerate(shards):
            finished = self._finish(finish_lines, results, which)
            pending[self.client.submit(write_lines, self.output, n, *finished, retries=RETRIES, pure=False)] = n
            while len(pending) >= window:
                collect()
        while pending:
            collect()
        tally = Tally()
        for t in tallies:
            tally.update(t)
        names = [shard_name(k) for k in range(len(shards))]
        local = [r for r in results if r is not HELD] + extra
        if local:
            tally.update(write_shard(self.output, len(names), finalize(local)))
            names.append(shard_name(len(names)))
        write_manifest(self.output, names, tally, self.job.config)
        return tally


def lint_paths_dask(paths: list[str], config: Any, selection: Selection | None = None, verbose: bool = False,
                    progress: Callable[[str], Any] | None = None, *, scheduler: str | None = None,
                    workers: int | None = None, inputs: str = "path", batch_size: int = DEFAULT_BATCH,
                    client: Any = None, cache: Any = None) -> list[FileResult]:
    """:func:`copydesk.runner.lint_paths` on a Dask cluster: the same results, in the same order."""
    from copydesk.runner import lint_paths

    executor = DaskExecutor(scheduler, workers, inputs, batch_size, client)
    return lint_paths(paths, config, selection, verbose, progress, cache=cache, executor=executor)


def executor_from_settings(scheduler: str | None, workers: int | None, inputs: str | None) -> DaskExecutor:
    """The Dask executor of ``copydesk check``: scheduler from ``--scheduler``, ``settings.scheduler``
    or Dask's own ``$DASK_SCHEDULER_ADDRESS``; else a local cluster of ``--jobs`` processes."""
    try:
        import dask
        import distributed  # noqa: F401  (the executor needs it: fail here, with the fix)
    except ImportError:
        raise ValueError("--executor dask needs Dask: pip install 'copydesk[dask]'") from None
    return DaskExecutor(scheduler or dask.config.get("scheduler-address", None), workers, inputs or "path")
