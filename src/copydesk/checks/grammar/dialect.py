"""Mixed US and UK spelling inside one document.

The document's dialect is detected from its own words (Harper's American and British
dictionaries decide which spellings belong to which), or taken from the ``dialect`` setting.
British spellings in a British-spelled document are not errors; a document that mixes the two
gets one finding per minority spelling, pointing at the majority's evidence.

Passes: ``The colour of her behaviour.`` / ``The color of her behavior.``
Fails: ``The colour of her behaviour puzzled us; the color of his did not.`` ("color" in a UK document)
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Iterator

from copydesk.checks.grammar import _dialect
from copydesk.checks.grammar._engine import respell
from copydesk.checks.grammar._vocab import vocabulary
from copydesk.document import Document
from copydesk.findings import Location, Problem

ID = "grammar.dialect"
CATEGORY = "spelling"
SEVERITY = "warning"
FIX = "safe"  # the document's own dialect's spelling of the same word (copydesk.fixes)
SETTINGS = ("dialect", "vocabulary")
OPTIONS = {
    "min_majority": {"type": "integer", "minimum": 1, "default": 1,
                     "description": "detected dialects need at least this many words before the other "
                                    "dialect's spellings are reported"},
}
EXAMPLES = {
    "passes": ["The colour of her behaviour surprised the neighbours.\n"],
    "fails": ["The colour of her behaviour and the flavour of the programme puzzled us; the color of his did not.\n"],
}  # run by the test suite (copydesk.contract)

NAMES = {"us": "US", "uk": "UK"}


def check(document: Document, options: dict[str, Any]) -> Iterator[Problem]:
    configured = options["dialect"] or "auto"
    family = _dialect.FAMILY.get(configured, configured)
    if family == "ca":
        return  # Canadian mixes -our and -ize by design; Harper's Canadian dictionary decides
    prof = _dialect.profile(document, configured)
    vocab = vocabulary(options["vocabulary"])
    major = "uk" if _dialect.FAMILY.get(prof.dialect, prof.dialect) == "uk" else "us"
    majority, minority = (prof.uk, prof.us) if major == "uk" else (prof.us, prof.uk)
    minority = [t for t in minority if not vocab.accepts(t[2])]
    if not minority:
        return
    if prof.detected and len(majority) < int(options["min_majority"]):
        return
    examples = Counter(w.lower() for _, _, w in majority).most_common(3)
    evidence = ", ".join(f"'{w}'" for w, _ in examples)
    why = (f"this document is configured as {NAMES[major]} English" if not prof.detected
           else f"the rest of the document uses {NAMES[major]} spelling ({len(majority)} "
                 f"word{'s' if len(majority) != 1 else ''}, e.g. {evidence})")
    related = tuple(Location(document.path, s, e) for s, e, _ in majority[:3])
    minor = NAMES["us" if major == "uk" else "uk"]
    for s, e, w in minority:
        yield Problem(s, e, f"{minor} spelling '{w}': {why}", suggestions=respell(w, major),
                      related=related)
