"""Harper, built once per process, and the mapping of its lints to copydesk categories.

Harper is fed ``Document.prose`` (same length as the text, markup masked as spaces), so a
lint's code-point span is already an offset into the file. Linters are cached per dialect and
rule configuration: construction builds Harper's dictionary and costs about a second.

Harper's spelling rule computes suggestions for every word missing from its dictionary, about
30 ms per distinct word, and most of those words are names the spelling filters drop anyway.
:func:`lint_prose` can therefore run the spelling rule in a pass of its own over a copy of the
prose where such words are blanked out, and merge the two passes as Harper itself removes
overlapping lints (:func:`remove_overlaps`).
"""

from __future__ import annotations

import json
import os
import sys
import threading
from collections import Counter
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from functools import lru_cache
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator, Sequence, TypeVar

import harper

DIALECTS = {
    "us": harper.Dialect.AMERICAN,
    "uk": harper.Dialect.BRITISH,
    "au": harper.Dialect.AUSTRALIAN,
    "ca": harper.Dialect.CANADIAN,
    "in": harper.Dialect.INDIAN,
}

# Harper's lint kinds -> copydesk categories (anything else is grammar).
KIND_CATEGORY = {
    "Spelling": "spelling",
    "Typo": "grammar",  # Harper's "typos" are confused words (then/than, quite/quiet, dose/does)
    "Style": "style",
    "Readability": "style",
    "Formatting": "style",
    "Enhancement": "style",
    "Redundancy": "style",
    "Repetition": "grammar",
    "Regionalism": "style",
}

_LOCK = threading.Lock()
T = TypeVar("T")
R = TypeVar("R")
_LOCAL = threading.local()


@dataclass(frozen=True)
class EngineLint:
    """One Harper lint with the rule that produced it, in document offsets."""

    rule: str
    kind: str
    start: int
    end: int
    text: str
    message: str
    suggestions: tuple[str, ...]

    @property
    def category(self) -> str:
        return KIND_CATEGORY.get(self.kind, "grammar")


def _build(dialect: str, disabled: tuple[str, ...], spell_only: bool, words: tuple[str, ...]) -> harper.Linter:
    linter = harper.Linter(DIALECTS[dialect])
    if words:
        linter.import_words(list(words))
    known = linter.get_default_lint_config()
    if spell_only:
        linter.set_lint_config({name: name == "SpellCheck" for name in known})
    elif disabled:
        linter.set_lint_config({name: (False if name in disabled else None) for name in known})
    return linter


def linter(dialect: str = "us", disabled: Iterable[str] = (), spell_only: bool = False,
           words: Iterable[str] = ()) -> harper.Linter:
    """The process's (thread's) Harper linter for ``dialect`` with ``disabled`` rules off.

    ``words`` (the project's plain accepted terms) join Harper's dictionary: they are neither
    flagged nor slow to check (an unknown word costs Harper a suggestion search).
    ``spell_only`` gives a linter running only the dictionary check: it builds and warms up
    in a fraction of the full linter's time (dictionary look-ups for dialects and real words).
    """
    key = (dialect, tuple(sorted(set(disabled))), spell_only, tuple(sorted(set(words))))
    cache = getattr(_LOCAL, "linters", None)
    if cache is None:
        cache = _LOCAL.linters = {}
    if key not in cache:
        with _LOCK:  # construction is heavy: never build two at once
            cache[key] = _build(*key)
    return cache[key]


_FD_LOCK = threading.Lock()
T = TypeVar("T")
R = TypeVar("R")
_FD_STATE: dict[str, int] = {"depth": 0, "saved": -1}  # threads may lint at once: one redirection


@contextmanager
def _stdout_to_stderr():
    """harper-core prints debugging lines ("gerund_form: -postsing- -- verb: -posts-") on the
    process's stdout, which would corrupt a JSON report written there: while Harper lints, file
    descriptor 1 points at stderr."""
    with _FD_LOCK:
        if _FD_STATE["depth"] == 0:
            try:
                sys.stdout.flush()
                _FD_STATE["saved"] = os.dup(1)
                os.dup2(2, 1)
            except (OSError, ValueError, AttributeError):
                _FD_STATE["saved"] = -1
        _FD_STATE["depth"] += 1
    try:
        yield
    finally:
        with _FD_LOCK:
            _FD_STATE["depth"] -= 1
            if _FD_STATE["depth"] == 0 and _FD_STATE["saved"] >= 0:
                os.dup2(_FD_STATE["saved"], 1)
                os.close(_FD_STATE["saved"])
                _FD_STATE["saved"] = -1


