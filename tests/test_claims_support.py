"""Support recognition and cue compilation (the logic behind "has support")."""

from __future__ import annotations

import pytest

from copydesk.checks.claims import _cues, _support
from copydesk.parsing import parse


@pytest.mark.parametrize("text, kind", [
    ("as Stern showed (Stern, 2004).", "author-year"),
    ("(Fonagy, Luyten, & Strathearn, 2011; Stern, 2004)", "author-year"),
    ("“anger and resentment” (Kernberg, 1975, p. 229)", "author-year"),
    ("Stern (2004) also discusses it", "author-year"),
    ("Tronick et al. found repair", "et al."),
    ("a quoted passage.” (p. 76)", "page"),
    ("the effect is large [3, 4]", "numbered"),
    ("the effect is large[^note]", "numbered"),
    ("the effect is large²", "numbered"),
    ("see https://example.org/x", "link"),
    ("[a study](https://example.org)", "link"),
])
def test_citation_spans(text, kind):
    kinds = [k for _, _, k in _support.citation_spans(text)]
    assert kind in kinds


@pytest.mark.parametrize("text", [
    "Research shows that people change.",
    "Empathy is the most important quality (in my view).",
    "The year 2004 was hard.",
    "The narcissistic/(borderline) parent is absorbed.",
])
def test_no_citation(text):
    assert _support.citation_spans(text) == []


@pytest.mark.parametrize("text, named", [
    ("According to the World Health Organization, obesity has tripled.", True),
    ("According to a 2019 Gallup poll, most adults agree.", True),
    ("Gandhi said, “the antidote is the opposite.”", True),
    ("According to some experts, obesity has tripled.", False),
    ("According to research, obesity has tripled.", False),
    ("Research shows that obesity has tripled.", False),
    ("Experts said the trend would continue.", False),
    ("They said the trend would continue.", False),
])
def test_named_attribution(text, named):
    assert bool(_support.named_attribution(text)) is named


def _support_of(text: str, i: int) -> str | None:
    doc = parse("d.txt", text)
    return _support.analysis(doc, {}).support(i)


def test_neighbour_support_needs_a_continuation():
    assert _support_of("Children absorb stress. This is well documented (Stern, 2004).", 0)
    assert _support_of("Children absorb stress. Parks are green (Stern, 2004).", 0) is None
    assert _support_of("Stern (2004) studied infants. They found repair builds trust.", 1)
    assert _support_of("Stern (2004) studied infants. Parks are green.", 1) is None
    # not across paragraphs
    assert _support_of("Children absorb stress.\n\nThis is well documented (Stern, 2004).", 0) is None


def test_neighbour_support_can_be_switched_off():
    doc = parse("d.txt", "Children absorb stress. This is well documented (Stern, 2004).")
    assert _support.analysis(doc, {"neighbour_support": False}).support(0) is None


@pytest.mark.parametrize("text, kind", [
    ("Is there a point in waiting?", "question"),
    ("“I will rescue him from his misery and misfortune.”", "quotation"),
    ("I think that a healing narcissist is a contradiction in terms.", "opinion"),
    ("To my mind, it should not be a universal behaviour.", "opinion"),
    ("You should be careful to separate yourself from the narcissist.", "advice"),
    ("Stay away from narcissists, or face them aided by therapy.", "advice"),
    ("It is helpful to remain grounded in our own empathy.", "advice"),
])
def test_exemptions(text, kind):
    doc = parse("d.txt", text)
    assert _support.analysis(doc, {}).exemption(text) == kind


@pytest.mark.parametrize("text", [
    "Research shows that empathy varies.",
    "You should know that biological factors play a role.",   # a claim dressed as advice
    "Practice shows that boundaries help.",
])
def test_claims_are_not_exempt(text):
    doc = parse("d.txt", text)
    assert _support.analysis(doc, {}).exemption(text) is None


def test_cues_match_whole_words_case_insensitively():
    assert [m.group(0) for m in _cues.find(["some"], "Some say handsome people are awesome.")] == ["Some"]
    assert [m.group(0) for m in _cues.find(["it is said"], "it  is\nsaid that")] == ["it  is\nsaid"]
    assert _cues.first(["(?<!how )many"], "how many are there") is None
    assert _cues.compile_cues([]) is None


def test_bad_cue_raises():
    with pytest.raises(_cues.CueError):
        _cues.compile_cues(["(unclosed"])


def test_edited_lists():
    opts = {"cues": ["a", "b"], "add": {"cues": ["c"]}, "remove": {"cues": ["a"]}}
    assert _cues.edited(opts, "cues") == ["b", "c"]


def test_builtin_lists_come_from_packaged_yaml():
    assert "research" in _cues.builtin("claims.research-appeal", "sources")
    with pytest.raises(KeyError):
        _cues.builtin("claims.research-appeal", "nope")
