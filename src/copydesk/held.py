"""What a session keeps of results it does not hold: one marker per file, and the run's few facts.

Two sessions leave each file's result elsewhere until the last stage: the Dask executor's on the
workers (:mod:`copydesk.distributed`), the local engine's ``--output-dir`` run in a spill file
(:mod:`copydesk.spill`). The runner's list of results then holds :data:`HELD` for such a file (one
object for all: nothing per file), and the session answers the corpus stage's questions (the first
summary failure of a check, the failed checks, the documents that parsed, the problems to place)
with :class:`HeldResults`, so that both sessions behave the same.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

from copydesk.findings import Problem
from copydesk.inputs import InputFile


class _Held:
    """The stand-in for every file whose result is held elsewhere until the last stage (one
    object for all: the session keeps nothing per file)."""

    __slots__ = ()
    document = None
    format = None

    def __repr__(self) -> str:
        return "HELD"


HELD = _Held()


class HeldResults:
    """The corpus stage's side of a session whose results are :data:`HELD` elsewhere. Results
    held here (cache hits, files that could not be read) are answered from themselves."""

    files: Sequence[InputFile]

    def __init__(self) -> None:
        self._summary_failures: dict[str, tuple[int, str]] = {}  # check id -> its first failure (index, why)
        self._failed: list[dict[str, Any]] = []  # error entries of the corpus checks that failed
        self._problems: dict[int, list[tuple[str, Any]]] = {}  # file index -> (check id, problem) to place

    def _note_failure(self, sid: str, index: int, why: str) -> None:
        """Keep, per check, the first (by file index) summary failure of the held files."""
        if sid not in self._summary_failures or index < self._summary_failures[sid][0]:
            self._summary_failures[sid] = (index, why)

    def summary_failure(self, check_id: str, results: list[Any]) -> str | None:
        """Why the first document that parsed has no summary for ``check_id``, if one has none."""
        first = self._summary_failures.get(check_id)
        for i, r in enumerate(results):
            if first is not None and i >= first[0]:
                break
            if r is not HELD and r.format is not None and check_id in r.summary_failures:
                return r.summary_failures[check_id]
        return first[1] if first else None

    def fail(self, results: list[Any], entry: Callable[[], dict[str, Any]]) -> None:
        """A corpus check failed: its error entry on every document that parsed (the held ones
        get it in the last stage)."""
        self._failed.append(entry())
        for r in results:
            if r is not HELD and r.format is not None:
                r.errors.append(entry())

    def parsed_paths(self, results: list[Any]) -> set[str]:
        """The documents that parsed or may have (those held elsewhere): only asked for when a
        check made problems here."""
        return {f.path for f, r in zip(self.files, results) if r is HELD or r.format is not None}

    def _hold_problems(self, problems: dict[str, list[tuple[Any, Any, Problem]]], results: list[Any]
                       ) -> dict[str, list[tuple[Any, Any, Problem]]]:
        """Keep the problems of held files for the last stage; return those of files held here."""
        index = {f.path: i for i, f in enumerate(self.files)} if problems else {}
        here: dict[str, list[tuple[Any, Any, Problem]]] = {}
        for path, found in problems.items():
            i = index[path]
            if results[i] is HELD:
                self._problems[i] = [(spec.id, p) for spec, _, p in found]
            elif results[i].document is not None:
                here[path] = list(found)
        return here
