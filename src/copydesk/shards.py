"""Sharded reports: a run's file entries written as JSON Lines where they are made, merged later.

A report of a million documents does not fit one process, so ``--output-dir OUT`` never builds it:
whoever holds a partition's finished results (a Dask worker, the local engine) writes them as one
shard, and the client keeps only a :class:`Tally` (counts and error causes). ``OUT`` is a local
folder or any URL fsspec opens (``s3://bucket/audit``, ``gcs://...``, ``file:///mnt/share``)::

    OUT/part-000000.jsonl   one line per file: the JSON report's file entry ({"path", "format",
    OUT/part-000001.jsonl   "stats", "findings", "errors"}), findings in the JSON report's schema,
    ...                     already sorted and fingerprinted; in path order within a shard
    OUT/manifest.json       written last: the shards, the summary, the configuration's recipe

``copydesk report merge OUT [PATH ...]`` reads the entries back (of the files under the given
paths only, if any) into :class:`copydesk.results.FileResult` objects, so the formatters, the
baseline and ``--changed-since`` filters run exactly as after ``copydesk check``: merged output is
byte-identical to a local run's report on the same files (restricted to ``PATH ...``).
A run writes its manifest last and removes the previous run's first: a folder without a manifest
holds an unfinished run, and merge refuses it.
"""

from __future__ import annotations

import json
import posixpath
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

from copydesk import __version__
from copydesk.results import FileResult
from copydesk.findings import Finding, Position

SHARDS_VERSION = 1
MANIFEST = "manifest.json"
SHARD_GLOB = "part-*.jsonl"
FILES_PER_SHARD = 1000  # files per shard: large enough that a million pages is ~1000 objects


class ShardError(ValueError):
    """An output folder that cannot be written or read; the message names it and the fix."""


def shard_name(index: int) -> str:
    return f"part-{index:06d}.jsonl"


def _fs(url: str) -> tuple[Any, str]:
    import fsspec

    try:
        return fsspec.core.url_to_fs(url)
    except (ImportError, ValueError) as exc:  # an unknown protocol, or its package not installed
        raise ShardError(f"{url}: cannot open this output location ({exc})") from None


def location(url: str) -> str:
    """``url`` as every process can open it: a plain path made absolute (Dask workers have their
    own working folder), any other URL as given."""
    import os

    return url if "://" in url else os.path.abspath(url)


def _join(root: str, name: str) -> str:
    return posixpath.join(root.rstrip("/"), name) if root else name


def cause(error: dict[str, Any]) -> str:
    """What makes two errors the same: a check failing for one reason in many files is one cause."""
    return error["message"].split(": ", 1)[-1] if error.get("check") else error["message"]


@dataclass
class Tally:
    """What the client keeps of written results: the report's summary and the first message of
    each error cause (what ``copydesk check`` prints), never the findings."""

    files: int = 0
    findings: int = 0
    by_severity: Counter[str] = field(default_factory=Counter)
    by_category: Counter[str] = field(default_factory=Counter)
    errors: int = 0
    causes: dict[str, str] = field(default_factory=dict)  # cause -> its first message

    def add(self, result: FileResult) -> None:
        self.files += 1
        self.findings += len(result.findings)
        for f in result.findings:
            self.by_severity[f.severity] += 1
            self.by_category[f.category] += 1
        self.errors += len(result.errors)
        for e in result.errors:
            self.causes.setdefault(cause(e), e["message"])

    def update(self, other: "Tally") -> None:
        self.files += other.files
        self.findings += other.findings
        self.by_severity.update(other.by_severity)
        self.by_category.update(other.by_category)
        self.errors += other.errors
        for c, message in other.causes.items():
            self.causes.setdefault(c, message)

    def summary(self) -> dict[str, Any]:
        """The report's ``summary`` (the same keys and order as :func:`copydesk.report.build_report`)."""
        return {"files": self.files, "findings": self.findings,
                "by_severity": dict(sorted(self.by_severity.items())),
                "by_category": dict(sorted(self.by_category.items())), "errors": self.errors}


def entry_line(result: FileResult) -> str:
    """One shard line: the file's report entry as compact JSON (ASCII: lone surrogates survive)."""
    from copydesk.report import file_entry

    return json.dumps(file_entry(result), separators=(",", ":")) + "\n"


def prepare(url: str) -> None:
    """Make the output folder and remove a previous run's manifest, then its shards (only those)."""
    fs, root = _fs(url)
    try:
        fs.makedirs(root, exist_ok=True)
        manifest = _join(root, MANIFEST)
        if fs.exists(manifest):
            fs.rm(manifest)
        old = fs.glob(_join(root, SHARD_GLOB))
        if old:
            fs.rm(old)
    except OSError as exc:
        raise ShardError(f"{url}: cannot prepare the output folder ({exc}); check the path and permissions") from None


def write_shard_lines(url: str, index: int, lines: Iterable[str]) -> None:
    """Write shard ``index`` (lines made by :func:`entry_line`). Rewriting a shard replaces it
    whole, so a retried task leaves no duplicate lines."""
    fs, root = _fs(url)
    with fs.open(_join(root, shard_name(index)), "w", encoding="utf-8", newline="\n") as fh:
        fh.writelines(lines)


def write_shard(url: str, index: int, results: Iterable[FileResult]) -> Tally:
    """Write finished results (findings sorted and fingerprinted) as shard ``index``; their tally."""
    tally = Tally()

    def lines() -> Iterator[str]:
        for r in results:
            tally.add(r)
            yield entry_line(r)

    write_shard_lines(url, index, lines())
    return tally


