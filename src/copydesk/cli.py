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
    check.add_argument("--quiet", "-q", action="store_true", help="print nothing; only the exit code")
    check.add_argument("--no-color", action="store_true", help="never colour the text report")
    check.add_argument("--verbose", "-v", action="store_true", help="include tracebacks of failing checks")

    rules = sub.add_parser("rules", help="list the checks with category, severity and summary")
    rules.add_argument("--rules", metavar="DIR", help="folder of rule YAML files")
    rules.add_argument("--all", action="store_true", help="include disabled checks")

    explain = sub.add_parser("explain", help="print a check's documentation and options")
    explain.add_argument("rule", metavar="RULE")
    explain.add_argument("--rules", metavar="DIR", help="folder of rule YAML files")
    return parser


def _load_config(args: argparse.Namespace) -> Any:
    from copydesk.config import load_config

    config = load_config(getattr(args, "rules", None))
    if getattr(args, "grammar_engine", None):
        config.settings["grammar_engine"] = args.grammar_engine
    if getattr(args, "audience", None):
        aud = args.audience
        try:
            config.settings["audience"] = float(aud)
        except ValueError:
            if aud not in ("children", "general", "professional", "academic"):
                raise SystemExit(_usage(f"--audience {aud}: use children, general, professional, academic or a grade number"))
            config.settings["audience"] = aud
    return config


def _usage(message: str) -> int:
    print(f"copydesk: error: {message}", file=sys.stderr)
    return EXIT_ERROR


def cmd_check(args: argparse.Namespace) -> int:
    from copydesk.engine import Selection, lint_paths
    from copydesk.findings import SEVERITY_RANK
    from copydesk.formatters import get_formatter
    from copydesk.report import build_report

    config = _load_config(args)
    paths = args.paths or config.paths or config.settings.get("paths") or ["content"]
    selection = Selection(tuple(args.select), tuple(args.ignore))
    results = lint_paths(paths, config, selection, verbose=args.verbose)
    report = build_report(results)
    to_tty = not args.output and sys.stdout.isatty()
    color = to_tty and not args.no_color and "NO_COLOR" not in os.environ
    out = get_formatter(args.format).format(report, {"color": color, "config": config})
    if not args.quiet:
        if args.output:
            tmp = f"{args.output}.tmp{os.getpid()}"
            with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(out)
            os.replace(tmp, args.output)
        elif color and args.format == "text":
            from rich.console import Console

            Console(highlight=False, soft_wrap=True).print(out, end="")
        else:
            sys.stdout.write(out)
    for r in results:
        for e in r.errors:
            if not args.quiet:
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


COMMANDS = {"check": cmd_check, "rules": cmd_rules, "explain": cmd_explain}


def main(argv: Sequence[str] | None = None) -> int:
    from copydesk.config import ConfigError

    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return EXIT_ERROR
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
