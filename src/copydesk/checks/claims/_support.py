"""Support recognition: does a sentence carry (or clearly continue) a source?

Recognised support, in the sentence itself:
- author-year citations: "(Stern, 2004)", "(Fonagy, Luyten, & Strathearn, 2011; Stern, 2004)",
  "(Kernberg, 1975, p. 229)", "Stern (2004)", "Tronick et al. (1998)", a bare "et al.";
- page references that continue a quotation's citation: "(p. 76)";
- numbered and footnote references: "[12]", "[3, 4]", "[^note]", superscript digits, ``<sup>``;
- links: Markdown ``[text](url)`` and HTML ``<a href>`` (URLs are masked in ``document.prose``,
  so these are read from ``document.text``) and bare URLs;
- "according to <named source>" ("according to the World Health Organization", "according to
  a 2019 Gallup poll"), and a named person or body reporting ("Gandhi said", "Daniel Stern wrote").

And in a neighbouring sentence of the same paragraph when the prose continues it: the next
sentence is cited and opens with a continuation word ("This", "They", "These findings"), or
the previous sentence is cited and this one opens with such a word.

Exempt from claim checks: questions, quotations, and sentences the author marks as opinion
("I believe", "in my view") or advice ("you should", imperatives).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterator, Sequence

from copydesk.checks.claims import _cues
from copydesk.document import Document, Sentence

_YEAR = r"(?:1[5-9]\d\d|20\d\d)[a-z]?"
_NAME = r"[A-Z][\w'’\-]+"
_PAGE = r"(?:,?\s*(?:p|pp|ch|chap|para)\.?\s*\d+(?:\s*[-–]\s*\d+)?)"

# (Stern, 2004) / (Fonagy, Luyten, & Strathearn, 2011; Stern, 2004) / (see Kernberg 1975, p. 229)
PAREN_CITATION = re.compile(r"\([^()]{0,300}?" + _NAME + r"[^()]{0,200}?\b" + _YEAR + r"\b[^()]{0,60}\)")
# Stern (2004) / Tronick et al. (1998) / Smith and Jones (2010, p. 4)
NARRATIVE_CITATION = re.compile(
    _NAME + r"(?:\s+(?:et\s+al\.?|and\s+" + _NAME + r"|&\s*" + _NAME + r"))?,?\s*\(\s*" + _YEAR + _PAGE + r"?\s*\)"
)
ET_AL = re.compile(r"\bet\s+al\b\.?")
PAGE_ONLY = re.compile(r"\(\s*(?:p|pp)\.\s*\d+(?:\s*[-–]\s*\d+)?\s*\)")
NUMBERED = re.compile(r"\[\s*\d{1,3}(?:\s*[,\-–]\s*\d{1,3})*\s*\]|\[\^[\w\-]+\]|[¹²³⁴⁵⁶⁷⁸⁹⁰]+|<sup\b", re.I)
LINK = re.compile(r"https?://|\bwww\.\w|\]\(\s*\S|\]\[[^\]\s]+\]|<a\s[^>]*href|\bdoi:\s*10\.|\b10\.\d{4,}/", re.I)

# words that are not a named source when they follow "according to" or precede "said"
GENERIC_SOURCES = frozenset("""
a an the this that these those some many most several few various numerous other others one
it he she they we i you who people person experts expert scientists scientist researchers researcher
research studies study science scholars scholar critics critic sources source reports report
observers commentators analysts doctors doctor psychologists psychologist therapists clinicians
authorities officials data evidence literature knowledge surveys survey polls findings theory
proponents supporters opponents advocates fans historians legend tradition rumour rumor folklore
according also however but and or so yet then there here what which when while if as in on at
""".split())

REPORTING_VERBS = (
    "said", "says", "wrote", "writes", "argued", "argues", "found", "finds", "showed", "shows",
    "reported", "reports", "noted", "notes", "observed", "observes", "called", "calls", "concluded",
    "concludes", "stated", "states", "explained", "explains", "described", "describes", "discusses",
    "discussed", "estimated", "estimates", "suggested", "suggests", "demonstrated", "demonstrates",
)
_REPORTING = re.compile(r"\b(" + "|".join(REPORTING_VERBS) + r")\b")
_ACCORDING = re.compile(r"\baccording\s+to\s+(.{0,80})", re.I)
_CAP_RUN = re.compile(r"(?:[A-Z][\w'’\.&\-]*\s+){0,3}[A-Z][\w'’\.&\-]*")

DEFAULT_CONTINUATIONS = (
    "this", "these", "those", "that", "they", "he", "she", "it", "his", "her", "their", "its", "such",
    "the study", "the studies", "the authors", "the researchers", "the review", "the survey", "the report",
    "the findings", "the results", "the paper", "the book", "also", "likewise", "similarly", "moreover",
    "furthermore", "in addition", "additionally", "in particular", "specifically", "for example",
    "for instance", "in other words", "in short", "thus", "hence",
)
DEFAULT_OPINION = (
    "i (?:\\w+ )?(?:think|believe|feel|suspect|guess|argue|contend|submit|find|suggest|recommend|propose|doubt|"
    "see|understand)",
    "we (?:\\w+ )?(?:think|believe|feel|suspect|argue|recommend|suggest)",
    "in my (?:view|opinion|experience|practice|judgement|judgment)", "to my mind", "my suspicion",
    "my (?:general )?recommendation", "i would", "i might", "i'd", "i’d", "it seems to me", "as i see it",
)
DEFAULT_ADVICE = (
    "you (?:should|must|need to|have to|ought to|can|could|may want to|might want to)(?! (?:know|understand|realize|realise|be aware|note) that)",
    "(?:it is|it's|it’s|it will be|it can be) (?:very )?(?:helpful|important|imperative|essential|wise|unwise|best|advisable|crucial|useful) (?:for \\w+ )?to",
    "make sure", "be sure to", "let us", "let's", "let’s",
)
# Imperative openings: a base-form verb as the first word.
DEFAULT_IMPERATIVES = (
    "accept", "act", "add", "ask", "avoid", "be", "begin", "bring", "change", "choose", "consider",
    "determine", "do", "don't", "encourage", "explore", "find", "focus", "follow", "get", "give", "go",
    "keep", "learn", "leave", "let", "listen", "look", "make", "note", "notice", "practise", "practice",
    "protect", "read", "recognize", "recognise", "remember", "seek", "set", "show", "speak", "start",
    "stay", "stop", "take", "talk", "tell", "think", "try", "use", "validate", "watch", "write",
)

SUPPORT_OPTIONS: dict[str, dict[str, Any]] = {
    "neighbour_support": {"type": "boolean", "default": True,
                          "description": "a citation in the next/previous sentence of the paragraph counts "
                                         "when this sentence continues it"},
    "continuation_words": _cues.cue_list(DEFAULT_CONTINUATIONS,
                                         "openings that tie a sentence to its cited neighbour"),
    "opinion_markers": _cues.cue_list(DEFAULT_OPINION, "phrases that mark the author's own opinion (exempt)"),
    "advice_markers": _cues.cue_list(DEFAULT_ADVICE, "phrases that mark advice (exempt)"),
    "imperative_verbs": _cues.cue_list(DEFAULT_IMPERATIVES, "first words that make a sentence an instruction"),
}

_QUOTES_OPEN = "\"“‘'«"
_QUOTES_CLOSE = "\"”’'»"


@dataclass(frozen=True)
class Candidate:
    """A sentence that may need support."""

    index: int
    sentence: Sentence
    text: str  # prose of the sentence


def citation_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, kind) of citation-like support in ``text`` (prose or raw)."""
    out: list[tuple[int, int, str]] = []
    for kind, rx in (("author-year", PAREN_CITATION), ("author-year", NARRATIVE_CITATION),
                     ("et al.", ET_AL), ("page", PAGE_ONLY), ("numbered", NUMBERED), ("link", LINK)):
        out.extend((m.start(), m.end(), kind) for m in rx.finditer(text))
    return sorted(out)


