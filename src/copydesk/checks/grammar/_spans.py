"""Sorted, disjoint spans (a document's reference entries) with membership in logarithmic time:
a book whose bibliography holds thousands of entries must not cost entries x words."""

from __future__ import annotations

import bisect
from typing import Iterable, Iterator


class Spans:
    """``offset in spans``: whether some span ``[start, end)`` holds ``offset``."""

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        self._spans = sorted(spans)
        self._starts = [a for a, _ in self._spans]

    def __contains__(self, offset: int) -> bool:
        i = bisect.bisect_right(self._starts, offset) - 1
        return i >= 0 and offset < self._spans[i][1]

    def __iter__(self) -> Iterator[tuple[int, int]]:
        return iter(self._spans)

    def __len__(self) -> int:
        return len(self._spans)
