"""Grammar, spelling and style from Harper, the offline grammar checker, run in process.

Harper reads the document's prose only (markup, code and URLs masked), so every finding maps to
the exact place in the file. Rule ids are ``grammar.harper.<HarperRule>``. Not spelling errors:
words in the project vocabulary, names (capitalised inside a sentence), brands ("StumbleUpon"),
acronyms, initials and abbreviations ("E.Z.", "Psy.D.", "p."), reference-list entries, and the
other dialect's spellings (``grammar.dialect`` reports those when a document mixes them).

Passes: ``The child's behaviour changed (Kernberg, 1975, p. 229).``
Fails: ``She recieved an letter.`` (spelling: "recieved"; grammar: "an letter")
"""

from __future__ import annotations

import re
from typing import Any, Iterator

from copydesk.checks.grammar import _dialect
from copydesk.checks.grammar._engine import lint_prose
from copydesk.checks.grammar._filters import keep_spelling, reference_spans, sentence_start, skip_span
from copydesk.checks.grammar._vocab import mixed_case, vocabulary, zipf
from copydesk.document import Document
from copydesk.findings import Problem

ID = "grammar.harper"
CATEGORY = "grammar"
SEVERITY = "warning"
FIX = "unsafe"  # Harper's first suggestion: usually right, may change meaning (copydesk.fixes)
EMITS = ("grammar", "spelling", "style")
SETTINGS = ("dialect", "vocabulary")
OPTIONS = {
    "disabled_rules": {
        "type": "array", "items": {"type": "string"}, "default": ["LongSentences", "OxfordComma", "DayOneNames"],
        "description": "Harper rules to turn off (names as in the rule ids, e.g. OxfordComma)",
    },
    "known_word_zipf": {
        "type": "number", "minimum": 0, "maximum": 8, "default": 1.0,
        "description": "a flagged word at least this common in wordfreq (Zipf scale) is reported only when "
                       "a suggestion is one edit away (rare real words and jargon are left alone)",
    },
    "style_severity": {"enum": ["error", "warning", "info"], "default": "info",
                       "description": "severity of Harper's style findings"},
}
EXAMPLES = {
    "passes": ["The child's behaviour changed (Kernberg, 1975, p. 229).\n"],
    "fails": ["She recieved an letter.\n"],
}  # run by the test suite (copydesk.contract)

# Rules whose findings are house style rather than grammar.
RULE_CATEGORY = {"DiscourseMarkers": "style", "DisjointPrefixes": "style"}
SPLIT_PART_ZIPF = 5.0  # "alot" -> "a lot": both parts must be everyday words


SPLIT_WORD_ZIPF = 2.5  # a joined form at least this common is a word in use ("caregiving")


_ACRONYM_POSSESSIVE = re.compile(r"\b[A-Z]{1,6}[’']s\b")


def _acronym_possessive(doc: Document, start: int, end: int) -> bool:
    """Harper splits "N’s", "IN’s", "NPD's" oddly and proposes merges or "in's": not errors."""
    window = doc.prose[max(0, start - 8):end + 8]
    return bool(_ACRONYM_POSSESSIVE.search(window))


_QUOTED = re.compile(r"`([^`]+)`|'([^']+)'")
_LIST_GAP = re.compile(r",? *(?:or|and)? *|, *")  # what stands between two listed alternatives


def _canonical(message: str, suggestions: tuple[str, ...]) -> tuple[str, tuple[str, ...]]:
    """Harper lists some alternatives in hash order ("The word `absinthe`, `absinth` is a mass
    noun", "Use the irregular form 'chosen' or 'chose'"): when the message lists exactly the
    suggestions, side by side, sort both so that reports are reproducible. Harper capitalises
    the suggestions like the word they replace ("Choosed" -> "Chosen", "Chose") but not the
    message, so words match whatever their case."""
    wanted = sorted(s.lower() for s in suggestions)
    quoted = [m for m in _QUOTED.finditer(message) if (m.group(1) or m.group(2)).lower() in wanted]
    words = [m.group(1) or m.group(2) for m in quoted]
    listed = all(_LIST_GAP.fullmatch(message, a.end(), b.start()) for a, b in zip(quoted, quoted[1:]))
    if len(words) < 2 or sorted(w.lower() for w in words) != wanted or not listed:
        return message, suggestions
    pieces, pos = [], 0
    for m, word in zip(quoted, sorted(words, key=_order)):
        mark = m.group(0)[0]
        pieces += (message[pos:m.start()], f"{mark}{word}{mark}")
        pos = m.end()
    pieces.append(message[pos:])
    return "".join(pieces), tuple(sorted(suggestions, key=_order))


