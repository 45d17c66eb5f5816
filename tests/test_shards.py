"""Sharded reports: ``check --output-dir`` writes JSON Lines shards; ``report merge`` turns them back
into any format, byte-identical to the check's own report (whole or restricted to some paths)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import write

FOOTER = "Share this page on social media. Copyright 2024 Example News Ltd. All rights reserved."
SOURCE = ("Inheritance is a way to form new classes using classes that have already been defined. "
          "The new classes, known as derived classes, take over the attributes and behaviour of the "
          "pre-existing classes, which are referred to as base classes.")
FAST = ("--profile", "fast", "--no-cache", "--fail-on", "never")


def make_sites(root: Path, n: int = 9) -> Path:
    """Two sites sharing a footer and a copied passage (corpus findings), and an unreadable file."""
    for i in range(n):
        site = "news" if i % 2 else "blog"
        body = (f"# Article {i}\n\nThe council approved the budget for roads in district {i}. "
                + "Residents said the plan was long overdue and welcomed it. " * (i % 3 + 1) + "\n\n"
                + (SOURCE if i % 3 == 0 else "A short and original closing line.") + "\n\nTags\n\n" + FOOTER + "\n")
        write(root / site / f"a{i:02d}.md", body)
    write(root / "news" / "latin1.txt", "Caf\xe9 society.\n", encoding="latin-1")
    return root


def test_shards_hold_the_json_reports_entries(run_cli, project):
    from copydesk.shards import load_manifest, write_results, read_results

    make_sites(project / "site")
    code, out, _ = run_cli("check", "site", "--format", "json", *FAST)
    report = json.loads(out)
    code_s, _, err = run_cli("check", "site", "--output-dir", "out", *FAST)
    assert code_s == code and "written to out" in err
    manifest = load_manifest("out")
    assert manifest["summary"] == report["summary"]
    lines = [json.loads(line) for name in manifest["shards"] for line in (project / "out" / name).open()]
    assert lines == report["files"]  # one entry per line, the JSON report's schema, in path order
    assert {f["rule"] for e in lines for f in e["findings"]} >= {"boilerplate.corpus-repeat", "input.unreadable"}

    # several shards; a second run into the same folder leaves no shard of the first one
    _, results = read_results("out")
    write_results("out", results, None, per_shard=4)
    assert sorted(p.name for p in (project / "out").iterdir()) == [
        "manifest.json", "part-000000.jsonl", "part-000001.jsonl", "part-000002.jsonl"]
    write_results("out", results[:3], None, per_shard=4)
    assert sorted(p.name for p in (project / "out").iterdir()) == ["manifest.json", "part-000000.jsonl"]


@pytest.mark.parametrize("fmt", ["json", "sarif", "html", "text", "markdown", "junit", "gitlab", "github"])
def test_merge_is_byte_identical_to_the_checks_report(run_cli, project, fmt):
    make_sites(project / "site")
    code, local, _ = run_cli("check", "site", "--format", fmt, "--profile", "fast", "--no-cache")
    run_cli("check", "site", "--output-dir", "out", "--profile", "fast", "--no-cache")
    code_m, merged, _ = run_cli("report", "merge", "out", "--format", fmt)
    assert merged == local and code_m == code


def test_merge_of_a_subset_is_that_part_of_the_report(run_cli, project):
    make_sites(project / "site")
    _, out, _ = run_cli("check", "site", "--format", "json", *FAST)
    full = json.loads(out)
    run_cli("check", "site", "--output-dir", "out", *FAST)
    _, merged, _ = run_cli("report", "merge", "out", "site/news/", "--format", "json")
    part = json.loads(merged)
    news = [e for e in full["files"] if e["path"].startswith("site/news/")]
    assert part["files"] == news and 0 < len(news) < len(full["files"])
    assert part["summary"]["files"] == len(news)
    assert part["summary"]["findings"] == sum(len(e["findings"]) for e in news)
    _, one, _ = run_cli("report", "merge", "out", "site/news/a01.md", "--format", "json")
    assert [e["path"] for e in json.loads(one)["files"]] == ["site/news/a01.md"]


def test_merge_applies_baselines_and_exit_codes(run_cli, project):
    make_sites(project / "site")
    code, _, _ = run_cli("check", "site", "--output-dir", "out", "--profile", "fast", "--no-cache")
    assert code == 2  # the unreadable file: as without --output-dir
    code, _, err = run_cli("report", "merge", "out", "--write-baseline", "base.json", "--format", "json")
    assert code == 2 and "latin1.txt" in err
    _, out, _ = run_cli("report", "merge", "out", "--baseline", "base.json", "--format", "json")
    assert json.loads(out)["summary"]["findings"] == 0
    code, _, err = run_cli("check", "site", "--output-dir", "out", "--baseline", "base.json")
    assert code == 2 and "report merge" in err


def test_unfinished_damaged_or_stale_output_is_refused(run_cli, project):
    make_sites(project / "site", 3)
    code, _, err = run_cli("report", "merge", "nowhere")
    assert code == 2 and "nowhere: no manifest.json" in err
    run_cli("check", "site", "--output-dir", "out", *FAST)
    shard = project / "out" / "part-000000.jsonl"
    shard.write_text(shard.read_text()[:-20] + "\n")
    code, _, err = run_cli("report", "merge", "out")
    assert code == 2 and "part-000000.jsonl:" in err and "damaged" in err
    run_cli("check", "site", "--output-dir", "out", *FAST)
    write(project / "rules" / "off.yaml", "checks:\n  readability.sentence-length:\n    enabled: false\n")
    code, _, err = run_cli("report", "merge", "out")
    assert code == 2 and "changed since this output was written" in err


def test_any_fsspec_location(run_cli, project):
    """An fsspec URL (here its in-memory file system) instead of a folder."""
    make_sites(project / "site", 4)
    _, local, _ = run_cli("check", "site", "--format", "sarif", *FAST)
    run_cli("check", "site", "--output-dir", "memory://copydesk-test/audit", *FAST)
    _, merged, _ = run_cli("report", "merge", "memory://copydesk-test/audit", "--format", "sarif")
    assert merged == local


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_local_output_dir_spills_every_result(run_cli, project, monkeypatch, jobs):
    """The local engine with --output-dir holds no linted file's result for the corpus stage (each
    is spilled as it comes, a window of files at a time, in this process or its pool): the corpus
    stage sees HELD for them, only cache hits and unreadable files are held here; the merged
    report is still byte-identical to the one-report run."""
    from copydesk import runner, spill
    from copydesk.held import HELD

    make_sites(project / "site", 12)
    _, local, _ = run_cli("check", "site", "--format", "json", "--jobs", jobs, *FAST)
    run_cli("check", "site/news", "--profile", "fast", "--jobs", jobs, "--fail-on", "never")  # news/: cache hits
    monkeypatch.setattr(spill, "WINDOW", 5)
    held = {}
    stage = runner.corpus_stage

    def spy(job, session, results):
        held.update((f.path, r is HELD) for f, r in zip(session.files, results))
        return stage(job, session, results)

    monkeypatch.setattr(runner, "corpus_stage", spy)
    run_cli("check", "site", "--output-dir", "out", "--profile", "fast", "--jobs", jobs)
    assert held == {p: p.startswith("site/blog/") for p in held} and len(held) == 13
    _, merged, _ = run_cli("report", "merge", "out", "--format", "json")
    assert merged == local


def test_local_output_dir_notices_a_file_changed_before_its_findings_are_placed(run_cli, project, monkeypatch):
    """Spilled files are read again to place their corpus findings: a file changed meanwhile gets
    an error entry, never findings at the wrong place."""
    from copydesk import runner

    make_sites(project / "site", 6)
    stage = runner.corpus_stage

    def edit_then_stage(job, session, results):
        write(project / "site" / "blog" / "a00.md", "Rewritten meanwhile.\n")
        return stage(job, session, results)

    monkeypatch.setattr(runner, "corpus_stage", edit_then_stage)
    run_cli("check", "site", "--output-dir", "out", *FAST)
    _, merged, _ = run_cli("report", "merge", "out", "--format", "json")
    files = {e["path"]: e for e in json.loads(merged)["files"]}
    assert [e["message"] for e in files["site/blog/a00.md"]["errors"]] == [
        "site/blog/a00.md: changed while it was being linted; run copydesk again"]
    assert not any(f["rule"] == "boilerplate.corpus-repeat" for f in files["site/blog/a00.md"]["findings"])
    assert any(f["rule"] == "boilerplate.corpus-repeat" for f in files["site/blog/a02.md"]["findings"])


def test_placing_answers_as_the_document():
    """The last stage places corpus problems from a Placing (no re-parse): the same positions,
    sentences and suppressions as the parsed document."""
    from copydesk.placing import Placing
    from copydesk.parsing import parse

    text = ("---\ntitle: T\n---\n# Head\n\nOne sentence here. Another one follows!\n\n"
            "<!-- copydesk-disable-next-line boilerplate -->\nShare this page.\n\n- item\n- item two\n")
    doc = parse("a.md", text)
    placing = Placing(doc)
    view = placing.view("a.md", text)
    for offset in range(len(text) + 1):
        assert view.position(offset) == doc.position(offset)
        want, got = doc.sentence_at(offset), view.sentence_at(offset)
        assert (got is None) == (want is None) and (got is None or (got.start, got.end) == (want.start, want.end))
    share = text.index("Share")
    assert placing.suppressions.suppressed("boilerplate.corpus-repeat", "boilerplate", share)
    assert not placing.suppressions.suppressed("readability.sentence-length", "readability", share)


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as c:
        yield c


@pytest.mark.parametrize("inputs", ["path", "text"])
def test_dask_workers_write_the_shards(cluster, run_cli, project, monkeypatch, inputs):
    """--executor dask --output-dir: the workers write the shards (several, by groups of parts;
    with one file a shard, more shards than the client keeps in flight), the client writes the
    files it holds; merged, byte-identical to the local engine's report."""
    from copydesk import shards

    make_sites(project / "site")
    write(project / "site" / "blog" / "quiet.md", "# Quiet\n\n<!-- copydesk-disable boilerplate -->\n"
          + SOURCE + "\n\n" + FOOTER + "\n<!-- copydesk-enable boilerplate -->\n")
    per_shard = 3 if inputs == "path" else 1
    monkeypatch.setattr(shards, "FILES_PER_SHARD", per_shard)
    for fmt in ("json", "sarif"):
        code, local, _ = run_cli("check", "site", "--format", fmt, *FAST)
        code_d, _, err = run_cli("check", "site", "--output-dir", "out", *FAST, "--executor", "dask",
                                 "--scheduler", cluster.scheduler_address, "--dask-inputs", inputs)
        assert code_d == code and "latin1.txt" in err
        _, merged, _ = run_cli("report", "merge", "out", "--format", fmt)
        assert merged == local
    report = json.loads(run_cli("report", "merge", "out", "--format", "json")[1])
    rules = {f["rule"] for e in report["files"] for f in e["findings"]}
    assert {"boilerplate.corpus-repeat", "boilerplate.copied-passage", "input.unreadable"} <= rules
    quiet = next(e for e in report["files"] if e["path"].endswith("quiet.md"))
    assert not any(f["category"] == "boilerplate" for f in quiet["findings"])  # suppressed on the worker
    assert len(shards.load_manifest("out")["shards"]) > (2 if per_shard > 1 else 2 * 2 + 1)  # window: 2 x threads


def test_dask_shards_from_the_cache(cluster, run_cli, project):
    """Files taken from the cache are held by the client, which places their corpus findings and
    writes their shard, among files linted on the workers (partly warm), or alone (warm)."""
    make_sites(project / "site")
    _, local, _ = run_cli("check", "site", "--format", "json", "--profile", "fast", "--fail-on", "never",
                          "--no-cache")
    run_cli("check", "site/news", "--profile", "fast", "--fail-on", "never")  # news/: cache hits next
    for _ in range(2):  # partly warm, then warm
        run_cli("check", "site", "--output-dir", "out", "--profile", "fast", "--fail-on", "never",
                "--executor", "dask", "--scheduler", cluster.scheduler_address)
        _, merged, _ = run_cli("report", "merge", "out", "--format", "json")
        assert merged == local
