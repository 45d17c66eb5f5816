"""LanguageTool adapter: a protocol test against a local /v2 server, unreachable servers, live test."""

from __future__ import annotations

import json
import os
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest

from conftest import write
from copydesk.checks.grammar import _languagetool
from copydesk.config import load_config
from copydesk.lint import Selection, lint_text
from copydesk.runner import lint_paths

LANGUAGES = [{"name": "English (US)", "code": "en", "longCode": "en-US"},
             {"name": "English (GB)", "code": "en", "longCode": "en-GB"}]

# What the fake server "knows": pattern -> (rule id, issue type, category id, message, replacements)
RULES = [
    (r"\brecieved\b", "MORFOLOGIK_RULE_EN_US", "misspelling", "TYPOS", "Possible spelling mistake found.", ["received"]),
    (r"\bKernberg\b", "MORFOLOGIK_RULE_EN_US", "misspelling", "TYPOS", "Possible spelling mistake found.", ["Kern berg"]),
    (r"\ban (?=letter)", "EN_A_VS_AN", "grammatical", "MISC", "Use \u201ca\u201d instead of \u201can\u201d.", ["a "]),
    (r"\bvery unique\b", "VERY_UNIQUE", "style", "STYLE", "Consider \u201cunique\u201d.", ["unique"]),
]


def check_response(text: str, language: str) -> dict:
    """A /v2/check answer in LanguageTool's documented JSON shape."""
    matches = []
    for pattern, rid, issue, cat, msg, repl in RULES:
        for m in re.finditer(pattern, text):
            matches.append({
                "message": msg, "shortMessage": "", "replacements": [{"value": r} for r in repl],
                "offset": m.start(), "length": m.end() - m.start(),
                "context": {"text": text[max(0, m.start() - 20):m.end() + 20], "offset": min(20, m.start()),
                            "length": m.end() - m.start()},
                "sentence": text, "type": {"typeName": "Other"},
                "rule": {"id": rid, "description": msg, "issueType": issue,
                         "category": {"id": cat, "name": cat.title()}},
                "ignoreForIncompleteSentence": False, "contextForSureMatch": 0,
            })
    matches.sort(key=lambda x: x["offset"])
    return {"software": {"name": "LanguageTool", "version": "6.4", "apiVersion": 1},
            "language": {"name": language, "code": language}, "matches": matches}


class Handler(BaseHTTPRequestHandler):
    delay = 0.0
    requests: list[dict] = []

    def log_message(self, *args):  # keep pytest output clean
        pass

    def _send(self, payload) -> None:
        body = json.dumps(payload).encode("utf-8")
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (time-out test)

    def do_GET(self):
        time.sleep(self.delay)
        if self.path.startswith("/v2/languages"):
            self._send(LANGUAGES)
        else:
            self.send_error(404)

    def do_POST(self):
        time.sleep(self.delay)
        length = int(self.headers.get("Content-Length", 0))
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode("utf-8")).items()}
        if not self.path.startswith("/v2/check"):
            self.send_error(404)
            return
        type(self).requests.append(form)
        self._send(check_response(form.get("text", ""), form.get("language", "en-US")))


@pytest.fixture(autouse=True)
def _fresh_clients():
    _languagetool.reset()
    yield
    _languagetool.reset()


@pytest.fixture
def server():
    handler = type("H", (Handler,), {"requests": [], "delay": 0.0})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", handler
    httpd.shutdown()
    httpd.server_close()


def lt_config(url: str | None, **options):
    config = load_config(overrides=(("grammar_engine", "languagetool"),) + ((("languagetool_url", url),) if url else ()))
    config.checks["grammar.languagetool"].options.update(options)
    return config


def test_protocol_maps_matches_to_findings(project, server):
    url, handler = server
    text = "She recieved an letter from Kernberg. It was very unique.\n"
    res = lint_text("a.txt", text, lt_config(url), Selection(select=("grammar.languagetool",)))
    assert res.errors == []
    got = {(f.rule, f.category, f.text) for f in res.findings}
    assert got == {
        ("grammar.languagetool.MORFOLOGIK_RULE_EN_US", "spelling", "recieved"),
        ("grammar.languagetool.EN_A_VS_AN", "grammar", "an "),
        ("grammar.languagetool.VERY_UNIQUE", "style", "very unique"),
    }  # "Kernberg" is a name inside a sentence: filtered like Harper's flags
    spell = next(f for f in res.findings if f.text == "recieved")
    assert spell.suggestions == ["received"] and spell.message == "Possible spelling mistake found."
    assert handler.requests and handler.requests[0]["language"] == "en-US"


