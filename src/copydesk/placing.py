"""Placing corpus findings: on the parsed documents held, or on a :class:`Placing` and the text read again.

:func:`place_on_documents` places problems on parsed documents (the local engine's one-report run,
cache hits).

A run that must not hold every parsed document until the corpus stage is over (the Dask workers'
parts, the local engine's ``--output-dir`` spill) keeps per document only what placing a corpus
problem needs: line starts, sentence spans and suppressions, and a digest of the text. The last
stage reads the text again, checks the digest (a file changed during the run is an error, never a
misplaced finding) and makes the findings with :func:`copydesk.lint.make_finding`, exactly as on
the parsed document.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, Callable, NamedTuple

import numpy as np

from copydesk.document import Document
from copydesk.findings import Problem
from copydesk.inputs import InputError
from copydesk.lint import Selection, keep, make_finding
from copydesk.results import FileResult, error_entry
from copydesk.suppression import Suppressions


def digest(text: str) -> str:
    """A short digest of a document's text (to notice that it changed before the last stage)."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()


class Placing:
    """What placing a corpus problem needs of a parsed document, without the parse: its line
    starts, its sentences' spans and its suppressions (the text is read again, and checked
    against its digest). Kept per document, so the last stage re-parses nothing."""

    __slots__ = ("lines", "starts", "ends", "suppressions")

    def __init__(self, doc: Any) -> None:
        self.lines = np.asarray(doc.lines.starts, np.int64)
        self.starts = np.fromiter((s.start for s in doc.sentences), np.int64, len(doc.sentences))
        self.ends = np.fromiter((s.end for s in doc.sentences), np.int64, len(doc.sentences))
        self.suppressions = Suppressions(doc)

    def view(self, path: str, text: str) -> "_Placed":
        return _Placed(path, text, self)


class _Sentence(NamedTuple):
    start: int
    end: int


@dataclass
class _Placed:
    """A document as :func:`copydesk.lint.make_finding` reads it (path, text, position,
    sentence_at), answered from a :class:`Placing` as :class:`copydesk.document.Document` would."""

    path: str
    text: str
    placing: Placing

    def position(self, offset: int) -> tuple[int, int]:
        lines = self.placing.lines
        line = int(np.searchsorted(lines, offset, side="right")) - 1
        return line + 1, offset - int(lines[line]) + 1

    def sentence_at(self, offset: int) -> _Sentence | None:
        p = self.placing
        i = int(np.searchsorted(p.starts, offset, side="right")) - 1
        if i >= 0 and offset < p.ends[i]:
            return _Sentence(int(p.starts[i]), int(p.ends[i]))
        return None


def place(config: Any, selection: Selection, res: FileResult, problems: list[tuple[str, Any]],
          text: Callable[[], str], digested: str, placing: Placing) -> None:
    """Add the findings of ``problems`` (check id, problem) to ``res``, placed on ``text()`` (the
    document read again) once it matches ``digested``; else an error entry saying why not."""
    if not problems:
        return
    try:
        again = text()
        if digest(again) != digested:
            raise InputError(f"{res.path}: changed while it was being linted; run copydesk again")
    except InputError as exc:
        res.errors.append(error_entry(None, str(exc)))
        return
    doc = placing.view(res.path, again)
    for sid, p in problems:
        f = make_finding(doc, config.specs[sid], config.for_path(res.path).get(sid, config.for_path("")[sid]), p)
        if keep(f, placing.suppressions, selection):
            res.findings.append(f)


def place_on_documents(problems: dict[str, list[tuple[Any, Any, Problem]]], results: list[FileResult],
                       selection: Selection) -> None:
    """Corpus problems (by path: ``(spec, check config, problem)``) -> findings on their parsed documents."""
    parsed = {r.path: r for r in results if r.document is not None}  # not those held elsewhere (HELD)
    docs: dict[str, Document] = {path: r.document for path, r in parsed.items()}
    for path, found in problems.items():
        doc = docs[path]
        sup = Suppressions(doc)
        for spec, cc, p in found:
            f = make_finding(doc, spec, cc, p, docs)
            if keep(f, sup, selection):
                parsed[path].findings.append(f)
