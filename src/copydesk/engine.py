"""The one data flow: read -> parse -> per-document checks -> corpus checks -> findings.

:func:`lint_text` is a pure function of (path, text, config): the per-document stage that
parallel and distributed runs reuse unchanged. Checks never format; formatters never analyze.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass, field
from typing import Any, Iterable

from copydesk.config import CheckConfig, Config
from copydesk.corpus import corpus_problems
from copydesk.document import Document
from copydesk.findings import Finding, Location, Position, Problem, fingerprint
from copydesk.inputs import InputError, InputFile, discover, read
from copydesk.parsing import parse
from copydesk.readability import document_stats
from copydesk.registry import CheckSpec, broken_checks, matches
from copydesk.suppression import Suppressions


@dataclass
class FileResult:
    path: str
    format: str | None
    stats: dict[str, Any] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    document: Document | None = None
    # corpus check id -> this document's summary, made in the per-document stage (workers, cache)
    summaries: dict[str, Any] = field(default_factory=dict)


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


def _error(check: str | None, message: str, verbose_trace: str | None = None) -> dict[str, Any]:
    err: dict[str, Any] = {"type": "check" if check else "input", "message": message}
    if check:
        err["check"] = check
    if verbose_trace:
        err["trace"] = verbose_trace
    return err


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


def _keep(finding: Finding, sup: Suppressions, selection: Selection) -> bool:
    return selection.wants(finding.rule, finding.category) and not sup.suppressed(
        finding.rule, finding.category, finding.start.offset
    )


def _input_finding(path: str, message: str, rule: str = "input.unreadable") -> Finding:
    pos = Position(0, 1, 1)
    return Finding(rule, "input", "error", message, path, pos, pos, "", fingerprint=fingerprint(rule, path, ""))


def enabled_checks(config: Config, path: str, scope: str, selection: Selection) -> list[tuple[CheckSpec, CheckConfig]]:
    out = []
    for rid, cc in sorted(config.for_path(path).items()):
        spec = config.specs[rid]
        if cc.enabled and spec.scope == scope and selection.may_run(spec):
            out.append((spec, cc))
    return out


def lint_text(path: str, text: str, config: Config, selection: Selection | None = None,
              verbose: bool = False) -> FileResult:
    """Parse one document and run its per-document checks (pure: no I/O)."""
    selection = selection or Selection()
    doc = parse(path, text)
    result = FileResult(path, doc.format, document=doc)
    result.stats = document_stats(doc)
    if "__error__" in doc.front_matter:
        result.findings.append(_input_finding(path, f"{path}: {doc.front_matter['__error__']}", "input.front-matter"))
    sup = Suppressions(doc)
    for module, message in broken_checks().items():
        result.errors.append(_error(module, f"{path}: {message}"))
    for spec, cc in enabled_checks(config, path, "document", selection):
        opts = check_options(spec, cc, config)
        try:
            for p in spec.func(doc, opts):
                f = make_finding(doc, spec, cc, p)
                if _keep(f, sup, selection):
                    result.findings.append(f)
        except Exception as exc:  # noqa: BLE001 - one failing check must not lose the rest
            trace = traceback.format_exc() if verbose else None
            result.errors.append(_error(spec.id, f"{path}: check {spec.id} failed: {type(exc).__name__}: {exc}", trace))
    return result


def lint_file(file: InputFile, config: Config, selection: Selection | None = None, verbose: bool = False) -> FileResult:
    try:
        text = read(file)
    except InputError as exc:
        res = FileResult(file.path, None)
        res.errors.append(_error(None, str(exc)))
        res.findings.append(_input_finding(file.path, str(exc)))
        return res
    return lint_text(file.path, text, config, selection, verbose)


def corpus_summaries(doc: Document, config: Config, selection: Selection) -> dict[str, Any]:
    """This document's summary for each summarising corpus check that covers it (per-document
    stage: runs in the workers and is cached). A failing ``summarise`` is left to the corpus stage,
    which reports it."""
    out: dict[str, Any] = {}
    for spec, cc in enabled_checks(config, "", "corpus", selection):
        if spec.summarise is None or not config.for_path(doc.path).get(spec.id, cc).enabled:
            continue
        try:
            out[spec.id] = spec.summarise(doc, check_options(spec, cc, config))
        except Exception:  # noqa: BLE001
            continue
    return out


def run_corpus_checks(results: list[FileResult], config: Config, selection: Selection, verbose: bool = False,
                      jobs: int = 1) -> None:
    docs = [r.document for r in results if r.document is not None]
    by_path = {d.path: d for d in docs}
    res_by_path = {r.path: r for r in results}
    sups = {d.path: Suppressions(d) for d in docs}
    corpus_checks = enabled_checks(config, "", "corpus", selection)
    for spec, cc in corpus_checks:
        opts = check_options(spec, cc, config)
        eligible = [d for d in docs if config.for_path(d.path).get(spec.id, cc).enabled]
        known = [res_by_path[d.path].summaries.get(spec.id) for d in eligible]
        try:
            problems = list(corpus_problems(spec, eligible, opts, known, jobs))
        except Exception as exc:  # noqa: BLE001
            trace = traceback.format_exc() if verbose else None
            for r in results:
                if r.document is not None:
                    r.errors.append(_error(spec.id, f"corpus check {spec.id} failed: {type(exc).__name__}: {exc}", trace))
            continue
        for p in problems:
            doc = by_path.get(p.path or "")
            if doc is None:
                continue
            file_cc = config.for_path(doc.path).get(spec.id, cc)
            f = make_finding(doc, spec, file_cc, p, by_path)
            if _keep(f, sups[doc.path], selection):
                res_by_path[doc.path].findings.append(f)


def finalize(results: Iterable[FileResult]) -> list[FileResult]:
    out = sorted(results, key=lambda r: r.path)
    for r in out:
        r.findings.sort(key=Finding.sort_key)
        seen: dict[str, int] = {}
        for f in r.findings:
            n = seen.get(f.fingerprint, 0)
            seen[f.fingerprint] = n + 1
            if n:
                f.fingerprint = f"{f.fingerprint}-{n + 1}"
    return out


def missing_results(missing: list[tuple[str, str]]) -> list[FileResult]:
    """Results for paths that do not exist: an error entry and an ``input.missing`` finding each."""
    results = []
    for path, message in missing:
        r = FileResult(path, None)
        r.errors.append(_error(None, message))
        r.findings.append(_input_finding(path, message, "input.missing"))
        results.append(r)
    return results


def lint_paths(paths: list[str], config: Config, selection: Selection | None = None,
               verbose: bool = False, progress: Any = None, jobs: int = 1, cache: Any = None) -> list[FileResult]:
    """Lint files and folders; unreadable or missing inputs become error entries.

    ``jobs`` > 1 runs the per-document stage in worker processes and ``cache`` (a
    :class:`copydesk.cache.Cache`) reuses earlier per-document results; neither changes the output.
    """
    from copydesk.parallel import lint_files

    selection = selection or Selection()
    files, missing = discover(paths, config.exclude)
    results = missing_results(missing)
    results.extend(lint_files(files, config, selection, verbose, jobs, cache, progress))
    run_corpus_checks(results, config, selection, verbose, jobs)
    return finalize(results)
