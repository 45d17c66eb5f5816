"""Report formats checked against their consumers' rules: SARIF schema, GitHub workflow-command
escaping, JUnit structure, GitLab Code Quality fields, Markdown tables."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from conftest import CONTENT, ROOT, SHARED, write
from copydesk.formatters import FORMATTERS, get_formatter

# Fast checks only: the formats are what is tested here, not the detectors.
SELECT = "readability,unsupported-claim,boilerplate"


@pytest.fixture(scope="module")
def content_run(tmp_path_factory) -> tuple[dict[str, Any], Any]:
    """(JSON report, config) for content/, produced the way the CLI produces them."""
    import os

    from copydesk.cli import _load_config, build_parser, main

    tmp = tmp_path_factory.mktemp("formats")
    out = tmp / "report.json"
    old, old_cache = os.getcwd(), os.environ.get("COPYDESK_CACHE_DIR")
    os.chdir(ROOT)
    os.environ["COPYDESK_CACHE_DIR"] = str(tmp / "cache")
    try:
        code = main(["check", "content", "--select", SELECT, "--format", "json", "--output", str(out),
                     "--fail-on", "never"])
        config = _load_config(build_parser().parse_args(["check", "content"]))
    finally:
        os.environ.pop("COPYDESK_CACHE_DIR", None)
        if old_cache is not None:
            os.environ["COPYDESK_CACHE_DIR"] = old_cache
        os.chdir(old)
    assert code == 0 and out.exists()
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["summary"]["findings"] > 0
    return report, config


def render(name: str, report: dict[str, Any], **options: Any) -> str:
    return get_formatter(name).format(report, options)


def _finding(rule: str, message: str, line: int = 1, col: int = 1, offset: int = 0, length: int = 3,
             category: str = "grammar", severity: str = "warning", fp: str = "abc", **extra: Any) -> dict[str, Any]:
    return {"rule": rule, "category": category, "severity": severity, "message": message,
            "start": {"offset": offset, "line": line, "column": col},
            "end": {"offset": offset + length, "line": line, "column": col + length},
            "text": "x" * length, "score": None, "suggestions": extra.get("suggestions", []),
            "fingerprint": fp, "related": extra.get("related", [])}


def tiny_report(findings: list[dict[str, Any]], path: str = "docs/a.md", errors: list | None = None) -> dict[str, Any]:
    sev: dict[str, int] = {}
    cat: dict[str, int] = {}
    for f in findings:
        sev[f["severity"]] = sev.get(f["severity"], 0) + 1
        cat[f["category"]] = cat.get(f["category"], 0) + 1
    return {"version": 1, "tool": {"name": "copydesk", "version": "0.1.0"},
            "files": [{"path": path, "format": "markdown", "stats": {}, "findings": findings, "errors": errors or []}],
            "summary": {"files": 1, "findings": len(findings), "by_severity": sev, "by_category": cat,
                        "errors": len(errors or [])}}


def test_all_formats_registered():
    for name in ("text", "json", "sarif", "github", "junit", "gitlab", "markdown", "html"):
        assert name in FORMATTERS
        assert get_formatter(name).name == name


# --- SARIF -----------------------------------------------------------------------------------

def test_sarif_validates_against_oasis_schema(content_run):
    import jsonschema

    schema_file = SHARED / "schemas" / "sarif-schema-2.1.0.json"
    if not schema_file.is_file():
        pytest.skip("../shared/schemas/sarif-schema-2.1.0.json is absent")
    report, config = content_run
    sarif = json.loads(render("sarif", report, config=config))
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    validator = jsonschema.validators.validator_for(schema)(schema)
    errors = sorted(validator.iter_errors(sarif), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])
    run = sarif["runs"][0]
    assert len(run["results"]) == report["summary"]["findings"]


def test_sarif_with_errors_and_empty_regions_is_valid(shared):
    import jsonschema

    schema = json.loads((shared / "schemas" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    f = _finding("input.unreadable", "docs/a.md: not valid UTF-8", category="input", severity="error", length=0)
    report = tiny_report([f], errors=[{"type": "input", "message": "docs/a.md: not valid UTF-8"},
                                      {"type": "check", "check": "x.y", "message": "check x.y failed"}])
    sarif = json.loads(render("sarif", report))
    jsonschema.validate(sarif, schema)
    inv = sarif["runs"][0]["invocations"][0]
    assert inv["executionSuccessful"] is False and len(inv["toolExecutionNotifications"]) == 2
    region = sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]
    assert region["charLength"] == 0 and region["startColumn"] == region["endColumn"] == 1


def test_sarif_regions_point_at_the_flagged_text(content_run):
    report, config = content_run
    run = json.loads(render("sarif", report, config=config))["runs"][0]
    assert run["columnKind"] == "unicodeCodePoints"
    rules = run["tool"]["driver"]["rules"]
    texts = {p.relative_to(ROOT).as_posix(): p.read_text(encoding="utf-8") for p in CONTENT.iterdir()}
    for res in run["results"]:
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"]
        assert res["partialFingerprints"]["copydesk/v1"]
        loc = res["locations"][0]["physicalLocation"]
        text = texts[loc["artifactLocation"]["uri"]]
        region = loc["region"]
        start, length = region["charOffset"], region["charLength"]
        lines = text.split("\n")
        line_start = sum(len(line) + 1 for line in lines[: region["startLine"] - 1])
        assert line_start + region["startColumn"] - 1 == start
        line_end = sum(len(line) + 1 for line in lines[: region["endLine"] - 1])
        assert line_end + region["endColumn"] - 1 == start + length
        if length:
            assert region["snippet"]["text"] == text[start:start + length]
    for rule in rules:
        assert rule["shortDescription"]["text"] and rule["help"]["text"]
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")


def test_sarif_sub_rules_use_the_parent_checks_description(content_run):
    _, config = content_run
    parent = next(iter(config.specs))
    sarif = json.loads(render("sarif", tiny_report([_finding(f"{parent}.SomeEngineRule", "msg")]), config=config))
    rule = sarif["runs"][0]["tool"]["driver"]["rules"][0]
    assert rule["id"] == f"{parent}.SomeEngineRule"
    assert rule["shortDescription"]["text"] == config.specs[parent].summary
    assert rule["properties"]["engine"] == parent


def test_sarif_levels_related_locations_and_uris():
    rel = [{"path": "docs/b c.md", "start": {"offset": 5, "line": 2, "column": 1},
            "end": {"offset": 9, "line": 2, "column": 5}}]
    report = tiny_report([_finding("r.a", "m", severity="info", related=rel, suggestions=["y"]),
                          _finding("r.b", "m", severity="error", fp="d")], path="/abs/päth.md")
    run = json.loads(render("sarif", report))["runs"][0]
    levels = [r["level"] for r in run["results"]]
    assert levels == ["note", "error"]
    loc = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert loc["uri"] == "file:///abs/p%C3%A4th.md" and "uriBaseId" not in loc
    related = run["results"][0]["relatedLocations"][0]["physicalLocation"]["artifactLocation"]
    assert related == {"uri": "docs/b%20c.md", "uriBaseId": "%SRCROOT%"}
    assert "suggest: y" in run["results"][0]["message"]["text"]


# --- GitHub ----------------------------------------------------------------------------------

_CMD = re.compile(r"^::(error|warning|notice) ([^:]*)::(.*)$")


def _unescape(s: str) -> str:
    return s.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":").replace("%2C", ",").replace("%25", "%")


def test_github_commands_escape_message_and_properties():
    nasty = "50% of\r\nlines: a, b ::error::x"
    report = tiny_report([_finding("r.a", nasty, line=3, col=4)], path="d,ir/a:b%.md")
    (line,) = render("github", report).splitlines()
    m = _CMD.match(line)
    assert m and m.group(1) == "warning"
    props = dict(p.split("=", 1) for p in m.group(2).split(","))
    assert _unescape(props["file"]) == "d,ir/a:b%.md"
    assert (props["line"], props["col"], props["endLine"], props["endColumn"]) == ("3", "4", "3", "7")
    assert _unescape(props["title"]) == "copydesk r.a"
    assert "\n" not in m.group(3) and "\r" not in m.group(3)
    assert _unescape(m.group(3)) == nasty


def test_github_one_command_per_finding(content_run):
    report, _ = content_run
    lines = render("github", report).splitlines()
    assert len(lines) == report["summary"]["findings"]
    assert all(_CMD.match(line) for line in lines)
    sev = {"warning": "warning", "error": "error", "info": "notice"}
    expected = [sev[f["severity"]] for e in report["files"] for f in e["findings"]]
    assert [_CMD.match(line).group(1) for line in lines] == expected


# --- JUnit -----------------------------------------------------------------------------------

def test_junit_one_testcase_per_file_one_failure_per_finding(content_run):
    report, _ = content_run
    root = ET.fromstring(render("junit", report).encode("utf-8"))
    assert root.tag == "testsuites"
    suite = root.find("testsuite")
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases] == [e["path"] for e in report["files"]]
    for case, entry in zip(cases, report["files"]):
        failures = case.findall("failure")
        assert len(failures) == len(entry["findings"])
        assert [f.get("type") for f in failures] == [f["rule"] for f in entry["findings"]]
    assert int(suite.get("failures")) == report["summary"]["findings"]
    assert int(suite.get("tests")) == len(cases)


def test_junit_survives_control_characters_and_reports_errors():
    report = tiny_report([_finding("r.a", "bad \x0b char <&>")],
                         errors=[{"type": "check", "check": "r.b", "message": "check r.b failed"}])
    xml = render("junit", report)
    root = ET.fromstring(xml.encode("utf-8"))
    case = root.find("testsuite/testcase")
    assert case.find("failure").get("message") == "r.a: bad \ufffd char <&>"
    assert case.find("error").get("type") == "r.b"
    assert root.get("errors") == "1"


# --- GitLab ----------------------------------------------------------------------------------

# GitLab's documented Code Quality report fields (docs.gitlab.com, "Code Quality report format").
GITLAB_SCHEMA = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["description", "check_name", "fingerprint", "severity", "location"],
        "properties": {
            "description": {"type": "string", "minLength": 1},
            "check_name": {"type": "string", "minLength": 1},
            "fingerprint": {"type": "string", "minLength": 1},
            "severity": {"enum": ["info", "minor", "major", "critical", "blocker"]},
            "location": {
                "type": "object",
                "required": ["path", "lines"],
                "properties": {
                    "path": {"type": "string", "minLength": 1},
                    "lines": {"type": "object", "required": ["begin"],
                              "properties": {"begin": {"type": "integer", "minimum": 1}}},
                },
            },
        },
    },
}


def test_gitlab_code_quality_fields(content_run):
    import jsonschema

    report, _ = content_run
    issues = json.loads(render("gitlab", report))
    jsonschema.validate(issues, GITLAB_SCHEMA)
    assert len(issues) == report["summary"]["findings"]
    assert len({i["fingerprint"] for i in issues}) == len(issues)
    flat = [(e["path"], f) for e in report["files"] for f in e["findings"]]
    for issue, (path, f) in zip(issues, flat):
        assert issue["location"] == {"path": path, "lines": {"begin": f["start"]["line"], "end": f["end"]["line"]}}
        assert issue["check_name"] == f["rule"]


def test_gitlab_severity_mapping_and_cross_file_fingerprints():
    base = tiny_report([_finding("r.a", "m", severity=s, fp=f"fp{s}") for s in ("info", "warning", "error")]
                       + [_finding("input.unreadable", "m", severity="error", category="input", fp="x")])
    assert [i["severity"] for i in json.loads(render("gitlab", base))] == ["info", "minor", "major", "critical"]
    two = tiny_report([_finding("r.a", "m", fp="same")])
    two["files"].append({**two["files"][0], "path": "docs/b.md"})
    fps = [i["fingerprint"] for i in json.loads(render("gitlab", two))]
    assert len(set(fps)) == 2


# --- Markdown --------------------------------------------------------------------------------

def test_markdown_counts_then_capped_table(content_run):
    report, _ = content_run
    md = render("markdown", report, max_rows=5)
    n = report["summary"]["findings"]
    assert f"**{n}** finding" in md
    for cat, count in report["summary"]["by_category"].items():
        row = next(line for line in md.splitlines() if line.startswith(f"| {cat} |"))
        assert row.rstrip().endswith(f"| {count} |")
    table = [line for line in md.splitlines() if line.startswith("| ") and ":" in line.split("|")[2]]
    assert len(table) == 5
    assert f"and {n - 5} more findings not shown" in md


def test_markdown_cells_cannot_inject_markup():
    msg = "a | b <script>alert(1)</script> [x](http://e) `c`\nnext"
    md = render("markdown", tiny_report([_finding("r.a", msg)]))
    row = md.splitlines()[-1]
    assert row.count(" | ") == 3  # the message's pipe is escaped, the table keeps four columns
    assert "<script>" not in md and "&lt;script&gt;" in md
    assert "\\[x\\]" in row and "\\`c\\`" in row


def test_markdown_without_findings():
    md = render("markdown", tiny_report([]))
    assert "**0** findings" in md and "| Severity |" not in md


# --- every format through the CLI --------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["sarif", "github", "junit", "gitlab", "markdown", "html"])
def test_cli_writes_each_format(project: Path, run_cli, fmt):
    long = " ".join(["word"] * 60) + "."
    write(project / "docs" / "a.md", f"# Title\n\nShort one.\n\n{long}\n")
    out = project / f"report.{fmt}"
    code, stdout, _ = run_cli("check", "docs", "--select", "readability.sentence-length", "--format", fmt,
                              "--output", str(out), "--fail-on", "warning")
    assert code == 1 and stdout == ""
    text = out.read_text(encoding="utf-8")
    assert "docs/a.md" in text or "docs/a.md" in json.dumps(text)
    code, stdout, _ = run_cli("check", "docs", "--select", "readability.sentence-length", "--format", fmt)
    assert stdout == text
