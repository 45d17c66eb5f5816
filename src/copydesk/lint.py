"""The per-document stage: parse one document, run its checks, summarise it for the corpus checks.

:func:`lint_document` is the one function every executor runs per document (serial, process
pool, Dask): a pure function of (path, text, configuration) that never raises. The runner
(:mod:`copydesk.runner`) decides where it runs and puts the cache in front of it. Checks never
format; formatters never analyze.
"""

from __future__ import annotations

import traceback
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Callable

from copydesk.budget import Deadline, Limits, OverBudget
from copydesk.config import CheckConfig, Config
from copydesk.document import Document
from copydesk.findings import Finding, Position, Problem, fingerprint
from copydesk.parsing import parse
from copydesk.readability import document_stats
from copydesk.registry import CheckSpec, broken_checks, matches
from copydesk.results import FileResult, error_entry, failed_file, input_finding
from copydesk.suppression import Suppressions


@dataclass
class Selection:
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()

    def wants(self, rule: str, category: str) -> bool:
        if self.select and not matches(rule, category, self.select):
            return False
        return not (self.ignore and matches(rule, category, self.ignore))

    def may_run(self, spec: CheckSpec) -> bool:
        """Whether a check can produce a wanted finding (engine checks emit sub-rule ids)."""
        if self.ignore and matches(spec.id, spec.category, self.ignore):
            return False
        if not self.select:
            return True
        return (matches(spec.id, spec.category, self.select)
                or any(s.startswith(spec.id + ".") or s in spec.emits for s in self.select))


def check_options(spec: CheckSpec, cc: CheckConfig, config: Config) -> dict[str, Any]:
    opts = dict(cc.options)
    for key in spec.settings:
        opts[key] = config.vocabulary if key == "vocabulary" else config.settings.get(key)
    return opts


def make_finding(doc: Document, spec: CheckSpec, cc: CheckConfig, p: Problem,
                 docs_by_path: dict[str, Document] | None = None) -> Finding:
    start = max(0, min(p.start, len(doc.text)))
    end = max(start, min(p.end, len(doc.text)))
    sl, sc = doc.position(start)
    el, ec = doc.position(end)
    sentence = doc.sentence_at(start)
    sent_text = doc.text[sentence.start:sentence.end] if sentence else doc.text[start:end]
    rule = p.rule or spec.id
    related = []
    for loc in p.related:
        if loc.start_pos is not None and loc.end_pos is not None:
            a, b = loc.start_pos, loc.end_pos  # placed by the check (summaries): no document needed
        else:
            other = (docs_by_path or {}).get(loc.path, doc if loc.path == doc.path else None)
            if other is None:
                continue
            a, b = other.position(loc.start), other.position(loc.end)
        related.append({
            "path": loc.path,
            "start": {"offset": loc.start, "line": a[0], "column": a[1]},
            "end": {"offset": loc.end, "line": b[0], "column": b[1]},
        })
    text = doc.text[start:end]
    return Finding(
        rule=rule,
        category=p.category or spec.category,
        severity=p.severity or cc.severity,
        message=p.message,
        path=doc.path,
        start=Position(start, sl, sc),
        end=Position(end, el, ec),
        text=text,
        score=p.score,
        suggestions=list(p.suggestions),
        fingerprint=fingerprint(rule, text, sent_text),
        related=related,
    )


def keep(finding: Finding, sup: Suppressions, selection: Selection) -> bool:
    return selection.wants(finding.rule, finding.category) and not sup.suppressed(
        finding.rule, finding.category, finding.start.offset
    )


def enabled_checks(config: Config, path: str, scope: str, selection: Selection) -> list[tuple[CheckSpec, CheckConfig]]:
    out = []
    for rid, cc in sorted(config.for_path(path).items()):
        spec = config.specs[rid]
        if cc.enabled and spec.scope == scope and selection.may_run(spec):
            out.append((spec, cc))
    return out


def begin(path: str, text: str) -> tuple[Document, FileResult, Suppressions]:
    """Parse ``text`` and start its result (stats, front-matter and broken-check errors) and its
    suppressions: what every per-document lint does before the checks run (CLI and editor alike)."""
    doc = parse(path, text)
    result = FileResult(path, doc.format, document=doc)
    result.stats = document_stats(doc)
    if "__error__" in doc.front_matter:
        result.findings.append(input_finding(path, f"{path}: {doc.front_matter['__error__']}", "input.front-matter"))
    for module, message in broken_checks().items():
        result.errors.append(error_entry(module, f"{path}: {message}"))
    return doc, result, Suppressions(doc)


