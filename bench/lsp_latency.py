"""Latency and memory of `copydesk lsp`, measured from a real client (pygls) over stdio.

    .venv/bin/python bench/lsp_latency.py [--edits 40] [--docs 50] [--article content/001_1137b30dfef8d16c.txt]

Runs in a copy of this project's content/, rules/ and pyproject.toml (a fresh content cache unless
``--warm-cache``), and reports:

- after opening the article, the server just started (Harper's start-up included): the first
  diagnostics (target <= 2.5 s), those of every per-document check, and with the corpus checks;
- after each one-word edit of the article: time to the first diagnostics for that version (the
  checks other than the grammar engine, whose earlier findings are kept, moved; target p95 <=
  300 ms), to every per-document check's, and to the corpus checks' too;
- the server's resident memory with ``--docs`` documents open (copies of the articles, each made
  distinct), after all have their complete diagnostics.

The edit latency includes the server's debounce (its default unless ``--debounce-ms``). Numbers depend
on the machine's load: the load average is printed beside them.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types as lsp
from pygls.lsp.client import LanguageClient

ROOT = Path(__file__).resolve().parent.parent


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (less disturbed by a busy machine than wall time)."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]


class Bench:
    def __init__(self, ws: Path, options: dict) -> None:
        self.ws = ws
        self.options = options
        self.client = LanguageClient("copydesk-bench", "1")
        self.first: dict[tuple[str, int], float] = {}  # (uri, version) -> first publishDiagnostics
        self.complete: dict[tuple[str, int], float] = {}  # (uri, version) -> every per-document check
        self.done: dict[tuple[str, int], float] = {}  # (uri, version) -> with the corpus checks too
        self.changed = asyncio.Event()

        @self.client.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def diagnostics(params: lsp.PublishDiagnosticsParams) -> None:
            self.first.setdefault((params.uri, params.version or 0), time.perf_counter())
            self.changed.set()

        @self.client.feature("copydesk/published")
        def published(params) -> None:
            now = time.perf_counter()
            if params.complete:
                self.complete.setdefault((params.uri, params.version), now)
            if params.corpus:
                self.done.setdefault((params.uri, params.version), now)
            self.changed.set()

    async def start(self) -> None:
        await self.client.start_io(sys.executable, "-m", "copydesk", "lsp", cwd=str(self.ws))
        self.pid = self.client._server.pid  # noqa: SLF001 - the process pygls started
        self._drain = asyncio.ensure_future(self._stderr())
        await self.client.initialize_async(lsp.InitializeParams(
            capabilities=lsp.ClientCapabilities(), root_uri=self.ws.as_uri(), initialization_options=self.options))
        self.client.initialized(lsp.InitializedParams())

    async def _stderr(self) -> None:
        stream = self.client._server.stderr  # noqa: SLF001
        while await stream.readline():
            pass

    async def wait(self, table: dict, key: tuple[str, int], timeout: float = 300) -> float:
        deadline = time.perf_counter() + timeout
        while key not in table:
            self.changed.clear()
            await asyncio.wait_for(self.changed.wait(), max(0.01, deadline - time.perf_counter()))
        return table[key]

    def open(self, path: Path, text: str) -> str:
        uri = path.as_uri()
        self.client.text_document_did_open(lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(uri, "plaintext", 1, text)))
        return uri

    async def stop(self) -> None:
        await self.client.shutdown_async(None)
        self.client.exit(None)
        await self.client.stop()


def copy_project(dest: Path, warm: bool) -> None:
    for name in ("content", "rules"):
        shutil.copytree(ROOT / name, dest / name)
    shutil.copy(ROOT / "pyproject.toml", dest / "pyproject.toml")
    if warm and (ROOT / ".copydesk_cache").is_dir():
        shutil.copytree(ROOT / ".copydesk_cache", dest / ".copydesk_cache")


async def run(args: argparse.Namespace) -> None:
    options = {} if args.debounce_ms is None else {"debounce_ms": args.debounce_ms}
    with tempfile.TemporaryDirectory(prefix="copydesk-lsp-bench-") as tmp:
        ws = Path(tmp)
        copy_project(ws, args.warm_cache)
        env_note = "warm content cache" if args.warm_cache else "empty content cache"
        bench = Bench(ws, options)
        t0 = time.perf_counter()
        await bench.start()
        started = time.perf_counter() - t0
        article = ws / args.article
        text = article.read_text(encoding="utf-8")
        words = len(re.findall(r"\w+", text))

        t_open = time.perf_counter()
        uri = bench.open(article, text)
        first = await bench.wait(bench.first, (uri, 1)) - t_open
        cpu_open = cpu_seconds(bench.pid)
        checks = await bench.wait(bench.complete, (uri, 1)) - t_open
        complete = await bench.wait(bench.done, (uri, 1)) - t_open
        print(f"server start (initialize answered): {started:.2f} s ({env_note})")
        print(f"after open ({words} words): first diagnostics {first:.2f} s (server CPU from its start: "
              f"{cpu_open:.2f} s); every per-document check {checks:.2f} s; with the corpus checks {complete:.2f} s "
              "(target: first <= 2.5 s)")

        rng = random.Random(7)
        spans = [m.span() for m in re.finditer(r"\b[a-z]{4,}\b", text)]
        doc_lines = text.split("\n")
        line_starts = [0]
        for line in doc_lines[:-1]:
            line_starts.append(line_starts[-1] + len(line) + 1)
        firsts, checks_, completes = [], [], []
        version = 1
        cpu0 = cpu_seconds(bench.pid)
        for i in range(args.edits):
            a, b = spans[rng.randrange(len(spans))]
            word = rng.choice(["table", "garden", "quietly", "river", "recieve"])
            line = max(k for k, s in enumerate(line_starts) if s <= a)
            rng_ = lsp.Range(lsp.Position(line, a - line_starts[line]), lsp.Position(line, b - line_starts[line]))
            text = text[:a] + word + text[b:]
            delta = len(word) - (b - a)
            spans = [(s, e) if e <= a else (s + delta, e + delta) for s, e in spans if e <= a or s >= b]
            line_starts = [s if s <= a else s + delta for s in line_starts]
            version += 1
            t = time.perf_counter()
            bench.client.text_document_did_change(lsp.DidChangeTextDocumentParams(
                lsp.VersionedTextDocumentIdentifier(version=version, uri=uri),
                [lsp.TextDocumentContentChangePartial(rng_, word)]))
            firsts.append((await bench.wait(bench.first, (uri, version)) - t) * 1000)
            checks_.append((await bench.wait(bench.complete, (uri, version)) - t) * 1000)
            completes.append((await bench.wait(bench.done, (uri, version)) - t) * 1000)
            await asyncio.sleep(args.pause)
        cpu = (cpu_seconds(bench.pid) - cpu0) / args.edits * 1000
        print(f"server CPU per edit (both stages, all threads): {cpu:.0f} ms")
        print(f"one-word edit -> diagnostics, {args.edits} edits: p50 {statistics.median(firsts):.0f} ms, "
              f"p95 {percentile(firsts, 95):.0f} ms, max {max(firsts):.0f} ms (target p95 <= 300 ms)")
        print(f"one-word edit -> every per-document check (the grammar engine's too): p50 "
              f"{statistics.median(checks_):.0f} ms, p95 {percentile(checks_, 95):.0f} ms")
        print(f"one-word edit -> with the corpus checks ({'' if options else 'after the default '}delay): "
              f"p50 {statistics.median(completes):.0f} ms, p95 {percentile(completes, 95):.0f} ms")
        rss_one = rss_mb(bench.pid)

        sources = sorted((ws / "content").glob("*.txt"))
        extra = ws / "open"
        extra.mkdir()
        uris = []
        for i in range(args.docs - 1):
            body = sources[i % len(sources)].read_text(encoding="utf-8") + f"\nNote {i}: this copy is number {i}.\n"
            path = extra / f"doc_{i:03d}.txt"
            path.write_text(body, encoding="utf-8")
            uris.append(bench.open(path, body))
        for u in uris:
            await bench.wait(bench.done, (u, 1), timeout=900)
        print(f"memory (RSS): {rss_one:.0f} MB with 1 document open; {rss_mb(bench.pid):.0f} MB with "
              f"{args.docs} open")
        print(f"load average: {open('/proc/loadavg', encoding='ascii').read().split()[:3]}")
        await bench.stop()


def stages(article: Path, rounds: int) -> None:
    """In this process, alternating: the per-document stage as ``copydesk check`` runs it (one thread,
    summaries included) and as the server runs it before publishing (block-local checks on the
    changed block only, engine checks in a second thread, summaries left to the corpus stage); a
    word changes each round, as an edit would."""
    import concurrent.futures

    from copydesk.lsp.project import Project

    project = Project(str(ROOT))
    text = article.read_text(encoding="utf-8")
    path = str(article.relative_to(ROOT))
    pool = concurrent.futures.ThreadPoolExecutor(1)
    project.lint_document(path, text)  # Harper built in both threads
    project.lint_document(path, text, pool.submit)
    cli, server = [], []
    state = project.relint(path, text, pool.submit).state
    for i in range(rounds):
        edited = text.replace(" the ", f" the{i % 7} ", 1)
        t = time.perf_counter()
        whole = project.lint_document(path, edited)
        cli.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        relint = project.relint(path, edited, pool.submit, state)
        incremental, state = relint.complete(), relint.state
        server.append((time.perf_counter() - t) * 1000)
        assert sorted(f.sort_key() for f in whole.findings) == sorted(f.sort_key() for f in incremental.findings)
    print(f"per-document stage, {rounds} rounds: as the CLI runs it p50 {statistics.median(cli):.0f} ms; "
          f"as the server runs it p50 {statistics.median(server):.0f} ms (same findings)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--article", default="content/001_1137b30dfef8d16c.txt")
    parser.add_argument("--edits", type=int, default=40)
    parser.add_argument("--docs", type=int, default=50, help="documents open for the memory figure")
    parser.add_argument("--pause", type=float, default=0.2, help="seconds between edits (after complete diagnostics)")
    parser.add_argument("--debounce-ms", type=float, default=None)
    parser.add_argument("--warm-cache", action="store_true", help="start from this project's .copydesk_cache")
    parser.add_argument("--stages", type=int, default=0, metavar="N",
                        help="only compare the per-document stage in this process, CLI vs server, N rounds")
    args = parser.parse_args()
    if args.stages:
        stages(ROOT / args.article, args.stages)
    else:
        asyncio.run(run(args))


if __name__ == "__main__":
    main()
