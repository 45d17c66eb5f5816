"""Hostile inputs, safe configuration, failing checks isolated, deterministic output."""

from __future__ import annotations

import json
import os
import random
import time

import pytest

from conftest import write
from copydesk import runner
from copydesk.lint import Selection, lint_text
from copydesk.findings import Problem
from copydesk.inputs import InputError, InputFile, read
from copydesk.parsing import parse
from copydesk.profiles import ConfigRecipe, build_config
from copydesk.registry import CheckSpec

FAST = ("--profile", "fast", "--fail-on", "never", "--no-cache")


def hostile_tree(root, big: bool = True) -> set[str]:
    """The hostile files of issue 9; returns the names that cannot be read."""
    rnd = random.Random(7)
    d = root / "hostile"
    d.mkdir()
    (d / "random.md").write_bytes(bytes(rnd.randrange(256) for _ in range(4000)))
    (d / "random-nonul.txt").write_bytes(bytes(rnd.randrange(1, 256) for _ in range(4000)))
    write(d / "latin1.txt", "Caf\u00e9 au lait. Na\u00efve fa\u00e7ade.\n", encoding="latin-1")
    (d / "empty.md").write_bytes(b"")
    (d / "utf16.md").write_bytes("# Title\n\nHello world. It is UTF-16.\n".encode("utf-16"))
    (d / "utf16-bad.txt").write_bytes(b"\xff\xfe" + "ok".encode("utf-16-le") + b"\x00\xd8")
    (d / "crlf.md").write_bytes(b"# Heading\r\n\r\nA paragraph here.\r\nSecond line.\r\n\r\n- one\r\n- two\r\n")
    size = 2_000_000 if big else 200_000
    (d / "oneline.txt").write_text(("Q" * 997 + " x ") * (size // 1000), encoding="utf-8")
    (d / "oneline.md").write_text(("[link](" + "u" * 990 + " ") * (size // 4000), encoding="utf-8")
    (d / "nested.md").write_text(">" * 20000 + " a deep quote\n\nAfter the quote comes text.\n", encoding="utf-8")
    (d / "nested-spaced.md").write_text("> " * 20000 + "deep\n", encoding="utf-8")
    (d / "brackets.md").write_text("[" * 20000 + "x" + "]" * 20000 + "\n", encoding="utf-8")
    (d / "unclosed.html").write_text("<html><body><p>Unclosed <b>bold <div><p>para <span>" * 300
                                     + "<!-- never closed", encoding="utf-8")
    (d / "attrs.html").write_text("<a href='" * 20000, encoding="utf-8")
    os.symlink("loop2.md", d / "loop1.md")
    os.symlink("loop1.md", d / "loop2.md")
    os.symlink("..", d / "up")  # a directory loop: never followed
    os.symlink("nowhere.md", d / "dangling.md")
    return {"random.md", "random-nonul.txt", "latin1.txt", "utf16-bad.txt", "loop1.md", "loop2.md", "dangling.md"}


def test_hostile_inputs_one_run(project, run_json):
    unreadable = hostile_tree(project)
    start = time.monotonic()
    code, report, err = run_json("hostile", "--jobs", "2", *FAST)
    elapsed = time.monotonic() - start
    names = {os.path.basename(f["path"]): f for f in report["files"]}
    expected = {p.name for p in (project / "hostile").iterdir() if p.name != "up"}
    assert set(names) == expected  # no file dropped
    assert code == 2  # something could not be read
    for name, entry in names.items():
        if name in unreadable:
            assert entry["errors"] and entry["errors"][0]["type"] == "input", name
            assert entry["findings"][0]["category"] == "input", name
            assert entry["path"] in entry["errors"][0]["message"], name
        else:
            assert entry["errors"] == [], (name, entry["errors"])
            assert entry["format"] in ("markdown", "text", "html"), name
    assert names["utf16.md"]["stats"]["words"] > 3
    assert "broken symbolic link" in names["dangling.md"]["errors"][0]["message"]
    assert "re-save" in names["latin1.txt"]["errors"][0]["message"]
    assert elapsed < 600  # bounded (the real bound is the suite's timeout; speed is measured in bench/)


def test_readable_hostile_files_exit_below_2(project, run_json):
    hostile_tree(project, big=False)
    keep = ["empty.md", "utf16.md", "crlf.md", "nested.md", "unclosed.html", "attrs.html", "brackets.md"]
    code, report, _ = run_json(*[f"hostile/{k}" for k in keep], "--jobs", "1", *FAST)
    assert code in (0, 1) and len(report["files"]) == len(keep)
    assert not any(f["errors"] for f in report["files"])


def test_unreadable_file_by_permission(project, run_json, monkeypatch):
    """Tests run as root (chmod 000 does not stop root): simulate the PermissionError."""
    write(project / "secret.md", "Hidden text.\n")
    write(project / "open.md", "Open text.\n")
    real_open = open

    def fake_open(path, *a, **k):
        if str(path).endswith("secret.md"):
            raise PermissionError(13, "Permission denied")
        return real_open(path, *a, **k)

    monkeypatch.setattr("builtins.open", fake_open)
    code, report, err = run_json("secret.md", "open.md", "--jobs", "1", *FAST)
    assert code == 2 and "permission denied" in err
    assert [f["path"] for f in report["files"]] == ["open.md", "secret.md"]
    assert report["files"][1]["findings"][0]["rule"] == "input.unreadable"


def test_directory_named_like_a_file(project, run_json):
    """A folder called *.md is walked like any folder; read() on it explains itself."""
    write(project / "folder.md" / "inner.md", "Inner text.\n")
    code, report, _ = run_json("folder.md", *FAST)
    assert [f["path"] for f in report["files"]] == ["folder.md/inner.md"] and code == 0
    with pytest.raises(InputError, match="is a directory"):
        read(InputFile("folder.md", str(project / "folder.md")))


def test_utf16_offsets_count_after_the_bom():
    text = read_bytes_as_text("# T\n\nA b c.\n".encode("utf-16-be"), bom=b"\xfe\xff")
    assert text == "# T\n\nA b c.\n"


def read_bytes_as_text(data: bytes, bom: bytes) -> str:
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".md", delete=False) as fh:
        fh.write(bom + data)
    try:
        return read(InputFile("x.md", fh.name))
    finally:
        os.unlink(fh.name)


# --- configuration cannot run code -------------------------------------------------------

EVIL = "!!python/object/apply:os.system ['touch {marker}']"


@pytest.mark.parametrize("where", ["rules", "copydesk.yaml"])
def test_yaml_python_tags_are_refused(project, run_cli, where):
    marker = project / "pwned"
    if where == "rules":
        write(project / "rules" / "evil.yaml", f"settings:\n  audience: {EVIL.format(marker=marker)}\n")
    else:
        write(project / "copydesk.yaml", f"fail_on: {EVIL.format(marker=marker)}\n")
    write(project / "a.md", "Hello.\n")
    code, out, err = run_cli("check", "a.md", *FAST)
    assert code == 2
    assert "tag" in err and "refused" in err and "Traceback" not in err
    assert not marker.exists()


def test_front_matter_tags_do_not_run(project, run_json):
    marker = project / "pwned"
    write(project / "a.md", f"---\nx: {EVIL.format(marker=marker)}\n---\n\nBody text.\n")
    code, report, _ = run_json("a.md", *FAST)
    assert not marker.exists()
    assert report["files"][0]["findings"][0]["rule"] == "input.front-matter"


@pytest.mark.parametrize("token", ["(a+)+$", "(a|aa)+$"])
def test_catastrophic_regex_is_bounded_and_named(project, run_json, token):
    write(project / "rules" / "house.yaml", f"""patterns:
  - id: house.backtrack
    type: existence
    regex: true
    message: "bad"
    tokens: ["{token}"]
""")
    write(project / "a.txt", "a" * 5000 + "b\n\nA normal paragraph.\n")
    start = time.monotonic()
    code, report, err = run_json("a.txt", "--select", "house,readability", *FAST)
    assert time.monotonic() - start < 120  # the regex engine's time limit, not a timing benchmark
    errors = report["files"][0]["errors"]
    if errors:  # stopped by the time limit: an error naming the rule, exit 2
        assert code == 2
        assert errors[0]["check"] == "house.backtrack" and "house.backtrack" in errors[0]["message"]
        assert "simplify its regex" in errors[0]["message"]
    else:  # the regex engine finished it: no match in this text
        assert code == 0 and not report["files"][0]["findings"]
    if token == "(a|aa)+$":
        assert errors


# --- a failing check is isolated -----------------------------------------------------------

def _boom(document, options):
    yield Problem(0, 1, "first")
    raise RuntimeError("kaboom")


def _ok(document, options):
    yield Problem(0, 5, "fine finding")


@pytest.fixture
def failing_config(project):
    config = build_config(ConfigRecipe(None, str(project), "fast", ()))
    from copydesk.config import CheckConfig

    for rid, func in (("house.boom", _boom), ("house.ok", _ok)):
        config.specs[rid] = CheckSpec(rid, "style", "warning", {}, "doc", "document", func, module="tests")
        config.checks[rid] = CheckConfig(True, "warning", {})
    return config


def test_failing_check_becomes_an_error_entry(failing_config):
    sel = Selection(("house", "readability.sentence-length"), ())
    res = lint_text("doc.md", "Hello world. " + "word " * 60 + "end.\n", failing_config, sel, verbose=False)
    rules = {f.rule for f in res.findings}
    assert "house.ok" in rules and "readability.sentence-length" in rules
    assert len(res.errors) == 1
    err = res.errors[0]
    assert err["check"] == "house.boom" and "kaboom" in err["message"] and "doc.md" in err["message"]
    assert "trace" not in err
    verbose = lint_text("doc.md", "Hello world.\n", failing_config, sel, verbose=True)
    assert "Traceback" in verbose.errors[0]["trace"] and "kaboom" in verbose.errors[0]["trace"]


def test_failing_check_in_a_run_keeps_other_documents(project, failing_config):
    write(project / "a.md", "First document text.\n")
    write(project / "b.md", "Second document text.\n")
    results = runner.lint_paths(["a.md", "b.md"], failing_config, Selection(("house",), ()))
    assert [r.path for r in results] == ["a.md", "b.md"]
    assert all(any(f.rule == "house.ok" for f in r.findings) for r in results)
    assert all(r.errors and r.errors[0]["check"] == "house.boom" for r in results)


def _raise_on(marker, real):
    def parse_markdown(text):
        if marker in text:
            raise ValueError("parser bug")
        return real(text)
    return parse_markdown


def test_parser_failure_is_kept_to_its_file(project, failing_config, monkeypatch):
    import copydesk.parsing.markdown as md

    write(project / "a.md", "Fine text.\n")
    write(project / "b.md", "b.md-marker text.\n")
    monkeypatch.setattr(md, "parse_markdown", _raise_on("b.md-marker", md.parse_markdown))
    results = runner.lint_paths(["a.md", "b.md"], failing_config, Selection(("house.ok",), ()))
    a, b = results
    assert a.findings and not a.errors
    assert b.errors[0]["type"] == "input" and "parser bug" in b.errors[0]["message"]
    assert b.findings[0].rule == "input.parse-failed"


# --- determinism ---------------------------------------------------------------------------

def test_same_inputs_give_byte_identical_json(project, run_cli):
    from test_parallel import make_corpus

    make_corpus(project, n=6)
    args = ("check", "site", "--format", "json", "--profile", "fast", "--fail-on", "never",
            "--select", "readability,boilerplate,claims,style")
    outs = {run_cli(*args, "--no-cache", "--jobs", "1")[1], run_cli(*args, "--no-cache", "--jobs", "2")[1],
            run_cli(*args, "--jobs", "2")[1], run_cli(*args, "--jobs", "1")[1]}
    assert len(outs) == 1
    assert json.loads(outs.pop())["summary"]["files"] == 8


def test_parse_is_deterministic_on_hostile_text():
    text = "<a href='" * 50 + "[" * 600 + "`" * 40 + "> " * 100
    for fmt in ("a.md", "a.html", "a.txt"):
        assert parse(fmt, text) == parse(fmt, text)
