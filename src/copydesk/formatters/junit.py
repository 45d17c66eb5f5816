"""JUnit XML: one testsuite, one testcase per file, one ``<failure>`` per finding.

Check failures and unreadable files become ``<error>`` elements. Characters XML 1.0 cannot
carry (control characters) are replaced with U+FFFD.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

from copydesk.formatters import Formatter

_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def clean(text: str) -> str:
    return _INVALID_XML.sub("\ufffd", text)


class JunitFormatter(Formatter):
    name = "junit"

    def format(self, report: dict[str, Any], options: dict[str, Any]) -> str:
        suites = ET.Element("testsuites", name="copydesk")
        suite = ET.SubElement(suites, "testsuite", name="copydesk")
        tests = failures = errors = 0
        for entry in report["files"]:
            tests += 1
            path = clean(entry["path"])
            case = ET.SubElement(suite, "testcase", classname="copydesk", name=path, file=path)
            for f in entry["findings"]:
                if f["category"] == "input" and f["severity"] == "error" and entry.get("errors"):
                    continue  # reported below as an <error> (notes of work left undone are kept)
                failures += 1
                loc = f"{entry['path']}:{f['start']['line']}:{f['start']['column']}"
                body = [f"{loc}: {f['severity']} {f['rule']} {f['message']}"]
                if f["text"]:
                    body.append(f"  text: {f['text'][:300]}")
                if f["suggestions"]:
                    body.append(f"  suggest: {', '.join(f['suggestions'][:5])}")
                fail = ET.SubElement(case, "failure", message=clean(f"{f['rule']}: {f['message']}"),
                                     type=clean(f["rule"]))
                fail.text = clean("\n".join(body))
            for e in entry.get("errors", []):
                errors += 1
                err = ET.SubElement(case, "error", message=clean(e["message"]),
                                    type=clean(e.get("check") or "input"))
                err.text = clean(e.get("trace") or e["message"])
        for el in (suites, suite):
            el.set("tests", str(tests))
            el.set("failures", str(failures))
            el.set("errors", str(errors))
        ET.indent(suites)
        return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
