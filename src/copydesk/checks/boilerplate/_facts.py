"""What several boilerplate checks derive from one document, derived once per document.

Each document goes through the per-document checks (web chrome, repeats in the document) and
then the corpus checks' summaries (template text, copied passages), one after the other in the
same process. They share the blocks' words and normal forms and the sentences' words, keys and
MinHash signatures through :func:`facts`: a small memo of the last documents seen, keyed by
identity (documents are not hashable and are never modified once parsed).
"""

from __future__ import annotations

import threading
from functools import cached_property
from typing import Sequence

import numpy as np

from copydesk.document import Document
from copydesk.checks.boilerplate._text import WORD, normalise, shingles, signatures, stable_hash, words


class Facts:
    """Lazily derived, read-only views of one document's blocks and sentences."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self._sentence_keys: dict[int, int] = {}
        self._signatures: dict[tuple[int, int], dict[int, np.ndarray]] = {}

    @cached_property
    def block_texts(self) -> list[str]:
        """Each block's prose."""
        prose = self.doc.prose
        return [prose[b.start:b.end] for b in self.doc.blocks]

    @cached_property
    def block_tokens(self) -> list[list[str]]:
        """Each block's words as written."""
        return [WORD.findall(t) for t in self.block_texts]

    @cached_property
    def block_words(self) -> list[list[str]]:
        """Each block's words, lower-cased (:func:`words`)."""
        return [[w.lower() for w in ws] for ws in self.block_tokens]

    @cached_property
    def block_keys(self) -> list[tuple[int, int, int]]:
        """(block index, stable hash of the normal form, words in it) of every block with words."""
        out = []
        for i, text in enumerate(self.block_texts):
            norm = normalise(text)
            if norm:
                out.append((i, stable_hash(norm), len(norm.split())))
        return out

    @cached_property
    def sentence_words(self) -> list[list[str]]:
        """Each sentence's lower-cased words."""
        prose = self.doc.prose
        return [words(prose[s.start:s.end]) for s in self.doc.sentences]

    def sentence_key(self, i: int) -> int:
        """Stable hash of sentence ``i``'s words."""
        key = self._sentence_keys.get(i)
        if key is None:
            key = self._sentence_keys[i] = stable_hash(" ".join(self.sentence_words[i]))
        return key

    def signatures(self, indices: Sequence[int], shingle: int, num_perm: int) -> list[np.ndarray]:
        """MinHash signatures of the word ``shingle``-grams of the sentences ``indices``."""
        memo = self._signatures.setdefault((shingle, num_perm), {})
        missing = [i for i in indices if i not in memo]
        sets = [shingles(self.sentence_words[i], shingle) for i in missing]
        memo.update(zip(missing, signatures(sets, num_perm)))
        return [memo[i] for i in indices]


_KEEP = 8  # documents remembered: the checks of one document run back to back
_recent: dict[int, Facts] = {}  # by id(document); an entry holds its document, so the id stays its own
_lock = threading.Lock()


def facts(doc: Document) -> Facts:
    """The shared :class:`Facts` of ``doc`` (made on first use; the oldest are forgotten)."""
    with _lock:
        found = _recent.get(id(doc))
        if found is None:
            found = _recent[id(doc)] = Facts(doc)
            while len(_recent) > _KEEP:
                del _recent[next(iter(_recent))]
        return found
