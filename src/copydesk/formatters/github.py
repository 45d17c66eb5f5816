"""GitHub Actions workflow commands: one ``::warning file=...::message`` line per finding.

Escaping follows the runner's rules: in the message ``%``, CR and LF are percent-encoded; in
properties ``:`` and ``,`` are too. Severity ``info`` becomes ``::notice``.
"""

from __future__ import annotations

from typing import Any

from copydesk.formatters import Formatter

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def command(kind: str, message: str, **props: Any) -> str:
    params = ",".join(f"{k}={escape_property(str(v))}" for k, v in props.items() if v is not None)
    return f"::{kind} {params}::{escape_data(message)}" if params else f"::{kind}::{escape_data(message)}"


class GithubFormatter(Formatter):
    name = "github"

    def format(self, report: dict[str, Any], options: dict[str, Any]) -> str:
        lines = []
        for entry in report["files"]:
            for f in entry["findings"]:
                msg = f["message"]
                if f["suggestions"]:
                    msg += f" (suggest: {', '.join(f['suggestions'][:3])})"
                lines.append(command(
                    COMMANDS.get(f["severity"], "warning"), msg,
                    file=entry["path"], line=f["start"]["line"], col=f["start"]["column"],
                    endLine=f["end"]["line"], endColumn=f["end"]["column"],
                    title=f"copydesk {f['rule']}",
                ))
            for e in entry.get("errors", []):
                if e.get("type") == "check":  # input errors already appear as input.* findings
                    lines.append(command("error", e["message"], file=entry["path"], title="copydesk check failed"))
        return "\n".join(lines) + ("\n" if lines else "")
