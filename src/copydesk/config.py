"""Configuration: rule packs in YAML, validated with jsonschema, layered like sqlfluff.

Layers, lowest first: the built-in packs shipped in ``copydesk/rules``; the project's rules
directory (``--rules DIR``; else ``rules:`` in ``copydesk.yaml`` or ``[tool.copydesk]`` in
``pyproject.toml``; else ``./rules``); ``files:`` overrides by glob; the profile's pack; the
settings given on the command line; the grammar engine's pack (:mod:`copydesk.packs`).
YAML is read with ``safe_load`` only; a bad file raises :class:`ConfigError` naming the file,
the key, its line and what is expected.
"""

from __future__ import annotations

import copy
import difflib
import fnmatch
import hashlib
import json
import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from copydesk.findings import SEVERITIES
from copydesk.registry import CheckSpec, builtin_checks

BUILTIN_DIR = Path(__file__).parent / "rules"

SEVERITY_SCHEMA = {"enum": list(SEVERITIES)}
CHECK_ENTRY_SCHEMA = {
    "anyOf": [
        {"type": "boolean"},
        SEVERITY_SCHEMA,
        {
            "type": "object",
            "properties": {
                "enabled": {"type": "boolean"},
                "severity": SEVERITY_SCHEMA,
                "options": {"type": "object"},
            },
            "additionalProperties": False,
        },
    ]
}
PATTERN_SCHEMA = {
    "type": "object",
    "required": ["id", "type", "message"],
    "properties": {
        "id": {"type": "string", "pattern": r"^[a-z][a-z0-9-]*(\.[a-z0-9][a-z0-9-]*)+$"},
        "type": {"enum": ["existence", "substitution"]},
        "message": {"type": "string", "minLength": 1},
        "severity": SEVERITY_SCHEMA,
        "category": {"enum": ["style", "grammar", "spelling", "readability", "unsupported-claim", "boilerplate"]},
        "scope": {"enum": ["sentence", "heading", "paragraph", "any"]},
        "ignorecase": {"type": "boolean"},
        "regex": {"type": "boolean"},
        "tokens": {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1},
        "swap": {"type": "object", "additionalProperties": {"type": "string"}, "minProperties": 1},
        "description": {"type": "string"},
    },
    "additionalProperties": False,
}
SETTINGS_SCHEMA = {
    "type": "object",
    "properties": {
        "audience": {"anyOf": [{"enum": ["children", "general", "professional", "academic"]},
                               {"type": "number", "minimum": 1, "maximum": 25}]},
        "grammar_engine": {"enum": ["harper", "languagetool", "none"]},
        "languagetool_url": {"type": "string"},
        "dialect": {"enum": ["auto", "us", "uk", "au", "ca", "in"]},
        "profile": {"enum": ["fast", "default", "thorough"]},
        "optional_models": {"type": "boolean"},
        "paths": {"type": "array", "items": {"type": "string"}},
        "exclude": {"type": "array", "items": {"type": "string"}},
        "executor": {"enum": ["local", "dask"]},
        "engine": {"enum": ["local", "dask"]},  # the old name of executor
        "scheduler": {"type": "string"},
        "dask_inputs": {"enum": ["path", "text"]},
        # time budgets, seconds (0 or null: none): each check on a file, and all checks of a file
        "check_budget": {"anyOf": [{"type": "number", "minimum": 0}, {"type": "null"}]},
        "file_budget": {"anyOf": [{"type": "number", "minimum": 0}, {"type": "null"}]},
    },
    "additionalProperties": False,
}
AREA_SCHEMA = {
    "type": "object",
    "properties": {
        "checks": {"type": "object", "additionalProperties": CHECK_ENTRY_SCHEMA},
        "files": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["paths"],
                "properties": {
                    "paths": {"type": "array", "items": {"type": "string"}, "minItems": 1},
                    "checks": {"type": "object", "additionalProperties": CHECK_ENTRY_SCHEMA},
                },
                "additionalProperties": False,
            },
        },
        "patterns": {"type": "array", "items": PATTERN_SCHEMA},
        "settings": SETTINGS_SCHEMA,
    },
    "additionalProperties": False,
}
PROJECT_SCHEMA = {
    "type": "object",
    "properties": {
        "rules": {"type": "string"},
        "paths": {"type": "array", "items": {"type": "string"}},
        "exclude": {"type": "array", "items": {"type": "string"}},
        "fail_on": {"enum": ["error", "warning", "info", "never"]},
        "settings": SETTINGS_SCHEMA,
    },
    "additionalProperties": False,
}