def write_manifest(url: str, shards: list[str], tally: Tally, config: Any = None) -> None:
    """The run's last write: which shards make the report, its summary, and how to rebuild the
    configuration the formatters need (rule metadata for SARIF and HTML)."""
    import dataclasses

    recipe = getattr(config, "recipe", None)
    data = {
        "version": SHARDS_VERSION,
        "tool": {"name": "copydesk", "version": __version__},
        "shards": shards,
        "summary": tally.summary(),
        "config": None if recipe is None else {"recipe": dataclasses.asdict(recipe),
                                               "fingerprint": config.fingerprint()},
    }
    fs, root = _fs(url)
    with fs.open(_join(root, MANIFEST), "w", encoding="utf-8", newline="\n") as fh:
        json.dump(data, fh, indent=1)
        fh.write("\n")


def write_results(url: str, results: Iterable[FileResult], config: Any = None,
                  per_shard: int = FILES_PER_SHARD) -> Tally:
    """A whole run's results as shards of ``per_shard`` files (each finalized as it is written:
    ``results`` may be a stream; merge sorts by path) and the manifest (the local engine's ``--output-dir``)."""
    import itertools

    from copydesk.results import finalize

    prepare(url)
    tally, names = Tally(), []
    stream = iter(results)
    while chunk := list(itertools.islice(stream, per_shard)):
        names.append(shard_name(len(names)))
        tally.update(write_shard(url, len(names) - 1, finalize(chunk)))
    write_manifest(url, names, tally, config)
    return tally


# -- reading back ---------------------------------------------------------------------------------

def load_manifest(url: str) -> dict[str, Any]:
    fs, root = _fs(url)
    path = _join(root, MANIFEST)
    try:
        with fs.open(path, "r", encoding="utf-8") as fh:
            data = json.load(fh)
    except FileNotFoundError:
        raise ShardError(f"{url}: no {MANIFEST}: not a copydesk output folder, or its run did not finish; "
                         f"run copydesk check --output-dir {url} again") from None
    except (OSError, json.JSONDecodeError) as exc:
        raise ShardError(f"{path}: cannot read the manifest ({exc}); run copydesk check --output-dir again") from None
    if not isinstance(data, dict) or data.get("version") != SHARDS_VERSION:
        raise ShardError(f"{path}: not a version-{SHARDS_VERSION} copydesk manifest; "
                         "merge it with the copydesk that wrote it, or run the check again")
    return data


def _under(path: str, prefixes: list[str]) -> bool:
    return not prefixes or any(path == p or path.startswith(p + "/") for p in prefixes)


def iter_entries(url: str, manifest: dict[str, Any], prefixes: Iterable[str] = ()) -> Iterator[dict[str, Any]]:
    """The file entries of the run's shards, in shard order (files under ``prefixes`` only)."""
    wanted = [p.replace("\\", "/").rstrip("/") or "/" for p in prefixes]
    fs, root = _fs(url)
    for name in manifest["shards"]:
        path = _join(root, name)
        try:
            with fs.open(path, "r", encoding="utf-8") as fh:
                for n, line in enumerate(fh, 1):
                    try:
                        entry = json.loads(line)
                    except json.JSONDecodeError as exc:
                        raise ShardError(f"{path}:{n}: not a JSON line ({exc.msg}); the shard is damaged, "
                                         "run copydesk check --output-dir again") from None
                    if _under(entry["path"], wanted):
                        yield entry
        except FileNotFoundError:
            raise ShardError(f"{path}: listed in the manifest but missing; run copydesk check --output-dir "
                             "again") from None


def _position(d: dict[str, int]) -> Position:
    return Position(d["offset"], d["line"], d["column"])


def finding_from_json(path: str, d: dict[str, Any]) -> Finding:
    """The inverse of :meth:`Finding.to_json` (whose score is already rounded: rounding again keeps it)."""
    return Finding(d["rule"], d["category"], d["severity"], d["message"], path, _position(d["start"]),
                   _position(d["end"]), d["text"], d["score"], d["suggestions"], d["fingerprint"], d["related"])


def result_from_entry(entry: dict[str, Any]) -> FileResult:
    path = entry["path"]
    return FileResult(path, entry["format"], entry["stats"],
                      [finding_from_json(path, f) for f in entry["findings"]], entry["errors"])


def read_results(url: str, prefixes: Iterable[str] = ()) -> tuple[dict[str, Any], list[FileResult]]:
    """The manifest and the results of the files under ``prefixes`` (all files without), by path."""
    manifest = load_manifest(url)
    results = [result_from_entry(e) for e in iter_entries(url, manifest, prefixes)]
    results.sort(key=lambda r: r.path)
    return manifest, results


def manifest_config(manifest: dict[str, Any]) -> Any:
    """The run's configuration, rebuilt from the manifest's recipe (None when it recorded none);
    refused when the rules changed since the run, since the report would describe other rules."""
    from copydesk.profiles import ConfigRecipe, build_config

    recorded = manifest.get("config")
    if not recorded:
        return None
    r = recorded["recipe"]
    recipe = ConfigRecipe(r["rules_dir"], r["cwd"], r["profile"], tuple(tuple(o) for o in r["overrides"]))
    config = build_config(recipe)
    if config.fingerprint() != recorded["fingerprint"]:
        raise ShardError("the rules or settings changed since this output was written (its configuration "
                         "fingerprint differs); restore them or run copydesk check --output-dir again")
    return config
