"""Corpus evidence for off-topic sentences: does the sentence belong to another document?

A sentence pasted in from another article of the same site shares little with its host and a
lot with its source. When copydesk lints a corpus, each document is summarised (its candidate
sentences with their document-only features, their term keys, and with the ``embed`` extra their
sentence vectors); the corpus stage then asks, for every sentence, how well its own document
explains it against the best other document:

- lexical: the weight of its novel terms (unused elsewhere in its own document) that another
  document does use, weighted by how few documents use them (``x_best``, ``x_margin``, ``x_share``),
  and tf-idf cosine with its own document against the best other one (``t_own``, ``t_best``);
- semantic (the sentence model): cosine of its vector with its own document's centroid against the
  best other centroid (``v_own``, ``v_best``, ``v_margin``, ``v_rank``; the check uses ``v_margin``).

Copies of the same sentence text are taken out of every document they occur in first, so a
sentence is matched on its *topic*, never on being a duplicate (that is the boilerplate checks'
business). Features and the fitted combinations are reproduced by ``bench/fit_offtopic.py``.
"""

from __future__ import annotations

import hashlib
import math
import sys
from collections import defaultdict
from dataclasses import dataclass, field, fields
from typing import Any, Callable, Iterable, Sequence

import numpy as np

from copydesk.checks.offtopic._score import WEIGHTS as DOCUMENT_WEIGHTS, DocumentScores, sigmoid
from copydesk.document import Document

# Logistic weights over the standardised features, fitted on the dev half with bench/fit_offtopic.py
# (grouped 5-fold cross-validation there); the bias is shifted so that 0.5 is the precision-first
# threshold: about 3 false alarms per 1000 clean sentences (lexical), 3 per 1000 candidate sentences
# (document, semantic: fitted on the ose and crafted groups, features as at run time; the document
# combination of 2026-12-07 14:22 extended by ``e_gap``: ``fit_offtopic.py --extend e_gap``).
MODELS: dict[str, dict[str, Any]] = {
    "lexical": {
        "weights": {"ratio": 0.4006, "rel": 0.3239, "link": -1.0124, "neigh": -0.185, "sec": -0.8957,
            "phrase": 0.46, "bare": 0.1342, "nterms": -1.086, "q75": -0.4915, "x_best": 1.2639,
            "x_margin": 0.2299, "x_share": -0.8112, "x_terms": 0.1497, "t_own": -1.5781, "t_best": 0.1992,
            "t_margin": 1.5391},
        "mean": {"ratio": 0.52951, "rel": -0.02702, "link": 2.12265, "neigh": 0.73504, "sec": 2.80159,
            "phrase": 0.93089, "bare": 0.0399, "nterms": 8.82645, "q75": 0.68472, "x_best": 0.86874,
            "x_margin": 0.16071, "x_share": 0.16721, "x_terms": 1.97517, "t_own": 0.16869,
            "t_best": 0.12173, "t_margin": -0.04696},
        "scale": {"ratio": 0.21994, "rel": 0.21328, "link": 1.70402, "neigh": 0.89977, "sec": 2.17004,
            "phrase": 1.00326, "bare": 0.19572, "nterms": 5.49548, "q75": 0.06433, "x_best": 0.4801,
            "x_margin": 0.22852, "x_share": 0.12324, "x_terms": 1.19742, "t_own": 0.14085,
            "t_best": 0.06413, "t_margin": 0.15273},
        "bias": -9.409,
    },
    "document": {
        "weights": {"ratio": 1.6171, "rel": 0.4336, "link": 0.3483, "neigh": -0.5059, "phrase": 0.0211,
            "bridge": 0.4958, "e_doc": 0.0793, "e_rel": 0.1466, "e_z": -1.2867, "e_top3": -1.0717,
            "e_neigh": -0.7601, "r_you": -0.1335, "r_advice": 0.3132, "e_gap": 0.2811},
        "mean": {"ratio": 0.70919, "rel": 0.13744, "link": 0.91207, "neigh": 0.25528, "phrase": 1.28188,
            "bridge": 0.00358, "e_doc": 0.38384, "e_rel": -0.08521, "e_z": -0.46532, "e_top3": 0.40023,
            "e_neigh": 0.31593, "r_you": 0.01027, "r_advice": 0.01306, "e_gap": 0.00364},
        "scale": {"ratio": 0.13024, "rel": 0.13344, "link": 0.622, "neigh": 0.40141, "phrase": 1.04206,
            "bridge": 0.04908, "e_doc": 0.1469, "e_rel": 0.15185, "e_z": 1.01857, "e_top3": 0.11168,
            "e_neigh": 0.1335, "r_you": 0.23552, "r_advice": 0.18666, "e_gap": 0.15987},
        "bias": -7.2802,
    },
    "semantic": {
        "weights": {"document": 3.2519, "v_margin": 1.7355},
        "mean": {"document": -7.28612, "v_margin": 0.00875},
        "scale": {"document": 4.00451, "v_margin": 0.15993},
        "bias": -8.3528,
    },
}
# model inputs. lexical (fast profile): the document-only lexical features, then the corpus ones.
# document (the sentence model, one document): lexical, semantic (``_semantic``) and register
# (``_register``) features. semantic (the sentence model, a corpus): the document combination's
# log-odds and how much nearer the sentence is to another document's topic (its centroid) than to
# its own, never whether it shares names with it.
LEXICAL = tuple(DOCUMENT_WEIGHTS) + ("x_best", "x_margin", "x_share", "x_terms", "t_own", "t_best", "t_margin")
DOCUMENT = ("ratio", "rel", "link", "neigh", "phrase", "bridge", "e_doc", "e_rel", "e_z", "e_top3", "e_neigh",
            "r_you", "r_advice", "e_gap")