def _suggestions(lint: harper.Lint) -> tuple[str, ...]:
    out = []
    for s in lint.suggestions[:5]:
        if s.kind == harper.SuggestionKind.REMOVE:
            out.append("")
        elif s.kind == harper.SuggestionKind.INSERT_AFTER:
            out.append(lint.problem_text + s.replacement_text)
        else:
            out.append(s.replacement_text)
    return tuple(out)


SPELL_RULE = "SpellCheck"
SPELL_PRIORITY = 63  # Harper's priority of its spelling lints


def lint_prose(prose: str, dialect: str = "us", disabled: Iterable[str] = (), words: Iterable[str] = (),
               unreported: Sequence[tuple[int, int]] | None = None) -> list[EngineLint]:
    """Harper's lints on ``prose`` (plain text), sorted by position.

    ``unreported``: spans of words whose spelling is never reported (names, acronyms...). The
    spelling rule then runs in a pass of its own with those words blanked out, so Harper spends
    no suggestion search on them; the other rules read the whole prose. The passes are merged
    as Harper removes overlapping lints, each blanked word standing for the spelling lint it
    would have had, so other rules' lints on it are dropped as that lint would drop them.
    """
    disabled = tuple(disabled)
    if unreported is None:
        with _stdout_to_stderr():
            organized = linter(dialect, disabled, words=words).organized_lints(prose, language=PLAIN)
        found = [_Found(rule, lt) for rule, lints in organized.items() for lt in lints]
    else:
        spelling = _spell_only(dialect, _blank(prose, unreported), dedup=False)
        with _stdout_to_stderr():
            organized = linter(dialect, disabled + (SPELL_RULE,), words=words).organized_lints(
                prose, language=PLAIN, dedup=False)
        found = remove_overlaps([_Found(rule, lt) for rule, lints in organized.items() for lt in lints]
                                + [_Found(SPELL_RULE, lt) for lt in spelling.result()]
                                + [_Found(SPELL_RULE, None, a, b) for a, b in unreported])
    out = [EngineLint(f.rule, f.lint.lint_kind, f.start, f.end, f.lint.problem_text, f.lint.message,
                      _suggestions(f.lint)) for f in found if f.lint is not None]
    out.sort(key=lambda x: (x.start, x.end, x.rule))
    return out


PLAIN = harper.Language.PLAINTEXT
_SPELLER: list[ThreadPoolExecutor] = []  # the spelling thread, while concurrent passes are on
_PARTS: list[ThreadPoolExecutor] = []  # threads linting parts of one long document, while on


def concurrent_passes(on: bool) -> None:
    """Use the cores this process may spare (Harper releases the GIL): every spell-only pass runs
    in a thread of its own, beside the other rules' pass, and the parts of a long document are
    linted by a thread per core (:func:`map_parts`). For a process with cores to spare, such as
    a run over one document. One thread keeps one spell-only linter per dialect, so Harper's
    suggestion cache is shared by the spelling pass and the dictionary look-ups. Turn it off
    before forking."""
    if on and not _SPELLER:
        _SPELLER.append(ThreadPoolExecutor(max_workers=1, thread_name_prefix="copydesk-spelling"))
        _PARTS.append(ThreadPoolExecutor(max_workers=_cores(), thread_name_prefix="copydesk-part",
                                         initializer=_inline_spelling))
    elif not on and _SPELLER:
        _SPELLER.pop().shutdown(wait=True)
        _PARTS.pop().shutdown(wait=True)


def _cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def _inline_spelling() -> None:
    _LOCAL.inline_spelling = True  # a part thread keeps a core busy: its spelling pass runs in it


def map_parts(func: Callable[[T], R], parts: Sequence[T]) -> Iterator[R]:
    """``func`` over ``parts`` (each a bounded call into Harper), results in order: in the part
    threads when they are on and there are several parts, else here. An exception here (a time
    budget) cancels the parts not started."""
    if not _PARTS or len(parts) < 2:
        yield from map(func, parts)
        return
    futures = [_PARTS[0].submit(func, p) for p in parts]
    try:
        for f in futures:
            yield f.result()
    finally:
        for f in futures:
            f.cancel()