class ConfigError(Exception):
    """A configuration problem: the message names the file, the key, the line and the fix."""


@dataclass
class CheckConfig:
    enabled: bool
    severity: str
    options: dict[str, Any]


@dataclass
class Config:
    """The merged configuration of a run."""

    checks: dict[str, CheckConfig]
    specs: dict[str, CheckSpec]
    overrides: list[tuple[list[str], dict[str, Any]]] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)
    vocabulary: dict[str, list[str]] = field(default_factory=lambda: {"accept": [], "reject": []})
    sources: list[str] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    fail_on: str | None = None
    root: str = "."

    def for_path(self, path: str) -> dict[str, CheckConfig]:
        """Check settings for one file, with ``files:`` overrides applied in order."""
        result = self.checks
        for globs, entries in self.overrides:
            if any(fnmatch.fnmatch(path, g) or fnmatch.fnmatch(path, g.lstrip("./")) for g in globs):
                if result is self.checks:
                    result = copy.deepcopy(self.checks)
                for rid, entry in entries.items():
                    _apply_entry(result, self.specs[rid], entry)
        return result

    def fingerprint(self) -> str:
        """A hash of everything that can change results (for caches)."""
        data = {
            "checks": {k: [v.enabled, v.severity, v.options] for k, v in sorted(self.checks.items())},
            "overrides": self.overrides,
            "settings": self.settings,
            "vocabulary": self.vocabulary,
            "patterns": sorted(k for k, s in self.specs.items() if s.module == "copydesk.patterns"),
        }
        blob = json.dumps(data, sort_keys=True, default=str).encode("utf-8")
        return hashlib.sha256(blob).hexdigest()[:24]


