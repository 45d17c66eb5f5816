"""Boilerplate checks: repeats in a document, template text and copies across the corpus, web chrome."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from copydesk.config import load_config
from copydesk.lint import Selection
from copydesk.runner import lint_paths
from copydesk.parsing import parse
from copydesk.checks.boilerplate._summary import exact_clusters, near_clusters, summarise
from copydesk.checks.boilerplate._text import AllowList, is_ui_like

ROOT = Path(__file__).resolve().parent.parent
PROSE = ("Editors check every claim before a story goes out, and they ask reporters for the "
         "documents behind each number. ")


def _lint(tmp_path: Path, files: dict[str, str], select: str = "boilerplate", rules: dict | None = None):
    for name, text in files.items():
        p = tmp_path / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    rules_dir = None
    if rules:
        rules_dir = tmp_path / "_rules"
        rules_dir.mkdir()
        for name, text in rules.items():
            (rules_dir / name).write_text(text, encoding="utf-8")
    config = load_config(rules_dir=str(rules_dir) if rules_dir else None, cwd=str(tmp_path))
    paths = sorted({str(tmp_path / n.split("/")[0]) for n in files})
    results = lint_paths(paths, config, Selection(select=(select,)))
    return {Path(r.path).relative_to(tmp_path).as_posix(): r.findings for r in results}


def _texts(findings, rule: str) -> list[str]:
    return [f.text for f in findings if f.rule == rule]


def test_refrain_is_info_and_signature_is_warning(tmp_path):
    text = ("# Healing\n\nGandhi said, \"the antidote is the opposite.\"\n\n"
            f"{PROSE}The antidote is the opposite.\n\nA child needs warmth.\n\nThe antidote is the opposite.\n\n"
            "Jane Doe, Psy.D.  \nClinical Psychologist\n\n"
            "Readers notice the difference.\n\nJane Doe, Psy.D.  \nClinical Psychologist\n")
    res = _lint(tmp_path, {"docs/a.md": text}, "boilerplate.repeated-in-document")["docs/a.md"]
    refrains = [f for f in res if f.text.lower().startswith("the antidote")]
    assert len(refrains) == 3 and {f.severity for f in refrains} == {"info"}
    assert all(len(f.related) == 2 for f in refrains)  # each location links the other two
    assert "3 times" in refrains[0].message
    sig = [f for f in res if "Psy.D." in f.text]
    assert sig and {f.severity for f in sig} == {"warning"}
    assert not [f for f in res if f.text.startswith(("Editors check", "A child", "Readers"))]


def test_repeated_markdown_headings_are_structure(tmp_path):
    text = "# Tools\n\n## Pros\n\nFast and cheap.\n\n## Cons\n\nFragile.\n\n## Pros\n\nSturdy.\n\n## Cons\n\nSlow.\n"
    assert _lint(tmp_path, {"docs/a.md": text}, "boilerplate.repeated-in-document")["docs/a.md"] == []


def test_near_duplicate_sentence_in_document(tmp_path):
    a = "The committee approved the new budget for the regional hospitals after a long debate."
    b = "The committee approved the new budget for the regional hospitals after a long debate today."
    res = _lint(tmp_path, {"docs/a.txt": f"{a}\n{PROSE}\n{b}\n"}, "boilerplate.repeated-in-document")
    assert len(res["docs/a.txt"]) == 2


def test_corpus_repeat_groups_by_folder_and_links_locations(tmp_path):
    template = "Share this page\nThe Daily is not responsible for the content of external sites.\n"
    files = {f"site/p{i}.txt": f"Story {i}\n{PROSE * (i + 1)}\n{template}" for i in range(3)}
    files["other/q.txt"] = f"Elsewhere\n{PROSE}\n{template}"
    res = _lint(tmp_path, files, "boilerplate.corpus-repeat")
    for i in range(3):
        found = res[f"site/p{i}.txt"]
        assert sorted(f.text for f in found) == sorted(template.strip().split("\n"))
        assert all("3 documents" in f.message and len(f.related) == 2 for f in found)
        assert {r["path"] for f in found for r in f.related} == {
            str(tmp_path / f"site/p{k}.txt") for k in range(3) if k != i}
    assert res["other/q.txt"] == []  # one document in its folder: nothing repeats there


def test_shared_disclaimer_in_a_few_articles_is_reported(tmp_path):
    disclaimer = ("This article is for information only and is not medical advice; talk to your doctor "
                  "before you change any treatment.")
    bodies = [f"Story {i}\n" + " ".join(f"Sentence {k} of story {i} tells readers something new today." for k in range(6))
              for i in range(6)]
    files = {f"site/p{i}.txt": bodies[i] + ("\n" + disclaimer if i < 2 else "") + "\n" for i in range(6)}
    res = _lint(tmp_path, files, "boilerplate")
    for i in range(2):
        assert [f.rule for f in res[f"site/p{i}.txt"] if f.text == disclaimer] == ["boilerplate.corpus-repeat"]


def test_allow_list_keeps_approved_text_unreported(tmp_path):
    footer = "This newsletter is published by the Example Trust, a registered charity.\n"
    files = {f"site/p{i}.txt": f"Story {i}\n{PROSE * (i + 1)}\n{footer}" for i in range(2)}
    rules = {"boilerplate.yaml": "checks:\n  boilerplate.corpus-repeat:\n    options:\n"
                                 "      allow: ['This newsletter is published by the Example Trust']\n"}
    res = _lint(tmp_path, files, "boilerplate.corpus-repeat", rules)
    assert res["site/p0.txt"] == [] and res["site/p1.txt"] == []
    res = _lint(tmp_path / "again", files, "boilerplate.corpus-repeat")
    assert len(res["site/p0.txt"]) == 1


SOURCE = ("Inheritance is a way to form new classes using classes that have already been defined. "
          "The new classes, known as derived classes, take over the attributes and behaviour of the "
          "pre-existing classes, which are referred to as base classes. It is intended to help reuse "
          "existing code with little or no modification.")
COPY = ("Inheritance is a way to form new classes using classes that have already been defined. "
        "The new classes, called derived classes, take over the attributes and behaviour of the "
        "existing classes, which are referred to as base classes. Many students find this useful.")
ORIGINAL = ("In object-oriented design a subclass extends a parent type and inherits its methods. "
            "This lets programmers share behaviour without copying code between modules, although "
            "deep hierarchies make programs harder to follow.")


def test_copied_passage_finds_copies_not_originals(tmp_path):
    files = {"set/source.txt": SOURCE, "set/copy.txt": COPY, "set/original.txt": ORIGINAL}
    res = _lint(tmp_path, files, "boilerplate.copied-passage")
    assert res["set/original.txt"] == []
    copies = res["set/copy.txt"]
    assert len(copies) == 2 and all(f.severity == "warning" for f in copies)
    assert all(f.related and f.related[0]["path"].endswith("source.txt") for f in copies)
    assert any("closely paraphrased" in f.message for f in copies)
    assert len(res["set/source.txt"]) == 2


def test_summaries_are_compact_pure_and_mergeable():
    docs = [parse(f"d{i}.txt", t) for i, t in enumerate([SOURCE, COPY, ORIGINAL, COPY])]
    sums = [summarise(d, group_by="none", min_words=8) for d in docs]
    again = [pickle.loads(pickle.dumps(s)) for s in sums]  # ships to workers and back
    assert [p.bands for s in again for p in s.sentences] == [p.bands for s in sums for p in s.sentences]
    norm = lambda cs: sorted(sorted(c) for c in cs)  # noqa: E731
    assert norm(near_clusters(sums, 0.5)) == norm(near_clusters(again, 0.5))
    assert any({i for i, _ in c} >= {1, 3} for c in exact_clusters(sums, "sentence"))
    assert not any(2 in {i for i, _ in c} for c in near_clusters(sums, 0.5))


def test_near_clusters_are_the_components_of_verified_candidates(monkeypatch):
    """near_clusters (packed records, band keys grouped a batch at a time) == the definition
    computed the slow way: identical sentences joined, and every two first copies of the same
    group sharing a band key joined when their signatures agree on the threshold."""
    import random

    from copydesk import clusters
    from copydesk.clusters import components, estimate

    rng = random.Random(11)
    vocab = [f"w{k}" for k in range(40)]
    base = [[rng.choice(vocab) for _ in range(14)] for _ in range(8)]
    docs = []
    for i in range(30):
        sents = [" ".join(rng.choice(vocab) if rng.random() < 0.15 else w for w in b).capitalize() + "."
                 for b in rng.sample(base, 3)]
        docs.append(parse(f"g{i % 2}/d{i:02d}.txt", "\n".join(sents + sents[:i % 2]) + "\n"))
    sums = [summarise(d, group_by="folder", min_words=8, threshold=0.5) for d in docs]
    refs = [(i, j) for i, s in enumerate(sums) for j in range(len(s.sentences))]
    first = {}
    pairs = [(first.setdefault((sums[i].group, sums[i].sentences.key[j]), (i, j)), (i, j)) for i, j in refs]
    reps = sorted(set(first.values()))
    for n, (i, j) in enumerate(reps):
        for k, l in reps[n + 1:]:
            if (sums[i].group == sums[k].group and set(sums[i].sentences.bands[j]) & set(sums[k].sentences.bands[l])
                    and estimate(sums[i].sentences.sig[j], sums[k].sentences.sig[l]) >= 0.5):
                pairs.append(((i, j), (k, l)))
    want = sorted(sorted(c) for c in components((), pairs) if len(c) > 1)
    assert len(want) >= 8 and any(len({i for i, _ in c}) > 2 for c in want)
    assert near_clusters(sums, 0.5) == want
    monkeypatch.setattr(clusters, "BAND_BATCH", 64)  # several batches of band keys
    assert near_clusters(sums, 0.5) == want


def test_web_chrome_pack_and_structure(tmp_path):
    text = ("Why editors matter\nBy Jane Smith\n" + PROSE + "\n" + "Readers trust a checked story.\n"
            "Share this article\nLeave a Reply\nConnecting to %s\n"
            "Home\nNews\nSport\nWeather\n")
    res = _lint(tmp_path, {"docs/a.txt": text}, "boilerplate.web-chrome")["docs/a.txt"]
    flagged = {f.text for f in res}
    assert {"By Jane Smith", "Share this article", "Leave a Reply", "Connecting to %s"} <= flagged
    assert {"Home", "News", "Sport", "Weather"} <= flagged  # a menu: a run of link-like lines
    assert not any(t.startswith("Editors check") for t in flagged)
    assert "Why editors matter" not in flagged


def test_pack_leaves_prose_alone(tmp_path):
    prose = ["Published in 1990, the book sold well across Europe and Asia.",
             "Menu descriptions were written to match what diners expect.",
             "More news outlets are now checking claims before they publish them.",
             "This is the moment of our deepest sorrow, the minister said at the funeral.",
             "Jobs was the co-founder of Apple and later ran the company for many years.",
             "Continue reading to learn how the committee reached its decision."]
    res = _lint(tmp_path, {"docs/a.txt": "\n".join(prose) + "\n"}, "boilerplate.web-chrome")["docs/a.txt"]
    assert [f.text for f in res] == []


def test_extra_patterns_extend_the_pack(tmp_path):
    text = PROSE * 3 + "\n\nPowered by Examplepress\n"
    rules = {"boilerplate.yaml": "checks:\n  boilerplate.web-chrome:\n    options:\n      extra_patterns:\n"
                                 "        - {kind: footer, regex: '^powered by '}\n"}
    res = _lint(tmp_path, {"docs/a.md": text}, "boilerplate.web-chrome", rules)["docs/a.md"]
    assert [f.text for f in res] == ["Powered by Examplepress"]


def test_helpers():
    assert is_ui_like("Share this page") and is_ui_like("Craig Childress, Psy.D.")
    assert not is_ui_like("The antidote is the opposite.") and not is_ui_like("Barroso,")
    allow = AllowList(["Past performance is no guarantee of future results.", "re:^©\\s*\\d{4}"])
    assert allow.allows("PAST PERFORMANCE is no guarantee of future results")
    assert allow.allows("© 2024 Example") and not allow.allows("A sentence of the article.")


def test_seed_content(tmp_path):
    content = ROOT / "content"
    if not content.is_dir():
        pytest.skip("no seed content")
    config = load_config(cwd=str(ROOT))
    results = lint_paths([str(content)], config, Selection(select=("boilerplate",)))
    found = [(Path(r.path).name[:3], f.severity, f.text.strip()) for r in results for f in r.findings]
    texts = {t for _, _, t in found}
    for chrome in ("Leave a Reply", "Fill in your details below or click an icon to log in: Logo",
                   "Connecting to %s", "Craig Childress, Psy.D.", "Clinical Psychologist, PSY 18857"):
        assert chrome in texts
    assert any(t.startswith("You are commenting using your account") for t in texts)
    assert any(t.startswith("Theresa is the visionary force behind") for t in texts)
    refrain = [s for _, s, t in found if t.lower().startswith("the antidote is the opposite")]
    assert len(refrain) == 4 and set(refrain) == {"info"}
    assert all(s == "info" or len(t) < 200 or t.startswith("Theresa") for _, s, t in found)


def test_nearduplicate_dev_set(shared):
    """Answers copying their source are found, originals on the same topic are not (dev set)."""
    import json

    folder = shared / "eval" / "nearduplicate-dev"
    if not folder.is_dir():
        pytest.skip("nearduplicate-dev is absent")
    units = [json.loads(line) for line in (folder / "units.jsonl").read_text().splitlines() if line.strip()]
    config = load_config(cwd=str(folder))
    results = lint_paths([str(folder / "docs")], config, Selection(select=("boilerplate",)))
    flagged = {Path(r.path).name for r in results if r.findings}
    tp = sum(1 for u in units if u["label"] and Path(u["doc"]).name in flagged)
    fp = sum(1 for u in units if not u["label"] and Path(u["doc"]).name in flagged)
    positives = sum(u["label"] for u in units)
    assert fp <= 1 and tp >= 0.75 * positives
