"""Fit (and cross-validate) the off-topic combinations on a labelled dev set.

    .venv/bin/python bench/fit_offtopic.py ../shared/eval/offtopic-dev [--group ose] [--print-models]
    .venv/bin/python bench/fit_offtopic.py ../shared/eval/offtopic-dev --group ose,crafted --semantic --all-sentences

Needs scikit-learn, which copydesk itself does not: ``pip install -e '.[bench]'``.

Summarises every document with ``off-topic.sentence``'s own code, computes the document-only and
corpus features, and fits a logistic regression per model (``lexical``: the fast profile; with
``--semantic`` the sentence model's ``document`` and ``semantic`` combinations). Reports grouped 5-fold cross-validation (folds by
document, threshold chosen on the training folds at <= 3 false alarms per 1000 clean sentences),
also with each inserted sentence's source document hidden from the corpus ("source absent"), and
prints the MODELS table for ``_corpus.py`` (bias shifted so 0.5 is that threshold).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys

import numpy as np

from copydesk.checks.offtopic import _corpus
from copydesk.checks.offtopic import sentence as offtopic
from copydesk.parsing import parse

BUDGET = 3.0  # false alarms per 1000 clean sentences


def rows(folder: str, group: str, engine: str, drop: bool) -> tuple[list[dict], list[int], list[str]]:
    units = [json.loads(line) for line in open(os.path.join(folder, "units.jsonl"), encoding="utf-8")]
    by_doc: dict[str, list[dict]] = {}
    for u in units:
        by_doc.setdefault(u["doc"], []).append(u)
    docs = sorted(by_doc)
    opts = {k: v.get("default") for k, v in offtopic.OPTIONS.items()}
    opts["engine"] = engine
    opts["profile"] = "default"
    sums = [offtopic.summarise(parse(d, open(os.path.join(folder, d), encoding="utf-8").read()), opts) for d in docs]
    st = _corpus.stats(sums)
    X, y, g = [], [], []
    for i, (d, s) in enumerate(zip(docs, sums)):
        if group and os.path.basename(d).split("--")[0] not in group.split(","):
            continue
        feats = _corpus.corpus_features(i, s, st, drop_holders=drop)
        n_terms, n_novel = s.sizes()
        for j, (r, cf) in enumerate(zip(s.sentences, feats)):
            if engine == "semantic" and not (n_terms[j] >= 3 and n_novel[j] and r.vector is not None):
                continue  # what the check judges with the sentence model
            best = None
            for u in by_doc[d]:
                ov = min(u["end"], r.end) - max(u["start"], r.start)
                if ov > 0 and (ov >= 0.5 * (r.end - r.start) or ov >= 0.5 * (u["end"] - u["start"])):
                    best = max(best or 0, u["label"])
            if best is None:
                continue
            X.append({**r.features, **cf})
            y.append(best)
            g.append(d)
    return X, y, g


def matrix(X: list[dict], cols: tuple[str, ...]) -> np.ndarray:
    return np.array([[x.get(c, 0.0) for c in cols] for x in X], dtype=float)


def pick_threshold(p: np.ndarray, y: np.ndarray) -> float:
    """The threshold with the best F1 at <= BUDGET false alarms per 1000 negatives."""
    order = np.argsort(-p)
    nneg, npos = max(1, (y == 0).sum()), max(1, y.sum())
    tp = fp = 0
    best, t = -1.0, 1.0
    for i in order:
        tp += y[i]
        fp += 1 - y[i]
        if fp * 1000 / nneg <= BUDGET:
            prec, rec = tp / (tp + fp), tp / npos
            f = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
            if f > best:
                best, t = f, p[i]
    return float(t)


def fit(A: np.ndarray, y: np.ndarray, semantic: bool = False):
    """Standardised logistic regression; the sentence-model fits are regularised (C=0.1) and
    class-balanced (about 80 insertions against 3,000 sentences: 17 weights)."""
    from sklearn.linear_model import LogisticRegression

    mean, scale = A.mean(0), A.std(0)
    scale[scale == 0] = 1.0
    opts = {"C": 0.1, "class_weight": "balanced"} if semantic else {"C": 1.0}
    m = LogisticRegression(max_iter=5000, **opts).fit((A - mean) / scale, y)
    return m, mean, scale


def budget_bias(m, A: np.ndarray, y: np.ndarray, budget: float) -> float:
    """The bias that puts 0.5 at ``budget`` false alarms per 1000 negatives (in-sample)."""
    z = m.decision_function(A)
    neg = np.sort(z[y == 0])[::-1]
    return float(m.intercept_[0] - neg[min(len(neg) - 1, int(budget / 1000 * len(neg)))])


def semantic_models(folder: str, group: str) -> dict[str, dict]:
    """The sentence model's two combinations: ``document`` (each document alone, 1.5 false alarms
    per 1000) and ``semantic`` (adds closeness to another document's topic, 1.0 per 1000; the check
    uses it only to raise a score, and only when the sentence is nearer that document's centroid)."""
    X, y, g = rows(folder, group, "semantic", drop=False)
    y = np.array(y)
    out = {}
    for name, cols, budget in (("document", _corpus.DOCUMENT, 1.5), ("semantic", _corpus.SEMANTIC, 1.0)):
        A = matrix(X, cols)
        m, mean, scale = fit(A, y, semantic=True)
        out[name] = {"weights": {c: round(float(w), 4) for c, w in zip(cols, m.coef_[0])},
                     "mean": {c: round(float(v), 5) for c, v in zip(cols, mean)},
                     "scale": {c: round(float(v), 5) for c, v in zip(cols, scale)},
                     "bias": round(budget_bias(m, (A - mean) / scale, y, budget), 4)}
    print(f"sentence model: {len(y)} candidate sentences, {int(y.sum())} inserted", file=sys.stderr)
    return out


def cv(A: np.ndarray, y: np.ndarray, groups: list[str], seeds: int = 5) -> dict[str, float]:
    docs = np.array(sorted(set(groups)))
    res = []
    for seed in range(seeds):
        rng = np.random.RandomState(seed)
        perm = docs.copy()
        rng.shuffle(perm)
        fold = {d: i % 5 for i, d in enumerate(perm)}
        f = np.array([fold[d] for d in groups])
        pred = np.zeros(len(y), dtype=int)
        for k in range(5):
            tr, te = f != k, f == k
            m, mean, scale = fit(A[tr], y[tr])
            t = pick_threshold(m.predict_proba((A[tr] - mean) / scale)[:, 1], y[tr])
            pred[te] = m.predict_proba((A[te] - mean) / scale)[:, 1] >= t
        tp = int(((pred == 1) & (y == 1)).sum())
        fp = int(((pred == 1) & (y == 0)).sum())
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / max(1, y.sum())
        res.append((prec, rec, 2 * prec * rec / (prec + rec) if prec + rec else 0.0, fp * 1000 / max(1, (y == 0).sum())))
    a = np.mean(res, 0)
    return {"P": round(float(a[0]), 3), "R": round(float(a[1]), 3), "F1": round(float(a[2]), 3),
            "fa_per_1000": round(float(a[3]), 2)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder")
    ap.add_argument("--group", default="ose")
    ap.add_argument("--print-models", action="store_true")
    ap.add_argument("--semantic", action="store_true",
                    help="fit the sentence model's combinations (use --group ose,crafted)")
    ap.add_argument("--all-sentences", action="store_true",
                    help="embed every sentence (no prefilter, no sample), as the committed weights were fitted")
    args = ap.parse_args()
    if args.semantic:
        if args.all_sentences:
            from copydesk.checks.offtopic import _semantic

            offtopic.PREFILTER, _semantic.CONTEXT = 0.0, 10**9
        print(json.dumps(semantic_models(args.folder, args.group), indent=1))
        return
    models = {"lexical": ("lexical", _corpus.LEXICAL)}
    out = {}
    for name, (engine, cols) in models.items():
        X, y, g = rows(args.folder, args.group, engine, drop=False)
        y = np.array(y)
        A = matrix(X, cols)
        doc_only = [c for c in cols if not c.startswith(("x_", "t_", "v_"))]
        print(f"{name}: {len(y)} sentences, {int(y.sum())} inserted", file=sys.stderr)
        print(f"  document only : {cv(matrix(X, tuple(doc_only)), y, g)}")
        print(f"  with corpus   : {cv(A, y, g)}")
        Xd, yd, gd = rows(args.folder, args.group, engine, drop=True)
        print(f"  source absent : {cv(matrix(Xd, cols), np.array(yd), gd)}")
        m, mean, scale = fit(A, y)
        t = pick_threshold(m.predict_proba((A - mean) / scale)[:, 1], y)
        bias = float(m.intercept_[0]) - math.log(t / (1 - t))
        out[name] = {"weights": {c: round(float(w), 4) for c, w in zip(cols, m.coef_[0])},
                     "mean": {c: round(float(v), 5) for c, v in zip(cols, mean)},
                     "scale": {c: round(float(v), 5) for c, v in zip(cols, scale)},
                     "bias": round(bias, 4)}
    if args.print_models:
        print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
