"""A line, paragraph or sentence is repeated inside the same document.

Passes: a document that says each thing once.
Fails: a signature block ("Craig Childress, Psy.D.") pasted twice, "Share this page" above and
below the article (kind: chrome, the check's severity); a sentence repeated as a refrain
("The antidote is the opposite." four times; kind: refrain, ``refrain_severity``, ``info`` by
default). Matching ignores case, punctuation and whitespace; sentences also match when nearly
identical (word 3-gram overlap at least ``near_threshold``) or when a short repeated sentence is
quoted inside another one. A passage found more than ``max_repeats`` times (a log, an export)
gets findings for its first locations and one finding that counts the rest: the work stays
linear in the document however often it repeats.
"""

from __future__ import annotations

import bisect
from typing import Iterator, Sequence

from copydesk.document import Document
from copydesk.findings import Location, Problem
from copydesk.checks.boilerplate._facts import facts
from copydesk.checks.boilerplate._report import MAX_REPEATS_OPTION, counted, listed, related_of
from copydesk.checks.boilerplate._summary import exact_clusters, near_clusters, summarise
from copydesk.checks.boilerplate._text import WORD, AllowList, is_ui_like, normalise

ID = "boilerplate.repeated-in-document"
CATEGORY = "boilerplate"
SEVERITY = "warning"
OPTIONS = {
    "min_words": {"type": "integer", "minimum": 1, "default": 1,
                  "description": "shortest repeated line or paragraph reported"},
    "min_sentence_words": {"type": "integer", "minimum": 2, "default": 4},
    "near_threshold": {"type": "number", "minimum": 0.3, "maximum": 1.0, "default": 0.8},
    "refrain_severity": {"enum": ["error", "warning", "info"], "default": "info"},
    "skip_kinds": {"type": "array", "items": {"type": "string"}, "default": ["table_row", "reference"]},
    "skip_marked_headings": {"type": "boolean", "default": True,
                             "description": "ignore repeated Markdown/HTML headings (\"Pros\" in every section)"},
    "max_related": {"type": "integer", "minimum": 0, "default": 10},
    "max_repeats": MAX_REPEATS_OPTION,
    "allow": {"type": "array", "items": {"type": "string"}, "default": []},
}
EXAMPLES = {
    "passes": ["Reefs shelter a quarter of marine species.\n\nWarm water bleaches the coral.\n"],
    "fails": ["Craig Childress, Psy.D.\nClinical Psychologist, PSY 18857\n\nReefs shelter a quarter of "
              "marine species.\n\nCraig Childress, Psy.D.\nClinical Psychologist, PSY 18857\n"],
}  # run by the test suite (copydesk.contract)


def _kind(document: Document, spans: list[tuple[int, int]]) -> str:
    return "chrome" if any(is_ui_like(document.prose[s:e]) for s, e in spans) else "refrain"


class _Owners:
    """Which cluster already holds a span (a block, a sentence or a quotation), found in
    logarithmic time: the repeated blocks are disjoint and all known before any sentence, and
    every other span lies inside one sentence, so a span is looked up in its block and among the
    spans of its sentence, first held first."""

    def __init__(self, document: Document, blocks: list[tuple[int, int, int]]) -> None:
        self.blocks = sorted(blocks)  # (start, end, cluster): disjoint
        self._block_starts = [b[0] for b in self.blocks]
        self._sentence_starts = [s.start for s in document.sentences]
        self._inner: dict[int, list[tuple[int, int, int]]] = {}  # sentence index -> held spans

    def _sentence(self, offset: int) -> int:
        return bisect.bisect_right(self._sentence_starts, offset) - 1

    def of(self, start: int, end: int) -> int | None:
        """The cluster holding a span that contains [start, end), if any."""
        i = bisect.bisect_right(self._block_starts, start) - 1
        if i >= 0 and end <= self.blocks[i][1]:
            return self.blocks[i][2]
        return next((c for a, b, c in self._inner.get(self._sentence(start), ()) if a <= start and end <= b), None)

    def hold(self, spans: list[tuple[int, int]], cluster: int) -> None:
        for a, b in spans:
            self._inner.setdefault(self._sentence(a), []).append((a, b, cluster))


