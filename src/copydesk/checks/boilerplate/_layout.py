"""Structural cues for web chrome: pattern-pack lines, link-list runs, the main text region."""

from __future__ import annotations

import re
from typing import Iterable, Iterator

import regex

from copydesk.document import Block, Document
from copydesk.checks.boilerplate._facts import facts
from copydesk.checks.boilerplate._text import WORD, ends_sentence, is_ui_like

LINE_KINDS = ("paragraph", "heading", "caption", "quote")
TIMEOUT = 0.25  # seconds per pattern and line; a pattern that takes longer does not match


class PatternPack:
    """The chrome pattern pack: (kind, regex) in order; a line's kind is that of the first match.

    Most lines match no pattern, and every timed search has a fixed cost, so the patterns that can
    match only at a line's start are searched as one alternation, each in a capturing group: at
    the start, the alternation takes the first of them that matches, and its group names it. Only
    the other patterns ahead of that one in the pack are searched on their own.
    """

    FLAGS = regex.IGNORECASE | regex.V0

    def __init__(self, entries: list[tuple[str, str]]) -> None:
        """``entries``: (kind, regex) pairs; ``ValueError`` names a regex that does not compile."""
        self.patterns: list[tuple[str, regex.Pattern]] = []
        for kind, rx in entries:
            try:
                self.patterns.append((kind, regex.compile(rx, self.FLAGS)))
            except regex.error as exc:
                raise ValueError(f"web-chrome pattern {rx!r} ({kind}) does not compile: {exc}") from None
        base = regex.compile("", self.FLAGS).flags
        starts = [i for i, (_, rx) in enumerate(self.patterns) if _at_start_only(rx, base)]
        self._at_start: regex.Pattern | None = None
        self._group_pattern: dict[int, int] = {}  # capturing group of the alternation -> pattern index
        if starts:
            self._combine(starts)
        combined = set(self._group_pattern.values())
        self._others = [i for i in range(len(self.patterns)) if i not in combined]

    def _combine(self, starts: list[int]) -> None:
        """One alternation of the patterns ``starts``, each in a capturing group (left out if the
        groups do not number as expected, e.g. when two patterns use one group name)."""
        groups: dict[int, int] = {}
        group = 1
        for i in starts:
            groups[group] = i
            group += 1 + self.patterns[i][1].groups
        try:
            rx = regex.compile("^(?:" + "|".join(f"({self.patterns[i][1].pattern})" for i in starts) + ")",
                               self.FLAGS)
        except regex.error:
            return
        if rx.groups == group - 1:
            self._at_start, self._group_pattern = rx, groups

    def match(self, text: str) -> str | None:
        """The kind of the first pattern found in the stripped line, if any."""
        s = text.strip()
        try:
            first = self._first_at_start(s)
        except TimeoutError:  # each pattern on its own, with its own time limit
            return self._first(s, range(len(self.patterns)))
        kind = self._first(s, [i for i in self._others if i < first])
        if kind is None and first < len(self.patterns):
            kind = self.patterns[first][0]
        return kind

    def _first_at_start(self, s: str) -> int:
        """Index of the first start-only pattern that matches ``s`` (``len(patterns)`` if none)."""
        m = self._at_start.search(s, timeout=TIMEOUT) if self._at_start is not None else None
        if m is None:
            return len(self.patterns)
        return next(i for group, i in self._group_pattern.items() if m.start(group) >= 0)

    def _first(self, s: str, indices: Iterable[int]) -> str | None:
        """The kind of the first of the patterns ``indices`` found in ``s`` (a timeout: not found)."""
        for i in indices:
            kind, rx = self.patterns[i]
            try:
                if rx.search(s, timeout=TIMEOUT):
                    return kind
            except TimeoutError:
                continue
        return None


# what would change meaning inside a larger pattern: group references, recursion, conditionals,
# comments (and verbose-mode comments)
_CONTEXT_BOUND = re.compile(r"\\[1-9g]|\(\?(?:P[=>]|[&R(#]|[+-]?\d)|#")


def _at_start_only(rx: regex.Pattern, base_flags: int) -> bool:
    """Whether ``rx`` matches only at the start of a string, and may go unchanged into an
    alternation: it begins with ``^``, has no top-level ``|``, no inline global flags (its flags
    are the pack's) and no construct bound to its own groups or text."""
    p = rx.pattern
    return (p.startswith("^") and rx.flags == base_flags and not _CONTEXT_BOUND.search(p)
            and not _top_level_alternation(p))


