"""The LanguageTool client: language-tool-python with bounded time-outs, never a download.

Where the server is: the ``languagetool_url`` setting, else ``COPYDESK_LANGUAGETOOL_URL``, else a
local LanguageTool that language-tool-python has already installed (``LTP_PATH`` or
``~/.cache/language_tool_python``) when Java is on the PATH. Nothing is ever downloaded. A
server that cannot be reached raises :class:`LanguageToolUnavailable` with one line saying what
to set; the failure is remembered for the process, so a run tries (and waits) once.
"""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path
from typing import Any

ENV_URL = "COPYDESK_LANGUAGETOOL_URL"
HOW_TO = (f"start a LanguageTool server and set {ENV_URL} (or settings.languagetool_url in rules/grammar.yaml) "
          "to its URL, e.g. http://localhost:8081, or use --grammar-engine harper")
MAX_CHARS = 20_000  # LanguageTool servers refuse long texts (public default limit)


class LanguageToolUnavailable(RuntimeError):
    """LanguageTool was asked for but cannot be reached."""


_LOCK = threading.Lock()
_CLIENTS: dict[tuple[str, str, float], Any] = {}
_FAILED: dict[tuple[str, str, float], str] = {}
_REPORTED: dict[str, str] = {}  # server -> failure message


def server_url(setting: str | None) -> str | None:
    return (setting or os.environ.get(ENV_URL) or "").strip() or None


def local_install() -> Path | None:
    """An already-installed LanguageTool (with a Java to run it), if language-tool-python has one."""
    if os.environ.get("LTP_JAR_DIR_PATH"):
        jar_dir = Path(os.environ["LTP_JAR_DIR_PATH"])
        return jar_dir if jar_dir.is_dir() and shutil.which("java") else None
    base = Path(os.environ.get("LTP_PATH") or Path.home() / ".cache" / "language_tool_python")
    if not base.is_dir() or not shutil.which("java"):
        return None
    found = sorted(p for p in base.glob("LanguageTool-*") if (p / "languagetool-server.jar").is_file())
    return found[-1] if found else None


def _connect(url: str | None, language: str, timeout: float) -> Any:
    import language_tool_python as ltp

    bounded = type("BoundedLanguageTool", (ltp.LanguageTool,), {"_TIMEOUT": timeout})
    if url:
        return bounded(language, remote_server=url)
    local = local_install()
    if local is None:
        raise LanguageToolUnavailable(f"LanguageTool is not configured: no server URL and no local install; {HOW_TO}")
    version = local.name.split("-", 1)[1]
    return bounded(language, language_tool_download_version=version)


def client(url: str | None, language: str, timeout: float) -> Any:
    """A connected client; raises :class:`LanguageToolUnavailable` when the server cannot be reached.

    The connection is tried once per process and server: later documents get the remembered
    failure at once (every file's result says it is incomplete, so none is cached as complete;
    the command line prints the shared cause once).
    """
    key = (url or "", language, timeout)
    where_key = url or ""
    with _LOCK:
        if key in _CLIENTS:
            return _CLIENTS[key]
        if where_key in _REPORTED:
            raise LanguageToolUnavailable(_REPORTED[where_key])
        if key not in _FAILED:
            try:
                _CLIENTS[key] = _connect(url, language, timeout)
                return _CLIENTS[key]
            except LanguageToolUnavailable as exc:
                _FAILED[key] = str(exc)
            except Exception as exc:  # noqa: BLE001 - any transport/Java failure means "unreachable"
                where = f"at {url}" if url else "locally"
                _FAILED[key] = f"LanguageTool is not reachable {where} ({_reason(exc, timeout)}); {HOW_TO}"
        _REPORTED[where_key] = _FAILED[key]
    raise LanguageToolUnavailable(_FAILED[key])


def _reason(exc: BaseException, timeout: float) -> str:
    """A short cause for an unreachable server (no library internals)."""
    text = f"{type(exc).__name__}: {exc}"
    for cause in (exc.__cause__, exc.__context__):
        if cause is not None:
            text += f" {type(cause).__name__}: {cause}"
    low = text.lower()
    if "timed out" in low or "timeout" in low:
        return f"no answer within {timeout:g} s"
    if "refused" in low or "newconnectionerror" in low or "failed to establish" in low:
        return "connection refused"
    if "name or service not known" in low or "nodename" in low or "resolve" in low:
        return "host name not found"
    if "java" in low:
        return "Java could not run it"
    first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return first[:120]


def chunks(text: str, limit: int = MAX_CHARS) -> list[tuple[int, str]]:
    """``text`` cut at paragraph breaks into pieces of at most ``limit`` characters (with offsets)."""
    out, start = [], 0
    while start < len(text):
        end = min(len(text), start + limit)
        if end < len(text):
            cut = text.rfind("\n\n", start, end)
            if cut <= start:
                cut = text.rfind("\n", start, end)
            if cut <= start:
                cut = text.rfind(" ", start, end)
            end = cut + 1 if cut > start else end
        out.append((start, text[start:end]))
        start = end
    return out


def reset() -> None:
    """Forget clients and failures (tests)."""
    with _LOCK:
        _CLIENTS.clear()
        _FAILED.clear()
        _REPORTED.clear()