def test_protocol_offsets_are_exact_in_markdown_and_uk_documents(project, server):
    url, handler = server
    text = "# The colour of behaviour\n\nShe **recieved** a `recieved` letter, and the centre held.\n"
    res = lint_text("b.md", text, lt_config(url), Selection(select=("grammar.languagetool",)))
    spans = [(f.start.offset, f.end.offset, f.text) for f in res.findings]
    start = text.index("recieved")
    assert spans == [(start, start + 8, "recieved")]  # the code span is masked
    assert handler.requests[0]["language"] == "en-GB"  # detected UK spelling


def test_unreachable_server_is_one_clear_error_and_other_checks_still_run(project):
    write(project / "docs" / "a.txt", "This type of personalty has its source in the personality of others.\n")
    write(project / "docs" / "b.txt", "Another ordinary document.\n")
    config = lt_config("http://127.0.0.1:9")
    results = lint_paths(["docs"], config, Selection(select=("grammar", "spelling")), jobs=1)
    errors = [e for r in results for e in r.errors]
    assert len(errors) == 2  # every file's result is incomplete (and so never cached)
    assert len({e["message"].split(": ", 1)[1] for e in errors}) == 1  # one cause
    message = errors[0]["message"]
    assert "LanguageTool is not reachable at http://127.0.0.1:9" in message
    assert "COPYDESK_LANGUAGETOOL_URL" in message and "\n" not in message
    assert any(f.rule == "grammar.real-word" for r in results for f in r.findings)


def test_slow_server_times_out(project, server):
    url, handler = server
    handler.delay = 3.0
    with pytest.raises(_languagetool.LanguageToolUnavailable, match=r"no answer within 1 s"):
        _languagetool.client(url, "en-US", 1.0)


def test_no_url_and_no_local_install_says_what_to_set(project, monkeypatch, tmp_path):
    monkeypatch.delenv("COPYDESK_LANGUAGETOOL_URL", raising=False)
    monkeypatch.delenv("LTP_JAR_DIR_PATH", raising=False)
    monkeypatch.setenv("LTP_PATH", str(tmp_path / "nothing-here"))
    with pytest.raises(_languagetool.LanguageToolUnavailable, match="COPYDESK_LANGUAGETOOL_URL"):
        _languagetool.client(None, "en-US", 5.0)
    assert not (tmp_path / "nothing-here").exists()  # nothing created, nothing downloaded


def test_cli_exits_2_with_one_line_when_languagetool_is_unreachable(project, run_cli, monkeypatch):
    write(project / "docs" / "a.txt", "This type of personalty has its source in the personality of others.\n")
    write(project / "docs" / "b.txt", "She recieved a letter.\n")
    monkeypatch.setenv("COPYDESK_LANGUAGETOOL_URL", "http://127.0.0.1:9")
    code, out, err = run_cli("check", "docs", "--grammar-engine", "languagetool", "--no-cache", "--jobs", "1",
                             "--format", "json", "--select", "grammar,spelling")
    assert code == 2
    lines = [ln for ln in err.splitlines() if "LanguageTool" in ln]
    assert len(lines) == 1 and "COPYDESK_LANGUAGETOOL_URL" in lines[0]
    report = json.loads(out)
    assert any(f["rule"] == "grammar.real-word" for e in report["files"] for f in e["findings"])


def test_chunks_cover_the_text_exactly():
    text = ("word " * 30 + "\n\n") * 50
    pieces = _languagetool.chunks(text, limit=400)
    assert "".join(p for _, p in pieces) == text
    assert all(len(p) <= 400 for _, p in pieces)
    assert all(text[o:o + len(p)] == p for o, p in pieces)


@pytest.mark.skipif(not os.environ.get("COPYDESK_LANGUAGETOOL_URL"), reason="live test: set COPYDESK_LANGUAGETOOL_URL")
def test_live_languagetool_server(project):
    config = lt_config(None)
    res = lint_text("live.txt", "She recieved an letter yesterday.\n", config, Selection(select=("grammar", "spelling")))
    assert res.errors == []
    rules = {f.rule for f in res.findings}
    assert any(r.startswith("grammar.languagetool.") for r in rules)
    assert "recieved" in [f.text for f in res.findings]
