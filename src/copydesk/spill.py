"""The local engine's ``--output-dir``: each result spilled as it arrives, the report written as shards.

Without an output folder the local engine holds every file's result (its findings, and its parsed
document for placing corpus findings) until the formatter writes the one report. With one, nothing
that grows with the findings stays in memory, as with the Dask client:

1. The per-document stage runs over :data:`WINDOW` files at a time (the executor's own
   ``run``: in this process or its pool). Each result is pickled at once to a temporary spill
   file, with a digest of the document's text and its :class:`copydesk.placing.Placing`; the
   session keeps only what the corpus stage needs: each document's corpus summaries, whether it
   parsed, and each check's first summary failure. The runner holds :data:`copydesk.held.HELD`
   for the file.
2. The corpus checks run over the summaries in memory (:class:`copydesk.corpus.LocalCorpus`, in
   file order, as without an output folder); the problems of spilled files wait for the last stage.
3. The spill is read back in order: each file's corpus problems are placed on its text read again
   (digest checked, as on the Dask workers: :func:`copydesk.placing.place`), the failed corpus
   checks' errors added, and the finished results written as shards of ``FILES_PER_SHARD`` files.

The merged report is byte-identical to the one-report run's (the same placing code as the Dask
workers; tested in ``tests/test_shards.py``).
"""

from __future__ import annotations

import itertools
import pickle
import tempfile
from collections import defaultdict
from typing import Any, Callable, Iterable, Iterator

from copydesk.corpus import LocalCorpus
from copydesk.held import HELD, HeldResults
from copydesk.inputs import InputFile, read
from copydesk.lint import Selection
from copydesk.placing import Placing, digest, place, place_on_documents
from copydesk.results import FileResult

WINDOW = 1000  # files linted before their results are spilled: what the per-document stage holds at most


class SpillSession(HeldResults):
    """One local run whose report goes to shards in ``output`` (see the module docstring)."""

    def __init__(self, executor: Any, job: Any, files: list[InputFile], output: str) -> None:
        """``executor``: a :class:`copydesk.executors.SerialExecutor` (or its pool); ``job``: its
        :class:`copydesk.executors.Job` (not imported: the executors make this session)."""
        super().__init__()
        self.executor, self.job, self.files, self.jobs, self.output = executor, job, files, executor.jobs, output
        self._spill = tempfile.TemporaryFile(prefix="copydesk-spill-")
        self._summaries: dict[str, list[tuple[int, Any]]] = defaultdict(list)  # check id -> (file index, summary)

    def close(self) -> None:
        self._spill.close()

    def run(self, items: Iterable[tuple[int, InputFile, str | None]], progress: Callable[[str], Any] | None) -> list[Any]:
        """The per-document stage for ``items`` (file index, file, text if read), a window at a
        time; :data:`HELD` for each file (its result is in the spill)."""
        out: list[Any] = []
        stream = iter(items)
        while window := list(itertools.islice(stream, WINDOW)):
            for (i, _, _), res in zip(window, self.executor.run(self.job, [(f, t) for _, f, t in window], progress)):
                self._keep(i, res)
                out.append(HELD)
        return out

    def _keep(self, index: int, res: FileResult) -> None:
        """Spill ``res``; keep its summaries and summary failures for the corpus stage."""
        doc, res.document = res.document, None
        summaries, res.summaries = res.summaries, {}
        for sid, why in res.summary_failures.items():
            self._note_failure(sid, index, why)
        if doc is not None:
            for sid, summary in summaries.items():
                self._summaries[sid].append((index, summary))
        held = (index, res, digest(doc.text), Placing(doc)) if doc is not None else (index, res, None, None)
        pickle.dump(held, self._spill, protocol=pickle.HIGHEST_PROTOCOL)

    def corpus(self, check_id: str, results: list[Any]) -> LocalCorpus:
        """The summaries of the spilled files and of those held here (cache hits), in file order."""
        here = [(i, r.summaries[check_id]) for i, r in enumerate(results)
                if r is not HELD and check_id in r.summaries]
        merged = sorted(self._summaries.get(check_id, []) + here, key=lambda x: x[0]) if here \
            else self._summaries.get(check_id, [])
        return LocalCorpus([s for _, s in merged], self.jobs)

    def place(self, problems: dict[str, list[tuple[Any, Any, Any]]], results: list[Any],
              selection: Selection) -> None:
        """Problems of spilled files wait for :meth:`write`; those of files held here are placed now."""
        here = self._hold_problems(problems, results)
        if here:
            place_on_documents(here, results, selection)

    def _finished(self, results: list[Any]) -> Iterator[FileResult]:
        """Every file's result in file order: read back from the spill and finished, or held here."""
        config, selection = self.job.config, self.job.selection
        self._spill.seek(0)
        for i, r in enumerate(results):
            if r is not HELD:
                yield r
                continue
            index, res, digested, placing = pickle.load(self._spill)
            if index != i:
                raise RuntimeError(f"the spill file holds file {index} where file {i} was expected")
            problems = self._problems.pop(i, [])
            if problems:
                place(config, selection, res, problems, lambda: read(self.files[i]), digested, placing)
            if res.format is not None:
                res.errors.extend(dict(e) for e in self._failed)
            yield res

    def write(self, results: list[Any], extra: list[FileResult]) -> Any:
        """The finished results (and ``extra``: missing files) as shards and the manifest; their tally."""
        from copydesk.shards import write_results

        return write_results(self.output, itertools.chain(self._finished(results), extra), self.job.config)
