"""Grammar and spelling: Harper embedded, noise filters, vocabulary, dialect, real-word errors."""

from __future__ import annotations

import hypothesis
import pytest

from conftest import write
from copydesk.config import load_config
from copydesk.lint import Selection, lint_text

GRAMMAR = ("grammar", "spelling", "style")


def lint(text: str, path: str = "doc.txt", rules_dir=None, select=GRAMMAR, **settings):
    config = load_config(str(rules_dir) if rules_dir else None, overrides=tuple(settings.items()))
    res = lint_text(path, text, config, Selection(select=select))
    assert res.errors == [], res.errors
    return res.findings


def flagged(findings, category=None):
    return [f.text for f in findings if category is None or f.category == category]


def test_harper_finds_spelling_and_grammar_with_exact_offsets(project):
    text = "She recieved an letter yesterday.\n"
    fs = lint(text)
    assert "recieved" in flagged(fs, "spelling")
    rules = {f.rule for f in fs}
    assert any(r.startswith("grammar.harper.") for r in rules)
    for f in fs:
        assert text[f.start.offset:f.end.offset] == f.text
    spell = next(f for f in fs if f.text == "recieved")
    assert spell.rule == "grammar.harper.SpellCheck" and "received" in spell.suggestions


def test_markup_is_never_linted(project):
    text = "# Title\n\nUse `recieved_value` and see https://example.com/teh-page here.\n"
    assert flagged(lint(text, "doc.md"), "spelling") == []


def test_names_initials_page_references_and_reference_lists_are_not_misspellings(project):
    text = ("Attachment matters (Fonagy, Luyten, & Strathearn, 2011; Kernberg, 1975, p. 229). "
            "Craig Childress, Psy.D., and E.Z. Tronick agree.\n\n"
            "References\n\n"
            "Kernberg, O.F. (1975). Borderline conditions and pathological narcissism. New York: Aronson.\n")
    assert flagged(lint(text), "spelling") == []


def test_mixed_case_brands_are_not_misspellings_but_typos_next_to_them_are(project):
    text = "StumbleUpon\nShe opened qwzrtPlkm and CityBoyCityBoy. She recieved the link.\n"
    assert flagged(lint(text), "spelling") == ["recieved"]


def test_real_word_error_personalty_is_caught_on_the_seed_sentence(project):
    text = ("The personality of the parent matters. This type of personalty has its source in an "
            "intense experience of inner emptiness.\n")
    fs = [f for f in lint(text) if f.rule == "grammar.real-word"]
    assert [f.text for f in fs] == ["personalty"]
    assert fs[0].suggestions == ["personality"] and fs[0].category == "spelling"


def test_real_word_leaves_ordinary_and_unseen_words_alone(project):
    text = ("The narcissist is writhing in envy and derides the annual report. "
            "We feel the temptation of requiting our misery.\n")
    assert [f for f in lint(text) if f.rule == "grammar.real-word"] == []


def test_real_word_flags_in_content(root):
    text = (root / "content" / "000_2c5ef3d72e7640b6.txt").read_text(encoding="utf-8")
    config = load_config(str(root / "rules"))
    res = lint_text("content/000.txt", text, config, Selection(select=("spelling",)))
    assert "personalty" in [f.text for f in res.findings]


def test_uk_document_is_not_flagged_for_british_spelling(project):
    text = "The colour of her behaviour showed good judgement. We analyse the centre of the programme.\n"
    assert flagged(lint(text), "spelling") == []


def test_mixed_dialect_is_flagged_once_per_minority_spelling(project):
    text = ("The colour of her behaviour showed judgement; the centre held. "
            "His behavior did not.\n")
    fs = [f for f in lint(text) if f.category == "spelling"]
    assert [(f.rule, f.text) for f in fs] == [("grammar.dialect", "behavior")]
    assert fs[0].suggestions == ["behaviour"] and "UK" in fs[0].message


def test_configured_dialect_overrides_detection(project):
    text = "The colour of her behaviour showed judgement.\n"
    fs = [f for f in lint(text, dialect="us") if f.category == "spelling"]
    assert sorted(f.text for f in fs) == ["behaviour", "colour", "judgement"]
    assert all(f.rule == "grammar.dialect" for f in fs)


