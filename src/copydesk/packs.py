"""The built-in packs a run is composed of, besides the check packs in ``copydesk/rules/*.yaml``.

Like Vale's ``BasedOnStyles``, a run is a composition of rule packs rather than settings each
check interprets: ``rules/profiles/<profile>.yaml`` sets the run's settings (``fast``,
``default``, ``thorough``), and ``rules/grammar_engines/<engine>.yaml`` turns off the checks that
need another grammar engine than the configured one. :func:`copydesk.config.load_config` applies
them last (profile, command-line settings, then the engine's pack), so no check reads
``grammar_engine`` to switch itself off.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

PACKS = Path(__file__).parent / "rules"
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


def _pack(folder: str, name: str) -> dict[str, Any]:
    import yaml

    return yaml.safe_load((PACKS / folder / f"{name}.yaml").read_text(encoding="utf-8")) or {}


def profile_settings(name: str, settings: dict[str, Any]) -> dict[str, Any]:
    """The settings profile ``name``'s pack sets, given the configured ``settings`` (LanguageTool
    only where it is available: otherwise Harper, never a download at run time)."""
    if name not in PROFILES:
        raise ValueError(f"unknown profile '{name}'; use one of: {', '.join(PROFILES)}")
    out = dict(_pack("profiles", name).get("settings", {}))
    if out.get("grammar_engine") == "languagetool" and not languagetool_available(settings):
        out["grammar_engine"] = "harper"
    return out


def engine_off(engine: str | None) -> list[str]:
    """The checks that grammar engine ``engine`` (None: Harper) turns off."""
    checks = _pack("grammar_engines", engine or "harper").get("checks", {})
    return sorted(rid for rid, on in checks.items() if on is False)
