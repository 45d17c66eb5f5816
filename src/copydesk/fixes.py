"""Applying the checks' suggestions to files: ``copydesk check --fix`` and ``--diff``.

A check module declares how far its first suggestion can be trusted, as ruff does for its fixes:

- ``FIX = "safe"``: applying it keeps the author's meaning (a house-style substitution from the
  project's own rules, the spelling of the document's own dialect, a stray citation parenthesis);
  ``--fix`` applies it.
- ``FIX = "unsafe"``: usually right, but it may change meaning (a spelling engine's guess, an
  author name matched by similarity); only ``--fix --unsafe-fixes`` applies it.
- no ``FIX``: suggestions are for a person to choose from (the editor's code actions).

Fixes are applied to the decoded text and written back with the file's own encoding, byte-order
mark and newlines. Overlapping fixes wait for the next pass; passes repeat until nothing is left
to fix (at most :data:`MAX_PASSES`), so a second run finds nothing more. A file whose bytes
changed between reading and writing is never overwritten.
"""

from __future__ import annotations

import codecs
import difflib
import importlib
import os
import tempfile
from dataclasses import dataclass
from typing import Any, Iterable

from copydesk.findings import Finding
from copydesk.inputs import decode

SAFE, UNSAFE = "safe", "unsafe"
MAX_PASSES = 10