def _named(phrase: str) -> bool:
    """True if ``phrase`` opens with a named source (a capitalised name or a dated study)."""
    words = phrase.split()
    # skip determiners and a leading year/adjective: "the World Health Organization", "a 2019 Gallup poll"
    i = 0
    while i < len(words) and words[i].lower() in ("the", "a", "an", "new", "recent", "latest", "one"):
        i += 1
    if i < len(words) and re.fullmatch(r"(?:1[89]|20)\d\d[,.;:]?", words[i]):
        return True
    if i >= len(words):
        return False
    w = words[i].strip("“”\"'‘’(),.;:")
    return bool(w) and (w[0].isupper() or w.isupper()) and w.lower() not in GENERIC_SOURCES


def named_attribution(text: str) -> str | None:
    """'according to <named source>' or '<Name> said/wrote ...' in ``text``."""
    for m in _ACCORDING.finditer(text):
        if _named(m.group(1)):
            return "according to a named source"
    for m in _REPORTING.finditer(text):
        before = text[max(0, m.start() - 60):m.start()].rstrip(" ,")
        before = re.sub(r"\(\s*" + _YEAR + r"\s*\)\s*$", "", before).rstrip(" ,")
        names = re.findall(r"([A-Z][\w'’\-]+)(?:\s+(?:also|later|once|famously|has|had|have))?$", before)
        if names:
            name = names[-1]
            start_of_sentence = before[: len(before) - len(name)].strip() == ""
            generic = name.lower() in GENERIC_SOURCES
            if not generic and not (start_of_sentence and name.lower() in _COMMON_OPENERS):
                return "a named source reports it"
    return None


