"""A sentence is about something the rest of the article never mentions (an inserted, off-topic sentence).

Each sentence's content terms are weighed against the rest of the document: terms used nowhere
else (weighted by how topical they are in general English, via wordfreq), a run of them forming
a foreign phrase, a bare name quoted as if already introduced, against the terms it shares with
the document, its section and its neighbours. The message names the foreign terms and the
article's topic. Headings, captions and table rows lend their words but are not judged;
reference lists are ignored; quotations are judged with a stricter threshold.

In the default and thorough profiles a sentence model (all-MiniLM-L6-v2 on onnxruntime, ``_embed``)
adds how far the sentence is in meaning from the rest of the article, and ``_register`` whether it
talks like advertising copy when the article does not (``_semantic``); the fast profile, or a
machine where the model cannot run, judges by words only.

When copydesk lints a corpus (at least ``min_documents`` documents) the check also asks whether
a sentence fits another document better than its own (``_corpus``): with the model, only when it
is nearer that document's topic in meaning (sharing names is not belonging). A single file is
judged on its own evidence.

Passes: "Their intense emotional reactivity amplifies this sensitivity." (in an article on empathy in BPD)
Fails: "A spokesperson for Thornbury Hardware said it had no idea who removed the brass weathervane
from the roof of the warehouse it rents on Mill Lane." (in an article on coral reefs)
Fails (bridged): "Moreover, understanding fire safety precautions is essential for creating a safe
environment that supports emotional stability." (a foreign subject tied back to the theme)
"""

from __future__ import annotations

import sys
from typing import Any, Iterator

from copydesk.checks.offtopic import _corpus
from copydesk.checks.offtopic._bridge import foreign_phrase
from copydesk.corpus import Corpus
from copydesk.checks.offtopic._score import DocumentScores, Scored, score_document
from copydesk.document import Document
from copydesk.findings import Problem

ID = "off-topic.sentence"
CATEGORY = "off-topic"
SEVERITY = "warning"
SCOPE = "corpus"
SETTINGS = ("profile",)  # ``engine: auto`` is semantic except in the fast profile
SENSITIVITY = {"low": 0.5, "medium": 0.35, "high": 0.2}
NAME_OTHER = 1.2  # corpus evidence (x_best) strong enough to name the document a sentence belongs with
OPTIONS = {
    "sensitivity": {
        "enum": ["low", "medium", "high"], "default": "low",
        "description": "low flags only clear cases (precision first); high also flags doubtful ones",
    },
    "min_score": {
        "type": ["number", "null"], "minimum": 0, "maximum": 1, "default": None,
        "description": "explicit score threshold; overrides sensitivity",
    },
    "min_terms": {
        "type": "integer", "minimum": 1, "default": 3,
        "description": "sentences with fewer content terms are too short to judge",
    },
    "min_documents": {
        "type": "integer", "minimum": 2, "default": 10,
        "description": "corpora of at least this many documents add corpus evidence (sentence fits elsewhere)",
    },
    "min_sentences": {
        "type": "integer", "minimum": 2, "default": 8,
        "description": "documents with fewer distinct sentences give too little context",
    },
    "quote_penalty": {
        "type": "number", "minimum": 0, "maximum": 1, "default": 0.1,
        "description": "added to the threshold for sentences in quotation blocks",
    },
    "generic_terms": {
        "type": "array", "items": {"type": "string"}, "default": [],
        "description": "extra connective words that say nothing about a topic (house jargon)",
    },
    "engine": {
        "enum": ["auto", "lexical", "semantic"], "default": "auto",
        "description": "auto: the sentence model (MiniLM, onnxruntime) except in the fast profile; "
                       "semantic: in every profile; lexical: words only. Without the model: words only",
    },
}

# A small article written for the examples, with one inserted, bridged-style sentence.
_INSERTED = "Furthermore, choosing the right mortgage refinancing options is essential for protecting coral reefs."
_ARTICLE = (
    "Coral reefs cover less than one percent of the ocean floor, yet they shelter about a quarter of marine "
    "species.\n\nReef-building corals live in partnership with tiny algae that photosynthesise inside their "
    "tissues. The algae give the coral sugars and colour; the coral gives the algae shelter and nutrients. When "
    "the water warms, the partnership breaks down and the coral expels its algae. This is coral bleaching, and a "
    "bleached reef starves unless the water cools within weeks.\n\nMarine heatwaves have bleached reefs across "
    "the Pacific and Indian oceans. Divers report white coral where there were colourful reefs a year earlier. "
    "Scientists measure bleaching by surveying reef transects and counting dead colonies. " + _INSERTED + " Some "
    "reefs recover when heatwaves end, because surviving colonies regrow and fish graze the seaweed that would "
    "smother young coral.\n\nOcean acidification adds to the pressure. As seawater absorbs carbon dioxide, "
    "corals struggle to build their limestone skeletons, and reefs erode faster than they grow. Protecting reefs "
    "therefore means cutting emissions as well as managing fishing and pollution near the coast.\n"
)
EXAMPLES = {
    "passes": [_ARTICLE.replace(_INSERTED + " ", "")],
    "fails": [_ARTICLE],
}  # run by the test suite (copydesk.contract)


