"""A Markdown summary for pull-request comments and ``$GITHUB_STEP_SUMMARY``.

Counts by category and severity, then a table of findings capped at ``max_rows`` (option,
default 50) with a note of how many more. Cell text is escaped so document content cannot
inject Markdown or HTML.
"""

from __future__ import annotations

import html
import re
from typing import Any

from copydesk.findings import CATEGORIES, SEVERITIES
from copydesk.formatters import Formatter

MAX_ROWS = 50
_MD_SPECIAL = re.compile(r"([\\`*_\[\]{}|#~!])")
ICONS = {"error": "🔴", "warning": "🟡", "info": "🔵"}


def cell(text: str, limit: int = 160) -> str:
    """One table cell: single line, Markdown and HTML neutralised, at most ``limit`` characters."""
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


class MarkdownFormatter(Formatter):
    name = "markdown"

    def format(self, report: dict[str, Any], options: dict[str, Any]) -> str:
        report = dict(report, files=list(report["files"]))  # read several times: entries made once
        s = report["summary"]
        max_rows = int(options.get("max_rows", MAX_ROWS))
        out = ["## copydesk report", ""]
        n, nf = s["findings"], s["files"]
        line = f"**{n}** finding{'s' if n != 1 else ''} in **{nf}** file{'s' if nf != 1 else ''}"
        if s.get("errors"):
            line += f"; **{s['errors']}** file or check error{'s' if s['errors'] != 1 else ''}"
        out += [line, ""]
        if n:
            counts: dict[str, dict[str, int]] = {}
            for entry in report["files"]:
                for f in entry["findings"]:
                    row = counts.setdefault(f["category"], {})
                    row[f["severity"]] = row.get(f["severity"], 0) + 1
            order = [c for c in CATEGORIES if c in counts] + sorted(c for c in counts if c not in CATEGORIES)
            out.append("| Category | " + " | ".join(f"{ICONS[v]} {v}" for v in SEVERITIES) + " | Total |")
            out.append("|---|" + "---:|" * (len(SEVERITIES) + 1))
            for cat in order:
                row = counts[cat]
                out.append(f"| {cell(cat)} | " + " | ".join(str(row.get(v, 0)) for v in SEVERITIES)
                           + f" | {sum(row.values())} |")
            by_sev = s["by_severity"]
            out.append("| **Total** | " + " | ".join(f"**{by_sev.get(v, 0)}**" for v in SEVERITIES) + f" | **{n}** |")
            out.append("")
            rank = {v: i for i, v in enumerate(SEVERITIES)}
            rows = sorted(
                ((entry["path"], f) for entry in report["files"] for f in entry["findings"]),
                key=lambda pf: (rank.get(pf[1]["severity"], 9), pf[0], pf[1]["start"]["offset"]),
            )
            out.append("| Severity | Location | Rule | Message |")
            out.append("|---|---|---|---|")
            for path, f in rows[:max_rows]:
                msg = f["message"]
                if f["suggestions"]:
                    msg += f" (suggest: {', '.join(f['suggestions'][:3])})"
                loc = f"{path}:{f['start']['line']}:{f['start']['column']}"
                out.append(f"| {ICONS.get(f['severity'], '')} {f['severity']} | {cell(loc, 200)} | "
                           f"{cell(f['rule'])} | {cell(msg, 300)} |")
            if len(rows) > max_rows:
                more = len(rows) - max_rows
                out += ["", f"_…and {more} more finding{'s' if more != 1 else ''} not shown; "
                        "see the full report (`--format html` or `--format json`)._"]
        errors = [e for entry in report["files"] for e in entry.get("errors", [])]
        if errors:
            out += ["", "### Errors", ""] + [f"- {cell(e['message'], 400)}" for e in errors[:max_rows]]
        return "\n".join(out) + "\n"
