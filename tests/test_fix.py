"""`copydesk check --fix`, `--diff` and `--unsafe-fixes`: safe and unsafe fixes, bytes kept, idempotence,
files changed during a fix never overwritten."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from copydesk import fixes
from copydesk.lint import lint_text
from copydesk.fixes import Edit, apply_edits, match_case
from copydesk.profiles import ConfigRecipe, build_config

ROOT = Path(__file__).resolve().parent.parent

STYLE = """\
patterns:
  - id: style.utilize
    type: substitution
    message: "Use '{replacement}' instead of '{match}'."
    swap: {utilize: use, "in order to": to}
"""
SAMPLE = ("We utilize tools in order to work.\n"
          "Utilize the colour of the behaviour, the color, the honour and the flavour.\n")
FIXED = ("We use tools to work.\n"
         "Use the colour of the behaviour, the colour, the honour and the flavour.\n")


@pytest.fixture
def styled(project: Path) -> Path:
    (project / "rules" / "style.yaml").write_text(STYLE, encoding="utf-8")
    return project


def test_diff_prints_a_unified_diff_and_changes_nothing(styled, run_cli):
    (styled / "a.txt").write_text(SAMPLE, encoding="utf-8")
    code, out, err = run_cli("check", "--diff", "a.txt")
    assert code == 1
    assert out.startswith("--- a/a.txt\n+++ b/a.txt\n@@ -1,2 +1,2 @@\n")
    assert "\n-We utilize tools in order to work.\n" in out and "\n+We use tools to work.\n" in out
    assert "+Use the colour of the behaviour, the colour," in out  # UK document: 'color' respelled
    assert (styled / "a.txt").read_text(encoding="utf-8") == SAMPLE
    assert "would fix 4 problems in 1 file" in err


def test_fix_writes_the_safe_fixes_and_reports_what_is_left(styled, run_json, run_cli):
    (styled / "a.txt").write_text(SAMPLE, encoding="utf-8")
    code, report, err = run_json("--fix", "a.txt")
    assert (styled / "a.txt").read_text(encoding="utf-8") == FIXED
    rules = {f["rule"] for f in report["files"][0]["findings"]}
    assert not rules & {"style.utilize", "grammar.dialect"}
    assert "fixed 4 problems in 1 file" in err
    code, out, err = run_cli("check", "--diff", "a.txt")  # idempotent: nothing left to fix
    assert (code, out) == (0, "")


def test_unsafe_fixes_only_on_request(project, run_cli):
    path = project / "b.md"
    path.write_text("We recieve many letters every week from our readers.\n", encoding="utf-8")
    code, out, err = run_cli("check", "--fix", "b.md")
    assert "recieve" in path.read_text(encoding="utf-8")
    assert "1 more with --unsafe-fixes" in err
    code, out, err = run_cli("check", "--fix", "--unsafe-fixes", "b.md")
    assert path.read_text(encoding="utf-8") == "We receive many letters every week from our readers.\n"


@pytest.mark.parametrize("bom,codec,newline", [
    (codecs.BOM_UTF8, "utf-8", "\r\n"),
    (b"", "utf-8", "\r\n"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "\n"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "\r\n"),
])
def test_fix_keeps_encoding_bom_and_newlines(styled, run_cli, bom, codec, newline):
    path = styled / "a.txt"
    path.write_bytes(bom + SAMPLE.replace("\n", newline).encode(codec))
    run_cli("check", "--fix", "a.txt")
    assert path.read_bytes() == bom + FIXED.replace("\n", newline).encode(codec)


def test_fix_keeps_permissions(styled, run_cli):
    path = styled / "a.txt"
    path.write_text(SAMPLE, encoding="utf-8")
    path.chmod(0o640)
    run_cli("check", "--fix", "a.txt")
    assert path.read_text(encoding="utf-8") == FIXED and path.stat().st_mode & 0o777 == 0o640


def test_a_file_changed_during_the_fix_is_not_overwritten(styled, run_cli, monkeypatch):
    path = styled / "a.txt"
    path.write_text(SAMPLE, encoding="utf-8")
    (styled / "b.txt").write_text("We utilize tools.\n", encoding="utf-8")
    real = fixes.fix_text

    def edited_meanwhile(p, *args, **kwargs):
        out = real(p, *args, **kwargs)
        if p == "a.txt":  # someone saves the file while its fixes are being worked out
            path.write_text("An editor's newer text: utilize it.\n", encoding="utf-8")
        return out

    monkeypatch.setattr(fixes, "fix_text", edited_meanwhile)
    code, out, err = run_cli("check", "--fix", "a.txt", "b.txt")
    assert code == 2
    assert path.read_text(encoding="utf-8") == "An editor's newer text: utilize it.\n"
    assert "a.txt: changed while copydesk was fixing it; not overwritten" in err
    assert (styled / "b.txt").read_text(encoding="utf-8") == "We use tools.\n"  # other work is not lost


def test_write_source_refuses_changed_bytes(tmp_path):
    path = tmp_path / "x.md"
    path.write_text("one\n", encoding="utf-8")
    source = fixes.read_source("x.md", str(path))
    path.write_text("two\n", encoding="utf-8")
    with pytest.raises(fixes.ChangedOnDisk):
        fixes.write_source(source, "three\n")
    assert path.read_text(encoding="utf-8") == "two\n"
    assert [p.name for p in tmp_path.iterdir()] == ["x.md"]  # no temporary file left behind


def test_apply_edits_skips_overlaps_and_stale_spans():
    text = "abcdef"
    new, n = apply_edits(text, [Edit(0, 3, "abc", "X", "r1"), Edit(2, 4, "cd", "Y", "r2"),
                                Edit(4, 6, "zz", "Z", "r3"), Edit(3, 4, "d", "D", "r4")])
    assert (new, n) == ("XDef", 2)


def test_match_case():
    assert match_case("Utilize", "use") == "Use"
    assert match_case("UTILIZE", "use") == "USE"
    assert match_case("utilize", "use") == "use"
    assert match_case("iPhone", "phone") == "phone"
    assert match_case("Stern", "(Stern, 2004)") == "(Stern, 2004)"


def test_declared_fix_levels(styled):
    config = build_config(ConfigRecipe(str(styled / "rules"), str(styled)))
    assert fixes.fix_level(config, "style.utilize") == "safe"
    assert fixes.fix_level(config, "grammar.dialect") == "safe"
    assert fixes.fix_level(config, "grammar.harper.SpellCheck") == "unsafe"
    assert fixes.fix_level(config, "citation.unmatched") == "unsafe"
    assert fixes.fix_level(config, "readability.sentence-length") is None


def test_copydesk_fix_hook_is_offered_and_the_default_hook_only_checks():
    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    assert "--fix" not in hooks["copydesk"]["entry"] + " ".join(hooks["copydesk"].get("args", []))
    assert hooks["copydesk-fix"]["entry"].split() == ["copydesk", "check", "--fix"]
    assert hooks["copydesk-fix"]["require_serial"] is True


WORDS = ["utilize", "Utilize", "in order to", "colour", "color", "honour", "honor", "flavour", "flavor",
         "behaviour", "behavior", "we", "the", "tools", "work", "garden", "river", "quickly", "and", "of"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sentences=st.lists(st.lists(st.sampled_from(WORDS), min_size=1, max_size=12), min_size=1, max_size=6),
       crlf=st.booleans())
def test_fixing_is_idempotent(styled, sentences, crlf):
    """Whatever the mix of substitutions and US/UK spellings, after --fix a second fix finds nothing."""
    config = build_config(ConfigRecipe(str(styled / "rules"), str(styled)))
    newline = "\r\n" if crlf else "\n"
    text = newline.join(" ".join(words).capitalize() + "." for words in sentences) + newline
    first = fixes.fix_text("p.txt", text, lint_text("p.txt", text, config).findings, config)
    assert first.settled
    again = fixes.fix_text("p.txt", first.text, lint_text("p.txt", first.text, config).findings, config)
    assert again.applied == 0 and again.text == first.text
    assert first.text.count(newline) == text.count(newline)
