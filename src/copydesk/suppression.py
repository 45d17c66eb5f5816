"""Inline suppression: ``<!-- copydesk-disable RULE -->``, ``<!-- copydesk-enable RULE -->``,
``<!-- copydesk-disable-next-line RULE -->`` and front matter ``copydesk: {disable: [...]}``.

RULE is a rule id, an id prefix or a category; several may be given separated by spaces or
commas; none means every rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from copydesk.document import Document
from copydesk.registry import matches

_DIRECTIVE = re.compile(r"<!--\s*copydesk-(disable-next-line|disable|enable)\b(.*?)-->", re.S)


@dataclass(frozen=True)
class _Range:
    start: int
    end: int
    selectors: tuple[str, ...]  # empty: all rules


def _selectors(raw: str) -> tuple[str, ...]:
    return tuple(s for s in re.split(r"[\s,]+", raw.strip()) if s)


class Suppressions:
    """Which findings a document's directives silence."""

    def __init__(self, document: Document) -> None:
        self.ranges: list[_Range] = []
        self.whole_file: tuple[str, ...] | None = None
        fm = document.front_matter.get("copydesk") if isinstance(document.front_matter, dict) else None
        if isinstance(fm, dict) and fm.get("disable") is not None:
            dis = fm["disable"]
            self.whole_file = tuple(str(x) for x in (dis if isinstance(dis, list) else [dis]))
        if "copydesk-" not in document.text:
            return
        text = document.text
        open_: list[tuple[int, tuple[str, ...]]] = []
        for m in _DIRECTIVE.finditer(text):
            kind, sels = m.group(1), _selectors(m.group(2))
            if kind == "disable-next-line":
                line, _ = document.position(m.end())
                starts = document.lines.starts
                nxt = line  # 0-based index of the next line
                while nxt < len(starts):
                    s = starts[nxt]
                    e = starts[nxt + 1] if nxt + 1 < len(starts) else len(text)
                    if text[s:e].strip():
                        self.ranges.append(_Range(s, e, sels))
                        break
                    nxt += 1
            elif kind == "disable":
                open_.append((m.end(), sels))
            else:
                still = []
                for start, osels in open_:
                    if not sels or (osels and set(osels) <= set(sels)):
                        self.ranges.append(_Range(start, m.start(), osels))
                    elif not osels:
                        # enable X inside disable-all: keep all others disabled
                        self.ranges.append(_Range(start, m.start(), osels))
                        still.append((m.end(), tuple(f"!{s}" for s in sels)))
                    else:
                        still.append((start, osels))
                open_ = still
        for start, osels in open_:
            self.ranges.append(_Range(start, len(text), osels))

    def suppressed(self, rule: str, category: str, offset: int) -> bool:
        if self.whole_file is not None and (not self.whole_file or matches(rule, category, self.whole_file)):
            return True
        for r in self.ranges:
            if r.start <= offset < r.end:
                negated = [s[1:] for s in r.selectors if s.startswith("!")]
                if negated:
                    if not matches(rule, category, negated):
                        return True
                    continue
                if not r.selectors or matches(rule, category, r.selectors):
                    return True
        return False
