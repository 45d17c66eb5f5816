"""The check registry (modelled on yamllint's rules package).

A check is one module under :mod:`copydesk.checks` defining::

    ID = "readability.sentence-length"      # area.name
    CATEGORY = "readability"
    SEVERITY = "warning"                    # default
    OPTIONS = {"max_words": {"type": "integer", "minimum": 1, "default": 35}}
    SCOPE = "document"                      # or "corpus"
    def check(document, options): yield Problem(...)
    # corpus checks: def check(documents, options) -> yields Problem(path=...), or, to run on
    # summaries (any engine, see copydesk.corpus): def summarise(document, options) -> summary
    # and def check(corpus, options) -> yields Problem(path=...)

and a docstring whose first line is the summary, with ``Passes:`` and ``Fails:`` examples.
Modules whose name starts with ``_`` are helpers, not checks.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
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


def spec_from_module(module: ModuleType) -> CheckSpec:
    rid = module.ID
    category = module.CATEGORY
    severity = getattr(module, "SEVERITY", "warning")
    if category not in CATEGORIES:
        raise ValueError(f"check {rid}: unknown category {category!r}")
    if severity not in SEVERITIES:
        raise ValueError(f"check {rid}: unknown severity {severity!r}")
    return CheckSpec(
        id=rid,
        category=category,
        severity=severity,
        options=dict(getattr(module, "OPTIONS", {})),
        doc=(module.__doc__ or "").strip(),
        scope=getattr(module, "SCOPE", "document"),
        func=module.check,
        module=module.__name__,
        settings=tuple(getattr(module, "SETTINGS", ())),
        emits=tuple(getattr(module, "EMITS", (category,))),
        summarise=getattr(module, "summarise", None) if getattr(module, "SCOPE", "document") == "corpus" else None,
        warm_up=getattr(module, "warm_up", None),
        spare_core=getattr(module, "spare_core", None),
    )


_BROKEN: dict[str, str] = {}


def _walk(package: ModuleType) -> Iterable[ModuleType]:
    def onerror(name: str) -> None:
        _BROKEN[name] = f"check package {name} failed to import; its checks did not run"

    for info in pkgutil.walk_packages(package.__path__, package.__name__ + ".", onerror=onerror):
        leaf = info.name.rsplit(".", 1)[-1]
        if leaf.startswith("_"):
            continue
        try:
            module = importlib.import_module(info.name)
        except Exception as exc:  # noqa: BLE001 - one broken check must not stop the others
            _BROKEN[info.name] = (f"check module {info.name} failed to import ({type(exc).__name__}: {exc}); "
                                  "its checks did not run")
            continue
        if hasattr(module, "ID") and hasattr(module, "check"):
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
        except (AttributeError, ValueError) as exc:
            _BROKEN[module.__name__] = f"check module {module.__name__} is invalid ({exc}); it did not run"
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
