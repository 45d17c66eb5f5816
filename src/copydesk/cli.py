"""The ``copydesk`` command line: ``check``, ``rules``, ``explain``."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any, Sequence

from copydesk import __version__

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _csv(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def build_parser() -> argparse.ArgumentParser:
    from copydesk.formatters import FORMATTERS

    parser = argparse.ArgumentParser(
        prog="copydesk",
        description="A content-quality linter for editorial teams: readability, grammar and spelling, "
        "off-topic insertions, boilerplate, unsupported claims.",
    )
    parser.add_argument("--version", action="version", version=f"copydesk {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = sub.add_parser("check", help="lint files and folders", description="Lint Markdown, text and HTML files.")
    check.add_argument("paths", nargs="*", metavar="PATH", help="files or folders (default: configured paths, else content/)")
    check.add_argument("--format", "-f", default="text", choices=sorted(FORMATTERS), help="report format (default: text)")
    check.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE instead of stdout")
    check.add_argument("--output-dir", metavar="DIR", default=None,
                       help="write the report as JSON Lines shards to DIR (a folder or an fsspec URL such as "
                       "s3://bucket/audit) instead of one report; read it with 'copydesk report merge DIR'")
    check.add_argument("--fail-on", choices=["error", "warning", "info", "never"], default=None,
                       help="exit 1 when a finding is at or above this severity (default: error)")
    check.add_argument("--rules", metavar="DIR", help="folder of rule YAML files (default: discovered)")
    check.add_argument("--select", type=_csv, default=[], metavar="RULES",
                       help="only these rule ids, prefixes or categories (comma separated)")
    check.add_argument("--ignore", type=_csv, default=[], metavar="RULES", help="skip these rule ids, prefixes or categories")
    check.add_argument("--grammar-engine", choices=["harper", "languagetool", "none"], default=None,
                       help="grammar and spelling engine (default: harper)")
    check.add_argument("--audience", default=None, help="readability target: children, general, professional, academic or a grade")
    check.add_argument("--quiet", "-q", action="store_true", help="print nothing on the terminal (--output is still written); only the exit code")
    check.add_argument("--no-color", action="store_true", help="never colour the text report")
    check.add_argument("--verbose", "-v", action="store_true", help="include tracebacks of failing checks")
    check.add_argument("--baseline", metavar="FILE", help="report only findings not recorded in this baseline file")
    check.add_argument("--write-baseline", metavar="FILE", help="record the current findings' fingerprints in FILE")
    check.add_argument("--changed-since", metavar="REF", help="only findings on lines changed since this git ref")
    check.add_argument("--fix", action="store_true",
                       help="apply the safe fixes (suggestions their checks declare safe) to the files, then "
                       "report what is left")
    check.add_argument("--diff", action="store_true",
                       help="print the fixes --fix would apply as a unified diff and change nothing "
                       "(exit 1 when there is one)")
    check.add_argument("--unsafe-fixes", action="store_true",
                       help="with --fix or --diff, apply the unsafe fixes too (they may change meaning)")
    check.add_argument("--profile", choices=["fast", "default", "thorough"], default=None,
                       help="fast: no grammar engine; default: + Harper; thorough: + LanguageTool/optional models "
                       "where installed (default: settings.profile, else default)")
    check.add_argument("--jobs", "-j", type=int, default=None, metavar="N",
                       help="documents linted in N parallel processes (default: all cores); output does not change")
    check.add_argument("--no-cache", action="store_true",
                       help="do not read or write the result cache (.copydesk_cache/ or $COPYDESK_CACHE_DIR)")
    check.add_argument("--executor", "--engine", dest="executor", choices=["local", "dask"], default=None,
                       help="where documents are linted: local, processes on this machine (default: "
                       "settings.executor, else local); dask, a Dask cluster (--scheduler, else a local one of --jobs "
                       "processes; pip install 'copydesk[dask]'). The report does not change. (--engine: old name)")
    check.add_argument("--scheduler", metavar="ADDRESS", default=None,
                       help="Dask scheduler for --executor dask, e.g. tcp://10.0.0.5:8786 (default: settings.scheduler, "
                       "else $DASK_SCHEDULER_ADDRESS, else a local cluster)")
    check.add_argument("--dask-inputs", choices=["path", "text"], default=None,
                       help="dask workers read files at the same path (shared storage; default) or get the text "
                       "with each task (small corpora, no shared storage)")

    report = sub.add_parser("report", help="reports written as shards (check --output-dir)")
    rsub = report.add_subparsers(dest="report_command", metavar="ACTION", required=True)
    merge = rsub.add_parser("merge", help="one report, in any format, from the shards of check --output-dir",
                            description="Merge the shards of 'copydesk check --output-dir DIR' into one report: "
                            "the same bytes as the check's report, for the files under PATH ... only, if given.")
    merge.add_argument("output_dir", metavar="DIR", help="the folder or fsspec URL given to --output-dir")
    merge.add_argument("paths", nargs="*", metavar="PATH", help="only files at or under these paths, as reported")
    merge.add_argument("--format", "-f", default="text", choices=sorted(FORMATTERS), help="report format (default: text)")
    merge.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE instead of stdout")
    merge.add_argument("--fail-on", choices=["error", "warning", "info", "never"], default=None,
                       help="exit 1 when a finding is at or above this severity (default: error)")
    merge.add_argument("--quiet", "-q", action="store_true", help="print nothing on the terminal; only the exit code")
    merge.add_argument("--no-color", action="store_true", help="never colour the text report")
    merge.add_argument("--baseline", metavar="FILE", help="report only findings not recorded in this baseline file")
    merge.add_argument("--write-baseline", metavar="FILE", help="record the merged findings' fingerprints in FILE")
    merge.add_argument("--changed-since", metavar="REF", help="only findings on lines changed since this git ref")

    rules = sub.add_parser("rules", help="list the checks with category, severity and summary")
    rules.add_argument("--rules", metavar="DIR", help="folder of rule YAML files")
    rules.add_argument("--all", action="store_true", help="include disabled checks")

    explain = sub.add_parser("explain", help="print a check's documentation and options")
    explain.add_argument("rule", metavar="RULE")
    explain.add_argument("--rules", metavar="DIR", help="folder of rule YAML files")

    sub.add_parser("lsp", help="run the language server on stdin/stdout (for editors: docs/editors.md)",
                   description="A Language Server Protocol server over stdio: diagnostics, hovers and quick fixes "
                   "for Markdown, text and HTML, with the workspace's configuration. Editors start it; see "
                   "docs/editors.md.")

    vocab = sub.add_parser("vocab", help="project vocabulary tools")
    vsub = vocab.add_subparsers(dest="vocab_command", metavar="ACTION", required=True)
    vsuggest = vsub.add_parser("suggest", help="unknown words that recur across the corpus, most frequent first "
                               "(append the accepted ones to rules/vocabulary/accept.txt)")
    vsuggest.add_argument("paths", nargs="*", metavar="PATH", help="files or folders (default: configured paths)")
    vsuggest.add_argument("--min-count", type=int, default=2, metavar="N", help="only words seen N times or more")
    vsuggest.add_argument("--counts", action="store_true", help="also print occurrences and files (tab separated)")
    vsuggest.add_argument("--rules", metavar="DIR", help="folder of rule YAML files")
    return parser


def _load_config(args: argparse.Namespace) -> Any:
    from copydesk.profiles import ConfigRecipe, build_config

    overrides: list[tuple[str, Any]] = []
    if getattr(args, "grammar_engine", None):
        overrides.append(("grammar_engine", args.grammar_engine))
    if getattr(args, "audience", None):
        aud = args.audience
        try:
            overrides.append(("audience", float(aud)))
        except ValueError:
            if aud not in ("children", "general", "professional", "academic"):
                raise SystemExit(_usage(f"--audience {aud}: use children, general, professional, academic or a grade number"))
            overrides.append(("audience", aud))
    rules = getattr(args, "rules", None)
    recipe = ConfigRecipe(os.path.abspath(rules) if rules else None, os.getcwd(),
                          getattr(args, "profile", None), tuple(overrides))
    return build_config(recipe)


def _usage(message: str) -> int:
    print(f"copydesk: error: {message}", file=sys.stderr)
    return EXIT_ERROR


def _progress(paths: list[str], config: Any, quiet: bool) -> Any:
    """A rich progress bar on stderr when it is a terminal (a no-op context otherwise)."""
    import contextlib

    if quiet or not sys.stderr.isatty():
        return contextlib.nullcontext(None)
    from copydesk.inputs import discover

    total = len(discover(paths, config.exclude)[0])
    if total < 2:
        return contextlib.nullcontext(None)
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    @contextlib.contextmanager
    def bar() -> Any:
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=Console(file=sys.stderr, force_terminal=True), transient=True) as prog:
            task = prog.add_task("linting", total=total)

            def advance(path: str) -> None:
                prog.advance(task)
                if prog.tasks[0].completed >= total:
                    prog.update(task, description="corpus checks")
            yield advance

    return bar()


def _filter_findings(args: argparse.Namespace, results: list[Any]) -> None:
    """--write-baseline records everything found; --baseline and --changed-since then narrow it."""
    if args.write_baseline:
        from copydesk.baseline import write_baseline

        n = write_baseline(args.write_baseline, results)
        if not args.quiet:
            print(f"copydesk: wrote {n} finding fingerprints to {args.write_baseline}", file=sys.stderr)
    if args.baseline:
        from copydesk.baseline import apply_baseline, load_baseline

        apply_baseline(results, load_baseline(args.baseline))
    if args.changed_since:
        from copydesk.changed import apply_changed, changed_lines

        apply_changed(results, changed_lines(args.changed_since))


def _fix(args: argparse.Namespace, results: list[Any], paths: list[str], config: Any,
         selection: Any) -> tuple[int, dict[str, str]]:
    """--diff prints the fixes, --fix writes them: (files changed, path -> why it could not be)."""
    from copydesk.fixes import ChangedOnDisk, fix_results, unsafe_available, write_source
    from copydesk.inputs import discover

    fs_paths = {f.path: f.fs_path for f in discover(paths, config.exclude)[0]}
    fixes = fix_results(results, fs_paths, config, selection, args.unsafe_fixes)
    failed: dict[str, str] = {}
    for fx in fixes:
        if not fx.outcome.settled and not args.quiet:
            print(f"copydesk: {fx.source.path}: fixes still change the text after {fx.outcome.passes} passes; "
                  "run again or report the rules involved", file=sys.stderr)
        if args.diff:
            sys.stdout.write(fx.diff)
            continue
        try:
            write_source(fx.source, fx.outcome.text)
        except (ChangedOnDisk, OSError) as exc:
            failed[fx.source.path] = (str(exc) if isinstance(exc, ChangedOnDisk) else
                                      f"{fx.source.path}: could not write the fixes ({exc}); check the file's "
                                      "permissions")
    if not args.quiet:
        applied = sum(fx.outcome.applied for fx in fixes)
        verb = "would fix" if args.diff else "fixed"
        more = "" if args.unsafe_fixes else unsafe_available(results, config)
        hint = f" ({more} more with --unsafe-fixes)" if more else ""
        print(f"copydesk: {verb} {applied} problem{'s' if applied != 1 else ''} in {len(fixes) - len(failed)} "
              f"file{'s' if len(fixes) - len(failed) != 1 else ''}{hint}", file=sys.stderr)
    return len(fixes) - len(failed), failed


def cmd_check(args: argparse.Namespace) -> int:
    from copydesk.runconfig import UsageError, resolve
    from copydesk.runner import lint_paths

    if args.output_dir and (args.baseline or args.write_baseline or args.changed_since or args.output
                            or args.fix or args.diff):
        return _usage("--output-dir writes shards, not one report: apply --baseline, --write-baseline, "
                      "--changed-since and --output with 'copydesk report merge'; --fix and --diff without it")
    try:
        run = resolve(args, _load_config(args))
    except UsageError as exc:
        return _usage(str(exc))
    config, paths, selection = run.config, list(run.paths), run.selection
    cache, executor = run.make_cache(), run.make_executor()

    if args.output_dir:  # the report goes to shards where the results are; only its tally comes here
        from copydesk.runner import write_paths

        with _progress(paths, config, args.quiet) as progress:
            tally = write_paths(paths, args.output_dir, config, selection, verbose=run.verbose, progress=progress,
                                cache=cache, executor=executor)
        return _emit_tally(args, config, tally)

    def lint() -> list[Any]:
        with _progress(paths, config, args.quiet) as progress:
            return lint_paths(paths, config, selection, verbose=run.verbose, progress=progress, cache=cache,
                              executor=executor)

    results = lint()
    _filter_findings(args, results)
    if args.diff or args.fix:
        changed, failed = _fix(args, results, paths, config, selection)
        if args.diff:
            return EXIT_ERROR if failed else EXIT_FINDINGS if changed else EXIT_OK
        if changed:  # report what the fixes left
            results = lint()
            _filter_findings(args, results)
        for r in results:  # a file that could not be fixed is an input error of that file
            if r.path in failed:
                r.errors.append({"type": "input", "message": failed[r.path]})
    return _emit(args, config, results)


def _exit_code(args: argparse.Namespace, config: Any, errors: bool, severities: Any) -> int:
    from copydesk.findings import SEVERITY_RANK
    from copydesk.runconfig import resolve

    if errors:
        return EXIT_ERROR
    threshold = SEVERITY_RANK[resolve(args, config).fail_on]
    return EXIT_FINDINGS if any(SEVERITY_RANK[s] >= threshold for s in severities) else EXIT_OK


def _emit_tally(args: argparse.Namespace, config: Any, tally: Any) -> int:
    """``check --output-dir``: the shards are the report; print their summary and error causes."""
    if not args.quiet:
        s = tally.summary()
        by = ", ".join(f"{n} {k}" for k, n in s["by_severity"].items())
        print(f"copydesk: {s['files']} files, {s['findings']} findings{f' ({by})' if by else ''} written to "
              f"{args.output_dir}; read them with: copydesk report merge {args.output_dir} --format FORMAT",
              file=sys.stderr)
        for message in tally.causes.values():
            print(f"copydesk: {message}", file=sys.stderr)
    return _exit_code(args, config, tally.errors > 0, [k for k, n in tally.by_severity.items() if n])


def _emit(args: argparse.Namespace, config: Any, results: list[Any], texts: dict[str, str] | None = None) -> int:
    """The report of ``results`` in ``--format``, its error lines and the exit code: the end of
    ``copydesk check`` and of ``copydesk report merge``."""
    from copydesk.formatters import get_formatter
    from copydesk.report import build_report
    from copydesk.shards import cause

    report = build_report(results)
    to_tty = not args.output and sys.stdout.isatty()
    color = to_tty and not args.no_color and "NO_COLOR" not in os.environ
    fmt_options: dict[str, Any] = {"color": color, "config": config}
    if args.format == "html":
        from copydesk.formatters.html import document_texts

        fmt_options["texts"] = texts if texts is not None else document_texts(results)
    for r in results:  # parsed documents are not read past this point: free them before formatting
        r.document = None
    formatter = get_formatter(args.format)
    # a formatter with chunks() (json) is written piece by piece: no second copy of a large report
    pieces = formatter.chunks(report, fmt_options) if hasattr(formatter, "chunks") else \
        [formatter.format(report, fmt_options)]
    if args.output:  # --quiet silences the terminal, not the requested report file
        tmp = f"{args.output}.tmp{os.getpid()}"
        with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
            fh.writelines(pieces)
        os.replace(tmp, args.output)
    elif not args.quiet:
        if color and args.format == "text":
            from rich.console import Console

            Console(highlight=False, soft_wrap=True).print("".join(pieces), end="")
        else:
            for piece in pieces:
                sys.stdout.write(piece)
    printed: set[str] = set()
    for r in results:
        for e in r.errors:
            # the same check failing for the same cause in many files (or worker processes) is one line
            if not args.quiet and cause(e) not in printed:
                printed.add(cause(e))
                print(f"copydesk: {e['message']}", file=sys.stderr)
    return _exit_code(args, config, any(r.errors for r in results),
                      {f.severity for r in results for f in r.findings})


def cmd_rules(args: argparse.Namespace) -> int:
    config = _load_config(args)
    rows = []
    for rid, spec in sorted(config.specs.items()):
        cc = config.checks[rid]
        if not cc.enabled and not args.all:
            continue
        state = "" if cc.enabled else " (disabled)"
        rows.append((rid, spec.category, cc.severity + state, spec.summary))
    width = max((len(r[0]) for r in rows), default=10)
    for rid, cat, sev, summary in rows:
        print(f"{rid:<{width}}  {cat:<17} {sev:<8} {summary}")
    return EXIT_OK


def cmd_explain(args: argparse.Namespace) -> int:
    from copydesk.ruledocs import explain_text

    config = _load_config(args)
    text = explain_text(config, args.rule)
    if text is None:
        close = [r for r in config.specs if args.rule in r][:8]
        hint = f"; did you mean: {', '.join(close)}" if close else "; run 'copydesk rules' to list them"
        return _usage(f"unknown rule '{args.rule}'{hint}")
    sys.stdout.write(text)
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    """``copydesk report merge DIR [PATH ...]``: the shards back into one report, in any format."""
    from copydesk.shards import manifest_config, read_results

    manifest, results = read_results(args.output_dir, args.paths)
    config = manifest_config(manifest) or _load_config(args)
    texts: dict[str, str] | None = None
    if args.format == "html":  # the report shows each file's text: read from the folder the check ran in
        from copydesk.inputs import InputError, InputFile, read

        cwd, texts = getattr(getattr(config, "recipe", None), "cwd", None) or os.getcwd(), {}
        for r in results:
            try:
                if r.format is not None:
                    texts[r.path] = read(InputFile(r.path, os.path.join(cwd, r.path)))
            except InputError:
                pass
    _filter_findings(args, results)
    return _emit(args, config, results, texts)


def cmd_vocab(args: argparse.Namespace) -> int:
    from copydesk.vocab import suggest

    from copydesk.runconfig import resolve

    config = _load_config(args)
    for term, n, files in suggest(list(resolve(args, config).paths), config, args.min_count):
        print(f"{term}\t{n}\t{files}" if args.counts else term)
    return EXIT_OK


def cmd_lsp(args: argparse.Namespace) -> int:
    from copydesk.lsp import serve

    return serve()


COMMANDS = {"check": cmd_check, "report": cmd_report, "rules": cmd_rules, "explain": cmd_explain, "vocab": cmd_vocab,
            "lsp": cmd_lsp}


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return EXIT_ERROR
    from copydesk.config import ConfigError  # after parsing: --help stays fast

    try:
        return COMMANDS[args.command](args)
    except ConfigError as exc:
        return _usage(str(exc))
    except ValueError as exc:
        return _usage(str(exc))
    except RuntimeError as exc:
        from copydesk.distributed import ClusterLost  # a Dask cluster left without workers

        if isinstance(exc, ClusterLost):
            return _usage(str(exc))
        raise
    except BrokenPipeError:
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
