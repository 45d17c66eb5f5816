"""The rule contract: every check's documented examples hold, and the registry refuses a module
that lacks a part of the contract (naming its file)."""

from __future__ import annotations

import types

import pytest

from copydesk.contract import example_failures, examples, run_example
from copydesk.findings import Problem
from copydesk.packs import languagetool_available
from copydesk.registry import ContractError, broken_checks, builtin_checks, spec_from_module

CASES = [(rid, fails, i, ex) for rid, spec in builtin_checks().items()
         for i, (fails, ex) in enumerate(examples(spec))]


def test_every_check_module_is_valid():
    assert broken_checks() == {}


@pytest.mark.parametrize("rid, fails, index, example", CASES,
                         ids=[f"{rid}-{'fails' if fails else 'passes'}-{i}" for rid, fails, i, _ in CASES])
def test_documented_example_holds(tmp_path, rid, fails, index, example):
    if rid == "grammar.languagetool" and not languagetool_available({}):
        pytest.skip("needs a LanguageTool server or installation (offline run)")
    found = run_example(builtin_checks()[rid], example, str(tmp_path))
    assert bool(found) is fails, [f.message for f in found]


def _module(**attrs) -> types.ModuleType:
    """A check module built here: flags the word "utilize"."""
    module = types.ModuleType("copydesk.checks.house.utilize")
    module.__file__ = "/somewhere/house/utilize.py"

    def check(document, options):
        start = document.text.find("utilize")
        if start >= 0:
            yield Problem(start, start + 7, "Use 'use'.")

    module.__dict__.update(ID="house.utilize", CATEGORY="style", OPTIONS={}, check=check,
                           EXAMPLES={"passes": ["We use it."], "fails": ["We utilize it."]})
    module.__dict__.update(attrs)
    return module


def test_contract_test_fails_on_a_wrong_documented_example(tmp_path):
    good = spec_from_module(_module())
    assert example_failures(good, str(tmp_path)) == []
    broken = spec_from_module(_module(EXAMPLES={"passes": ["We utilize it."], "fails": ["We use it."]}))
    wrong = example_failures(broken, str(tmp_path))
    assert len(wrong) == 2 and "Passes example 'We utilize it.'" in wrong[0]


@pytest.mark.parametrize("missing, expected", [
    ({"ID": None}, "ID is missing"),
    ({"check": None}, "def check"),
    ({"OPTIONS": None}, "OPTIONS is missing"),
    ({"OPTIONS": {"n": {"type": "integer"}}}, "option 'n' has no default"),
    ({"EXAMPLES": {"passes": ["x"]}}, "EXAMPLES"),
    ({"SCOPE": "corpus"}, "summarise"),
])
def test_registry_rejects_an_incomplete_module_naming_its_file(missing, expected):
    with pytest.raises(ContractError) as exc:
        spec_from_module(_module(**missing))
    assert str(exc.value).startswith("/somewhere/house/utilize.py: ") and expected in str(exc.value)


def test_rule_reference_is_generated_from_the_checks():
    """docs/rules.md is made from OPTIONS and EXAMPLES: regenerate it when a check changes."""
    from pathlib import Path

    from copydesk.ruledocs import reference

    docs = Path(__file__).resolve().parents[1] / "docs" / "rules.md"
    assert docs.read_text(encoding="utf-8") == reference(), \
        "docs/rules.md is stale: run .venv/bin/python -m copydesk.ruledocs > docs/rules.md"
