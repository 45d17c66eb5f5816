"""Text helpers shared by the boilerplate checks: normalisation, hashing, shingles, MinHash.

Everything here is pure and deterministic (stable hashes, fixed seeds), so summaries made on
different workers can be merged.
"""

from __future__ import annotations

import re
from functools import lru_cache
from hashlib import blake2b, sha1
from typing import Any, Iterable, Sequence

import numpy as np
import regex

from copydesk.clusters import estimate  # noqa: F401  (copied_passage compares signatures)

WORD = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")  # a word, with inner apostrophes or hyphens
_NONWORD = re.compile(r"[\W_]+")
_TERMINAL = tuple(".!?…:;\"”’)")
_SMALL = frozenset("a an the and or but of in on to for with at by from as is are vs via into over "
                   "about than do does can your you our my we it its this that not no".split())


def normalise(text: str) -> str:
    """Lower-case words joined by single spaces (case, punctuation and whitespace ignored)."""
    return _NONWORD.sub(" ", text.lower()).strip()


def words(text: str) -> list[str]:
    return [w.lower() for w in WORD.findall(text)]


def stable_hash(text: str) -> int:
    """A 64-bit hash that is the same in every process (unlike ``hash``)."""
    return int.from_bytes(blake2b(text.encode("utf-8"), digest_size=8).digest(), "big")


def shingles(tokens: Sequence[str], size: int) -> set[str]:
    """Word n-grams (the whole sequence when it is shorter than ``size``)."""
    if len(tokens) <= size:
        return {" ".join(tokens)} if tokens else set()
    return {" ".join(tokens[i:i + size]) for i in range(len(tokens) - size + 1)}


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


@lru_cache(maxsize=16)
def lsh_params(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows) minimising false positives + negatives at ``threshold`` (datasketch's choice).

    datasketch's ``MinHashLSH`` integrates the two error curves with scipy; they are polynomials
    of degree at most ``num_perm`` in the similarity, so Gauss-Legendre quadrature with enough
    nodes integrates them exactly, in numpy (importing scipy costs ~1 s of start-up). Tested equal
    to datasketch's ``_optimal_param``.
    """
    nodes, weights = np.polynomial.legendre.leggauss(num_perm // 2 + 2)
    lo = (nodes + 1) * (threshold / 2)                       # [0, threshold]
    hi = threshold + (nodes + 1) * ((1 - threshold) / 2)     # [threshold, 1]
    best, params = float("inf"), (0, 0)
    for b in range(1, num_perm + 1):
        for r in range(1, num_perm // b + 1):
            fp = float(np.dot(weights, 1 - (1 - lo ** r) ** b)) * threshold / 2
            fn = float(np.dot(weights, (1 - hi ** r) ** b)) * (1 - threshold) / 2
            err = 0.5 * fp + 0.5 * fn
            if err < best:
                best, params = err, (b, r)
    return params


_SEED = 1
_MAX32 = np.uint32(0xFFFFFFFF)


@lru_cache(maxsize=8)
def _permutations(num_perm: int) -> tuple[np.ndarray, np.ndarray]:
    """datasketch's "affine32" permutations for seed 1: ``h -> a * h + b mod 2**32``, ``a`` odd."""
    gen = np.random.RandomState(_SEED)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


def _fmix32(hv: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer (datasketch pre-mixes every input hash with it)."""
    hv = hv ^ (hv >> np.uint32(16))
    hv = hv * np.uint32(0x85EBCA6B)
    hv = hv ^ (hv >> np.uint32(13))
    hv = hv * np.uint32(0xC2B2AE35)
    return hv ^ (hv >> np.uint32(16))


def signatures(shingle_sets: Sequence[Iterable[str]], num_perm: int) -> list[np.ndarray]:
    """MinHash signatures (uint32 arrays) of many shingle sets at once.

    The same values as datasketch's ``MinHash(num_perm, seed=1)`` (scheme "affine32", SHA-1 input
    hashes) updated with each set: stable across processes and versions. Computed in numpy a few
    thousand shingles at a time (one datasketch object per sentence dominated the boilerplate checks).
    """
    out: list[np.ndarray] = []
    digests: list[bytes] = []
    bounds = [0]
    for shingle_set in shingle_sets:
        digests.extend([sha1(s.encode("utf-8")).digest() for s in shingle_set])
        bounds.append(len(digests))
        if len(digests) >= _BATCH:
            out.extend(_minima(digests, bounds, num_perm))
            digests, bounds = [], [0]
    out.extend(_minima(digests, bounds, num_perm))
    return out


_BATCH = 4096  # shingles per numpy pass: bounded memory (4096 x num_perm x 4 bytes)


def _minima(digests: list[bytes], bounds: list[int], num_perm: int) -> list[np.ndarray]:
    """Per set ``digests[lo:hi]`` (``bounds``), the minimum of each permuted hash; empty sets: all max."""
    empty = np.full(num_perm, _MAX32, dtype=np.uint32)
    starts = [lo for lo, hi in zip(bounds, bounds[1:]) if hi > lo]
    if not starts:
        return [empty.copy() for _ in bounds[1:]]
    # datasketch hashes a shingle to the first 4 bytes of its SHA-1 digest, read little-endian
    hv = np.frombuffer(b"".join(digests), dtype="<u4")[::5].astype(np.uint32)
    a, b = _permutations(num_perm)
    phv = _fmix32(hv).reshape(-1, 1) * a + b  # uint32 arithmetic wraps: mod 2**32, as datasketch's
    mins = iter(np.minimum.reduceat(phv, starts, axis=0))  # row k: the set starting at starts[k]
    return [next(mins) if hi > lo else empty.copy() for lo, hi in zip(bounds, bounds[1:])]


def signature(shingle_set: Iterable[str], num_perm: int) -> np.ndarray:
    """MinHash signature of one shingle set (see :func:`signatures`)."""
    return signatures([shingle_set], num_perm)[0]


@lru_cache(maxsize=16)
def _band_hashers(bands: int) -> tuple[Any, ...]:
    """Per band, an empty blake2b personalised with the band's index (copied for each key: faster
    than making one)."""
    return tuple(blake2b(digest_size=8, person=k.to_bytes(2, "big") + b"bp") for k in range(bands))


def band_keys(sig: np.ndarray, threshold: float) -> tuple[int, ...]:
    """One 64-bit key per LSH band; passages sharing a key are candidate near-duplicates."""
    bands, rows = lsh_params(threshold, len(sig))
    data, width = sig.tobytes(), rows * sig.itemsize  # band k: sig[k * rows:(k + 1) * rows]
    keys = []
    for k, empty in enumerate(_band_hashers(bands)):
        h = empty.copy()
        h.update(data[k * width:(k + 1) * width])
        keys.append(int.from_bytes(h.digest(), "big"))
    return tuple(keys)


def is_ui_like(text: str, max_words: int = 8, tokens: list[str] | None = None) -> bool:
    """A short line that reads like an interface label, name or link, not a sentence.

    Passes (UI-like): "Share this page", "Craig Childress, Psy.D.", "Most Popular".
    Fails (a sentence): "The antidote is the opposite."
    ``tokens``, when given, are the line's words as written (``WORD.findall(text)``).
    """
    ws = WORD.findall(text) if tokens is None else tokens
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
