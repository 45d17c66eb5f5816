"""Shared fixtures: the project root, the seed corpus, ../shared (skipped when absent), a CLI runner."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture
def shared() -> Path:
    if not SHARED.is_dir():
        pytest.skip("../shared is not beside the project")
    return SHARED


@pytest.fixture
def run_cli(capsys, monkeypatch):
    """Run ``copydesk`` in-process in a given folder; returns (exit code, stdout, stderr)."""
    from copydesk.cli import main

    def run(*args: str, cwd: Path | str | None = None):
        if cwd is not None:
            monkeypatch.chdir(cwd)
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture
def run_json(run_cli):
    def run(*args: str, cwd: Path | str | None = None):
        code, out, err = run_cli("check", "--format", "json", *args, cwd=cwd)
        return code, json.loads(out), err

    return run


@pytest.fixture
def project(tmp_path, monkeypatch):
    """An empty project folder (a git-less dir with its own rules/) as cwd."""
    (tmp_path / "rules").mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COPYDESK_CACHE_DIR", str(tmp_path / ".cache"))
    return tmp_path


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


os.environ.setdefault("NO_COLOR", "1")


def options_of(module, **overrides):
    """A check's options as the runner gives them: every default from ``OPTIONS``, then ``overrides``."""
    return {**{k: v.get("default") for k, v in module.OPTIONS.items()}, **overrides}