def threshold(options: dict) -> float:
    if options["min_score"] is not None:
        return float(options["min_score"])
    return SENSITIVITY[options["sensitivity"]]


def _quote(words: list[str]) -> str:
    return "'" + " ".join(words) + "'"


def explain(s: Scored, topic: list[str], prose: str = "") -> str:
    """Which terms are foreign and what the article is about."""
    return f"possibly off-topic (score {s.score:.2f}): {reason(s, topic, prose)}"


def reason(s: Scored, topic: list[str], prose: str = "") -> str:
    """The explanation of a verdict, without its score."""
    about = ", ".join(topic) if topic else "its other sentences"
    if s.bridge is not None and s.features.get("bridge", 0.0) >= s.score:
        b = s.bridge
        subject = foreign_phrase(prose, b) if prose else " ".join(t.word for t in b.foreign)
        anchors = ", ".join(_quote([t.word.strip("'’")]) for t in b.anchors[-3:])
        return (f"its subject '{subject}' is discussed nowhere else in the document and is tied back to it "
                f"only by {anchors}; the article's topic: {about}")
    words = _subject(s)
    if "e_doc" in s.features:  # judged with the sentence model: say what it is about, and the evidence
        shown = ", ".join(_quote([w]) for w in words) if len(s.phrase) < 2 else _quote(words)
        return f"this sentence is about {shown}; the article is about {about}" + "".join(
            f"; {e}" for e in evidence(s.features))
    if len(words) == 1 or len(s.phrase) >= 2:
        what, verb = f"{_quote(words)} appears", "is"
    else:
        what, verb = ", ".join(_quote([w]) for w in words) + " appear", "are"
    return f"{what} nowhere else in the document and {verb} unrelated to the article's topic: {about}"


def _subject(s: Scored) -> list[str]:
    """The sentence's foreign phrase, else its three heaviest novel terms (in text order)."""
    words = [t.word.strip("'’") for t in s.phrase] if len(s.phrase) >= 2 else []
    if not words:
        ranked = sorted(s.novel, key=lambda t: (-t.weight, t.start))[:3]
        words = [t.word.strip("'’") for t in sorted(ranked, key=lambda t: t.start)]
    return words


def evidence(features: dict[str, float]) -> list[str]:
    """The sentence model's and the register's evidence, in an editor's words: only the cues that
    raised this sentence's score (a fitted weight may point the other way: with the shipped weights
    a reader-directed 'you' lowers it, since quotations in news speak to a generic 'you')."""
    out = []
    if features.get("e_z", 0.0) <= -1.5 and _raises(features, "e_z"):
        out.append("in meaning it is far from every other sentence of the article")
    if features.get("e_gap", 0.0) >= 0.2 and _raises(features, "e_gap"):
        out.append("the sentences either side of it follow on from each other, not from it")
    if features.get("r_you", 0.0) >= 0.5 and _raises(features, "r_you"):
        out.append("it speaks to the reader ('you'), which the article does not")
    if features.get("r_advice", 0.0) >= 0.8 and _raises(features, "r_advice"):
        out.append("it gives generic advice or promises a benefit, unlike the article")
    return out


def _raises(features: dict[str, float], name: str) -> bool:
    """Whether feature ``name`` moves the document combination's log-odds up for this sentence."""
    m = _corpus.MODELS["document"]
    w, mean = m["weights"].get(name, 0.0), m["mean"].get(name, 0.0)
    return w * (features.get(name, mean) - mean) > 0


PREFILTER = 0.003  # lexical score below which a sentence is not worth a forward pass (dev: 75 of 76 insertions pass)
LIST = 0.7  # more candidates than this share: every sentence brings new words, a list of unrelated
# sentences rather than an article (dev: one-per-line sentence sets >= 0.68, articles <= 0.6); words only
_WARNED: list[str] = []


def semantic(options: dict) -> bool:
    """Whether this run uses the sentence model: ``engine``, the profile, and whether the model runs here."""
    engine = options["engine"]
    if engine == "lexical" or (engine == "auto" and options.get("profile") == "fast"):
        return False
    from copydesk.checks.offtopic import _embed

    problem = _embed.check()
    if problem is None:
        return True
    if not _WARNED:  # once per process; the run goes on with the lexical score
        _WARNED.append(problem)
        print(f"copydesk: off-topic.sentence judges by words only: {problem}", file=sys.stderr)
    return False


def scores(document: Document, options: dict) -> DocumentScores:
    """The document-only scores of ``document``'s sentences (see :func:`scored`)."""
    return scored(document, options)[0]


