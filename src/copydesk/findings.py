"""Problems (what checks yield) and findings (what reports carry)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

SEVERITIES = ("error", "warning", "info")
SEVERITY_RANK = {"error": 3, "warning": 2, "info": 1, "never": 99}
CATEGORIES = (
    "readability", "grammar", "spelling", "style", "off-topic",
    "boilerplate", "unsupported-claim", "citation", "input",
)


@dataclass(frozen=True, slots=True)
class Location:
    """A span in some file (used for ``related`` locations)."""

    path: str
    start: int
    end: int
    # (line, column) of start and end, when the check knows them (corpus checks over summaries:
    # the engine then needs no other document to place the location)
    start_pos: tuple[int, int] | None = field(default=None, compare=False)
    end_pos: tuple[int, int] | None = field(default=None, compare=False)


@dataclass
class Problem:
    """What a check yields: a span and a message; the engine adds rule, positions and text.

    A corpus-level check sets ``path`` to say which document the problem belongs to.
    ``rule``/``category`` override the check's own (engines that map many rules: Harper).
    """

    start: int
    end: int
    message: str
    score: float | None = None
    suggestions: tuple[str, ...] = ()
    related: tuple[Location, ...] = ()
    severity: str | None = None
    path: str | None = None
    rule: str | None = None
    category: str | None = None


@dataclass(frozen=True, slots=True)
class Position:
    offset: int
    line: int
    column: int

    def to_json(self) -> dict[str, int]:
        return {"offset": self.offset, "line": self.line, "column": self.column}


@dataclass(slots=True)
class Finding:
    """A reported problem with exact positions into its file."""

    rule: str
    category: str
    severity: str
    message: str
    path: str
    start: Position
    end: Position
    text: str
    score: float | None = None
    suggestions: list[str] = field(default_factory=list)
    fingerprint: str = ""
    related: list[dict[str, Any]] = field(default_factory=list)

    def sort_key(self) -> tuple:
        return (self.path, self.start.offset, self.rule, self.end.offset, self.message)

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "category": self.category,
            "severity": self.severity,
            "message": self.message,
            "start": self.start.to_json(),
            "end": self.end.to_json(),
            "text": self.text,
            "score": None if self.score is None else round(float(self.score), 4),
            "suggestions": list(self.suggestions),
            "fingerprint": self.fingerprint,
            "related": self.related,
        }


_NORM = re.compile(r"[\W_]+")


def normalise(text: str) -> str:
    """Lower-case words joined by single spaces (for fingerprints and duplicate matching)."""
    return _NORM.sub(" ", text.lower()).strip()


def fingerprint(rule: str, flagged: str, sentence: str) -> str:
    """Stable under edits elsewhere in the file: rule + flagged text + its sentence, no line numbers."""
    sent_hash = hashlib.sha1(normalise(sentence).encode("utf-8")).hexdigest()[:12]
    raw = f"{rule}\0{normalise(flagged)}\0{sent_hash}"
    return hashlib.sha1(raw.encode("utf-8")).hexdigest()[:20]
