"""Finding input files and decoding them (UTF-8 only, never guessed)."""

from __future__ import annotations

import array
import codecs
import os
from dataclasses import dataclass
from typing import Any, Iterable, Iterator, Sequence

from copydesk.parsing import FORMATS

SKIP_DIRS = {".git", ".hg", ".svn", ".venv", "venv", "node_modules", "__pycache__", ".copydesk_cache", ".tox"}
MAX_BYTES = 50 * 1024 * 1024
PACK_CHUNK = 4096  # paths joined into one string at a time while discovery packs them


@dataclass(frozen=True)
class InputFile:
    path: str  # as reported: relative stays relative, '/' separators
    fs_path: str


class InputError(Exception):
    """A file that cannot be linted; the message names the file and the fix."""


def _display(path: str) -> str:
    return path.replace(os.sep, "/")


class Files(Sequence[InputFile]):
    """Discovered files in path order, held compactly: per folder given, its shown and file-system
    prefix; per file, its path under that folder inside one string (about the path's own bytes a
    file, not two strings and an object), so an archive of a million files is a list one client
    holds. ``entries`` ((root index, path under the root), in order) is consumed as a stream and
    packed a chunk at a time: no Python string per file is held even while the list is built
    (a list of them would cost ~130 bytes a file at its peak). ``files[k]`` makes the
    :class:`InputFile`."""

    def __init__(self, roots: list[tuple[str, str]], entries: Iterable[tuple[int, str]]) -> None:
        self._roots = roots
        self._root_of = array.array("I")
        self._ends = array.array("q")
        chunks: list[str] = []
        pending: list[str] = []
        end = 0
        for root, rel in entries:
            self._root_of.append(root)
            end += len(rel)
            self._ends.append(end)
            pending.append(rel)
            if len(pending) == PACK_CHUNK:
                chunks.append("".join(pending))
                pending.clear()
        chunks.append("".join(pending))
        self._text = "".join(chunks)

    def __len__(self) -> int:
        return len(self._ends)

    def _rel(self, k: int) -> str:
        return self._text[self._ends[k - 1] if k else 0:self._ends[k]]

    def shown(self, k: int) -> str:
        return self._roots[self._root_of[k]][0] + self._rel(k)

    def __getitem__(self, k: Any) -> Any:
        if isinstance(k, slice):
            return [self[i] for i in range(*k.indices(len(self)))]
        if k < 0:
            k += len(self)
        if not 0 <= k < len(self):
            raise IndexError(k)
        shown_prefix, fs_prefix = self._roots[self._root_of[k]]
        rel = self._rel(k)
        return InputFile(shown_prefix + rel, fs_prefix + (rel if os.sep == "/" else rel.replace("/", os.sep)))


def _sorted_walk(top: str, rel: str = "") -> Iterator[str]:
    """Paths (``/``-separated, relative to ``top``) of the files under ``top``, in the order that
    sorting the full paths gives (a folder ``a`` sorts as ``a/``), skipping what
    :func:`discover` skips; symlinked folders are not followed."""
    try:
        with os.scandir(os.path.join(top, rel) if rel else top) as it:
            entries = list(it)
    except OSError:
        return
    keyed = []
    for e in entries:
        try:
            is_dir = e.is_dir()
        except OSError:
            is_dir = False
        if is_dir:
            if e.name not in SKIP_DIRS and not e.name.startswith(".") and not e.is_symlink():
                keyed.append((e.name + "/", True))
        elif os.path.splitext(e.name)[1].lower() in FORMATS:
            keyed.append((e.name, False))
    for key, is_dir in sorted(keyed):
        if is_dir:
            yield from _sorted_walk(top, rel + key)
        else:
            yield rel + key


def discover(paths: list[str], exclude: list[str] | None = None) -> tuple[Files, list[tuple[str, str]]]:
    """Files to lint under ``paths`` (sorted, deduplicated) and (path, message) for missing ones.
    The walk streams into :class:`Files` (nothing per file is held but its packed path)."""
    import fnmatch

    missing: list[tuple[str, str]] = []
    exclude = exclude or []
    roots: list[tuple[str, str]] = []

    def excluded(p: str) -> bool:
        return any(fnmatch.fnmatch(p, g) for g in exclude)

    def found() -> Iterator[tuple[int, str]]:
        for given in paths:
            if os.path.isdir(given):
                norm = _display(os.path.normpath(given))
                shown = "" if norm == "." else norm if norm.endswith("/") else norm + "/"
                roots.append((shown, os.path.join(given, "")))
                for rel in _sorted_walk(given):
                    if not excluded(shown + rel):
                        yield len(roots) - 1, rel
            elif os.path.lexists(given):
                roots.append(("", ""))
                yield len(roots) - 1, _display(given)
            else:
                missing.append((_display(given), f"{given}: no such file or directory; check the path"))

    files = Files(roots, found())
    if any(files.shown(k) >= files.shown(k + 1) for k in range(len(files) - 1)):  # folders that overlap
        walked = files
        order = sorted(range(len(walked)), key=walked.shown)  # stable: the first given wins a duplicate
        kept = (k for n, k in enumerate(order) if n == 0 or walked.shown(k) != walked.shown(order[n - 1]))
        files = Files(roots, ((walked._root_of[k], walked._rel(k)) for k in kept))
    return files, missing


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
