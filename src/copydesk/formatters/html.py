"""The editor's report: one self-contained HTML file (inline CSS and JS, no network).

A corpus overview (counts by category and severity, the documents with most to fix,
boilerplate clusters) and then each document's text with every finding highlighted in place
(``data-finding="<fingerprint>"`` on each highlighted span; overlapping findings nest), its
message and suggestions beside the paragraph, a small readability chart, and links between
duplicate locations. Readable without JavaScript; the script only adds category/severity filters.
All text goes through Jinja2 autoescaping or :func:`markupsafe.escape`; a Content-Security-Policy
allows only the report's own script (by hash), so nothing in a document can run.

Options: ``texts`` ({path: decoded text}, see :func:`document_texts`; without it the text is
read from disk when it still matches), ``config`` (rule summaries and the readability target).
"""

from __future__ import annotations

import base64
import bisect
import hashlib
import os
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Iterable

from markupsafe import Markup, escape

from copydesk.clusters import components
from copydesk.findings import CATEGORIES, SEVERITIES
from copydesk.formatters import Formatter
from copydesk.formatters.sarif import rule_spec

SEVERITY_WEIGHT = {"error": 10, "warning": 3, "info": 1}
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
MAX_CLUSTERS = 30
MAX_WORST = 10


def document_texts(results: Iterable[Any]) -> dict[str, str]:
    """{path: text} for FileResults: the parsed document's text, else the file re-read from disk."""
    from copydesk.inputs import InputError, InputFile, read

    out: dict[str, str] = {}
    for r in results:
        doc = getattr(r, "document", None)
        if doc is not None:
            out[r.path] = doc.text
        elif r.format is not None and os.path.isfile(r.path):
            try:
                out[r.path] = read(InputFile(r.path, r.path))
            except InputError:
                pass
    return out


