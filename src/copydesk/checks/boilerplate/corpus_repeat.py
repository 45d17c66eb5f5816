"""A line or paragraph recurs in several documents of the same site: template text, not the article.

Passes: a sentence that appears in one article only.
Fails: "Share this page" or "The BBC is not responsible for the content of external sites" in
every page scraped from a site; each page gets its own finding, the others are in ``related``.
Documents are grouped by folder (``group_by: folder``; a site scraped into one folder) or all
together (``none``). Approved text (``allow``) is never reported.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Iterator

from copydesk.document import Document
from copydesk.findings import Problem
from copydesk.checks.boilerplate._layout import main_region, prose_weight
from copydesk.checks.boilerplate._report import cluster_problems
from copydesk.checks.boilerplate._summary import Summary, exact_clusters, summarise
from copydesk.checks.boilerplate._text import AllowList

ID = "boilerplate.corpus-repeat"
CATEGORY = "boilerplate"
SEVERITY = "warning"
SCOPE = "corpus"
OPTIONS = {
    "min_documents": {"type": "integer", "minimum": 2, "default": 2,
                      "description": "report text found in at least this many documents of a group"},
    "group_by": {"enum": ["folder", "none"], "default": "folder"},
    "main_text_share": {"type": "number", "minimum": 0, "maximum": 1, "default": 0.5,
                        "description": "inside a page's main text, report a short line (tag, headline) only "
                                       "when found in at least this share of the group's documents"},
    "max_related": {"type": "integer", "minimum": 0, "default": 10},
    "allow": {"type": "array", "items": {"type": "string"}, "default": [],
              "description": "approved passages (plain text, or 're:' + regex) never reported"},
}


SHORT = 10  # words: a short line inside the main text may be a tag or a headline linked elsewhere


def check(documents: list[Document], options: dict) -> Iterator[Problem]:
    allow = AllowList(options.get("allow", ()))
    by_path = {d.path: d for d in documents}
    summaries = [summarise(d, group_by=options["group_by"], min_words=10**9) for d in documents]
    group_size = Counter(s.group for s in summaries)
    clusters = [refs for refs in exact_clusters(summaries, "block")
                if len({i for i, _ in refs}) >= options["min_documents"]]
    repeated: dict[int, set[int]] = defaultdict(set)
    for refs in clusters:
        for i, j in refs:
            repeated[i].add(j)
    regions = {i: main_text(documents[i], summaries[i], js) for i, js in repeated.items()}
    for refs in clusters:
        docs = {summaries[i].path for i, _ in refs}
        share = len(docs) / group_size[summaries[refs[0][0]].group]
        if share < options["main_text_share"] and summaries[refs[0][0]].blocks[refs[0][1]].n_words <= SHORT:
            refs = [(i, j) for i, j in refs if not regions[i][0] <= j < regions[i][1]]
            docs = {summaries[i].path for i, _ in refs}
            if len(docs) < options["min_documents"]:
                continue
        locs = [(summaries[i].path, summaries[i].blocks[j].start, summaries[i].blocks[j].end) for i, j in refs]
        first = by_path[locs[0][0]]
        if allow.allows(first.text[locs[0][1]:locs[0][2]]):
            continue
        msg = f"template text: repeated {len(locs)} times in {len(docs)} documents"
        yield from cluster_problems(locs, msg, max_related=options["max_related"], score=len(docs) / len(documents))


def main_text(doc: Document, summary: Summary, repeated: set[int]) -> tuple[int, int]:
    """The page's main text as a range of summary block indices: repeated lines weigh against it."""
    weights = [-2.0 if j in repeated else prose_weight(doc.prose[b.start:b.end])
               for j, b in enumerate(summary.blocks)]
    return main_region(weights)
