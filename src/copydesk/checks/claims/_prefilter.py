"""Which words a sentence must contain for a cue to match: a cheap, exact pre-check.

Python's ``re`` cannot skip ahead in a case-insensitive alternation: it tries every cue of a
list at every word start, so a list of 60 cues costs 60 attempts per word of every sentence.
Most sentences contain none of the words the cues begin with. :func:`requirements` reads a
cue's regular expression once and lists the words any match of it must contain (its first one or
two words, or the beginning of a word: "neur" for ``neur\\w+``); :class:`Prefilter` then tells,
with a few set look-ups, which cues of a list may match in a sentence, so that only those are run.

The pre-check is conservative: a cue from which no word can be read (``\\w+ists``) may always
match, and every cue may match in a sentence with non-ASCII letters or digits, where
case-insensitive matching is not plain lower-casing (the Kelvin sign matches "k").
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Iterable, NamedTuple

try:
    from re import _parser as sre_parse  # Python 3.11+
except ImportError:  # pragma: no cover - Python 3.10
    import sre_parse  # type: ignore[no-redef]

# (complete words, all present as whole words; beginning of a word present, or "")
Requirement = tuple[tuple[str, ...], str]

_MAX_WORDS = 2  # words read per cue: enough to tell "a study" from "a"
_PREFIX = 4  # beginnings of words are compared on their first 4 characters at most
_MAX_REQUIREMENTS = 512  # per cue, or the cue is treated as unreadable
_NO_WORD_START = "-’'"  # after these, a word is not at a cue boundary (see _cues._BOUND_L)
_STOP = (None, None)  # parse item: nothing more is known about the match
_SPACES = (sre_parse.CATEGORY_SPACE, sre_parse.CATEGORY_UNI_SPACE)
_WORD_CATEGORIES = (sre_parse.CATEGORY_WORD, sre_parse.CATEGORY_UNI_WORD,
                    sre_parse.CATEGORY_DIGIT, sre_parse.CATEGORY_UNI_DIGIT)
_REPEATS = tuple(getattr(sre_parse, name) for name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT")
                 if hasattr(sre_parse, name))

# words of a sentence at a cue boundary: not preceded by a word character, hyphen or apostrophe
_WORD = re.compile(r"(?<![\w\-’'])\w+")
_NON_ASCII_WORD_CHAR = re.compile(r"[^\W\x00-\x7f]")


class _Unreadable(Exception):
    """The cue cannot be reduced to words a match must contain."""


def requirements(body: str) -> list[Requirement] | None:
    """What a sentence needs for the cue ``body`` to match in it, or ``None`` if unknown."""
    needs = _body_requirements(body)
    return None if needs is None else sorted(needs)


def may_be_empty(body: str) -> bool:
    """Whether the cue ``body`` can match empty text."""
    return sre_parse.parse(body, re.I).getwidth()[0] == 0


def _body_requirements(body: str) -> set[Requirement] | None:
    """One cue's requirements, reading up to two words (one if that makes too many)."""
    try:
        items = tuple(sre_parse.parse(body, re.I))
    except re.error:
        return None
    for max_words in range(_MAX_WORDS, 0, -1):
        reader = _Reader(max_words)
        try:
            reader.read(items, _START)
        except _Unreadable:
            if len(reader.out) <= _MAX_REQUIREMENTS:
                return None  # not a matter of size
            continue
        return reader.out
    return None


class _State(NamedTuple):
    """What a match has been read to hold so far."""

    words: tuple[str, ...]  # whole words, each at a cue boundary
    word: str  # the beginning of the word being read
    unknown: bool  # the word being read goes on with characters that are not known
    prefix: str  # a word began so ("neur" of neur\w+)


_START = _State((), "", False, "")


