"""Content terms of a sentence: which words say what a sentence is *about*.

A term is a word that is neither a function word nor generic connective vocabulary,
reduced to a matching key (so "empathy"/"empathic", "narcissist"/"narcissism" meet).
Its weight is its informativeness: rare in general English (wordfreq) means topical.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable, NamedTuple

WORD_RE = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")

# Function words and very common verbs/adverbs: never content.
STOPWORDS = frozenset("""
a about above across after again against all almost along already also although always am among an and
another any anyone anything are around as at away back be became because become becomes been before
being below between beyond both but by can cannot could did do does doing done down during each either
else enough etc even ever every few for from further get gets getting give given go going gone got had
has have having he her here hers herself him himself his how however i if in into is it its itself
just least less let like made make makes making many may me might mine more most much must my myself
near neither never no nor not now of off often on once one only onto or other others otherwise our ours
ourselves out over own per perhaps quite rather really said say says see seem seems several shall she
should since so some someone something sometimes still such than that the their theirs them themselves
then there therefore these they this those though through thus to too toward towards under until up
upon us very via was we well were what whatever when where whereas whether which while who whom whose
why will with within without would yet you your yours yourself yourselves mr mrs ms dr st vs
""".split())

# Generic connective/academic vocabulary: carries no topic on its own ("understanding ... is
# essential for creating ..."). Editors can extend it with the ``generic_terms`` option.
GENERIC = frozenset("""
ability able absolutely according account actually addition additional additionally affect affected
allow allows approach approaches area areas aspect aspects associated available aware awareness based
basis begin beginning believe benefit benefits best better big bring broader called care case cases
cause caused causes certain challenge challenges change changes chance clear clearly come comes common
consider considered considering contribute contributes create created creates creating critical crucial
current currently deal deeply develop developing development difference differences different difficult
direct directly due easy effect effective effectively effects effort efforts enable encourage end
enhance enhancing ensure especially essential example examples experience experiences explore fact
factor factors far feel find finding first following form forms foster fostering full fully general
generally good great greater group groups grow growing happen having help helpful helping helps high
higher highlight highlights however idea ideas impact impacts important importance improve improving
include includes including increase increased increasingly indeed individual individuals influence
information insight insights instance involve involved involves issue issues key kind kinds know known
large last later lead leading leads learn level levels life likely little long look lot lots low main
mainly maintain major manner mean means meaningful moreover natural nature need needs new next number
offer offers old open order overall part particular particularly people person play plays point points
positive possible potential potentially practice practices present process processes provide provides
put range real reason reasons recognize recognizing reflect related relevant remain result results
right role roles second seen sense set show shows side significant significantly similar simple simply
small specific start step steps strong support supports supporting sure take takes taking term terms
thing things think three time times today together true truly try two type types understand
understanding unique use used uses using usually value various vital way ways whole wide work works
world year years furthermore likewise similarly consequently nevertheless nonetheless meanwhile
hence accordingly besides finally firstly secondly lastly ultimately specifically notably importantly
interestingly overall proper properly learning knowing knowledge correctly regular regularly
""".split())

_SUFFIXES = ("ically", "ation", "ness", "ment", "ings", "ies", "ing", "ity", "ive", "ful", "ous", "ism",
             "ist", "ists", "ic", "al", "ly", "ed", "es", "er", "s")


@lru_cache(maxsize=65536)
def term_key(word: str) -> str:
    """A matching key: a 6-letter prefix for long words, a crude stem for short ones."""
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    if len(w) >= 7:
        return w[:6]
    for suf in ("ies", "es", "s"):
        if w.endswith(suf) and len(w) - len(suf) >= 3 and not w.endswith("ss"):
            return w[: len(w) - len(suf)] + ("y" if suf == "ies" else "")
    return w


@lru_cache(maxsize=65536)
def zipf(word: str) -> float:
    w = word.lower()
    if w.isascii() and w.isalpha():  # one table look-up, equal to wordfreq's (no tokenizer)
        from copydesk.checks.grammar._vocab import zipf as table_zipf

        return table_zipf(w)
    from wordfreq import zipf_frequency  # imported on first use (wordfreq pulls in ftfy and langcodes)

    return zipf_frequency(w, "en")


@lru_cache(maxsize=65536)
def informativeness(word: str) -> float:
    """0..1: how much a word says about a topic (rare in general English = topical)."""
    z = zipf(word)
    if z == 0.0:  # unknown to wordfreq: names, coinages, jargon
        return 1.0
    return 0.4 + 0.6 * max(0.0, min(1.0, (6.0 - z) / 3.0))


class Term(NamedTuple):
    """One content word occurrence (a named tuple: a corpus makes hundreds of thousands)."""

    word: str
    key: str
    start: int
    end: int
    weight: float
    proper: bool


@lru_cache(maxsize=1 << 17)
def _content_word(word: str, first: bool = False) -> tuple[str, str, float, bool] | None:
    """(base, key, weight, proper) of a word, or None for a function or generic word.

    ``first``: the word opens its text (a capital there does not make a name). Memoised: a
    corpus repeats its words, and everything here depends on the word alone.
    """
    lower = word.lower().replace("’", "'")
    base = lower[:-2] if lower.endswith("'s") else lower
    if len(base) < 3 or base in STOPWORDS or base in GENERIC:
        return None
    proper = word[0].isupper() and not first and not word.isupper()
    weight = informativeness(base)
    if proper or (word.isupper() and len(word) > 1):
        weight = max(weight, 0.8)  # acronyms: BPD, NSA
    return base, term_key(base), weight, proper


def content_terms(text: str, offset: int = 0, generic: Iterable[str] = ()) -> list[Term]:
    """Content-word occurrences in ``text`` (offsets shifted by ``offset``)."""
    extra = frozenset(g.lower() for g in generic)
    out: list[Term] = []
    first = True
    for m in WORD_RE.finditer(text):
        word = m[0]
        info = _content_word(word, True) if first else _content_word(word)  # one-argument calls: a faster cache
        first = False
        if info is not None and not (extra and info[0] in extra):
            start, end = m.span()
            out.append(Term(word, info[1], offset + start, offset + end, info[2], info[3]))
    return out
