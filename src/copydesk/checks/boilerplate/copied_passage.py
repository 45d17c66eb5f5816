"""A sentence is copied, or lightly edited, from another document of the corpus.

Passes: two articles on the same topic written independently.
Fails: an answer whose sentences are cut and pasted from a source text, or copied with a few
words changed (MinHash over word 3-grams, LSH candidates, verified at ``threshold``).
Each copy gets a finding that names the cluster size; the other copies are in ``related``.
Lines already reported as template text (identical in several documents) are left to
``boilerplate.corpus-repeat``.
"""

from __future__ import annotations

from typing import Iterable, Iterator

import numpy as np

from copydesk.corpus import Corpus, Member, located
from copydesk.document import Document
from copydesk.findings import Location, Problem
from copydesk.checks.boilerplate._report import MAX_REPEATS_OPTION, counted, listed
from copydesk.checks.boilerplate._summary import Summary, summarise as _summarise
from copydesk.checks.boilerplate._text import AllowList

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
    "max_repeats": MAX_REPEATS_OPTION,
    "allow": {"type": "array", "items": {"type": "string"}, "default": []},
}
EXAMPLES = {
    "passes": [{"documents": {
        "a.txt": "Coral reefs cover less than one percent of the ocean floor, yet they shelter about a quarter "
                 "of all marine species.\n",
        "b.txt": "Marine heatwaves have bleached reefs across the Pacific and Indian oceans in recent years.\n"}}],
    "fails": [{"documents": {
        "a.txt": "Coral reefs cover less than one percent of the ocean floor, yet they shelter about a quarter "
                 "of all marine species.\n",
        "b.txt": "As my essay argues, coral reefs cover less than one percent of the ocean floor, yet they "
                 "shelter about a quarter of all marine species.\n"}}],
}  # run by the test suite (copydesk.contract)


def summarise(document: Document, options: dict) -> Summary:
    """Exact keys of blocks; per sentence: MinHash signature, LSH band keys, position, allow verdict."""
    return _summarise(document, group_by=options["group_by"], min_words=options["min_words"],
                      num_perm=options["num_perm"], threshold=options["threshold"], details=("sentence",),
                      allow=AllowList(options["allow"]))


def check(corpus: Corpus, options: dict) -> Iterable[Problem]:
    # blocks identical across documents are template text (boilerplate.corpus-repeat)
    template = corpus.clusters("block", min_documents=2)
    copies = corpus.clusters("sentence", threshold=options["threshold"], min_documents=2)
    return corpus.problems(copies, _problems, options, note=_template_blocks, marks=template)


def _template_blocks(_: Summary, blocks: set[int]) -> set[int]:
    """A document's blocks that are template text (found identical in another document)."""
    return blocks


def _problems(c: list[Member], template: dict[int, set[int]], options: dict) -> Iterator[Problem]:
    """One cluster's problems: one per copy that is neither template text nor approved."""
    docs = {m.doc for m in c}
    shown = [m for m in c if not (m.passage.block >= 0 and m.passage.block in template[m.doc])
             and not m.passage.allow]
    closest = _Closest(c, options["max_related"])
    limit = options["max_repeats"]
    for k, rest in listed([m.doc for m in shown], limit):
        m, p = shown[k], shown[k].passage
        sim, path, related = closest.of(m)
        kind = "copied" if sim >= 0.9 else "closely paraphrased"
        msg = (f"passage {kind} across documents: {len(c)} similar passages in {len(docs)} documents "
               f"(similarity {sim:.2f} with {path})")
        yield Problem(p.start, p.end, counted(msg, rest, limit) if rest else msg, score=sim, path=m.path,
                      related=related)


class _Closest:
    """For a member of a cluster, its closest passage in another document and the most similar
    ones (ties in cluster order). Members of one document with one signature share the answer,
    computed once with numpy over the cluster's distinct signatures: a cluster of many identical
    passages costs linear work, not one comparison per pair."""

    def __init__(self, cluster: list[Member], max_related: int) -> None:
        self.cluster, self.max_related = cluster, max_related
        sigs = np.stack([m.passage.sig for m in cluster])
        self.width = sigs.shape[1]
        self.distinct, self.kind = np.unique(sigs, axis=0, return_inverse=True)
        self.kind = self.kind.reshape(-1)
        self.doc = np.array([m.doc for m in cluster])
        self.index = {m.ref: n for n, m in enumerate(cluster)}
        self._done: dict[tuple[int, int], tuple[float, str, tuple[Location, ...]]] = {}

    def of(self, member: Member) -> tuple[float, str, tuple[Location, ...]]:
        """(similarity of the closest other passage, its path, the related locations)."""
        kind = int(self.kind[self.index[member.ref]])
        key = (member.doc, kind)
        if key not in self._done:
            others = np.flatnonzero(self.doc != member.doc)
            equal = np.count_nonzero(self.distinct == self.distinct[kind], axis=1)[self.kind[others]]
            order = np.argsort(-equal, kind="stable")
            nearest = [self.cluster[n] for n in others[order[:max(1, self.max_related)]].tolist()]
            self._done[key] = (int(equal[order[0]]) / self.width, self.cluster[others[order[0]]].path,
                               located(nearest[:self.max_related]))
        return self._done[key]
