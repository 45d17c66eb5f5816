"""Running the per-document stage over many files: cache look-ups, then a process pool.

The per-document stage is :func:`copydesk.engine.lint_text`, a pure function of (path, text,
config); this module only decides where it runs. Files are read in the parent (in sorted
order), cache hits are taken as they are, and misses go to ``jobs`` worker processes. Each
worker builds the configuration once: a forked worker inherits the parent's; a spawned one
rebuilds it from the picklable :class:`~copydesk.profiles.ConfigRecipe` (pattern-rule checks hold
closures, so the configuration itself is never shipped) and checks that its fingerprint matches.
Results come back in input order, so output is byte-identical whatever ``jobs`` is.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import threading
import traceback
from typing import Any, Callable

from copydesk.engine import FileResult, Selection, _error, _input_finding, corpus_summaries, lint_text
from copydesk.inputs import InputError, InputFile, read

# Below this many documents to lint, a pool costs more than it saves.
MIN_PARALLEL_DOCS = 4

_STATE: dict[str, Any] = {}  # per-process: config, selection, verbose, cache
_INHERITED: dict[str, Any] = {}  # set in the parent just before forking


def default_jobs() -> int:
    """All cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def lint_one(path: str, text: str, config: Any, selection: Selection, verbose: bool = False) -> FileResult:
    """:func:`lint_text`, with a failure outside any check (a parser bug) kept to this file."""
    try:
        return lint_text(path, text, config, selection, verbose)
    except Exception as exc:  # noqa: BLE001 - one bad document must not stop the run
        res = FileResult(path, None)
        message = f"{path}: could not be parsed ({type(exc).__name__}: {exc}); please report this file"
        res.errors.append(_error(None, message, traceback.format_exc() if verbose else None))
        res.findings.append(_input_finding(path, message, "input.parse-failed"))
        return res


def _work(item: tuple[str, str, str | None]) -> FileResult:
    path, text, key = item
    result = lint_one(path, text, _STATE["config"], _STATE["selection"], _STATE["verbose"])
    if result.document is not None:  # corpus checks' summaries too: in parallel, and cached
        result.summaries = corpus_summaries(result.document, _STATE["config"], _STATE["selection"])
        result.document.drop_caches()  # the checks' caches are never read again: not shipped, not kept
    cache = _STATE.get("cache")
    if cache is not None and key is not None:
        cache.put(key, result)
    return result


def _work_packed(item: tuple[str, str, str | None]) -> bytes:
    """:func:`_work` for a pool worker: the result already pickled, so that the parent keeps
    it as bytes (about a third of its size as objects) until the pool is done."""
    return pickle.dumps(_work(item), protocol=pickle.HIGHEST_PROTOCOL)


def _init_worker(recipe: Any, fingerprint: str, selection: Selection, verbose: bool, cache_args: Any) -> None:
    config = _INHERITED.get("config")
    if config is None:
        from copydesk.profiles import build_config

        config = build_config(recipe)
        if config.fingerprint() != fingerprint:
            raise RuntimeError("worker configuration differs from the parent's")
    _STATE.update(config=config, selection=selection, verbose=verbose, cache=None)
    if cache_args is not None:
        from copydesk.cache import Cache

        _STATE["cache"] = Cache(*cache_args)


def _context() -> Any:
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def _warm_harper() -> None:
    import harper

    harper.Linter(harper.Dialect.AMERICAN)  # loads Harper's dictionary: once per process, then shared


def warm_up(config: Any, selection: Selection) -> threading.Thread | None:
    """Start loading the grammar engine in a background thread, when this run will use it.

    Harper's first linter in a process costs seconds (its dictionary); the build releases the GIL,
    so it overlaps reading and parsing, and forked workers inherit the loaded dictionary instead
    of each loading their own (less time and, shared copy-on-write, less memory)."""
    if (config.settings.get("grammar_engine") or "harper") != "harper":
        return None
    if not any(spec.module.startswith("copydesk.checks.grammar.") and cc.enabled and spec.scope == "document"
               and selection.may_run(spec) for rid, cc in config.checks.items()
               for spec in [config.specs[rid]]):
        return None
    thread = threading.Thread(target=_quietly(_warm_harper), name="copydesk-warm-up", daemon=True)
    thread.start()
    return thread