_COMMON_OPENERS = frozenset("this that these those it they he she we there here what such".split())


def own_support(document: Document, sentence: Sentence) -> str | None:
    """The kind of support carried by the sentence itself, if any."""
    prose = document.prose[sentence.start:sentence.end]
    raw = document.text[sentence.start:sentence.end]
    spans = citation_spans(prose) or citation_spans(raw)
    if spans:
        return spans[0][2]
    return named_attribution(prose)


def _citation_only(document: Document, sentence: Sentence) -> bool:
    prose = document.prose[sentence.start:sentence.end]
    raw = document.text[sentence.start:sentence.end]
    return bool(citation_spans(prose) or citation_spans(raw))


def _opens_with(entries: Sequence[str], text: str) -> bool:
    return _cues.cues(entries).opens(text.lstrip(" \t\"“‘'(—–-"))


class DocumentSupport:
    """Per-document support and exemption analysis, shared by the claim checks."""

    def __init__(self, document: Document, options: dict[str, Any]) -> None:
        self.doc = document
        self.opts = support_options(options)
        self._own: dict[int, str | None] = {}
        self._support: dict[int, str | None] = {}
        self._exemption: dict[str, str | None] = {}
        self._opinion = _cues.cues(self.opts["opinion_markers"])
        self._advice = _cues.cues(self.opts["advice_markers"])
        self._imperatives = {w.lower() for w in self.opts["imperative_verbs"]}

    def own(self, i: int) -> str | None:
        if i not in self._own:
            self._own[i] = own_support(self.doc, self.doc.sentences[i])
        return self._own[i]

    def support(self, i: int) -> str | None:
        """Why sentence ``i`` counts as supported, or ``None`` (cached)."""
        if i not in self._support:
            self._support[i] = self._find_support(i)
        return self._support[i]

    def _find_support(self, i: int) -> str | None:
        own = self.own(i)
        if own:
            return own
        if not self.opts["neighbour_support"]:
            return None
        doc = self.doc
        s = doc.sentences[i]
        cont = self.opts["continuation_words"]
        nxt = i + 1
        if nxt < len(doc.sentences) and doc.sentences[nxt].block == s.block:
            ntext = doc.sentence_text(doc.sentences[nxt])
            if _citation_only(doc, doc.sentences[nxt]) and (
                    _opens_with(cont, ntext) or PAREN_CITATION.match(ntext.lstrip())):
                return "cited in the next sentence"
        prev = i - 1
        if prev >= 0 and doc.sentences[prev].block == s.block:
            if _citation_only(doc, doc.sentences[prev]) and _opens_with(cont, doc.sentence_text(s)):
                return "continues a cited sentence"
        text = doc.sentence_text(s).rstrip()
        if text.endswith(":") and nxt < len(doc.sentences) and _citation_only(doc, doc.sentences[nxt]):
            return "introduces a cited passage"
        return None

    def exemption(self, text: str) -> str | None:
        """'question', 'quotation', 'opinion' or 'advice' when a claim check should stay quiet (cached)."""
        if text not in self._exemption:
            self._exemption[text] = self._find_exemption(text)
        return self._exemption[text]

    def _find_exemption(self, text: str) -> str | None:
        t = text.strip()
        if t.endswith("?") or t.endswith("?”") or t.endswith("?\""):
            return "question"
        if t[:1] in _QUOTES_OPEN:
            close = max(t.rfind(c) for c in _QUOTES_CLOSE)
            if close >= len(t) - 25:
                return "quotation"
        if self._opinion.first(t):
            return "opinion"
        if self._advice.first(t):
            return "advice"
        first_word = re.match(r"[\"“‘'(]*([A-Za-z’']+)", t)
        if first_word and first_word.group(1).lower() in self._imperatives:
            second = t[first_word.end():].lstrip()
            # "Act accordingly." / "Stay calm" but not "Use of ..." or "Practice shows ..."
            if not re.match(r"(?:of|is|are|was|were|has|have|shows?|can|may)\b", second):
                return "advice"
        return None


