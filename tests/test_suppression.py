"""Inline suppression comments, front matter disable, --select/--ignore."""

from __future__ import annotations

from conftest import write

LONG = "This sentence " + "keeps going and going " * 12 + "until it ends."


def rules_at(report):
    return [(f["rule"], f["start"]["line"]) for f in report["files"][0]["findings"]]


def test_disable_enable_and_next_line(project, run_json):
    write(project / "rules" / "r.yaml", "checks:\n  readability.sentence-length: {options: {max_words: 10}}\n")
    text = "\n\n".join([
        LONG,                                                           # line 1: reported
        "<!-- copydesk-disable readability.sentence-length -->",        # line 3
        LONG,                                                           # line 5: suppressed
        "<!-- copydesk-enable readability.sentence-length -->",
        LONG,                                                           # line 9: reported
        "<!-- copydesk-disable-next-line readability -->",
        LONG,                                                           # line 13: suppressed (prefix)
        LONG,                                                           # line 15: reported
        "<!-- copydesk-disable -->",
        LONG,                                                           # line 19: suppressed (all)
    ]) + "\n"
    write(project / "a.md", text)
    _, report, _ = run_json("a.md", "--select", "readability.sentence-length")
    assert rules_at(report) == [("readability.sentence-length", n) for n in (1, 9, 15)]


def test_html_comments_suppress_in_html(project, run_json):
    write(project / "rules" / "r.yaml", "checks:\n  readability.sentence-length: {options: {max_words: 10}}\n")
    write(project / "a.html", f"<p>{LONG}</p>\n<!-- copydesk-disable-next-line readability.sentence-length -->\n<p>{LONG}</p>\n")
    _, report, _ = run_json("a.html", "--select", "readability.sentence-length")
    assert rules_at(report) == [("readability.sentence-length", 1)]


def test_front_matter_disables_for_whole_file(project, run_json):
    write(project / "rules" / "r.yaml", "checks:\n  readability.sentence-length: {options: {max_words: 10}}\n")
    write(project / "a.md", f"---\ncopydesk:\n  disable: [readability.sentence-length]\n---\n{LONG}\n")
    write(project / "b.md", f"{LONG}\n")
    _, report, _ = run_json("a.md", "b.md", "--select", "readability.sentence-length")
    counts = {f["path"]: len(f["findings"]) for f in report["files"]}
    assert counts == {"a.md": 0, "b.md": 1}


def test_select_and_ignore_by_id_prefix_and_category(project, run_json):
    write(project / "rules" / "r.yaml", "checks:\n  readability.sentence-length: {options: {max_words: 10}}\n"
          "  readability.paragraph-length: {options: {max_words: 10}}\n")
    write(project / "a.md", f"{LONG}\n")
    _, report, _ = run_json("a.md", "--select", "readability")
    assert {f["rule"] for f in report["files"][0]["findings"]} >= {"readability.sentence-length", "readability.paragraph-length"}
    _, report, _ = run_json("a.md", "--select", "readability", "--ignore", "readability.paragraph-length")
    rules = {f["rule"] for f in report["files"][0]["findings"]}
    assert "readability.sentence-length" in rules and "readability.paragraph-length" not in rules
    _, report, _ = run_json("a.md", "--ignore", "readability")
    assert not [f for f in report["files"][0]["findings"] if f["category"] == "readability"]
