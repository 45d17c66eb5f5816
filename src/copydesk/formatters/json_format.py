"""The JSON report, byte-stable: sorted findings, fixed key order, no timestamps."""

from __future__ import annotations

import json
from typing import Any

from copydesk.formatters import Formatter


class JsonFormatter(Formatter):
    name = "json"

    def format(self, report: dict[str, Any], options: dict[str, Any]) -> str:
        return json.dumps(report, ensure_ascii=False, indent=2) + "\n"
