"""``copydesk lsp``: the language server (pygls) over stdio.

Diagnostics are published on open, on save and after a pause in editing (``debounce``). Linting
runs in a thread of its own, so the protocol never waits for it, and the engine checks (Harper,
which releases the GIL) in a second one beside it; Harper's linters, kept per thread, are built
once. An editor's request goes before background work (the corpus loading from the content cache).
After an edit (:mod:`copydesk.lsp.incremental`: block-local checks on the changed blocks only) the
other checks' findings are published first, then the engine's, each time with the earlier findings
of what has not run yet moved with the text (those in the edited span dropped); the corpus stage
follows in the background, ``corpus_delay`` later.

A failing check, a file that cannot be parsed or a configuration error becomes a log message and
a diagnostic; the server keeps serving.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import dataclasses
import itertools
import logging
import os
import queue
import threading
import traceback
from dataclasses import dataclass, field
from typing import Any, Callable

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer

from copydesk import __version__
from copydesk.findings import Finding, Position
from copydesk.results import FileResult
from copydesk.inputs import MAX_BYTES
from copydesk.lsp import protocol
from copydesk.lsp.incremental import edit_span
from copydesk.lsp.project import Project, combine, display_path, merged

log = logging.getLogger("copydesk.lsp")

DEBOUNCE = 0.05  # seconds of quiet after an edit before the document is linted again
CORPUS_DELAY = 0.5  # seconds after a document's per-document stage before its corpus stage
LANGUAGES = {"markdown", "plaintext", "html", "text"}
EXTENSIONS = (".md", ".markdown", ".txt", ".html", ".htm")
URGENT, BACKGROUND = 0, 1
PUBLISHED = "copydesk/published"  # sent after each publishDiagnostics: {uri, version, complete, corpus}


class Worker:
    """One thread that runs submitted calls, urgent ones first (a priority queue)."""

    def __init__(self, name: str = "copydesk-lint") -> None:
        self._queue: queue.PriorityQueue = queue.PriorityQueue()
        self._seq = itertools.count()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def submit(self, priority: int, func: Callable[[], Any]) -> concurrent.futures.Future:
        future: concurrent.futures.Future = concurrent.futures.Future()
        self._queue.put((priority, next(self._seq), func, future))
        return future

    def _run(self) -> None:
        while True:
            _, _, func, future = self._queue.get()
            if func is None:
                return
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(func())
            except BaseException as exc:  # noqa: BLE001 - handed to the awaiting coroutine
                future.set_exception(exc)

    def stop(self) -> None:
        self._queue.put((BACKGROUND + 1, next(self._seq), None, None))


@dataclass
class OpenDocument:
    uri: str
    path: str
    version: int = 0
    result: FileResult | None = None  # per-document stage of ``text``
    state: Any = None  # what the next edit's incremental re-lint reuses (copydesk.lsp.incremental)
    complete: bool = False  # ``result`` holds every per-document check (the grammar engine's too)
    engine_findings: list[Finding] = field(default_factory=list)  # the grammar engine's, of ``engine_text``
    engine_text: str | None = None
    text: str = ""
    corpus: tuple[list[Finding], list[dict]] | None = None  # corpus stage of ``corpus_text``
    corpus_text: str | None = None
    published: FileResult | None = None
    pending: dict[str, asyncio.Task] = field(default_factory=dict)


def moved(findings: list[Finding], before: str, after: str) -> list[Finding]:
    """Findings made on ``before``, moved to ``after``: those in the edited span are dropped, those
    after it shift by the change in length (for the corpus findings until they are remade)."""
    if before == after:
        return findings
    head, tail = edit_span(before, after)
    delta = len(after) - len(before)
    out = []
    for f in findings:
        if f.end.offset <= head:
            out.append(f)
        elif f.start.offset >= len(before) - tail:
            # offsets only: lines and columns are recomputed from the text when published
            out.append(dataclasses.replace(f, start=Position(f.start.offset + delta, 0, 0),
                                           end=Position(f.end.offset + delta, 0, 0)))
    return out


class CopydeskServer(LanguageServer):
    """The server's state: the workspace project, open documents and the linting thread."""

    def __init__(self) -> None:
        super().__init__("copydesk", __version__, text_document_sync_kind=lsp.TextDocumentSyncKind.Incremental)
        self.project: Project | None = None
        self.config_error: str | None = None
        self.docs: dict[str, OpenDocument] = {}
        self.corpus_ready = False
        self.worker = Worker()
        self.engines = Worker("copydesk-engines")  # the engine checks, beside the others (GIL released)
        self.debounce = DEBOUNCE
        self.corpus_delay = CORPUS_DELAY
        self._explained: dict[str, str | None] = {}
        self._texts: dict[str, str | None] = {}
        self._logged: set[str] = set()

    # set-up ----------------------------------------------------------------------------------
    def start(self, root: str, options: dict[str, Any]) -> None:
        self.debounce = float(options.get("debounce_ms", DEBOUNCE * 1000)) / 1000
        self.corpus_delay = float(options.get("corpus_delay_ms", CORPUS_DELAY * 1000)) / 1000
        try:
            os.chdir(root)  # paths and configuration are relative to the workspace, as for the CLI
        except OSError:
            pass
        try:
            self.project = Project(root)
            self.config_error = None
        except Exception as exc:  # noqa: BLE001 - a ConfigError (or worse): said, never fatal
            self.project = None
            self.config_error = f"copydesk configuration: {exc}"
            self.log(self.config_error, lsp.MessageType.Error)
            self.window_show_message(lsp.ShowMessageParams(lsp.MessageType.Error, self.config_error))
            return
        from copydesk.executors import Job, warm_up

        warm_up(Job(self.project.config, self.project.selection))  # Harper's dictionary while the editor opens files
        self._explained.clear()

    def log(self, message: str, kind: lsp.MessageType = lsp.MessageType.Info) -> None:
        log.info(message)
        try:
            self.window_log_message(lsp.LogMessageParams(kind, message))
        except Exception:  # noqa: BLE001 - no client yet (or gone)
            pass

    def beside(self, func: Callable[[], Any]) -> concurrent.futures.Future:
        return self.engines.submit(URGENT, func)

    async def run(self, priority: int, func: Callable[[], Any]) -> Any:
        return await asyncio.wrap_future(self.worker.submit(priority, func))

    async def load_corpus(self) -> None:
        """The configured paths' per-document results, one file per background task (an editor's
        request waits for one file at most); then every open document's corpus stage again."""
        project = self.project
        if project is None:
            return
        await asyncio.sleep(self.corpus_delay)  # an editor opens its first documents right after initializing
        files = await self.run(BACKGROUND, project.corpus_files)
        cache = await self.run(BACKGROUND, project.cache)
        loaded: dict[str, FileResult] = {}
        for file in files:
            while any(not task.done() for doc in self.docs.values() for kind, task in doc.pending.items()
                      if kind == "document"):
                await asyncio.sleep(0.05)  # the editor's documents first
            try:
                result = await self.run(BACKGROUND, lambda f=file: project.corpus_result(f, cache, self.beside))
            except Exception as exc:  # noqa: BLE001
                self.log(f"{file.path}: not added to the corpus ({type(exc).__name__}: {exc})", lsp.MessageType.Warning)
                continue
            if result is not None:
                loaded[file.path] = result
        if project is not self.project:
            return
        project.corpus = loaded
        self.corpus_ready = True
        self.log(f"copydesk: corpus of {len(loaded)} files loaded")
        for doc in list(self.docs.values()):
            doc.corpus_text = None  # made over a partial corpus: made again
            self.schedule(doc.uri, corpus_only=True)

    # linting ---------------------------------------------------------------------------------
    def is_ours(self, uri: str, language: str | None = None) -> bool:
        return (language or "").lower() in LANGUAGES or uri.lower().endswith(EXTENSIONS)

    def schedule(self, uri: str, delay: float = 0.0, corpus_only: bool = False) -> None:
        """(Re)start the document's linting after ``delay``: a newer edit cancels an older wait."""
        doc = self.docs.get(uri)
        if doc is None:
            return
        kind = "corpus" if corpus_only else "document"
        old = doc.pending.pop(kind, None)
        if old is not None and not old.done():
            old.cancel()
        doc.pending[kind] = asyncio.ensure_future(
            self._guarded(doc, (self._corpus_stage if corpus_only else self._document_stage)(doc, delay)))

    async def _guarded(self, doc: OpenDocument, stage: Any) -> None:
        """A stage whose failure anywhere (not only in a check) is reported, never fatal."""
        try:
            await stage
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001
            self.failed(doc, doc.text, exc)

    def _snapshot(self, doc: OpenDocument) -> tuple[str, int]:
        td = self.workspace.get_text_document(doc.uri)
        return td.source, td.version or 0

    async def _document_stage(self, doc: OpenDocument, delay: float) -> None:
        await asyncio.sleep(delay)
        if self.project is not None and self.project.config_changed():
            await self.reload()
            return
        text, version = self._snapshot(doc)
        if self.project is None:
            self.publish(doc, None, text, [protocol.error_diagnostic(self.config_error or "no configuration")])
            return
        if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
            self.publish(doc, None, text, [protocol.error_diagnostic(
                f"{doc.path}: over the {MAX_BYTES} byte limit; split the file (not linted)", "input.too-large")])
            return
        if doc.result is None or doc.text != text or not doc.complete:
            previous = doc.state
            relint = await self.run(URGENT, lambda: self.project.relint(doc.path, text, self.beside, previous))
            if self._snapshot(doc)[0] != text:
                return  # edited meanwhile: a newer stage is scheduled
            if relint.engines is not None:
                # the other checks' diagnostics now; the grammar engine's earlier ones moved with
                # the text (dropped in the edited span) until its own arrive
                if doc.engine_text is not None:
                    doc.engine_findings = moved(doc.engine_findings, doc.engine_text, text)
                doc.engine_text = text
                doc.result, doc.state, doc.text, doc.version, doc.complete = relint.result, relint.state, text, \
                    version, False
                self.publish_result(doc)
                engines = await asyncio.wrap_future(relint.engines)
                if self._snapshot(doc)[0] != text:
                    return
                doc.engine_findings = engines.findings
                doc.result = merged(relint.result, engines)
            else:
                doc.result, doc.state, doc.text, doc.version = relint.result, relint.state, text, version
            doc.complete = True
        self.publish_result(doc)
        self.schedule(doc.uri, self.corpus_delay, corpus_only=True)

    async def _corpus_stage(self, doc: OpenDocument, delay: float) -> None:
        await asyncio.sleep(delay)
        result, text = doc.result, doc.text
        if result is None or not doc.complete or self.project is None or doc.corpus_text == text:
            return  # the document stage schedules this stage again once it is complete
        project = self.project

        def stage() -> tuple[list[Finding], list[dict]]:
            others = dict(project.corpus)
            for other in self.docs.values():  # corpus files open in the editor take part as they are there
                if other.result is not None and other is not doc and other.path in others:
                    others[other.path] = other.result
            return project.corpus_stage(result, others)

        try:
            corpus = await self.run(BACKGROUND, stage)
        except Exception as exc:  # noqa: BLE001
            self.failed(doc, text, exc)
            return
        if doc.text == text:
            doc.corpus, doc.corpus_text = corpus, text
            self.publish_result(doc)

    def failed(self, doc: OpenDocument, text: str, exc: Exception) -> None:
        message = f"{doc.path}: copydesk could not lint this file ({type(exc).__name__}: {exc}); please report it"
        self.log(message + "\n" + traceback.format_exc(), lsp.MessageType.Error)
        self.publish(doc, None, text, [protocol.error_diagnostic(message)])

    async def reload(self) -> None:
        """The configuration changed on disk: reload it, then the corpus, then every open document."""
        project = self.project
        try:
            await self.run(URGENT, project.load_config)
            self.config_error = None
        except Exception as exc:  # noqa: BLE001
            self.config_error = f"copydesk configuration: {exc}"
            self.log(self.config_error, lsp.MessageType.Error)
            for doc in self.docs.values():
                self.publish(doc, None, doc.text, [protocol.error_diagnostic(self.config_error)])
            return
        self._explained.clear()
        self.corpus_ready = False
        for doc in self.docs.values():
            doc.result, doc.state, doc.corpus, doc.corpus_text, doc.complete = None, None, None, None, False
            self.schedule(doc.uri)
        asyncio.ensure_future(self.load_corpus())

    # publishing ------------------------------------------------------------------------------
    def combined(self, doc: OpenDocument) -> FileResult | None:
        if doc.result is None:
            return None
        findings: list[Finding] = [] if doc.complete else list(doc.engine_findings)
        errors: list[dict] = []
        if doc.corpus is not None and doc.corpus_text is not None:
            findings += moved(doc.corpus[0], doc.corpus_text, doc.text)
            errors = doc.corpus[1]
        return combine(doc.result, findings, errors)

    def publish_result(self, doc: OpenDocument) -> None:
        result = self.combined(doc)
        if result is None:
            return
        extra = []
        for err in result.errors:
            if err["message"] not in self._logged:  # once, not at every publication
                self._logged.add(err["message"])
                self.log(err["message"], lsp.MessageType.Warning)
            extra.append(protocol.error_diagnostic(err["message"], err.get("check")))
        self.publish(doc, result, doc.text, extra)

    def publish(self, doc: OpenDocument, result: FileResult | None, text: str, extra: list[lsp.Diagnostic]) -> None:
        doc.published = result
        pos = protocol.Positions(text, self.encoding())
        self._texts = {}
        diags = [protocol.diagnostic(f, pos, self.text_of, self.project.root if self.project else os.getcwd(),
                                     self.explain_href(f.rule))
                 for f in (result.findings if result else [])]
        self.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(doc.uri, diags + extra, doc.version))
        # for clients that want to know when diagnostics are complete (tests, benchmarks): a
        # notification other clients ignore
        complete = result is not None and doc.complete and doc.text == text
        settled = complete and self.corpus_ready and doc.corpus_text == text
        self.protocol.notify(PUBLISHED, {"uri": doc.uri, "version": doc.version, "complete": complete,
                                         "corpus": settled})

    def encoding(self) -> str:
        return str(self.workspace.position_encoding or lsp.PositionEncodingKind.Utf16)

    def text_of(self, path: str) -> str | None:
        """A related location's file text: the editor's copy when open, else the file."""
        for doc in self.docs.values():
            if doc.path == path:
                return doc.text
        if path not in self._texts:
            try:
                with open(path, encoding="utf-8-sig") as fh:
                    self._texts[path] = fh.read()
            except (OSError, UnicodeDecodeError):
                self._texts[path] = None
        return self._texts[path]

    def explain(self, rule: str) -> str | None:
        from copydesk.ruledocs import explain_text
        from copydesk.fixes import rule_spec

        if self.project is None:
            return None
        spec = rule_spec(self.project.config, rule)
        return explain_text(self.project.config, spec.id) if spec is not None else None

    def explain_href(self, rule: str) -> str | None:
        if rule not in self._explained:
            from copydesk.cache import cache_dir

            text = self.explain(rule)
            folder = os.path.join(cache_dir(self.project.config.root), "explain") if self.project else None
            self._explained[rule] = protocol.explain_uri(folder, rule, text) if text else None
        return self._explained[rule]

    def findings_at(self, uri: str, start: int, end: int) -> list[Finding]:
        doc = self.docs.get(uri)
        if doc is None or doc.published is None:
            return []
        return [f for f in doc.published.findings if f.start.offset <= end and f.end.offset >= start]


