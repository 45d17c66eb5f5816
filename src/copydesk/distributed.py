"""The Dask executor (``--engine dask``): lint on a Dask cluster, with the same report as one machine.

:class:`DaskExecutor` plugs into the runner (:mod:`copydesk.runner`) like the local executors: the
runner reads files only to look them up in the cache (hits never reach the cluster) and hands the
rest over. Three stages then run on the cluster's workers; the client only plans and collects:

1. **Lint** (one task per batch of files): read the file (a path every worker can read, or the
   text shipped with the task: ``inputs="text"``) and run the runner's per-document
   :class:`copydesk.executors.Job` (lint, each corpus check's ``summarise``, the cache write). The
   result stays on the worker; the client gathers only the per-file results *without* their
   documents and summaries (findings, stats, errors) and a digest of the text. Cache hits'
   summaries are scattered to the cluster as parts of their own.
2. **Corpus checks** run their ``check(corpus, options)`` against a :class:`DaskCorpus`: exact keys
   and MinHash band keys travel as compact records through a hash-partitioned shuffle of Dask
   tasks (map: records of a group of parts split by key; reduce: one task per partition); the client
   receives only groups of 2+ passages (identical ones, LSH bucket candidates), fetches just those
   passages from the workers, verifies candidates on their signatures and joins them with a
   union-find.
3. **Findings** for corpus problems are made where the document is: problems are grouped by path
   and a worker re-reads and re-parses each file (checking its digest) to place them.

Workers build the configuration themselves from the picklable :class:`copydesk.profiles.ConfigRecipe`
and refuse to run if its fingerprint differs from the client's (other rules, other copydesk).
A worker that dies mid-task is replaced and its task retried by Dask; a batch that keeps killing
workers is split into single files, and a file that still fails becomes an error entry
(``input.worker-failed``): never silently missing.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator

from copydesk.clusters import MAX_BUCKET, UnionFind, components, estimate
from copydesk.corpus import KINDS, Member, canonical
from copydesk.executors import Job, default_jobs
from copydesk.findings import Finding
from copydesk.inputs import InputError, InputFile, read
from copydesk.lint import Selection, keep, make_finding
from copydesk.results import FileResult, error_entry, failed_file

DEFAULT_BATCH = 16      # files per lint task (fewer, larger tasks for big corpora)
RETRIES = 1             # re-runs of a task that raised (worker deaths are retried by the scheduler)
INPUTS = ("path", "text")


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


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()


def _text(path: str, source: tuple[str, str]) -> str:
    kind, value = source
    return value if kind == "text" else read(InputFile(path, value))


@dataclass
class Part:
    """What one lint task leaves on its worker: results without documents, and summaries."""

    results: list[tuple[int, FileResult]] = field(default_factory=list)
    digests: dict[int, str] = field(default_factory=dict)   # documents that parsed
    summaries: dict[str, list[tuple[int, Any]]] = field(default_factory=dict)  # check id -> (index, summary)


def _add(part: Part, index: int, result: FileResult, text: str) -> None:
    """File ``index``'s per-document result into ``part``: the summaries stay, the document goes."""
    result.document = None
    part.results.append((index, result))
    if result.format is None:
        return
    part.digests[index] = _digest(text)
    for sid, summary in result.summaries.items():
        part.summaries.setdefault(sid, []).append((index, summary))
    result.summaries = {}


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
        _add(part, index, job((path, text)), text)
    return part


def part_overview(part: Part) -> tuple[list[tuple[int, FileResult]], dict[int, str], dict[str, int]]:
    """What the client gathers from a lint task (no documents, no summaries)."""
    return part.results, part.digests, {k: len(v) for k, v in part.summaries.items()}