def _spell_only(dialect: str, text: str, dedup: bool = True) -> Future[list[harper.Lint]]:
    """The spell-only linter's lints on ``text``: in the spelling thread when there is one."""
    def run() -> list[harper.Lint]:
        with _stdout_to_stderr():
            return linter(dialect, spell_only=True).lint(text, language=PLAIN, dedup=dedup)
    if _SPELLER and not getattr(_LOCAL, "inline_spelling", False):
        return _SPELLER[0].submit(run)
    done: Future[list[harper.Lint]] = Future()
    done.set_result(run())
    return done


def _blank(prose: str, spans: Sequence[tuple[int, int]]) -> str:
    """``prose`` with ``spans`` (sorted, disjoint) replaced by spaces: same length and offsets."""
    pieces, pos = [], 0
    for a, b in spans:
        pieces += (prose[pos:a], " " * (b - a))
        pos = b
    pieces.append(prose[pos:])
    return "".join(pieces)


class _Found:
    """A lint of one rule (``lint`` None: a blanked word's stand-in spelling lint)."""

    __slots__ = ("rule", "lint", "start", "end")

    def __init__(self, rule: str, lint: harper.Lint | None, start: int = 0, end: int = 0) -> None:
        self.rule, self.lint = rule, lint
        self.start, self.end = (lint.span.start, lint.span.end) if lint is not None else (start, end)

    def priority(self) -> int:
        """Harper's priority (lower wins an overlap); harper-py shows it only in a lint's JSON."""
        if self.lint is None:
            return SPELL_PRIORITY
        return int(json.loads(self.lint.to_json())["inner"]["priority"])


def remove_overlaps(found: list[_Found]) -> list[_Found]:
    """Harper's ``remove_overlaps``: in order of start, longest span first, then priority, a lint
    overlapping one already kept is dropped (tested equal to ``dedup=True`` on real text)."""
    shared = Counter((f.start, f.end) for f in found)  # priority decides only between equal spans
    def key(f: _Found) -> tuple[int, int, int, str]:
        return f.start, -f.end, f.priority() if shared[f.start, f.end] > 1 else 0, f.rule
    kept, reach = [], 0
    for f in sorted(found, key=key):
        if f.start >= reach:
            kept.append(f)
            reach = f.end
    return kept


def known_words(words: Iterable[str]) -> dict[str, tuple[bool, bool]]:
    """``word -> (accepted by US dictionary, accepted by UK dictionary)``, in batches.

    Unseen words are linted as one newline-separated list per dialect (one call each), then
    cached for the process.
    """
    words = list(dict.fromkeys(w for w in words if w))
    todo = [w for w in words if w not in _BATCH_CACHE]
    if todo:
        text = "\n".join(todo)
        starts, pos = [], 0
        for w in todo:
            starts.append(pos)
            pos += len(w) + 1
        index = {s: w for s, w in zip(starts, todo)}
        flagged: dict[str, set[str]] = {}
        passes = {d: _spell_only(d, text, dedup=False) for d in ("us", "uk")}
        for d, lints in passes.items():
            bad = set()
            for lt in lints.result():
                if lt.lint_kind in ("Spelling", "Typo") and lt.span.start in index \
                        and lt.problem_text == index[lt.span.start]:
                    bad.add(index[lt.span.start])
            flagged[d] = bad
        for w in todo:
            _BATCH_CACHE[w] = (w not in flagged["us"], w not in flagged["uk"])
    return {w: _BATCH_CACHE[w] for w in words}


_BATCH_CACHE: dict[str, tuple[bool, bool]] = {}


@lru_cache(maxsize=4096)
def respell(word: str, dialect: str) -> tuple[str, ...]:
    """Harper's spelling of ``word`` in ``dialect`` ("defense", "uk" -> ("defence",)), if any."""
    want = (False, True) if dialect != "us" else (True, False)
    for lt in _spell_only(dialect, word).result():
        if lt.lint_kind in ("Spelling", "Typo") and lt.problem_text == word:
            cands = [s for s in _suggestions(lt) if s]
            known = known_words(s.lower() for s in cands)
            return tuple(s for s in cands if known[s.lower()] == want)[:1]
    return ()
