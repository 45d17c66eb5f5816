"""The check registry (modelled on yamllint's rules package).

A check is one module under :mod:`copydesk.checks` defining::

    ID = "readability.sentence-length"      # area.name
    CATEGORY = "readability"
    SEVERITY = "warning"                    # default
    OPTIONS = {"max_words": {"type": "integer", "minimum": 1, "default": 35,
                             "description": "..."}}    # every option has a default: options arrive complete
    SCOPE = "document"                      # or "corpus"
    EXAMPLES = {"passes": ["Short and clear."], "fails": [{"text": "...", "options": {"max_words": 3}}]}
    def check(document, options): yield Problem(...)
    # corpus checks (SCOPE = "corpus"): def summarise(document, options) -> summary (per document,
    # in the workers, cached) and def check(corpus, options) -> yields Problem(path=...)
    # (see copydesk.corpus)

and a docstring whose first line is the summary. ``EXAMPLES`` are run by the test suite
(:mod:`copydesk.contract`). Modules whose name starts with ``_`` are helpers, not checks; any
other module under :mod:`copydesk.checks` must be a valid check, or it is reported (naming its
file and what is missing) on every run instead of silently not running.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from dataclasses import dataclass, field
from functools import lru_cache
from types import ModuleType
from typing import Any, Callable, Iterable

from copydesk.findings import CATEGORIES, SEVERITIES


@dataclass(frozen=True)
class CheckSpec:
    """Everything the engine needs to know about one check."""

    id: str
    category: str
    severity: str
    options: dict[str, dict[str, Any]]
    doc: str
    scope: str
    func: Callable[..., Iterable[Any]]
    module: str = ""
    settings: tuple[str, ...] = ()
    emits: tuple[str, ...] = ()  # categories of findings, when more than its own (engines)
    summarise: Callable[..., Any] | None = None  # corpus checks over summaries (copydesk.corpus)
    examples: dict[str, Any] = field(default_factory=dict)  # {"passes": [...], "fails": [...]}
    warm_up: Callable[[dict[str, Any]], None] | None = None  # loads what the check needs (a thread)
    spare_core: Callable[[bool], None] | None = None  # lets the check use a second core in a document

    @property
    def summary(self) -> str:
        return (self.doc.strip().splitlines() or [""])[0]

    def defaults(self) -> dict[str, Any]:
        return {k: v.get("default") for k, v in self.options.items() if "default" in v}

    def options_schema(self) -> dict[str, Any]:
        props = {k: {kk: vv for kk, vv in v.items() if kk != "description"} for k, v in self.options.items()}
        return {"type": "object", "properties": props, "additionalProperties": False}


class ContractError(ValueError):
    """A check module that breaks the contract: the message names its file and the fix."""


ID_PATTERN = re.compile(r"^[a-z][a-z0-9-]*(\.[a-z0-9][a-z0-9-]*)+$")
EXAMPLE_KEYS = {"text", "documents", "path", "options", "settings", "vocabulary"}


def _contract_problem(module: ModuleType) -> str | None:
    """What ``module`` lacks to be a check (None: nothing)."""
    rid = getattr(module, "ID", None)
    if not isinstance(rid, str) or not ID_PATTERN.match(rid):
        return "ID is missing or not of the form area.name (e.g. ID = \"readability.sentence-length\")"
    if not callable(getattr(module, "check", None)):
        return "def check(document, options) is missing"
    if getattr(module, "CATEGORY", None) not in CATEGORIES:
        return f"CATEGORY must be one of {', '.join(CATEGORIES)}"
    if getattr(module, "SEVERITY", "warning") not in SEVERITIES:
        return f"SEVERITY must be one of {', '.join(SEVERITIES)}"
    scope = getattr(module, "SCOPE", "document")
    if scope not in ("document", "corpus"):
        return "SCOPE must be document or corpus"
    if scope == "corpus" and not callable(getattr(module, "summarise", None)):
        return "a corpus check needs def summarise(document, options) next to check(corpus, options)"
    options = getattr(module, "OPTIONS", None)
    if not isinstance(options, dict):
        return "OPTIONS is missing (OPTIONS = {} when the check has none)"
    for name, schema in options.items():
        if not isinstance(schema, dict) or "default" not in schema:
            return f"option {name!r} has no default (options arrive complete: every option needs one)"
    examples = getattr(module, "EXAMPLES", None)
    if not isinstance(examples, dict) or not examples.get("passes") or not examples.get("fails"):
        return "EXAMPLES with at least one 'passes' and one 'fails' example is missing"
    for verdict in ("passes", "fails"):
        for ex in examples[verdict]:
            if isinstance(ex, dict) and (set(ex) - EXAMPLE_KEYS or not ("text" in ex or "documents" in ex)):
                return (f"EXAMPLES[{verdict!r}]: an example is a text or a dict with 'text' or 'documents' "
                        f"(and {', '.join(sorted(EXAMPLE_KEYS - {'text', 'documents'}))})")
            if not isinstance(ex, (str, dict)):
                return f"EXAMPLES[{verdict!r}]: an example is a text or a dict"
    return None


def spec_from_module(module: ModuleType) -> CheckSpec:
    """The check in ``module``, or :class:`ContractError` naming its file and what is missing."""
    problem = _contract_problem(module)
    if problem:
        where = getattr(module, "__file__", None) or module.__name__
        raise ContractError(f"{where}: not a valid check module: {problem}")
    rid = module.ID
    category = module.CATEGORY
    severity = getattr(module, "SEVERITY", "warning")
    return CheckSpec(
        id=rid,
        category=category,
        severity=severity,
        options=dict(module.OPTIONS),
        doc=(module.__doc__ or "").strip(),
        scope=getattr(module, "SCOPE", "document"),
        func=module.check,
        module=module.__name__,
        settings=tuple(getattr(module, "SETTINGS", ())),
        emits=tuple(getattr(module, "EMITS", (category,))),
        summarise=getattr(module, "summarise", None) if getattr(module, "SCOPE", "document") == "corpus" else None,
        examples=dict(module.EXAMPLES),
        warm_up=getattr(module, "warm_up", None),
        spare_core=getattr(module, "spare_core", None),
    )


_BROKEN: dict[str, str] = {}


def _walk(package: ModuleType) -> Iterable[ModuleType]:
    def onerror(name: str) -> None:
        _BROKEN[name] = f"check package {name} failed to import; its checks did not run"

    for info in pkgutil.walk_packages(package.__path__, package.__name__ + ".", onerror=onerror):
        leaf = info.name.rsplit(".", 1)[-1]
        if leaf.startswith("_") or info.ispkg:
            continue
        try:
            module = importlib.import_module(info.name)
        except Exception as exc:  # noqa: BLE001 - one broken check must not stop the others
            _BROKEN[info.name] = (f"check module {info.name} failed to import ({type(exc).__name__}: {exc}); "
                                  "its checks did not run")
            continue
        yield module


def broken_checks() -> dict[str, str]:
    """Check modules that failed to import: module name -> message (after :func:`builtin_checks`)."""
    builtin_checks()
    return dict(sorted(_BROKEN.items()))


@lru_cache(maxsize=1)
def builtin_checks() -> dict[str, CheckSpec]:
    """All checks shipped with copydesk, by id."""
    import copydesk.checks as pkg

    specs: dict[str, CheckSpec] = {}
    for module in _walk(pkg):
        try:
            spec = spec_from_module(module)
        except ContractError as exc:
            _BROKEN[module.__name__] = f"{exc}; it did not run"
            continue
        if spec.id in specs:
            raise ValueError(f"duplicate check id {spec.id} in {module.__name__}")
        specs[spec.id] = spec
    return dict(sorted(specs.items()))


def matches(rule_id: str, category: str, selectors: Iterable[str]) -> bool:
    """True if any selector names the rule id, one of its prefixes, or its category."""
    for sel in selectors:
        sel = sel.strip()
        if not sel:
            continue
        if sel in ("all", "ALL") or sel == category or rule_id == sel or rule_id.startswith(sel.rstrip(".") + "."):
            return True
    return False
