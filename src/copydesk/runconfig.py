"""A run's configuration resolved once: every command-line flag folded over the configuration.

Like ruff's CLI overrides, each setting a run can take from the command line is resolved here, in
one place and one order (the flag, else the configuration's setting or project key, else the
default), and the command, the runner and the formatters then read only the resolved object. The
flags that change what checks see (``--profile``, ``--grammar-engine``, ``--audience``,
``--rules``) are folded into :class:`~copydesk.config.Config` itself by the recipe
(:class:`copydesk.profiles.ConfigRecipe`), so worker processes rebuild the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from copydesk.lint import Selection

EXECUTORS = ("local", "dask")
DEFAULT_PATHS = ("content",)


class UsageError(ValueError):
    """A flag's value that cannot be used (the message names the flag and the fix)."""


@dataclass(frozen=True)
class RunConfig:
    config: Any                   # the merged rule configuration: checks, settings, vocabulary
    paths: tuple[str, ...]
    selection: Selection
    fail_on: str                  # error, warning, info or never
    executor: str                 # local or dask
    jobs: int
    scheduler: str | None         # dask: a scheduler's address (None: a local cluster)
    dask_inputs: str              # dask: workers read "path"s or get the "text"
    cache: bool
    verbose: bool

    def make_executor(self) -> Any:
        if self.executor == "dask":
            from copydesk.distributed import executor_from_settings

            return executor_from_settings(self.scheduler, self.jobs, self.dask_inputs)
        from copydesk.executors import local_executor

        return local_executor(self.jobs)

    def make_cache(self) -> Any:
        if not self.cache:
            return None
        from copydesk.cache import Cache

        return Cache.for_run(self.config, self.selection)


def resolve(args: Any, config: Any) -> RunConfig:
    """The run ``args`` (parsed ``copydesk check`` flags) asks for, over ``config``."""
    from copydesk.executors import default_jobs

    settings = config.settings
    jobs = getattr(args, "jobs", None)
    if jobs is not None and jobs < 1:
        raise UsageError(f"--jobs {jobs}: give a number of processes of at least 1")
    executor = getattr(args, "executor", None) or settings.get("executor") or settings.get("engine") or "local"
    return RunConfig(
        config=config,
        paths=tuple(getattr(args, "paths", None) or config.paths or settings.get("paths") or DEFAULT_PATHS),
        selection=Selection(tuple(getattr(args, "select", ()) or ()), tuple(getattr(args, "ignore", ()) or ())),
        fail_on=getattr(args, "fail_on", None) or config.fail_on or "error",
        executor=executor,
        jobs=jobs or default_jobs(),  # processes here, or a local Dask cluster's workers
        scheduler=getattr(args, "scheduler", None) or settings.get("scheduler"),
        dask_inputs=getattr(args, "dask_inputs", None) or settings.get("dask_inputs") or "path",
        cache=not getattr(args, "no_cache", False),
        verbose=bool(getattr(args, "verbose", False)),
    )