def materialise_part(recipe: Any, fingerprint: str, selection: Selection,
                     items: list[tuple[str, tuple[str, str], str, list[tuple[str, Any]]]]
                     ) -> list[tuple[str, list[Finding], str | None]]:
    """Stage 3 on a worker: corpus problems -> findings, on the re-read and re-parsed document."""
    from copydesk.parsing import parse
    from copydesk.profiles import worker_config
    from copydesk.suppression import Suppressions

    config = worker_config(recipe, fingerprint)
    out = []
    for path, source, digest, problems in items:
        try:
            text = _text(path, source)
            if _digest(text) != digest:
                raise InputError(f"{path}: changed while it was being linted; run copydesk again")
        except InputError as exc:
            out.append((path, [], str(exc)))
            continue
        doc = parse(path, text)
        sup = Suppressions(doc)
        findings = []
        for sid, p in problems:
            spec = config.specs[sid]
            file_cc = config.for_path(path).get(sid, config.for_path("")[sid])
            f = make_finding(doc, spec, file_cc, p)
            if keep(f, sup, selection):
                findings.append(f)
        out.append((path, findings, None))
    return out


# -- the corpus on the cluster ------------------------------------------------------------------
# The shuffles move compact records (plain tuples of ints, strings and signature bytes: a
# summary passage costs ~30x more to pickle); the client then fetches the passages of the
# clusters only.

Ref = tuple[int, int]  # (document index, passage index)


def _passages(part: Part, sid: str, kind: str) -> Iterator[tuple[int, int, Any, Any]]:
    for i, s in part.summaries.get(sid, ()):
        for j, p in enumerate(getattr(s, KINDS[kind])):
            yield i, j, s, p


def _exact_records(part: Part, sid: str, kind: str) -> list[tuple[tuple[str, int], int, int]]:
    return [((s.group, p.key), i, j) for i, j, s, p in _passages(part, sid, kind)]


def _exact_refs(kv: tuple[Any, list[tuple[Any, int, int]]]) -> list[Ref]:
    return sorted((i, j) for _, i, j in kv[1]) if len(kv[1]) > 1 else []


def _band_records(part: Part, sid: str) -> list[tuple[tuple[str, int], int, int, int]]:
    """((group, band key), doc, passage, exact key) for this part's first sentence per exact key
    (all copies of a sentence share its bands, so each bucket still holds the corpus-wide first one)."""
    seen: set[tuple[str, int]] = set()
    out = []
    for i, j, s, p in _passages(part, sid, "sentence"):
        if (s.group, p.key) in seen:
            continue
        seen.add((s.group, p.key))
        out.extend(((s.group, band), i, j, p.key) for band in p.bands)
    return out


def _bucket(kv: tuple[Any, list[tuple[Any, int, int, int]]]) -> list[Ref]:
    """An LSH bucket's candidates, as in :func:`copydesk.clusters.near_clusters`: the first sentence per exact
    key, in corpus order, at most ``MAX_BUCKET``; nothing when fewer than two."""
    reps: dict[int, Ref] = {}
    for _, i, j, key in sorted(kv[1], key=lambda r: (r[1], r[2])):
        reps.setdefault(key, (i, j))
    members = sorted(reps.values())[:MAX_BUCKET]
    return members if len(members) > 1 else []


def _verify(buckets: list[list[Ref]], sigs: dict[Ref, Any], threshold: float) -> Iterator[tuple[Ref, Ref]]:
    """Pairs of candidates whose signatures agree on at least ``threshold`` (enough of them to
    connect what the pairs connect)."""
    for members in buckets:
        uf = UnionFind(len(members))
        for a in range(len(members)):
            for b in range(a + 1, len(members)):
                if uf.find(a) != uf.find(b) and estimate(sigs[members[a]], sigs[members[b]]) >= threshold:
                    uf.union(a, b)
                    yield members[a], members[b]


def _split(sid: str, records: Callable[..., list[Any]], args: tuple[Any, ...], n_out: int,
           *parts: Part) -> list[list[Any]]:
    """Map side of the shuffle: records of some parts, by partition (their key's int modulo)."""
    out: list[list[Any]] = [[] for _ in range(n_out)]
    for part in parts:
        for rec in records(part, sid, *args):
            out[rec[0][1] % n_out].append(rec)
    return out


def _reduce(reducer: Callable[[Any], Any], *slices: list[Any]) -> list[Any]:
    """Reduce side of the shuffle: records grouped by key, each group through ``reducer``."""
    groups: dict[Any, list[Any]] = defaultdict(list)
    for records in slices:
        for rec in records:
            groups[rec[0]].append(rec)
    return [r for r in map(reducer, groups.items()) if r]