def _read_yaml(path: Path) -> tuple[Any, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read configuration ({exc}); fix the file or its permissions") from None
    try:
        data = yaml.load(text, Loader=_SAFE_LOADER)  # noqa: S506 - the safe loader, as yaml.safe_load
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark
        where = f":{mark.line + 1}:{mark.column + 1}" if mark else ""
        raise ConfigError(
            f"{path}{where}: YAML tag refused ({exc.problem}); copydesk reads configuration with "
            "safe_load only: remove the tag"
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}:{mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(f"{path}{where}: invalid YAML ({problem}); fix the syntax") from None
    return data, _Source(text)


# yaml.safe_load's loader, from libyaml when PyYAML was built with it (several times faster):
# the same safe constructor, which refuses every tag that would build a Python object.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Source:
    """A configuration file's YAML text; its node tree, which only error messages need (for line
    numbers), is built on first use."""

    def __init__(self, text: str) -> None:
        self.text = text

    @cached_property
    def node(self) -> Any:
        return yaml.compose(self.text, Loader=_SAFE_LOADER)


def _line_of(source: Any, path: list[Any]) -> int | None:
    node = source.node if isinstance(source, _Source) else source
    for key in path:
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if k.value == key:
                    node = v
                    break
            else:
                break
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
        else:
            break
    return node.start_mark.line + 1 if node is not None and hasattr(node, "start_mark") else None


def _schema_error(file: Path, node: Any, err: Any, prefix: list[Any] = ()) -> ConfigError:
    path = list(prefix) + list(err.absolute_path)
    line = _line_of(node, path)
    key = ".".join(str(p) for p in path) or "(top level)"
    where = f"{file}:{line}" if line else str(file)
    expected = err.message
    if err.validator == "additionalProperties":
        allowed = sorted(err.schema.get("properties", {}))
        unknown = sorted(k for k in err.instance if k not in allowed) if isinstance(err.instance, dict) else []
        if unknown:
            path.append(unknown[0])
            line = _line_of(node, path) or line
            key = ".".join(str(p) for p in path)
            where = f"{file}:{line}" if line else str(file)
            close = difflib.get_close_matches(unknown[0], allowed, n=1)
            hint = f"did you mean '{close[0]}'? " if close else ""
            expected = f"unknown key '{unknown[0]}'; {hint}allowed keys: {', '.join(allowed)}"
        else:
            expected = f"{err.message}; allowed keys: {', '.join(allowed)}"
    elif err.validator == "anyOf" and path and path[0] in ("checks", "files"):
        expected = "a check entry: true/false, a severity (error, warning, info) or {enabled, severity, options}"
    return ConfigError(f"{where}: key '{key}': {expected}")


def _validate(file: Path, data: Any, node: Any, schema: dict, prefix: list[Any] = ()) -> None:
    """Raise the best :class:`ConfigError` for ``data`` against ``schema`` (``node``: the YAML node
    tree for line numbers, or None; ``prefix``: where ``data`` sits in the file)."""
    import jsonschema  # imported when a file of the project's is read (the built-in packs are trusted)

    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(data), key=lambda e: (len(list(e.absolute_path)), str(e.absolute_path)))
    if errors:
        best = jsonschema.exceptions.best_match(errors)
        raise _schema_error(file, node, best, prefix)


def _apply_entry(checks: dict[str, CheckConfig], spec: CheckSpec, entry: Any) -> None:
    current = checks.get(spec.id) or CheckConfig(True, spec.severity, spec.defaults())
    if isinstance(entry, bool):
        current = CheckConfig(entry, current.severity, current.options)
    elif isinstance(entry, str):
        current = CheckConfig(True, entry, current.options)
    else:
        opts = dict(current.options)
        opts.update(entry.get("options", {}))
        current = CheckConfig(entry.get("enabled", current.enabled), entry.get("severity", current.severity), opts)
    checks[spec.id] = current


def _check_entries(file: Path, node: Any, entries: dict, specs: dict[str, CheckSpec], prefix: list[Any]) -> None:
    for rid, entry in entries.items():
        if rid not in specs:
            line = _line_of(node, prefix + [rid])
            close = [s for s in specs if s.split(".")[0] == rid.split(".")[0]][:5]
            hint = f" (checks in that area: {', '.join(close)})" if close else " (run 'copydesk rules' to list checks)"
            raise ConfigError(f"{file}:{line}: key '{'.'.join(map(str, prefix + [rid]))}': unknown check '{rid}'{hint}")
        if isinstance(entry, dict) and "options" in entry:
            import jsonschema

            validator = jsonschema.Draft202012Validator(specs[rid].options_schema())
            errs = list(validator.iter_errors(entry["options"]))
            if errs:
                raise _schema_error(file, node, jsonschema.exceptions.best_match(errs), prefix + [rid, "options"])


def load_rules_dir(directory: Path, specs: dict[str, CheckSpec], config: Config, trusted: bool = False) -> None:
    """Merge every ``*.yaml``/``*.yml`` in ``directory`` (sorted) into ``config``. ``trusted``
    (copydesk's own packs, validated by its test suite) skips the schema validation."""
    from copydesk.patterns import pattern_spec

    files = sorted(list(directory.glob("*.yaml")) + list(directory.glob("*.yml")))
    for file in files:
        data, node = _read_yaml(file)
        if data is None:
            continue
        if not trusted:
            _validate(file, data, node, AREA_SCHEMA)
        config.sources.append(str(file))
        for i, pat in enumerate(data.get("patterns", [])):
            try:
                spec = pattern_spec(pat)
            except ValueError as exc:
                line = _line_of(node, ["patterns", i])
                raise ConfigError(f"{file}:{line}: pattern rule '{pat['id']}': {exc}") from None
            specs[spec.id] = spec
            config.checks[spec.id] = CheckConfig(True, spec.severity, {})
        entries = data.get("checks", {})
        if not trusted:
            _check_entries(file, node, entries, specs, ["checks"])
        for rid, entry in entries.items():
            _apply_entry(config.checks, specs[rid], entry)
        for i, over in enumerate(data.get("files", [])):
            if not trusted:
                _check_entries(file, node, over.get("checks", {}), specs, ["files", i, "checks"])
            config.overrides.append((list(over["paths"]), dict(over.get("checks", {}))))
        config.settings.update(data.get("settings", {}))
    vocab = directory / "vocabulary"
    for kind in ("accept", "reject"):
        f = vocab / f"{kind}.txt"
        if f.is_file():
            words = [ln.strip() for ln in f.read_text(encoding="utf-8").splitlines()]
            config.vocabulary[kind].extend(w for w in words if w and not w.startswith("#"))


def _project_file(start: Path) -> tuple[Path, dict] | None:
    """``copydesk.yaml`` or ``[tool.copydesk]`` in ``pyproject.toml``, walking up from ``start``."""
    for folder in [start, *start.parents]:
        yml = folder / "copydesk.yaml"
        if yml.is_file():
            data, node = _read_yaml(yml)
            data = data or {}
            _validate(yml, data, node, PROJECT_SCHEMA)
            return yml, data
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            try:
                import tomllib
            except ModuleNotFoundError:  # Python 3.10
                import tomli as tomllib  # type: ignore[no-redef]
            try:
                table = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("tool", {}).get("copydesk")
            except (tomllib.TOMLDecodeError, OSError, UnicodeDecodeError) as exc:
                raise ConfigError(f"{pyproject}: cannot read [tool.copydesk] ({exc}); fix the TOML") from None
            if table is not None:
                _validate(pyproject, table, None, PROJECT_SCHEMA, ["tool", "copydesk"])  # as copydesk.yaml
                return pyproject, table
        if (folder / ".git").exists():
            break
    return None


def load_config(rules_dir: str | None = None, cwd: str | None = None, profile: str | None = None,
                overrides: tuple[tuple[str, Any], ...] = ()) -> Config:
    """Build the run's configuration (see module docstring for the cascade)."""
    base = Path(cwd or os.getcwd())
    specs = dict(builtin_checks())
    config = Config(checks={}, specs=specs, root=str(base))
    for spec in specs.values():
        config.checks[spec.id] = CheckConfig(True, spec.severity, spec.defaults())
    load_rules_dir(BUILTIN_DIR, specs, config, trusted=True)

    project = _project_file(base)
    directory: Path | None = None
    if rules_dir:
        directory = Path(rules_dir)
        if not directory.is_dir():
            raise ConfigError(f"--rules {rules_dir}: not a directory; give the folder holding the rule YAML files")
    if project:
        pfile, pdata = project
        config.root = str(pfile.parent)
        config.paths = list(pdata.get("paths", []))
        config.exclude = list(pdata.get("exclude", []))
        config.fail_on = pdata.get("fail_on")
        if directory is None and "rules" in pdata:
            directory = pfile.parent / pdata["rules"]
            if not directory.is_dir():
                raise ConfigError(f"{pfile}: key 'rules': {pdata['rules']} is not a directory next to it")
    if directory is None and (base / "rules").is_dir():
        directory = base / "rules"
    if directory is not None and directory.resolve() != BUILTIN_DIR.resolve():
        load_rules_dir(directory, specs, config)
    if project:
        config.settings.update(project[1].get("settings", {}))
    _compose(config, profile, overrides)
    return config


def _compose(config: Config, profile: str | None, overrides: tuple[tuple[str, Any], ...]) -> None:
    """The last layers: the profile's pack (``--profile``, else ``settings.profile``, else default;
    it replaces the rule files' engine settings), the settings given on the command line, then the
    grammar engine's pack, which turns off the checks of the other engines everywhere."""
    from copydesk.packs import DEFAULT_PROFILE, engine_off, profile_settings

    name = profile or config.settings.get("profile") or DEFAULT_PROFILE
    config.settings.update(profile_settings(name, config.settings))
    for key, value in overrides:
        config.settings[key] = value
    for rid in engine_off(config.settings.get("grammar_engine")):
        if rid in config.checks:
            cc = config.checks[rid]
            config.checks[rid] = CheckConfig(False, cc.severity, cc.options)
        for _, entries in config.overrides:
            if rid in entries:
                entries[rid] = False
