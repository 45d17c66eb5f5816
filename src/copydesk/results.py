"""A file's result (what every stage and executor hands on) and the one way to build a failed one.

A leaf module: the cache, the executors and the formatters all read :class:`FileResult`, so it
depends on nothing but the data it holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

from copydesk.document import Document
from copydesk.findings import Finding, Position, fingerprint


@dataclass
class FileResult:
    path: str
    format: str | None
    stats: dict[str, Any] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    document: Document | None = None
    # corpus check id -> this document's summary, made in the per-document stage (workers, cache)
    summaries: dict[str, Any] = field(default_factory=dict)
    # corpus check id -> why its summarise() raised on this document (the corpus stage reports it)
    summary_failures: dict[str, str] = field(default_factory=dict)


def error_entry(check: str | None, message: str, trace: str | None = None) -> dict[str, Any]:
    """An entry of ``FileResult.errors``: a failing check (``check`` set) or an unusable input."""
    err: dict[str, Any] = {"type": "check" if check else "input", "message": message}
    if check:
        err["check"] = check
    if trace:
        err["trace"] = trace
    return err


def input_finding(path: str, message: str, rule: str = "input.unreadable") -> Finding:
    """An ``input.*`` finding at the start of ``path`` (so a report always shows the failure)."""
    pos = Position(0, 1, 1)
    return Finding(rule, "input", "error", message, path, pos, pos, "", fingerprint=fingerprint(rule, path, ""))


def failed_file(path: str, message: str, rule: str = "input.unreadable", trace: str | None = None) -> FileResult:
    """The result of a file that could not be linted: an error entry and an ``input.*`` finding."""
    res = FileResult(path, None)
    res.errors.append(error_entry(None, message, trace))
    res.findings.append(input_finding(path, message, rule))
    return res


def finalize(results: Iterable[FileResult]) -> list[FileResult]:
    """Results by path, each file's findings sorted and their fingerprints made unique (``-2``,
    ``-3`` for repeats). Idempotent, so a file finished on a worker may be finalized again."""
    out = sorted(results, key=lambda r: r.path)
    for r in out:
        r.findings.sort(key=Finding.sort_key)
        seen: dict[str, int] = {}
        for f in r.findings:
            n = seen.get(f.fingerprint, 0)
            seen[f.fingerprint] = n + 1
            if n:
                f.fingerprint = f"{f.fingerprint}-{n + 1}"
    return out