def _top_level_alternation(p: str) -> bool:
    """Whether pattern ``p`` has a ``|`` outside groups and sets (or cannot be scanned)."""
    depth, in_set, i = 0, False, 0
    while i < len(p):
        c = p[i]
        if c == "\\":
            i += 1  # the escaped character
        elif in_set:
            in_set = c != "]"
        elif c == "[":
            in_set = True
            i += p.startswith("^", i + 1)  # a negation, then a leading "]" are part of the set
            i += p.startswith("]", i + 1)
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            return True
        i += 1
    return depth != 0 or in_set


def prose_weight(text: str, tokens: list[str] | None = None) -> float:
    """How much a line looks like article text (positive) or like chrome (negative).

    ``tokens``, when given, are the line's words as written (``WORD.findall(text)``).
    """
    tokens = WORD.findall(text) if tokens is None else tokens
    n = len(tokens)
    if n >= 12 and ends_sentence(text):
        return float(n)
    if n >= 20:
        return n / 2
    return -1.0 if is_ui_like(text, tokens=tokens) else -0.25


def main_region(weights: list[float]) -> tuple[int, int]:
    """The run of lines with the largest total weight (maximum subarray), as [first, last + 1)."""
    best, best_span, cur, start = 0.0, (0, 0), 0.0, 0
    for i, w in enumerate(weights):
        if cur <= 0:
            cur, start = 0.0, i
        cur += w
        if cur > best:
            best, best_span = cur, (start, i + 1)
    return best_span


def chrome_lines(doc: Document, pack: PatternPack, options: dict) -> Iterator[tuple[Block, str, str]]:
    """(block, kind, reason) for every block judged to be chrome."""
    blocks = doc.blocks
    doc_facts = facts(doc)
    texts, tokens = doc_facts.block_texts, doc_facts.block_tokens
    found: dict[int, tuple[str, str]] = {}
    for i, t in enumerate(texts):
        if blocks[i].kind in LINE_KINDS and len(tokens[i]) <= options["max_line_words"]:
            kind = pack.match(t)
            if kind:
                found[i] = (kind, "matches the chrome pattern pack")
    # runs of short link-like lines (menus, related links); list items are content lists
    runs: dict[int, int] = {}
    run: list[int] = []
    for i in range(len(blocks) + 1):
        ok = i < len(blocks) and blocks[i].kind in LINE_KINDS and (
            i in found or is_ui_like(texts[i], options["max_link_words"], tokens[i]))
        if ok:
            run.append(i)
            continue
        if len(run) >= options["min_run"]:
            runs.update({k: len(run) for k in run})
        run = []
    headline = _headline(doc_facts.block_words)
    first, last = 0, len(blocks)
    n_chrome = len(set(found) | set(runs))
    scraped = bool(options.get("main_text") and blocks and n_chrome >= options.get("min_chrome_lines", 10)
                   and n_chrome >= options["min_chrome_share"] * len(blocks))
    if scraped:
        weights = [-2.0 if i in found else -1.0 if i in runs else prose_weight(t, tokens[i])
                   for i, t in enumerate(texts)]
        # a comment thread after the article is not part of it
        thread = next((i for i in sorted(found) if found[i][0] == "comment thread"
                       and sum(w for w in weights[:i] if w > 0) > 0), len(blocks))
        first, last = main_region(weights[:thread])
        # the main text also takes in adjacent short sentences ("Stay tuned.") and lines that a
        # comma continues (a tag list closing the article)
        def prose_like(i: int) -> bool:
            return (i not in found and i not in runs and ends_sentence(texts[i])
                    and not is_ui_like(texts[i], tokens=tokens[i]))

        while 0 < last < thread and (prose_like(last) or texts[last].rstrip().endswith(",")
                                     or texts[last - 1].rstrip().endswith(",")):
            last += 1
        while 0 < first < last and prose_like(first - 1):
            first -= 1
    for k, n in runs.items():
        inside = first <= k < last
        if k in headline or (scraped and inside and n < 2 * options["min_run"]):
            continue
        found.setdefault(k, ("link list", f"one of {n} consecutive short link-like lines"))
    if scraped:
        for i in list(range(0, first)) + list(range(last, len(blocks))):
            if i not in headline:
                found.setdefault(i, ("outside main text", "outside the page's main text"))
    for i in sorted(found):
        yield blocks[i], found[i][0], found[i][1]


def _headline(block_words: list[list[str]]) -> set[int]:
    """Lines repeating the page title (a scraped page's first line) are the article's headline.

    ``block_words``: each line's lower-cased words.
    """
    if not block_words:
        return set()
    title = " ".join(block_words[0])
    out = set()
    for i, ws in enumerate(block_words[1:], 1):
        w = " ".join(ws)
        if len(ws) >= 3 and len(w) < len(title) and f" {w} " in f" {title} ":
            out.add(i)
    return out
