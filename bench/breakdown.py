"""Where a run's time goes: start-up, parsing, document stats and each check, in one process.

    .venv/bin/python bench/breakdown.py DIR [--profile fast|default|thorough] [--max-files N]

Times are wall-clock seconds summed over documents (one process, no cache); the first call of a
check includes its one-time set-up (dictionaries, engines), shown separately as "first".
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict
from pathlib import Path

T0 = time.perf_counter()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", type=Path)
    ap.add_argument("--profile", default="default")
    ap.add_argument("--max-files", type=int, default=0)
    args = ap.parse_args()

    from copydesk.corpus import LocalCorpus
    from copydesk.lint import Selection, check_options, enabled_checks, make_finding
    from copydesk.inputs import discover, read
    from copydesk.parsing import parse
    from copydesk.profiles import ConfigRecipe, build_config
    from copydesk.readability import document_stats

    t_import = time.perf_counter() - T0
    t = time.perf_counter()
    config = build_config(ConfigRecipe(None, None, args.profile, ()))
    t_config = time.perf_counter() - t
    files, _ = discover([str(args.folder)], [])
    if args.max_files:
        files = files[: args.max_files]
    spent: dict[str, float] = defaultdict(float)
    first: dict[str, float] = {}
    docs, words = [], 0
    failed: list[str] = []
    sel = Selection()
    for f in files:
        try:
            text = read(f)
        except Exception:  # noqa: BLE001
            continue
        t = time.perf_counter()
        doc = parse(f.path, text)
        spent["(parse)"] += time.perf_counter() - t
        t = time.perf_counter()
        stats = document_stats(doc)
        spent["(stats: textstat)"] += time.perf_counter() - t
        words += stats["words"]
        docs.append(doc)
        for spec, cc in enabled_checks(config, f.path, "document", sel):
            t = time.perf_counter()
            try:
                for p in spec.func(doc, check_options(spec, cc, config)):
                    make_finding(doc, spec, cc, p)
            except Exception as exc:  # noqa: BLE001
                failed.append(f"{spec.id} on {f.path}: {type(exc).__name__}: {exc}")
            dt = time.perf_counter() - t
            spent[spec.id] += dt
            first.setdefault(spec.id, dt)
    for spec, cc in enabled_checks(config, "", "corpus", sel):
        opts = check_options(spec, cc, config)
        try:
            t = time.perf_counter()
            summaries = [spec.summarise(d, opts) for d in docs]
            spent[spec.id + " (summarise)"] = time.perf_counter() - t
            t = time.perf_counter()
            list(spec.func(LocalCorpus(summaries), opts))
            spent[spec.id + " (corpus)"] = time.perf_counter() - t
        except Exception as exc:  # noqa: BLE001 - reported below: a failing check must not look fast
            failed.append(f"{spec.id}: {type(exc).__name__}: {exc}")
    total = sum(spent.values())
    print(f"{len(docs)} documents, {words} words, profile {args.profile}")
    print(f"{'imports':<40} {t_import:8.2f} s")
    print(f"{'configuration (check modules)':<40} {t_config:8.2f} s")
    for name, secs in sorted(spent.items(), key=lambda kv: -kv[1]):
        extra = f"  (first call {first[name]:.2f} s)" if name in first else ""
        print(f"{name:<40} {secs:8.2f} s {100 * secs / total:5.1f}%{extra}")
    print(f"{'total (checks, parse, stats)':<40} {total:8.2f} s  = {words / total:.0f} words/s")
    for line in failed:
        print(f"FAILED {line}")


if __name__ == "__main__":
    main()
