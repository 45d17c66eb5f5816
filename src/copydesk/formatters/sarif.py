"""SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

Columns and character offsets count Unicode code points (``columnKind: unicodeCodePoints``),
exactly as the JSON report does. Rule descriptions come from the check registry when the CLI
passes ``{"config": config}``; sub-rules of engines (``grammar.harper.X``) use their parent check's.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from copydesk.formatters import Formatter

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
FINGERPRINT_KEY = "copydesk/v1"


def rule_spec(config: Any, rule: str) -> Any:
    """The check spec for ``rule`` or, for an engine's sub-rule, its nearest registered parent."""
    specs = getattr(config, "specs", None) or {}
    parts = rule.split(".")
    while parts:
        spec = specs.get(".".join(parts))
        if spec is not None:
            return spec
        parts.pop()
    return None


def artifact_uri(path: str) -> tuple[str, bool]:
    """(uri, relative?) for a report path: relative paths stay relative (GitHub resolves them)."""
    p = path.replace("\\", "/")
    if p.startswith("/"):
        return "file://" + quote(p), False
    return quote(p), True


def _location(path: str, start: dict[str, int], end: dict[str, int], snippet: str | None = None) -> dict[str, Any]:
    uri, relative = artifact_uri(path)
    artifact: dict[str, Any] = {"uri": uri}
    if relative:
        artifact["uriBaseId"] = "%SRCROOT%"
    region: dict[str, Any] = {
        "startLine": start["line"],
        "startColumn": start["column"],
        "endLine": end["line"],
        "endColumn": end["column"],
        "charOffset": start["offset"],
        "charLength": max(0, end["offset"] - start["offset"]),
    }
    if snippet:
        region["snippet"] = {"text": snippet}
    return {"physicalLocation": {"artifactLocation": artifact, "region": region}}


def _rule_descriptor(rule: str, category: str, severity: str, spec: Any) -> dict[str, Any]:
    summary = (spec.summary if spec else "") or f"{category} finding ({rule})"
    doc = (spec.doc if spec else "") or summary
    desc: dict[str, Any] = {
        "id": rule,
        "name": "".join(w.capitalize() for w in rule.replace("-", ".").replace("_", ".").split(".")),
        "shortDescription": {"text": summary},
        "fullDescription": {"text": doc},
        "help": {"text": doc, "markdown": doc},
        "defaultConfiguration": {"level": LEVELS.get(spec.severity if spec else severity, "warning")},
        "properties": {"category": category, "tags": [category]},
    }
    if spec is not None and spec.id != rule:
        desc["properties"]["engine"] = spec.id
    return desc


class SarifFormatter(Formatter):
    name = "sarif"

    def format(self, report: dict[str, Any], options: dict[str, Any]) -> str:
        report = dict(report, files=list(report["files"]))  # read several times: entries made once
        config = options.get("config")
        rules: dict[str, dict[str, Any]] = {}
        results: list[dict[str, Any]] = []
        for entry in report["files"]:
            for f in entry["findings"]:
                rule = f["rule"]
                if rule not in rules:
                    rules[rule] = _rule_descriptor(rule, f["category"], f["severity"], rule_spec(config, rule))
                message = f["message"]
                if f["suggestions"]:
                    message += " (suggest: " + ", ".join(f["suggestions"][:5]) + ")"
                result: dict[str, Any] = {
                    "ruleId": rule,
                    "level": LEVELS.get(f["severity"], "warning"),
                    "message": {"text": message},
                    "locations": [_location(entry["path"], f["start"], f["end"], f["text"] or None)],
                    "partialFingerprints": {FINGERPRINT_KEY: f["fingerprint"]},
                    "properties": {"category": f["category"], "severity": f["severity"]},
                }
                if f.get("score") is not None:
                    result["properties"]["score"] = f["score"]
                if f["suggestions"]:
                    result["properties"]["suggestions"] = list(f["suggestions"])
                if f.get("related"):
                    result["relatedLocations"] = [
                        {"id": i, **_location(r["path"], r["start"], r["end"]), "message": {"text": "same passage"}}
                        for i, r in enumerate(f["related"], 1)
                    ]
                results.append(result)
        order = sorted(rules)
        index = {r: i for i, r in enumerate(order)}
        for res in results:
            res["ruleIndex"] = index[res["ruleId"]]
        notifications = [
            {"level": "error", "message": {"text": e["message"]},
             **({"descriptor": {"id": e["check"]}} if e.get("check") else {}),
             "locations": [_location(entry["path"], {"line": 1, "column": 1, "offset": 0},
                                     {"line": 1, "column": 1, "offset": 0})]}
            for entry in report["files"] for e in entry.get("errors", [])
        ]
        invocation: dict[str, Any] = {"executionSuccessful": not notifications}
        if notifications:
            invocation["toolExecutionNotifications"] = notifications
        sarif = {
            "$schema": SCHEMA_URI,
            "version": "2.1.0",
            "runs": [{
                "tool": {"driver": {
                    "name": report["tool"]["name"],
                    "version": report["tool"]["version"],
                    "semanticVersion": report["tool"]["version"],
                    "rules": [rules[r] for r in order],
                }},
                "invocations": [invocation],
                "columnKind": "unicodeCodePoints",
                "results": results,
            }],
        }
        return json.dumps(sarif, ensure_ascii=False, indent=2) + "\n"
