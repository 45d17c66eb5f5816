"""--jobs: worker processes give byte-identical reports; spawned workers rebuild the configuration."""

from __future__ import annotations

import multiprocessing

import pytest

from conftest import write
from copydesk import executors
from copydesk.lint import Selection
from copydesk.runner import lint_paths
from copydesk.profiles import ConfigRecipe, build_config
from copydesk.report import build_report

FOOTER = "Share this page on social media. Copyright 2024 Example News Ltd. All rights reserved."
PATTERNS = """patterns:
  - id: house.utilize
    type: substitution
    message: "Use '{replacement}' instead of '{match}'."
    swap: {utilize: use}
"""


def make_corpus(root, n=9):
    for i in range(n):
        body = (f"# Article {i}\n\nThe council will utilize the new budget for roads in district {i}. "
                + "Residents said the plan was long overdue and welcomed it. " * (i % 3 + 1)
                + "\n\n" + "This sentence keeps going " * (5 + i) + "until it stops.\n\n" + FOOTER + "\n")
        write(root / "site" / f"a{i:02d}.md", body)
    write(root / "site" / "notes.txt", "Plain text notes.\n\nA second paragraph that is short.\n")
    write(root / "site" / "page.html", "<html><body><h1>Title</h1><p>We utilize HTML too.</p>"
          f"<p>{FOOTER}</p></body></html>")


ARGS = ("--profile", "fast", "--select", "readability,boilerplate,house", "--fail-on", "never")


def test_jobs_output_is_byte_identical(project, run_cli, monkeypatch):
    make_corpus(project)
    write(project / "rules" / "house.yaml", PATTERNS)
    calls = _spy_pool(monkeypatch)
    outs = {}
    for jobs in ("1", "2"):
        code, out, err = run_cli("check", "site", "--format", "json", "--no-cache", "--jobs", jobs, *ARGS)
        assert code == 0, err
        outs[jobs] = out
    assert calls == [True]  # --jobs 2 really ran a pool (no silent fall-back to one process)
    assert outs["1"] == outs["2"]
    assert '"house.utilize"' in outs["1"]            # pattern rules (closures) ran in the workers
    assert '"boilerplate.corpus-repeat"' in outs["1"]  # corpus checks merged the workers' documents


def _spy_pool(monkeypatch) -> list[bool]:
    """Record whether each process pool really ran (True) or fell back to one process."""
    calls: list[bool] = []
    real = executors.PoolExecutor._run_pool

    def spy(*a, **k):
        out = real(*a, **k)
        calls.append(out is not None)
        return out

    monkeypatch.setattr(executors.PoolExecutor, "_run_pool", spy)
    return calls


def test_spawned_workers_rebuild_config_from_recipe(project, monkeypatch):
    """Without fork, workers get only the picklable recipe and rebuild the same configuration."""
    make_corpus(project, n=5)
    write(project / "rules" / "house.yaml", PATTERNS)
    config = build_config(ConfigRecipe(None, str(project), "fast", ()))
    sel = Selection(("readability", "house"), ())
    serial = build_report(lint_paths(["site"], config, sel, jobs=1))
    monkeypatch.setattr(executors, "_context", lambda: multiprocessing.get_context("spawn"))
    calls = _spy_pool(monkeypatch)
    spawned = build_report(lint_paths(["site"], config, sel, jobs=2))
    assert calls == [True]  # the pool really ran
    assert spawned == serial


def test_worker_refuses_a_different_configuration(project):
    config = build_config(ConfigRecipe(None, str(project), "fast", ()))
    executors._INHERITED.clear()
    with pytest.raises(RuntimeError):
        executors._init_worker(ConfigRecipe(None, str(project), "default", ()), config.fingerprint(),
                              Selection(), False, None, None)


def test_hand_built_config_without_recipe_still_runs(project, monkeypatch):
    """A Config made without a recipe cannot go to spawned workers: the run stays in-process."""
    from copydesk.config import load_config

    make_corpus(project, n=5)
    config = load_config(None, str(project))
    monkeypatch.setattr(executors, "_context", lambda: multiprocessing.get_context("spawn"))
    sel = Selection(("readability",), ())
    results = lint_paths(["site"], config, sel, jobs=4)
    assert len(results) == 7 and all(not r.errors for r in results)


def test_default_jobs_is_the_cores_this_process_may_use(monkeypatch):
    import os

    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 3, 5}, raising=False)
    assert executors.default_jobs() == 3
    monkeypatch.delattr(os, "sched_getaffinity", raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 6)
    assert executors.default_jobs() == 6


def test_bad_jobs_value_is_a_usage_error(project, run_cli):
    write(project / "a.md", "Hello.\n")
    code, _, err = run_cli("check", "a.md", "--jobs", "0")
    assert code == 2 and "--jobs" in err


def test_grammar_pool_equals_one_process(project, monkeypatch):
    """With Harper in the run (the default profile), worker processes give the one-process
    report, project terms included."""
    make_corpus(project, n=5)
    write(project / "site" / "a00.md", "# Article\n\nThe zorblat team recieved an letter.\nThe flimwex team too.\n")
    write(project / "rules" / "vocabulary" / "accept.txt", "zorblat\n")
    config = build_config(ConfigRecipe(None, str(project), "default", ()))
    sel = Selection(("grammar", "spelling", "boilerplate"), ())
    serial = build_report(lint_paths(["site"], config, sel, jobs=1))
    calls = _spy_pool(monkeypatch)
    pooled = build_report(lint_paths(["site"], config, sel, jobs=2))
    assert calls == [True]  # the pool really ran
    assert pooled == serial
    rules = {f["rule"] for e in pooled["files"] for f in e["findings"]}
    assert "grammar.harper.SpellCheck" in rules and "grammar.harper.AnA" in rules
    texts = {f["text"] for e in pooled["files"] for f in e["findings"]}
    assert "zorblat" not in texts and "flimwex" in texts  # the project's terms reached the workers


def _square_with_pid(summary, arg):
    import os

    return summary * summary + arg, os.getpid()


def test_forked_corpus_step_equals_one_process(monkeypatch):
    """A long per-document corpus step runs in forked processes: same results, same order."""
    import os

    from copydesk import corpus

    monkeypatch.setattr(corpus, "MIN_FORKED_SECONDS", 0.0)
    args = {i: i % 7 for i in range(60, 0, -1)}  # not in index order: the result keeps this order
    forked = corpus.LocalCorpus(list(range(61)), jobs=2).per_document(_square_with_pid, args)
    here = corpus.LocalCorpus(list(range(61)), jobs=1).per_document(_square_with_pid, args)
    assert list(forked) == list(here) == list(args)
    assert [v for v, _ in forked.values()] == [v for v, _ in here.values()]
    assert {pid for _, pid in here.values()} == {os.getpid()}
    pids = [pid for _, pid in forked.values()]
    assert set(pids[:corpus.HEAD]) == {os.getpid()}  # timed here first
    assert os.getpid() not in pids[corpus.HEAD:]  # the rest ran in forked processes
