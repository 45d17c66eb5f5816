"""A sentence is copied, or lightly edited, from another document of the corpus.

Passes: two articles on the same topic written independently.
Fails: an answer whose sentences are cut and pasted from a source text, or copied with a few
words changed (MinHash over word 3-grams, LSH candidates, verified at ``threshold``).
Each copy gets a finding that names the cluster size; the other copies are in ``related``.
Lines already reported as template text (identical in several documents) are left to
``boilerplate.corpus-repeat``.
"""

from __future__ import annotations

import bisect
from typing import Iterator

from copydesk.document import Document
from copydesk.findings import Location, Problem
from copydesk.checks.boilerplate._summary import exact_clusters, near_clusters, summarise
from copydesk.checks.boilerplate._text import AllowList, estimate

ID = "boilerplate.copied-passage"
CATEGORY = "boilerplate"
SEVERITY = "warning"
SCOPE = "corpus"
OPTIONS = {
    "threshold": {"type": "number", "minimum": 0.1, "maximum": 1.0, "default": 0.5,
                  "description": "estimated Jaccard similarity of word 3-grams for a copy"},
    "min_words": {"type": "integer", "minimum": 3, "default": 8},
    "num_perm": {"type": "integer", "minimum": 16, "maximum": 512, "default": 64},
    "group_by": {"enum": ["folder", "none"], "default": "none"},
    "max_related": {"type": "integer", "minimum": 0, "default": 10},
    "allow": {"type": "array", "items": {"type": "string"}, "default": []},
}


def check(documents: list[Document], options: dict) -> Iterator[Problem]:
    allow = AllowList(options.get("allow", ()))
    th = options["threshold"]
    summaries = [summarise(d, group_by=options["group_by"], min_words=options["min_words"],
                           num_perm=options["num_perm"], threshold=th) for d in documents]
    # blocks identical across documents are template text (boilerplate.corpus-repeat)
    template: set[tuple[int, int]] = set()
    for refs in exact_clusters(summaries, "block"):
        if len({i for i, _ in refs}) > 1:
            template.update(refs)
    starts = [[b.start for b in s.blocks] for s in summaries]

    def in_template(i: int, start: int) -> bool:
        j = bisect.bisect_right(starts[i], start) - 1
        return j >= 0 and (i, j) in template and summaries[i].blocks[j].end >= start

    for refs in near_clusters(summaries, th):
        docs = {i for i, _ in refs}
        if len(docs) < 2:
            continue
        for i, j in refs:
            p = summaries[i].sentences[j]
            if in_template(i, p.start):
                continue
            others = [(k, m) for k, m in refs if k != i]
            text = documents[i].text[p.start:p.end]
            if allow.allows(text):
                continue
            sims = [estimate(p.sig, summaries[k].sentences[m].sig) for k, m in others]
            best = max(range(len(others)), key=sims.__getitem__)
            bk, bm = others[best]
            kind = "copied" if sims[best] >= 0.9 else "closely paraphrased"
            msg = (f"passage {kind} across documents: {len(refs)} similar passages in {len(docs)} documents "
                   f"(similarity {sims[best]:.2f} with {summaries[bk].path})")
            order = sorted(range(len(others)), key=lambda n: -sims[n])[:options["max_related"]]
            related = tuple(Location(summaries[others[n][0]].path, summaries[others[n][0]].sentences[others[n][1]].start,
                                     summaries[others[n][0]].sentences[others[n][1]].end) for n in order)
            yield Problem(p.start, p.end, msg, score=sims[best], path=summaries[i].path, related=related)
