"""Formatters: one interface (flake8-style), each turns the JSON report model into output.

A formatter is a class with ``name``, ``binary = False`` and ``format(report, options) -> str``.
They read the report dict only; they never analyze text.
"""

from __future__ import annotations

import importlib
from typing import Any

FORMATTERS: dict[str, str] = {
    "text": "copydesk.formatters.text:TextFormatter",
    "json": "copydesk.formatters.json_format:JsonFormatter",
    "sarif": "copydesk.formatters.sarif:SarifFormatter",
    "github": "copydesk.formatters.github:GithubFormatter",
    "junit": "copydesk.formatters.junit:JunitFormatter",
    "gitlab": "copydesk.formatters.gitlab:GitlabFormatter",
    "markdown": "copydesk.formatters.markdown:MarkdownFormatter",
    "html": "copydesk.formatters.html:HtmlFormatter",
}


class Formatter:
    """Base class: subclasses set ``name`` and implement :meth:`format`."""

    name = ""

    def format(self, report: dict[str, Any], options: dict[str, Any]) -> str:  # pragma: no cover
        raise NotImplementedError


def get_formatter(name: str) -> Formatter:
    try:
        target = FORMATTERS[name]
    except KeyError:
        raise ValueError(f"unknown format '{name}'; choose one of: {', '.join(FORMATTERS)}") from None
    module, cls = target.split(":")
    return getattr(importlib.import_module(module), cls)()