def test_vocabulary_accepts_terms_and_rejects_others(project):
    write(project / "rules" / "vocabulary" / "accept.txt", "# domain\nmentalization\nFonagyan\nneuro\\w+ic\n")
    write(project / "rules" / "vocabulary" / "reject.txt", "utilize\n")
    text = "Mentalization and neurotrophic Fonagyan ideas; we utilize them. Our mentalizashun is new.\n"
    fs = lint(text, rules_dir=project / "rules")
    assert flagged(fs, "spelling") == ["mentalizashun"]
    assert [(f.rule, f.text) for f in fs if f.rule == "grammar.rejected-term"] == [("grammar.rejected-term", "utilize")]


def test_default_vocabulary_is_empty(project):
    config = load_config()
    assert config.vocabulary == {"accept": [], "reject": []}


def test_grammar_engine_none_turns_grammar_off(project):
    assert lint("She recieved an letter. The colour of his behavior.\n", grammar_engine="none") == []


def test_harper_linter_is_built_once_per_process(project):
    from copydesk.checks.grammar import _engine

    a = _engine.linter("us", ("LongSentences",))
    b = _engine.linter("us", ("LongSentences",))
    assert a is b


def test_vocab_suggest_lists_recurring_unknown_words(project, run_cli):
    write(project / "docs" / "a.txt", "The zorblat method works. Zorblat helps, and the zorblat team agrees.\n")
    write(project / "docs" / "b.txt", "A zorblat again, with one frobnicity.\n")
    code, out, err = run_cli("vocab", "suggest", "docs", "--counts")
    assert code == 0, err
    rows = [line.split("\t") for line in out.splitlines()]
    # the sentence-initial "Zorblat" with no near suggestion reads as a name
    assert rows[0][0] == "zorblat" and rows[0][1:] == ["3", "2"]
    assert "frobnicity" not in out  # seen once: below --min-count 2
    code, out, _ = run_cli("vocab", "suggest", "docs", "--min-count", "1")
    assert out.split() == ["zorblat", "frobnicity"]


def test_content_spelling_findings_are_few(root):
    """The sample project's vocabulary leaves a handful of spelling findings on content/."""
    config = load_config(str(root / "rules"))
    total = []
    for p in sorted((root / "content").glob("*.txt")):
        res = lint_text(f"content/{p.name}", p.read_text(encoding="utf-8"), config, Selection(select=("spelling",)))
        total += [f.text for f in res.findings]
    assert "personalty" in total
    assert len(total) <= 15, total


@pytest.mark.parametrize("word", ["Fonagy", "BPD", "NPD", "empathic", "mentalization", "intersubjectivity"])
def test_domain_terms_of_content_are_accepted_in_the_project(root, word):
    config = load_config(str(root / "rules"))
    res = lint_text("x.txt", f"The {word} idea is central, said the author.\n", config, Selection(select=("spelling",)))
    assert res.findings == []


def test_dialect_tie_goes_to_the_first_spelling(project):
    fs = [f for f in lint("The colour of his behavior.\n") if f.category == "spelling"]
    assert [(f.rule, f.text, f.suggestions) for f in fs] == [("grammar.dialect", "behavior", ["behaviour"])]


def test_confused_words_are_grammar_and_never_vocabulary_suggestions(project, run_cli):
    write(project / "docs" / "a.txt", "He is taller then me. She is taller then him.\n")
    fs = lint("He is taller then me.\n")
    assert [(f.category, f.text) for f in fs if f.rule == "grammar.harper.ThenThan"] == [("grammar", "then")]
    code, out, _ = run_cli("vocab", "suggest", "docs")
    assert code == 0 and out == ""


@hypothesis.settings(max_examples=300, deadline=None)
@hypothesis.given(hypothesis.strategies.text(alphabet="abcdeghilmnorstuyz", min_size=1, max_size=14))
def test_dialect_prefilter_keeps_every_counterpart(word):
    """The one-search prefilter of the dialect patterns drops only words no pattern changes."""
    from copydesk.checks.grammar import _dialect

    slow = set()
    for pattern, repl in _dialect._UK_US + _dialect._US_UK:
        for m in pattern.finditer(word):
            cand = word[:m.start()] + m.expand(repl) + word[m.end():]
            if cand != word:
                slow.add(cand)
    assert _dialect._counterparts(word) == frozenset(slow)
