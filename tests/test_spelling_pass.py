"""The split Harper run: spelling in a pass of its own over prose with unreported words blanked.

Harper's spelling rule searches suggestions for every word it does not know (~10-40 ms each);
copydesk never reports names, acronyms or project terms, so it blanks them for that pass and
merges the passes as Harper removes overlapping lints. These tests hold the merge to Harper's
own one-pass result on real text.
"""

from __future__ import annotations

import harper

from conftest import CONTENT
from copydesk.checks.grammar import _engine
from copydesk.checks.grammar.harper import _canonical, _unreported
from copydesk.checks.grammar._vocab import vocabulary
from copydesk.parsing import parse

DISABLED = ("LongSentences", "OxfordComma", "DayOneNames")
TEXTS = [p.read_text(encoding="utf-8") for p in sorted(CONTENT.glob("*.txt"))] + [
    "WSJ\nWSJ\nMarketWatch\nMarketWatch\nShe recieved an letter. Teh cat sat on on the mat.\n",
    "I seen him their. Its a apple, isnt it? The the end. It’s Portugu s\nWSJ blog.\n",
]


def _found(lints):
    return sorted((rule, lt.span.start, lt.span.end) for rule, lt in lints)


def test_remove_overlaps_is_harpers_dedup():
    lin = _engine.linter("us", DISABLED)
    for text in TEXTS:
        deduped = lin.organized_lints(text, language=_engine.PLAIN)
        raw = lin.organized_lints(text, language=_engine.PLAIN, dedup=False)
        merged = _engine.remove_overlaps([_engine._Found(r, lt) for r, lts in raw.items() for lt in lts])
        assert _found((f.rule, f.lint) for f in merged) == _found((r, lt) for r, lts in deduped.items() for lt in lts)


def test_split_pass_equals_one_pass_without_unreported_words():
    for i, text in enumerate(TEXTS):
        doc = parse(f"d{i}.txt", text)
        unreported = _unreported(doc, vocabulary(None), [])
        whole = _engine.lint_prose(doc.prose, "us", DISABLED)
        split = _engine.lint_prose(doc.prose, "us", DISABLED, unreported=unreported)
        inside = lambda lt: any(a <= lt.start < b for a, b in unreported)  # noqa: E731
        assert [lt for lt in split if not inside(lt)] == [lt for lt in whole if not inside(lt)]
        assert not [lt for lt in split if lt.rule == "SpellCheck" and inside(lt)]


def test_names_and_acronyms_are_blanked_but_phrases_and_hosts_are_not():
    text = "Yesterday Fonagy and the BPD team met at Amazon.com's office (Fox et al., 2005). Ths is bad.\n"
    doc = parse("d.txt", text)
    blanked = {text[a:b] for a, b in _unreported(doc, vocabulary(None), [])}
    assert {"Fonagy", "BPD", "Fox"} <= blanked
    assert not blanked & {"Yesterday", "Amazon", "com's", "et", "al", "Ths"}
    lints = _engine.lint_prose(doc.prose, "us", DISABLED, unreported=sorted(_unreported(doc, vocabulary(None), [])))
    # Harper also flags the "s" of "com's", in one pass too; copydesk drops one-letter words
    assert [lt.text for lt in lints if lt.rule == "SpellCheck"] == ["s", "Ths"]


def test_listed_alternatives_are_sorted_but_prose_is_not():
    assert _canonical("Use the irregular form 'chosen' or 'chose' instead of 'choosed'", ("chosen", "chose")) == (
        "Use the irregular form 'chose' or 'chosen' instead of 'choosed'", ("chose", "chosen"))
    # a capitalised word gets capitalised suggestions and a lower-case message: sorted alike
    assert _canonical("Use the irregular form 'chosen' or 'chose' instead of 'Choosed'", ("Chosen", "Chose")) == (
        "Use the irregular form 'chose' or 'chosen' instead of 'Choosed'", ("Chose", "Chosen"))
    msg = "Use `it's` (short for `it has` or `it is`) here, not the possessive `its`."
    assert _canonical(msg, ("it's", "it has")) == (msg, ("it's", "it has"))


def test_harper_still_knows_the_priority_field():
    lint = harper.Linter().lint("Ths is it.", language=_engine.PLAIN)[0]
    assert _engine._Found("SpellCheck", lint).priority() == _engine.SPELL_PRIORITY


def test_spelling_thread_gives_the_same_report(project, run_cli, monkeypatch):
    """One document with a core to spare: the spelling pass runs in a thread, same bytes."""
    import threading

    from conftest import write

    spelled_in: list[str] = []  # the threads that ran a spell-only pass
    real = _engine.linter

    def recording(*args, **kwargs):
        if kwargs.get("spell_only"):
            spelled_in.append(threading.current_thread().name)
        return real(*args, **kwargs)

    monkeypatch.setattr(_engine, "linter", recording)
    write(project / "a.txt", (CONTENT / "000_2c5ef3d72e7640b6.txt").read_text(encoding="utf-8")
          + "\nShe recieved an letter. The colour of his behavior puzzled Fonagy.\n")
    one = run_cli("check", "a.txt", "--jobs", "1", "--no-cache", "--format", "json", "--fail-on", "never")
    main = threading.main_thread().name
    assert spelled_in and all(n == main for n in spelled_in)  # one process, one thread
    spelled_in.clear()
    two = run_cli("check", "a.txt", "--jobs", "2", "--no-cache", "--format", "json", "--fail-on", "never")
    assert spelled_in and main not in spelled_in  # the spare core's threads really ran the spelling pass
    assert one == two and "recieved" in one[1]
    assert not _engine._SPELLER  # the thread is stopped after the run (never forked with it)
