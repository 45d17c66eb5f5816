"""`copydesk lsp` keeps serving when a check raises: the failure is a log message and a diagnostic.

The server is a real process whose readability.sentence-length check is replaced, before the
registry reads it, by one that raises (fault injection; the rest of the server is unchanged)."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient

BROKEN = """
import copydesk.checks.readability.sentence_length as m
def check(document, options):
    raise RuntimeError("injected failure")
    yield
m.check = check
from copydesk.lsp import serve
serve()
"""


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("broken")
    (root / "copydesk.yaml").write_text("paths: [docs]\nsettings: {profile: fast}\n", encoding="utf-8")
    (root / "docs").mkdir()
    (root / "docs" / "a.md").write_text("# A\n\nResearch shows that this works.\n", encoding="utf-8")
    return root


@pytest_lsp.fixture(scope="module", config=ClientServerConfig(server_command=[sys.executable, "-c", BROKEN]))
async def client(lsp_client: LanguageClient, workspace: Path):
    await lsp_client.initialize_session(lsp.InitializeParams(
        capabilities=pytest_lsp.client_capabilities("neovim"), root_uri=workspace.as_uri()))
    yield
    await lsp_client.shutdown_session()


@pytest.mark.asyncio(loop_scope="module")
async def test_a_failing_check_is_a_diagnostic_and_a_log_message(client: LanguageClient, workspace: Path):
    path = workspace / "docs" / "a.md"
    uri = path.as_uri()
    client.text_document_did_open(lsp.DidOpenTextDocumentParams(
        lsp.TextDocumentItem(uri, "markdown", 1, path.read_text(encoding="utf-8"))))
    while uri not in client.diagnostics:
        await asyncio.wait_for(client.wait_for_notification(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS), 120)
    codes = {d.code: d for d in client.diagnostics[uri]}
    assert "claims.research-appeal" in codes  # the other checks ran
    failure = codes["readability.sentence-length"]
    assert failure.severity == lsp.DiagnosticSeverity.Error and "injected failure" in failure.message
    assert any("injected failure" in m.message for m in client.log_messages)

    # and the server still answers: an edit is linted again
    client.text_document_did_change(lsp.DidChangeTextDocumentParams(
        lsp.VersionedTextDocumentIdentifier(version=2, uri=uri),
        [lsp.TextDocumentContentChangeWholeDocument("# A\n\nStudies show that this works.\n")]))
    while True:
        published = await asyncio.wait_for(client.wait_for_notification("copydesk/published"), 120)
        if published.version == 2:
            break
    assert "readability.sentence-length" in {d.code for d in client.diagnostics[uri]}
    hover = await client.text_document_hover_async(lsp.HoverParams(lsp.TextDocumentIdentifier(uri),
                                                                   lsp.Position(2, 2)))
    assert hover is not None and "claims.research-appeal" in hover.contents.value
