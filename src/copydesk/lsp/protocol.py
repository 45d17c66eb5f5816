"""Findings in the editor's terms: diagnostics, hovers and code actions (lsprotocol types).

Offsets are Python ``str`` indices; the protocol counts lines split at ``\\n``, ``\\r\\n`` or ``\\r``
and columns in the negotiated code units (UTF-16 unless the client offers another), so every
conversion goes through :class:`Positions`.
"""

from __future__ import annotations

import bisect
import os
import re
from pathlib import Path
from typing import Any, Iterable
from urllib.parse import quote

from lsprotocol import types as lsp

from copydesk.findings import Finding

SOURCE = "copydesk"
SEVERITY = {"error": lsp.DiagnosticSeverity.Error, "warning": lsp.DiagnosticSeverity.Warning,
            "info": lsp.DiagnosticSeverity.Information}
DISABLE_FORMATS = ("markdown", "html")  # formats where an HTML comment is not part of the text
ADD_WORD = "copydesk.addToVocabulary"
_BREAK = re.compile(r"\r\n|\r|\n")


class Positions:
    """Offset <-> protocol position for one text."""

    def __init__(self, text: str, encoding: str = lsp.PositionEncodingKind.Utf16) -> None:
        self.text = text
        self.starts = [0] + [m.end() for m in _BREAK.finditer(text)]
        self.encoding = str(encoding)

    def _units(self, chunk: str) -> int:
        if self.encoding == lsp.PositionEncodingKind.Utf8:
            return len(chunk.encode("utf-8", "surrogatepass"))
        if self.encoding == lsp.PositionEncodingKind.Utf32:
            return len(chunk)
        return len(chunk) + sum(1 for c in chunk if ord(c) > 0xFFFF)

    def position(self, offset: int) -> lsp.Position:
        offset = max(0, min(offset, len(self.text)))
        line = bisect.bisect_right(self.starts, offset) - 1
        return lsp.Position(line, self._units(self.text[self.starts[line]:offset]))

    def range(self, start: int, end: int) -> lsp.Range:
        return lsp.Range(self.position(start), self.position(end))

    def offset(self, pos: lsp.Position) -> int:
        if pos.line >= len(self.starts):
            return len(self.text)
        start = self.starts[pos.line]
        end = self.starts[pos.line + 1] if pos.line + 1 < len(self.starts) else len(self.text)
        units, i = 0, start
        while i < end and units < pos.character and self.text[i] not in "\r\n":
            units += self._units(self.text[i])
            i += 1
        return i


def path_uri(path: str, root: str) -> str:
    return Path(os.path.join(root, path)).resolve().as_uri()


def explain_uri(explain_dir: str | None, rule: str, text: str) -> str | None:
    """A file holding the rule's documentation (``copydesk explain``), written once: a link any
    editor can open, whether or not copydesk's own docs are installed."""
    if explain_dir is None:
        return None
    target = Path(explain_dir) / f"{rule}.md"
    try:
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_suffix(f".tmp{os.getpid()}")
            tmp.write_text(text, encoding="utf-8")
            os.replace(tmp, target)
    except OSError:
        return None
    return target.resolve().as_uri()


def diagnostic(f: Finding, pos: Positions, related_text: Any, root: str, doc_href: str | None) -> lsp.Diagnostic:
    """One finding as a diagnostic. ``related_text(path)`` gives another file's text (or None) to
    place its related locations in protocol units."""
    related = []
    for loc in f.related:
        other = pos if loc["path"] == f.path else None
        if other is None:
            text = related_text(loc["path"])
            other = Positions(text, pos.encoding) if text is not None else None
        if other is not None:
            rng = other.range(loc["start"]["offset"], loc["end"]["offset"])
        else:  # the file cannot be read now: its 1-based line and column, as the report has them
            rng = lsp.Range(lsp.Position(loc["start"]["line"] - 1, loc["start"]["column"] - 1),
                            lsp.Position(loc["end"]["line"] - 1, loc["end"]["column"] - 1))
        related.append(lsp.DiagnosticRelatedInformation(lsp.Location(path_uri(loc["path"], root), rng),
                                                        "also here" if loc["path"] == f.path else loc["path"]))
    return lsp.Diagnostic(
        range=pos.range(f.start.offset, f.end.offset),
        message=f.message,
        severity=SEVERITY.get(f.severity, lsp.DiagnosticSeverity.Warning),
        code=f.rule,
        code_description=lsp.CodeDescription(href=doc_href) if doc_href else None,
        source=SOURCE,
        related_information=related or None,
        data={"fingerprint": f.fingerprint},
    )


def error_diagnostic(message: str, check: str | None = None) -> lsp.Diagnostic:
    """A failing check (or file) as a diagnostic at the top of the file: never a crash."""
    return lsp.Diagnostic(range=lsp.Range(lsp.Position(0, 0), lsp.Position(0, 0)), message=message,
                          severity=lsp.DiagnosticSeverity.Error, code=check or "copydesk.error", source=SOURCE)


def hover_text(findings: Iterable[Finding], explain: Any) -> str:
    """Markdown: each finding's message, then its rule's explanation (``explain(rule)``)."""
    parts = []
    for f in findings:
        parts.append(f"**{f.rule}** ({f.severity}): {f.message}")
        doc = explain(f.rule)
        if doc:
            parts.append("```text\n" + doc.rstrip() + "\n```")
    return "\n\n".join(parts)


def code_actions(uri: str, f: Finding, pos: Positions, fmt: str | None, safe: bool,
                 diagnostic_: lsp.Diagnostic | None) -> list[lsp.CodeAction]:
    """Quick fixes for one finding: its suggestions, adding a flagged word to the project's
    vocabulary (spelling), and a ``copydesk-disable-next-line`` comment (Markdown, HTML)."""
    diags = [diagnostic_] if diagnostic_ is not None else None
    actions = []
    rng = pos.range(f.start.offset, f.end.offset)
    for i, suggestion in enumerate(f.suggestions[:5]):
        if suggestion == f.text:
            continue
        actions.append(lsp.CodeAction(
            title=f"Replace with '{suggestion}' ({f.rule})", kind=lsp.CodeActionKind.QuickFix, diagnostics=diags,
            is_preferred=safe and i == 0,
            edit=lsp.WorkspaceEdit(changes={uri: [lsp.TextEdit(rng, suggestion)]})))
    word = f.text.strip()
    if f.category == "spelling" and word and " " not in word and "\n" not in word:
        actions.append(lsp.CodeAction(
            title=f"Add '{word}' to the project vocabulary", kind=lsp.CodeActionKind.QuickFix, diagnostics=diags,
            command=lsp.Command(f"Add '{word}' to the project vocabulary", ADD_WORD, arguments=[word])))
    if fmt in DISABLE_FORMATS:
        line = pos.position(f.start.offset).line
        start = pos.starts[line]
        indent = re.match(r"[ \t]*", pos.text[start:]).group()
        m = _BREAK.search(pos.text, start)
        newline = m.group() if m else "\n"
        comment = f"{indent}<!-- copydesk-disable-next-line {f.rule} -->{newline}"
        at = pos.position(start)
        actions.append(lsp.CodeAction(
            title=f"Disable {f.rule} for this line", kind=lsp.CodeActionKind.QuickFix, diagnostics=diags,
            edit=lsp.WorkspaceEdit(changes={uri: [lsp.TextEdit(lsp.Range(at, at), comment)]})))
    return actions
