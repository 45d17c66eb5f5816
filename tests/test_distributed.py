"""--engine dask: a LocalCluster of 2 worker processes gives the same bytes as --engine local.

Also: workers that die mid-run (a patched per-document stage calls ``os._exit``) are retried, and a
file that keeps killing its worker becomes an error entry, never a silently missing file.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

distributed = pytest.importorskip("distributed")
dask = pytest.importorskip("dask")

from conftest import CONTENT, ROOT, write  # noqa: E402

FOOTER = "Share this page on social media. Copyright 2024 Example News Ltd. All rights reserved."
SOURCE = ("Inheritance is a way to form new classes using classes that have already been defined. "
          "The new classes, known as derived classes, take over the attributes and behaviour of the "
          "pre-existing classes, which are referred to as base classes.")
COPY = ("Inheritance is a way to form new classes using classes that have already been defined. "
        "The new classes, called derived classes, take over the attributes and behaviour of the "
        "existing classes, which are referred to as base classes.")


def make_corpus(root: Path, n: int = 10) -> Path:
    """Two sites with template lines, copied and paraphrased sentences, an HTML page and a bad file."""
    for i in range(n):
        site = "news" if i % 2 else "blog"
        body = (f"# Article {i}\n\nThe council approved the budget for roads in district {i}. "
                + "Residents said the plan was long overdue and welcomed it. " * (i % 3 + 1) + "\n\n"
                + (SOURCE if i % 4 == 0 else COPY if i % 4 == 1 else "A short and original closing line.")
                + "\n\nTags\n\n" + FOOTER + "\n")
        write(root / site / f"a{i:02d}.md", body)
    write(root / "news" / "page.html", f"<html><body><h1>Title</h1><p>{COPY}</p><p>{FOOTER}</p></body></html>")
    write(root / "news" / "latin1.txt", "Caf\xe9 society.\n", encoding="latin-1")
    return root


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=":0") as c:
        yield c


def _both(run_cli, address: str, *args: str, cwd: Path | str | None = None) -> tuple[str, str]:
    code_l, local, err_l = run_cli("check", "--format", "json", "--no-cache", "--fail-on", "never", *args, cwd=cwd)
    code_d, dist, err_d = run_cli("check", "--format", "json", "--no-cache", "--fail-on", "never", *args,
                                   "--engine", "dask", "--scheduler", address, cwd=cwd)
    assert code_l == code_d and err_l == err_d
    return local, dist


def test_dask_report_is_byte_identical_on_content_and_a_corpus(cluster, run_cli, tmp_path):
    """The project's own configuration (default profile: Harper on the workers) on content/ plus a corpus."""
    corpus = make_corpus(tmp_path / "corpus")
    local, dist = _both(run_cli, cluster.scheduler_address, str(CONTENT), str(corpus), cwd=ROOT)
    assert local == dist
    report = json.loads(local)
    rules = {f["rule"] for e in report["files"] for f in e["findings"]}
    assert {"boilerplate.corpus-repeat", "boilerplate.copied-passage", "input.unreadable"} <= rules
    assert {"grammar", "readability"} <= set(report["summary"]["by_category"])  # per-document checks ran
    copies = [(e["path"], f) for e in report["files"] for f in e["findings"] if f["rule"] == "boilerplate.copied-passage"]
    assert copies and all(f["related"] and all(r["path"] != path for r in f["related"]) for path, f in copies)
    assert all(r["start"]["line"] >= 1 for _, f in copies for r in f["related"])  # placed from the summaries


