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


@lru_cache(maxsize=256)
def _compile(entries: tuple[str, ...]) -> re.Pattern[str] | None:
    alts = []
    for entry in sorted({e.strip() for e in entries if e and e.strip()}, key=len, reverse=True):
        body = _spaces(entry)
        try:
            re.compile(body)
        except re.error as exc:
            raise CueError(f"cue {entry!r} is not a valid regular expression ({exc})") from None
        alts.append(f"(?:{body})")
    if not alts:
        return None
    return re.compile(_BOUND_L + "(?:" + "|".join(alts) + ")" + _BOUND_R, re.I)


def compile_cues(entries: Iterable[str]) -> re.Pattern[str] | None:
    """One regex for a list of cue phrases (``None`` for an empty list)."""
    return _compile(tuple(entries))


def find(entries: Sequence[str], text: str) -> Iterator[re.Match[str]]:
    """Matches of any cue in ``text``."""
    pattern = compile_cues(entries)
    if pattern is not None:
        yield from pattern.finditer(text)


def first(entries: Sequence[str], text: str) -> re.Match[str] | None:
    return next(find(entries, text), None)


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
