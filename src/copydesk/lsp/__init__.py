"""``copydesk lsp``: a Language Server Protocol server (pygls) for Markdown, text and HTML.

:mod:`copydesk.lsp.project` lints with the workspace's configuration and corpus (no protocol),
:mod:`copydesk.lsp.protocol` turns findings into diagnostics, hovers and code actions, and
:mod:`copydesk.lsp.server` wires them to the editor. Set-up per editor: ``docs/editors.md``.
"""

from copydesk.lsp.server import serve

__all__ = ["serve"]