def test_shipped_text_and_options_give_the_same_bytes(cluster, run_cli, project):
    """Text shipped with the tasks; corpus options (group_by none, allow-list) from the project's rules."""
    make_corpus(project / "site")
    write(project / "rules" / "boilerplate.yaml",
          "checks:\n  boilerplate.corpus-repeat:\n    options:\n      group_by: none\n"
          "      allow: ['Copyright 2024 Example News Ltd']\n")
    local, dist = _both(run_cli, cluster.scheduler_address, "site", "--profile", "fast",
                        "--select", "boilerplate,readability", "--dask-inputs", "text")
    assert local == dist
    repeats = [f["text"] for e in json.loads(local)["files"] for f in e["findings"]
               if f["rule"] == "boilerplate.corpus-repeat"]
    assert "Tags" in repeats and not any("Example News" in t for t in repeats)  # approved text


class CrashOn(distributed.WorkerPlugin):
    """Makes a worker process die (``os._exit``) when it lints ``name``; once if ``marker`` is given."""

    def __init__(self, name: str, marker: str | None = None) -> None:
        self.name, self.marker = name, marker

    def setup(self, worker) -> None:
        from copydesk import executors

        real = executors.lint_document

        def crashing(path, text, *args, **kwargs):
            if path.endswith(self.name) and not (self.marker and os.path.exists(self.marker)):
                if self.marker:
                    Path(self.marker).touch()
                os._exit(1)
            return real(path, text, *args, **kwargs)

        executors.lint_document = crashing


@pytest.fixture
def fragile_cluster():
    """A cluster that gives up on a task after it has killed 2 workers (the default is 4)."""
    with dask.config.set({"distributed.scheduler.allowed-failures": 1}):
        with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                      dashboard_address=":0") as c, distributed.Client(c) as client:
            yield c, client


ARGS = ("--profile", "fast", "--select", "boilerplate,readability")


def test_worker_killed_mid_run_is_retried(fragile_cluster, run_cli, project):
    cluster, client = fragile_cluster
    make_corpus(project / "site")
    marker = project / "crashed"
    code, local, _ = run_cli("check", "site", "--format", "json", "--no-cache", "--fail-on", "never", *ARGS)
    client.register_plugin(CrashOn("a03.md", str(marker)))
    code_d, dist, _ = run_cli("check", "site", "--format", "json", "--no-cache", "--fail-on", "never", *ARGS,
                              "--engine", "dask", "--scheduler", cluster.scheduler_address)
    assert marker.exists()  # a worker really died mid-run
    assert dist == local and code_d == code


def test_file_that_keeps_killing_workers_is_an_error_entry(fragile_cluster, run_cli, project):
    cluster, client = fragile_cluster
    make_corpus(project / "site")
    client.register_plugin(CrashOn("a03.md"))
    code, out, err = run_cli("check", "site", "--format", "json", "--no-cache", "--fail-on", "never", *ARGS,
                             "--engine", "dask", "--scheduler", cluster.scheduler_address)
    report = json.loads(out)
    files = {e["path"]: e for e in report["files"]}
    assert len(files) == 12 and code == 2  # every file is in the report; the run fails
    bad = files["site/blog/a03.md"] if "site/blog/a03.md" in files else files["site/news/a03.md"]
    assert [f["rule"] for f in bad["findings"]] == ["input.worker-failed"]
    assert bad["errors"] and "a03.md" in err
    assert any(f["rule"] == "boilerplate.corpus-repeat" for e in files.values() for f in e["findings"])


class LeaveOn(distributed.WorkerPlugin):
    """Makes the worker that lints ``name`` leave the cluster with its nanny (so it is not restarted),
    then fail the task: the cluster is left without any worker."""

    def __init__(self, name: str) -> None:
        self.name = name

    def setup(self, worker) -> None:
        from copydesk import executors

        real = executors.lint_document

        def leaving(path, text, *args, **kwargs):
            if path.endswith(self.name):
                worker.loop.add_callback(worker.close, nanny=True, reason="test: the cluster loses its workers")
                raise RuntimeError("this worker is leaving")
            return real(path, text, *args, **kwargs)

        executors.lint_document = leaving


