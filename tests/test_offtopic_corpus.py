"""off-topic.sentence with corpus evidence, and the bridged-shape parser (_bridge, _corpus)."""

from __future__ import annotations

import pytest

from conftest import options_of
from copydesk.checks.offtopic import _corpus
from copydesk.checks.offtopic import sentence as offtopic
from copydesk.checks.offtopic._bridge import bridge, bridge_score, splits
from copydesk.checks.offtopic._terms import content_terms
from copydesk.config import load_config
from copydesk.parsing import parse
from test_offtopic import ARTICLE, INSERTED, corpus_findings

# Short articles written for these tests.
VOLCANO = """\
Iceland sits on the Mid-Atlantic Ridge, where two tectonic plates pull apart by a few centimetres \
each year.

Magma rises through the gap and feeds more than thirty active volcanic systems. In April 2010 the \
glacier-capped volcano Eyjafjallajökull erupted beneath its ice cap. Meltwater chilled the magma so \
fast that it shattered into fine glassy ash. The ash plume climbed nine kilometres and drifted \
south-east over the North Atlantic.

Aviation authorities closed European airspace because volcanic ash melts inside jet engines and \
clogs the turbines. Ash from the Eyjafjallajökull eruption grounded flights across northern Europe \
for six days. Airlines cancelled about a hundred thousand flights, and millions of passengers were \
stranded at airports far from home.

Volcanologists now track ash clouds with satellites, lidar and weather balloons. Engine makers have \
since agreed on ash concentrations that jets can tolerate for short periods. Iceland's volcanoes \
will erupt again, but airspace closures should be shorter and better targeted.
"""

BEES = """\
Honeybees live in colonies of up to sixty thousand workers, a few hundred drones and a single queen.

Workers forage for nectar and pollen within a few kilometres of the hive. A forager that finds rich \
flowers returns and performs a waggle dance on the comb. The angle of the dance tells her sisters \
the direction of the flowers relative to the sun. The length of the waggle run tells them the \
distance.

Beekeepers inspect their hives every week or two in spring and summer. They look for eggs, which \
show that the queen is laying, and for queen cells, which warn that the colony may swarm. Varroa \
mites are the greatest threat to managed colonies, because they feed on developing bees and spread \
viruses.

Many beekeepers treat their colonies for varroa in late summer, after the honey harvest. Colonies \
that go into winter with few mites and plenty of stored honey usually survive until spring. Wild \
bees, from bumblebees to solitary mining bees, pollinate many crops that honeybees visit rarely.
"""

PASTED = "Ash from the Eyjafjallajökull eruption grounded flights across northern Europe for six days."
CLEAN = ARTICLE.replace(" " + INSERTED, "")
ANCHOR = "Scientists measure bleaching by surveying reef transects and counting dead colonies."
HOST = CLEAN.replace(ANCHOR, ANCHOR + " " + PASTED)


@pytest.fixture(scope="module")
def config(tmp_path_factory):
    return load_config(cwd=str(tmp_path_factory.mktemp("offtopic-corpus")))


# --- the bridged shape -----------------------------------------------------------------------

def shape(sentence: str, novel: set[str], theme: frozenset[str] = frozenset()):
    terms = content_terms(sentence)
    return bridge(sentence, 0, terms, {t.key for t in terms if t.word.lower() in novel}, theme)


def test_connective_and_gerund_subjects_split_at_the_predicate():
    s = "Moreover, understanding fire safety precautions is essential for creating a safe environment."
    [(conn, start, frame, pred)] = splits(s)
    assert conn == "Moreover" and s[frame:pred].strip() == "fire safety precautions"
    # every predicate verb before the first comma is a candidate; without a transition word only
    # bridging ones count ("can", "deepen"), not "play" inside the subject's relative clause
    s = "Understanding the roles individuals play in storytelling can further deepen empathy."
    assert [s[p:].split()[0] for *_, p in splits(s)] == ["can", "deepen"]
    s = "Moreover, the roles individuals play in storytelling can deepen empathy."
    assert [s[p:].split()[0] for *_, p in splits(s)] == ["play", "can", "deepen"]


@pytest.mark.parametrize("sentence", [
    "Speaking to reporters, the minister said the reef survey would continue.",  # participial clause
    "In addition, he teamed up with a local diver to record the survey.",  # the story's own subject
    "Founding drummer Terry Wathen was still touring in 2008.",  # no bridging predicate
    "The reef survey is essential for planning.",  # no transition, no gerund subject
])
def test_ordinary_sentences_have_no_bridged_shape(sentence):
    assert splits(sentence) == [] or bridge_score(shape(sentence, {w.lower() for w in sentence.split()})) == 0.0


