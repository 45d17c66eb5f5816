"""The JSON report model: one dict every formatter reads (a contract, version 1)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from copydesk import __version__
from copydesk.engine import FileResult

REPORT_VERSION = 1


def build_report(results: list[FileResult]) -> dict[str, Any]:
    files = []
    by_sev: Counter[str] = Counter()
    by_cat: Counter[str] = Counter()
    total = 0
    for r in results:
        for f in r.findings:
            by_sev[f.severity] += 1
            by_cat[f.category] += 1
        total += len(r.findings)
        files.append({
            "path": r.path,
            "format": r.format,
            "stats": r.stats,
            "findings": [f.to_json() for f in r.findings],
            "errors": r.errors,
        })
    return {
        "version": REPORT_VERSION,
        "tool": {"name": "copydesk", "version": __version__},
        "files": files,
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