@lru_cache(maxsize=1)
def _environment() -> Any:
    from jinja2 import Environment, PackageLoader, StrictUndefined

    return Environment(loader=PackageLoader("copydesk", "templates"), autoescape=True,
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def _asset(name: str) -> str:
    return (resources.files("copydesk") / "templates" / name).read_text(encoding="utf-8")


@dataclass
class _Mark:
    start: int
    end: int
    fingerprint: str
    category: str
    severity: str
    title: str
    span_id: str
    note_id: str


def _href(anchors: dict[str, str], path: str, start: int, end: int) -> str | None:
    doc = anchors.get(path)
    return f"#{doc}-loc-{start}-{end}" if doc else None


def _open(m: _Mark, with_id: bool) -> str:
    point = " point" if m.start == m.end else ""
    ident = f' id="{escape(m.span_id)}"' if with_id else ""
    return (f'<span class="hl c-{escape(m.category)} s-{escape(m.severity)}{point}"{ident} '
            f'data-finding="{escape(m.fingerprint)}" data-category="{escape(m.category)}" '
            f'data-severity="{escape(m.severity)}" title="{escape(m.title)}">')


def highlight(text: str, lo: int, hi: int, marks: list[_Mark], anchors: dict[int, list[str]],
              seen: set[str]) -> Markup:
    """``text[lo:hi]`` escaped, every mark overlapping it wrapped in nested spans (one per mark).

    Overlapping marks are split at every boundary; within a piece, longer marks are outside.
    ``anchors`` maps offsets to ids of empty anchor spans; ``seen`` records marks that already
    carry their ``id`` (the first piece of each mark has it).
    """
    inside = [m for m in marks if m.start < hi and m.end > lo and m.start != m.end]
    points = sorted({lo, hi} | {max(lo, min(hi, p)) for m in inside for p in (m.start, m.end)}
                    | {p for p in anchors if lo <= p <= hi}
                    | {m.start for m in marks if m.start == m.end and lo <= m.start <= hi})
    at: dict[int, list[_Mark]] = {}
    for m in marks:
        if m.start == m.end and lo <= m.start <= hi:
            at.setdefault(m.start, []).append(m)
    out: list[str] = []
    for a, b in zip(points, points[1:] + [None]):
        for ident in anchors.get(a, ()):
            out.append(f'<span class="anchor" id="{escape(ident)}"></span>')
        for m in at.get(a, ()):
            if m.fingerprint not in seen:
                seen.add(m.fingerprint)
                out.append(_open(m, True) + "</span>")
        if b is None or a == b:
            continue
        active = sorted((m for m in inside if m.start <= a and m.end >= b), key=lambda m: (m.start, -m.end))
        for m in active:
            out.append(_open(m, m.fingerprint not in seen))
            seen.add(m.fingerprint)
        out.append(str(escape(text[a:b])))
        out.append("</span>" * len(active))
    return Markup("".join(out))


def paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each paragraph: text between blank lines, trailing whitespace excluded."""
    spans = []
    pos = 0
    for m in _PARAGRAPH_BREAK.finditer(text):
        if m.start() > pos:
            spans.append((pos, m.start()))
        pos = m.end()
    if pos < len(text) or not spans:
        end = len(text.rstrip())
        spans.append((pos, max(pos, end)))
    return spans


def _chart(stats: dict[str, Any], target: float | None, doc_anchor: str) -> Markup | None:
    """A small horizontal bar chart of grade per section (``stats.sections``), else per formula."""
    sections = stats.get("sections") or []
    rows: list[tuple[str, float, str | None]] = []
    if sections:
        title = "Readability by section (Flesch-Kincaid grade)"
        for i, s in enumerate(sections, 1):
            g = s.get("grade")
            if g is None:
                continue
            label = s.get("heading") or ("opening section" if i == 1 else f"section {i}")
            href = f"#{doc_anchor}-loc-{s['start']}-{s['end']}" if "start" in s and "end" in s else None
            rows.append((str(label), float(g), href))
    else:
        r = stats.get("readability") or {}
        title = "Readability of the whole document (grade level by formula)"
        for key, label in (("flesch_kincaid_grade", "Flesch-Kincaid"), ("gunning_fog", "Gunning fog"),
                           ("smog_index", "SMOG"), ("coleman_liau_index", "Coleman-Liau"),
                           ("automated_readability_index", "ARI")):
            if key in r:
                rows.append((label, float(r[key]), None))
    if not rows:
        return None
    label_w, bar_w, row_h = 230, 300, 18
    top = max([20.0, (target or 0) + 4] + [g for _, g, _ in rows])
    height = row_h * len(rows) + 22
    x = lambda g: label_w + max(0.0, min(g, top)) / top * bar_w  # noqa: E731
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{label_w + bar_w + 60}" '
             f'height="{height}" viewBox="0 0 {label_w + bar_w + 60} {height}" font-size="12" '
             f'font-family="system-ui,sans-serif"><title>{escape(title)}</title>']
    for i, (label, g, href) in enumerate(rows):
        y = 4 + i * row_h
        colour = "#2b8a3e" if target is None or g <= target else ("#e67700" if g <= target + 3 else "#c92a2a")
        short = label if len(label) <= 34 else label[:33] + "…"
        text = f'<text x="{label_w - 6}" y="{y + 12}" text-anchor="end">{escape(short)}</text>'
        if href:
            text = f'<a href="{escape(href)}">{text}</a>'
        parts.append(text)
        parts.append(f'<rect x="{label_w}" y="{y + 2}" width="{x(g) - label_w:.1f}" height="{row_h - 6}" '
                     f'fill="{colour}"><title>{escape(label)}: grade {g:.1f}</title></rect>')
        parts.append(f'<text x="{x(g) + 4:.1f}" y="{y + 12}">{g:.1f}</text>')
    base = 4 + len(rows) * row_h
    if target is not None:
        tx = x(target)
        parts.append(f'<line x1="{tx:.1f}" y1="2" x2="{tx:.1f}" y2="{base}" stroke="#333" stroke-dasharray="3,3"/>')
        parts.append(f'<text x="{tx:.1f}" y="{base + 14}" text-anchor="middle">target {target:g}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _clusters(report: dict[str, Any], anchors: dict[str, str]) -> list[dict[str, Any]]:
    """Boilerplate findings joined with their related locations into clusters (union-find)."""
    sample: dict[tuple, str] = {}  # every boilerplate finding's location -> its text
    pairs: list[tuple[tuple, tuple]] = []
    for entry in report["files"]:
        for f in entry["findings"]:
            if f["category"] != "boilerplate":
                continue
            k = (entry["path"], f["start"]["offset"], f["end"]["offset"], f["start"]["line"], f["start"]["column"])
            sample.setdefault(k, f["text"])
            for r in f.get("related", []):
                rk = (r["path"], r["start"]["offset"], r["end"]["offset"], r["start"]["line"], r["start"]["column"])
                pairs.append((rk, k))
    groups = components(sample, pairs)
    out = []
    for members in groups:
        members.sort()
        text = next((sample[m] for m in members if sample.get(m)), "")
        text = " ".join(text.split())
        out.append({
            "text": text if len(text) <= 160 else text[:159] + "…",
            "locations": [{"label": f"{p}:{line}:{col}", "href": _href(anchors, p, s, e)}
                          for p, s, e, line, col in members],
        })
    out.sort(key=lambda c: (-len(c["locations"]), c["locations"][0]["label"]))
    return out[:MAX_CLUSTERS]


class HtmlFormatter(Formatter):
    name = "html"

    def format(self, report: dict[str, Any], options: dict[str, Any]) -> str:
        report = dict(report, files=list(report["files"]))  # read several times: entries made once
        config = options.get("config")
        texts: dict[str, str] = options.get("texts") or {}
        target = None
        if config is not None:
            from copydesk.readability import target_grade

            target = target_grade(getattr(config, "settings", {}).get("audience"))
        anchors = {entry["path"]: f"doc-{i}" for i, entry in enumerate(report["files"], 1)}
        # offsets that related locations and chart bars point at, per document: they get anchor spans
        targets: dict[str, dict[int, list[str]]] = {}

        def target_at(path: str, start: int, end: int) -> None:
            ident = f"{anchors[path]}-loc-{start}-{end}"
            bucket = targets.setdefault(path, {}).setdefault(start, [])
            if ident not in bucket:
                bucket.append(ident)

        for entry in report["files"]:
            for f in entry["findings"]:
                for r in f.get("related", []):
                    if r["path"] in anchors:
                        target_at(r["path"], r["start"]["offset"], r["end"]["offset"])
            for sec in (entry.get("stats") or {}).get("sections") or []:
                if "start" in sec and "end" in sec:
                    target_at(entry["path"], sec["start"], sec["end"])

        documents = []
        by_cat: dict[str, Counter[str]] = {}
        for entry in report["files"]:
            anchor = anchors[entry["path"]]
            doc_targets = targets.get(entry["path"], {})
            for f in entry["findings"]:
                by_cat.setdefault(f["category"], Counter())[f["severity"]] += 1
            documents.append(self._document(entry, anchor, texts.get(entry["path"]), doc_targets,
                                            anchors, config, target))

        categories = [c for c in CATEGORIES if c in by_cat] + sorted(c for c in by_cat if c not in CATEGORIES)
        most = max((sum(by_cat[c].values()) for c in categories), default=1)
        cat_rows = [{"name": c, "by_severity": dict(by_cat[c]), "total": sum(by_cat[c].values()),
                     "width": max(2, round(160 * sum(by_cat[c].values()) / most))} for c in categories]
        worst = sorted((d for d in documents if d["total"]), key=lambda d: (-d["weight"], d["path"]))[:MAX_WORST]
        script = _asset("report.js")
        script_hash = "sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
        html = _environment().get_template("report.html.j2").render(
            tool=report["tool"], summary=report["summary"], severities=list(SEVERITIES),
            categories=cat_rows, worst=worst, clusters=_clusters(report, anchors), documents=documents,
            target=target, css=Markup(_asset("report.css")), script=Markup(script), script_hash=script_hash,
        )
        return html if html.endswith("\n") else html + "\n"

    def _document(self, entry: dict[str, Any], anchor: str, text: str | None, doc_targets: dict[int, list[str]],
                  anchors: dict[str, str], config: Any, target: float | None) -> dict[str, Any]:
        findings = entry["findings"]
        if text is not None and any(f["end"]["offset"] > len(text) or
                                    text[f["start"]["offset"]:f["end"]["offset"]] != f["text"] for f in findings):
            text = None  # the file changed since it was linted: list the findings without the text
        notes, marks = [], []
        for k, f in enumerate(findings):
            spec = rule_spec(config, f["rule"])
            span_id = f"{anchor}-f{k}"
            note_id = f"{anchor}-n{k}"
            title = f"{f['rule']}: {f['message']}"
            marks.append(_Mark(f["start"]["offset"], f["end"]["offset"], f["fingerprint"], f["category"],
                               f["severity"], title, span_id, note_id))
            notes.append({
                "fingerprint": f["fingerprint"], "category": f["category"], "severity": f["severity"],
                "rule": f["rule"], "summary": spec.summary if spec else "", "message": f["message"],
                "suggestions": f["suggestions"][:5], "line": f["start"]["line"], "column": f["start"]["column"],
                "span_id": span_id if text is not None else note_id, "note_id": note_id,
                "offset": f["start"]["offset"],
                "related": [{"label": f"{r['path']}:{r['start']['line']}:{r['start']['column']}",
                             "href": _href(anchors, r["path"], r["start"]["offset"], r["end"]["offset"])}
                            for r in f.get("related", [])],
            })
        rows = []
        if text is not None:
            seen: set[str] = set()
            paras = paragraphs(text)
            starts = [a for a, _ in paras]
            by_para: dict[int, list[dict[str, Any]]] = {}
            for n in notes:
                i = max(0, bisect.bisect_right(starts, n["offset"]) - 1)
                by_para.setdefault(i, []).append(n)
            for i, (a, b) in enumerate(paras):
                # a paragraph owns the blank lines after it (the first also those before it); findings
                # and anchors lying wholly in that whitespace show as points at the paragraph's edge
                lo, hi = (0 if i == 0 else a), (paras[i + 1][0] if i + 1 < len(paras) else len(text) + 1)
                local_marks = [_clamp(m, a, b) if lo <= m.start and m.end <= hi
                               and (m.start == m.end or m.end <= a or m.start >= b) else m for m in marks]
                local_anchors: dict[int, list[str]] = {}
                for p, ids in doc_targets.items():
                    if lo <= p < hi:
                        local_anchors.setdefault(min(max(p, a), b), []).extend(ids)
                rows.append({"html": highlight(text, a, b, local_marks, local_anchors, seen),
                             "notes": by_para.get(i, [])})
        counts = Counter(f["severity"] for f in findings)
        stats = entry.get("stats") or {}
        words = stats.get("words") or 0
        weight = sum(SEVERITY_WEIGHT.get(f["severity"], 1) for f in findings)
        return {
            "path": entry["path"], "anchor": anchor, "format": entry.get("format"),
            "words": words, "sentences": stats.get("sentences"),
            "grade": (stats.get("readability") or {}).get("flesch_kincaid_grade"),
            "total": len(findings), "by_severity": dict(counts), "weight": weight,
            "per_kword": f"{1000 * len(findings) / words:.1f}" if words else "",
            "errors": [e["message"] for e in entry.get("errors", [])],
            # work left undone on this file (a sentence too long to check): said above its text
            "file_notes": [f"{f['message']} ({f['rule']}, line {f['start']['line']})" for f in findings
                           if f["category"] == "input" and f["severity"] == "info"],
            "chart": _chart(stats, target, anchor), "rows": rows, "notes": notes,
        }


def _clamp(m: _Mark, lo: int, hi: int) -> _Mark:
    """The mark as a point: its own position inside ``[lo, hi]``, else the nearer edge."""
    p = lo if m.start < lo else min(m.start, hi)
    return _Mark(p, p, m.fingerprint, m.category, m.severity, m.title, m.span_id, m.note_id)
