"""GitLab Code Quality JSON (a subset of the Code Climate issue format).

Severity: info -> info, warning -> minor, error -> major; unreadable or missing inputs -> critical.
Fingerprints combine the path with the finding's stable fingerprint, so they are unique per report.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from copydesk.formatters import Formatter

SEVERITIES = {"info": "info", "warning": "minor", "error": "major"}
CATEGORIES = {"readability": "Clarity", "style": "Style", "boilerplate": "Duplication"}


class GitlabFormatter(Formatter):
    name = "gitlab"

    def format(self, report: dict[str, Any], options: dict[str, Any]) -> str:
        issues = []
        for entry in report["files"]:
            for f in entry["findings"]:
                severity = ("critical" if f["category"] == "input" and f["severity"] == "error"
                            else SEVERITIES.get(f["severity"], "minor"))
                fp = hashlib.sha1(f"{entry['path']}\0{f['fingerprint']}".encode("utf-8")).hexdigest()
                description = f["message"]
                if f["suggestions"]:
                    description += f" (suggest: {', '.join(f['suggestions'][:3])})"
                issues.append({
                    "type": "issue",
                    "description": description,
                    "check_name": f["rule"],
                    "fingerprint": fp,
                    "severity": severity,
                    "categories": [CATEGORIES.get(f["category"], "Style")],
                    "location": {
                        "path": entry["path"],
                        "lines": {"begin": f["start"]["line"], "end": f["end"]["line"]},
                    },
                })
        return json.dumps(issues, ensure_ascii=False, indent=2) + "\n"
