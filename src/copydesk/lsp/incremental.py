"""Re-linting an edited document: only the changed blocks go through the block-local checks.

A check module that declares ``INCREMENTAL = "block"`` promises that each of its problems lies
inside one block and depends only on that block (its prose, its sentences, its kind) and the
settings: run on a *view* of the document listing only some blocks, with the prose of the others
blanked, it finds exactly the problems it finds in those blocks on the whole document. After an
edit such checks run on a view of the changed blocks, and their earlier findings in the unchanged
blocks are moved with the text; every other check runs on the whole document. The result equals
:func:`copydesk.lint.lint_text` on the new text (``tests/test_lsp_incremental.py`` asserts it on
random edits of content/).
"""

from __future__ import annotations

import dataclasses
import importlib
import re
from dataclasses import dataclass, field
from typing import Any

from copydesk.document import Block, Document, Sentence
from copydesk.lint import Selection, begin, check_options, enabled_checks, keep, make_finding
from copydesk.findings import Finding, Position
from copydesk.registry import CheckSpec
from copydesk.results import FileResult, error_entry

BLOCK = "block"
_NOT_NEWLINE = re.compile(r"[^\n]")


def block_local(spec: CheckSpec) -> bool:
    """Whether the check declares ``INCREMENTAL = "block"`` (see the module docstring)."""
    if not spec.module:
        return False
    try:
        return getattr(importlib.import_module(spec.module), "INCREMENTAL", None) == BLOCK
    except ImportError:
        return False


@dataclass
class State:
    """A linted text, with the block-local checks' findings before suppression (a directive edited
    elsewhere may silence or free them), by check id."""

    document: Document
    raw: dict[str, list[Finding]] = field(default_factory=dict)


def view(doc: Document, blocks: list[int]) -> Document:
    """``doc`` with only the blocks ``blocks`` (and their sentences); the other blocks' prose is
    blanked (newlines kept), so offsets, lines and the text stay those of the whole document."""
    blank = _NOT_NEWLINE.sub(" ", doc.prose)
    pieces, pos = [], 0
    for i in blocks:
        b = doc.blocks[i]
        pieces += [blank[pos:b.start], doc.prose[b.start:b.end]]
        pos = b.end
    pieces.append(blank[pos:])
    renumber = {old: new for new, old in enumerate(blocks)}
    sentences = [Sentence(s.start, s.end, renumber[s.block]) for s in doc.sentences if s.block in renumber]
    return Document(doc.path, doc.text, doc.format, "".join(pieces), [doc.blocks[i] for i in blocks], sentences,
                    doc.front_matter)


def edit_span(before: str, after: str) -> tuple[int, int]:
    """Length of the common prefix and of the common suffix (not overlapping)."""
    limit = min(len(before), len(after))
    head = 0
    while head < limit and before[head] == after[head]:
        head += 1
    tail = 0
    while tail < limit - head and before[-1 - tail] == after[-1 - tail]:
        tail += 1
    return head, tail


def unchanged_blocks(old: Document, new: Document) -> dict[int, tuple[int, int]]:
    """New block index -> (old block index, offset shift), for blocks the edit left as they were."""
    head, tail = edit_span(old.text, new.text)
    delta = len(new.text) - len(old.text)
    by_span = {(b.kind, b.start, b.end, b.level): i for i, b in enumerate(old.blocks)}
    out = {}
    for i, b in enumerate(new.blocks):
        if b.end <= head:
            shift = 0
        elif b.start >= len(new.text) - tail:
            shift = delta
        else:
            continue
        j = by_span.get((b.kind, b.start - shift, b.end - shift, b.level))
        if j is not None and old.prose[b.start - shift:b.end - shift] == new.prose[b.start:b.end]:
            out[i] = (j, shift)
    return out


def _moved(f: Finding, doc: Document, shift: int) -> Finding:
    start, end = f.start.offset + shift, f.end.offset + shift
    return dataclasses.replace(f, start=Position(start, *doc.position(start)), end=Position(end, *doc.position(end)),
                               related=[_moved_related(r, f.path, shift, doc) for r in f.related])


def _moved_related(loc: dict[str, Any], path: str, shift: int, doc: Document) -> dict[str, Any]:
    if loc["path"] != path or not shift:
        return loc
    a, b = loc["start"]["offset"] + shift, loc["end"]["offset"] + shift
    (al, ac), (bl, bc) = doc.position(a), doc.position(b)
    return {"path": path, "start": {"offset": a, "line": al, "column": ac}, "end": {"offset": b, "line": bl, "column": bc}}


def lint(path: str, text: str, config: Any, selection: Selection, previous: State | None = None,
         only: Selection | None = None) -> tuple[FileResult, State]:
    """:func:`copydesk.lint.lint_text` of ``text``, reusing ``previous`` (the state of an earlier
    text of the same document) for the block-local checks' findings in unchanged blocks. ``only``
    narrows the checks run (the engine checks in one thread, the others in another)."""
    doc, result, sup = begin(path, text)
    state = State(doc)
    same = unchanged_blocks(previous.document, doc) if previous is not None else {}
    changed = [i for i in range(len(doc.blocks)) if i not in same]
    inverse = {j: (i, shift) for i, (j, shift) in same.items()}
    old_blocks = previous.document.blocks if previous is not None else []
    part = None
    for spec, cc in enabled_checks(config, path, "document", only or selection):
        opts = check_options(spec, cc, config)
        local = block_local(spec)
        raw: list[Finding] = []
        try:
            if local and previous is not None and spec.id in previous.raw:
                for f in previous.raw[spec.id]:
                    j = _block_of(old_blocks, f.start.offset, f.end.offset)
                    if j is not None and j in inverse:
                        raw.append(_moved(f, doc, inverse[j][1]))
                if changed:
                    part = part or view(doc, changed)
                    raw += [make_finding(doc, spec, cc, p) for p in spec.func(part, opts)]
            else:
                raw = [make_finding(doc, spec, cc, p) for p in spec.func(doc, opts)]
        except Exception as exc:  # noqa: BLE001 - one failing check must not lose the rest
            result.errors.append(error_entry(spec.id, f"{path}: check {spec.id} failed: {type(exc).__name__}: {exc}"))
            continue
        if local:
            state.raw[spec.id] = raw
        result.findings += [f for f in raw if keep(f, sup, selection)]
    return result, state


def _block_of(blocks: list[Block], start: int, end: int) -> int | None:
    """The index of the block holding ``[start, end)``, if one does."""
    for i, b in enumerate(blocks):
        if b.start <= start and end <= b.end:
            return i
    return None
