"""A line, paragraph or sentence is repeated inside the same document.

Passes: a document that says each thing once.
Fails: a signature block ("Craig Childress, Psy.D.") pasted twice, "Share this page" above and
below the article (kind: chrome, the check's severity); a sentence repeated as a refrain
("The antidote is the opposite." four times; kind: refrain, ``refrain_severity``, ``info`` by
default). Matching ignores case, punctuation and whitespace; sentences also match when nearly
identical (word 3-gram overlap at least ``near_threshold``) or when a short repeated sentence is
quoted inside another one.
"""

from __future__ import annotations

from typing import Iterator

from copydesk.document import Document
from copydesk.findings import Location, Problem
from copydesk.checks.boilerplate._facts import facts
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
    "allow": {"type": "array", "items": {"type": "string"}, "default": []},
}
EXAMPLES = {
    "passes": ["Reefs shelter a quarter of marine species.\n\nWarm water bleaches the coral.\n"],
    "fails": ["Craig Childress, Psy.D.\nClinical Psychologist, PSY 18857\n\nReefs shelter a quarter of "
              "marine species.\n\nCraig Childress, Psy.D.\nClinical Psychologist, PSY 18857\n"],
}  # run by the test suite (copydesk.contract)


def _kind(document: Document, spans: list[tuple[int, int]]) -> str:
    return "chrome" if any(is_ui_like(document.prose[s:e]) for s, e in spans) else "refrain"


def _quoted(document: Document, phrase: list[str], skip: set[tuple[int, int]]) -> list[tuple[int, int]]:
    """Other sentences that contain ``phrase`` (a short repeated sentence) as a word sequence."""
    out = []
    n = len(phrase)
    for s, toks in zip(document.sentences, facts(document).sentence_words):
        if (s.start, s.end) in skip:
            continue
        k = _find(toks, phrase)
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
    allow = AllowList(options.get("allow", ()))
    skip_kinds = set(options["skip_kinds"])
    if options.get("skip_marked_headings", True) and document.format in ("markdown", "html"):
        skip_kinds.add("heading")  # plain-text "headings" are guesses; marked ones are structure
    summary = summarise(document, group_by="none", min_words=options["min_sentence_words"],
                        threshold=options["near_threshold"])
    clusters: list[list[tuple[int, int]]] = []
    owner: dict[tuple[int, int], int] = {}  # span -> cluster index
    fragments: set[tuple[int, int]] = set()  # quotations of a repeated sentence inside another
    for refs in exact_clusters([summary], "block"):
        bs = [summary.blocks[j] for _, j in refs if summary.blocks[j].block_kind not in skip_kinds]
        if len(bs) < 2 or bs[0].n_words < options["min_words"]:
            continue
        clusters.append([(b.start, b.end) for b in bs])
        owner.update({(b.start, b.end): len(clusters) - 1 for b in bs})

    def owning(start: int, end: int) -> int | None:
        return next((c for (a, b), c in owner.items() if a <= start and end <= b), None)

    for refs in near_clusters([summary], options["near_threshold"]):
        ss = [summary.sentences[j] for _, j in refs]
        owners = {owning(s.start, s.end) for s in ss} - {None}
        fresh = [(s.start, s.end) for s in ss if owning(s.start, s.end) is None]
        if owners:
            target = min(owners)  # type: ignore[type-var]
        elif len(fresh) >= 2:
            clusters.append([])
            target = len(clusters) - 1
        else:
            continue
        clusters[target].extend(fresh)
        owner.update({sp: target for sp in fresh})
        words = normalise(document.prose[ss[0].start:ss[0].end]).split()
        if len(words) <= 12:
            quoted = [sp for sp in _quoted(document, words, {(s.start, s.end) for s in ss})
                      if owning(*sp) is None]
            clusters[target].extend(quoted)
            fragments.update(quoted)
            owner.update({sp: target for sp in quoted})
    for spans in clusters:
        spans.sort()
        if allow.allows(document.text[spans[0][0]:spans[0][1]]):
            continue
        kind = _kind(document, [sp for sp in spans if sp not in fragments] or spans)
        severity = options["refrain_severity"] if kind == "refrain" else None
        label = "repeated line (signature, widget or link)" if kind == "chrome" else "repeated sentence (refrain?)"
        msg = f"{label}: {len(spans)} times in this document"
        for k, (s, e) in enumerate(spans):
            related = tuple(Location(document.path, a, b) for n, (a, b) in enumerate(spans) if n != k)
            yield Problem(s, e, msg, severity=severity, related=related[:options["max_related"]])
