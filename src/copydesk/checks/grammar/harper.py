"""Grammar, spelling and style from Harper, the offline grammar checker, run in process.

Harper reads the document's prose only (markup, code and URLs masked), so every finding maps to
the exact place in the file. Rule ids are ``grammar.harper.<HarperRule>``. Not spelling errors:
words in the project vocabulary, names (capitalised inside a sentence), brands ("StumbleUpon"),
acronyms, initials and abbreviations ("E.Z.", "Psy.D.", "p."), reference-list entries, and the
other dialect's spellings (``grammar.dialect`` reports those when a document mixes them).

Harper sees bounded units: the prose in parts of at most ``MAX_PART`` characters, cut where a block
(or, in a longer block, a sentence) starts, so that no native call runs long and a time budget
is checked between calls; with cores to spare, the parts of a long document are linted side by
side (the report is the same). A sentence longer than ``max_sentence_words`` words or ``MAX_PART``
characters is left out, and an ``info`` finding (``grammar.harper.skipped``) says so.

Passes: ``The child's behaviour changed (Kernberg, 1975, p. 229).``
Fails: ``She recieved an letter.`` (spelling: "recieved"; grammar: "an letter")
"""

from __future__ import annotations

import bisect
import dataclasses
import re
from typing import Any, Iterator

from copydesk.checks.grammar import _dialect
from copydesk.checks.grammar._engine import EngineLint, lint_prose, map_parts
from copydesk.checks.grammar._filters import keep_spelling, reference_spans, sentence_start, skip_span
from copydesk.checks.grammar._spans import Spans
from copydesk.checks.grammar._vocab import mixed_case, vocabulary, zipf
from copydesk.document import Document, Sentence
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
    "max_sentence_words": {
        "type": "integer", "minimum": 1, "default": 500,
        "description": "a longer sentence (an unpunctuated dump, a log line) is not checked for grammar; an info "
                       "finding on the file says so",
    },
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


def _part_inputs(doc: Document, spans: list[tuple[int, int]], unreported: list[tuple[int, int]]
                 ) -> list[tuple[str, tuple[tuple[int, int], ...]]]:
    """Per part: its prose and the spans of its unreported words, relative to the part."""
    starts = [a for a, _ in unreported]
    out = []
    for a, b in spans:
        lo, hi = bisect.bisect_left(starts, a), bisect.bisect_left(starts, b)
        out.append((doc.prose[a:b], tuple((x - a, y - a) for x, y in unreported[lo:hi])))
    return out


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


def _unreported(doc: Document, vocab: Any, refs: Spans) -> list[tuple[int, int]]:
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
                or mixed_case(word) or vocab.accepts(word) or a in refs):
            out.append(m.span())
    return out


MAX_PART = 20_000  # characters of prose per Harper call


def parts(doc: Document, max_words: int, max_chars: int = MAX_PART) -> tuple[list[tuple[int, int]],
                                                                             list[list[Sentence]]]:
    """The spans of prose Harper reads, each at most ``max_chars`` long unless one block or sentence
    is (cut at block starts; inside a longer block, at sentence starts), and the runs of
    consecutive sentences left out: longer than ``max_words`` words or ``max_chars`` characters.
    A short document is one part: all of its prose."""
    def too_long(s: Sentence) -> bool:
        n = s.end - s.start  # n words need at least 2n - 1 characters
        return n > max_chars or (n >= 2 * max_words and len(doc.words(s.start, s.end)) > max_words)

    segments: list[tuple[int, Sentence | None]] = []  # (start, the sentence left out from there)
    by_block = doc.block_sentences
    for i, b in enumerate(doc.blocks):
        start = 0 if i == 0 else b.start
        end = doc.blocks[i + 1].start if i + 1 < len(doc.blocks) else len(doc.prose)
        sentences = [doc.sentences[k] for k in by_block[i]]
        if end - start <= max_chars and not any(too_long(s) for s in sentences):
            segments.append((start, None))
            continue
        for k, s in enumerate(sentences):
            segments.append((start if k == 0 else s.start, s if too_long(s) else None))
        if not sentences:
            segments.append((start, None))
    if not segments:
        return ([(0, len(doc.prose))] if doc.prose else []), []
    out: list[tuple[int, int]] = []
    skipped: list[list[Sentence]] = []
    ends = [a for a, _ in segments[1:]] + [len(doc.prose)]
    after_skipped = False
    for (a, left_out), b in zip(segments, ends):
        if left_out is not None:
            if after_skipped:
                skipped[-1].append(left_out)
            else:
                skipped.append([left_out])
            after_skipped = True
            continue
        after_skipped = False
        if out and out[-1][1] == a and b - out[-1][0] <= max_chars:
            out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out, skipped


def warm_up(options: dict[str, Any]) -> None:
    """Load Harper's dictionary (seconds, once per process; it releases the GIL) ahead of the run."""
    import harper

    harper.Linter(harper.Dialect.AMERICAN)


def spare_core(on: bool) -> None:
    """With cores to spare in this process, the spelling pass runs beside Harper's other rules and
    the parts of a long document side by side."""
    from copydesk.checks.grammar._engine import concurrent_passes

    concurrent_passes(on)


def check(document: Document, options: dict[str, Any]) -> Iterator[Problem]:
    doc = document
    vocab = vocabulary(options["vocabulary"])
    prof = _dialect.profile(doc, options["dialect"])
    variants = {w.lower() for w in prof.variant_words()} if _dialect.FAMILY.get(prof.dialect) != "ca" else set()
    refs = reference_spans(doc)
    known_zipf = float(options["known_word_zipf"])
    max_words = int(options["max_sentence_words"])
    spans, skipped = parts(doc, max_words)
    for run in skipped:
        words = sum(len(doc.words(s.start, s.end)) for s in run)
        yield Problem(run[0].start, run[0].end, f"sentence of {words:,} words not checked for grammar "
                      f"(longer than max_sentence_words: {max_words}, or than {MAX_PART:,} characters)",
                      rule=f"{ID}.skipped", category="input", severity="info")
    inputs = _part_inputs(doc, spans, _unreported(doc, vocab, refs))
    distinct = list(dict.fromkeys(inputs))  # a part repeated word for word (a log, an export) is linted once

    def lint_part(part: tuple[str, tuple[tuple[int, int], ...]]) -> list[EngineLint]:
        return lint_prose(part[0], prof.dialect, options["disabled_rules"] or (), vocab.plain_accept, part[1])

    found = dict(zip(distinct, map_parts(lint_part, distinct)))
    for lint in (dataclasses.replace(lt, start=lt.start + a, end=lt.end + a) if a else lt
                 for (a, _), part in zip(spans, inputs) for lt in found[part]):
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
