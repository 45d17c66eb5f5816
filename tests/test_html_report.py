"""The HTML report: every finding highlighted in place, overlaps handled, hostile text inert,
self-contained; then the same file opened in a real headless Chromium (skipped without it)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from conftest import CONTENT, ROOT, write
from copydesk.formatters import get_formatter

PWN = "document.documentElement.setAttribute('data-pwned','{}')"
HOSTILE_SENTENCE = (
    'Editors pasted <script>' + PWN.format("script") + '</script> and then "><img src=x onerror="'
    + PWN.format("img") + '"> and also <svg onload="' + PWN.format("svg") + '"></svg> and {{ 7*7 }} and '
    "</span></pre></div> into this very long sentence that keeps going on and on with many more words "
    "than any reader would like to hold in mind at once before reaching the end of it."
)
HOSTILE_NAME = 'evil"><img src=x onerror=alert(1)>.md'
OUTPUT_DIR = ROOT / "test-output"


class SpanText(HTMLParser):
    """Text inside each ``data-finding`` span, per document section; anchor ids; all elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.section: str | None = None
        self.stack: list[str | None] = []  # fingerprint (or None) per open span
        self.text: dict[tuple[str, str], str] = {}
        self.ids: set[str] = set()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.data: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.append((tag, a))
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "section" and a.get("data-path") is not None:
            self.section = a["data-path"]
        if tag == "span":
            fp = a.get("data-finding")
            self.stack.append(fp)
            if fp is not None:
                self.text.setdefault((self.section, fp), "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "span" and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.data.append(data)
        for fp in {fp for fp in self.stack if fp}:
            self.text[(self.section, fp)] += data


def parse(html: str) -> SpanText:
    p = SpanText()
    p.feed(html)
    p.close()
    return p


def assert_every_finding_marked(report: dict[str, Any], html: str) -> SpanText:
    p = parse(html)
    for entry in report["files"]:
        for f in entry["findings"]:
            key = (entry["path"], f["fingerprint"])
            assert key in p.text, f"no data-finding span for {entry['path']} {f['rule']} {f['fingerprint']}"
            # overlapping findings are split into nested pieces; their text joins back to the finding's
            # (the blank lines between paragraphs are layout, not highlighted text)
            assert "".join(p.text[key].split()) == "".join(f["text"].split()), (f["rule"], p.text[key][:80], f["text"][:80])
    return p


def _finding(rule: str, start: int, end: int, text: str, fp: str, category: str = "style",
             severity: str = "warning", related: list | None = None) -> dict[str, Any]:
    def pos(o: int) -> dict[str, int]:
        line = text.count("\n", 0, o) + 1
        return {"offset": o, "line": line, "column": o - (text.rfind("\n", 0, o) + 1) + 1}

    return {"rule": rule, "category": category, "severity": severity, "message": f"{rule} says <b>hi</b>",
            "start": pos(start), "end": pos(end), "text": text[start:end], "score": None,
            "suggestions": ["<i>x</i>"], "fingerprint": fp, "related": related or []}


def _report(files: list[tuple[str, str, list[dict[str, Any]]]]) -> dict[str, Any]:
    n = sum(len(f) for _, _, f in files)
    return {"version": 1, "tool": {"name": "copydesk", "version": "0"},
            "files": [{"path": p, "format": "markdown", "stats": {"words": 10, "sentences": 2},
                       "findings": f, "errors": []} for p, _, f in files],
            "summary": {"files": len(files), "findings": n, "by_severity": {"warning": n},
                        "by_category": {"style": n}, "errors": 0}}


def test_overlapping_and_crossing_findings_are_each_fully_marked():
    text = "Alpha beta gamma delta.\n\nEpsilon zeta eta theta iota.\n\n\n"
    fs = [
        _finding("a.outer", 0, 23, text, "f1"),                  # whole sentence
        _finding("a.inner", 6, 16, text, "f2"),                  # nested inside
        _finding("a.cross", 11, 45, text, "f3"),                 # crosses the paragraph break
        _finding("a.same", 6, 16, text, "f4", category="grammar"),  # identical span, other category
        _finding("a.point", 30, 30, text, "f5"),                 # zero-length
        _finding("a.tail", 54, 55, text, "f6"),                  # lies in trailing blank lines
    ]
    html = get_formatter("html").format(_report([("a.md", text, fs)]), {"texts": {"a.md": text}})
    p = assert_every_finding_marked(_report([("a.md", text, fs)]), html)
    assert p.text[("a.md", "f5")] == "" and p.text[("a.md", "f6")] == ""
    # each highlight's first piece carries an id that its note links to, and the note exists
    for k in range(len(fs)):
        assert f"doc-1-f{k}" in p.ids and f"doc-1-n{k}" in p.ids


def test_everything_is_escaped_and_self_contained():
    text = f"# {HOSTILE_SENTENCE}\n\n{HOSTILE_SENTENCE}\n"
    start = text.index("Editors", 5)
    fs = [_finding("x.long", start, start + len(HOSTILE_SENTENCE), text, "h1")]
    report = _report([(HOSTILE_NAME, text, fs)])
    html = get_formatter("html").format(report, {"texts": {HOSTILE_NAME: text}})
    assert_every_finding_marked(report, html)
    body = html.split("<body>", 1)[1]
    assert "<script>document" not in body and "<img src=x" not in body and "<svg onload" not in body
    assert "&lt;script&gt;" in body and "&lt;b&gt;hi&lt;/b&gt;" in body and "&lt;i&gt;x&lt;/i&gt;" in body
    assert "{{ 7*7 }}" in body and ">49<" not in body
    assert body.count("<script") == 1  # the report's own
    # no network: nothing loaded or linked from elsewhere
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", html, re.I)
    assert "@import" not in html and "url(" not in html
    assert "default-src 'none'" in html


def test_related_locations_link_to_anchors_in_the_other_document():
    a = "Same boilerplate line here.\n\nOther text.\n"
    b = "Intro.\n\nSame boilerplate line here.\n"
    rel_b = [{"path": "b.md", "start": {"offset": 8, "line": 3, "column": 1}, "end": {"offset": 35, "line": 3, "column": 28}}]
    rel_a = [{"path": "a.md", "start": {"offset": 0, "line": 1, "column": 1}, "end": {"offset": 27, "line": 1, "column": 28}}]
    report = _report([("a.md", a, [_finding("bp.dup", 0, 27, a, "p1", category="boilerplate", related=rel_b)]),
                      ("b.md", b, [_finding("bp.dup", 8, 35, b, "p1", category="boilerplate", related=rel_a)])])
    html = get_formatter("html").format(report, {"texts": {"a.md": a, "b.md": b}})
    p = parse(html)
    links = {a.get("href") for t, a in p.tags if t == "a"}
    assert "#doc-2-loc-8-35" in links and "#doc-1-loc-0-27" in links
    assert "doc-2-loc-8-35" in p.ids and "doc-1-loc-0-27" in p.ids
    assert "Boilerplate clusters" in html and "2 places" in html


def test_readability_chart_per_section_when_the_report_has_section_stats():
    text = "# One\n\nShort words here.\n\n# Two <b>\n\nLonger sentence.\n"
    report = _report([("a.md", text, [])])
    report["files"][0]["stats"]["sections"] = [
        {"heading": "One", "start": 0, "end": 24, "words": 4, "grade": 3.2},
        {"heading": "Two <b>", "start": 26, "end": 54, "words": 4, "grade": 14.5},
    ]
    html = get_formatter("html").format(report, {"texts": {"a.md": text}})
    svg = html[html.index("<svg"):html.index("</svg>")]
    assert "Readability by section" in svg and "Two &lt;b&gt;" in svg and "14.5" in svg
    p = parse(html)
    assert {"doc-1-loc-0-24", "doc-1-loc-26-54"} <= p.ids
    assert {"#doc-1-loc-0-24", "#doc-1-loc-26-54"} <= {a.get("href") for _, a in p.tags}


def test_text_missing_or_changed_falls_back_to_a_list():
    text = "Alpha beta.\n"
    report = _report([("gone.md", text, [_finding("a.b", 0, 5, text, "z1")])])
    html = get_formatter("html").format(report, {"texts": {"gone.md": "Changed!"}})
    assert "not available" in html and 'data-note="z1"' in html


# --- the real report, in a real browser --------------------------------------------------------

def _chromium() -> str | None:
    for cand in (os.environ.get("COPYDESK_CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        if cand and shutil.which(cand):
            return shutil.which(cand)
    return None


@pytest.fixture(scope="module")
def corpus_report(tmp_path_factory) -> tuple[Path, dict[str, Any], str]:
    """content/ plus hostile documents (Markdown, text, HTML) -> (html file, JSON report, html)."""
    from copydesk.cli import main

    base = tmp_path_factory.mktemp("htmlreport")
    docs = base / "docs"
    for p in sorted(CONTENT.iterdir()):
        write(docs / p.name, p.read_text(encoding="utf-8"))
    hostile = f"# Hostile <script>{PWN.format('title')}</script>\n\n{HOSTILE_SENTENCE}\n"
    write(docs / HOSTILE_NAME, hostile)
    write(docs / "hostile.txt", hostile)
    write(docs / "hostile.html", f"<html><body><p>{HOSTILE_SENTENCE}</p></body></html>\n")
    old, old_cache = os.getcwd(), os.environ.get("COPYDESK_CACHE_DIR")
    os.chdir(base)
    os.environ["COPYDESK_CACHE_DIR"] = str(base / ".cache")
    try:
        args = ["check", "docs", "--select", "readability,boilerplate,unsupported-claim", "--fail-on", "never"]
        assert main(args + ["--format", "html", "--output", "report.html"]) == 0
        assert main(args + ["--format", "json", "--output", "report.json"]) == 0
    finally:
        os.environ.pop("COPYDESK_CACHE_DIR", None)
        if old_cache is not None:
            os.environ["COPYDESK_CACHE_DIR"] = old_cache
        os.chdir(old)
    report = json.loads((base / "report.json").read_text(encoding="utf-8"))
    return base / "report.html", report, (base / "report.html").read_text(encoding="utf-8")


def test_report_for_content_marks_every_finding(corpus_report):
    _, report, html = corpus_report
    assert report["summary"]["findings"] > 20
    assert_every_finding_marked(report, html)
    hostile = next(e for e in report["files"] if e["path"].endswith(".md") and "evil" in e["path"])
    assert any(f["rule"] == "readability.sentence-length" for f in hostile["findings"])


def _run_chromium(args: list[str], profile: Path) -> subprocess.CompletedProcess:
    exe = _chromium()
    cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", "--disable-extensions", f"--user-data-dir={profile}", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if _chromium() is None:
        pytest.skip("chromium is not installed (Debian: apt-get install chromium)")
    return tmp_path_factory.mktemp("chromium-profile")


def test_chromium_renders_marks_and_never_runs_document_content(browser, corpus_report):
    path, report, _ = corpus_report
    proc = _run_chromium(["--dump-dom", path.as_uri()], browser)
    assert proc.returncode == 0, proc.stderr[-2000:]
    dom = proc.stdout
    assert '<html lang="en" data-js="1"' in dom  # the report's own script ran
    p = assert_every_finding_marked(report, dom)
    assert not any("data-pwned" in a for _, a in p.tags)  # no hostile script or handler ran
    assert not any(k.startswith("on") for _, a in p.tags for k in a)  # no event handler attributes at all
    assert not any(t == "img" for t, _ in p.tags)
    shown = "".join(p.data)  # the hostile markup is there, as text
    assert "<script>" + PWN.format("script") + "</script>" in shown
    assert '"><img src=x onerror="' in shown and "{{ 7*7 }}" in shown
    assert sum(1 for t, _ in p.tags if t == "script") == 1
    for entry in report["files"]:
        assert entry["path"] in {a.get("data-path") for t, a in p.tags if t == "section"}


def test_chromium_filters_hide_a_category(browser, corpus_report):
    path, report, _ = corpus_report
    proc = _run_chromium(["--dump-dom", path.as_uri() + "#hide=readability,info"], browser)
    assert proc.returncode == 0, proc.stderr[-2000:]
    notes = [a for t, a in parse(proc.stdout).tags if t == "li" and a.get("data-note")]
    assert notes
    for a in notes:
        off = "off" in (a.get("class") or "").split()
        assert off == (a["data-category"] == "readability" or a["data-severity"] == "info")


def test_chromium_without_javascript_shows_everything(browser, corpus_report):
    path, report, html = corpus_report
    # headless --dump-dom cannot run with scripting off, so load the page as a no-script browser gets it
    no_js = path.with_name("report-nojs.html")
    no_js.write_text(re.sub(r"<script>.*?</script>", "", html, flags=re.S), encoding="utf-8")
    proc = _run_chromium(["--dump-dom", no_js.as_uri()], browser)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert '<html lang="en" data-js="0"' in proc.stdout
    p = assert_every_finding_marked(report, proc.stdout)
    notes = [a for t, a in p.tags if t == "li" and a.get("data-note")]
    assert len(notes) == report["summary"]["findings"]
    assert not any("off" in (a.get("class") or "").split() or "hidden" in a for a in notes)
    form = next(a for t, a in p.tags if t == "form")
    assert "hidden" in form  # filter controls appear only when the script can drive them


def test_chromium_screenshot(browser, corpus_report):
    path, _, _ = corpus_report
    OUTPUT_DIR.mkdir(exist_ok=True)
    (OUTPUT_DIR / ".gitignore").write_text("*\n", encoding="utf-8")  # test artefacts, never committed
    shot = OUTPUT_DIR / "html-report.png"
    if shot.exists():
        shot.unlink()
    proc = _run_chromium(["--window-size=1280,2400", "--hide-scrollbars", f"--screenshot={shot}", path.as_uri()],
                         browser)
    assert proc.returncode == 0, proc.stderr[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
