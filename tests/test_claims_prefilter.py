"""The cue prefilter only skips work: narrowed cue lists find exactly what the full regex finds."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from copydesk.checks.claims import _cues, _prefilter
from copydesk.parsing import parse

ROOT = Path(__file__).resolve().parents[1]
CHECKS = _cues._builtin_area("claims")


def _lists() -> list[list[str]]:
    out = []
    for check_id, entry in CHECKS.items():
        for name, value in entry["options"].items():
            if isinstance(value, list) and name != "population":
                if check_id == "claims.statistic":
                    pop = "(?:" + "|".join(CHECKS[check_id]["options"]["population"]) + r")\b"
                    value = [v.replace("{pop}", pop) for v in value]
                out.append(value)
    return out


LISTS = _lists()
SENTENCES = [
    "Some say handsome people are awesome.",
    "It is widely believed that narcissists cannot change.",
    "Research shows that 45% of adults suffer from insomnia.",
    "About 6 percent of people, it's well-known, are allegedly KELVIN-sensitive.",
    "The neurotransmitter dopamine may contribute to reduced empathy.",
    "ALL NARCISSISTS fear intimacy; every child of divorce carries this wound.",
    "Two in five adults report it; one out of ten children do.",
    "The \u212aelvin sign matches k: \u212anown to many, \u017fome say.",  # non-ASCII letters
    "It’s a well-known fact that experts agree, critics have long argued.",
    "Post-traumatic stress disorder (PTSD) causes symptoms in 1,000,000 people.",
    "",
]


@pytest.fixture(autouse=True)
def _narrow_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Narrow from the first text (a run narrows only after ``PREFILTER_AFTER`` texts)."""
    monkeypatch.setattr(_cues, "PREFILTER_AFTER", 0)


def _full(entries: list[str]) -> object:
    bodies = _cues._bodies(tuple(entries))
    return _cues._bounded(bodies) if bodies else None


def _same(entries: list[str], text: str) -> None:
    cues, full = _cues.cues(entries), _full(entries)
    want = [(m.start(), m.end(), m.group(0)) for m in full.finditer(text)] if full else []
    got = [(m.start(), m.end(), m.group(0)) for m in cues.finditer(text)]
    assert got == want, (entries[:3], text)
    assert cues.possible(text) or not want
    first = cues.first(text)
    assert (first.span() if first else None) == (want[0][:2] if want else None)
    assert cues.opens(text) == bool(full and full.match(text))


def _content_sentences() -> list[str]:
    out = []
    for path in sorted((ROOT / "content").glob("*.txt")):
        doc = parse(str(path), path.read_text(encoding="utf-8"))
        out.extend(doc.sentence_text(s) for s in doc.sentences)
    return out


@pytest.mark.parametrize("entries", LISTS, ids=lambda e: e[0][:20])
def test_narrowed_lists_find_what_the_full_regex_finds(entries: list[str]) -> None:
    for text in SENTENCES + _content_sentences():
        _same(entries, text)


_WORDS = st.sampled_from(["some", "many", "most", "people", "say", "said", "it", "is", "was", "widely",
                          "believed", "all", "every", "no", "children", "45%", "1,000", "of", "adults",
                          "research", "shows", "studies", "neural", "causes", "well-known", "it's", "It’s",
                          "K", "\u212a", "-", "—", "(", ")", ".", "?", "according", "to", "experts", "times",
                          "more", "likely", "half", "as", "one", "in", "five", "doubles", "the", "risk"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_WORDS, max_size=25).map(" ".join), st.sampled_from(LISTS))
def test_narrowed_lists_on_generated_text(text: str, entries: list[str]) -> None:
    _same(entries, text)


def test_requirements_read_the_first_words() -> None:
    assert _prefilter.requirements(r"(?:is|are)\s+(?:\w+\s+)?considered") == [
        (("are", "considered"), ""), (("is", "considered"), "")]
    assert _prefilter.requirements(r"neur\w+") == [((), "neur")]
    assert _prefilter.requirements(r"\w+ists") is None  # nothing known: may always match


def test_lists_with_groups_or_empty_cues_are_not_narrowed() -> None:
    for entries in (["it is (said|believed)", "some"], ["(?:maybe)?", "some"]):
        _same(entries, "It is said that some agree, maybe.")
        assert _cues.cues(entries)._prefilter is None


def test_a_list_is_narrowed_only_after_its_first_texts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_cues, "PREFILTER_AFTER", 3)
    entries = ["widely believed", "experts agree", "some say"]
    cues = _cues.Cues(_cues._bodies(tuple(entries)), narrowable=True)
    texts = ["Some say it works.", "Nothing here.", "Experts agree, some say.", "Nothing.", "Some say so."]
    found = []
    for text in texts:
        found.append([m.group(0) for m in cues.finditer(text)])
        assert (cues._prefilter is None) == (texts.index(text) < 3)
    assert found == [["Some say"], [], ["Experts agree", "some say"], [], ["Some say"]]
