"""A run's configuration, rebuildable in worker processes from a picklable recipe.

Profiles (``fast``, ``default``, ``thorough``) are built-in packs (:mod:`copydesk.packs`);
precedence, lowest first: the profile chosen in ``settings.profile`` or ``--profile``; then an
explicit ``--grammar-engine``. The profile's settings replace any ``grammar_engine`` in the rule
files, so ``--profile fast`` always means fast.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from copydesk.packs import DEFAULT_PROFILE, PROFILES, languagetool_available, profile_settings  # noqa: F401


@dataclass(frozen=True)
class ConfigRecipe:
    """The inputs that build a run's configuration: picklable, so worker processes can rebuild it
    (pattern-rule checks hold closures and cannot be shipped themselves)."""

    rules_dir: str | None = None
    cwd: str | None = None
    profile: str | None = None
    overrides: tuple[tuple[str, Any], ...] = field(default_factory=tuple)  # settings set on the command line


def build_config(recipe: ConfigRecipe) -> Any:
    """Load the configuration: the profile, then the command-line setting overrides, last."""
    from copydesk.config import load_config

    config = load_config(recipe.rules_dir, recipe.cwd, recipe.profile, recipe.overrides)
    config.recipe = recipe  # type: ignore[attr-defined]  # read by parallel runs
    return config


_WORKER_CONFIGS: dict[str, Any] = {}  # per worker process: fingerprint -> configuration


def worker_config(recipe: ConfigRecipe, fingerprint: str) -> Any:
    """The configuration a worker process (pool or Dask) builds once from the parent's recipe;
    refused when it differs from the parent's (other rules, another copydesk)."""
    config = _WORKER_CONFIGS.get(fingerprint)
    if config is None:
        config = build_config(recipe)
        if config.fingerprint() != fingerprint:
            raise RuntimeError("this worker's configuration differs from the client's: install the same "
                               "copydesk and make the rules folder readable at the same path on every worker")
        _WORKER_CONFIGS[fingerprint] = config
    return config
