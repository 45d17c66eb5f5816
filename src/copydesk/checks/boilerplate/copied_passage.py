"""A sentence is copied, or lightly edited, from another document of the corpus.

Passes: two articles on the same topic written independently.
Fails: an answer whose sentences are cut and pasted from a source text, or copied with a few
words changed (MinHash over word 3-grams, LSH candidates, verified at ``threshold``).
Each copy gets a finding that names the cluster size; the other copies are in ``related``.
Lines already reported as template text (identical in several documents) are left to
``boilerplate.corpus-repeat``.
"""

from __future__ import annotations

from typing import Iterator

from copydesk.corpus import Corpus, located
from copydesk.document import Document
from copydesk.findings import Problem
from copydesk.checks.boilerplate._summary import Summary, summarise as _summarise
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
                      allow=AllowList(options.get("allow", ())))


def check(corpus: Corpus, options: dict) -> Iterator[Problem]:
    th = options["threshold"]
    # blocks identical across documents are template text (boilerplate.corpus-repeat)
    template: set[tuple[int, int]] = set()
    for c in corpus.exact("block"):
        if len({m.doc for m in c}) > 1:
            template.update(m.ref for m in c)
    for c in corpus.near(th):
        docs = {m.doc for m in c}
        if len(docs) < 2:
            continue
        location = dict(zip((m.ref for m in c), located(c)))  # shared by the problems of the cluster
        for m in c:
            p = m.passage
            if p.block >= 0 and (m.doc, p.block) in template:
                continue
            others = [o for o in c if o.doc != m.doc]
            if p.allow:
                continue
            sims = [estimate(p.sig, o.passage.sig) for o in others]
            best = max(range(len(others)), key=sims.__getitem__)
            kind = "copied" if sims[best] >= 0.9 else "closely paraphrased"
            msg = (f"passage {kind} across documents: {len(c)} similar passages in {len(docs)} documents "
                   f"(similarity {sims[best]:.2f} with {others[best].path})")
            order = sorted(range(len(others)), key=lambda n: -sims[n])[:options["max_related"]]
            yield Problem(p.start, p.end, msg, score=sims[best], path=m.path,
                          related=tuple(location[others[n].ref] for n in order))