def _pick(part: Part, sid: str, kind: str, refs: set[Ref]) -> list[Member]:
    """The passages ``refs`` of this part, as the client needs them (band keys were for the shuffle)."""
    out = []
    for i, j, s, p in _passages(part, sid, kind):
        if (i, j) in refs:
            p = dataclasses.replace(p, bands=()) if p.bands else p
            out.append(Member(i, j, s.path, s.group, p))
    return out


def _group_counts(part: Part, sid: str) -> Counter[str]:
    return Counter(s.group for _, s in part.summaries.get(sid, ()))


def _per_document(part: Part, sid: str, func: Callable[[Any, Any], Any], args: dict[int, Any]) -> dict[int, Any]:
    return {i: func(s, args[i]) for i, s in part.summaries.get(sid, ()) if i in args}


class DaskCorpus:
    """The summaries of one corpus check, left on the workers (see :class:`copydesk.corpus.Corpus`)."""

    def __init__(self, client: Any, sid: str, parts: list[tuple[Any, list[int]]], size: int) -> None:
        self.client, self.sid, self.parts, self.size = client, sid, parts, size
        self._home = {i: k for k, (_, indices) in enumerate(parts) for i in indices}

    def _shuffle(self, records: Callable[..., list[Any]], args: tuple[Any, ...],
                 reducer: Callable[[Any], Any]) -> list[Any]:
        """Futures of a hash shuffle on the cluster: ``records(part, sid, *args)`` yields ``((group,
        int key), ...)`` tuples; every group of one key meets in one ``reducer`` call on a worker.
        Parts are mapped in groups, so tasks stay ~(2 x threads)^2 + parts / 64 x 2 x threads."""
        import operator

        threads = sum(self.client.nthreads().values()) or 1
        n_in = min(len(self.parts), max(2 * threads, -(-len(self.parts) // 64)))
        size = -(-len(self.parts) // n_in)
        n_out = 2 * threads
        splits = [self.client.submit(_split, self.sid, records, args, n_out,
                                     *[p for p, _ in self.parts[k:k + size]], pure=False)
                  for k in range(0, len(self.parts), size)]
        return [self.client.submit(_reduce, reducer,
                                   *[self.client.submit(operator.getitem, f, k, pure=False) for f in splits],
                                   pure=False) for k in range(n_out)]

    def _gather(self, futures: list[Any]) -> list[Any]:
        return [r for rs in self.client.gather(futures) for r in rs]

    def _members(self, kind: str, refs: Iterable[Ref]) -> dict[Ref, Member]:
        """Fetch the passages ``refs`` from the parts that hold them (one string object per path)."""
        wanted: dict[int, set[Ref]] = defaultdict(set)
        for ref in refs:
            wanted[self._home[ref[0]]].add(ref)
        futures = [self.client.submit(_pick, self.parts[k][0], self.sid, kind, r, pure=False)
                   for k, r in sorted(wanted.items())]
        out: dict[Ref, Member] = {}
        for members in self.client.gather(futures):
            for m in members:
                out[m.ref] = m._replace(path=sys.intern(m.path), group=sys.intern(m.group))
        return out

    def indices(self) -> list[int]:
        """Candidate document indices, in order (``per_document`` skips those without a summary)."""
        return sorted(i for _, idx in self.parts for i in idx)

    def group_sizes(self) -> Counter[str]:
        total: Counter[str] = Counter()
        for c in self.client.gather([self.client.submit(_group_counts, p, self.sid, pure=False) for p, _ in self.parts]):
            total.update(c)
        return total

    def exact(self, kind: str) -> list[list[Member]]:
        if not self.parts:
            return []
        clusters = self._gather(self._shuffle(_exact_records, (kind,), _exact_refs))
        members = self._members(kind, (r for c in clusters for r in c))
        return canonical([members[r] for r in c] for c in clusters)

    def near(self, threshold: float) -> list[list[Member]]:
        if not self.parts:
            return []
        same = self._shuffle(_exact_records, ("sentence",), _exact_refs)
        buckets = self._shuffle(_band_records, (), _bucket)
        identical, candidates = self._gather(same), self._gather(buckets)
        # only candidates' passages (with their signatures) come to the client
        members = self._members("sentence", {r for c in identical + candidates for r in c})
        pairs = [(refs[0], r) for refs in identical for r in refs]
        pairs += _verify(candidates, {r: m.passage.sig for r, m in members.items()}, threshold)
        return canonical([members[r] for r in c] for c in components((), pairs))

    def per_document(self, func: Callable[[Any, Any], Any], args: dict[int, Any]) -> dict[int, Any]:
        futures = []
        for part, indices in self.parts:
            sub = {i: args[i] for i in indices if i in args}
            if sub:
                futures.append(self.client.submit(_per_document, part, self.sid, func, sub, pure=False))
        out: dict[int, Any] = {}
        for d in self.client.gather(futures):
            out.update(d)
        return out


# -- the client ---------------------------------------------------------------------------------

@contextlib.contextmanager
def connect(scheduler: str | None = None, workers: int | None = None) -> Iterator[Any]:
    """A client of the cluster at ``scheduler``, else of a local cluster of ``workers`` processes."""
    from distributed import Client, LocalCluster

    if scheduler:
        with Client(scheduler) as client:
            yield client
        return
    with LocalCluster(n_workers=workers or default_jobs(), threads_per_worker=1, processes=True,
                      dashboard_address=":0") as cluster, Client(cluster) as client:
        yield client


def _batches(n: int, size: int, threads: int) -> list[range]:
    """Contiguous index ranges: at most ``size`` files, and enough tasks to keep every thread busy."""
    per = max(1, min(size, -(-n // max(1, 4 * threads))))
    return [range(i, min(n, i + per)) for i in range(0, n, per)]


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
    def session(self, job: Job, files: list[InputFile]) -> Iterator["DaskSession"]:
        if getattr(job.config, "recipe", None) is None:
            raise ValueError("the dask executor needs a configuration built from a ConfigRecipe "
                             "(profiles.build_config)")
        ctx = contextlib.nullcontext(self.client) if self.client is not None else connect(self.scheduler, self.workers)
        with ctx as client:
            yield DaskSession(client, job, files, self.inputs, self.batch_size)


class DaskSession:
    """One run on a cluster: lint tasks leave their summaries on the workers (``parts``), the
    corpus checks work on them there, and corpus findings are placed where the files are read."""

    def __init__(self, client: Any, job: Job, files: list[InputFile], inputs: str, batch_size: int) -> None:
        self.client, self.job, self.files, self.inputs, self.batch_size = client, job, files, inputs, batch_size
        config = job.config
        self.recipe, self.fingerprint = config.recipe, config.fingerprint()
        cache = job.cache
        self.cache_args = (cache.directory, cache.salt) if cache is not None else None
        self.parts: list[tuple[Any, list[int]]] = []  # (future of a Part, its file indices)
        self.digests: dict[int, str] = {}
        self.counts: Counter[str] = Counter()
        self._hits_placed = False

    def _source(self, file: InputFile) -> tuple[str, str]:
        # workers have their own working folder: they get absolute paths (the same on every machine)
        return ("text", read(file)) if self.inputs == "text" else ("path", os.path.abspath(file.fs_path))

    def run(self, items: list[tuple[int, InputFile, str | None]], progress: Callable[[str], Any] | None
            ) -> list[FileResult]:
        """The per-document stage for ``items`` (file index, file, text if read) on the workers."""
        from distributed import as_completed

        results: dict[int, FileResult] = {}
        texts = {i: t for i, _, t in items if t is not None and self.inputs == "text"}

        def collect(i: int, res: FileResult) -> None:
            results[i] = res
            if progress:
                progress(res.path)

        threads = sum(self.client.nthreads().values()) or 1
        indices = [i for i, _, _ in items]
        queue: list[list[int]] = [[indices[k] for k in r] for r in _batches(len(indices), self.batch_size, threads)]
        queue.reverse()  # pop() from the end: batches go out in path order
        window = max(2, 3 * threads)  # batches in flight: bounds the texts held for inputs="text"
        pending: dict[Any, tuple[Any, list[int]]] = {}
        done = as_completed()

        def submit_next() -> None:
            while queue:
                batch = []
                for i in queue.pop():
                    try:
                        source = ("text", texts.pop(i)) if i in texts else self._source(self.files[i])
                    except InputError as exc:  # inputs="text": read here
                        collect(i, failed_file(self.files[i].path, str(exc)))
                        continue
                    batch.append((i, self.files[i].path, source))
                if batch:
                    part = self.client.submit(lint_part, self.recipe, self.fingerprint, self.job.selection,
                                              self.job.verbose, self.cache_args, batch, retries=RETRIES, pure=False)
                    overview = self.client.submit(part_overview, part, retries=RETRIES, pure=False)
                    pending[overview] = (part, [i for i, _, _ in batch])
                    done.add(overview)
                    return

        for _ in range(window):
            submit_next()
        for overview in done:
            part, batch_indices = pending.pop(overview)
            try:
                rows, digs, n = overview.result()
            except Exception as exc:  # noqa: BLE001 - a worker died (KilledWorker) or the task kept failing
                if len(batch_indices) > 1:
                    queue.extend([i] for i in reversed(batch_indices))  # again, one file per task
                else:
                    path = self.files[batch_indices[0]].path
                    message = (f"{path}: the Dask worker linting this file failed ({type(exc).__name__}: {exc}); "
                               "the task was retried and then given up; please report this file")
                    collect(batch_indices[0], failed_file(path, message, "input.worker-failed"))
                submit_next()
                continue
            for i, res in rows:
                collect(i, res)
            self.digests.update(digs)
            self.counts.update(n)
            self.parts.append((part, batch_indices))
            submit_next()
        return [results[i] for i in indices]

    def _place_hits(self, results: list[FileResult]) -> None:
        """Cache hits hold their summaries here: they join the others on the cluster, as parts."""
        if self._hits_placed:
            return
        self._hits_placed = True
        hits = [(i, r) for i, r in enumerate(results) if r.document is not None]
        for k in range(0, len(hits), self.batch_size):
            part = Part()
            for i, r in hits[k:k + self.batch_size]:
                res = FileResult(r.path, r.format, summaries=r.summaries, summary_failures=r.summary_failures)
                _add(part, i, res, r.document.text)
            self.digests.update(part.digests)
            for sid, summaries in part.summaries.items():
                self.counts[sid] += len(summaries)
            self.parts.append((self.client.scatter(part), [i for i, _ in hits[k:k + self.batch_size]]))
        self.parts.sort(key=lambda p: p[1][0])

    def corpus(self, check_id: str, results: list[FileResult]) -> "DaskCorpus":
        self._place_hits(results)
        return DaskCorpus(self.client, check_id, self.parts, self.counts[check_id])

    def place(self, problems: dict[str, list[tuple[Any, Any, Any]]], results: list[FileResult],
              selection: Selection) -> None:
        """Stage 3: each file with corpus problems is re-read and re-parsed on a worker."""
        index = {f.path: i for i, f in enumerate(self.files)}
        paths = sorted((p for p in problems if index[p] in self.digests), key=index.__getitem__)
        futures = []
        for chunk in (paths[k:k + self.batch_size] for k in range(0, len(paths), self.batch_size)):
            items = []
            for path in chunk:
                i = index[path]
                try:
                    source = self._source(self.files[i])
                except InputError as exc:
                    results[i].errors.append(error_entry(None, str(exc)))
                    continue
                items.append((path, source, self.digests[i], [(spec.id, p) for spec, _, p in problems[path]]))
            futures.append(self.client.submit(materialise_part, self.recipe, self.fingerprint, selection,
                                              items, retries=RETRIES, pure=False))
        for future in futures:
            for path, findings, err in future.result():
                res = results[index[path]]
                res.findings.extend(findings)
                if err:
                    res.errors.append(error_entry(None, err))


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
