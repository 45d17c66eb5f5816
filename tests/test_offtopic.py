"""off-topic.sentence: inserted sentences are found and explained; on-topic prose stays quiet."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import options_of
from copydesk.checks.offtopic import sentence as offtopic
from copydesk.checks.offtopic._score import combine, novel_phrase, score_document
from copydesk.checks.offtopic._terms import content_terms, informativeness, term_key
from copydesk.config import load_config
from copydesk.lint import Selection
from copydesk.runner import lint_texts
from copydesk.parsing import parse

ROOT = Path(__file__).resolve().parents[1]
SEED = next((ROOT / "content").glob("001_*.txt"), None)
FIRE = "Moreover, understanding fire safety precautions is essential for creating a safe environment"
STORY = "Understanding the diverse roles individuals play in storytelling and cultural narratives"

# A small synthetic article (written for these tests) with one bridged-style insertion.
ARTICLE = """\
Coral reefs cover less than one percent of the ocean floor, yet they shelter about a quarter of marine species.

Reef-building corals live in partnership with tiny algae that photosynthesise inside their tissues. The algae \
give the coral sugars and colour; the coral gives the algae shelter and nutrients. When the water warms, the \
partnership breaks down and the coral expels its algae. This is coral bleaching, and a bleached reef starves \
unless the water cools within weeks.

Marine heatwaves have bleached reefs across the Pacific and Indian oceans. Divers report white coral where \
there were colourful reefs a year earlier. Scientists measure bleaching by surveying reef transects and \
counting dead colonies. Furthermore, choosing the right mortgage refinancing options is essential for \
protecting coral reefs. Some reefs recover when heatwaves end, because surviving colonies regrow and fish \
graze the seaweed that would smother young coral.