def test_bridge_score_needs_a_foreign_phrase_and_an_anchor():
    s = "Furthermore, choosing the right mortgage refinancing options is essential for protecting coral reefs."
    foreign = {"mortgage", "refinancing", "options"}
    b = shape(s, foreign, frozenset({"coral"}))
    assert [t.word for t in b.foreign] == ["mortgage", "refinancing", "options"]
    assert [t.word for t in b.anchors] == ["protecting", "coral", "reefs"] and b.themed
    assert bridge_score(b) >= 0.5
    assert bridge_score(shape(s, {"mortgage", "refinancing"})) < bridge_score(b)  # two terms: weaker
    assert shape(s, set()) is None  # nothing foreign: no bridge
    assert shape(s, foreign | {"protecting", "coral", "reefs"}) is None  # no anchor back


# --- corpus evidence ---------------------------------------------------------------------------

@pytest.mark.parametrize("engine, named", [("lexical", "appear nowhere else in this document but belong with volcano.txt"),
                                           ("semantic", "belongs with volcano.txt: in meaning it is closer")])
def test_a_sentence_from_another_article_is_named_with_its_source(config, engine, named):
    texts = {"coral.txt": CLEAN, "host.txt": HOST, "volcano.txt": VOLCANO, "bees.txt": BEES}
    found = corpus_findings(config, texts, min_documents=3, engine=engine)
    [f] = found["host.txt"]
    assert HOST[f.start.offset:f.end.offset] == PASTED
    assert named in f.message and "Eyjafjallajökull" in f.message
    assert found["volcano.txt"] == []  # the original, in its own article, is on topic
    assert found["coral.txt"] == [] and found["bees.txt"] == []


def test_sharing_names_with_another_document_is_not_belonging_there(config):
    # news introduces people and places: a sentence about the host's topic that names someone
    # another document also names is not "from" that document (the sentence model compares topics)
    name = "The volcanologist Ingrid Halldorsdottir of the University of Iceland"
    volcano = VOLCANO + f"\n{name} measured the ash plume above the crater for six days.\n"
    host = CLEAN.replace("Scientists measure bleaching", f"{name} counted bleached colonies on dives; scientists measure bleaching")
    texts = {"coral.txt": host, "volcano.txt": volcano, "bees.txt": BEES, "host.txt": HOST}
    found = corpus_findings(config, texts, min_documents=3, engine="semantic")
    assert all("belongs with" not in f.message for f in found["coral.txt"])


def test_the_corpus_only_raises_a_judged_sentence_nearer_another_topic():
    doc = offtopic.scores(parse("host.txt", HOST), options_of(offtopic, engine="semantic", min_sentences=3))
    [pasted] = [s for s in doc.sentences if s.unit.text_key == " ".join(PASTED.lower().split())]
    f = pasted.features
    assert "e_doc" in f  # a candidate the model judged
    assert _corpus.raised(f, {"v_margin": 0.0}) is None  # not nearer another document: no evidence
    assert _corpus.raised({k: v for k, v in f.items() if not k.startswith("e_")}, {"v_margin": 0.3}) is None
    near, nearer = _corpus.raised(f, {"v_margin": 0.05}), _corpus.raised(f, {"v_margin": 0.3})
    assert 0.0 < near < nearer < 1.0  # the nearer another topic, the higher
    assert nearer > _corpus.combine(f, "document")  # stacked on the document combination


def test_corpus_features_ignore_copies_of_the_sentence_itself():
    docs = {"host.txt": HOST, "copy.txt": BEES + "\n" + PASTED + "\n", "coral.txt": CLEAN}
    sums = [offtopic.summarise(parse(p, t), options_of(offtopic, engine="lexical")) for p, t in docs.items()]
    st = _corpus.stats(sums)
    i = next(k for k, r in enumerate(sums[0].sentences) if HOST[r.start:r.end] == PASTED)
    feats = _corpus.corpus_features(0, sums[0], st)[i]
    # copy.txt holds the very sentence but nothing else of its topic: no evidence it belongs there
    assert feats["x_best"] == 0.0 and feats["t_best"] == pytest.approx(0.0, abs=1e-9)
    assert _corpus.best_other(0, sums[0].sentences[i], st) == (None, [])


def test_small_corpora_and_single_files_use_document_evidence_only(config):
    texts = {"host.txt": HOST, "volcano.txt": VOLCANO}
    found = corpus_findings(config, texts)  # below min_documents (10)
    assert all("belong with" not in f.message for f in found["host.txt"])


def test_versions_of_one_article_are_no_evidence():
    # the same article twice (levels, updates): a sentence reworded in one version does not
    # "belong with" the other, and the versions are recognised as siblings
    reworded = CLEAN.replace("Divers report white coral where there were colourful reefs a year earlier.",
                             "Divers now find pale coral on reefs that were bright a year ago.")
    docs = {"a.txt": CLEAN, "b.txt": reworded, "volcano.txt": VOLCANO, "bees.txt": BEES}
    sums = [offtopic.summarise(parse(p, t), options_of(offtopic, engine="lexical")) for p, t in docs.items()]
    st = _corpus.stats(sums)
    assert _corpus.siblings(0, st) == {1} and _corpus.siblings(2, st) == set()
    feats = _corpus.corpus_features(1, sums[1], st)
    assert all(f["x_best"] == 0.0 or f["t_best"] < f["t_own"] for f in feats)
