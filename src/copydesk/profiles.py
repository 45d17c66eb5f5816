"""Run profiles: how much work a run may spend per document.

``fast``      no grammar engine, no optional models: readability, claims, boilerplate,
              off-topic core and the YAML pattern rules.
``default``   ``fast`` plus the Harper grammar and spelling engine.
``thorough``  ``default`` plus LanguageTool (when a local server or installation is available;
              otherwise Harper) and optional models (used by detectors only when installed).

A profile only sets global settings; detectors read them through ``SETTINGS``
(``grammar_engine``, ``optional_models``, ``profile``). Precedence, lowest first: the profile
chosen in ``settings.profile`` or ``--profile``; then an explicit ``--grammar-engine``.
The profile's settings replace any ``grammar_engine`` in the rule files, so ``--profile fast``
always means fast.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from typing import Any

PROFILES = ("fast", "default", "thorough")
DEFAULT_PROFILE = "default"


def languagetool_available(settings: dict[str, Any]) -> bool:
    """True when LanguageTool can run without a network download: a configured server URL,
    or Java plus an already downloaded LanguageTool (``LTP_PATH`` or the usual cache folder)."""
    if settings.get("languagetool_url"):
        return True
    if shutil.which("java") is None:
        return False
    home = os.environ.get("LTP_PATH") or os.path.join(os.path.expanduser("~"), ".cache", "language_tool_python")
    try:
        return any(name.lower().startswith("languagetool") for name in os.listdir(home))
    except OSError:
        return False


def profile_settings(name: str, settings: dict[str, Any]) -> dict[str, Any]:
    """The settings a profile sets, given the configured ``settings``."""
    if name not in PROFILES:
        raise ValueError(f"unknown profile '{name}'; use one of: {', '.join(PROFILES)}")
    if name == "fast":
        return {"profile": name, "grammar_engine": "none", "optional_models": False}
    if name == "default":
        return {"profile": name, "grammar_engine": "harper", "optional_models": False}
    engine = "languagetool" if languagetool_available(settings) else "harper"
    return {"profile": name, "grammar_engine": engine, "optional_models": True}


@dataclass(frozen=True)
class ConfigRecipe:
    """The inputs that build a run's configuration: picklable, so worker processes can rebuild it
    (pattern-rule checks hold closures and cannot be shipped themselves)."""

    rules_dir: str | None = None
    cwd: str | None = None
    profile: str | None = None
    overrides: tuple[tuple[str, Any], ...] = field(default_factory=tuple)  # settings set on the command line


def build_config(recipe: ConfigRecipe) -> Any:
    """Load the configuration, apply the profile, then the command-line setting overrides."""
    from copydesk.config import load_config

    config = load_config(recipe.rules_dir, recipe.cwd)
    name = recipe.profile or config.settings.get("profile") or DEFAULT_PROFILE
    config.settings.update(profile_settings(name, config.settings))
    for key, value in recipe.overrides:
        config.settings[key] = value
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