def _order(word: str) -> tuple[str, str]:
    return word.lower(), word


def _plausible_split(word: str, suggestions: tuple[str, ...]) -> bool:
    """Harper's SplitWords guesses at any word missing from its dictionary ("person hood").
    A word in common use is kept joined unless both parts are everyday words ("alot", "infact")."""
    parts = suggestions[0].split() if suggestions else []
    if len(parts) < 2:
        return False
    return zipf(word) < SPLIT_WORD_ZIPF or min(zipf(p) for p in parts) >= SPLIT_PART_ZIPF


_GLUE = frozenset(".@/\\-_:#&")
_SPELL_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")


def _unreported(doc: Document, vocab: Any, refs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans of the words whose spelling is never reported: project terms, references, acronyms,
    brands ("StumbleUpon") and names (capitalised inside a sentence). They are most of the words
    Harper does not know, and each would cost it a suggestion search. Only whole words, so that
    the others keep their neighbours (Harper knows some phrases, such as "et al.", only whole)."""
    out, prose = [], doc.prose
    for m in _SPELL_WORD.finditer(prose):
        (a, b), word = m.span(), m.group()
        if prose[a - 1:a] in _GLUE or (prose[b:b + 1] in _GLUE and prose[b + 1:b + 2].isalnum()):
            continue  # part of a host name, an address or a compound ("Amazon.com's", "U.S.")
        if (word[:1].isupper() and (len(word) > 1 and word.isupper() or a > sentence_start(doc, a))
                or mixed_case(word) or vocab.accepts(word) or any(r0 <= a < r1 for r0, r1 in refs)):
            out.append(m.span())
    return out


def warm_up(options: dict[str, Any]) -> None:
    """Load Harper's dictionary (seconds, once per process; it releases the GIL) ahead of the run."""
    import harper

    harper.Linter(harper.Dialect.AMERICAN)


def spare_core(on: bool) -> None:
    """With a core to spare in this process, the spelling pass runs beside Harper's other rules."""
    from copydesk.checks.grammar._engine import concurrent_passes

    concurrent_passes(on)


def check(document: Document, options: dict[str, Any]) -> Iterator[Problem]:
    doc = document
    vocab = vocabulary(options["vocabulary"])
    prof = _dialect.profile(doc, options["dialect"])
    variants = {w.lower() for w in prof.variant_words()} if _dialect.FAMILY.get(prof.dialect) != "ca" else set()
    refs = reference_spans(doc)
    known_zipf = float(options["known_word_zipf"])
    for lint in lint_prose(doc.prose, prof.dialect, options["disabled_rules"] or (), vocab.plain_accept,
                           _unreported(doc, vocab, refs)):
        if skip_span(doc, lint.start, lint.end, refs):
            continue
        if " " not in lint.text and vocab.accepts(lint.text):
            continue  # a project term, whatever the rule (split words, wrong negative...)
        category = RULE_CATEGORY.get(lint.rule, lint.category)
        if lint.rule == "SplitWords" and not _plausible_split(lint.text, lint.suggestions):
            continue
        if category != "spelling" and _acronym_possessive(doc, lint.start, lint.end):
            continue
        if category == "spelling" and not keep_spelling(doc, lint.start, lint.end, lint.suggestions, vocab,
                                                       variants, known_zipf):
            continue
        message, suggestions = _canonical(lint.message, tuple(lint.suggestions))
        yield Problem(
            lint.start, lint.end, message,
            suggestions=suggestions,
            rule=f"{ID}.{lint.rule}",
            category=category,
            severity=options["style_severity"] if category == "style" else None,
        )