class _Reader:
    """Walks a parsed cue, collecting the requirements of its possible matches."""

    def __init__(self, max_words: int) -> None:
        self.max_words = max_words
        self.out: set[Requirement] = set()

    def read(self, items: tuple, state: _State) -> None:
        """Add the requirements of matches of ``items`` that follow what ``state`` holds."""
        if len(self.out) > _MAX_REQUIREMENTS:
            raise _Unreadable
        if len(state.words) >= self.max_words:
            return self.add(state)
        if not items:  # the cue's end: a word boundary follows
            return self.add(_end_word(state))
        (op, av), rest = items[0], items[1:]
        if op is None:
            return self.add(state._replace(unknown=True))
        if op is sre_parse.LITERAL:
            return self.char(chr(av), rest, state)
        if op is sre_parse.IN:
            return self.chars(av, rest, state)
        if op is sre_parse.BRANCH:
            for alternative in av[1]:
                self.read(tuple(alternative) + rest, state)
            return None
        if op is sre_parse.SUBPATTERN:
            return self.read(tuple(av[-1]) + rest, state)
        if op in _REPEATS:
            return self.repeat(av, rest, state)
        if op in (sre_parse.AT, sre_parse.ASSERT, sre_parse.ASSERT_NOT):
            return self.read(rest, state)  # zero-width: ignoring a condition only admits more
        return self.add(state._replace(unknown=True))

    def repeat(self, av: Any, rest: tuple, state: _State) -> None:
        low, high, sub = av
        sub = tuple(sub)
        if low == 0:
            self.read(rest, state)
        if high == 0:
            return
        if _spaceless(sub):  # \w+, [\w\-]+, [\d,.]*: characters not known
            self.read(rest, state._replace(unknown=True))
        elif high == 1 or _neutral(sub):  # once; or spaces and unknown words, which repeat like once
            self.read(sub + rest, state)
        else:  # the first repetition, then unknown
            self.read(sub + (_STOP,), state)

    def chars(self, members: list, rest: tuple, state: _State) -> None:
        """A character class: each of its characters in turn, if it is a short list of them."""
        if _spaceless(((sre_parse.IN, members),)) and not _enumerable(members):
            return self.read(rest, state._replace(unknown=True))
        chars: set[str] = set()
        for op, av in members:
            if op is sre_parse.LITERAL:
                chars.add(chr(av))
            elif op is sre_parse.RANGE and av[1] - av[0] < 64:
                chars.update(map(chr, range(av[0], av[1] + 1)))
            elif op is sre_parse.CATEGORY and av in _SPACES:
                chars.add(" ")
            else:
                return self.add(state._replace(unknown=True))
        for ch in sorted({c.lower() if c.isascii() else c for c in chars}):
            self.char(ch, rest, state)
        return None

    def char(self, ch: str, rest: tuple, state: _State) -> None:
        if ch.isalnum() or ch == "_":
            if not ch.isascii():
                return self.add(state._replace(unknown=True))
            return self.read(rest, state if state.unknown else state._replace(word=state.word + ch.lower()))
        state = _end_word(state)
        if ch in _NO_WORD_START:
            return self.add(state)
        return self.read(rest, state)

    def add(self, state: _State) -> None:
        prefix = state.prefix or state.word  # a word read no further is a beginning
        if not state.words and not prefix:
            raise _Unreadable
        self.out.add((state.words, prefix))


def _end_word(state: _State) -> _State:
    """The state once the word being read ends (a word boundary follows)."""
    if state.unknown:
        prefix = state.prefix or state.word
        return _State(state.words, "", False, prefix)
    words = state.words + (state.word,) if state.word else state.words
    return _State(words, "", False, state.prefix)


def _is_space(items: tuple) -> bool:
    return len(items) == 1 and items[0][0] is sre_parse.IN and all(
        op is sre_parse.CATEGORY and av in _SPACES for op, av in items[0][1])


def _spaceless(items: tuple) -> bool:
    """A class that never matches a space (``\\w``, ``[\\d,.]``): its runs are unknown characters
    within one stretch between spaces."""
    return len(items) == 1 and items[0][0] is sre_parse.IN and all(
        (op is sre_parse.CATEGORY and av in _WORD_CATEGORIES)
        or (op is sre_parse.LITERAL and not chr(av).isspace())
        or (op is sre_parse.RANGE and not any(chr(c).isspace() for c in range(av[0], av[1] + 1)))
        for op, av in items[0][1])


def _neutral(items: tuple) -> bool:
    """Only spaces and unknown words, as in ``(?:\\w+ )``: repeating it tells no more."""
    return all(_spaceless((item,)) or _is_space((item,))
               or (item[0] in _REPEATS and (_spaceless(tuple(item[1][2])) or _is_space(tuple(item[1][2]))))
               for item in items)


def _enumerable(members: list) -> bool:
    return all(op is sre_parse.LITERAL or (op is sre_parse.RANGE and av[1] - av[0] < 64) for op, av in members)