_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
         (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


@dataclass(frozen=True)
class Edit:
    """Replace ``text[start:end]`` (which must still be ``expected``) with ``replacement``."""

    start: int
    end: int
    expected: str
    replacement: str
    rule: str


@dataclass
class Source:
    """A file as read: its bytes, how they encode text, and the decoded text."""

    path: str
    fs_path: str
    data: bytes
    bom: bytes
    codec: str
    text: str

    def encode(self, text: str) -> bytes:
        return self.bom + text.encode(self.codec)


def read_source(path: str, fs_path: str) -> Source:
    """Read ``fs_path`` keeping what is needed to write it back byte for byte alike."""
    with open(fs_path, "rb") as fh:
        data = fh.read()
    bom, codec = b"", "utf-8"
    for mark, name in _BOMS:  # UTF-32 LE before UTF-16 LE: its mark starts with the other's
        if data.startswith(mark):
            bom, codec = mark, name
            break
    return Source(path, fs_path, data, bom, codec, decode(data, path))


def rule_spec(config: Any, rule: str) -> Any:
    """The check that reports ``rule``. Engine checks report sub-rules (``grammar.harper.SpellCheck``):
    the check with the longest id that prefixes it."""
    spec = config.specs.get(rule)
    if spec is None:
        owners = [s for rid, s in config.specs.items() if rule.startswith(rid + ".")]
        spec = max(owners, key=lambda s: len(s.id), default=None)
    return spec


def fix_level(config: Any, rule: str) -> str | None:
    """``safe``, ``unsafe`` or None: what the check that reports ``rule`` declares."""
    spec = rule_spec(config, rule)
    if spec is None or not spec.module:
        return None
    try:
        module = importlib.import_module(spec.module)
    except ImportError:
        return None
    level = getattr(module, "FIX", None)
    return level if level in (SAFE, UNSAFE) else None


def match_case(original: str, replacement: str) -> str:
    """The replacement capitalised like the text it replaces ("Utilize" -> "Use", "UTILIZE" -> "USE")."""
    if not original or not replacement or not replacement[:1].islower():
        return replacement
    if len(original) > 1 and original.isupper() and replacement.islower():
        return replacement.upper()
    if original[:1].isupper():
        return replacement[:1].upper() + replacement[1:]
    return replacement


def edit_for(finding: Finding, config: Any, unsafe: bool = False) -> Edit | None:
    """The edit that applies ``finding``'s first suggestion, if its check allows it."""
    if not finding.suggestions:
        return None
    level = fix_level(config, finding.rule)
    if level is None or (level == UNSAFE and not unsafe):
        return None
    replacement = match_case(finding.text, finding.suggestions[0])
    if replacement == finding.text:
        return None
    return Edit(finding.start.offset, finding.end.offset, finding.text, replacement, finding.rule)


def apply_edits(text: str, edits: Iterable[Edit]) -> tuple[str, int]:
    """``text`` with the edits applied, and how many were. An edit overlapping one before it, or
    whose span no longer holds the text it was made for, is left out."""
    chosen: list[Edit] = []
    last_end = -1
    for e in sorted(edits, key=lambda e: (e.start, e.end, e.rule)):
        if e.start < last_end or (chosen and e.start == chosen[-1].start):
            continue
        if text[e.start:e.end] != e.expected:
            continue
        chosen.append(e)
        last_end = e.end
    pieces, pos = [], 0
    for e in chosen:
        pieces.append(text[pos:e.start])
        pieces.append(e.replacement)
        pos = e.end
    pieces.append(text[pos:])
    return "".join(pieces), len(chosen)


@dataclass
class FixOutcome:
    """What fixing one file did: the new text, fixes applied, passes made, and whether it settled."""

    text: str
    applied: int
    passes: int
    settled: bool


def fix_text(path: str, text: str, findings: list[Finding], config: Any, selection: Any = None,
             unsafe: bool = False) -> FixOutcome:
    """Apply the allowed fixes among ``findings`` (made on ``text``), then lint and fix again
    until no fix is left: a later pass takes the fixes an overlap held back and any a fix exposed."""
    from copydesk.lint import lint_text

    applied, passes = 0, 0
    edits = [e for e in (edit_for(f, config, unsafe) for f in findings) if e is not None]
    while edits and passes < MAX_PASSES:
        text, n = apply_edits(text, edits)
        passes += 1
        applied += n
        if not n:
            break
        edits = [e for e in (edit_for(f, config, unsafe) for f in lint_text(path, text, config, selection).findings)
                 if e is not None]
    return FixOutcome(text, applied, passes, not edits)


@dataclass
class FileFix:
    """One file's fixes: its source as read and its fixed text."""

    source: Source
    outcome: FixOutcome

    @property
    def diff(self) -> str:
        return unified_diff(self.source.path, self.source.text, self.outcome.text)


def fix_results(results: Iterable[Any], fs_paths: dict[str, str], config: Any, selection: Any = None,
                unsafe: bool = False) -> list[FileFix]:
    """The files among ``results`` (of one run) that the allowed fixes change."""
    out = []
    for r in results:
        if r.errors or r.path not in fs_paths or not any(edit_for(f, config, unsafe) for f in r.findings):
            continue
        source = read_source(r.path, fs_paths[r.path])
        if r.document is not None and r.document.text != source.text:
            continue  # changed since it was linted: the findings' offsets no longer hold
        outcome = fix_text(r.path, source.text, r.findings, config, selection, unsafe)
        if outcome.text != source.text:
            out.append(FileFix(source, outcome))
    return out


def unsafe_available(results: Iterable[Any], config: Any) -> int:
    """Findings whose fix only ``--unsafe-fixes`` would apply."""
    return sum(1 for r in results for f in r.findings
               if f.suggestions and fix_level(config, f.rule) == UNSAFE and edit_for(f, config, True))


def unified_diff(path: str, before: str, after: str) -> str:
    """A unified diff of one file (``a/``, ``b/`` prefixes, as git prints them)."""
    lines = list(difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True),
                                      fromfile=f"a/{path}", tofile=f"b/{path}"))
    out = []
    for line in lines:
        out.append(line)
        if not line.endswith(("\n", "\r")):
            out.append("\n\\ No newline at end of file\n")
    return "".join(out)


class ChangedOnDisk(Exception):
    """The file's bytes are no longer those the fixes were made on."""


def write_source(source: Source, text: str) -> None:
    """Write ``text`` back in the file's encoding, unless the file changed since it was read.

    The new bytes go to a temporary file beside it, which replaces it in one step, so a reader
    never sees half a file; the file's permissions are kept."""
    target = os.path.realpath(source.fs_path)
    with open(target, "rb") as fh:
        if fh.read() != source.data:
            raise ChangedOnDisk(f"{source.path}: changed while copydesk was fixing it; not overwritten, run again")
    fd, tmp = tempfile.mkstemp(prefix=".copydesk-fix-", dir=os.path.dirname(target))
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(source.encode(text))
        os.chmod(tmp, os.stat(target).st_mode & 0o7777)
        with open(target, "rb") as fh:  # the last look before the replace
            if fh.read() != source.data:
                raise ChangedOnDisk(f"{source.path}: changed while copydesk was fixing it; not overwritten, "
                                    "run again")
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
