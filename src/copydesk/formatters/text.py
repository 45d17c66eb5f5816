"""``path:line:col: severity rule-id message`` grouped by file, with a summary line."""

from __future__ import annotations

from typing import Any

from copydesk.formatters import Formatter

STYLES = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def _escape(s: str) -> str:
    from rich.markup import escape

    return escape(s)


class TextFormatter(Formatter):
    name = "text"

    def format(self, report: dict[str, Any], options: dict[str, Any]) -> str:
        color = options.get("color", False)
        lines: list[str] = []
        for entry in report["files"]:
            if not entry["findings"] and not entry["errors"]:
                continue
            lines.append(f"[bold underline]{_escape(entry['path'])}[/]" if color else entry["path"])
            for f in entry["findings"]:
                loc = f"{entry['path']}:{f['start']['line']}:{f['start']['column']}"
                msg = f["message"]
                if f["suggestions"]:
                    msg += f" (suggest: {', '.join(f['suggestions'][:3])})"
                if color:
                    sev = STYLES.get(f["severity"], "")
                    lines.append(f"  [dim]{_escape(loc)}:[/] [{sev}]{f['severity']}[/] [magenta]{f['rule']}[/] {_escape(msg)}")
                else:
                    lines.append(f"  {loc}: {f['severity']} {f['rule']} {msg}")
            for e in entry["errors"]:
                if e.get("type") == "check":
                    lines.append(f"  [red]{_escape(e['message'])}[/]" if color else f"  {e['message']}")
            lines.append("")
        s = report["summary"]
        sev = s["by_severity"]
        parts = [f"{sev.get(k, 0)} {k}{'s' if sev.get(k, 0) != 1 else ''}" for k in ("error", "warning", "info")]
        summary = (f"{s['findings']} finding{'s' if s['findings'] != 1 else ''} in {s['files']} "
                   f"file{'s' if s['files'] != 1 else ''} ({', '.join(parts)})")
        if s.get("errors"):
            summary += f"; {s['errors']} file or check error{'s' if s['errors'] != 1 else ''}"
        lines.append(f"[bold]{summary}[/]" if color else summary)
        return "\n".join(lines) + "\n"
