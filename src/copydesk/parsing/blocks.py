"""What every parser shares: a block over a span of prose, trimmed (a leaf, so parsers never
import the package that dispatches to them)."""

from __future__ import annotations

from copydesk.document import Block


def trim_block(prose: str, kind: str, start: int, end: int, level: int = 0) -> Block | None:
    """A block over ``prose[start:end]`` with surrounding masked/blank space removed."""
    seg = prose[start:end]
    stripped = seg.strip()
    if not stripped:
        return None
    lead = len(seg) - len(seg.lstrip())
    return Block(kind, start + lead, start + lead + len(stripped), level)
