"""Finding input files and decoding them (UTF-8 only, never guessed)."""

from __future__ import annotations

import codecs
import os
from dataclasses import dataclass

from copydesk.parsing import FORMATS

SKIP_DIRS = {".git", ".hg", ".svn", ".venv", "venv", "node_modules", "__pycache__", ".copydesk_cache", ".tox"}
MAX_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True)
class InputFile:
    path: str  # as reported: relative stays relative, '/' separators
    fs_path: str


class InputError(Exception):
    """A file that cannot be linted; the message names the file and the fix."""


def _display(path: str) -> str:
    return path.replace(os.sep, "/")


def discover(paths: list[str], exclude: list[str] | None = None) -> tuple[list[InputFile], list[tuple[str, str]]]:
    """Files to lint under ``paths`` (sorted, deduplicated) and (path, message) for missing ones."""
    import fnmatch

    found: dict[str, InputFile] = {}
    missing: list[tuple[str, str]] = []
    exclude = exclude or []

    def excluded(p: str) -> bool:
        return any(fnmatch.fnmatch(p, g) for g in exclude)

    for given in paths:
        if os.path.isdir(given):
            for root, dirs, files in os.walk(given, followlinks=False):
                dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
                for name in sorted(files):
                    if os.path.splitext(name)[1].lower() not in FORMATS:
                        continue
                    fs = os.path.join(root, name)
                    shown = _display(os.path.normpath(fs)) if given not in (".", "./") else _display(os.path.relpath(fs))
                    if not excluded(shown):
                        found.setdefault(shown, InputFile(shown, fs))
        elif os.path.lexists(given):
            shown = _display(given)
            found.setdefault(shown, InputFile(shown, given))
        else:
            missing.append((_display(given), f"{given}: no such file or directory; check the path"))
    return [found[k] for k in sorted(found)], missing


_BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"), (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
         (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"), (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"))


def decode(data: bytes, path: str) -> str:
    """UTF-8 text; UTF-16/32 only when a byte-order mark says so (the encoding is declared, not
    guessed). The BOM is skipped; offsets count from after it."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(codec)
            except UnicodeDecodeError as exc:
                raise InputError(f"{path}: starts with a {name} byte-order mark but is not valid {name} "
                                 f"(at byte offset {exc.start + len(bom)}); re-save the file as UTF-8") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            f"{path}:{line}: not valid UTF-8 (byte 0x{data[exc.start]:02x} at byte offset {exc.start}); "
            "re-save the file as UTF-8 (it may be Latin-1 or Windows-1252)"
        ) from None


def read(file: InputFile) -> str:
    try:
        if os.path.isdir(file.fs_path):
            raise InputError(f"{file.path}: is a directory")
        size = os.path.getsize(file.fs_path)
        if size > MAX_BYTES:
            raise InputError(f"{file.path}: {size} bytes is over the {MAX_BYTES} byte limit; split the file")
        with open(file.fs_path, "rb") as fh:
            data = fh.read()
    except PermissionError:
        raise InputError(f"{file.path}: permission denied; make the file readable") from None
    except OSError as exc:
        if os.path.islink(file.fs_path) and not os.path.exists(file.fs_path):
            raise InputError(f"{file.path}: broken symbolic link ({exc.strerror or exc}); fix or remove the link") from None
        raise InputError(f"{file.path}: cannot read ({exc.strerror or exc}); check the file") from None
    if b"\0" in data[:8192] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise InputError(f"{file.path}: binary file (NUL bytes); only text, Markdown and HTML are linted")
    return decode(data, file.path)
