"""Every command-line flag is folded into one resolved run configuration (flag > settings > default)."""

from __future__ import annotations

import pytest

from conftest import write
from copydesk.cli import build_parser
from copydesk.profiles import ConfigRecipe, build_config
from copydesk.runconfig import UsageError, resolve


def run_for(project, *argv):
    args = build_parser().parse_args(["check", *argv])
    return resolve(args, build_config(ConfigRecipe(None, str(project), None, ())))


def test_flags_over_settings_over_defaults(project):
    run = run_for(project)
    assert (run.paths, run.fail_on, run.executor, run.dask_inputs, run.cache) == (("content",), "error", "local",
                                                                                   "path", True)
    write(project / "copydesk.yaml", "paths: [articles]\nfail_on: warning\n"
          "settings: {executor: dask, scheduler: 'tcp://h:1', dask_inputs: text}\n")
    run = run_for(project)
    assert (run.paths, run.fail_on, run.executor, run.scheduler, run.dask_inputs) == \
        (("articles",), "warning", "dask", "tcp://h:1", "text")
    run = run_for(project, "a.md", "--fail-on", "never", "--executor", "local", "--jobs", "3", "--no-cache")
    assert (run.paths, run.fail_on, run.executor, run.jobs, run.cache) == (("a.md",), "never", "local", 3, False)


def test_old_engine_flag_and_setting_are_aliases(project):
    assert run_for(project, "--engine", "dask").executor == "dask"
    write(project / "copydesk.yaml", "settings: {engine: dask}\n")
    assert run_for(project).executor == "dask"


def test_bad_jobs_is_a_usage_error(project):
    with pytest.raises(UsageError, match="--jobs 0"):
        run_for(project, "--jobs", "0")
