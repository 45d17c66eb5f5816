"""Scaling of ``--engine dask``: documents/s with 1 and 2 local workers, and client memory.

Generates a synthetic archive (sites of articles sharing template lines, some articles copying a
sentence from another one), lints it with the local engine (one process) and with a local Dask
cluster of 1 and 2 worker processes (cluster start-up and worker warm-up not timed), checks that
every report is byte-identical, and measures with ``tracemalloc`` what the *client* allocates for
the boilerplate corpus checks:

- ``dask client``: the clusters the shuffle returns and the problems made from them (the summaries
  stay on the workers);
- ``local summaries``: what holding every summary in one process costs (the local engine).

Usage: ``.venv/bin/python bench/scale.py [--docs 2000] [--workers 1,2] [--profile fast]
[--select boilerplate,readability]``; prints a Markdown table (docs/distributed.md).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

PER_SITE = 50


def make_archive(root: Path, n: int, seed: int = 7) -> None:
    """``n`` Markdown articles in sites of 50: each site has its own menu and footer; about one
    article in ten copies (or lightly edits) a sentence of an earlier article."""
    rng = random.Random(seed)
    vocab = ["".join(rng.choice("bcdfghjklmnprstvw") + rng.choice("aeiou") for _ in range(rng.randint(1, 4)))
             for _ in range(4000)]

    def sentence() -> str:
        words = [rng.choice(vocab) for _ in range(rng.randint(10, 24))]
        return words[0].capitalize() + " " + " ".join(words[1:]) + "."

    sites: dict[int, tuple[list[str], list[str]]] = {}
    earlier: list[str] = []
    for i in range(n):
        s = i // PER_SITE
        if s not in sites:
            menu = [rng.choice(vocab).capitalize() for _ in range(6)]
            footer = [f"Copyright 2024 {rng.choice(vocab).capitalize()} Media Ltd. All rights reserved.",
                      "Share this article on social media", f"Subscribe to the {rng.choice(vocab)} newsletter"]
            sites[s] = (menu, footer)
        menu, footer = sites[s]
        paragraphs = [" ".join(sentence() for _ in range(rng.randint(2, 4))) for _ in range(rng.randint(6, 12))]
        if earlier and rng.random() < 0.1:
            copied = rng.choice(earlier).split(" ")
            if rng.random() < 0.5:
                copied[rng.randrange(len(copied))] = rng.choice(vocab)
            paragraphs.insert(rng.randrange(len(paragraphs)), " ".join(copied))
        earlier.append(rng.choice(paragraphs).split(". ")[0].rstrip(".") + ".")
        body = "\n\n".join(menu) + f"\n\n# Article {i}\n\n" + "\n\n".join(paragraphs) + "\n\n" + "\n\n".join(footer)
        path = root / f"site{s:04d}" / f"a{i:06d}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body + "\n", encoding="utf-8")


def report_bytes(results) -> str:
    from copydesk.report import build_report

    return json.dumps(build_report(results), indent=2, ensure_ascii=False)


def measure_client(paths, config, selection, client, n: int) -> dict[str, float]:
    """:func:`_measure` in a process of its own: a LocalCluster's scheduler lives in the process
    that started it, and on a real cluster the scheduler is not the client."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(_measure, paths, config.recipe, selection, client.scheduler.address, n).result()


