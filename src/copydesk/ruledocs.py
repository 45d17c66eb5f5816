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
