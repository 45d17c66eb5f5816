"""Cue lists from YAML options, compiled once into word-bounded, case-insensitive regexes.

Each list entry is a phrase or a regular-expression fragment ("it is (said|believed)",
"some(?! of)"); entries are matched case-insensitively at word boundaries, longest first.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

import yaml

from copydesk.checks.claims._prefilter import Prefilter, may_be_empty, requirements

BUILTIN_RULES = Path(__file__).resolve().parents[2] / "rules"

_BOUND_L = r"(?<![\w\-’'])"
_BOUND_R = r"(?![\w\-’'])"


class CueError(ValueError):
    """A cue entry that is not a valid regular expression."""


def _spaces(entry: str) -> str:
    """Let a space in a cue match any run of whitespace (one whitespace inside a look-behind)."""
    out, depth, behind = [], 0, []  # behind: depths at which a look-behind group opened
    i = 0
    while i < len(entry):
        ch = entry[i]
        if ch == "\\" and i + 1 < len(entry):
            out.append(entry[i:i + 2])
            i += 2
            continue
        if ch == "(":
            depth += 1
            if entry.startswith("(?<=", i) or entry.startswith("(?<!", i):
                behind.append(depth)
        elif ch == ")":
            if behind and behind[-1] == depth:
                behind.pop()
            depth -= 1
        if ch == " ":
            out.append(r"\s" if behind else r"\s+")
        else:
            out.append(ch)
        i += 1
    return "".join(out)


PREFILTER_AFTER = 500
"""A cue list is narrowed by a prefilter only after it has scanned this many texts: reading the
cues' requirements costs about 0.1 s for the built-in lists, more than a single article's
sentences gain from it (a one-file run, such as a pre-commit hook, never pays it)."""


class Cues:
    """A compiled cue list: one regex, and a :class:`~._prefilter.Prefilter` that narrows it, per
    sentence, to the cues whose words the sentence has (none, mostly)."""

    def __init__(self, bodies: list[str], narrowable: bool) -> None:
        self._bodies = bodies
        self.pattern = _bounded(bodies) if bodies else None
        self._narrowable = narrowable  # no group numbers to keep, no cue matching empty text
        self._prefilter: Prefilter | None = None  # built after PREFILTER_AFTER texts
        self._scanned = 0
        self._singles: dict[int, re.Pattern[str]] = {}  # cue index -> its own regex, compiled when needed

    def _narrowed(self, text: str) -> list[re.Pattern[str]] | None:
        """The cues that may match in ``text``, each as a regex, in list order; ``None`` for all.

        A cue that cannot match anywhere in the text is never the alternative that matches, so
        leaving it out changes no match."""
        prefilter = self._prefilter
        if prefilter is None:
            if not self._narrowable or self._scanned < PREFILTER_AFTER:
                self._scanned += 1
                return None
            prefilter = self._prefilter = Prefilter([requirements(b) for b in self._bodies])
        cues = prefilter.cues(text)
        if cues is None or len(cues) == len(self._bodies):
            return None
        return [self._single(i) for i in sorted(cues)]

    def _single(self, i: int) -> re.Pattern[str]:
        pattern = self._singles.get(i)
        if pattern is None:
            pattern = self._singles[i] = _bounded([self._bodies[i]])
        return pattern

    def possible(self, text: str) -> bool:
        """False only if no cue can match in ``text``."""
        return self.pattern is not None and self._narrowed(text) != []

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        """Matches of any cue in ``text``."""
        if self.pattern is None:
            return iter(())
        narrowed = self._narrowed(text)
        if narrowed is None:
            return self.pattern.finditer(text)
        return _alternation_finditer(narrowed, text) if narrowed else iter(())

    def first(self, text: str) -> re.Match[str] | None:
        """The first match in ``text``."""
        return next(self.finditer(text), None)

    def opens(self, text: str) -> bool:
        """Whether a cue matches at the start of ``text``."""
        if self.pattern is None:
            return False
        narrowed = self._narrowed(text)
        if narrowed is None:
            return self.pattern.match(text) is not None
        return any(p.match(text) for p in narrowed)


def _bounded(bodies: list[str]) -> re.Pattern[str]:
    """The alternation of ``bodies``, at word boundaries, case-insensitive."""
    return re.compile(_BOUND_L + "(?:" + "|".join(f"(?:{b})" for b in bodies) + ")" + _BOUND_R, re.I)


def _alternation_finditer(patterns: list[re.Pattern[str]], text: str) -> Iterator[re.Match[str]]:
    """What ``finditer`` of the alternation of ``patterns`` finds, from each one's leftmost matches.

    The alternation matches first where any of them does, with the first of those that match
    there. None of them may match empty text."""
    ahead = [p.search(text) for p in patterns]
    pos = 0
    while True:
        best = None
        for i, m in enumerate(ahead):
            if m is not None and m.start() < pos:
                m = ahead[i] = patterns[i].search(text, pos)
            if m is not None and (best is None or m.start() < best.start()):
                best = m
        if best is None:
            return
        yield best
        pos = best.end()


def _bodies(entries: tuple[str, ...]) -> list[str]:
    """The regex of each entry, longest entry first."""
    bodies = []
    for entry in sorted({e.strip() for e in entries if e and e.strip()}, key=len, reverse=True):
        body = _spaces(entry)
        try:
            re.compile(body)
        except re.error as exc:
            raise CueError(f"cue {entry!r} is not a valid regular expression ({exc})") from None
        bodies.append(body)
    return bodies


@lru_cache(maxsize=256)
def _compile(entries: tuple[str, ...]) -> Cues:
    bodies = _bodies(entries)
    # narrowed, the list must not renumber groups (a back-reference would notice), nor match empty text
    return Cues(bodies, bool(bodies) and not any(re.compile(b).groups or may_be_empty(b) for b in bodies))


def cues(entries: Iterable[str]) -> Cues:
    """The compiled cue list (cached)."""
    return _compile(tuple(entries))


def compile_cues(entries: Iterable[str]) -> re.Pattern[str] | None:
    """One regex for a list of cue phrases (``None`` for an empty list)."""
    return cues(entries).pattern


def find(entries: Sequence[str], text: str) -> Iterator[re.Match[str]]:
    """Matches of any cue in ``text``."""
    return cues(entries).finditer(text)


def first(entries: Sequence[str], text: str) -> re.Match[str] | None:
    return cues(entries).first(text)


def cue_list(default: Sequence[str], description: str) -> dict:
    """A JSON-schema option holding a list of cue phrases."""
    return {"type": "array", "items": {"type": "string", "minLength": 1}, "default": list(default),
            "description": description}


@lru_cache(maxsize=8)
def _builtin_area(area: str) -> dict[str, Any]:
    path = BUILTIN_RULES / f"{area}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return data.get("checks", {}) or {}


def builtin(check_id: str, option: str) -> Any:
    """A check option's default, read from the packaged rules/<area>.yaml (the single source of the lists)."""
    area = check_id.split(".", 1)[0]
    entry = _builtin_area(area).get(check_id) or {}
    options = entry.get("options", {}) if isinstance(entry, dict) else {}
    if option not in options:
        raise KeyError(f"{BUILTIN_RULES / (area + '.yaml')}: checks.{check_id}.options.{option} is missing")
    return options[option]


def edited(opts: dict[str, Any], name: str, default: Sequence[str] = ()) -> list[str]:
    """List option ``name`` with the check's ``add``/``remove`` edits applied."""
    drop = set((opts.get("remove") or {}).get(name, ()))
    items = [e for e in opts.get(name, default) if e not in drop]
    return items + [e for e in (opts.get("add") or {}).get(name, ()) if e not in drop and e not in items]
