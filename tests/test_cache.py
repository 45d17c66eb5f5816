"""The result cache: warm runs agree with cold ones, keys cover everything, entries are safe."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zlib
from pathlib import Path

from conftest import write
from copydesk.cache import Cache, code_fingerprint
from copydesk.lint import Selection
from copydesk.runner import lint_paths
from copydesk.profiles import ConfigRecipe, build_config
from copydesk.report import build_report
from test_parallel import ARGS, make_corpus


def entries(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.json.z"))


def test_warm_run_is_identical_and_reruns_corpus_checks(project, run_cli):
    make_corpus(project)
    cold = run_cli("check", "site", "--format", "json", "--jobs", "1", *ARGS)
    cache = project / ".cache"
    assert len(entries(cache)) == 11
    assert (cache / ".gitignore").read_text().strip().endswith("*")
    warm = run_cli("check", "site", "--format", "json", "--jobs", "2", *ARGS)
    uncached = run_cli("check", "site", "--format", "json", "--no-cache", *ARGS)
    assert cold == warm == uncached
    assert '"boilerplate.corpus-repeat"' in warm[1]


def test_hits_and_misses(project):
    make_corpus(project, n=4)
    config = build_config(ConfigRecipe(None, str(project), "fast", ()))
    sel = Selection(("readability",), ())
    c1 = Cache.for_run(config, sel)
    first = build_report(lint_paths(["site"], config, sel, cache=c1))
    assert (c1.hits, c1.misses) == (0, 6)
    write(project / "site" / "a00.md", "# Changed\n\nA new text entirely.\n")
    c2 = Cache.for_run(config, sel)
    second = build_report(lint_paths(["site"], config, sel, cache=c2))
    assert (c2.hits, c2.misses) == (5, 1)
    assert first["files"][1:] == second["files"][1:]


def test_key_covers_config_selection_path_and_code(project):
    config = build_config(ConfigRecipe(None, str(project), "fast", ()))
    other = build_config(ConfigRecipe(None, str(project), "fast", (("audience", "children"),)))
    a = Cache.for_run(config, Selection())
    assert a.key("x.md", "text") == Cache.for_run(config, Selection()).key("x.md", "text")
    assert a.key("x.md", "text") != a.key("y.md", "text") != a.key("x.md", "text!")
    assert a.key("x.md", "t") != Cache.for_run(other, Selection()).key("x.md", "t")
    assert a.key("x.md", "t") != Cache.for_run(config, Selection(("readability",), ())).key("x.md", "t")
    assert len(code_fingerprint()) == 64


def test_pattern_rule_edit_changes_the_key(project):
    """Pattern rules are only listed by id in Config.fingerprint(); the rule files' text is hashed too."""
    rules = project / "rules" / "house.yaml"
    write(rules, "patterns:\n  - {id: house.x, type: existence, message: m, tokens: [foo]}\n")
    k1 = Cache.for_run(build_config(ConfigRecipe(None, str(project), "fast", ())), Selection()).key("a", "b")
    write(rules, "patterns:\n  - {id: house.x, type: existence, message: m, tokens: [bar]}\n")
    k2 = Cache.for_run(build_config(ConfigRecipe(None, str(project), "fast", ())), Selection()).key("a", "b")
    assert k1 != k2


def test_damaged_entries_are_misses(project, run_cli):
    make_corpus(project, n=3)
    cold = run_cli("check", "site", "--format", "json", *ARGS)
    files = entries(project / ".cache")
    files[0].write_bytes(b"not zlib")
    files[1].write_bytes(zlib.compress(b'{"key": "wrong"}'))
    files[2].write_bytes(zlib.compress(b"[1, 2"))
    assert run_cli("check", "site", "--format", "json", *ARGS) == cold


def test_entries_are_json_not_pickle(project, run_cli):
    make_corpus(project, n=1)
    run_cli("check", "site", "--format", "json", *ARGS)
    for f in entries(project / ".cache"):
        data = json.loads(zlib.decompress(f.read_bytes()))
        assert data["key"] == f.name.split(".")[0]


def test_unwritable_cache_folder_does_not_fail_the_run(project, run_cli, monkeypatch):
    make_corpus(project, n=2)
    blocker = write(project / "blocker", "a file where the cache folder should be")
    monkeypatch.setenv("COPYDESK_CACHE_DIR", str(blocker))
    code, out, err = run_cli("check", "site", "--format", "json", *ARGS)
    assert code == 0, err
    assert len(json.loads(out)["files"]) == 4


def test_front_matter_dates_survive_the_cache(project, run_cli):
    write(project / "site" / "a.md", "---\ndate: 2024-01-02\ntitle: T\n---\n# T\n\nBody text here.\n")
    first = run_cli("check", "site", "--format", "json", *ARGS)
    assert first == run_cli("check", "site", "--format", "json", *ARGS)


def test_concurrent_runs_share_one_cache(project, run_cli):
    """Two processes writing the same cache at once both succeed and agree with an uncached run."""
    make_corpus(project, n=8)
    cmd = [sys.executable, "-m", "copydesk", "check", "site", "--format", "json", "--jobs", "2", *ARGS]
    env = dict(os.environ, COPYDESK_CACHE_DIR=str(project / "shared-cache"))
    procs = [subprocess.Popen(cmd, cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [o[1][-1000:] for o in outs]
    assert outs[0][0] == outs[1][0]
    code, ref, _ = run_cli("check", "site", "--format", "json", "--no-cache", *ARGS)
    assert ref == outs[0][0]
    assert not list((project / "shared-cache").rglob(".tmp-*"))  # no stray temporary files
