"""The workspace as the language server sees it: its configuration, its corpus, and linting one
open document with the same stages as ``copydesk check`` (no editor protocol here).

The corpus is the configured paths (``copydesk.yaml``/``[tool.copydesk]`` ``paths``, else
``content/``) read from disk, each file's per-document result taken from the content cache when
the CLI or an earlier server left it there. An open document's diagnostics are its per-document
findings plus the corpus checks' findings for it over that corpus, with the document's current
text in place of the file on disk: for an unedited file, exactly what ``copydesk check`` reports.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
import threading
from pathlib import Path
from typing import Any, Callable

from copydesk.config import BUILTIN_DIR
from copydesk.lint import Selection, corpus_summaries, lint_document
from copydesk.results import FileResult
from copydesk.runner import finalize, run_corpus_checks
from copydesk.findings import Finding
from copydesk.inputs import InputError, InputFile, discover, read
from copydesk.profiles import ConfigRecipe, build_config

PROJECT_FILES = ("copydesk.yaml", "pyproject.toml")


def display_path(fs_path: str, root: str) -> str:
    """A file's path as the CLI run in ``root`` reports it: relative inside the root, '/' separated."""
    absolute = os.path.abspath(fs_path)
    rel = os.path.relpath(absolute, root)
    shown = absolute if rel == os.pardir or rel.startswith(os.pardir + os.sep) else rel
    return shown.replace(os.sep, "/")


