"""Register shift: a sentence that talks like advertising copy in an article that does not.

Filler written to pad an article speaks to the reader ("you", "your"), gives generic advice
("make sure", "consider", "regularly") and promises benefits ("can help you feel more secure",
"is essential for peace of mind"). News and essays around it do not. The evidence is the
*difference* from the article: in a how-to written to "you" throughout, "you" says nothing.
Naming a new person, place or figure is not a register shift (that is what news does).
"""

from __future__ import annotations

import re
from typing import Sequence

_YOU = re.compile(r"\b(?:you|your|yours|yourself|yourselves)\b", re.I)
_ADVICE = re.compile(
    r"\b(?:can|could|will|may) (?:really |greatly |also )?(?:help|make|keep|save|improve|boost|enhance)\b"
    r"|\bhelps? (?:you|to|keep|ensure|create|reduce|prevent)\b"
    r"|\b(?:is|are|remains?|becomes?) (?:also |equally |often )?(?:essential|crucial|vital|key|important|"
    r"a must|invaluable|beneficial|worthwhile|a great way|a simple way|an easy way|an important step)\b"
    r"|\bpeace of mind\b|\bmake sure\b|\bbe sure to\b|\bremember to\b|\bdon[’']t forget\b|\bit[’']s (?:worth|wise|a good idea)\b"
    r"|\b(?:ensur(?:e|es|ing)|regularly|routine maintenance|tips?|hassle[- ]free|stress[- ]free|long[- ]lasting)\b"
    r"|\b(?:save|saving) (?:you )?(?:time|money)\b|\b(?:everyday|daily) (?:life|routine|comfort|tasks?)\b"
    r"|\b(?:well[- ]being|wellbeing|comfort|convenience|safe and (?:comfortable|secure|healthy))\b",
    re.I)
_IMPERATIVE = re.compile(
    r"^(?:[\"“‘']?)(?:make|keep|try|consider|remember|check|choose|take|invest|don[’']t|always|never|be|start|"
    r"avoid|use|look|find|add|get|pick|plan|store|clean|set)\b", re.I)


def cues(text: str) -> tuple[float, float]:
    """(speaks to the reader, count of advice or benefit cues, an imperative opener counting one)."""
    you = 1.0 if _YOU.search(text) else 0.0
    advice = len(_ADVICE.findall(text)) + (1 if _IMPERATIVE.match(text.lstrip()) else 0)
    return you, float(min(advice, 3))


def features(texts: Sequence[str]) -> list[dict[str, float]]:
    """Each sentence's cues minus the mean of the *other* sentences of its article."""
    rows = [cues(t) for t in texts]
    n = len(rows)
    if n < 2:
        return [{"r_you": 0.0, "r_advice": 0.0} for _ in rows]
    you_total = sum(r[0] for r in rows)
    adv_total = sum(r[1] for r in rows)
    return [{"r_you": you - (you_total - you) / (n - 1), "r_advice": adv - (adv_total - adv) / (n - 1)}
            for you, adv in rows]
