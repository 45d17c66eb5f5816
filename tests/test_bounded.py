"""Bounded work on any input (issue 23): files that used to stall a run finish, and the work left
undone is said in the report. Speed is measured by bench/hostile.py, never here."""

from __future__ import annotations

import json
import re
import time

import pytest

from conftest import write
from copydesk import runner
from copydesk.checks.boilerplate import copied_passage, repeated_in_document
from copydesk.checks.boilerplate._report import listed, related_of
from copydesk.checks.grammar import _engine, harper
from copydesk.config import CheckConfig
from copydesk.findings import Problem
from copydesk.lint import Selection, lint_text
from copydesk.parsing import parse
from copydesk.profiles import ConfigRecipe, build_config
from copydesk.registry import CheckSpec

FAST = ("--profile", "fast", "--no-cache", "--fail-on", "never")
DEFAULT = ("--profile", "default", "--no-cache", "--fail-on", "never")
SIZE = 2_000_000


def test_the_stalling_files_finish(project, run_json):
    """The issue's table in one run (the fast profile: the repeats hung without Harper too)."""
    write(project / "t" / "words.txt", "word " * (SIZE // 5))
    write(project / "t" / "sentence.txt", "This is a sentence. " * (SIZE // 20))
    write(project / "t" / "paragraphs.md",
          "The cat sat on the mat today. It was a sunny afternoon outside.\n\n" * 20000)
    code, report, _ = run_json("t", "--jobs", "2", *FAST)
    files = {f["path"]: f for f in report["files"]}
    assert code == 0 and set(files) == {"t/words.txt", "t/sentence.txt", "t/paragraphs.md"}
    assert not any(f["errors"] for f in files.values())
    for path, repeats in (("t/sentence.txt", SIZE // 20), ("t/paragraphs.md", 20000)):
        found = [x for x in files[path]["findings"] if x["rule"] == "boilerplate.repeated-in-document"]
        assert len(found) == 101, path  # the first 100 locations, then one finding counting the rest
        assert all(f"{repeats} times in this document" in x["message"] for x in found)
        assert f"this and the {repeats - 101} later locations" in found[-1]["message"]
        assert all(len(x["related"]) == 10 for x in found)


LONG = "word " * 600 + "\n\nShe recieved an letter yesterday.\n"


def test_long_sentence_is_skipped_and_said(project, run_json):
    write(project / "long.md", LONG)
    code, report, _ = run_json("long.md", "--jobs", "1", *DEFAULT)
    findings = report["files"][0]["findings"]
    notes = [f for f in findings if f["rule"] == "grammar.harper.skipped"]
    assert len(notes) == 1
    assert notes[0]["category"] == "input" and notes[0]["severity"] == "info"
    assert notes[0]["message"].startswith("sentence of 600 words not checked for grammar")
    assert notes[0]["start"]["line"] == 1
    flagged = {f["text"] for f in findings if f["rule"].startswith("grammar.harper.") and f is not notes[0]}
    assert {"recieved", "an letter"} & flagged  # the rest of the file is still checked


@pytest.mark.parametrize("fmt", ["text", "json", "markdown", "github", "gitlab", "sarif", "junit", "html"])
def test_skipped_work_shows_in_every_format(project, run_cli, fmt):
    write(project / "long.md", LONG)
    code, out, _ = run_cli("check", "--format", fmt, "long.md", "--jobs", "1", *DEFAULT)
    assert "sentence of 600 words not checked for grammar" in out
    if fmt == "html":  # a note about the file, above its text
        assert re.search(r'<p class="nolist file-note"><strong>Note:</strong> sentence of 600 words', out)
    if fmt == "gitlab":
        assert '"severity": "critical"' not in out


def test_harper_parts_cover_the_prose_and_keep_short_documents_whole():
    doc = parse("a.md", "# Title\n\nOne sentence here. Another one.\n\n- an item\n")
    assert harper.parts(doc, 500) == ([(0, len(doc.prose))], [])
    long = parse("b.txt", "Short line here.\n" + "x " * 700 + "\nLast line here.\n")
    spans, skipped = harper.parts(long, 500)
    assert [(s.start, s.end) for run in skipped for s in run] == [(17, 17 + 1399)]
    assert spans == [(0, 17), (17 + 1401, len(long.prose))]  # the long sentence (and its line) left out


def test_parts_side_by_side_give_the_same_lints(monkeypatch):
    """A long document's parts, linted by several threads, give what one thread gives."""
    text = "\n\n".join(f"Paragraph {i} has a speling mistake and an error in it. The the dog barked."
                       for i in range(60))
    doc = parse("c.md", text)
    monkeypatch.setattr(harper, "MAX_PART", 600)
    options = {**{k: v["default"] for k, v in harper.OPTIONS.items()},  # options arrive complete
               "disabled_rules": [], "dialect": "us", "vocabulary": None}
    assert len(harper.parts(doc, 500, 600)[0]) > 4

    def lints():
        return [(p.start, p.end, p.rule, p.message, p.suggestions) for p in harper.check(doc, options)]

    alone = lints()
    _engine.concurrent_passes(True)
    try:
        together = lints()
    finally:
        _engine.concurrent_passes(False)
    assert alone == together and len(alone) >= 60


def test_listed_caps_each_document_and_counts_the_rest():
    assert list(listed(["a"] * 3, 5)) == [(0, 0), (1, 0), (2, 0)]
    assert list(listed(["a"] * 6 + ["b"] * 2, 3)) == [(0, 0), (1, 0), (2, 0), (3, 3), (6, 0), (7, 0)]
    locations = list(range(50))
    assert related_of(locations, 0, 3) == (1, 2, 3)
    assert related_of(locations, 2, 3) == (0, 1, 3)
    assert related_of(locations, 40, 3) == (0, 1, 2)


def test_repeated_in_document_limit_is_an_option():
    doc = parse("r.md", "A line that repeats in the page.\n\n" * 7)
    options = {**repeated_in_document.check.__globals__["OPTIONS"]}
    options = {k: v["default"] for k, v in options.items()} | {"max_repeats": 3, "max_related": 2}
    found = list(repeated_in_document.check(doc, options))
    assert len(found) == 4
    assert "7 times in this document" in found[0].message and len(found[0].related) == 2
    assert "this and the 3 later locations" in found[3].message


def test_copied_passage_caps_each_document(project, run_json):
    sentence = "Every copy of this long sentence was pasted from the other file by hand."
    for name in ("a.md", "b.md"):  # blocks differ (not template text), the sentence is copied
        write(project / name, "\n\n".join(f"{sentence} Part {i} of {name}." for i in range(150)) + "\n")
    code, report, _ = run_json("a.md", "b.md", "--select", "boilerplate.copied-passage", "--jobs", "1", *FAST)
    for entry in report["files"]:
        found = entry["findings"]
        assert len(found) == 101
        assert "not reported one by one" in found[-1]["message"]
        assert all(len(f["related"]) == 10 and f["related"][0]["path"] != entry["path"] for f in found)
    assert copied_passage.OPTIONS["max_repeats"]["default"] == 100


# --- time budgets -------------------------------------------------------------------------

def _endless(document, options):
    yield Problem(0, 1, "found before the loop")
    while True:  # a pure-Python check that never ends
        pass


def _slow(document, options):
    end = time.monotonic() + 0.2
    while time.monotonic() < end:
        pass
    yield Problem(0, 3, "slow but done")


def _ok(document, options):
    yield Problem(0, 5, "fine finding")


@pytest.fixture
def budget_config(project):
    config = build_config(ConfigRecipe(None, str(project), "fast", ()))
    for rid, func in (("house.endless", _endless), ("house.ok", _ok), ("house.slow", _slow)):
        config.specs[rid] = CheckSpec(rid, "style", "warning", {}, "doc", "document", func, module="tests")
        config.checks[rid] = CheckConfig(True, "warning", {})
    config.settings.update(check_budget=1.5, file_budget=60)  # generous: the machine may be busy
    return config


def test_check_over_budget_is_stopped_and_the_run_goes_on(budget_config):
    res = lint_text("doc.md", "Hello world. A second sentence.\n", budget_config, Selection(("house",), ()))
    assert [f.message for f in res.findings] == ["fine finding", "slow but done"]  # the endless one's dropped
    [err] = res.errors
    assert err["type"] == "check" and err["check"] == "house.endless" and err["budget"] == 1.5
    assert "doc.md" in err["message"] and "settings.check_budget: 1.5 s" in err["message"]


def test_file_budget_stops_the_checks_left(budget_config):
    budget_config.settings.update(check_budget=None, file_budget=0.6)
    budget_config.checks["house.endless"] = CheckConfig(False, "warning", {})
    for k in range(3):
        budget_config.specs[f"house.slow{k}"] = CheckSpec(f"house.slow{k}", "style", "warning", {}, "doc", "document",
                                                         _slow, module="tests")
        budget_config.checks[f"house.slow{k}"] = CheckConfig(True, "warning", {})
    res = lint_text("doc.md", "Hello world.\n", budget_config, Selection(("house",), ()))
    assert res.errors and all("settings.file_budget: 0.6 s" in e["message"] for e in res.errors)  # 4 x 0.2 s
    assert len(res.findings) + len(res.errors) == 5  # each check: its findings, or an error naming it


def test_budget_in_a_pool_run_keeps_every_file_and_skips_the_cache(project, budget_config):
    from copydesk.cache import Cache

    for k in range(5):
        write(project / f"d{k}.md", f"Document number {k} is here.\n")
    cache = Cache(str(project / ".cache"), "salt")
    results = runner.lint_paths(["."], budget_config, Selection(("house",), ()), jobs=2, cache=cache)
    assert [r.path for r in results] == [f"d{k}.md" for k in range(5)]
    assert all(len(r.errors) == 1 and r.errors[0]["check"] == "house.endless" for r in results)
    assert all([f.rule for f in r.findings] == ["house.ok", "house.slow"] for r in results)
    assert not any(cache.get(cache.key(r.path, (project / r.path).read_text()), r.path,
                             (project / r.path).read_text()) for r in results)  # stopped: not cached


def test_one_long_document_is_the_same_with_cores_to_spare(project, run_cli):
    """--jobs 2 on one document: Harper's parts side by side, engine checks beside the others."""
    paragraphs = [f"Paragraph {i} has a speling mistake, an error and an colour. The the dog barked at {i}."
                  for i in range(400)]
    write(project / "book.md", "# A book\n\n" + "\n\n".join(paragraphs) + "\n")
    outs = [run_cli("check", "--format", "json", "book.md", "--jobs", jobs, *DEFAULT)[1] for jobs in ("1", "2")]
    assert outs[0] == outs[1]
    assert json.loads(outs[0])["files"][0]["findings"]