class Project:
    """One workspace root: configuration, corpus and per-document linting (thread-safe calls from
    one linting thread; Harper's linters belong to the thread that built them)."""

    def __init__(self, root: str, selection: Selection | None = None) -> None:
        self.root = os.path.abspath(root)
        self.selection = selection or Selection()
        self.lock = threading.RLock()
        self.corpus: dict[str, FileResult] = {}
        self.config: Any = None
        self.stamp: tuple = ()
        self.load_config()

    # configuration ---------------------------------------------------------------------------
    def load_config(self) -> None:
        """(Re)load the workspace's configuration; a :class:`~copydesk.config.ConfigError` propagates."""
        with self.lock:
            self.stamp = self._stamp()
            self.config = build_config(ConfigRecipe(None, self.root, None, ()))

    def rules_dir(self) -> Path:
        """The project's rules folder (where its vocabulary lives): the folder of the project's own
        rule files, else ``rules/`` in the root."""
        for source in getattr(self.config, "sources", []):
            folder = Path(source).parent
            if folder.resolve() != BUILTIN_DIR.resolve():
                return folder
        return Path(self.config.root if self.config else self.root) / "rules"

    def _stamp(self) -> tuple:
        """Modification times of every file the configuration is read from."""
        files = [Path(self.root) / name for name in PROJECT_FILES]
        if self.config is not None:
            folder = self.rules_dir()
            files += sorted(folder.glob("*.y*ml")) + sorted((folder / "vocabulary").glob("*.txt"))
        out = []
        for f in files:
            try:
                out.append((str(f), f.stat().st_mtime_ns))
            except OSError:
                out.append((str(f), None))
        return tuple(out)

    def config_changed(self) -> bool:
        return self._stamp() != self.stamp

    def add_to_vocabulary(self, word: str) -> Path:
        """Append ``word`` to the project's accepted vocabulary; the configuration is reloaded."""
        target = self.rules_dir() / "vocabulary" / "accept.txt"
        target.parent.mkdir(parents=True, exist_ok=True)
        existing = target.read_text(encoding="utf-8") if target.exists() else ""
        if word not in (ln.strip() for ln in existing.splitlines()):
            with open(target, "a", encoding="utf-8", newline="") as fh:
                fh.write(("" if not existing or existing.endswith("\n") else "\n") + word + "\n")
        self.load_config()
        return target

    # corpus ----------------------------------------------------------------------------------
    def corpus_files(self) -> list[InputFile]:
        """The files ``copydesk check`` lints in this root without arguments."""
        config = self.config
        paths = config.paths or config.settings.get("paths") or ["content"]
        here = os.getcwd()
        try:
            os.chdir(self.root)  # paths are given, and shown, relative to the root
            files, _ = discover(list(paths), config.exclude)
        finally:
            os.chdir(here)
        return [InputFile(f.path, os.path.join(self.root, f.fs_path)) for f in files]

    def cache(self) -> Any:
        from copydesk.cache import Cache, cache_dir

        return Cache.for_run(self.config, self.selection, directory=cache_dir(self.config.root))

    def corpus_result(self, file: InputFile, cache: Any,
                      beside: Callable[[Callable[[], Any]], Any] | None = None) -> FileResult | None:
        """One corpus file's per-document result: from the content cache, else linted (and cached)."""
        try:
            text = read(file)
        except InputError:
            return None
        key = cache.key(file.path, text) if cache is not None else None
        hit = cache.get(key, file.path, text) if key is not None else None
        if hit is not None:
            return hit
        result = self.lint_document(file.path, text, beside)
        if result.document is not None:
            result.document.drop_caches()
        if key is not None:
            cache.put(key, result)
        return result

    # one document ----------------------------------------------------------------------------
    def engine_split(self) -> tuple[Selection, Selection] | None:
        """Selections of the engine checks (those reporting several categories: Harper, LanguageTool)
        and of the others, when both are enabled: the engines run natively, releasing the GIL, so
        the two groups can run in two threads at once. None when there is nothing to split."""
        if self.selection.select or self.selection.ignore:
            return None
        engines = tuple(sorted(rid for rid, spec in self.config.specs.items()
                               if len(spec.emits) > 1 and spec.scope == "document" and self.config.checks[rid].enabled))
        if not engines or len(engines) == len(self.config.specs):
            return None
        return Selection(select=engines), Selection(ignore=engines)

    def lint_document(self, path: str, text: str, beside: Callable[[Callable[[], Any]], Any] | None = None) -> FileResult:
        """The per-document stage and the corpus checks' summaries (a corpus file). With ``beside``
        (runs a call in another thread, returning a future), the engine checks run there meanwhile;
        the result is the same as in one call."""
        with self.lock:
            config = self.config
        split = self.engine_split() if beside is not None else None
        if split is None:
            return lint_document(path, text, config, self.selection)
        engines = beside(lambda: lint_document(path, text, config, split[0]))
        result = lint_document(path, text, config, split[1])  # the corpus checks' summaries too
        other = engines.result()
        return merged(result, other) if result.document is not None and other.document is not None else result

    def relint(self, path: str, text: str, beside: Callable[[Callable[[], Any]], Any] | None = None,
               previous: Any = None) -> "Relint":
        """An open document's per-document stage after an edit: the block-local checks only on the
        changed blocks (:mod:`copydesk.lsp.incremental`; ``previous`` is the state of its last
        text); the engine checks meanwhile in ``beside``'s thread, whose result this does not wait
        for (:meth:`Relint.complete` does). No summaries: :meth:`corpus_stage` makes them."""
        from copydesk.lsp import incremental

        with self.lock:
            config = self.config
        split = self.engine_split() if beside is not None else None
        try:
            if split is None:
                return Relint(*incremental.lint(path, text, config, self.selection, previous))
            engines = beside(lambda: incremental.lint(path, text, config, self.selection, only=split[0])[0])
            return Relint(*incremental.lint(path, text, config, self.selection, previous, only=split[1]), engines)
        except Exception:  # noqa: BLE001 - a parser bug: the whole lint reports it as this file's error
            return Relint(lint_document(path, text, config, self.selection), None)

    def corpus_stage(self, result: FileResult, others: dict[str, FileResult]) -> tuple[list[Finding], list[dict]]:
        """The corpus checks' findings and errors for ``result``'s document, over ``others`` (path ->
        result; the document's own entry is replaced by ``result``)."""
        if result.document is None:
            return [], []
        if not result.summaries:  # made once per text, here in the background rather than before the diagnostics
            result.summaries = corpus_summaries(result.document, self.config, self.selection,
                                                result.summary_failures)

        def shell(r: FileResult) -> FileResult:
            return FileResult(r.path, r.format, document=r.document, summaries=r.summaries,
                              summary_failures=r.summary_failures)

        mine = shell(result)
        shells = [shell(r) for p, r in sorted(others.items()) if p != result.path and r.document is not None]
        run_corpus_checks(shells + [mine], self.config, self.selection)
        return mine.findings, mine.errors


@dataclass
class Relint:
    """The checks run in the linting thread, the state for the next edit, and the engine checks'
    result to come (a future of a :class:`FileResult`, or None when they ran here too)."""

    result: FileResult
    state: Any
    engines: Any = None

    def complete(self) -> FileResult:
        """Everything, once the engine checks are done (the same as one whole lint)."""
        return self.result if self.engines is None else merged(self.result, self.engines.result())


def merged(result: FileResult, other: FileResult) -> FileResult:
    """``result`` with the findings and the errors it lacks of ``other`` (the same text's other checks)."""
    return dataclasses.replace(result, findings=result.findings + other.findings,
                              errors=result.errors + [e for e in other.errors if e not in result.errors])


def combine(result: FileResult, corpus_findings: list[Finding], corpus_errors: list[dict]) -> FileResult:
    """A document's report entry: per-document and corpus findings, ordered and fingerprinted as the
    CLI's (copies: the parts are kept and combined again after the next edit)."""
    out = FileResult(result.path, result.format, stats=result.stats,
                     findings=[dataclasses.replace(f) for f in [*result.findings, *corpus_findings]],
                     errors=[*result.errors, *corpus_errors], document=result.document)
    return finalize([out])[0]