Ocean acidification adds to the pressure. As seawater absorbs carbon dioxide, corals struggle to build their \
limestone skeletons, and reefs erode faster than they grow. Protecting reefs therefore means cutting \
emissions as well as managing fishing and pollution near the coast.
"""
INSERTED = "Furthermore, choosing the right mortgage refinancing options is essential for protecting coral reefs."


@pytest.fixture(scope="module")
def config(tmp_path_factory):
    return load_config(cwd=str(tmp_path_factory.mktemp("offtopic")))


def findings(config, text: str, path: str = "doc.txt", **options):
    return corpus_findings(config, {path: text}, **options)[path]


def corpus_findings(config, texts: dict[str, str], **options) -> dict[str, list]:
    """Findings per path after both stages (off-topic.sentence is a corpus-scope check)."""
    if options:
        config.checks["off-topic.sentence"].options.update(options)
    try:
        sel = Selection(select=("off-topic",))
        results = lint_texts(texts, config, sel)
        return {r.path: r.findings for r in results}
    finally:
        if options:
            config.checks["off-topic.sentence"].options.update(
                {k: offtopic.OPTIONS[k]["default"] for k in options})


def flagged(fs, text: str) -> list[str]:
    return [text[f.start.offset:f.end.offset] for f in fs]


# --- scoring parts ---------------------------------------------------------------------------

def test_term_keys_match_word_families():
    assert term_key("empathy") == term_key("empathic")
    assert term_key("narcissism") == term_key("narcissistic")
    assert term_key("reefs") == term_key("reef")
    assert term_key("fire") != term_key("safety")


def test_connective_words_are_not_content_and_rare_words_weigh_more():
    words = [t.word for t in content_terms("Moreover, understanding fire safety precautions is essential.")]
    assert words == ["fire", "safety", "precautions"]
    assert informativeness("precautions") > informativeness("fire") > 0
    assert informativeness("Zhangke") == 1.0


def test_novel_phrase_is_the_run_of_unshared_terms():
    doc = parse("x.txt", "Empathy matters. Fire safety precautions matter for empathy.")
    terms = content_terms(doc.prose[17:], 17)
    phrase = novel_phrase(doc, terms, {term_key("fire"), term_key("safety"), term_key("precautions")})
    assert [t.word for t in phrase] == ["Fire", "safety", "precautions"]


def test_combine_is_monotone_in_novelty_and_anchoring():
    base = {"ratio": 0.5, "rel": 0.1, "link": 1.0, "neigh": 0.5, "sec": 0.5, "phrase": 0.0}
    assert combine({**base, "ratio": 0.9, "rel": 0.5}) > combine(base)
    assert combine({**base, "link": 3.0, "neigh": 2.0}) < combine(base)
    assert 0.0 <= combine(base) <= 1.0


# --- behaviour on documents ------------------------------------------------------------------

def ranked(text: str, path: str = "doc.txt") -> list[str]:
    doc = parse(path, text)
    result = offtopic.scores(doc, options_of(offtopic, engine="lexical"))
    return [doc.prose[s.unit.start:s.unit.end] for s in sorted(result.sentences, key=lambda s: -s.score)]


def test_bridged_insertion_is_explained_by_its_foreign_phrase():
    doc = parse("doc.txt", ARTICLE)
    result = offtopic.scores(doc, options_of(offtopic, engine="lexical"))
    inserted = next(s for s in result.sentences if doc.prose[s.unit.start:s.unit.end] == INSERTED)
    message = offtopic.explain(inserted, result.topic, doc.prose)
    assert "its subject 'mortgage refinancing options' is discussed nowhere else" in message
    assert "topic: coral, reefs" in message


def test_clean_synthetic_article_is_quiet(config):
    clean = ARTICLE.replace(" " + INSERTED, "")
    assert findings(config, clean) == []
    assert findings(config, clean, sensitivity="high") == []


@pytest.mark.skipif(SEED is None, reason="seed corpus absent")
def test_seed_insertions_are_found_and_on_topic_sentences_are_not_flagged(config):
    text = SEED.read_text(encoding="utf-8")
    found = flagged(findings(config, text, path=str(SEED)), text)
    assert len(found) == 2
    assert found[0].startswith(FIRE) and found[1].startswith(STORY)


@pytest.mark.skipif(SEED is None, reason="seed corpus absent")
def test_seed_fire_safety_message_names_the_foreign_phrase_and_topic():
    text = SEED.read_text(encoding="utf-8")
    doc = parse(str(SEED), text)
    result = offtopic.scores(doc, options_of(offtopic, engine="lexical"))
    fire = next(s for s in result.sentences if doc.prose[s.unit.start:].startswith(FIRE))
    message = offtopic.explain(fire, result.topic, doc.prose)
    assert "its subject 'fire safety precautions' is discussed nowhere else" in message
    assert "'emotional', 'stability'" in message  # the bridge back to the theme
    assert "empathy" in message and "BPD" in message


def test_foreign_news_sentence_is_flagged(config):
    # an off-topic sentence with no anchor at all in a longer article is flagged at the default
    foreign = ("A spokesperson for Thornbury Hardware said it had no idea who removed the brass weathervane "
               "from the roof of the warehouse it rents on Mill Lane.")
    text = ARTICLE.replace(INSERTED, foreign)
    assert flagged(findings(config, text), text) == [foreign]


def test_reference_lists_headings_and_quotes_are_handled(config):
    refs = ("\n\n## References\n\nSmith, J. (2019). Volcanic ash dispersal over the North Atlantic. "
            "Journal of Geophysics, 12(3), 45-67.\n\nJones, K. (2020). Medieval tax ledgers of Flanders. "
            "Historical Review, 8, 1-20.\n")
    md = "# Coral reefs\n\n" + ARTICLE.replace(" " + INSERTED, "") + refs
    assert findings(config, md, path="doc.md") == []
    quoted = "# Coral reefs\n\n" + ARTICLE.replace(" " + INSERTED, "") + "\n> " + INSERTED + "\n"
    scores = score_document(parse("doc.md", quoted))
    kinds = {s.unit.kind for s in scores.sentences}
    assert "heading" not in kinds and "reference" not in kinds


def test_sensitivity_and_min_score_options(config):
    low, high = (offtopic.threshold(options_of(offtopic, sensitivity=s)) for s in ("low", "high"))
    assert low > high
    assert offtopic.threshold(options_of(offtopic, sensitivity="low", min_score=0.99)) == 0.99
    assert findings(config, ARTICLE, min_score=1.0) == []


def test_short_documents_are_not_judged(config):
    assert findings(config, "Coral reefs shelter fish. Mortgage refinancing options vary by bank.") == []


# --- property: duplicating a paragraph of a clean article adds no finding --------------------

PARAGRAPHS = ARTICLE.replace(" " + INSERTED, "").strip().split("\n\n")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(0, len(PARAGRAPHS) - 1), st.integers(0, len(PARAGRAPHS)), st.booleans())
def test_duplicating_a_paragraph_adds_no_finding(config, which, where, seed_doc):
    paras = PARAGRAPHS
    if seed_doc and SEED is not None:
        paras = [p for p in SEED.read_text(encoding="utf-8").split("\n") if p.strip()]
        paras = [p for p in paras if not (FIRE in p or STORY in p)]
        which = which % len(paras)
    base = "\n\n".join(paras) + "\n"
    where = max(where % (len(paras) + 1), which + 1)  # a copy after the original
    dup = "\n\n".join(paras[:where] + [paras[which]] + paras[where:]) + "\n"
    before = {t for t in flagged(findings(config, base), base)}
    after = {t for t in flagged(findings(config, dup), dup)}
    assert after <= before


# --- the sentence model (default and thorough profiles) ------------------------------------------

def test_sentence_model_finds_a_foreign_news_sentence_and_says_what_it_is_about(config):
    foreign = ("A spokesperson for Thornbury Hardware said it had no idea who removed the brass weathervane "
               "from the roof of the warehouse it rents on Mill Lane.")
    text = ARTICLE.replace(INSERTED, foreign)
    doc = parse("doc.txt", text)
    result = offtopic.scores(doc, options_of(offtopic, engine="semantic", min_sentences=8))
    top = max(result.sentences, key=lambda s: s.score)
    assert "e_doc" in top.features and "r_advice" in top.features
    assert doc.prose[top.unit.start:top.unit.end] == foreign and top.score >= 0.5
    message = offtopic.reason(top, result.topic, doc.prose)
    assert message.startswith("this sentence is about ") and "the article is about" in message
    clean = ARTICLE.replace(" " + INSERTED, "")
    assert findings(config, clean, engine="semantic") == []


def test_message_names_only_the_cues_that_raised_the_score(monkeypatch):
    """A cue is evidence only in the direction its fitted weight points (a quote's generic 'you')."""
    from copydesk.checks.offtopic import _corpus

    weights = _corpus.MODELS["document"]["weights"]
    f = {"e_z": -2.5, "r_you": 0.9, "r_advice": 1.0, "e_gap": 0.4}
    for sign in (1.0, -1.0):
        for name in ("e_z", "r_you", "r_advice", "e_gap"):
            monkeypatch.setitem(weights, name, sign * (-1.0 if name == "e_z" else 1.0))
        said = " ".join(offtopic.evidence(f))
        for words in ("far from every other sentence", "speaks to the reader", "generic advice",
                      "either side of it follow on"):
            assert (words in said) == (sign > 0), (sign, words)
    assert offtopic.evidence({"e_z": 0.0, "r_you": 0.0, "r_advice": 0.0, "e_gap": 0.0}) == []


def test_a_pasted_sentence_interrupts_a_passage_that_reads_on_without_it():
    """``e_gap``: its neighbours are nearer each other than to it; the article's ends have none."""
    foreign = ("The striker signed a three-year contract with the club on Friday after passing his medical "
               "in Madrid.")
    text = ARTICLE.replace(INSERTED, foreign)
    doc = parse("doc.txt", text)
    result = offtopic.scores(doc, options_of(offtopic, engine="semantic", min_sentences=8, min_terms=1))
    judged = [s for s in result.sentences if "e_doc" in s.features]
    gaps = {doc.prose[s.unit.start:s.unit.end]: s.features.get("e_gap") for s in judged}
    assert gaps[foreign] > 0.15 and gaps[foreign] == max(g for g in gaps.values() if g is not None)
    ends = {doc.prose[s.unit.start:s.unit.end] for s in (result.sentences[0], result.sentences[-1])}
    assert all(gaps.get(t) is None for t in ends)


def test_fast_profile_stays_lexical():
    doc = parse("doc.txt", ARTICLE)
    result = offtopic.scores(doc, options_of(offtopic, engine="auto", profile="fast"))
    assert not any("e_doc" in s.features for s in result.sentences)


def test_term_frequencies_equal_wordfreq():
    """The table look-up for plain words gives wordfreq's own Zipf values (and wordfreq the rest)."""
    from wordfreq import zipf_frequency

    from copydesk.checks.offtopic import _terms

    words = ["the", "Empathy", "borderline", "mentalization", "qwzxv", "naïve", "don't", "e-mail", "Fonagy", "x"]
    for word in words:
        assert _terms.zipf(word) == zipf_frequency(word.lower(), "en"), word
