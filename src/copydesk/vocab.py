"""``copydesk vocab suggest``: unknown words that recur across a corpus, for the vocabulary (a command, not a check)."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

SPELLING_RULES = ("grammar.harper", "grammar.languagetool")
WORD_RULES = {"grammar.harper.SpellCheck", "grammar.harper.SplitWords"}  # unknown-word flags


def suggest(paths: list[str], config: Any, min_count: int = 2) -> list[tuple[str, int, int]]:
    """``(term, occurrences, files)`` for flagged words seen at least ``min_count`` times.

    Runs the configured engine's spelling findings (the vocabulary already applied), groups
    them by word, keeps the recurring ones and sorts them most frequent first. A word seen
    both capitalised and in lower case is suggested in lower case (which accepts both).
    """
    from copydesk.lint import Selection
    from copydesk.runner import lint_paths

    results = lint_paths(paths, config, Selection(select=SPELLING_RULES))
    count: Counter[str] = Counter()
    files: dict[str, set[str]] = defaultdict(set)
    forms: dict[str, Counter[str]] = defaultdict(Counter)
    for r in results:
        for f in r.findings:
            if f.category != "spelling" or f.rule not in WORD_RULES and not f.rule.startswith("grammar.languagetool."):
                continue
            if not f.text.strip() or " " in f.text.strip():
                continue
            word = f.text.strip()
            key = word.lower()
            count[key] += 1
            files[key].add(r.path)
            forms[key][word] += 1
    out = []
    for key, n in count.items():
        if n < min_count:
            continue
        variants = forms[key]
        term = key if any(w == key for w in variants) or len(variants) > 1 else variants.most_common(1)[0][0]
        out.append((term, n, len(files[key])))
    out.sort(key=lambda t: (-t[1], -t[2], t[0].lower()))
    return out
