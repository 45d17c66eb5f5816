"""Text helpers shared by the boilerplate checks: normalisation, hashing, shingles, MinHash.

Everything here is pure and deterministic (stable hashes, fixed seeds), so summaries made on
different workers can be merged.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from typing import Iterable, Sequence

import numpy as np
import regex

_WORD = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")
_NONWORD = re.compile(r"[\W_]+")
_TERMINAL = tuple(".!?…:;\"”’)")
_SMALL = frozenset("a an the and or but of in on to for with at by from as is are vs via into over "
                   "about than do does can your you our my we it its this that not no".split())


def normalise(text: str) -> str:
    """Lower-case words joined by single spaces (case, punctuation and whitespace ignored)."""
    return _NONWORD.sub(" ", text.lower()).strip()


def words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def stable_hash(text: str) -> int:
    """A 64-bit hash that is the same in every process (unlike ``hash``)."""
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "big")


def shingles(tokens: Sequence[str], size: int) -> set[str]:
    """Word n-grams (the whole sequence when it is shorter than ``size``)."""
    if len(tokens) <= size:
        return {" ".join(tokens)} if tokens else set()
    return {" ".join(tokens[i:i + size]) for i in range(len(tokens) - size + 1)}


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


@lru_cache(maxsize=16)
def lsh_params(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows) minimising false positives + negatives at ``threshold`` (datasketch's choice)."""
    try:
        from datasketch.lsh import _optimal_param

        return tuple(_optimal_param(threshold, num_perm, 0.5, 0.5))  # type: ignore[return-value]
    except ImportError:  # pragma: no cover - older/newer datasketch layouts
        best, params = 1e9, (num_perm, 1)
        for b in range(1, num_perm + 1):
            r = num_perm // b
            err = abs((1 / b) ** (1 / r) - threshold)
            if err < best:
                best, params = err, (b, r)
        return params


@lru_cache(maxsize=8)
def _template(num_perm: int) -> tuple[object, dict]:
    """Permutations made once per ``num_perm`` (creating them dominates the cost of a MinHash)."""
    from datasketch import MinHash

    m = MinHash(num_perm=num_perm, seed=1)
    extra = {"scheme": m.scheme} if hasattr(m, "scheme") else {}  # datasketch >= 2.0
    return m.permutations, extra


def signature(shingle_set: Iterable[str], num_perm: int) -> np.ndarray:
    """MinHash signature (uint32 array; datasketch with a fixed seed, so stable across processes)."""
    from datasketch import MinHash

    perms, extra = _template(num_perm)
    m = MinHash(num_perm=num_perm, seed=1, permutations=perms, **extra)
    m.update_batch([s.encode("utf-8") for s in shingle_set])
    return m.hashvalues.astype(np.uint32)


def band_keys(sig: np.ndarray, threshold: float) -> tuple[int, ...]:
    """One 64-bit key per LSH band; passages sharing a key are candidate near-duplicates."""
    bands, rows = lsh_params(threshold, len(sig))
    keys = []
    for b in range(bands):
        chunk = sig[b * rows:(b + 1) * rows].tobytes()
        digest = hashlib.blake2b(chunk, digest_size=8, person=b.to_bytes(2, "big") + b"bp").digest()
        keys.append(int.from_bytes(digest, "big"))
    return tuple(keys)


def estimate(sig_a: np.ndarray, sig_b: np.ndarray) -> float:
    """Jaccard similarity estimated from two signatures."""
    return float(np.mean(sig_a == sig_b))


class UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, x: int) -> int:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def is_ui_like(text: str, max_words: int = 8) -> bool:
    """A short line that reads like an interface label, name or link, not a sentence.

    Passes (UI-like): "Share this page", "Craig Childress, Psy.D.", "Most Popular".
    Fails (a sentence): "The antidote is the opposite."
    """
    ws = _WORD.findall(text)
    if not ws or len(ws) > max_words:
        return False
    s = text.strip()
    if s.endswith((",", "-", "–", "—")):  # continues on the next line: part of a longer unit
        return False
    if not s.endswith(_TERMINAL):
        return True
    lower = [w for w in ws if w[0].islower() and w.lower() not in ("psy", "d")]
    return not lower and len(ws) <= 4


def ends_sentence(text: str) -> bool:
    return text.strip().endswith(_TERMINAL)


class AllowList:
    """Approved passages (disclaimers, a standard footer): plain text or ``re:`` regexes."""

    def __init__(self, entries: Iterable[str]) -> None:
        self.exact: set[str] = set()
        self.patterns: list[regex.Pattern] = []
        for e in entries or ():
            if e.startswith("re:"):
                self.patterns.append(regex.compile(e[3:], regex.IGNORECASE))
            elif normalise(e):
                self.exact.add(normalise(e))

    def allows(self, text: str) -> bool:
        n = normalise(text)
        if not n:
            return False
        if n in self.exact:
            return True
        for e in self.exact:  # a part of an approved passage, or a passage quoting one
            if (len(n) >= 20 and n in e) or (len(e) >= 20 and e in n):
                return True
        return any(p.search(text, timeout=0.25) for p in self.patterns)
