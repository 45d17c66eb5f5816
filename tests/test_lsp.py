"""`copydesk lsp` end to end: pytest-lsp's client speaking the protocol to a real server process."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = "content/001_1137b30dfef8d16c.txt"
TIMEOUT = 120  # seconds: Harper's start-up and the corpus on a loaded 2-core machine


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    """A copy of this project's content and configuration, with a cache of its own."""
    root = tmp_path_factory.mktemp("ws")
    for name in ("content", "rules"):
        shutil.copytree(ROOT / name, root / name)
    shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")
    (root / "notes.md").write_text(
        "# Notes\n\nWe utilize a recieve step.\n\nThe colour of the behaviour, and the color.\n", encoding="utf-8")
    (root / "page.html").write_text(
        "<html><body>\n<h1>Page</h1>\n<p>Our team will utilize\n  these tools daily.</p>\n</body></html>\n",
        encoding="utf-8")
    (root / "rules" / "style.yaml").write_text(
        "patterns:\n  - id: style.utilize\n    type: substitution\n    message: \"Use '{replacement}'.\"\n"
        "    swap: {utilize: use}\n", encoding="utf-8")
    return root


SERVER = ClientServerConfig(server_command=[sys.executable, "-m", "copydesk", "lsp"])


def environ() -> dict[str, str]:
    """The CLI and the server share the workspace's own content cache (.copydesk_cache/)."""
    return {k: v for k, v in os.environ.items() if k != "COPYDESK_CACHE_DIR"}


class Published:
    """The server's ``copydesk/published`` notifications, to wait for complete diagnostics."""

    def __init__(self, client: LanguageClient) -> None:
        self.seen: list[dict] = []
        self.event = asyncio.Event()

        @client.feature("copydesk/published")
        def published(params) -> None:
            self.seen.append({k: getattr(params, k) for k in ("uri", "version", "complete", "corpus")})
            self.event.set()

    async def settled(self, uri: str, version: int | None = None) -> None:
        async def wait() -> None:
            while not any(p["uri"] == uri and p["corpus"] and (version is None or p["version"] == version)
                          for p in self.seen):
                self.event.clear()
                await self.event.wait()
        await asyncio.wait_for(wait(), TIMEOUT)


@pytest_lsp.fixture(scope="module", config=SERVER)
async def client(lsp_client: LanguageClient, workspace: Path):
    lsp_client.published = Published(lsp_client)
    await lsp_client.initialize_session(lsp.InitializeParams(
        capabilities=pytest_lsp.client_capabilities("visual-studio-code"),
        root_uri=workspace.as_uri(), workspace_folders=[lsp.WorkspaceFolder(workspace.as_uri(), "ws")],
        initialization_options={"debounce_ms": 20, "corpus_delay_ms": 50}))
    yield
    await lsp_client.shutdown_session()


def open_doc(client: LanguageClient, path: Path, language: str = "plaintext", version: int = 1) -> str:
    uri = path.as_uri()
    if uri in client.diagnostics:
        return uri  # opened by an earlier test of this module
    client.text_document_did_open(lsp.DidOpenTextDocumentParams(
        lsp.TextDocumentItem(uri, language, version, path.read_text(encoding="utf-8"))))
    return uri


def cli_findings(root: Path) -> dict:
    proc = subprocess.run([sys.executable, "-m", "copydesk", "check", "--format", "json", "--fail-on", "never"],
                          cwd=root, capture_output=True, text=True, timeout=600,
                          env=environ())
    assert proc.returncode == 0, proc.stderr
    return {f["path"]: f for f in json.loads(proc.stdout)["files"]}


@pytest.mark.asyncio(loop_scope="module")
async def test_diagnostics_equal_the_cli_findings_on_content(client: LanguageClient, workspace: Path):
    report = cli_findings(workspace)
    for path in sorted(report):
        if not path.startswith("content/"):
            continue
        uri = open_doc(client, workspace / path)
        await client.published.settled(uri)
        got = sorted((d.code, d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character,
                      d.message, d.severity,
                      tuple((r.location.uri, r.location.range.start.line, r.location.range.start.character)
                            for r in d.related_information or ()))
                     for d in client.diagnostics[uri])
        want = sorted((f["rule"], f["start"]["line"] - 1, f["start"]["column"] - 1, f["end"]["line"] - 1,
                       f["end"]["column"] - 1, f["message"], {"error": 1, "warning": 2, "info": 3}[f["severity"]],
                       tuple(((workspace / r["path"]).resolve().as_uri(), r["start"]["line"] - 1,
                              r["start"]["column"] - 1) for r in f["related"]))
                      for f in report[path]["findings"])
        assert got == want, path
    # the seed corpus has in-document boilerplate clusters and a citation matched to a reference entry
    related = [d for uri in client.diagnostics for d in client.diagnostics[uri] if d.related_information]
    assert {"boilerplate.repeated-in-document", "citation.unmatched"} <= {d.code for d in related}