def support_options(options: dict[str, Any]) -> dict[str, Any]:
    """The support options in effect: defaults, and list options with their ``add``/``remove`` edits."""
    return {k: _cues.edited(options, k, v["default"]) if v.get("type") == "array" else options.get(k, v["default"])
            for k, v in SUPPORT_OPTIONS.items()}


def _support_key(options: dict[str, Any]) -> tuple:
    """The options that :class:`DocumentSupport` reads, hashable."""
    def frozen(value: Any) -> Any:
        return tuple(value) if isinstance(value, list) else value

    edits = tuple(tuple(sorted((k, frozen(v)) for k, v in (options.get(e) or {}).items() if k in SUPPORT_OPTIONS))
                  for e in ("add", "remove"))
    return tuple((k, frozen(options.get(k))) for k in SUPPORT_OPTIONS) + edits


def analysis(document: Document, options: dict[str, Any]) -> DocumentSupport:
    """A cached :class:`DocumentSupport` for this document and these support options."""
    key = _support_key(options)
    cache = document.__dict__.setdefault("_claims_support", {})
    if key not in cache:
        cache[key] = DocumentSupport(document, options)
    return cache[key]


def _title_like(text: str) -> bool:
    words = re.findall(r"[A-Za-z][\w'’\-]*", text)
    if len(words) < 6:
        return True
    caps = sum(1 for w in words if w[0].isupper())
    return caps / len(words) >= 0.6


def candidates(document: Document, min_words: int = 4) -> list[Candidate]:
    """Sentences of running prose: not reference entries, table rows, quotes or titles (cached)."""
    cache = document.__dict__.setdefault("_claims_candidates", {})
    if min_words not in cache:
        cache[min_words] = list(_candidates(document, min_words))
    return cache[min_words]


def _candidates(document: Document, min_words: int) -> Iterator[Candidate]:
    for i, s in enumerate(document.sentences):
        block = document.blocks[s.block]
        if block.kind in ("reference", "table_row", "caption", "quote"):
            continue
        text = document.sentence_text(s)
        if block.kind == "heading" and _title_like(text):
            continue
        if len(document.words(s.start, s.end)) < min_words:
            continue
        yield Candidate(i, s, text)
