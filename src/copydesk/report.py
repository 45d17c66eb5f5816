"""The JSON report model: one dict every formatter reads (a contract, version 1).

``report["files"]`` is a sequence of file entries (dicts) made as they are read.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from typing import Any, overload

from copydesk import __version__
from copydesk.results import FileResult

REPORT_VERSION = 1


class FileEntries(Sequence):
    """The report's ``files``: each entry is made from its result when it is read, so a large
    report never holds every finding twice (as objects and as dicts) while it is written.
    Entries are equal to, and read like, a list of dicts; they are not kept, so edit the result."""

    def __init__(self, results: list[FileResult]) -> None:
        self._results = list(results)

    def __len__(self) -> int:
        return len(self._results)

    @overload
    def __getitem__(self, i: int) -> dict[str, Any]: ...

    @overload
    def __getitem__(self, i: slice) -> list[dict[str, Any]]: ...

    def __getitem__(self, i: int | slice) -> dict[str, Any] | list[dict[str, Any]]:
        if isinstance(i, slice):
            return [file_entry(r) for r in self._results[i]]
        return file_entry(self._results[i])

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return (file_entry(r) for r in self._results)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, (str, bytes)):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other))

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"FileEntries({len(self)} files)"


def file_entry(r: FileResult) -> dict[str, Any]:
    """One file's entry of the report."""
    return {
        "path": r.path,
        "format": r.format,
        "stats": r.stats,
        "findings": [f.to_json() for f in r.findings],
        "errors": r.errors,
    }


def build_report(results: list[FileResult]) -> dict[str, Any]:
    by_sev: Counter[str] = Counter()
    by_cat: Counter[str] = Counter()
    total = 0
    for r in results:
        for f in r.findings:
            by_sev[f.severity] += 1
            by_cat[f.category] += 1
        total += len(r.findings)
    return {
        "version": REPORT_VERSION,
        "tool": {"name": "copydesk", "version": __version__},
        "files": FileEntries(results),
        "summary": {
            "files": len(results),
            "findings": total,
            "by_severity": dict(sorted(by_sev.items())),
            "by_category": dict(sorted(by_cat.items())),
            "errors": sum(len(r.errors) for r in results),
        },
    }


def iter_findings(report: dict[str, Any]):
    """(file entry, finding) pairs in report order."""
    for entry in report["files"]:
        for f in entry["findings"]:
            yield entry, f
