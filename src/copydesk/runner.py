"""The run: discover -> per-document stage (cached) -> corpus stage -> findings, on any executor.

1. **Discover** the files (missing paths become ``input.missing`` results).
2. **Per-document stage**, with the cache in front: a file whose text and configuration were
   linted before is taken from the cache (parsed document, findings and corpus summaries); the
   others go to the executor, which runs :class:`copydesk.executors.Job` on each (serial, process
   pool or Dask: :func:`executor_for`) and writes the cache where it ran.
3. **Corpus stage**: each corpus check's ``check(corpus, options)`` over the summaries, through
   the executor's session (in memory here; on the cluster for Dask). A failing check is reported
   on every parsed document.
4. **Findings** for the corpus problems are placed by the session, then every file's findings
   are sorted and their fingerprints made unique (:func:`finalize`).

The runner knows no particular check: checks reach it only through the registry's contract.
"""

from __future__ import annotations

import traceback
from collections import defaultdict
from array import array
from typing import Any, Callable, Container, Iterator, Sequence

from copydesk.executors import Job, local_executor
from copydesk.inputs import InputError, InputFile, discover, read
from copydesk.lint import Selection, check_options, corpus_summaries, enabled_checks
from copydesk.results import FileResult, error_entry, failed_file, finalize


def missing_results(missing: list[tuple[str, str]]) -> list[FileResult]:
    """Results for paths that do not exist: an error entry and an ``input.missing`` finding each."""
    return [failed_file(path, message, "input.missing") for path, message in missing]


def _misses(job: Job, files: Sequence[InputFile], done: dict[int, FileResult], progress: Callable[[str], Any] | None
            ) -> Iterator[tuple[int, InputFile, str]]:
    """The files to lint, as a stream: ``(index, file, text)``, the text read to look the file up
    in the cache. Cache hits (and unreadable files) go into ``done`` by index as the stream is
    consumed, so the texts of the misses are held only as long as the executor holds them."""
    cache = job.cache
    corpus_ids = {s.id for s, _ in enabled_checks(job.config, "", "corpus", job.selection)}
    for i, file in enumerate(files):
        try:
            text = read(file)
        except InputError as exc:
            done[i] = failed_file(file.path, str(exc))
            continue
        hit = cache.get(cache.key(file.path, text), file.path, text)
        if hit is None:
            yield i, file, text
            continue
        wanted = corpus_ids - set(hit.summaries)
        if wanted and hit.document is not None:  # a summary the cache could not store: made again
            hit.summaries.update(corpus_summaries(hit.document, job.config, job.selection, hit.summary_failures,
                                                 wanted))
        done[i] = hit
        if progress:
            progress(file.path)


def corpus_stage(job: Job, session: Any, results: list[FileResult]) -> None:
    """Run the corpus checks over the per-document results' summaries and place their findings."""
    config, selection = job.config, job.selection
    paths: Container[str] | None = None  # the documents that parsed (asked for when a check found problems here)
    problems: dict[str, list[tuple[Any, Any, Any]]] = defaultdict(list)
    for spec, cc in enabled_checks(config, "", "corpus", selection):
        opts = check_options(spec, cc, config)
        try:
            failed = session.summary_failure(spec.id, results)
            if failed is not None:
                raise _SummaryFailed(failed)
            found = list(spec.func(session.corpus(spec.id, results), opts))
        except Exception as exc:  # noqa: BLE001 - one failing corpus check must not lose the rest
            reason = str(exc) if isinstance(exc, _SummaryFailed) else f"{type(exc).__name__}: {exc}"
            trace = traceback.format_exc() if job.verbose else None
            session.fail(results, lambda: error_entry(spec.id, f"corpus check {spec.id} failed: {reason}", trace))
            continue
        if found and paths is None:
            paths = session.parsed_paths(results)
        for p in found:
            if p.path in paths:
                problems[p.path].append((spec, config.for_path(p.path).get(spec.id, cc), p))
    session.place(dict(problems), results, selection)