def _measure(paths, recipe, selection, address: str, n: int) -> dict[str, float]:
    """Bytes per document the client allocates: the corpus stage's peak over what it held before
    (boilerplate state: clusters, union-find, problems) and the whole run's peak and end state."""
    import distributed

    from copydesk import runner
    from copydesk.distributed import lint_paths_dask
    from copydesk.profiles import build_config

    config = build_config(recipe)
    client = distributed.Client(address)

    stage = runner.corpus_stage
    seen: dict[str, int] = {}

    def measured(*a, **k):
        before = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        try:
            return stage(*a, **k)
        finally:
            seen["corpus"] = tracemalloc.get_traced_memory()[1] - before

    runner.corpus_stage = measured
    tracemalloc.start()
    try:
        results = lint_paths_dask(paths, config, selection, client=client)
        end, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        runner.corpus_stage = stage
    del results
    client.close()
    return {"dask client: boilerplate corpus stage (clusters, union-find, problems), peak": seen["corpus"] / n,
            "dask client: whole run, peak": peak / n,
            "dask client: results held for the report (findings, no documents)": end / n}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=2000)
    ap.add_argument("--workers", default="1,2")
    ap.add_argument("--profile", default="fast")
    ap.add_argument("--select", default="boilerplate,readability")
    ap.add_argument("--dir", help="archive folder (default: a temporary one)")
    args = ap.parse_args(argv)

    import distributed

    from copydesk.corpus import LocalCorpus
    from copydesk.distributed import lint_paths_dask, warm_up
    from copydesk.lint import Selection
    from copydesk.runner import lint_paths
    from copydesk.profiles import ConfigRecipe, build_config

    tmp = None if args.dir else tempfile.TemporaryDirectory(prefix="copydesk-scale-")
    root = Path(args.dir or tmp.name) / "archive"
    if not root.exists():
        make_archive(root, args.docs)
    config = build_config(ConfigRecipe(None, str(root.parent), args.profile, ()))
    selection = Selection(tuple(s for s in args.select.split(",") if s), ())
    paths = [str(root)]
    rows = []

    t = time.perf_counter()
    local = lint_paths(paths, config, selection, jobs=1)
    elapsed = time.perf_counter() - t
    expected = report_bytes(local)
    rows.append(("local engine, 1 process", elapsed))
    n_findings = sum(len(r.findings) for r in local)

    # what holding all boilerplate summaries in one process costs (the local engine's corpus state)
    from copydesk.parsing import parse
    from copydesk.lint import check_options

    specs = [(config.specs[i], config.checks[i]) for i in ("boilerplate.corpus-repeat", "boilerplate.copied-passage")]
    sample = sorted(root.rglob("*.md"))[:1000]
    docs = [parse(str(p), p.read_text(encoding="utf-8")) for p in sample]
    tracemalloc.start()
    held = [LocalCorpus([spec.summarise(d, check_options(spec, cc, config)) for d in docs]) for spec, cc in specs]
    local_state = tracemalloc.get_traced_memory()[0] / len(docs)
    tracemalloc.stop()
    del held, docs

    client_state = None
    for w in [int(x) for x in args.workers.split(",")]:
        with distributed.LocalCluster(n_workers=w, threads_per_worker=1, processes=True,
                                      dashboard_address=":0") as cluster, distributed.Client(cluster) as client:
            client.run(warm_up, config.recipe, config.fingerprint())  # imports and rules on every worker
            t = time.perf_counter()
            got = lint_paths_dask(paths, config, selection, client=client)
            elapsed = time.perf_counter() - t
            assert report_bytes(got) == expected, f"dask with {w} workers: report differs from --engine local"
            rows.append((f"dask, {w} local worker{'s' if w > 1 else ''}", elapsed))
            if client_state is None:
                client_state = measure_client(paths, config, selection, client, args.docs)

    n = args.docs
    print(f"{n} documents ({sum(1 for _ in root.rglob('*.md'))} files, {n // PER_SITE} sites), profile "
          f"{args.profile}, --select {args.select}, {n_findings} findings; {os.cpu_count()} cores; "
          f"Python {sys.version.split()[0]}\n")
    print("| engine | wall s | documents/s |\n|---|---:|---:|")
    for name, s in rows:
        print(f"| {name} | {s:.1f} | {n / s:.1f} |")
    print("\n| client memory (tracemalloc) | bytes/document | per 100k documents | per 1M documents (linear) |"
          "\n|---|---:|---:|---:|")
    measured = dict(client_state or {})
    measured["local engine: all boilerplate summaries held in one process"] = local_state
    for name, b in measured.items():
        print(f"| {name} | {b:,.0f} | {b * 1e5 / 2**20:,.0f} MiB | {b * 1e6 / 2**30:,.2f} GiB |")
    if tmp:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
