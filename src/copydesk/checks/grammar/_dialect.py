"""US or UK spelling of a document, decided by Harper's own dialect dictionaries.

Pattern pairs (colour/color, organise/organize, centre/center, defence/defense,
judgement/judgment, travelled/traveled, fulfil/fulfill...) propose candidates; a word is a UK
spelling when Harper's British dictionary accepts it and the American one does not
("behaviour", "organise", "centre"), and a US spelling the other way round. A document's
dialect is the majority of such words (on a tie, the first one's; US without evidence), unless
the ``dialect`` setting names one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from copydesk.checks.grammar._engine import known_words
from copydesk.checks.grammar._spans import Spans
from copydesk.checks.grammar._vocab import zipf
from copydesk.document import Document

_ALPHA = re.compile(r"[A-Za-z]+(?:['’][a-z]+)?")

# UK -> US spelling patterns; they only propose candidate pairs: Harper's two dictionaries decide.
_UK_US = [
    (re.compile(r"our(?=s?$|ed|ing|ite|able|ably|ful|less|hood|al|ist|er|y|s)"), "or"),
    (re.compile(r"is(?=e|ed|es|ing|ation|ations|er|ers)"), "iz"),
    (re.compile(r"ys(?=e|ed|es|ing|er)"), "yz"),
    (re.compile(r"([tb])re(?=s?$|d$)"), r"\1er"),
    (re.compile(r"([tb])ring$"), r"\1ering"),
    (re.compile(r"([tb])red$"), r"\1ered"),
    (re.compile(r"ence(?=s?$)"), "ense"),
    (re.compile(r"([aeiou])ll(?=ed|ing|er|ers|ation)"), r"\1l"),
    (re.compile(r"ogue(?=s?$)"), "og"),
    (re.compile(r"(?<=g)ement"), "ment"),
    (re.compile(r"(?<=[a-z])ae"), "e"),
    (re.compile(r"(?<=[a-z])oe"), "e"),
    (re.compile(r"l(?=ment|ments|$|s$)"), "ll"),
    (re.compile(r"(?<=k)il(?=ful)"), "ill"),
    (re.compile(r"^grey"), "gray"),
    (re.compile(r"^tyre"), "tire"),
    (re.compile(r"^programme"), "program"),
    (re.compile(r"^cheque"), "check"),
    (re.compile(r"^plough"), "plow"),
    (re.compile(r"^sceptic"), "skeptic"),
    (re.compile(r"^mould"), "mold"),
    (re.compile(r"^aluminium"), "aluminum"),
]
_US_UK = [
    (re.compile(r"or(?=s?$|ed|ing|ite|able|ably|ful|less|hood|al|ist|y)"), "our"),
    (re.compile(r"iz(?=e|ed|es|ing|ation|ations|er|ers)"), "is"),
    (re.compile(r"yz(?=e|ed|es|ing|er)"), "ys"),
    (re.compile(r"([tb])er(?=s?$)"), r"\1re"),
    (re.compile(r"([tb])ered$"), r"\1red"),
    (re.compile(r"([tb])ering$"), r"\1ring"),
    (re.compile(r"ense(?=s?$)"), "ence"),
    (re.compile(r"([aeiou])l(?=ed|ing|er|ers)"), r"\1ll"),
    (re.compile(r"og(?=s?$)"), "ogue"),
    (re.compile(r"(?<=g)ment"), "ement"),
    (re.compile(r"ll(?=ment|ments|$|s$)"), "l"),
    (re.compile(r"^gray"), "grey"),
    (re.compile(r"^program(?=s?$)"), "programme"),
    (re.compile(r"^skeptic"), "sceptic"),
    (re.compile(r"^mold"), "mould"),
    (re.compile(r"^aluminum"), "aluminium"),
]


def counterparts(word: str) -> frozenset[str]:
    """Spellings of ``word`` in the other dialect that the patterns propose."""
    return _counterparts(word)


# Matches where any pattern matches: most words match none, and skip the loop with one search.
_ANY = re.compile("|".join(f"(?:{p.pattern})" for p, _ in _UK_US + _US_UK))


@lru_cache(maxsize=65536)
def _counterparts(word: str) -> frozenset[str]:
    if not _ANY.search(word):
        return frozenset()
    out = set()
    for pattern, repl in _UK_US + _US_UK:
        for m in pattern.finditer(word):
            cand = word[:m.start()] + m.expand(repl) + word[m.end():]
            if cand != word:
                out.add(cand)
    return frozenset(out)


FAMILY = {"us": "us", "uk": "uk", "au": "uk", "in": "uk", "ca": "ca"}


@dataclass
class DialectProfile:
    """The dialect evidence of one document."""

    dialect: str  # "us" or "uk" (or the configured one)
    detected: bool
    us: list[tuple[int, int, str]] = field(default_factory=list)
    uk: list[tuple[int, int, str]] = field(default_factory=list)

    def variant_words(self) -> set[str]:
        """Words that are one dialect's spelling (left to the dialect check)."""
        return {w for _, _, w in self.us} | {w for _, _, w in self.uk}


_CACHE: dict[tuple[str, int, str], DialectProfile] = {}


def profile(doc: Document, configured: str | None = "auto") -> DialectProfile:
    """The document's :class:`DialectProfile` (cached for the last few documents)."""
    configured = configured or "auto"
    key = (doc.path, hash(doc.text), configured)
    if key in _CACHE:
        return _CACHE[key]
    tokens = [(m.start(), m.end(), m.group()) for m in _ALPHA.finditer(doc.prose)
              if len(m.group()) >= 4 and "'" not in m.group() and "’" not in m.group()]
    ref = {i for i, b in enumerate(doc.blocks) if b.kind == "reference"}
    if ref:
        spans = Spans((doc.blocks[i].start, doc.blocks[i].end) for i in ref)
        tokens = [t for t in tokens if t[0] not in spans]
    candidates = {w for w in {t[2].lower() for t in tokens}
                  if any(zipf(c) >= 1.0 for c in counterparts(w))}
    known = known_words(candidates)
    us, uk = [], []
    for s, e, w in tokens:
        if w.lower() not in known:
            continue
        ok_us, ok_uk = known[w.lower()]
        if ok_us and not ok_uk:
            us.append((s, e, w))
        elif ok_uk and not ok_us:
            uk.append((s, e, w))
    if configured != "auto":
        prof = DialectProfile(configured, False, us, uk)
    else:
        if len(uk) != len(us):
            detected = "uk" if len(uk) > len(us) else "us"
        else:  # a tie: the document's first dialect-specific spelling sets it
            detected = "uk" if uk and (not us or uk[0][0] < us[0][0]) else "us"
        prof = DialectProfile(detected, True, us, uk)
    if len(_CACHE) > 16:
        _CACHE.clear()
    _CACHE[key] = prof
    return prof