def run_corpus_checks(results: list[FileResult], config: Any, selection: Selection, verbose: bool = False) -> None:
    """The corpus stage over per-document results held here (e.g. an editor's open documents)."""
    from copydesk.executors import LocalSession, SerialExecutor

    job = Job(config, selection, verbose)
    corpus_stage(job, LocalSession(SerialExecutor(), job, []), results)


class _SummaryFailed(Exception):
    """A corpus check whose ``summarise`` raised on some document (the message says how)."""


def lint_paths(paths: list[str], config: Any, selection: Selection | None = None, verbose: bool = False,
               progress: Callable[[str], Any] | None = None, jobs: int = 1, cache: Any = None,
               executor: Any = None) -> list[FileResult]:
    """Lint files and folders; unreadable or missing inputs become error entries.

    ``executor`` (default: :func:`copydesk.executors.local_executor` of ``jobs``) decides where the
    per-document stage runs, ``cache`` (a :class:`copydesk.cache.Cache`) reuses earlier
    per-document results; neither changes the output.
    """
    files, missing = discover(paths, config.exclude)
    job = Job(config, selection or Selection(), verbose, cache)
    return finalize(missing_results(missing) + _run(job, executor or local_executor(jobs), files, {}, progress))


def write_paths(paths: list[str], output: str, config: Any, selection: Selection | None = None,
                verbose: bool = False, progress: Callable[[str], Any] | None = None, jobs: int = 1,
                cache: Any = None, executor: Any = None) -> Any:
    """:func:`lint_paths`, its report written as shards to ``output`` (a folder or fsspec URL,
    :mod:`copydesk.shards`) by whoever holds the results: the Dask executor's workers never send
    them here. Returns the :class:`copydesk.shards.Tally` of what was written."""
    from copydesk.shards import location, prepare

    output = location(output)
    prepare(output)
    files, missing = discover(paths, config.exclude)
    job = Job(config, selection or Selection(), verbose, cache)
    with (executor or local_executor(jobs)).session(job, files, output) as session:
        return session.write(_stages(job, session, files, {}, progress), missing_results(missing))


def lint_texts(texts: dict[str, str], config: Any, selection: Selection | None = None, verbose: bool = False,
               executor: Any = None) -> list[FileResult]:
    """:func:`lint_paths` for documents held in memory (``path -> text``; nothing is read or cached)."""
    files = [InputFile(path, path) for path in sorted(texts)]
    job = Job(config, selection or Selection(), verbose)
    return finalize(_run(job, executor or local_executor(1), files, texts, None))


def _run(job: Job, executor: Any, files: list[InputFile], texts: dict[str, str],
         progress: Callable[[str], Any] | None) -> list[FileResult]:
    """Per-document results of ``files`` (texts given or read), then the corpus stage over them."""
    if not files:
        return []
    with executor.session(job, files) as session:
        return _stages(job, session, files, texts, progress)


def _stages(job: Job, session: Any, files: list[InputFile], texts: dict[str, str],
            progress: Callable[[str], Any] | None) -> list[FileResult]:
    """The per-document stage (cache first) and the corpus stage of ``files`` in ``session``."""
    if texts or job.cache is None:  # every file goes to the executor, in order
        todo = ((i, f, texts[f.path] if texts else None) for i, f in enumerate(files))
        per_document = list(session.run(todo, progress))
    else:
        done: dict[int, FileResult] = {}
        linted = array("q")  # the misses' indices, in the order the executor gets them

        def misses() -> Iterator[tuple[int, InputFile, str]]:
            for item in _misses(job, files, done, progress):
                linted.append(item[0])
                yield item

        for i, res in zip(linted, list(session.run(misses(), progress))):
            done[i] = res
        per_document = [done[i] for i in range(len(files))]
    corpus_stage(job, session, per_document)
    return per_document