@pytest.mark.asyncio(loop_scope="module")
async def test_diagnostic_fields_hover_and_related(client: LanguageClient, workspace: Path):
    uri = open_doc(client, workspace / ARTICLE)
    await client.published.settled(uri)
    diags = client.diagnostics[uri]
    fire = [d for d in diags if d.code == "off-topic.sentence" and d.range.start.line == 9]
    assert fire and fire[0].severity == lsp.DiagnosticSeverity.Warning
    href = fire[0].code_description.href
    assert href.startswith("file://") and Path(href[len("file://"):]).read_text(encoding="utf-8").startswith(
        "off-topic.sentence  [off-topic")
    hover = await client.text_document_hover_async(lsp.HoverParams(
        lsp.TextDocumentIdentifier(uri), fire[0].range.start))
    assert fire[0].message in hover.contents.value
    assert "off-topic.sentence  [off-topic" in hover.contents.value  # the `copydesk explain` text
    actions = await client.text_document_code_action_async(lsp.CodeActionParams(
        lsp.TextDocumentIdentifier(uri), fire[0].range, lsp.CodeActionContext([fire[0]])))
    assert not any(a.title.startswith("Disable") for a in actions)  # in plain text a comment would be text


@pytest.mark.asyncio(loop_scope="module")
async def test_edits_code_actions_and_vocabulary(client: LanguageClient, workspace: Path):
    path = workspace / "notes.md"
    uri = open_doc(client, path, "markdown")
    await client.published.settled(uri)
    diags = {d.code: d for d in client.diagnostics[uri]}
    assert {"style.utilize", "grammar.harper.SpellCheck", "grammar.dialect"} <= set(diags)

    spell = diags["grammar.harper.SpellCheck"]
    actions = await client.text_document_code_action_async(lsp.CodeActionParams(
        lsp.TextDocumentIdentifier(uri), spell.range, lsp.CodeActionContext([spell])))
    titles = [a.title for a in actions]
    assert "Replace with 'receive' (grammar.harper.SpellCheck)" in titles
    assert "Add 'recieve' to the project vocabulary" in titles
    assert "Disable grammar.harper.SpellCheck for this line" in titles
    disable = next(a for a in actions if a.title.startswith("Disable"))
    edit = disable.edit.changes[uri][0]
    assert edit.new_text == "<!-- copydesk-disable-next-line grammar.harper.SpellCheck -->\n"
    assert edit.range.start == lsp.Position(2, 0)
    utilize = await client.text_document_code_action_async(lsp.CodeActionParams(
        lsp.TextDocumentIdentifier(uri), diags["style.utilize"].range, lsp.CodeActionContext([])))
    assert any(a.is_preferred and a.title == "Replace with 'use' (style.utilize)" for a in utilize)

    # an edit: the one-word change is re-linted and its diagnostic goes
    client.text_document_did_change(lsp.DidChangeTextDocumentParams(
        lsp.VersionedTextDocumentIdentifier(version=2, uri=uri),
        [lsp.TextDocumentContentChangePartial(diags["style.utilize"].range, "use")]))
    await client.published.settled(uri, 2)
    # published in steps: the other checks first (Harper's earlier findings kept), then Harper's, then the corpus's
    steps = [(p["complete"], p["corpus"]) for p in client.published.seen if p["uri"] == uri and p["version"] == 2]
    assert steps[0] == (False, False) and (True, False) in steps and steps[-1] == (True, True)
    codes = {d.code for d in client.diagnostics[uri]}
    assert "style.utilize" not in codes and "grammar.harper.SpellCheck" in codes
    spell = next(d for d in client.diagnostics[uri] if d.code == "grammar.harper.SpellCheck")
    assert spell.range.start.character == 9  # "We use a recieve": moved with the edit

    add = next(a for a in actions if a.title.startswith("Add"))
    # lsprotocol's client reads any action holding a "command" as a bare Command, with the nested
    # command object as its string: check the text the server sent, then run it
    sent = str(add.command if isinstance(add, lsp.Command) else add.command.command)
    assert "'command': 'copydesk.addToVocabulary'" in sent and "'arguments': ['recieve']" in sent
    await client.workspace_execute_command_async(lsp.ExecuteCommandParams("copydesk.addToVocabulary", ["recieve"]))
    await client.published.settled(uri, 2)
    assert "recieve" in (workspace / "rules" / "vocabulary" / "accept.txt").read_text(encoding="utf-8").split()
    for _ in range(50):  # the reload re-lints: wait for the publication without the word
        if "grammar.harper.SpellCheck" not in {d.code for d in client.diagnostics[uri]}:
            break
        client.published.seen.clear()
        await client.published.settled(uri, 2)
    assert "grammar.harper.SpellCheck" not in {d.code for d in client.diagnostics[uri]}


@pytest.mark.asyncio(loop_scope="module")
async def test_html_positions_and_disable_comment(client: LanguageClient, workspace: Path):
    path = workspace / "page.html"
    uri = open_doc(client, path, "html")
    await client.published.settled(uri)
    utilize = next(d for d in client.diagnostics[uri] if d.code == "style.utilize")
    assert utilize.range == lsp.Range(lsp.Position(2, 17), lsp.Position(2, 24))  # the word inside <p>
    actions = await client.text_document_code_action_async(lsp.CodeActionParams(
        lsp.TextDocumentIdentifier(uri), utilize.range, lsp.CodeActionContext([utilize])))
    disable = next(a for a in actions if a.title == "Disable style.utilize for this line")
    edit = disable.edit.changes[uri][0]
    assert edit.range.start == lsp.Position(2, 0) and edit.new_text == "<!-- copydesk-disable-next-line style.utilize -->\n"
