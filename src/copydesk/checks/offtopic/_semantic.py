"""Semantic and register features of a document's sentences (sentence vectors from ``_embed``).

Per distinct sentence: cosine with the centroid of the article's other sentences (``e_doc``),
that cosine against the article's own spread (``e_rel``: minus the median; ``e_z``: in standard
deviations), with its three nearest sentences (``e_top3``) and its neighbours (``e_neigh``); how much
closer its two neighbours are to each other than to it (``e_gap``: a pasted sentence interrupts a
passage that reads on without it); and the register cues of ``_register`` relative to the article.

Cost is bounded: the article is represented by at most ``CONTEXT`` evenly spaced sentences
(its centroid and spread), and beyond that sample only candidate sentences (a lexical prefilter:
enough content terms, some new to the article) and their neighbours are embedded; the others
keep their lexical score.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from copydesk.checks.offtopic import _embed, _register

if TYPE_CHECKING:
    from copydesk.checks.offtopic._score import DocumentScores, Scored
    from copydesk.document import Document

CONTEXT = 64  # sentences representing a long article (evenly spaced); most news articles are shorter


def firsts(result: DocumentScores) -> list[Scored]:
    """The first occurrence of each distinct sentence text, in document order."""
    seen: set[str] = set()
    out = []
    for s in result.sentences:
        if s.unit.text_key not in seen:
            seen.add(s.unit.text_key)
            out.append(s)
    return out


def add_features(document: Document, result: DocumentScores, candidate: list[bool]) -> dict[str, np.ndarray]:
    """Add ``e_*`` and ``r_*`` features to the candidate first occurrences of ``result``;
    returns the vectors embedded, by text key (for the corpus stage)."""
    ss = firsts(result)
    n = len(ss)
    if n < 3:
        return {}
    texts = [document.prose[s.unit.start:s.unit.end] for s in ss]
    step = max(1, -(-n // CONTEXT))
    context = set(range(0, n, step))
    near = {j for i in range(n) if candidate[i] for j in (i - 1, i, i + 1) if 0 <= j < n}
    rows = sorted(context | near)  # the sample, the candidates and their neighbours
    S = np.zeros((n, _embed.DIM), dtype=np.float32)
    S[rows] = _embed.embed([texts[i] for i in rows])
    ctx = sorted(context)
    C = S[ctx]
    total = C.sum(0)
    in_ctx = np.zeros(n, dtype=bool)
    in_ctx[ctx] = True
    e_doc = np.zeros(n)
    for i in rows:  # cosine with the centroid of the *other* sampled sentences
        cen = total - S[i] if in_ctx[i] else total
        e_doc[i] = float(S[i] @ cen) / (float(np.linalg.norm(cen)) or 1.0)
    spread = e_doc[ctx]
    med, mean, sd = float(np.median(spread)), float(spread.mean()), float(spread.std()) or 1.0
    sims = S[rows] @ S[rows].T  # nearest sentences: among all those embedded
    register = _register.features(texts)
    for k, i in enumerate(rows):
        if not candidate[i]:
            continue
        others = np.delete(sims[k], k)
        nb = [float(S[i] @ S[j]) for j in (i - 1, i + 1) if 0 <= j < n]
        f = {"e_doc": e_doc[i], "e_rel": e_doc[i] - med, "e_z": (e_doc[i] - mean) / sd,
             "e_top3": float(np.sort(others)[-3:].mean()), "e_neigh": max(nb) if nb else e_doc[i]}
        if len(nb) == 2:  # the first and last sentences have no passage around them: no e_gap
            f["e_gap"] = float(S[i - 1] @ S[i + 1]) - (nb[0] + nb[1]) / 2
        ss[i].features.update({k2: float(v) for k2, v in f.items()})
        ss[i].features.update(register[i])
    return {ss[i].unit.text_key: S[i] for i in rows}
