"""Where the per-document stage runs: in this process, or in a pool of worker processes.

Every executor runs the same :class:`Job` (:func:`copydesk.lint.lint_document`, then the cache
write) over ``(path, text)`` items and returns the results in the items' order, so the report
never depends on the executor (the model is flake8's ``checker.Manager``, which picks
``run_serial`` or ``run_parallel`` around one ``FileChecker``). The runner
(:mod:`copydesk.runner`) reads the files, takes cache hits and hands only the misses to an
executor; it then asks the executor's session for the corpus view of the summaries and for the
placing of corpus findings (:class:`LocalSession` here; Dask's in :mod:`copydesk.distributed`).

A pool's workers share one run-scoped memo store (:func:`copydesk.memo.run_store`), which the
executor creates before the workers start and removes when they are done: a check that memoises by
content (the off-topic sentence vectors) computes each value once per run, not once per worker.

Pool workers build the configuration once: a forked worker inherits the parent's; a spawned one
rebuilds it from the picklable :class:`~copydesk.profiles.ConfigRecipe` (pattern-rule checks hold
closures, so the configuration itself is never shipped) and checks that its fingerprint matches.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import pickle
import threading
from dataclasses import dataclass
from typing import Any, Callable, Iterator

from copydesk import memo
from copydesk.corpus import LocalCorpus
from copydesk.findings import Problem
from copydesk.inputs import InputError, InputFile, read
from copydesk.lint import Selection, engines_beside, lint_document
from copydesk.placing import place_on_documents
from copydesk.results import FileResult, failed_file

# Below this many documents to lint, a pool costs more than it saves.
MIN_PARALLEL_DOCS = 4

Item = tuple[str, str]  # (path, text)
Progress = Callable[[str], Any] | None


def default_jobs() -> int:
    """All cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


@dataclass
class Job:
    """The per-document work, as every executor runs it: lint, summarise, then store in the cache.

    The one place a document's processing is wrapped (a time budget per document belongs here)."""

    config: Any
    selection: Selection
    verbose: bool = False
    cache: Any = None  # copydesk.cache.Cache: written from wherever the document was linted

    def __call__(self, item: Item) -> FileResult:
        path, text = item
        result = lint_document(path, text, self.config, self.selection, self.verbose)
        if self.cache is not None and not any("budget" in e for e in result.errors):
            self.cache.put(self.cache.key(path, text), result)  # not a result cut short by a time budget
        return result


def warm_up(job: Job) -> threading.Thread | None:
    """Start the running checks' ``warm_up`` hooks (e.g. loading a grammar engine's dictionary)
    in a background thread: it overlaps reading and parsing, and forked workers inherit what it
    loaded instead of each loading their own. None when no running check has one."""
    from copydesk.lint import check_options, enabled_checks

    hooks = []
    for spec, cc in enabled_checks(job.config, "", "document", job.selection):
        if spec.warm_up is not None and spec.warm_up not in [h for h, _ in hooks]:
            hooks.append((spec.warm_up, check_options(spec, cc, job.config)))
    if not hooks:
        return None

    def run() -> None:
        for hook, options in hooks:
            try:
                hook(options)
            except Exception:  # noqa: BLE001 - the check itself reports a missing or broken engine
                pass

    thread = threading.Thread(target=run, name="copydesk-warm-up", daemon=True)
    thread.start()
    return thread


@contextlib.contextmanager
def spare_core(job: Job) -> Iterator[None]:
    """Let the running checks use a second core inside one document (their ``spare_core`` hook;
    those checks also run beside the others), while several jobs were asked for but too few
    documents make a pool worth it."""
    from copydesk.lint import enabled_checks

    hooks = []
    for spec, _ in enabled_checks(job.config, "", "document", job.selection):
        if spec.spare_core is not None and spec.spare_core not in hooks:
            hooks.append(spec.spare_core)
    for hook in hooks:
        hook(True)
    engines_beside(bool(hooks))  # the checks that have such a hook run beside the others
    try:
        yield
    finally:
        engines_beside(False)
        for hook in hooks:
            hook(False)


class LocalSession:
    """One run on this machine: the executor lints; summaries and documents stay in this process
    (with an output folder, :class:`copydesk.spill.SpillSession` keeps only the summaries)."""

    def __init__(self, executor: "SerialExecutor", job: Job, files: list[InputFile]) -> None:
        self.executor, self.job, self.files, self.jobs = executor, job, files, executor.jobs

    def run(self, items: list[tuple[int, InputFile, str | None]], progress: Progress) -> list[FileResult]:
        """The per-document stage for ``items`` (file index, file, text if read), in their order."""
        return self.executor.run(self.job, [(f, t) for _, f, t in items], progress)

    def summary_failure(self, check_id: str, results: list[FileResult]) -> str | None:
        """Why the first document that parsed has no summary for ``check_id``, if one has none."""
        return next((r.summary_failures[check_id] for r in results
                     if r.format is not None and check_id in r.summary_failures), None)

    def fail(self, results: list[FileResult], entry: Callable[[], dict[str, Any]]) -> None:
        """A corpus check failed: its error entry (``entry()``) on every document that parsed."""
        for r in results:
            if r.format is not None:
                r.errors.append(entry())

    def parsed_paths(self, results: list[FileResult]) -> set[str]:
        return {r.path for r in results if r.format is not None}

    def corpus(self, check_id: str, results: list[FileResult]) -> LocalCorpus:
        return LocalCorpus([r.summaries[check_id] for r in results if check_id in r.summaries], self.jobs)

    def place(self, problems: dict[str, list[tuple[Any, Any, Problem]]], results: list[FileResult],
              selection: Selection) -> None:
        place_on_documents(problems, results, selection)