def test_a_cluster_left_without_workers_ends_the_run(run_cli, project):
    """No input may stall a run: once no worker is left for the patience (Dask config
    ``copydesk.no-worker-timeout``), the run stops with a message naming the files not linted."""
    make_corpus(project / "site")
    with dask.config.set({"copydesk.no-worker-timeout": "2s"}), \
            distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=":0") as c, \
            distributed.Client(c) as client:
        client.register_plugin(LeaveOn("a03.md"))
        code, out, err = run_cli("check", "site", "--format", "json", "--no-cache", *ARGS,
                                 "--engine", "dask", "--scheduler", c.scheduler_address)
    assert code == 2 and not out
    assert "no worker for 2 s" in err and "not linted" in err and "a03.md" in err


def test_cluster_merges_equal_the_in_memory_merges(cluster):
    """DaskCorpus (shuffle on the cluster + union-find on the client) == LocalCorpus, member for member,
    and a check's per-cluster step on the workers makes the problems it makes in memory."""
    import random

    import numpy as np

    from copydesk.checks.boilerplate._summary import summarise
    from copydesk.corpus import LocalCorpus
    from copydesk.distributed import DaskCorpus, Part
    from copydesk.parsing import parse

    rng = random.Random(3)
    vocab = [f"w{k}" for k in range(60)]
    base = [[rng.choice(vocab) for _ in range(14)] for _ in range(6)]
    docs = []
    for i in range(24):
        sents = []
        for b in rng.sample(base, 3):  # lightly edited copies: chains of near duplicates
            s = list(b)
            for _ in range(rng.randint(0, 3)):
                s[rng.randrange(len(s))] = rng.choice(vocab)
            sents.append(" ".join(s).capitalize() + ".")
        sents.append(" ".join(rng.choice(vocab) for _ in range(12)).capitalize() + ".")  # unique
        docs.append(parse(f"g{i % 2}/d{i:02d}.txt", "Menu\n" + "\n".join(sents) + "\nFooter line here\n"))
    sums = [summarise(d, group_by="folder", min_words=8, num_perm=64, threshold=0.5, details=("block", "sentence"))
            for d in docs]
    local = LocalCorpus(sums)
    with distributed.Client(cluster) as client:
        parts = [(client.scatter(Part(summaries={"x": [(i, sums[i]) for i in chunk]})), np.array(chunk))
                 for chunk in (range(k, min(24, k + 5)) for k in range(0, 24, 5))]
        routed = []
        remote = DaskCorpus(client, "x", parts, len(sums), routed=lambda *r: routed.append(r))

        def refs(clusters):
            return [[(m.doc, m.index, m.path, m.group) for m in c] for c in clusters]

        near = refs(local.near(0.5))
        assert len(near) >= 6 and refs(remote.near(0.5)) == near
        assert refs(remote.exact("block")) == refs(local.exact("block"))
        assert remote.group_sizes() == local.group_sizes()
        args = {i: {0} for i in range(0, 24, 3)}
        assert remote.per_document(_blocks, args) == local.per_document(_blocks, args)

        for found, marks in ((("block",), None), (("sentence", 0.5), ("block",))):
            mine = local.problems(local.clusters(*found), _cluster_problems, "x", note=_note,
                                  marks=local.clusters(*marks) if marks else None)
            assert len(mine) >= 6
            assert remote.problems(remote.clusters(*found), _cluster_problems, "x", note=_note,
                                   marks=remote.clusters(*marks) if marks else None) == []
            (sid, by_group, size), = routed
            routed.clear()
            theirs = [p for lists in by_group for done in client.gather(lists) for _, p in done]
            assert sorted(map(repr, theirs)) == sorted(map(repr, mine))


def _note(summary, marked):
    return (summary.path, sorted(marked))


def _cluster_problems(members, notes, tag):
    from copydesk.findings import Problem

    first = members[0]
    note = notes[first.doc]
    yield Problem(first.passage.start, first.passage.end, f"{tag} {len(members)} {note}", path=first.path)


def _blocks(summary, arg):
    return (len(summary.blocks), sorted(arg))
