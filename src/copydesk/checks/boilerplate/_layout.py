"""Structural cues for web chrome: pattern-pack lines, link-list runs, the main text region."""

from __future__ import annotations

from typing import Iterator

import regex

from copydesk.document import Block, Document
from copydesk.checks.boilerplate._text import ends_sentence, is_ui_like, words

LINE_KINDS = ("paragraph", "heading", "caption", "quote")


def match_pack(text: str, pats: list[tuple[str, regex.Pattern]]) -> str | None:
    s = text.strip()
    for kind, rx in pats:
        try:
            if rx.search(s, timeout=0.25):
                return kind
        except TimeoutError:
            continue
    return None


def prose_weight(text: str) -> float:
    """How much a line looks like article text (positive) or like chrome (negative)."""
    n = len(words(text))
    if n >= 12 and ends_sentence(text):
        return float(n)
    if n >= 20:
        return n / 2
    return -1.0 if is_ui_like(text) else -0.25


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


def chrome_lines(doc: Document, pats: list[tuple[str, regex.Pattern]],
                 options: dict) -> Iterator[tuple[Block, str, str]]:
    """(block, kind, reason) for every block judged to be chrome."""
    blocks = doc.blocks
    texts = [doc.prose[b.start:b.end] for b in blocks]
    found: dict[int, tuple[str, str]] = {}
    for i, t in enumerate(texts):
        if blocks[i].kind in LINE_KINDS and len(words(t)) <= options["max_line_words"]:
            kind = match_pack(t, pats)
            if kind:
                found[i] = (kind, "matches the chrome pattern pack")
    # runs of short link-like lines (menus, related links); list items are content lists
    runs: dict[int, int] = {}
    run: list[int] = []
    for i in range(len(blocks) + 1):
        ok = i < len(blocks) and blocks[i].kind in LINE_KINDS and (
            i in found or is_ui_like(texts[i], options["max_link_words"]))
        if ok:
            run.append(i)
            continue
        if len(run) >= options["min_run"]:
            runs.update({k: len(run) for k in run})
        run = []
    headline = _headline(texts)
    first, last = 0, len(blocks)
    n_chrome = len(set(found) | set(runs))
    scraped = bool(options.get("main_text") and blocks and n_chrome >= options.get("min_chrome_lines", 10)
                   and n_chrome >= options["min_chrome_share"] * len(blocks))
    if scraped:
        weights = [-2.0 if i in found else -1.0 if i in runs else prose_weight(t) for i, t in enumerate(texts)]
        # a comment thread after the article is not part of it
        thread = next((i for i in sorted(found) if found[i][0] == "comment thread"
                       and sum(w for w in weights[:i] if w > 0) > 0), len(blocks))
        first, last = main_region(weights[:thread])
        # the main text also takes in adjacent short sentences ("Stay tuned.") and lines that a
        # comma continues (a tag list closing the article)
        def prose_like(i: int) -> bool:
            return i not in found and i not in runs and ends_sentence(texts[i]) and not is_ui_like(texts[i])

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


def _headline(texts: list[str]) -> set[int]:
    """Lines repeating the page title (a scraped page's first line) are the article's headline."""
    if not texts:
        return set()
    title = " ".join(words(texts[0]))
    out = set()
    for i, t in enumerate(texts[1:], 1):
        w = " ".join(words(t))
        if len(w.split()) >= 3 and len(w) < len(title) and f" {w} " in f" {title} ":
            out.add(i)
    return out
