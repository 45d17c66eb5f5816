"""A line or paragraph recurs in several documents of the same site: template text, not the article.

Passes: a sentence that appears in one article only.
Fails: "Share this page" or "The BBC is not responsible for the content of external sites" in
every page scraped from a site; each page gets its own finding, the others are in ``related``.
Documents are grouped by folder (``group_by: folder``; a site scraped into one folder) or all
together (``none``). Approved text (``allow``) is never reported.
"""

from __future__ import annotations

from typing import Iterable, Iterator

from copydesk.corpus import Corpus, Member, located
from copydesk.document import Document
from copydesk.findings import Problem
from copydesk.checks.boilerplate._layout import main_region
from copydesk.checks.boilerplate._report import MAX_REPEATS_OPTION, counted, listed, related_of
from copydesk.checks.boilerplate._summary import Summary, summarise as _summarise
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
    "max_repeats": MAX_REPEATS_OPTION,
    "allow": {"type": "array", "items": {"type": "string"}, "default": []},
}
EXAMPLES = {
    "passes": [{"documents": {
        "site/a.txt": "Reefs shelter a quarter of marine species, on less than one percent of the sea floor.\n",
        "site/b.txt": "Marine heatwaves have bleached reefs across the Pacific and Indian oceans.\n"}}],
    "fails": [{"documents": {
        "site/a.txt": "Reefs shelter a quarter of marine species, on less than one percent of the sea floor.\n\n"
                      "The BBC is not responsible for the content of external sites.\n",
        "site/b.txt": "Marine heatwaves have bleached reefs across the Pacific and Indian oceans.\n\n"
                      "The BBC is not responsible for the content of external sites.\n"}}],
}  # run by the test suite (copydesk.contract)


SHORT = 10  # words: a short line inside the main text may be a tag or a headline linked elsewhere


def summarise(document: Document, options: dict) -> Summary:
    """Per block: exact key, position, prose weight and allow-list verdict (no sentences)."""
    return _summarise(document, group_by=options["group_by"], min_words=10**9, details=("block",),
                      allow=AllowList(options["allow"]))


def check(corpus: Corpus, options: dict) -> Iterable[Problem]:
    # clusters become problems where they are (on a cluster: the workers), one cluster at a time
    found = corpus.clusters("block", min_documents=options["min_documents"])
    return corpus.problems(found, _problems, (corpus.group_sizes(), corpus.size, options), note=main_text)


def _problems(c: list[Member], regions: dict[int, tuple[int, int]], args: tuple) -> Iterator[Problem]:
    """One cluster's problems: one per copy (a short line inside a page's main text only when
    found in enough of the group's pages)."""
    group_size, n_docs, options = args
    docs = {m.path for m in c}
    share = len(docs) / group_size[c[0].group]
    if share < options["main_text_share"] and c[0].passage.n_words <= SHORT:
        c = [m for m in c if not regions[m.doc][0] <= m.index < regions[m.doc][1]]
        docs = {m.path for m in c}
        if len(docs) < options["min_documents"]:
            return
    if c[0].passage.allow:
        return
    msg = f"template text: repeated {len(c)} times in {len(docs)} documents"
    score = len(docs) / n_docs
    locations = located(c[:options["max_related"] + 1])  # shared by the problems of the cluster
    limit = options["max_repeats"]
    for k, rest in listed([m.doc for m in c], limit):
        m = c[k]
        yield Problem(m.passage.start, m.passage.end, counted(msg, rest, limit) if rest else msg, score=score,
                      path=m.path, related=related_of(locations, k, options["max_related"]))


def main_text(summary: Summary, repeated: set[int]) -> tuple[int, int]:
    """The page's main text as a range of summary block indices: repeated lines weigh against it."""
    return main_region([-2.0 if j in repeated else w for j, w in enumerate(summary.blocks.weight.tolist())])