def lint_text(path: str, text: str, config: Config, selection: Selection | None = None,
              verbose: bool = False, also: Callable[[FileResult], None] | None = None) -> FileResult:
    """Parse one document and run its per-document checks (pure: no I/O).

    Every check runs within its time budget on the file and the file's (:mod:`copydesk.budget`):
    a check over budget is stopped, its findings on this file are dropped and an error entry names
    the file, the check and the budget. With cores to spare (:func:`engines_beside`), the engine
    checks (native, they release the GIL) run in a thread beside the others; findings and errors
    are gathered check by check, in order, so the result is the same. ``also`` (the corpus
    summaries) runs here after the other checks, while the engine checks may still run."""
    selection = selection or Selection()
    doc, result, sup = begin(path, text)
    limits = Limits(config.settings, len(text))
    checks = enabled_checks(config, path, "document", selection)

    def run(spec: CheckSpec, cc: CheckConfig) -> tuple[list[Finding], dict[str, Any] | None]:
        return _run_check(doc, spec, cc, check_options(spec, cc, config), sup, selection, limits, verbose)

    aside = [(spec, cc) for spec, cc in checks if spec.spare_core is not None] if _BESIDE else []
    engines = _BESIDE[0].submit(lambda: {spec.id: run(spec, cc) for spec, cc in aside}) if aside else None
    done = {spec.id: run(spec, cc) for spec, cc in checks if engines is None or spec.spare_core is None}
    if also is not None:
        also(result)
    if engines is not None:
        done.update(engines.result())
    for spec, _ in checks:
        found, error = done[spec.id]
        result.findings.extend(found)
        if error is not None:
            result.errors.append(error)
    return result


def _run_check(doc: Document, spec: CheckSpec, cc: CheckConfig, opts: dict[str, Any], sup: Suppressions,
               selection: Selection, limits: Limits, verbose: bool) -> tuple[list[Finding], dict[str, Any] | None]:
    """One check's kept findings on ``doc`` and its error entry, if it failed or ran out of time."""
    path, found = doc.path, []
    seconds, setting = limits.next()
    if seconds is not None and seconds <= 0:
        return [], dict(error_entry(spec.id, f"{path}: check {spec.id} not run: the file's time budget is used "
                                             f"up ({setting})"), budget=limits.file * limits.scale)
    try:
        with Deadline(seconds):
            for p in spec.func(doc, opts):
                f = make_finding(doc, spec, cc, p)
                if keep(f, sup, selection):
                    found.append(f)
    except OverBudget:
        return [], dict(error_entry(spec.id, f"{path}: check {spec.id} stopped after {seconds:.1f} s, its time "
                                             f"budget on this file ({setting}); its findings on this file are not "
                                             "reported"), budget=round(seconds, 1))
    except Exception as exc:  # noqa: BLE001 - one failing check must not lose the rest
        trace = traceback.format_exc() if verbose else None
        return found, error_entry(spec.id, f"{path}: check {spec.id} failed: {type(exc).__name__}: {exc}", trace)
    return found, None


_BESIDE: list[ThreadPoolExecutor] = []  # the engine checks' thread, while cores are spare


def engines_beside(on: bool) -> None:
    """Run the engine checks (those with a ``spare_core`` hook) in a thread beside the others:
    for a process with cores to spare, such as a run over one long document. Off before forking."""
    if on and not _BESIDE:
        _BESIDE.append(ThreadPoolExecutor(max_workers=1, thread_name_prefix="copydesk-engines"))
    elif not on and _BESIDE:
        _BESIDE.pop().shutdown(wait=True)


def corpus_summaries(doc: Document, config: Config, selection: Selection,
                     failures: dict[str, str], only: set[str] | None = None) -> dict[str, Any]:
    """This document's summary for each corpus check that covers it (``only``: just these
    checks). A failing ``summarise`` is recorded in ``failures`` for the corpus stage to report."""
    out: dict[str, Any] = {}
    seconds, setting = Limits(config.settings, len(doc.text)).next()  # each summary: one check's budget
    for spec, cc in enabled_checks(config, "", "corpus", selection):
        if (only is not None and spec.id not in only) or not config.for_path(doc.path).get(spec.id, cc).enabled:
            continue
        try:
            with Deadline(seconds):
                out[spec.id] = spec.summarise(doc, check_options(spec, cc, config))
        except OverBudget:
            failures[spec.id] = f"summary of {doc.path} stopped after {seconds:.1f} s ({setting})"
        except Exception as exc:  # noqa: BLE001 - reported by the corpus stage, for the whole check
            failures[spec.id] = f"{type(exc).__name__}: {exc}"
    return out


def lint_document(path: str, text: str, config: Config, selection: Selection, verbose: bool = False) -> FileResult:
    """The per-document stage: :func:`lint_text` and the corpus checks' summaries.

    A failure outside any check (a parser bug) becomes this file's error entry: one bad document
    never stops the run. The document's check caches are dropped (never read again)."""
    def summarise(result: FileResult) -> None:
        if result.document is not None:
            result.summaries = corpus_summaries(result.document, config, selection, result.summary_failures)

    try:
        result = lint_text(path, text, config, selection, verbose, also=summarise)
    except Exception as exc:  # noqa: BLE001
        message = f"{path}: could not be parsed ({type(exc).__name__}: {exc}); please report this file"
        return failed_file(path, message, "input.parse-failed", traceback.format_exc() if verbose else None)
    if result.document is not None:
        result.document.drop_caches()
    return result