class _Phrases:
    """The sentences' words, with the sentences holding each word pair (built on first use), so
    that finding a short phrase costs the sentences that may contain it, not all of them."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.words = facts(document).sentence_words
        self._pairs: dict[tuple[str, str], list[int]] | None = None

    def candidates(self, phrase: list[str]) -> Sequence[int]:
        """Indices of the sentences that may contain ``phrase`` (all that do), in order."""
        if len(phrase) < 2:
            return range(len(self.words))
        if self._pairs is None:
            self._pairs = {}
            for i, toks in enumerate(self.words):
                for pair in set(zip(toks, toks[1:])):
                    self._pairs.setdefault(pair, []).append(i)
        return min((self._pairs.get(pair, []) for pair in zip(phrase, phrase[1:])), key=len)


def _quoted(phrases: _Phrases, phrase: list[str], skip: set[tuple[int, int]]) -> list[tuple[int, int]]:
    """Other sentences that contain ``phrase`` (a short repeated sentence) as a word sequence."""
    out = []
    n = len(phrase)
    document = phrases.document
    for i in phrases.candidates(phrase):
        s = document.sentences[i]
        if (s.start, s.end) in skip:
            continue
        k = _find(phrases.words[i], phrase)
        if k is not None:
            ms = list(WORD.finditer(document.prose, s.start, s.end))
            out.append((ms[k].start(), ms[k + n - 1].end()))
    return out


def _find(tokens: list[str], phrase: list[str]) -> int | None:
    """The first ``k`` where ``tokens[k:k + len(phrase)] == phrase`` (words hold no spaces, so
    this is where the joined phrase is found, between spaces, in the joined tokens)."""
    if not phrase:
        return 0
    line = f" {' '.join(tokens)} "
    at = line.find(f" {' '.join(phrase)} ")
    return None if at < 0 else line.count(" ", 0, at)


def check(document: Document, options: dict) -> Iterator[Problem]:
    allow = AllowList(options["allow"])
    skip_kinds = set(options["skip_kinds"])
    if options["skip_marked_headings"] and document.format in ("markdown", "html"):
        skip_kinds.add("heading")  # plain-text "headings" are guesses; marked ones are structure
    summary = summarise(document, group_by="none", min_words=options["min_sentence_words"],
                        threshold=options["near_threshold"])
    clusters: list[list[tuple[int, int]]] = []
    held: list[tuple[int, int, int]] = []
    for refs in exact_clusters([summary], "block"):
        bs = [summary.blocks[j] for _, j in refs if summary.blocks[j].block_kind not in skip_kinds]
        if len(bs) < 2 or bs[0].n_words < options["min_words"]:
            continue
        clusters.append([(b.start, b.end) for b in bs])
        held.extend((b.start, b.end, len(clusters) - 1) for b in bs)
    owners = _Owners(document, held)
    phrases = _Phrases(document)
    fragments: set[tuple[int, int]] = set()  # quotations of a repeated sentence inside another
    for refs in near_clusters([summary], options["near_threshold"]):
        ss = [summary.sentences[j] for _, j in refs]
        holding = [owners.of(s.start, s.end) for s in ss]
        taken = set(holding) - {None}
        fresh = [(s.start, s.end) for s, c in zip(ss, holding) if c is None]
        if taken:
            target = min(taken)  # type: ignore[type-var]
        elif len(fresh) >= 2:
            clusters.append([])
            target = len(clusters) - 1
        else:
            continue
        clusters[target].extend(fresh)
        owners.hold(fresh, target)
        words = normalise(document.prose[ss[0].start:ss[0].end]).split()
        if len(words) <= 12:
            quoted = [sp for sp in _quoted(phrases, words, {(s.start, s.end) for s in ss})
                      if owners.of(*sp) is None]
            clusters[target].extend(quoted)
            fragments.update(quoted)
            owners.hold(quoted, target)
    limit = options["max_repeats"]
    for spans in clusters:
        spans.sort()
        if allow.allows(document.text[spans[0][0]:spans[0][1]]):
            continue
        kind = _kind(document, [sp for sp in spans if sp not in fragments] or spans)
        severity = options["refrain_severity"] if kind == "refrain" else None
        label = "repeated line (signature, widget or link)" if kind == "chrome" else "repeated sentence (refrain?)"
        msg = f"{label}: {len(spans)} times in this document"
        locations = [Location(document.path, a, b) for a, b in spans[:options["max_related"] + 1]]
        for k, rest in listed([None] * len(spans), limit):
            s, e = spans[k]
            yield Problem(s, e, counted(msg, rest, limit) if rest else msg, severity=severity,
                          related=related_of(locations, k, options["max_related"]))
