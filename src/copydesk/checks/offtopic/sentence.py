"""A sentence is about something the rest of the article never mentions (an inserted, off-topic sentence).

Each sentence's content terms are weighed against the rest of the document: terms used nowhere
else (weighted by how topical they are in general English, via wordfreq), a run of them forming
a foreign phrase, a bare name quoted as if already introduced, against the terms it shares with
the document, its section and its neighbours. The message names the foreign terms and the
article's topic. Headings, captions and table rows lend their words but are not judged;
reference lists are ignored; quotations are judged with a stricter threshold.

When copydesk lints a corpus (at least ``min_documents`` documents) the check also asks whether
a sentence fits another document far better than its own (``_corpus``): a sentence pasted in
from another article is then named with the article it belongs to. A single file is judged on
its own evidence.

Passes: "Their intense emotional reactivity amplifies this sensitivity." (in an article on empathy in BPD)
Fails: "A spokesperson for Thornbury Hardware said it had no idea who removed the brass weathervane
from the roof of the warehouse it rents on Mill Lane." (in an article on coral reefs)
Fails (bridged): "Moreover, understanding fire safety precautions is essential for creating a safe
environment that supports emotional stability." (a foreign subject tied back to the theme)
"""

from __future__ import annotations

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
SETTINGS = ("optional_models",)  # the run profile: only ``thorough`` lets ``engine: auto`` use the extra
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
        "enum": ["auto", "lexical", "embedding"], "default": "auto",
        "description": "auto: the optional embed extra when installed and the profile is thorough; "
                       "embedding: always (error if missing); lexical: never",
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
    if options.get("min_score") is not None:
        return float(options["min_score"])
    return SENSITIVITY[options.get("sensitivity", "low")]


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
    words = [t.word.strip("'’") for t in s.phrase] if len(s.phrase) >= 2 else []
    if not words:
        ranked = sorted(s.novel, key=lambda t: (-t.weight, t.start))[:3]
        words = [t.word.strip("'’") for t in sorted(ranked, key=lambda t: t.start)]
    if len(words) == 1 or len(s.phrase) >= 2:
        what, verb = f"{_quote(words)} appears", "is"
    else:
        what, verb = ", ".join(_quote([w]) for w in words) + " appear", "are"
    return f"{what} nowhere else in the document and {verb} unrelated to the article's topic: {about}"


def scores(document: Document, options: dict) -> DocumentScores:
    """Lexical scores, rescored with sentence embeddings when the ``embed`` extra is installed
    and the run allows optional models (``--profile thorough``, or ``engine: embedding``)."""
    result = score_document(document, options.get("generic_terms") or ())
    engine = options.get("engine", "auto")
    if engine == "auto" and options.get("optional_models") is False:
        engine = "lexical"  # profiles fast and default: no optional models
    if engine != "lexical":
        from copydesk.checks.offtopic import _embed

        if _embed.available():
            _embed.rescore(document, result)
        elif engine == "embedding":
            raise RuntimeError("engine 'embedding' needs the extra: pip install 'copydesk[embed]'")
    return result


def summarise(document: Document, options: dict) -> _corpus.Summary:
    """The document judged on its own, with what the corpus stage needs (term counts, vectors)."""
    result = scores(document, options)
    vectors = None
    if any("e_doc" in x.features for x in result.sentences):
        from copydesk.checks.offtopic import _embed

        vectors = _embed.vectors(document, result)
    return _corpus.summarise(document, result, vectors, lambda x: reason(x, result.topic, document.prose))


def _parts(summary: _corpus.Summary, _: Any) -> _corpus.Lookups:
    """What the corpus-wide look-ups need of one summary (features and vectors stay behind)."""
    return summary.lookups()


def judge(summary: _corpus.Summary, arg: tuple[int, _corpus.Stats | None, dict]) -> list[tuple[int, int, float, str]]:
    """(start, end, score, message) of the off-topic sentences of one document."""
    index, st, options = arg
    if summary.distinct < options.get("min_sentences", 8):
        return []
    limit = threshold(options)
    model = None
    if st is not None:
        model = "embedding" if st.centroids is not None else "lexical"
        model = model if _corpus.MODELS[model]["weights"] else None
    n_terms, n_novel = summary.sizes()
    judged = summary.records(j for j, (n, m) in enumerate(zip(n_terms, n_novel))
                             if n >= options.get("min_terms", 3) and m)
    versions = _corpus.siblings(index, st) if model else set()
    extra = (_corpus.corpus_features(index, summary, st, records=judged, versions=versions) if model
             else [{}] * len(judged))
    out = []
    for r, cf in zip(judged, extra):
        score = r.score
        if model:
            score = max(_corpus.combine({**r.features, **cf}, model), r.features.get("bridge", 0.0))
        bar = limit + (options.get("quote_penalty", 0.1) if r.kind == "quote" else 0.0)
        if score < bar:
            continue
        why = r.why
        if model and cf.get("x_best", 0.0) >= NAME_OTHER and cf.get("x_terms", 0.0) >= 2:
            other, words = _corpus.best_other(index, r, st, versions)  # another document uses its terms
            if other is not None:
                shown = ", ".join(f"'{w}'" for w in words[:4])
                one = len(words) == 1
                why = (f"{shown} {'appears' if one else 'appear'} nowhere else in this document but "
                       f"belong{'s' if one else ''} with {other}; this article is about: "
                       f"{', '.join(summary.topic) or 'its other sentences'}")
        out.append((r.start, r.end, round(score, 3), f"possibly off-topic (score {score:.2f}): {why}"))
    return out


def check(corpus: Corpus, options: dict) -> Iterator[Problem]:
    paths = corpus.per_document(_path, {i: None for i in corpus.indices()})  # documents summarised
    order = sorted(paths)
    st = None
    if len(order) >= options.get("min_documents", 10):
        parts = corpus.per_document(_parts, {i: None for i in order})
        st = _corpus.stats([parts[i] for i in order])  # position k in st is document order[k]
    verdicts = corpus.per_document(judge, {i: (k, st, options) for k, i in enumerate(order)})
    for i in order:
        for start, end, score, message in verdicts[i]:
            yield Problem(start, end, message, score=score, path=paths[i])


def _path(summary: _corpus.Summary, _: Any) -> str:
    return summary.path
