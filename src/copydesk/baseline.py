"""Baselines: record today's findings, then report only new ones.

A baseline file lists ``(path, rule, fingerprint)`` per finding. Fingerprints hash the rule,
the flagged text and its sentence (never line numbers), so edits elsewhere in a file, or
moving a paragraph, do not resurrect recorded findings. Repeated identical findings in one
file carry ``-2``, ``-3`` suffixes; they are matched by count, so one more copy is one new finding.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from typing import Any, Iterable

BASELINE_VERSION = 1


class BaselineError(ValueError):
    """The baseline file cannot be read; the message names the file and the fix."""


def base_fingerprint(fp: str) -> str:
    """The fingerprint without the engine's ``-N`` repeat suffix."""
    head, sep, tail = fp.rpartition("-")
    return head if sep and tail.isdigit() else fp


def _key(path: str, fp: str) -> tuple[str, str]:
    return path.replace(os.sep, "/"), base_fingerprint(fp)


def baseline_dict(results: Iterable[Any]) -> dict[str, Any]:
    """The baseline document for ``results`` (FileResults), stable order, no timestamps."""
    entries = [
        {"path": f.path, "rule": f.rule, "fingerprint": f.fingerprint}
        for r in results for f in r.findings
    ]
    entries.sort(key=lambda e: (e["path"], e["fingerprint"], e["rule"]))
    return {"version": BASELINE_VERSION, "tool": "copydesk", "findings": entries}


def write_baseline(path: str, results: Iterable[Any]) -> int:
    data = baseline_dict(results)
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
        json.dump(data, fh, ensure_ascii=False, indent=1)
        fh.write("\n")
    os.replace(tmp, path)
    return len(data["findings"])


def load_baseline(path: str) -> Counter[tuple[str, str]]:
    """(path, fingerprint) -> how many such findings the baseline accepts."""
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except FileNotFoundError:
        raise BaselineError(f"{path}: baseline not found; create it with --write-baseline {path}") from None
    except (OSError, json.JSONDecodeError) as exc:
        raise BaselineError(f"{path}: not a copydesk baseline ({exc}); recreate it with --write-baseline") from None
    if not isinstance(data, dict) or not isinstance(data.get("findings"), list):
        raise BaselineError(f"{path}: not a copydesk baseline (no 'findings' list); recreate it with --write-baseline")
    known: Counter[tuple[str, str]] = Counter()
    for e in data["findings"]:
        if isinstance(e, dict) and isinstance(e.get("path"), str) and isinstance(e.get("fingerprint"), str):
            known[_key(e["path"], e["fingerprint"])] += 1
    return known


def apply_baseline(results: Iterable[Any], known: Counter[tuple[str, str]]) -> int:
    """Drop baselined findings from each FileResult in place; returns how many were dropped."""
    left = Counter(known)
    dropped = 0
    for r in results:
        kept = []
        for f in r.findings:
            k = _key(f.path, f.fingerprint)
            if left[k] > 0:
                left[k] -= 1
                dropped += 1
            else:
                kept.append(f)
        r.findings = kept
    return dropped
