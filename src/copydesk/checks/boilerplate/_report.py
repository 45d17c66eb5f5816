"""Turning clusters into findings in linear time, however often a passage repeats.

Every location of a cluster gets its own finding, with up to ``max_related`` of the others in
``related`` (taken from the head of the cluster: the cost per finding does not grow with the
cluster). A document holding a passage more than ``max_repeats`` times (a log, an export, a
generated page) gets findings for its first ``max_repeats`` locations and one more finding, at
the next location, that counts the rest.
"""

from __future__ import annotations

from collections import Counter
from typing import Hashable, Iterator, Sequence, TypeVar

T = TypeVar("T")

MAX_REPEATS_OPTION = {"type": "integer", "minimum": 1, "default": 100,
                      "description": "locations of one passage reported one by one in a document; "
                                     "one more finding counts the rest"}


def related_of(locations: Sequence[T], k: int, max_related: int) -> tuple[T, ...]:
    """The locations other than ``locations[k]``, at most ``max_related`` of them, in order."""
    return tuple(loc for n, loc in enumerate(locations[:max_related + 1]) if n != k)[:max_related]


def listed(docs: Sequence[Hashable], max_repeats: int) -> Iterator[tuple[int, int]]:
    """``(k, rest)`` for each location ``k`` of a cluster that gets a finding (``docs[k]``: the
    document of location ``k``): the first ``max_repeats`` of each document with ``rest`` 0, then,
    in a document holding more, its next location with ``rest``: the number of its locations from
    there on, which that one finding stands for."""
    total = Counter(docs) if len(docs) > max_repeats else None
    seen: Counter = Counter()
    for k, doc in enumerate(docs):
        if total is None:
            yield k, 0
            continue
        seen[doc] += 1
        if seen[doc] <= max_repeats:
            yield k, 0
        elif seen[doc] == max_repeats + 1:
            yield k, total[doc] - max_repeats


def counted(message: str, rest: int, max_repeats: int) -> str:
    """The message of the finding that stands for ``rest`` locations not reported one by one."""
    return (f"{message}; this and the {rest - 1} later locations in this document are not reported "
            f"one by one (max_repeats: {max_repeats})")
