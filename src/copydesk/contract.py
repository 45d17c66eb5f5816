"""A check's documented examples, run: each ``EXAMPLES["passes"]`` item must give the check no
finding and each ``EXAMPLES["fails"]`` item at least one (the test suite runs every check's;
:func:`copydesk.registry.spec_from_module` makes sure every check has them).

An example is a text, or a dict: ``text`` (or ``documents``, ``{path: text}``, for a corpus
check), and optionally ``path`` (default ``example.txt``), ``options`` (the check's), ``settings``
(run settings such as ``audience``) and ``vocabulary`` (``{"accept": [...], "reject": [...]}``).
"""

from __future__ import annotations

from typing import Any

from copydesk.config import CheckConfig, load_config
from copydesk.lint import Selection
from copydesk.registry import CheckSpec
from copydesk.runner import lint_texts

DEFAULT_PATH = "example.txt"


def examples(spec: CheckSpec) -> list[tuple[bool, dict[str, Any]]]:
    """``(fails, example)`` for each of the check's examples, each as a dict."""
    out = []
    for verdict in ("passes", "fails"):
        for ex in spec.examples.get(verdict, ()):
            out.append((verdict == "fails", {"text": ex} if isinstance(ex, str) else dict(ex)))
    return out


def run_example(spec: CheckSpec, example: dict[str, Any], cwd: str) -> list[Any]:
    """The check's findings (its own rule and sub-rules) on ``example``; a check error raises."""
    config = load_config(None, cwd, overrides=tuple(example.get("settings", {}).items()))
    if spec.id not in config.specs:  # a check module from outside the package (tests of the contract)
        config.specs[spec.id] = spec
        config.checks[spec.id] = CheckConfig(True, spec.severity, spec.defaults())
    config.checks[spec.id].options.update(example.get("options", {}))
    for kind, words in example.get("vocabulary", {}).items():
        config.vocabulary[kind] = list(words)
    documents = example.get("documents") or {example.get("path", DEFAULT_PATH): example["text"]}
    results = lint_texts(documents, config, Selection(select=(spec.id,)))
    errors = [e["message"] for r in results for e in r.errors]
    if errors:
        raise RuntimeError("; ".join(errors))
    return [f for r in results for f in r.findings if f.rule == spec.id or f.rule.startswith(spec.id + ".")]


def example_failures(spec: CheckSpec, cwd: str) -> list[str]:
    """What is wrong with the check's examples: each that passes but should fail, or the reverse."""
    wrong = []
    for fails, example in examples(spec):
        found = run_example(spec, example, cwd)
        if bool(found) != fails:
            shown = example.get("text") or ", ".join(example.get("documents", {}))
            wrong.append(f"{spec.id}: {'Fails' if fails else 'Passes'} example {shown[:80]!r} gave "
                         f"{len(found)} finding(s)")
    return wrong
