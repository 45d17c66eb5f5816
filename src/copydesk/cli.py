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
    check.add_argument("--profile", choices=["fast", "default", "thorough"], default=None,
                       help="fast: no grammar engine; default: + Harper; thorough: + LanguageTool/optional models "
                       "where installed (default: settings.profile, else default)")
    check.add_argument("--jobs", "-j", type=int, default=None, metavar="N",
                       help="documents linted in N parallel processes (default: all cores); output does not change")
    check.add_argument("--no-cache", action="store_true",
                       help="do not read or write the result cache (.copydesk_cache/ or $COPYDESK_CACHE_DIR)")
    check.add_argument("--engine", choices=["local", "dask"], default=None,
                       help="local: processes on this machine (default: settings.engine, else local); dask: a Dask "
                       "cluster (--scheduler, else a local one of --jobs processes; pip install 'copydesk[dask]'). "
                       "The report does not change")
    check.add_argument("--scheduler", metavar="ADDRESS", default=None,
                       help="Dask scheduler for --engine dask, e.g. tcp://10.0.0.5:8786 (default: settings.scheduler, "
                       "else $DASK_SCHEDULER_ADDRESS, else a local cluster)")
    check.add_argument("--dask-inputs", choices=["path", "text"], default=None,
                       help="dask workers read files at the same path (shared storage; default) or get the text "
                       "with each task (small corpora, no shared storage)")

    rules = sub.add_parser("rules", help="list the checks with category, severity and summary")
    rules.add_argument("--rules", metavar="DIR", help="folder of rule YAML files")
    rules.add_argument("--all", action="store_true", help="include disabled checks")

    explain = sub.add_parser("explain", help="print a check's documentation and options")
    explain.add_argument("rule", metavar="RULE")
    explain.add_argument("--rules", metavar="DIR", help="folder of rule YAML files")

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


def cmd_check(args: argparse.Namespace) -> int:
    from copydesk.executors import default_jobs, local_executor
    from copydesk.findings import SEVERITY_RANK
    from copydesk.formatters import get_formatter
    from copydesk.lint import Selection
    from copydesk.report import build_report
    from copydesk.runner import lint_paths

    config = _load_config(args)
    paths = args.paths or config.paths or config.settings.get("paths") or ["content"]
    selection = Selection(tuple(args.select), tuple(args.ignore))
    if args.jobs is not None and args.jobs < 1:
        return _usage(f"--jobs {args.jobs}: give a number of processes of at least 1")
    cache = None
    if not args.no_cache:
        from copydesk.cache import Cache

        cache = Cache.for_run(config, selection)
    if (args.engine or config.settings.get("engine") or "local") == "dask":
        from copydesk.distributed import executor_from_settings

        executor = executor_from_settings(args.scheduler or config.settings.get("scheduler"), args.jobs,
                                          args.dask_inputs or config.settings.get("dask_inputs"))
    else:
        executor = local_executor(args.jobs or default_jobs())
    with _progress(paths, config, args.quiet) as progress:
        results = lint_paths(paths, config, selection, verbose=args.verbose, progress=progress, cache=cache,
                             executor=executor)
    _filter_findings(args, results)
    report = build_report(results)
    to_tty = not args.output and sys.stdout.isatty()
    color = to_tty and not args.no_color and "NO_COLOR" not in os.environ
    fmt_options: dict[str, Any] = {"color": color, "config": config}
    if args.format == "html":
        from copydesk.formatters.html import document_texts

        fmt_options["texts"] = document_texts(results)
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
            cause = e["message"].split(": ", 1)[-1] if e.get("check") else e["message"]
            if not args.quiet and cause not in printed:
                printed.add(cause)
                print(f"copydesk: {e['message']}", file=sys.stderr)
    if any(r.errors for r in results):
        return EXIT_ERROR
    fail_on = args.fail_on or config.fail_on or "error"
    threshold = SEVERITY_RANK[fail_on]
    if any(SEVERITY_RANK[f.severity] >= threshold for r in results for f in r.findings):
        return EXIT_FINDINGS
    return EXIT_OK


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
    config = _load_config(args)
    spec = config.specs.get(args.rule)
    if spec is None:
        close = [r for r in config.specs if args.rule in r][:8]
        hint = f"; did you mean: {', '.join(close)}" if close else "; run 'copydesk rules' to list them"
        return _usage(f"unknown rule '{args.rule}'{hint}")
    cc = config.checks[spec.id]
    print(f"{spec.id}  [{spec.category}, default severity {spec.severity}, configured {cc.severity}"
          f"{'' if cc.enabled else ', disabled'}]\n")
    print(spec.doc.strip() + "\n")
    if spec.options:
        print("Options:")
        for name, schema in spec.options.items():
            desc = schema.get("description", "")
            print(f"  {name}: {schema.get('type', '')} (default {schema.get('default')!r}; "
                  f"configured {cc.options.get(name)!r}){' - ' + desc if desc else ''}")
    return EXIT_OK


def cmd_vocab(args: argparse.Namespace) -> int:
    from copydesk.vocab import suggest

    config = _load_config(args)
    paths = args.paths or config.paths or config.settings.get("paths") or ["content"]
    for term, n, files in suggest(paths, config, args.min_count):
        print(f"{term}\t{n}\t{files}" if args.counts else term)
    return EXIT_OK


COMMANDS = {"check": cmd_check, "rules": cmd_rules, "explain": cmd_explain, "vocab": cmd_vocab}


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
    except BrokenPipeError:
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
