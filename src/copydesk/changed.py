"""``--changed-since REF``: the lines changed since a git ref (pull-request mode).

``git diff -U0 REF`` (working tree against REF, staged or not) gives the added or changed
line ranges of every file; untracked files count as wholly changed. Paths are compared as
absolute paths, so it works from any folder inside the repository.
"""

from __future__ import annotations

import codecs
import os
import re
import subprocess
from typing import Any, Iterable

_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")
ALL_LINES = [(1, 1 << 62)]


class ChangedError(ValueError):
    """git is missing, the folder is not a repository, or the ref is unknown."""


def _git(args: list[str], cwd: str) -> str:
    try:
        proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True,
                              encoding="utf-8", errors="replace")
    except FileNotFoundError:
        raise ChangedError("--changed-since needs git on PATH") from None
    if proc.returncode != 0:
        msg = proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else f"git {args[0]} failed"
        raise ChangedError(f"--changed-since: {msg}")
    return proc.stdout


def parse_diff(diff: str) -> dict[str, list[tuple[int, int]]]:
    """Repo-relative path -> inclusive (first, last) new-file line ranges from a ``-U0`` diff."""
    out: dict[str, list[tuple[int, int]]] = {}
    current: list[tuple[int, int]] | None = None
    for line in diff.splitlines():
        if line.startswith("+++ "):
            target = line[4:]
            if target == "/dev/null":
                current = None
                continue
            if target.startswith('"'):  # C-style quoted (special characters in the name)
                target = codecs.escape_decode(target[1:-1].encode("utf-8"))[0].decode("utf-8", "replace")
            current = out.setdefault(target[2:] if target.startswith("b/") else target, [])
        elif line.startswith("@@") and current is not None:
            m = _HUNK.match(line)
            if m:
                start, count = int(m.group(1)), int(m.group(2) if m.group(2) is not None else 1)
                if count:
                    current.append((start, start + count - 1))
    return out


def changed_lines(ref: str, cwd: str | None = None) -> dict[str, list[tuple[int, int]]]:
    """Absolute path -> changed line ranges since ``ref`` (untracked files: every line)."""
    cwd = cwd or os.getcwd()
    top = _git(["rev-parse", "--show-toplevel"], cwd).strip()
    _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], cwd)
    diff = _git(["-c", "core.quotepath=off", "diff", "--no-color", "--no-ext-diff", "--no-renames",
                 "-U0", ref, "--"], top)
    ranges = {os.path.realpath(os.path.join(top, p)): r for p, r in parse_diff(diff).items()}
    untracked = _git(["-c", "core.quotepath=off", "ls-files", "--others", "--exclude-standard", "-z"], top)
    for p in untracked.split("\0"):
        if p:
            ranges[os.path.realpath(os.path.join(top, p))] = ALL_LINES
    return ranges


def on_changed_lines(start_line: int, end_line: int, ranges: list[tuple[int, int]]) -> bool:
    return any(a <= end_line and start_line <= b for a, b in ranges)


def apply_changed(results: Iterable[Any], ranges: dict[str, list[tuple[int, int]]], cwd: str | None = None) -> int:
    """Keep only findings touching changed lines (input errors always stay); returns how many were dropped."""
    cwd = cwd or os.getcwd()
    dropped = 0
    for r in results:
        lines = ranges.get(os.path.realpath(os.path.join(cwd, r.path)), [])
        kept = [f for f in r.findings
                if f.category == "input" or on_changed_lines(f.start.line, f.end.line, lines)]
        dropped += len(r.findings) - len(kept)
        r.findings = kept
    return dropped