def _quietly(func: Callable[[], Any]) -> Callable[[], None]:
    def run() -> None:
        try:
            func()
        except Exception:  # noqa: BLE001 - the check itself reports a missing or broken engine
            pass
    return run


def _read_error(file: InputFile, message: str) -> FileResult:
    res = FileResult(file.path, None)
    res.errors.append(_error(None, message))
    res.findings.append(_input_finding(file.path, message))
    return res


def lint_files(files: list[InputFile], config: Any, selection: Selection, verbose: bool = False,
               jobs: int = 1, cache: Any = None, progress: Callable[[str], Any] | None = None) -> list[FileResult]:
    """Per-document results for ``files`` in the same order, from the cache or computed."""
    results: list[FileResult | None] = [None] * len(files)
    todo: list[tuple[int, tuple[str, str, str | None]]] = []
    for i, file in enumerate(files):
        try:
            text = read(file)
        except InputError as exc:
            results[i] = _read_error(file, str(exc))
            continue
        key = cache.key(file.path, text) if cache is not None else None
        hit = cache.get(key, file.path, text) if key is not None else None
        if hit is not None:
            results[i] = hit
            if progress:
                progress(file.path)
        else:
            todo.append((i, (file.path, text, key)))

    warming = warm_up(config, selection) if todo else None  # a fully cached run needs no engine
    _STATE.update(config=config, selection=selection, verbose=verbose, cache=cache)
    items = [item for _, item in todo]
    pooling = jobs > 1 and len(items) >= MIN_PARALLEL_DOCS
    if pooling and _context().get_start_method() == "fork":
        # Prime: lint a short sample here, so every lazily loaded dictionary, model and engine
        # exists once in this process; forked workers then share it copy-on-write instead of
        # each loading its own (time and memory).
        from copydesk._prime import prime

        prime(_work)
    if warming is not None and pooling:
        warming.join()  # never fork while the engine is being built in another thread
    done = _run_pool(items, config, selection, verbose, jobs, cache, progress) if pooling else None
    if done is None:
        done = _run_here(items, jobs > 1 and warming is not None, progress)
    if warming is not None:
        warming.join()  # in one process the build overlapped the checks that run before the grammar ones
    for (i, _), res in zip(todo, done):
        results[i] = res
    return [r for r in results if r is not None]


def _run_here(items: list[tuple[str, str, str | None]], spare_core: bool,
              progress: Callable[[str], Any] | None) -> list[FileResult]:
    """Results computed in this process. With a core to spare (several jobs but too few documents
    for a pool) and Harper in use, its spelling pass runs in a thread beside its other rules."""
    engine = None
    if spare_core:
        from copydesk.checks.grammar import _engine as engine

        engine.concurrent_passes(True)
    try:
        out = []
        for item in items:
            out.append(_work(item))
            if progress:
                progress(item[0])
        return out
    finally:
        if engine is not None:
            engine.concurrent_passes(False)


def _run_pool(items: list[tuple[str, str, str | None]], config: Any, selection: Selection,
              verbose: bool, jobs: int, cache: Any, progress: Callable[[str], Any] | None) -> list[FileResult] | None:
    """Results computed by a process pool, or None to run in this process instead."""
    import gc
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    if len(items) < MIN_PARALLEL_DOCS:
        return None
    ctx = _context()
    recipe = getattr(config, "recipe", None)
    if ctx.get_start_method() != "fork" and recipe is None:
        return None  # a configuration built by hand cannot be rebuilt in a spawned worker
    jobs = min(jobs, len(items))
    cache_args = (cache.directory, cache.salt) if cache is not None else None
    chunk = max(1, min(16, len(items) // (jobs * 8)))
    if ctx.get_start_method() == "fork":
        _INHERITED["config"] = config
        gc.freeze()  # keep the collector from touching (and so copying) the inherited objects
    try:
        with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_init_worker,
                                 initargs=(recipe, config.fingerprint(), selection, verbose, cache_args)) as pool:
            packed = []
            for (path, _, _), blob in zip(items, pool.map(_work_packed, items, chunksize=chunk)):
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
