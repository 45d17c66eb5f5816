"""Fit (and cross-validate) the off-topic combinations on a labelled dev set.

    .venv/bin/python bench/fit_offtopic.py ../shared/eval/offtopic-dev [--group ose] [--print-models]
    .venv/bin/python bench/fit_offtopic.py ../shared/eval/offtopic-dev --group ose,crafted --semantic \
        [--vectors /tmp/offtopic-vectors.pkl] [--print-models] [--clean DIR,DIR --bootstrap 30]

Needs scikit-learn, which copydesk itself does not: ``pip install -e '.[bench]'``.

Summarises every document with ``off-topic.sentence``'s own code (the lexical prefilter and the
sentence sample exactly as at run time), computes the document-only and corpus features, and fits
a logistic regression per model (``lexical``: the fast profile; with ``--semantic`` the sentence
model's ``document`` and ``semantic`` combinations). Reports grouped 5-fold cross-validation (folds
by document; models and thresholds fitted on the training folds), also with each inserted sentence's
source document hidden from the corpus ("source absent"), and prints the MODELS table for
``_corpus.py``. ``--vectors`` keeps the sentence vectors in a file between runs (a refit then takes
seconds instead of minutes). ``--clean`` measures fit noise: the sentence model's combinations refitted
on ``--bootstrap`` resamples of the documents, and each refit's false alarms on folders of clean
articles (linted whole, as ``copydesk check DIR`` does), beside those of the shipped ``MODELS``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import pickle
import sys

import numpy as np

from copydesk.checks.offtopic import _corpus
from copydesk.checks.offtopic import sentence as offtopic
from copydesk.parsing import parse

BUDGET = 3.0  # false alarms per 1000 clean sentences


def summaries(folder: str, engine: str) -> tuple[list[str], list[_corpus.Summary], dict[str, list[dict]]]:
    """Every document of the set summarised by the check's own code, and the set's units by document."""
    by_doc: dict[str, list[dict]] = {}
    for line in open(os.path.join(folder, "units.jsonl"), encoding="utf-8"):
        u = json.loads(line)
        by_doc.setdefault(u["doc"], []).append(u)
    docs = sorted(by_doc)
    opts = {k: v.get("default") for k, v in offtopic.OPTIONS.items()}
    opts["engine"] = engine
    opts["profile"] = "default"
    sums = [offtopic.summarise(parse(d, open(os.path.join(folder, d), encoding="utf-8").read()), opts) for d in docs]
    return docs, sums, by_doc


def rows(folder: str, group: str, engine: str, drop: bool, summarised: tuple | None = None,
         ) -> tuple[list[dict], list[int], list[str]]:
    """Features (document and corpus), label and document of each sentence the check judges."""
    docs, sums, by_doc = summarised or summaries(folder, engine)
    st = _corpus.stats(sums)
    X, y, g = [], [], []
    for i, (d, s) in enumerate(zip(docs, sums)):
        if group and _group(d) not in group.split(","):
            continue
        feats = _corpus.corpus_features(i, s, st, drop_holders=drop)
        n_terms, n_novel = s.sizes()
        min_terms = offtopic.OPTIONS["min_terms"]["default"]
        for j, (r, cf) in enumerate(zip(s.sentences, feats)):
            if engine == "semantic" and not (n_terms[j] >= min_terms and n_novel[j] and "e_doc" in r.features):
                continue  # what the check judges with the sentence model: the candidates
            best = None
            for u in by_doc[d]:
                ov = min(u["end"], r.end) - max(u["start"], r.start)
                if ov > 0 and (ov >= 0.5 * (r.end - r.start) or ov >= 0.5 * (u["end"] - u["start"])):
                    best = max(best or 0, u["label"])
            if best is None:
                continue
            X.append({**r.features, **cf, "quote": float(r.kind == "quote")})
            y.append(best)
            g.append(d)
    return X, y, g


def _group(doc: str) -> str:
    return os.path.basename(doc).split("--")[0]


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


def fit(A: np.ndarray, y: np.ndarray, balanced: bool = False, C: float = 1.0):
    """Standardised logistic regression (the sentence model's fits are class-balanced)."""
    from sklearn.linear_model import LogisticRegression

    mean, scale = A.mean(0), A.std(0)
    scale[scale == 0] = 1.0
    opts = {"C": C, "class_weight": "balanced"} if balanced else {"C": C}
    m = LogisticRegression(max_iter=5000, **opts).fit((A - mean) / scale, y)
    return m, mean, scale


def budget_bias(m, A: np.ndarray, y: np.ndarray, budget: float) -> float:
    """The bias that puts 0.5 at ``budget`` false alarms per 1000 negatives (in-sample): midway
    between the last negative allowed above it and the first one below, so neither sits on it."""
    z = m.decision_function(A)
    neg = np.sort(z[y == 0])[::-1]
    k = min(len(neg) - 1, int(budget / 1000 * len(neg)))  # negatives allowed at or above 0.5
    cut = (neg[k - 1] + neg[k]) / 2 if k else neg[0] + 1e-6
    return float(m.intercept_[0] - cut)


DOCUMENT_BUDGET = 3.0  # sentence model, one document: false alarms per 1000 candidate sentences
SEMANTIC_BUDGET = 3.0  # sentence model, the corpus combination (it can only raise a score)


def semantic_fit(X: list[dict], y: np.ndarray, extend: tuple[str, ...] = ()) -> dict[str, dict]:
    """The sentence model's two combinations, as MODELS tables: ``document`` (classes balanced: about
    75 insertions against 1,200 candidates; bias at DOCUMENT_BUDGET) and ``semantic``, stacked on it:
    the document log-odds and ``v_margin`` (bias at SEMANTIC_BUDGET). C = 1 for both: of 0.03, 0.1,
    0.3 and 1 it cross-validated best, each document alone and whole folder. ``extend``: refit only
    these features of the document combination on top of the shipped one (:func:`extended`)."""
    out = {}
    if extend:
        out["document"] = extended(_corpus.MODELS["document"], X, y, extend)
    else:
        A = matrix(X, _corpus.DOCUMENT)
        out["document"] = table(A, y, _corpus.DOCUMENT, DOCUMENT_BUDGET, C=1.0)
    stacked = [{"document": _corpus.logit(x, out["document"]), "v_margin": x.get("v_margin", 0.0)} for x in X]
    out["semantic"] = table(matrix(stacked, _corpus.SEMANTIC), y, _corpus.SEMANTIC, SEMANTIC_BUDGET, C=1.0)
    return out


def extended(shipped: dict, X: list[dict], y: np.ndarray, new: tuple[str, ...]) -> dict:
    """The document table ``shipped`` without ``new``, extended by ``new``: a logistic regression
    over its log-odds and the new features, folded back into one table (its weights rescaled, the
    new weights added, a new bias at DOCUMENT_BUDGET). Three or four parameters instead of
    fourteen: a full refit moves every weight by its fit noise (see "Fit noise" in docs/offtopic.md),
    this keeps what was checked and adds only what the new features carry. Running it again on
    the table it made gives the same table (the log-odds differ by a scale and an offset, which
    the standardisation takes out)."""
    base = {"weights": {k: w for k, w in shipped["weights"].items() if k not in new},
            "mean": shipped["mean"], "scale": shipped["scale"], "bias": shipped["bias"]}
    cols = ("document", *new)
    rows_ = [{"document": _corpus.logit(x, base), **{k: x.get(k, shipped["mean"].get(k, 0.0)) for k in new}}
             for x in X]
    t = table(matrix(rows_, cols), y, cols, DOCUMENT_BUDGET, C=1.0)
    a = t["weights"]["document"] / t["scale"]["document"]  # the old log-odds' weight, unstandardised
    out = {"weights": {k: round(w * a, 4) for k, w in base["weights"].items()},
           "mean": {k: v for k, v in shipped["mean"].items() if k in base["weights"]},
           "scale": {k: v for k, v in shipped["scale"].items() if k in base["weights"]},
           "bias": round(t["bias"] + a * (base["bias"] - t["mean"]["document"]), 4)}
    for k in new:
        out["weights"][k], out["mean"][k], out["scale"][k] = t["weights"][k], t["mean"][k], t["scale"][k]
    return out


def table(A: np.ndarray, y: np.ndarray, cols: tuple[str, ...], budget: float, C: float) -> dict:
    m, mean, scale = fit(A, y, balanced=True, C=C)
    return {"weights": {c: round(float(w), 4) for c, w in zip(cols, m.coef_[0])},
            "mean": {c: round(float(v), 5) for c, v in zip(cols, mean)},
            "scale": {c: round(float(v), 5) for c, v in zip(cols, scale)},
            "bias": round(budget_bias(m, (A - mean) / scale, y, budget), 4)}


def flagged(X: list[dict], models: dict[str, dict], corpus: bool) -> np.ndarray:
    """The check's decision (``sentence.scored`` and ``judge``) with these models."""
    out = []
    for x in X:
        score = max(_corpus.combine(x, models["document"]), x.get("bridge", 0.0))
        if corpus and (raised := _corpus.raised(x, x, models)) is not None:
            score = max(score, raised)
        out.append(score >= offtopic.SENSITIVITY["low"] + x["quote"] * offtopic.OPTIONS["quote_penalty"]["default"])
    return np.array(out)


def semantic_cv(X: list[dict], y: np.ndarray, g: list[str], totals: dict[str, tuple[int, int]],
                Xtest: list[dict] | None = None, corpus: bool = True, seeds: int = 3,
                extend: tuple[str, ...] = ()) -> dict[str, tuple]:
    """Grouped 5-fold cross-validation of the check's decision, in score.py's terms per group:
    P, R, F1 and false alarms per 1000 clean sentences; recall counts the insertions the prefilter
    missed. ``Xtest``: the same rows with other corpus features (the source absent)."""
    Xtest = Xtest or X
    docs = sorted(set(g))
    groups = [_group(d) for d in g]
    runs = []
    for seed in range(seeds):
        perm = list(np.random.RandomState(seed).permutation(docs))
        fold = np.array([perm.index(d) % 5 for d in g])
        pred = np.zeros(len(y), dtype=bool)
        for k in range(5):
            tr = np.flatnonzero(fold != k)
            models = semantic_fit([X[i] for i in tr], y[tr], extend)
            te = np.flatnonzero(fold == k)
            pred[te] = flagged([Xtest[i] for i in te], models, corpus)
        runs.append({name: prf(pred, y, groups, names, totals) for name, names in _sets(totals).items()})
    return {name: tuple(round(float(np.mean([r[name][i] for r in runs])), 3) for i in range(4)) for name in runs[0]}


def _sets(totals: dict) -> dict[str, set[str]]:
    return {**{k: {k} for k in totals}, "+".join(sorted(totals)): set(totals)}


def prf(pred: np.ndarray, y: np.ndarray, groups: list[str], names: set[str], totals: dict) -> tuple:
    on = np.array([gr in names for gr in groups])
    tp, fp = int((pred & on & (y == 1)).sum()), int((pred & on & (y == 0)).sum())
    pos, neg = sum(totals[n][0] for n in names), sum(totals[n][1] for n in names)
    p, r = tp / (tp + fp) if tp + fp else 0.0, tp / max(1, pos)
    return p, r, 2 * p * r / (p + r) if p + r else 0.0, 1000 * fp / max(1, neg)


def unit_totals(by_doc: dict[str, list[dict]], group: str) -> dict[str, tuple[int, int]]:
    """(inserted, clean) sentences per group, as score.py counts them."""
    out: dict[str, list[int]] = {}
    for d, us in by_doc.items():
        if _group(d) in group.split(","):
            t = out.setdefault(_group(d), [0, 0])
            t[0] += sum(u["label"] for u in us)
            t[1] += sum(1 - u["label"] for u in us)
    return {k: (v[0], v[1]) for k, v in out.items()}


def clean_rows(folder: str) -> tuple[list[dict], bool]:
    """The candidate sentences of a folder of clean articles as ``judge`` sees them (every row a
    false alarm if flagged), and whether the folder is large enough for corpus evidence."""
    opts = {k: v.get("default") for k, v in offtopic.OPTIONS.items()}
    opts.update(engine="semantic", profile="default")
    paths = sorted(os.path.join(r, f) for r, _, fs in os.walk(folder) for f in fs if f.endswith((".txt", ".md")))
    sums = [offtopic.summarise(parse(p, open(p, encoding="utf-8").read()), opts) for p in paths]
    corpus = len(sums) >= opts["min_documents"]
    st = _corpus.stats(sums) if corpus else None
    out = []
    for i, s in enumerate(sums):
        if s.distinct < opts["min_sentences"]:
            continue
        recs = offtopic.candidates(s, opts, semantic=True)
        extra = _corpus.corpus_features(i, s, st, records=recs) if corpus and recs else [{}] * len(recs)
        out.extend({**r.features, **cf, "quote": float(r.kind == "quote")} for r, cf in zip(recs, extra))
    return out, corpus


def fit_noise(X: list[dict], y: np.ndarray, g: list[str], cleans: list[str], n: int,
              extend: tuple[str, ...] = ()) -> None:
    """False alarms on clean folders of ``n`` refits on document bootstraps, beside the shipped MODELS'.
    One refit can land either side of a clean set's budget by chance: judge a change by the spread."""
    docs = sorted(set(g))
    at = {d: [i for i, x in enumerate(g) if x == d] for d in docs}
    sets = {c: clean_rows(c) for c in cleans}
    counts: dict[str, list[int]] = {c: [] for c in cleans}
    for b in range(n):
        pick = [i for k in np.random.RandomState(b).choice(len(docs), len(docs)) for i in at[docs[k]]]
        models = semantic_fit([X[i] for i in pick], y[pick], extend)
        for c, (rows_, corpus) in sets.items():
            counts[c].append(int(flagged(rows_, models, corpus).sum()))
    print(f"fit noise: false alarms of {n} refits on document bootstraps (shipped MODELS in brackets):")
    for c, (rows_, corpus) in sets.items():
        v = np.array(counts[c])
        shipped = int(flagged(rows_, _corpus.MODELS, corpus).sum())
        print(f"  {c}: [{shipped}] mean {v.mean():.1f}, median {np.median(v):.0f}, 10-90% {np.percentile(v, 10):.0f}-"
              f"{np.percentile(v, 90):.0f}, refits above the shipped {int((v > shipped).sum())}/{n} "
              f"({len(rows_)} candidate sentences, {'whole folder' if corpus else 'each document alone'})")


def semantic_report(folder: str, group: str, print_models: bool, cleans: list[str] = (), bootstrap: int = 30,
                    extend: tuple[str, ...] = (), seeds: int = 3) -> None:
    summarised = summaries(folder, "semantic")
    totals = unit_totals(summarised[2], group)
    X, y, g = rows(folder, group, "semantic", False, summarised)
    Xd, _, _ = rows(folder, group, "semantic", True, summarised)
    y = np.array(y)
    print(f"sentence model: {len(y)} candidate sentences, {int(y.sum())} of {sum(t[0] for t in totals.values())} "
          f"insertions; cross-validated P, R, F1, false alarms/1000 clean sentences:", file=sys.stderr)
    models = semantic_fit(X, y, extend)
    for name, corpus, test in (("each document alone", False, X), ("whole folder", True, X),
                               ("whole folder, source absent", True, Xd)):
        print(f"  {name:28s} CV {semantic_cv(X, y, g, totals, test, corpus, seeds, extend)}")
        print(f"  {'':28s} in-sample {_insample(flagged(test, models, corpus), y, g, totals)}")
    if cleans:
        fit_noise(X, y, g, list(cleans), bootstrap, extend)
    if print_models:
        print(json.dumps(models, indent=1))


def _insample(pred: np.ndarray, y: np.ndarray, g: list[str], totals: dict) -> dict[str, tuple]:
    groups = [_group(d) for d in g]
    return {name: tuple(round(v, 3) for v in prf(pred, y, groups, names, totals))
            for name, names in _sets(totals).items()}


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
    ap.add_argument("--vectors", help="a file keeping the sentence vectors between runs (pickle; made if missing)")
    ap.add_argument("--clean", default="", help="with --semantic: folders of clean articles (comma-separated) "
                    "on which to count each bootstrap refit's false alarms")
    ap.add_argument("--bootstrap", type=int, default=30, help="refits for --clean (default 30)")
    ap.add_argument("--extend", default="", help="with --semantic: refit only these document features "
                    "(comma-separated) on top of the shipped document combination, e.g. e_gap (how MODELS was made)")
    ap.add_argument("--seeds", type=int, default=3, help="cross-validation shuffles (default 3)")
    args = ap.parse_args()
    if args.vectors:
        from copydesk.checks.offtopic import _embed

        if os.path.exists(args.vectors):
            with open(args.vectors, "rb") as fh:
                _embed._MEMO.local.update(pickle.load(fh))
        _embed._MEMO.max_items = 10**9
    if args.semantic:
        semantic_report(args.folder, args.group, args.print_models, [c for c in args.clean.split(",") if c],
                        args.bootstrap, tuple(f for f in args.extend.split(",") if f), args.seeds)
    else:
        lexical_report(args.folder, args.group, args.print_models)
    if args.vectors:
        with open(args.vectors, "wb") as fh:
            pickle.dump(dict(_embed._MEMO.local), fh)


def lexical_report(folder: str, group: str, print_models: bool) -> None:
    cols = _corpus.LEXICAL
    summarised = summaries(folder, "lexical")
    X, y, g = rows(folder, group, "lexical", False, summarised)
    y = np.array(y)
    A = matrix(X, cols)
    doc_only = [c for c in cols if not c.startswith(("x_", "t_", "v_"))]
    print(f"lexical: {len(y)} sentences, {int(y.sum())} inserted", file=sys.stderr)
    print(f"  document only : {cv(matrix(X, tuple(doc_only)), y, g)}")
    print(f"  with corpus   : {cv(A, y, g)}")
    Xd, yd, gd = rows(folder, group, "lexical", True, summarised)
    print(f"  source absent : {cv(matrix(Xd, cols), np.array(yd), gd)}")
    m, mean, scale = fit(A, y)
    t = pick_threshold(m.predict_proba((A - mean) / scale)[:, 1], y)
    bias = float(m.intercept_[0]) - math.log(t / (1 - t))
    model = {"weights": {c: round(float(w), 4) for c, w in zip(cols, m.coef_[0])},
             "mean": {c: round(float(v), 5) for c, v in zip(cols, mean)},
             "scale": {c: round(float(v), 5) for c, v in zip(cols, scale)},
             "bias": round(bias, 4)}
    if print_models:
        print(json.dumps({"lexical": model}, indent=1))


if __name__ == "__main__":
    main()