class SerialExecutor:
    """Everything in this process."""

    jobs = 1

    @contextlib.contextmanager
    def session(self, job: Job, files: list[InputFile], output: str | None = None) -> Iterator[Any]:
        """A run of ``job`` over ``files``; with ``output`` (a folder or fsspec URL) the results
        are spilled as they come and the run ends with :meth:`copydesk.spill.SpillSession.write`
        instead of returning them."""
        if output is None:
            yield LocalSession(self, job, files)
            return
        from copydesk.spill import SpillSession

        session = SpillSession(self, job, files, output)
        try:
            yield session
        finally:
            session.close()

    def run(self, job: Job, inputs: list[tuple[InputFile, str | None]], progress: Progress = None) -> list[FileResult]:
        """Results for ``inputs`` (a file, and its text when the runner has read it), in order."""
        results: list[FileResult | None] = [None] * len(inputs)
        todo: list[int] = []
        items: list[Item] = []
        for i, (file, text) in enumerate(inputs):  # read here, in path order, before any work starts
            if text is None:
                try:
                    text = read(file)
                except InputError as exc:
                    results[i] = failed_file(file.path, str(exc))
                    continue
            todo.append(i)
            items.append((file.path, text))
        for i, res in zip(todo, self._lint(job, items, progress)):
            results[i] = res
        return [r for r in results if r is not None]

    def _lint(self, job: Job, items: list[Item], progress: Progress) -> list[FileResult]:
        warming = warm_up(job) if items else None
        try:
            return _run_here(job, items, progress)
        finally:
            if warming is not None:
                warming.join()  # the build overlapped the checks that run before the ones needing it


def _run_here(job: Job, items: list[Item], progress: Progress) -> list[FileResult]:
    out = []
    for item in items:
        out.append(job(item))
        if progress:
            progress(item[0])
    return out


_STATE: dict[str, Any] = {}  # per pool worker: the job
_INHERITED: dict[str, Any] = {}  # set in the parent just before forking


def _work_packed(item: Item) -> bytes:
    """The job in a pool worker, its result already pickled, so that the parent keeps it as bytes
    (about a third of its size as objects) until the pool is done."""
    return pickle.dumps(_STATE["job"](item), protocol=pickle.HIGHEST_PROTOCOL)


def _init_worker(recipe: Any, fingerprint: str, selection: Selection, verbose: bool, cache_args: Any,
                 store: str | None) -> None:
    memo.attach(store)  # a forked worker has it already; a spawned one needs it
    config = _INHERITED.get("config")
    if config is None:
        from copydesk.profiles import worker_config

        config = worker_config(recipe, fingerprint)
    cache = None
    if cache_args is not None:
        from copydesk.cache import Cache

        cache = Cache(*cache_args)
    _STATE["job"] = Job(config, selection, verbose, cache)


def _context() -> Any:
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


class PoolExecutor(SerialExecutor):
    """A pool of ``jobs`` worker processes; in this process when there are too few documents
    (then with a spare core for the checks) or the pool breaks (never losing a file)."""

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs

    def _lint(self, job: Job, items: list[Item], progress: Progress) -> list[FileResult]:
        warming = warm_up(job) if items else None  # a fully cached run needs no engine
        pooling = len(items) >= MIN_PARALLEL_DOCS
        if pooling and _context().get_start_method() == "fork":
            # Prime: lint a short sample here, so every lazily loaded dictionary, model and engine
            # exists once in this process; forked workers then share it copy-on-write instead of
            # each loading its own (time and memory).
            from copydesk._prime import prime

            prime(Job(job.config, job.selection, job.verbose))
        if warming is not None and pooling:
            warming.join()  # never fork while the engine is being built in another thread
        # the workers share the checks' memos (copydesk.memo): content met by one is not redone by another
        with memo.run_store() if pooling else contextlib.nullcontext() as store:
            done = self._run_pool(job, items, progress, store) if pooling else None
            if done is None:
                with spare_core(job) if warming is not None else contextlib.nullcontext():
                    done = _run_here(job, items, progress)
        if warming is not None:
            warming.join()
        return done

    def _run_pool(self, job: Job, items: list[Item], progress: Progress, store: str | None
                  ) -> list[FileResult] | None:
        """Results computed by the pool (sharing the memo ``store``), or None to run in this process instead."""
        import gc
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool

        ctx = _context()
        config = job.config
        recipe = getattr(config, "recipe", None)
        if ctx.get_start_method() != "fork" and recipe is None:
            return None  # a configuration built by hand cannot be rebuilt in a spawned worker
        jobs = min(self.jobs, len(items))
        cache_args = (job.cache.directory, job.cache.salt) if job.cache is not None else None
        chunk = max(1, min(16, len(items) // (jobs * 8)))
        if ctx.get_start_method() == "fork":
            _INHERITED["config"] = config
            gc.freeze()  # keep the collector from touching (and so copying) the inherited objects
        try:
            with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_init_worker,
                                     initargs=(recipe, config.fingerprint(), job.selection, job.verbose,
                                               cache_args, store)) as pool:
                packed = []
                for (path, _), blob in zip(items, pool.map(_work_packed, items, chunksize=chunk)):
                    packed.append(blob)
                    if progress:
                        progress(path)
        except (BrokenProcessPool, OSError, RuntimeError):
            return None  # e.g. a worker was killed: fall back to one process rather than lose files
        finally:
            _INHERITED.clear()
            gc.unfreeze()
        # unpacked once the workers are gone, so results and workers never take memory at once
        out = []
        for i, blob in enumerate(packed):
            out.append(pickle.loads(blob))
            packed[i] = b""
        return out


def local_executor(jobs: int) -> SerialExecutor:
    """The executor for ``--jobs N`` on this machine."""
    return SerialExecutor() if jobs <= 1 else PoolExecutor(jobs)
