"""A sentence is about something the rest of the article never mentions (an inserted, off-topic sentence).

Each sentence's content terms are weighed against the rest of the document: terms used nowhere
else (weighted by how topical they are in general English, via wordfreq), a run of them forming
a foreign phrase, a bare name quoted as if already introduced, against the terms it shares with
the document, its section and its neighbours. The message names the foreign terms and the
article's topic. Headings, captions and table rows lend their words but are not judged;
reference lists are ignored; quotations are judged with a stricter threshold.

Passes: "Their intense emotional reactivity amplifies this sensitivity." (in an article on empathy in BPD)
Fails: "A spokesperson for Thornbury Hardware said it had no idea who removed the brass weathervane
from the roof of the warehouse it rents on Mill Lane." (in an article on coral reefs)
Limit: bridged insertions ("Moreover, understanding fire safety precautions is essential for creating
a safe environment that supports emotional stability.") rank high and are explained, but are not
flagged at the precision-first default (docs/offtopic.md).
"""

from __future__ import annotations

from typing import Iterator

from copydesk.checks.offtopic._score import DocumentScores, Scored, score_document
from copydesk.document import Document
from copydesk.findings import Problem

ID = "off-topic.sentence"
CATEGORY = "off-topic"
SEVERITY = "warning"
SENSITIVITY = {"low": 0.5, "medium": 0.35, "high": 0.2}
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
        "description": "embedding uses the optional sentence-transformers extra when installed",
    },
}


def threshold(options: dict) -> float:
    if options.get("min_score") is not None:
        return float(options["min_score"])
    return SENSITIVITY[options.get("sensitivity", "low")]


def _quote(words: list[str]) -> str:
    return "'" + " ".join(words) + "'"


def explain(s: Scored, topic: list[str]) -> str:
    """Which terms are foreign and what the article is about."""
    words = [t.word.strip("'’") for t in s.phrase] if len(s.phrase) >= 2 else []
    if not words:
        ranked = sorted(s.novel, key=lambda t: (-t.weight, t.start))[:3]
        words = [t.word.strip("'’") for t in sorted(ranked, key=lambda t: t.start)]
    about = ", ".join(topic) if topic else "its other sentences"
    if len(words) == 1 or len(s.phrase) >= 2:
        what, verb = f"{_quote(words)} appears", "is"
    else:
        what, verb = ", ".join(_quote([w]) for w in words) + " appear", "are"
    return (f"possibly off-topic (score {s.score:.2f}): {what} nowhere else in the document and "
            f"{verb} unrelated to the article's topic: {about}")


def scores(document: Document, options: dict) -> DocumentScores:
    """Lexical scores, rescored with sentence embeddings when the ``embed`` extra is installed."""
    result = score_document(document, options.get("generic_terms") or ())
    engine = options.get("engine", "auto")
    if engine != "lexical":
        from copydesk.checks.offtopic import _embed

        if _embed.available():
            _embed.rescore(document, result)
        elif engine == "embedding":
            raise RuntimeError("engine 'embedding' needs the extra: pip install 'copydesk[embed]'")
    return result


def check(document: Document, options: dict) -> Iterator[Problem]:
    result = scores(document, options)
    if len({s.unit.text_key for s in result.sentences}) < options.get("min_sentences", 8):
        return
    limit = threshold(options)
    for s in result.sentences:
        if len(s.unit.keys) < options.get("min_terms", 3) or not s.novel:
            continue
        bar = limit + (options.get("quote_penalty", 0.1) if s.unit.kind == "quote" else 0.0)
        if s.score >= bar:
            yield Problem(s.unit.start, s.unit.end, explain(s, result.topic), score=round(s.score, 3))