SEMANTIC = ("document", "v_margin")  # ``document``: the document combination's log-odds (see :func:`raised`)


# The document-only features a sentence record may carry: the lexical ones, then the sentence model's.
FEATURES = ("novel", "link", "neigh", "sec", "phrase", "nterms", "ratio", "bare", "glink", "llink", "bridge",
            "rel", "q75", "e_doc", "e_top3", "e_neigh", "e_rel", "e_z", "r_you", "r_advice", "e_gap")
_COLUMN = {k: n for n, k in enumerate(FEATURES)}


def text_hash(text: str) -> int:
    return normalised_hash(" ".join(text.lower().split()))


def normalised_hash(normalised: str) -> int:
    """:func:`text_hash` of a text already normalised (lower case, single spaces: a unit's ``text_key``)."""
    return int.from_bytes(hashlib.blake2b(normalised.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "big")


@dataclass(slots=True)
class SentenceRecord:
    """One judged sentence of a summary (rebuilt from its columns by :meth:`Summary.records`)."""

    start: int
    end: int
    hash: int  # of its normalised text: copies elsewhere are taken out before matching
    counts: dict[str, int]  # term key -> occurrences in the sentence
    weights: dict[str, float]  # term key -> weight (the keys of ``counts``, in their order)
    novel: dict[str, str]  # novel term key -> surface form
    features: dict[str, float]  # document-only features (lexical, and embedding with the extra)
    score: float  # the document-only score
    kind: str = "paragraph"  # block kind (quotes are judged with a stricter threshold)
    why: str = ""  # the document-only explanation (without the score)
    vector: Any = None  # float32 sentence vector (extra), or None


@dataclass(slots=True)
class Lookups:
    """What the corpus-wide look-ups (:func:`stats`) need of one document."""

    path: str
    terms: list[str]  # the document's term keys, first used first
    term_counts: Any  # (terms,) int32 occurrences in the document's distinct sentences
    hashes: Any  # (sentences,) uint64 hash of each sentence's normalised text
    centroid: Any = None  # sum of the distinct sentences' vectors (extra)


@dataclass(slots=True)
class Summary:
    """What the corpus stage needs of one document, column by column (compact in memory and in
    pickles; term keys and words are interned, so documents share them). A sentence's terms are
    ``term_index[term_at[j]:term_at[j + 1]]`` (indices in ``terms``), its novel terms likewise."""

    path: str
    terms: list[str]  # the document's term keys, first used first
    term_counts: Any  # (terms,) int32 occurrences in the document's distinct sentences
    hashes: Any  # (sentences,) uint64 hash of each sentence's normalised text
    spans: Any  # (sentences, 2) int64 start and end
    term_at: Any  # (sentences + 1,) int32
    term_index: Any  # int32, each sentence's terms in their order
    term_n: Any  # int32 occurrences in the sentence
    term_weight: Any  # float64 weight
    novel_at: Any  # (sentences + 1,) int32
    novel_index: Any  # int32, each sentence's novel terms in their order
    words: list[str]  # surface form of each novel term
    features: Any  # (sentences, k) float64 over FEATURES[:k]; NaN where a sentence has no such feature
    scores: Any  # (sentences,) float64 document-only score
    kinds: list[str]  # block kind (quotes are judged with a stricter threshold)
    why: list[str]  # the document-only explanation (without the score)
    vectors: Any = None  # (sentences, dim) float32 sentence vectors (extra), or None
    centroid: Any = None  # sum of the distinct sentences' vectors (extra)
    topic: list[str] = field(default_factory=list)  # the document's topic terms
    distinct: int = 0  # distinct judged sentence texts

    def __post_init__(self) -> None:
        for name in ("terms", "words", "kinds", "topic"):
            setattr(self, name, [sys.intern(w) for w in getattr(self, name)])

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return Summary, tuple(getattr(self, f.name) for f in fields(self))  # unpickling interns again

    def __len__(self) -> int:
        return len(self.hashes)

    @property
    def sentences(self) -> list[SentenceRecord]:
        return self.records()

    def sizes(self) -> tuple[list[int], list[int]]:
        """Each sentence's number of (distinct) terms and of novel terms."""
        return np.diff(self.term_at).tolist(), np.diff(self.novel_at).tolist()

    def lookups(self) -> Lookups:
        return Lookups(self.path, self.terms, self.term_counts, self.hashes, self.centroid)

    def records(self, rows: Iterable[int] | None = None) -> list[SentenceRecord]:
        """The sentence records ``rows`` (all by default), as dictionaries again."""
        terms, at, index = self.terms, self.term_at.tolist(), self.term_index.tolist()
        n, weight = self.term_n.tolist(), self.term_weight.tolist()
        novel_at, novel_index = self.novel_at.tolist(), self.novel_index.tolist()
        spans, hashes, scores = self.spans.tolist(), self.hashes.tolist(), self.scores.tolist()
        features = self.features.tolist()
        out = []
        for j in range(len(self)) if rows is None else rows:
            a, b, c, d = at[j], at[j + 1], novel_at[j], novel_at[j + 1]
            keys = [terms[k] for k in index[a:b]]
            out.append(SentenceRecord(
                spans[j][0], spans[j][1], hashes[j], dict(zip(keys, n[a:b])), dict(zip(keys, weight[a:b])),
                {terms[k]: w for k, w in zip(novel_index[c:d], self.words[c:d])},
                {k: v for k, v in zip(FEATURES, features[j]) if v == v}, scores[j], self.kinds[j], self.why[j],
                None if self.vectors is None or not self.vectors[j].any() else self.vectors[j]))
        return out


def summarise(document: Document, result: DocumentScores, vectors: dict[str, Any] | None = None,
              explain: Callable[[Any], str] | None = None) -> Summary:
    """A compact, picklable summary of a scored document (``explain`` words a sentence's verdict)."""
    ss = result.sentences
    hashes = [normalised_hash(s.unit.text_key) for s in ss]
    counts: dict[str, int] = {}  # over the distinct sentences
    sentence_counts: list[dict[str, int]] = []  # the keys of each unit's ``keys``, in their order
    seen: set[int] = set()
    centroid = None
    for s, h in zip(ss, hashes):
        c: dict[str, int] = {}
        for t in s.unit.terms:
            c[t.key] = c.get(t.key, 0) + 1
        sentence_counts.append(c)
        if h not in seen:
            seen.add(h)
            for k, n in c.items():
                counts[k] = counts.get(k, 0) + n
            vec = vectors.get(s.unit.text_key) if vectors else None
            if vec is not None:  # the sentences embedded (a bounded sample and the candidates)
                centroid = vec.copy() if centroid is None else centroid + vec
    novel: list[dict[str, str]] = []  # novel term key -> surface form
    for s in ss:
        novel.append({})
        for t in s.novel:
            novel[-1].setdefault(t.key, t.word.strip("'’"))
    column = {k: n for n, k in enumerate(counts)}
    terms_of = [[column[k] for k in c] for c in sentence_counts]
    novel_of = [[column[k] for k in nv] for nv in novel]
    return Summary(
        path=document.path, terms=list(counts), term_counts=np.array(list(counts.values()), dtype=np.int32),
        hashes=np.array(hashes, dtype=np.uint64),
        spans=np.array([(s.unit.start, s.unit.end) for s in ss], dtype=np.int64).reshape(len(ss), 2),
        term_at=_offsets(terms_of), term_index=_flat(terms_of, np.int32),
        term_n=_flat([list(c.values()) for c in sentence_counts], np.int32),
        term_weight=_flat([[s.unit.keys[k] for k in c] for s, c in zip(ss, sentence_counts)], np.float64),
        novel_at=_offsets(novel_of), novel_index=_flat(novel_of, np.int32),
        words=[w for nv in novel for w in nv.values()], features=_features(ss),
        scores=np.array([s.score for s in ss], dtype=np.float64), kinds=[s.unit.kind for s in ss],
        why=[explain(s) if explain and s.novel else "" for s in ss],
        vectors=_vectors(ss, vectors) if vectors and ss else None,
        centroid=centroid, topic=list(result.topic), distinct=len(seen))


def _vectors(ss: Sequence[Any], vectors: dict[str, Any]) -> Any:
    """(sentences, dim) float32; zero rows for sentences not embedded (no vector)."""
    dim = len(next(iter(vectors.values())))
    return np.array([vectors.get(s.unit.text_key, np.zeros(dim, np.float32)) for s in ss], dtype=np.float32)


def _features(ss: Sequence[Any]) -> Any:
    """The sentences' features over FEATURES[:k] (NaN where a sentence has none; k as needed)."""
    out = np.full((len(ss), len(FEATURES)), np.nan)
    for j, s in enumerate(ss):
        for k, v in s.features.items():
            if k not in _COLUMN:
                raise ValueError(f"feature {k!r} is missing from _corpus.FEATURES")
            out[j, _COLUMN[k]] = v
    used = np.flatnonzero(~np.isnan(out).all(axis=0))
    return out[:, :used[-1] + 1 if len(used) else 0].copy()


def _offsets(lists: Sequence[Sequence[Any]]) -> Any:
    return np.cumsum([0] + [len(x) for x in lists], dtype=np.int32)


def _flat(lists: Sequence[Sequence[Any]], dtype: Any) -> Any:
    return np.array([v for x in lists for v in x], dtype=dtype)


@dataclass
class Stats:
    """Corpus-wide look-ups shared by every document's scoring step (sparse matrices, so that a
    document's sentences are matched against every document in one product)."""

    paths: list[str]
    kid: dict[str, int]  # term key -> column
    idf: Any  # (keys,) smoothed idf
    counts: Any  # (documents x keys) CSR term counts
    weighted: Any  # (documents x keys) CSR counts x idf
    weighted_t: Any  # (keys x documents) CSR counts x idf
    used_t: Any  # (keys x documents) CSR 1 where a document uses a key
    df: Any  # (keys,) documents using a key
    norms: Any  # (documents,) tf-idf norm of each document
    copies: dict[int, list[int]]  # sentence hash -> documents where the text occurs (2+)
    centroids: Any = None  # (documents x dim) array, or None
    cells: Any = None  # (entries,) sorted ``document * keys + column`` of each entry of ``counts``
    centroid_sq: Any = None  # (documents,) squared norms of ``centroids``, computed on first use


def stats(summaries: Sequence[Summary | Lookups]) -> Stats:
    from scipy import sparse

    kid: dict[str, int] = {}
    rows, cols, vals = [], [], []
    copies: dict[int, list[int]] = defaultdict(list)
    for i, s in enumerate(summaries):
        for k, n in zip(s.terms, s.term_counts.tolist()):
            rows.append(i)
            cols.append(kid.setdefault(k, len(kid)))
            vals.append(n)
        for h in s.hashes.tolist():
            if not copies[h] or copies[h][-1] != i:
                copies[h].append(i)
    n_docs = len(summaries)
    counts = sparse.csr_matrix((np.array(vals, dtype=np.float64), (rows, cols)), shape=(n_docs, len(kid)))
    counts.sort_indices()
    used = (counts > 0).astype(np.float64)
    df = np.asarray(used.sum(axis=0)).ravel()
    idf = np.log((1 + n_docs) / (1 + df)) + 1
    weighted = counts.multiply(idf[None, :]).tocsr()
    norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    centroids = None
    have = [s.centroid for s in summaries if s.centroid is not None]
    if have:  # documents too short to embed have none: a zero centroid is no evidence either way
        zero = np.zeros_like(have[0])
        centroids = np.array([zero if s.centroid is None else s.centroid for s in summaries], dtype=np.float32)
    cells = np.repeat(np.arange(n_docs, dtype=np.int64), np.diff(counts.indptr)) * len(kid) + counts.indices
    return Stats([s.path for s in summaries], kid, idf, counts, weighted, weighted.T.tocsr(), used.T.tocsr(), df, norms,
                 {h: d for h, d in copies.items() if len(d) > 1}, centroids, cells)


SIBLING = 0.6  # tf-idf cosine of two documents above which they are versions of one article


def siblings(index: int, st: Stats) -> set[int]:
    """Documents so close to document ``index`` (whole-document tf-idf cosine >= SIBLING) that they
    are versions of the same article (levels, translations, updates): no evidence either way.
    Measured on OneStopEnglish: versions of one article >= 0.74; an inserted sentence's source
    and its host <= 0.15; related articles <= 0.42."""
    sims = (st.weighted[index] @ st.weighted_t).toarray().ravel() / (st.norms * st.norms[index])
    sims[index] = 0.0
    return {int(d) for d in np.nonzero(sims >= SIBLING)[0]}


@dataclass
class _Context:
    """Which documents can be evidence for one sentence record."""

    holders: set[int]  # documents holding a copy of the sentence text (its own included)
    gone: set[int]  # documents never compared with it (versions; with ``drop_holders`` the holders too)
    others: set[int]  # other holders still compared: their evidence counts only beyond the copy
    excluded: Any  # (documents,) bool: documents whose use of a term is no evidence


def _context(index: int, r: SentenceRecord, st: Stats, base: Any, versions: set[int],
             drop_holders: bool) -> _Context:
    holders = set(st.copies.get(r.hash, (index,))) | {index}
    gone = (holders - {index} if drop_holders else set()) | versions
    excluded = base
    if drop_holders and len(holders) > 1:
        excluded = base.copy()
        excluded[list(holders)] = True
    return _Context(holders, gone, holders - {index} - gone, excluded)


def corpus_features(index: int, summary: Summary, st: Stats, drop_holders: bool = False,
                    records: Sequence[SentenceRecord] | None = None,
                    versions: set[int] | None = None) -> list[dict[str, float]]:
    """Corpus features for each sentence record of document ``index`` (or for ``records`` of it).

    ``drop_holders`` (evaluation only) ignores every other document holding a copy of the
    sentence, as if its source were not in the corpus. ``versions``: :func:`siblings`, when the
    caller has them already.
    """
    records = summary.sentences if records is None else records
    if not records:
        return []
    versions = siblings(index, st) if versions is None else versions
    base = np.zeros(len(st.paths), dtype=bool)  # documents that are never evidence: itself, its versions
    base[index] = True
    base[list(versions)] = True
    contexts = [_context(index, r, st, base, versions, drop_holders) for r in records]
    lexical = _novel_evidence(records, contexts, st, base)
    tfidf = _tfidf_evidence(index, summary, records, contexts, st, versions)
    out: list[dict[str, float]] = []
    for r, ctx, f, t in zip(records, contexts, lexical, tfidf):
        f.update(t)
        if st.centroids is not None and r.vector is not None:
            f.update(_semantic(index, r, ctx.holders, st, ctx.gone))
        out.append(f)
    return out


def _novel_evidence(records: Sequence[SentenceRecord], contexts: Sequence[_Context], st: Stats,
                    base: Any) -> list[dict[str, float]]:
    """Lexical features: who else uses each sentence's novel terms (copies of the sentence taken out).

    Works on (sentence, novel term, user document) triples of all the sentences at once; the
    (sentence x document) cover is summed by ``bincount``, each cell adding its terms' weights in
    the order of the sentence's novel terms, as a loop over the terms would.
    """
    n_docs, n_sent = len(st.paths), len(records)
    log_n = math.log(max(2, n_docs))
    pair_sent, pair_col, pair_n, pair_w = [], [], [], []  # one entry per (sentence, novel term)
    for j, r in enumerate(records):
        for k in r.novel:
            pair_sent.append(j)
            pair_col.append(st.kid[k])
            pair_n.append(r.counts[k])
            pair_w.append(r.weights.get(k, 0.5))
    cols = np.array(pair_col, dtype=np.int64)
    lo, hi = st.used_t.indptr[cols], st.used_t.indptr[cols + 1]
    pair = np.repeat(np.arange(len(cols)), hi - lo)  # triple -> its pair
    users = st.used_t.indices[lo[pair] + (np.arange(len(pair)) - np.repeat(np.cumsum(hi - lo) - (hi - lo), hi - lo))]
    cell = np.array(pair_sent, dtype=np.int64)[pair] * n_docs + users  # (sentence, user) flattened
    excluded = np.tile(base, n_sent)
    compared = np.zeros(n_sent * n_docs, dtype=bool)  # other holders: evidence only beyond the copy
    for j, ctx in enumerate(contexts):
        if ctx.excluded is not base:
            excluded[j * n_docs:(j + 1) * n_docs] = ctx.excluded
        if ctx.others:
            compared[[j * n_docs + d for d in ctx.others]] = True
    keep = ~excluded[cell]
    check = np.nonzero(keep & compared[cell])[0]
    if len(check):
        have = _counts(st, users[check], cols[pair[check]])
        keep[check] = have - np.array(pair_n, dtype=np.float64)[pair[check]] > 0
    pair, cell = pair[keep], cell[keep]
    n_users = np.bincount(pair, minlength=len(cols)).tolist()
    values = [w * (math.log(n_docs / (1 + n)) / log_n) if n else 0.0 for w, n in zip(pair_w, n_users)]
    size = n_sent * n_docs
    cover = np.bincount(cell, np.array(values, dtype=np.float64)[pair], minlength=size).reshape(n_sent, n_docs)
    terms = np.bincount(cell, minlength=size).reshape(n_sent, n_docs)
    rows = np.arange(n_sent)
    b = cover.argmax(axis=1)
    best = cover[rows, b].tolist()
    n_terms = terms[rows, b].tolist()
    cover[rows, b] = -1.0
    second = [max(0.0, v) for v in cover.max(axis=1).tolist()] if n_docs > 1 else [0.0] * n_sent
    out = []
    for r, x, y, n in zip(records, best, second, n_terms):
        total = sum(r.weights.values()) or 1.0
        out.append({"x_best": x, "x_margin": x - y, "x_share": x / total, "x_terms": float(n) if x > 0 else 0.0})
    return out


def _tfidf_evidence(index: int, summary: Summary, records: Sequence[SentenceRecord], contexts: Sequence[_Context],
                    st: Stats, versions: set[int]) -> list[dict[str, float]]:
    """tf-idf cosine of each sentence with its own document against the best other one, with the
    sentence's copies taken out of every document holding one."""
    from scipy import sparse

    n_docs = len(st.paths)
    rows, cols, tf = [], [], []
    for j, r in enumerate(records):
        for k in r.counts:
            rows.append(j)
            cols.append(st.kid[k])
        tf.extend(r.counts.values())
    idfs = st.idf[cols]
    sv = sparse.csr_matrix((np.array(tf, dtype=np.float64) * idfs, (rows, cols)), shape=(len(records), len(st.kid)))
    sn = np.sqrt(np.asarray(sv.multiply(sv).sum(axis=1)).ravel())
    sn[sn == 0] = 1.0
    sims = (sv @ st.weighted_t).toarray() / (st.norms[None, :] * sn[:, None])  # sentence x document
    idfs, sn = idfs.tolist(), sn.tolist()
    at = np.cumsum([0] + [len(r.counts) for r in records]).tolist()  # sentence j's keys: at[j]:at[j + 1]
    elsewhere = _holder_counts(index, contexts, st, np.array(cols, dtype=np.int64), at)
    own = dict(zip(summary.terms, summary.term_counts.tolist()))
    mine = [float(own.get(k, 0)) for r in records for k in r.counts]  # the own document's counts
    norms = st.norms.tolist()
    for j, (r, ctx) in enumerate(zip(records, contexts)):
        for d in ctx.holders:
            have = elsewhere[j, d] if d != index else mine[at[j]:at[j + 1]]
            dot, norm = _without(norms[d], r.counts.values(), idfs[at[j]:at[j + 1]], have)
            sims[j, d] = dot / (norm * sn[j])
    own = sims[:, index].tolist()
    sims[:, index] = -np.inf
    sims[:, list(versions)] = -np.inf
    for j, ctx in enumerate(contexts):
        if len(ctx.gone) > len(versions):  # with ``drop_holders``: the other holders too
            sims[j, list(ctx.gone)] = -np.inf
    other = sims.max(axis=1).tolist() if n_docs > 1 else [0.0] * len(records)
    out = []
    for o, t in zip(own, other):
        t = max(t, 0.0) if math.isfinite(t) else 0.0
        out.append({"t_own": o, "t_best": t, "t_margin": t - o})
    return out


def _holder_counts(index: int, contexts: Sequence[_Context], st: Stats, cols: Any,
                   at: Sequence[int]) -> dict[tuple[int, int], list[float]]:
    """(sentence j, document d) -> d's counts of sentence j's keys (``cols[at[j]:at[j + 1]]``), for
    the documents other than ``index`` holding a copy of the sentence (one vectorised look-up)."""
    held = [(j, d) for j, ctx in enumerate(contexts) for d in ctx.holders if d != index]
    if not held:
        return {}
    spans = [at[j + 1] - at[j] for j, _ in held]
    where = np.concatenate([np.arange(at[j], at[j + 1], dtype=np.int64) for j, _ in held])
    have = _counts(st, np.repeat(np.array([d for _, d in held], dtype=np.int64), spans), cols[where]).tolist()
    ends = np.cumsum(spans).tolist()
    return {jd: have[end - n:end] for jd, n, end in zip(held, spans, ends)}


def _counts(st: Stats, docs: Any, cols: Any) -> Any:
    """Each document's count of the matching key column (vectorised CSR look-ups), as floats."""
    want = docs.astype(np.int64) * len(st.kid) + cols
    at = np.minimum(st.cells.searchsorted(want), len(st.cells) - 1)
    return np.where(st.cells[at] == want, st.counts.data[at], 0.0)


def _count(st: Stats, d: int, c: int) -> float:
    """Document ``d``'s count of key column ``c`` (a CSR row look-up)."""
    lo, hi = st.counts.indptr[d], st.counts.indptr[d + 1]
    row = st.counts.indices[lo:hi]
    at = int(row.searchsorted(c))
    return float(st.counts.data[lo + at]) if at < hi - lo and row[at] == c else 0.0


def _without(norm: float, counts: Iterable[int], idfs: Sequence[float], have: Sequence[float]) -> tuple[float, float]:
    """Dot product with a sentence (its key ``counts`` and their ``idfs``), and norm, of a document
    (its tf-idf ``norm`` and its counts of the sentence's keys, ``have``) with one copy of the
    sentence taken out."""
    dot = 0.0
    sq = norm ** 2
    for n, idf, h in zip(counts, idfs, have):
        left = max(0.0, h - n)
        dot += n * idf * left * idf
        sq -= (h * idf) ** 2 - (left * idf) ** 2
    return dot, math.sqrt(max(sq, 1e-12))


def _semantic(index: int, r: SentenceRecord, holders: set[int], st: Stats, gone: set[int]) -> dict[str, float]:
    v = np.asarray(r.vector, dtype=np.float32)
    if st.centroid_sq is None:
        st.centroid_sq = (st.centroids * st.centroids).sum(axis=1)
    dots = st.centroids @ v
    sq = st.centroid_sq.copy()
    for d in holders:  # the centroid without this sentence: (c - v).v and |c - v|^2, v of unit length
        sq[d] = max(0.0, float(sq[d] - 2 * dots[d] + 1.0))
        dots[d] = dots[d] - 1.0
    norms = np.sqrt(sq)
    norms[norms < 1e-6] = 1.0
    sims = dots / norms
    own = float(sims[index])
    others = np.delete(sims, sorted({index} | gone))
    sims[sorted({index} | gone)] = -2.0
    which = int(sims.argmax())
    best = float(sims[which]) if others.size else 0.0
    return {"v_own": own, "v_best": best, "v_margin": best - own,
            "v_rank": math.log1p(float((others > own).sum())), "v_which": float(which)}


def logit(features: dict[str, float], model: str | dict[str, Any]) -> float:
    """The combination's log-odds (0 at its threshold); ``model``: a name in MODELS or such a table."""
    m = MODELS[model] if isinstance(model, str) else model
    mean, scale = m["mean"], m["scale"]
    z = m["bias"]
    for k, w in m["weights"].items():
        mu = mean.get(k, 0.0)
        z += w * (features.get(k, mu) - mu) / (scale.get(k, 1.0) or 1.0)
    return z


def combine(features: dict[str, float], model: str | dict[str, Any]) -> float:
    return sigmoid(logit(features, model))


def raised(features: dict[str, float], corpus: dict[str, float],
           models: dict[str, dict[str, Any]] = MODELS) -> float | None:
    """The corpus combination's score of a sentence the model judged (``features`` has ``e_*``),
    or None when the corpus is no evidence: the sentence is not nearer another document's topic
    (``v_margin`` <= 0). The combination stacks the document combination's log-odds with that
    margin, so the corpus adds one number, fitted with two weights."""
    if corpus.get("v_margin", 0.0) <= 0 or "e_doc" not in features:
        return None
    stacked = {"document": logit(features, models["document"]), "v_margin": corpus["v_margin"]}
    return combine(stacked, models["semantic"])


def best_other(index: int, r: SentenceRecord, st: Stats, versions: set[int] = frozenset()) -> tuple[str | None, list[str]]:
    """The other document that best explains the sentence's novel terms (weighted by how few
    documents use them, as ``x_best``), and those terms, most specific first. ``versions``
    (:func:`siblings`) are left out, as in the features."""
    holders = set(st.copies.get(r.hash, (index,))) | {index}
    n_docs = len(st.paths)
    log_n = math.log(max(2, n_docs))
    cover: dict[int, float] = defaultdict(float)
    words: dict[int, list[tuple[float, str]]] = defaultdict(list)
    for k, word in r.novel.items():
        c = st.kid[k]
        users = [int(d) for d in st.used_t.indices[st.used_t.indptr[c]:st.used_t.indptr[c + 1]]
                 if d != index and d not in versions
                 and not (d in holders and _count(st, int(d), c) - r.counts[k] <= 0)]
        spec = math.log(n_docs / (1 + len(users))) / log_n if users else 0.0
        for d in users:
            cover[d] += r.weights.get(k, 0.5) * spec
            words[d].append((spec, word))
    if not cover:
        return None, []
    d = min(cover, key=lambda x: (-cover[x], x))
    return st.paths[d], [w for _, w in sorted(words[d], key=lambda sw: (-sw[0], sw[1]))]
