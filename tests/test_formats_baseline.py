"""CI workflow options: baselines, --changed-since, the progress bar, the pre-commit hook."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import CONTENT, ROOT, write
from copydesk.baseline import base_fingerprint, load_baseline
from copydesk.changed import parse_diff

# sentence-length works on any text; claim checks join in when they are installed
SELECT = "readability.sentence-length,unsupported-claim"
ARTICLE = "001_1137b30dfef8d16c.txt"
NEW_CLAIM = ("Studies show that nine out of ten families who follow this method see dramatic improvements in their "
             "children's behaviour within a few weeks, which proves beyond any doubt that the approach works better "
             "than every other parenting programme that has ever been tried by experts anywhere in the world today.")


def _lines(text: str) -> list[str]:
    return text.rstrip("\n").split("\n")


def _findings(report: dict) -> list[dict]:
    return [f for e in report["files"] for f in e["findings"]]


def test_baseline_round_trip_reports_exactly_the_new_findings(project: Path, run_json, run_cli):
    original = (CONTENT / ARTICLE).read_text(encoding="utf-8")
    doc = write(project / "docs" / ARTICLE, original)
    code, before, _ = run_json("docs", "--select", SELECT, "--write-baseline", "baseline.json", "--fail-on", "never")
    assert code == 0 and _findings(before)
    stored = json.loads((project / "baseline.json").read_text(encoding="utf-8"))
    assert len(stored["findings"]) == len(_findings(before))

    # move a flagged paragraph (a line of this plain-text article) to the end, and insert a new
    # paragraph with one long claim near the top
    paras = _lines(original)
    flagged = [f["start"]["offset"] for f in _findings(before)]
    starts = [sum(len(p) + 1 for p in paras[:i]) for i in range(len(paras))]
    moved = next(i for i, a in enumerate(starts) if i > 2 and any(a <= o < a + len(paras[i]) for o in flagged))
    paras.append(paras.pop(moved))
    paras.insert(2, NEW_CLAIM)
    edited = "\n".join(paras) + "\n"
    doc.write_text(edited, encoding="utf-8")
    start = edited.index(NEW_CLAIM)
    end = start + len(NEW_CLAIM)

    code, after, _ = run_json("docs", "--select", SELECT, "--fail-on", "never")
    code, new, _ = run_json("docs", "--select", SELECT, "--baseline", "baseline.json", "--fail-on", "never")
    expected = [f for f in _findings(after) if f["start"]["offset"] < end and f["end"]["offset"] > start]
    assert any(f["rule"] == "readability.sentence-length" for f in expected)
    assert _findings(new) == expected, [(f["rule"], f["text"][:60]) for f in _findings(new)]
    assert new["summary"]["findings"] == len(expected)


def test_baseline_counts_repeated_findings(project: Path, run_json):
    long = "This sentence " + " ".join(["goes"] * 50) + " on."
    doc = write(project / "a.md", f"{long}\n\n{long}\n")
    run_json("a.md", "--select", "readability.sentence-length", "--write-baseline", "b.json")
    known = load_baseline("b.json")
    assert sum(known.values()) == 2 and len(known) == 1
    doc.write_text(f"Intro.\n\n{long}\n\n{long}\n\n{long}\n", encoding="utf-8")
    code, rep, _ = run_json("a.md", "--select", "readability.sentence-length", "--baseline", "b.json",
                            "--fail-on", "warning")
    assert len(_findings(rep)) == 1 and code == 1
    assert base_fingerprint(_findings(rep)[0]["fingerprint"]) == next(iter(known))[1]


def test_baseline_errors_are_usage_errors(project: Path, run_cli):
    write(project / "a.md", "Fine.\n")
    code, _, err = run_cli("check", "a.md", "--select", "readability", "--baseline", "missing.json")
    assert code == 2 and "missing.json" in err and "--write-baseline" in err
    write(project / "bad.json", "{not json")
    code, _, err = run_cli("check", "a.md", "--select", "readability", "--baseline", "bad.json")
    assert code == 2 and "bad.json" in err


def test_parse_diff_line_ranges():
    diff = ("diff --git a/x.md b/x.md\n--- a/x.md\n+++ b/x.md\n@@ -3,0 +4,2 @@\n+a\n+b\n@@ -10 +12 @@\n-c\n+d\n"
            "@@ -20,3 +22,0 @@\n-e\n"
            "diff --git a/gone.md b/gone.md\n--- a/gone.md\n+++ /dev/null\n@@ -1 +0,0 @@\n-x\n"
            'diff --git "a/q\\"uote.md" "b/q\\"uote.md"\n--- "a/q\\"uote.md"\n+++ "b/q\\"uote.md"\n@@ -1 +1 @@\n-x\n+y\n')
    assert parse_diff(diff) == {"x.md": [(4, 5), (12, 12)], 'q"uote.md': [(1, 1)]}


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.email=t@example.com", "-c", "user.name=t", "-c", "commit.gpgsign=false",
                    *args], cwd=cwd, check=True, capture_output=True)


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_changed_since_reports_only_changed_lines(project: Path, run_json, run_cli):
    long = "This sentence " + " ".join(["goes"] * 50) + " on."
    write(project / "docs" / "a.md", f"# Title\n\n{long}\n\nShort.\n")
    _git(project, "init", "-q")
    _git(project, "add", "-A")
    _git(project, "commit", "-q", "-m", "base")
    other = long.replace("This sentence", "Another sentence")
    write(project / "docs" / "a.md", f"# Title\n\n{long}\n\nShort.\n\n{other}\n")
    write(project / "docs" / "new.md", f"{long}\n")  # untracked: every line counts as changed
    sel = ("--select", "readability.sentence-length")
    code, full, _ = run_json("docs", *sel)
    assert len(_findings(full)) == 3
    code, rep, _ = run_json("docs", *sel, "--changed-since", "HEAD")
    got = [(e["path"], f["start"]["line"]) for e in rep["files"] for f in e["findings"]]
    assert got == [("docs/a.md", 7), ("docs/new.md", 1)]
    os.chdir(project / "docs")  # paths relative to a sub-folder still match
    code, rep, _ = run_json(".", *sel, "--changed-since", "HEAD")
    assert [(e["path"], f["start"]["line"]) for e in rep["files"] for f in e["findings"]] == [("a.md", 7), ("new.md", 1)]
    code, _, err = run_cli("check", ".", "--changed-since", "no-such-ref")
    assert code == 2 and "--changed-since" in err


def test_no_progress_output_when_stderr_is_not_a_terminal(project: Path, run_cli):
    for i in range(3):
        write(project / f"d{i}.md", "Short text.\n")
    code, out, err = run_cli("check", ".", "--select", "readability")
    assert code == 0 and err == ""


def test_progress_bar_on_a_terminal(project: Path, run_cli, monkeypatch):
    for i in range(3):
        write(project / f"d{i}.md", "Short text.\n")
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    code, out, err = run_cli("check", ".", "--select", "readability", "-j", "1")
    assert code == 0 and ("linting" in err or "corpus checks" in err)
    assert "3/3" in err or "corpus checks" in err
    code, out, err = run_cli("check", ".", "--select", "readability", "--quiet")
    assert err == ""


def test_pre_commit_hook_definition_runs_and_fails_on_seed_problems(monkeypatch, run_cli):
    """Run the hook's entry and args the way pre-commit does: on the seed files, from the repo root."""
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = next(h for h in hooks if h["id"] == "copydesk")
    assert hook["language"] == "python" and hook["require_serial"] is True
    assert set(hook["types_or"]) == {"markdown", "plain-text", "html"}
    entry = hook["entry"].split()
    assert entry[0] == "copydesk"
    files = [f"content/{p.name}" for p in sorted(CONTENT.iterdir())]
    code, out, _ = run_cli(*entry[1:], *hook.get("args", []), "--select", "readability", *files, cwd=ROOT)
    assert code == 1 and "readability.sentence-length" in out


@pytest.mark.skipif(os.environ.get("COPYDESK_TEST_PRE_COMMIT") != "1",
                    reason="builds the hook's environment with pip (network); set COPYDESK_TEST_PRE_COMMIT=1")
def test_pre_commit_try_repo(tmp_path: Path):
    exe = shutil.which("pre-commit") or str(Path(sys.executable).with_name("pre-commit"))
    files = [f"content/{p.name}" for p in sorted(CONTENT.iterdir())]
    proc = subprocess.run([exe, "try-repo", ".", "copydesk", "--files", *files], cwd=ROOT, capture_output=True,
                          text=True, env={**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pc")}, timeout=1800)
    assert proc.returncode == 1, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "copydesk" in proc.stdout and "Failed" in proc.stdout
