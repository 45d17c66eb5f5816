"""Rule packs: discovery, layering, validation errors (file, key, line, expectation), patterns."""

from __future__ import annotations

import pytest

from conftest import write
from copydesk.config import ConfigError, load_config

LONG = "This is a sentence " + "with many words " * 30 + "in it."


def test_builtin_defaults_without_project(project):
    (project / "rules").rmdir()
    config = load_config()
    assert config.checks["readability.sentence-length"].options["max_words"] == 45
    assert config.settings["audience"] == "general"


def test_rules_dir_overrides_defaults_and_files_globs(project):
    write(project / "rules" / "readability.yaml", """
checks:
  readability.sentence-length: {severity: error, options: {max_words: 20}}
files:
  - paths: ["legal/*"]
    checks:
      readability.sentence-length: false
""")
    config = load_config()
    assert config.checks["readability.sentence-length"].severity == "error"
    assert config.checks["readability.sentence-length"].options["max_words"] == 20
    assert config.for_path("legal/terms.md")["readability.sentence-length"].enabled is False
    assert config.for_path("blog/post.md")["readability.sentence-length"].enabled is True


def test_copydesk_yaml_names_rules_dir_and_paths(project):
    write(project / "house" / "x.yaml", "settings: {audience: professional}\n")
    write(project / "copydesk.yaml", "rules: house\npaths: [articles]\nfail_on: warning\n")
    config = load_config()
    assert config.settings["audience"] == "professional"
    assert config.paths == ["articles"] and config.fail_on == "warning"


@pytest.mark.parametrize("name, text", [("copydesk.yaml", "settings:\n  profle: fast\n"),
                                         ("pyproject.toml", '[tool.copydesk.settings]\nprofle = "fast"\n')])
def test_project_files_are_validated_alike(project, name, text):
    """copydesk.yaml and [tool.copydesk] go through one schema and one message format."""
    write(project / name, text)
    with pytest.raises(ConfigError) as exc:
        load_config()
    assert f"{name}" in str(exc.value) and "settings.profle" in str(exc.value)
    assert "unknown key 'profle'; did you mean 'profile'?" in str(exc.value)


def test_pyproject_tool_table(project):
    write(project / "house" / "x.yaml", "settings: {audience: academic}\n")
    write(project / "pyproject.toml", '[tool.copydesk]\nrules = "house"\n')
    assert load_config().settings["audience"] == "academic"


@pytest.mark.parametrize("yaml_text,expected", [
    ("checks:\n  readability.sentence-length: {severity: loud}\n",
     ["readability.yaml:2", "checks.readability.sentence-length", "severity"]),
    ("checks:\n  readability.sentence-length:\n    options:\n      max_words: many\n",
     ["readability.yaml:4", "checks.readability.sentence-length.options.max_words", "'many' is not of type 'integer'"]),
    ("checks:\n  readability.no-such-check: true\n",
     ["readability.yaml:2", "unknown check 'readability.no-such-check'", "readability.sentence-length"]),
    ("chekcs: {}\n", ["readability.yaml", "chekcs", "did you mean 'checks'", "allowed keys: checks, files, patterns, settings"]),
    ("settings:\n  audience: general\n  grammer_engine: harper\n",
     ["readability.yaml:3", "settings.grammer_engine", "did you mean 'grammar_engine'"]),
    ("checks: [\n", ["readability.yaml:", "invalid YAML"]),
    ("checks: !!python/object/apply:os.system ['echo pwned']\n", ["readability.yaml:1", "YAML tag refused", "safe_load"]),
])
def test_config_errors_name_file_key_line(project, yaml_text, expected):
    write(project / "rules" / "readability.yaml", yaml_text)
    with pytest.raises(ConfigError) as exc:
        load_config()
    for part in expected:
        assert part in str(exc.value)


def test_bad_config_exits_2_without_traceback(project, run_cli):
    write(project / "rules" / "readability.yaml", "checks:\n  readability.sentence-length: {severity: loud}\n")
    write(project / "a.md", "Hello.\n")
    code, out, err = run_cli("check", "a.md")
    assert code == 2
    assert "readability.yaml:2" in err and "Traceback" not in err


def test_pattern_rules_existence_and_substitution(project, run_json):
    write(project / "rules" / "style.yaml", """
patterns:
  - id: style.utilize
    type: substitution
    message: "Use '{replacement}' instead of '{match}'."
    swap: {utilize: use, "in order to": to}
  - id: style.headline-clickbait
    type: existence
    scope: heading
    message: "Avoid '{match}' in headings."
    tokens: ["you won't believe", "shocking"]
""")
    write(project / "a.md", "# Shocking news\n\nWe utilize tools in order to win. Shocking.\n")
    code, report, _ = run_json("a.md", "--select", "style")
    found = [(f["rule"], f["text"], f["suggestions"]) for f in report["files"][0]["findings"]]
    assert found == [
        ("style.headline-clickbait", "Shocking", []),
        ("style.utilize", "utilize", ["use"]),
        ("style.utilize", "in order to", ["to"]),
    ]


def test_pattern_with_invalid_regex_is_a_config_error(project):
    write(project / "rules" / "style.yaml", """
patterns:
  - id: style.broken
    type: existence
    regex: true
    message: "x"
    tokens: ["(unclosed"]
""")
    with pytest.raises(ConfigError, match=r"style.yaml:3: pattern rule 'style.broken'.*not a valid regular expression"):
        load_config()


def test_builtin_packs_pass_the_schemas_they_skip_at_run_time():
    """Runs trust copydesk's own rule packs (no jsonschema on start-up); this test holds them to it."""
    from copydesk.config import BUILTIN_DIR, Config, load_rules_dir
    from copydesk.registry import builtin_checks

    specs = dict(builtin_checks())
    trusted, checked = (Config(checks={}, specs=dict(specs), root=".") for _ in range(2))
    load_rules_dir(BUILTIN_DIR, trusted.specs, trusted, trusted=True)
    load_rules_dir(BUILTIN_DIR, checked.specs, checked)  # raises ConfigError on any schema mistake
    assert trusted.fingerprint() == checked.fingerprint() and trusted.sources
