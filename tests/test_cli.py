"""The CLI end to end: exit codes, JSON contract on content/, rules and explain."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import write

LONG = "This sentence " + "keeps going and going " * 12 + "until it ends."


@pytest.fixture(scope="module")
def content_report(root):
    """One JSON report over content/ from the real command (all default checks)."""
    proc = subprocess.run(
        [sys.executable, "-m", "copydesk", "check", "content", "--format", "json", "--fail-on", "never"],
        cwd=root, capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout)


def test_json_contract_on_content(content_report, root):
    r = content_report
    assert r["version"] == 1 and r["tool"]["name"] == "copydesk"
    assert [f["path"] for f in r["files"]] == [
        "content/000_2c5ef3d72e7640b6.txt", "content/001_1137b30dfef8d16c.txt", "content/002_8478e2032487b7da.txt"]
    total = 0
    for entry in r["files"]:
        text = (root / entry["path"]).read_text(encoding="utf-8")
        lines = text.split("\n")
        assert entry["format"] == "text" and entry["errors"] == []
        assert set(entry["stats"]["readability"]) == {
            "flesch_reading_ease", "flesch_kincaid_grade", "gunning_fog", "smog_index",
            "coleman_liau_index", "automated_readability_index", "dale_chall_readability_score"}
        assert entry["stats"]["words"] > 1000 and entry["stats"]["sentences"] > 50
        keys = [(f["start"]["offset"], f["rule"]) for f in entry["findings"]]
        assert keys == sorted(keys)
        for f in entry["findings"]:
            s, e = f["start"], f["end"]
            assert f["text"] == text[s["offset"]:e["offset"]]
            for pos in (s, e):
                line = lines[pos["line"] - 1]
                assert sum(len(x) + 1 for x in lines[: pos["line"] - 1]) + pos["column"] - 1 == pos["offset"]
                assert pos["column"] - 1 <= len(line)
            assert f["severity"] in ("error", "warning", "info")
            assert f["fingerprint"] and str(f["start"]["line"]) not in f["fingerprint"][:0]
        total += len(entry["findings"])
        fps = [f["fingerprint"] for f in entry["findings"]]
        assert len(fps) == len(set(fps))
    assert r["summary"]["findings"] == total > 0
    assert sum(r["summary"]["by_severity"].values()) == total


def test_exit_codes(project, run_cli):
    write(project / "rules" / "r.yaml", "checks:\n  readability.sentence-length: {severity: error, options: {max_words: 10}}\n")
    write(project / "bad.md", LONG + "\n")
    write(project / "good.md", "Short and sweet.\n")
    assert run_cli("check", "good.md")[0] == 0
    assert run_cli("check", "bad.md")[0] == 1
    assert run_cli("check", "bad.md", "--fail-on", "never")[0] == 0
    write(project / "rules" / "r.yaml", "checks:\n  readability.sentence-length: {severity: info, options: {max_words: 10}}\n")
    assert run_cli("check", "bad.md", "--select", "readability.sentence-length")[0] == 0
    assert run_cli("check", "bad.md", "--select", "readability.sentence-length", "--fail-on", "info")[0] == 1
    code, out, err = run_cli("check", "missing.md", "good.md")
    assert code == 2 and "missing.md: no such file" in err


def test_unreadable_input_is_reported_and_others_linted(project, run_json):
    write(project / "latin1.txt", "Caf\u00e9 cr\u00e8me.\n", encoding="latin-1")
    write(project / "ok.txt", LONG + "\n")
    code, report, err = run_json("latin1.txt", "ok.txt", "--select", "readability")
    assert code == 2
    bad, ok = report["files"]
    assert bad["path"] == "latin1.txt" and "not valid UTF-8" in bad["errors"][0]["message"]
    assert bad["findings"][0]["category"] == "input"
    assert ok["findings"]


def test_bom_is_skipped_and_offsets_count_after_it(project, run_json):
    (project / "bom.txt").write_bytes(b"\xef\xbb\xbf" + (LONG + "\n").encode())
    _, report, _ = run_json("bom.txt", "--select", "readability.sentence-length")
    f = report["files"][0]["findings"][0]
    assert f["start"]["offset"] == 0 and f["text"].startswith("This sentence")


def test_text_format_lines(project, run_cli):
    write(project / "a.md", "# Title\n\n" + LONG + "\n")
    code, out, _ = run_cli("check", "a.md", "--select", "readability.sentence-length", "--no-color")
    assert "a.md:3:1: warning readability.sentence-length sentence has" in out
    assert out.strip().splitlines()[-1].startswith("1 finding in 1 file")


def test_output_file(project, run_cli):
    write(project / "a.md", LONG + "\n")
    code, out, _ = run_cli("check", "a.md", "--format", "json", "--output", "r.json", "--fail-on", "never")
    assert code == 0 and out == ""
    assert json.loads((project / "r.json").read_text())["summary"]["files"] == 1


def test_directory_walk_relative_paths(project, run_json):
    write(project / "docs" / "b" / "x.md", "Hello there.\n")
    write(project / "docs" / "a.txt", "Hello there.\n")
    write(project / "docs" / "skip.py", "print(1)\n")
    _, report, _ = run_json("docs")
    assert [f["path"] for f in report["files"]] == ["docs/a.txt", "docs/b/x.md"]


def test_rules_and_explain(run_cli):
    code, out, _ = run_cli("rules")
    assert code == 0 and "readability.sentence-length" in out and "readability" in out
    code, out, _ = run_cli("explain", "readability.sentence-length")
    assert code == 0 and "max_words" in out and "Fails" in out
    code, _, err = run_cli("explain", "nope.rule")
    assert code == 2 and "unknown rule" in err


def test_default_paths_from_config(root, run_cli):
    code, out, _ = run_cli("check", "--select", "readability.document-grade", "--fail-on", "never", cwd=root)
    assert code == 0 and "content/001_1137b30dfef8d16c.txt" in out


def test_broken_check_module_is_reported_and_others_run(project, run_json, monkeypatch):
    from copydesk import registry

    monkeypatch.setitem(registry._BROKEN, "copydesk.checks.fake.broken",
                        "check module copydesk.checks.fake.broken failed to import (ImportError: x); its checks did not run")
    write(project / "a.md", LONG + "\n")
    code, report, err = run_json("a.md", "--select", "readability.sentence-length", "--no-cache")
    assert code == 2
    assert report["files"][0]["findings"][0]["rule"] == "readability.sentence-length"
    assert "copydesk.checks.fake.broken failed to import" in report["files"][0]["errors"][0]["message"]
    assert err.count("failed to import") == 1