def build_server() -> CopydeskServer:
    server = CopydeskServer()

    @server.feature(lsp.INITIALIZE)
    def initialize(ls: CopydeskServer, params: lsp.InitializeParams) -> None:
        from pygls.uris import to_fs_path

        root = None
        if params.workspace_folders:
            root = to_fs_path(params.workspace_folders[0].uri)
        elif params.root_uri:
            root = to_fs_path(params.root_uri)
        elif params.root_path:
            root = params.root_path
        options = params.initialization_options if isinstance(params.initialization_options, dict) else {}
        ls.start(root or os.getcwd(), options)

    @server.feature(lsp.INITIALIZED)
    async def initialized(ls: CopydeskServer, params: lsp.InitializedParams) -> None:
        asyncio.ensure_future(ls.load_corpus())

    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: CopydeskServer, params: lsp.DidOpenTextDocumentParams) -> None:
        from pygls.uris import to_fs_path

        td = params.text_document
        if not ls.is_ours(td.uri, td.language_id):
            return
        root = ls.project.root if ls.project else os.getcwd()
        if td.uri not in ls.docs:  # opened again without a close: keep what is known
            ls.docs[td.uri] = OpenDocument(td.uri, display_path(to_fs_path(td.uri) or td.uri, root), td.version)
        ls.schedule(td.uri)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: CopydeskServer, params: lsp.DidChangeTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri, ls.debounce)

    @server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: CopydeskServer, params: lsp.DidSaveTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: CopydeskServer, params: lsp.DidCloseTextDocumentParams) -> None:
        doc = ls.docs.pop(params.text_document.uri, None)
        if doc is not None:
            for task in doc.pending.values():
                task.cancel()
            ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(doc.uri, []))

    @server.feature(lsp.TEXT_DOCUMENT_HOVER)
    def hover(ls: CopydeskServer, params: lsp.HoverParams) -> lsp.Hover | None:
        doc = ls.docs.get(params.text_document.uri)
        if doc is None or doc.published is None:
            return None
        pos = protocol.Positions(doc.text, ls.encoding())
        offset = pos.offset(params.position)
        found = [f for f in doc.published.findings if f.start.offset <= offset < max(f.end.offset, f.start.offset + 1)]
        if not found:
            return None
        text = protocol.hover_text(found, ls.explain)
        return lsp.Hover(lsp.MarkupContent(lsp.MarkupKind.Markdown, text),
                         pos.range(found[0].start.offset, found[0].end.offset))

    @server.feature(lsp.TEXT_DOCUMENT_CODE_ACTION,
                    lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.QuickFix]))
    def code_action(ls: CopydeskServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
        from copydesk.fixes import SAFE, fix_level

        doc = ls.docs.get(params.text_document.uri)
        if doc is None or doc.published is None or ls.project is None:
            return []
        pos = protocol.Positions(doc.text, ls.encoding())
        start, end = pos.offset(params.range.start), pos.offset(params.range.end)
        by_print = {(d.data or {}).get("fingerprint"): d for d in params.context.diagnostics
                    if isinstance(d.data, dict)}
        actions = []
        for f in ls.findings_at(doc.uri, start, end):
            safe = fix_level(ls.project.config, f.rule) == SAFE
            actions += protocol.code_actions(doc.uri, f, pos, doc.published.format, safe, by_print.get(f.fingerprint))
        return actions

    @server.command(protocol.ADD_WORD)
    async def add_word(ls: CopydeskServer, *args: Any) -> None:
        words = [a for a in (args[0] if len(args) == 1 and isinstance(args[0], list) else args) if isinstance(a, str)]
        if not words or ls.project is None:
            return
        target = await ls.run(URGENT, lambda: [ls.project.add_to_vocabulary(w) for w in words][-1])
        ls.log(f"copydesk: added {', '.join(words)} to {target}")
        await ls.reload()

    return server


def serve() -> int:
    """Run the server on stdin/stdout until the client exits."""
    import sys

    # Harper writes debugging lines on file descriptor 1, and copydesk points it at stderr while
    # Harper runs: the protocol gets a descriptor of its own, and fd 1 goes to stderr for good.
    out = os.fdopen(os.dup(sys.stdout.fileno()), "wb", buffering=0)
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    server = build_server()
    try:
        server.start_io(sys.stdin.buffer, out)
    finally:
        server.worker.stop()
        server.engines.stop()
    return 0