class SentenceWords:
    """A sentence's lower-cased words at cue boundaries, and (on demand) their beginnings."""

    __slots__ = ("words", "_starts")

    def __init__(self, words: frozenset[str]) -> None:
        self.words = words
        self._starts: dict[int, frozenset[str]] = {}

    def starts(self, length: int) -> frozenset[str]:
        """The words' first ``length`` characters (shorter words whole)."""
        starts = self._starts.get(length)
        if starts is None:
            starts = self._starts[length] = frozenset(w[:length] for w in self.words)
        return starts

    def begins(self, prefixes: tuple[tuple[int, frozenset[str]], ...]) -> bool:
        """Whether a word begins with one of ``prefixes`` (grouped by length)."""
        return any(not group.isdisjoint(self.starts(length)) for length, group in prefixes)


@lru_cache(maxsize=4096)
def sentence_words(text: str) -> SentenceWords | None:
    """The words of ``text``; ``None`` if it has non-ASCII letters or digits."""
    if not text.isascii() and _NON_ASCII_WORD_CHAR.search(text):
        return None
    return SentenceWords(frozenset(map(str.lower, _WORD.findall(text))))


def _by_length(prefixes: Iterable[str]) -> tuple[tuple[int, frozenset[str]], ...]:
    """Beginnings (cut to _PREFIX characters) grouped by length."""
    groups: dict[int, set[str]] = {}
    for prefix in prefixes:
        groups.setdefault(min(len(prefix), _PREFIX), set()).add(prefix[:_PREFIX])
    return tuple((length, frozenset(group)) for length, group in sorted(groups.items()))


_NONE: frozenset[int] = frozenset()


class _First(NamedTuple):
    """What must accompany a cue's first word: nothing, or one of the second words, or a word
    with one of the beginnings."""

    cue: int
    alone: bool
    seconds: frozenset[str]
    prefixes: tuple[tuple[int, frozenset[str]], ...]


class Prefilter:
    """Tells, from its words, which cues of a list may match in a sentence."""

    def __init__(self, needs: list[list[Requirement] | None]) -> None:
        """``needs``: the requirements of each cue (``None``: unknown, the cue may always match)."""
        self.size = len(needs)
        self._always = frozenset(i for i, cue in enumerate(needs) if cue is None)
        self._prefixes = [(i, _by_length(prefix for words, prefix in cue if not words))
                          for i, cue in enumerate(needs) if cue and any(not words for words, _ in cue)]
        self._by_first: dict[str, list[_First]] = {}
        for i, cue in enumerate(needs):
            for first, (alone, seconds, prefixes) in _by_first_word(cue or []).items():
                self._by_first.setdefault(first, []).append(
                    _First(i, alone, frozenset(seconds), _by_length(prefixes)))
        self._first_words = frozenset(self._by_first)
        self._any_prefix = _by_length(p for _, groups in self._prefixes for _, group in groups for p in group)

    def cues(self, text: str) -> frozenset[int] | None:
        """The cues that may match in ``text`` (by index); ``None`` if any may."""
        sentence = sentence_words(text)
        if sentence is None:
            return None
        words = sentence.words
        if not (self._always or words & self._first_words or sentence.begins(self._any_prefix)):
            return _NONE  # the common case, told at once
        found = set(self._always)
        for i, prefixes in self._prefixes:
            if i not in found and sentence.begins(prefixes):
                found.add(i)
        for first in words & self._first_words:
            for need in self._by_first[first]:
                if need.cue not in found and (need.alone or not words.isdisjoint(need.seconds)
                                              or (need.prefixes and sentence.begins(need.prefixes))):
                    found.add(need.cue)
        return frozenset(found)


def _by_first_word(needs: list[Requirement]) -> dict[str, tuple[bool, set[str], set[str]]]:
    """First word -> (enough alone, possible second words, possible beginnings of another word)."""
    out: dict[str, tuple[bool, set[str], set[str]]] = {}
    for words, prefix in needs:
        if not words:
            continue
        alone, seconds, prefixes = out.get(words[0], (False, set(), set()))
        if prefix:  # (a second word too is not checked: admitting more is safe)
            prefixes.add(prefix)
        elif len(words) == 1:
            alone = True
        else:
            seconds.add(words[1])
        out[words[0]] = (alone, seconds, prefixes)
    return out
