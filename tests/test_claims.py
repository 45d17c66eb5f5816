"""Unsupported-claim checks: what needs support, and what stays quiet."""

from __future__ import annotations

from pathlib import Path

import pytest

from copydesk.config import load_config
from copydesk.lint import Selection, lint_text

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def config(tmp_path_factory):
    # an empty folder: only the built-in defaults apply
    return load_config(cwd=str(tmp_path_factory.mktemp("claims")))


def lint(config, text: str, path: str = "doc.txt", select: str = "unsupported-claim"):
    result = lint_text(path, text, config, Selection(select=(select,)))
    return result.findings


def rules(config, text: str, **kw) -> list[str]:
    return [f.rule for f in lint(config, text, **kw)]


@pytest.mark.parametrize("sentence, rule", [
    ("Research shows that emotional regulation difficulties are core features of BPD, directly impacting "
     "how care is expressed.", "claims.research-appeal"),
    ("Knowledge about narcissistic defenses shows that their reliance on external validation remains inert.",
     "claims.research-appeal"),
    ("Studies have shown that gratitude journaling lowers stress.", "claims.research-appeal"),
    ("Their ego-dystony was only recently discovered and described.", "claims.research-appeal"),
    ("Half of all marriages dissolve in the first few years.", "claims.statistic"),
    ("One third of all children are born to single mothers.", "claims.statistic"),
    ("About 6% of adults meet the criteria for the disorder.", "claims.statistic"),
    ("Smokers are three times more likely to develop the condition.", "claims.statistic"),
    ("Some people say that they prefer to live with narcissists.", "claims.vague-attribution"),
    ("It is widely believed that narcissists cannot change.", "claims.vague-attribution"),
    ("Critics have argued that the diagnosis is overused in family courts.", "claims.vague-attribution"),
    ("The castle is said to be haunted by its first owner.", "claims.vague-attribution"),
    ("It is well known that narcissists never really change.", "claims.common-knowledge"),
    ("Neurochemical pathways like dopamine may contribute to reduced empathy in NPD.", "claims.causal-health"),
    ("The barn behind the hotel is probably the oldest building in the town.", "claims.hedge"),
    ("Many of these people demonstrate a trend in their personalities.", "claims.hedge"),
    ("ALL narcissists fear intimacy.", "claims.generalisation"),
])
def test_unsupported_claims_are_flagged(config, sentence, rule):
    found = lint(config, sentence)
    assert rule in [f.rule for f in found], found
    f = next(f for f in found if f.rule == rule)
    assert f.category == "unsupported-claim"
    assert f.score is not None and 0 < f.score <= 1
    assert f.message and ("source" in f.message or "cite" in f.message or "who" in f.message)


@pytest.mark.parametrize("sentence", [
    "Research shows that emotional dysregulation is a core feature of BPD (Linehan, 1993).",
    "Research shows that emotional dysregulation is a core feature of BPD [12].",
    "Research shows that emotional dysregulation is a core feature of BPD.[^1]",
    "According to the American Psychiatric Association, about 6% of adults meet the criteria.",
    "Tronick et al. (1998) found that infants repair mismatched states within seconds.",
    "Half of all marriages dissolve in the first few years (CDC, 2021).",
    "Daniel Stern (2004), said of this fundamental psychological connection system, that it shapes us.",
])
def test_cited_claims_are_quiet(config, sentence):
    assert lint(config, sentence) == []


def test_markdown_link_counts_as_support(config):
    text = "[Research shows](https://example.org/study) that sleep loss impairs memory in adults.\n"
    assert lint(config, text, path="doc.md") == []
    bare = "Research shows that sleep loss impairs memory in adults.\n"
    assert "claims.research-appeal" in rules(config, bare, path="doc.md")


def test_html_link_counts_as_support(config):
    text = ('<p>Research shows that sleep loss impairs memory '
            '<a href="https://example.org/s">in adults</a>.</p>')
    assert "claims.research-appeal" not in rules(config, text, path="doc.html")


@pytest.mark.parametrize("sentence", [
    "I believe in the possibility of loving narcissists if one accepts them unconditionally.",   # opinion
    "In my view, some people are simply hard to love.",                                           # opinion
    "You should set clear boundaries and stay calm when things escalate.",                        # advice
    "Stay calm, and remember that most conflicts pass.",                                          # imperative
    "What do most experts say about this?",                                                       # question
    "Empathy is the single most important parenting quality.",                                    # rhetoric
    "The antidote is the opposite.",
    "Children flourish with parental empathy, and they starve in its absence.",
])
def test_opinion_advice_and_rhetoric_are_quiet(config, sentence):
    assert [f for f in lint(config, sentence) if f.severity == "warning"] == []


