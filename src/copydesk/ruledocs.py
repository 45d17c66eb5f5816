"""Documentation made from the rule contract: ``copydesk explain`` (and the editor's hover), and
the reference of every check in ``docs/rules.md`` (its option tables from ``OPTIONS``, its
examples from ``EXAMPLES``; regenerate with ``python -m copydesk.ruledocs > docs/rules.md``, a
test fails when it is stale), the way sqlfluff generates its rule reference from the rules.
"""

from __future__ import annotations

import json
from typing import Any


def explain_text(config: Any, rule: str) -> str | None:
    """What ``copydesk explain RULE`` prints (also the language server's hover), or None."""
    spec = config.specs.get(rule)
    if spec is None:
        return None
    cc = config.checks[spec.id]
    lines = [f"{spec.id}  [{spec.category}, default severity {spec.severity}, configured {cc.severity}"
             f"{'' if cc.enabled else ', disabled'}]\n", spec.doc.strip() + "\n"]
    if spec.options:
        lines.append("Options:")
        for name, schema in spec.options.items():
            desc = schema.get("description", "")
            lines.append(f"  {name}: {schema.get('type', '')} (default {schema.get('default')!r}; "
                         f"configured {cc.options.get(name)!r}){' - ' + desc if desc else ''}")
    return "\n".join(lines) + "\n"


def _value(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return f"`{text}`" if len(text) <= 60 else f"`{text[:57]}...`"


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def options_table(spec: Any, configured: dict[str, Any]) -> list[str]:
    """The check's options as a Markdown table: type, the built-in value, description."""
    if not spec.options:
        return ["No options."]
    rows = ["| option | type | default | description |", "|---|---|---|---|"]
    for name, schema in spec.options.items():
        kind = schema.get("type") or ("one of " + ", ".join(map(str, schema["enum"])) if "enum" in schema else "")
        rows.append(f"| `{name}` | {_cell(str(kind))} | {_value(configured.get(name, schema.get('default')))} "
                    f"| {_cell(schema.get('description', ''))} |")
    return rows


def _example(example: Any) -> str:
    if isinstance(example, str):
        return f"`{_cell(example)[:160]}`"
    if "documents" in example:
        shown = "; ".join(f"`{p}`: `{_cell(t)[:70]}`" for p, t in example["documents"].items())
    else:
        shown = f"`{_cell(example['text'])[:160]}`"
    extra = {k: v for k, v in example.items() if k not in ("text", "documents", "path")}
    return shown + (f" (with {json.dumps(extra, ensure_ascii=False)})" if extra else "")


def reference() -> str:
    """``docs/rules.md``: every built-in check with its options and examples."""
    import tempfile

    from copydesk.config import load_config
    from copydesk.registry import builtin_checks

    with tempfile.TemporaryDirectory() as nowhere:  # no project around it: the built-in packs only
        config = load_config(None, cwd=nowhere)
    out = ["# Rule reference", "",
           "Generated from the checks' `OPTIONS` and `EXAMPLES` by `python -m copydesk.ruledocs > docs/rules.md`;",
           "`tests/test_contract.py` fails when this file is stale. Defaults are the built-in configuration's",
           "(`src/copydesk/rules/*.yaml`); set options per check in your rules folder, e.g.",
           "`checks: {readability.sentence-length: {options: {max_words: 30}}}`.", ""]
    for rid, spec in builtin_checks().items():
        out += [f"## `{rid}`", "", f"{_cell(spec.summary)}", "",
                f"Category `{spec.category}`, severity `{spec.severity}`, scope `{spec.scope}`"
                + (f", settings read: {', '.join(f'`{s}`' for s in spec.settings)}" if spec.settings else "") + ".", ""]
        out += options_table(spec, config.checks[rid].options) + [""]
        for verdict in ("passes", "fails"):
            for ex in spec.examples.get(verdict, ()):
                out.append(f"- {verdict.capitalize()}: {_example(ex)}")
        out.append("")
    return "\n".join(out).rstrip() + "\n"

if __name__ == "__main__":
    import sys

    sys.stdout.write(reference())
