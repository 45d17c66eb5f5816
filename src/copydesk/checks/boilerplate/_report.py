"""Turning clusters into findings: one Problem per location, the others in ``related``."""

from __future__ import annotations

from typing import Iterator, Sequence

from copydesk.findings import Location, Problem


def cluster_problems(locations: Sequence[tuple[str, int, int]], message: str, *, max_related: int,
                     severity: str | None = None, score: float | None = None) -> Iterator[Problem]:
    """Every location gets its own finding; up to ``max_related`` others are linked to it."""
    for k, (path, start, end) in enumerate(locations):
        others = [loc for n, loc in enumerate(locations) if n != k][:max_related]
        yield Problem(start, end, message, score=score, severity=severity, path=path,
                      related=tuple(Location(p, s, e) for p, s, e in others))

