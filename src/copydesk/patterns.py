"""House-style pattern rules written in YAML (like Vale's ``existence`` and ``substitution``).

Example (``rules/style.yaml``)::

    patterns:
      - id: style.utilize
        type: substitution
        message: "Use '{replacement}' instead of '{match}'."
        swap: {utilize: use, "in order to": to}
      - id: style.weasel
        type: existence
        message: "'{match}' is vague."
        tokens: [very, "a number of", "\\\\bclearly\\\\b"]
        regex: true

User regexes run on the ``regex`` engine with a time limit, so a catastrophic pattern
cannot hang a run; a pattern that does not compile is a configuration error naming the rule.
"""

from __future__ import annotations

from typing import Any, Iterator

import regex

from copydesk.document import Document
from copydesk.findings import Problem
from copydesk.registry import CheckSpec

MATCH_TIMEOUT = 0.25  # seconds per block
# A substitution's replacement is the project's own choice of word: safe to apply (copydesk.fixes).
FIX = "safe"
# Each match is found in one block's prose: block-local (copydesk.lsp.incremental).
INCREMENTAL = "block"


class PatternTimeout(Exception):
    """A user pattern exceeded its time limit."""


def _compile(pat: dict[str, Any]) -> tuple[regex.Pattern, dict[str, str]]:
    flags = regex.IGNORECASE if pat.get("ignorecase", True) else 0
    use_regex = pat.get("regex", False)
    if pat["type"] == "existence":
        if not pat.get("tokens"):
            raise ValueError("an existence rule needs 'tokens': a list of words, phrases or regexes")
        items = list(pat["tokens"])
        swap: dict[str, str] = {}
    else:
        if not pat.get("swap"):
            raise ValueError("a substitution rule needs 'swap': a mapping of what to replace with what")
        swap = dict(pat["swap"])
        items = list(swap)
    alts = []
    for item in items:
        body = item if use_regex else regex.escape(item)
        try:
            regex.compile(body, flags)
        except regex.error as exc:
            raise ValueError(f"token {item!r} is not a valid regular expression ({exc})") from None
        alts.append(f"(?:{body})")
    source = r"(?<![\w])(?:" + "|".join(alts) + r")(?![\w])"
    return regex.compile(source, flags), swap


def pattern_spec(pat: dict[str, Any]) -> CheckSpec:
    """Turn one YAML pattern rule into a check."""
    compiled, swap = _compile(pat)
    scope = pat.get("scope", "any")
    message = pat["message"]
    lowered = {k.lower(): v for k, v in swap.items()}
    rid = pat["id"]

    def check(document: Document, options: dict[str, Any]) -> Iterator[Problem]:
        for block in document.blocks:
            if scope == "heading" and block.kind != "heading":
                continue
            if scope in ("paragraph", "sentence") and block.kind == "heading":
                continue
            text = document.prose[block.start:block.end]
            try:
                matches = list(compiled.finditer(text, timeout=MATCH_TIMEOUT))
            except TimeoutError:
                raise PatternTimeout(
                    f"pattern rule '{rid}' took longer than {MATCH_TIMEOUT}s on one block and was stopped; "
                    "simplify its regex (nested quantifiers such as (a+)+ backtrack catastrophically)"
                ) from None
            for m in matches:
                found = m.group(0)
                replacement = lowered.get(found.lower(), "")
                if not replacement:
                    for k, v in swap.items():
                        if regex.fullmatch(k, found, regex.IGNORECASE):
                            replacement = v
                            break
                msg = message.replace("{match}", found).replace("{replacement}", replacement)
                yield Problem(block.start + m.start(), block.start + m.end(), msg,
                              suggestions=(replacement,) if replacement else ())

    doc = pat.get("description") or message
    return CheckSpec(
        id=rid,
        category=pat.get("category", "style"),
        severity=pat.get("severity", "warning"),
        options={},
        doc=f"{doc}\n\nA {pat['type']} pattern rule defined in YAML.",
        scope="document",
        func=check,
        module="copydesk.patterns",
    )