def test_neighbouring_citation_supports_a_continued_claim(config):
    text = ("Children experience what their parents experience. This is because of a relationship system "
            "in the brain called intersubjectivity (Stern, 2004).\n")
    assert lint(config, text) == []
    # the same claim in a paragraph whose next sentence does not continue it stays flagged
    text2 = "Research shows that children absorb stress. Parks are nice (Stern, 2004).\n"
    assert "claims.research-appeal" in rules(config, text2)


def test_previous_citation_supports_a_continuation(config):
    text = "Tronick (1998) studied repair in infants. These findings show that repair builds trust.\n"
    assert lint(config, text) == []


def test_hedges_are_info_and_research_claims_warnings(config):
    found = lint(config, "Research shows that X causes Y. The effect is probably small in most adults.")
    sev = {f.rule: f.severity for f in found}
    assert sev["claims.research-appeal"] == "warning"
    assert sev["claims.hedge"] == "info"


def test_project_options_extend_and_trim_lists(tmp_path):
    rules_dir = tmp_path / "rules"
    rules_dir.mkdir()
    (rules_dir / "claims.yaml").write_text(
        "checks:\n"
        "  claims.vague-attribution: {options: {add: {cues: ['insiders whisper']}}}\n"
        "  claims.hedge: {options: {remove: {hedges: [probably]}}}\n", encoding="utf-8")
    cfg = load_config(cwd=str(tmp_path))
    assert "claims.vague-attribution" in rules(cfg, "Insiders whisper that the merger is off.")
    assert "claims.hedge" not in rules(cfg, "The barn is probably the oldest building in the town.")


def test_bad_cue_is_reported_as_a_check_error(tmp_path):
    rules_dir = tmp_path / "rules"
    rules_dir.mkdir()
    (rules_dir / "claims.yaml").write_text(
        "checks:\n  claims.hedge: {options: {add: {hedges: ['(unclosed']}}}\n", encoding="utf-8")
    cfg = load_config(cwd=str(tmp_path))
    result = lint_text("doc.txt", "The barn is probably old.", cfg, Selection(select=("claims.hedge",)))
    assert result.errors and "not a valid regular expression" in result.errors[0]["message"]


def test_reference_entries_and_quotes_are_not_claims(config):
    text = ("Research\n\n"
            "Fonagy, P., Luyten, P., and Strathearn, L. (2011). Borderline personality disorder, mentalization, "
            "and the neurobiology of attachment. Infant Mental Health Journal, 32, 47-69.\n")
    assert lint(config, text) == []


CONTENT = ROOT / "content"


@pytest.mark.skipif(not (CONTENT / "001_1137b30dfef8d16c.txt").is_file(), reason="seed content absent")
def test_seed_articles(config):
    def found(name):
        text = (CONTENT / name).read_text(encoding="utf-8")
        return text, [f for f in lint(config, text, path=name) if f.severity == "warning"]

    text, fs = found("001_1137b30dfef8d16c.txt")
    flagged = " ".join(f.text for f in fs)
    assert "Research shows that emotional regulation difficulties are core features of BPD" in flagged
    assert "Knowledge about narcissistic defenses shows that" in flagged
    assert flagged.count("esearch shows") >= 3 and "some research indicates" in flagged
    text, fs = found("002_8478e2032487b7da.txt")
    flagged = " ".join(f.text for f in fs)
    assert "Half of all marriages dissolve" in flagged and "One third of all children" in flagged
    assert not any(f.text.startswith("I believe") for f in fs)
    text, fs = found("000_2c5ef3d72e7640b6.txt")
    flagged = " ".join(f.text for f in fs)
    assert "Daniel Stern (2004)" not in flagged and "Kernberg, 1975" not in flagged
    assert "Stern (2004) also discusses" not in flagged


def _doc_examples():
    import re

    from copydesk.registry import builtin_checks

    for rid, spec in builtin_checks().items():
        if not rid.startswith(("claims.", "citation.malformed")):
            continue
        for line in spec.doc.splitlines():
            m = re.match(r"\s*(Passes|Fails)[^:]*:\s*\"(.+?)\"(?:\s|$|\()", line)
            if m and not m.group(2).startswith("("):
                yield rid, m.group(1) == "Fails", m.group(2)


@pytest.mark.parametrize("rid, fails, example", list(_doc_examples()))
def test_docstring_examples_hold(config, rid, fails, example):
    found = [f for f in lint(config, example, select=rid) if f.rule == rid]
    assert bool(found) is fails, found
