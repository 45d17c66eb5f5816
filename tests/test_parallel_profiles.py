"""Profiles: fast / default / thorough set the engine settings; config and command line select them."""

from __future__ import annotations

import pytest

from conftest import write
from copydesk.profiles import ConfigRecipe, build_config, profile_settings


def settings_for(project, profile=None, overrides=()):
    return build_config(ConfigRecipe(None, str(project), profile, tuple(overrides))).settings


def test_profiles_set_engine_settings(project, monkeypatch):
    monkeypatch.setenv("LTP_PATH", str(project / "no-languagetool-here"))
    assert settings_for(project, "fast")["grammar_engine"] == "none"
    assert settings_for(project, "default")["grammar_engine"] == "harper"
    assert settings_for(project)["profile"] == "default"  # no profile anywhere: default
    thorough = settings_for(project, "thorough")
    assert thorough["optional_models"] is True
    assert thorough["grammar_engine"] == "harper"  # no LanguageTool available offline: Harper


def test_thorough_uses_languagetool_when_a_server_is_configured(project):
    write(project / "rules" / "grammar.yaml", "settings:\n  languagetool_url: http://localhost:8081\n")
    assert settings_for(project, "thorough")["grammar_engine"] == "languagetool"


def test_profile_from_config_and_command_line_precedence(project):
    write(project / "rules" / "run.yaml", "settings:\n  profile: fast\n  grammar_engine: harper\n")
    assert settings_for(project)["grammar_engine"] == "none"  # the configured profile wins over the file
    assert settings_for(project, "default")["grammar_engine"] == "harper"  # --profile wins over config
    assert settings_for(project, "fast", [("grammar_engine", "harper")])["grammar_engine"] == "harper"


def test_unknown_profile_in_config_is_a_config_error(project, run_cli):
    write(project / "rules" / "run.yaml", "settings:\n  profile: turbo\n")
    write(project / "a.md", "Hello.\n")
    code, _, err = run_cli("check", "a.md")
    assert code == 2 and "profile" in err
    with pytest.raises(ValueError):
        profile_settings("turbo", {})


def test_profile_changes_the_cache_key(project):
    from copydesk.cache import Cache
    from copydesk.lint import Selection

    keys = {Cache.for_run(build_config(ConfigRecipe(None, str(project), p, ())), Selection()).key("a", "b")
            for p in ("fast", "default", "thorough")}
    assert len(keys) == 3


def test_fast_profile_runs_no_grammar_engine(project, run_json):
    write(project / "a.md", "This are a sentence with teh typo.\n")
    _, report, _ = run_json("a.md", "--profile", "fast", "--no-cache", "--fail-on", "never")
    assert not [f for f in report["files"][0]["findings"] if f["rule"].startswith("grammar.harper")]