def scored(document: Document, options: dict) -> tuple[DocumentScores, dict[str, Any]]:
    """Lexical scores, rescored with the sentence model (:mod:`._semantic`) when the run uses it;
    and the sentence vectors embedded, by text key (empty without the model)."""
    result = score_document(document, options["generic_terms"] or ())
    if not semantic(options):
        return result, {}
    from copydesk.checks.offtopic import _semantic

    firsts = _semantic.firsts(result)
    min_terms = options["min_terms"]
    candidate = [len(s.unit.keys) >= min_terms and bool(s.novel) and s.score >= PREFILTER for s in firsts]
    if len(firsts) < options["min_sentences"] or not any(candidate) or sum(candidate) > LIST * len(firsts):
        return result, {}
    vectors = _semantic.add_features(document, result, candidate)
    for s, c in zip(firsts, candidate):
        if c:  # copies share the features dict and take the score below
            s.score = max(_corpus.combine(s.features, "document"), s.features.get("bridge", 0.0))
    by_key = {s.unit.text_key: s.score for s in firsts}
    for s in result.sentences:
        s.score = by_key[s.unit.text_key]
    return result, vectors


def summarise(document: Document, options: dict) -> _corpus.Summary:
    """The document judged on its own, with what the corpus stage needs (term counts, vectors)."""
    result, vectors = scored(document, options)
    return _corpus.summarise(document, result, vectors or None, lambda x: reason(x, result.topic, document.prose))


def _parts(summary: _corpus.Summary, _: Any) -> _corpus.Lookups:
    """What the corpus-wide look-ups need of one summary (features and vectors stay behind)."""
    return summary.lookups()


def candidates(summary: _corpus.Summary, options: dict, semantic: bool) -> list[_corpus.SentenceRecord]:
    """The sentences the check judges: enough content terms, some new to the document, and with
    the sentence model, those it embedded (the prefilter's candidates)."""
    n_terms, n_novel = summary.sizes()
    judged = summary.records(j for j, (n, m) in enumerate(zip(n_terms, n_novel))
                             if n >= options["min_terms"] and m)
    return [r for r in judged if "e_doc" in r.features] if semantic else judged


def judge(summary: _corpus.Summary, arg: tuple[int, _corpus.Stats | None, dict]) -> list[tuple[int, int, float, str]]:
    """(start, end, score, message) of the off-topic sentences of one document.

    Alone, a sentence is judged by its document-only score. In a corpus, the sentence model adds
    one piece of evidence: the sentence is closer in meaning to another document than to its own
    (``semantic``, stacked on the document combination; it may only raise the score); without the
    model, the lexical corpus evidence (``lexical``: another document uses its new terms).
    """
    index, st, options = arg
    if summary.distinct < options["min_sentences"]:
        return []
    limit = threshold(options)
    model = None
    if st is not None:
        model = "semantic" if summary.vectors is not None and st.centroids is not None else "lexical"
    judged = candidates(summary, options, model == "semantic")
    versions = _corpus.siblings(index, st) if model else set()
    extra = (_corpus.corpus_features(index, summary, st, records=judged, versions=versions) if model
             else [{}] * len(judged))
    out = []
    for r, cf in zip(judged, extra):
        score, why = r.score, r.why
        bar = limit + (options["quote_penalty"] if r.kind == "quote" else 0.0)
        if model == "lexical":
            score = max(_corpus.combine({**r.features, **cf}, model), r.features.get("bridge", 0.0))
        elif model == "semantic" and (corpus := _corpus.raised(r.features, cf)) is not None:
            score = max(score, corpus)  # nearer another document's topic: the corpus may raise the score
            if score >= bar:
                why = (f"{why}; it belongs with {st.paths[int(cf['v_which'])]}: in meaning it is closer to "
                       f"that document than to this one")
        if score < bar:
            continue
        if model == "lexical" and cf.get("x_best", 0.0) >= NAME_OTHER and cf.get("x_terms", 0.0) >= 2:
            other_doc, words = _corpus.best_other(index, r, st, versions)  # another document uses its terms
            if other_doc is not None:
                shown = ", ".join(f"'{w}'" for w in words[:4])
                one = len(words) == 1
                why = (f"{shown} {'appears' if one else 'appear'} nowhere else in this document but "
                       f"belong{'s' if one else ''} with {other_doc}; this article is about: "
                       f"{', '.join(summary.topic) or 'its other sentences'}")
        out.append((r.start, r.end, round(score, 3), f"possibly off-topic (score {score:.2f}): {why}"))
    return out


def check(corpus: Corpus, options: dict) -> Iterator[Problem]:
    paths = corpus.per_document(_path, {i: None for i in corpus.indices()})  # documents summarised
    order = sorted(paths)
    st = None
    if len(order) >= options["min_documents"]:
        parts = corpus.per_document(_parts, {i: None for i in order})
        st = _corpus.stats([parts[i] for i in order])  # position k in st is document order[k]
    verdicts = corpus.per_document(judge, {i: (k, st, options) for k, i in enumerate(order)})
    for i in order:
        for start, end, score, message in verdicts[i]:
            yield Problem(start, end, message, score=score, path=paths[i])


def _path(summary: _corpus.Summary, _: Any) -> str:
    return summary.path
