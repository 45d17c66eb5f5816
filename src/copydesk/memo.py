"""Memos keyed by content, shared by the worker processes of one run.

Why: a check may memoise costly work by content (the off-topic check's sentence vectors, keyed by
sentence text), but a pool's workers each have their own memory, so content that recurs across
documents (boilerplate, bios, an article in two collections) is recomputed by every worker that
meets it. The executor that owns a run of several processes opens a :func:`run_store` around it:
an SQLite file in a private temporary folder, attached before the workers start (forked workers
inherit it; spawned ones get its path and :func:`attach`), removed when the run ends, also on an
error or Ctrl-C (a folder left by a killed run is removed by the next run's :func:`run_store`).

A check uses a :class:`Memo`: its own bounded dict in this process, then the run's store, then
the computation, whose results go to both. Without a store (a serial run, the language server,
Dask workers on other machines) only the in-process dict is used. A memo may only hold values
that are a function of their key: where a value comes from can then never change a finding.

Values are bytes (never pickle): the check's ``load`` validates them and a value it rejects (a
damaged entry) is recomputed and overwritten. SQLite's transactions mean a reader sees a whole
entry or none, and WAL lets readers go on while a writer commits. The file is bounded by SQLite's
page limit; when full, the oldest half of the entries is dropped. Any other SQLite failure
disables the store in that process: the run goes on computing, never crashes.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import sqlite3
import tempfile
import threading
from typing import Callable, Generic, Iterator, Mapping, Sequence, TypeVar

V = TypeVar("V")

MAX_BYTES = 256 << 20  # a run's store; ~160k sentence vectors
PREFIX = "copydesk-memo-"
_BATCH = 500  # keys per SELECT (SQLite's bound on parameters is 999 in old builds)


def _digest(namespace: str, key: str) -> bytes:
    data = f"{namespace}\0{key}".encode("utf-8", "surrogatepass")
    return hashlib.blake2b(data, digest_size=16).digest()


class Store:
    """The run's SQLite file, one connection per process (never one carried across a fork)."""

    def __init__(self, path: str, max_bytes: int = MAX_BYTES) -> None:
        self.path, self.max_bytes = path, max_bytes
        self._pid = -1
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.Lock()  # checks may run in threads beside each other
        self.disabled = False

    def _connection(self) -> sqlite3.Connection:
        if self._pid != os.getpid():
            # A connection inherited through fork is left open and unused: closing it in the child
            # could let SQLite think it is the last user of the WAL and remove it under the others.
            if self._conn is not None:
                _INHERITED.append(self._conn)
            conn = sqlite3.connect(self.path, timeout=10, isolation_level=None, check_same_thread=False)
            page = conn.execute("PRAGMA page_size").fetchone()[0]
            conn.execute(f"PRAGMA max_page_count = {max(16, self.max_bytes // page)}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = OFF")  # a run's scratch file: never read after a crash
            conn.execute("CREATE TABLE IF NOT EXISTS memo (key BLOB UNIQUE NOT NULL, value BLOB NOT NULL)")
            self._conn, self._pid = conn, os.getpid()
        assert self._conn is not None
        return self._conn

    def get(self, namespace: str, keys: Sequence[str]) -> dict[str, bytes]:
        """The stored values of ``keys`` (those found)."""
        digests = {_digest(namespace, k): k for k in keys}
        found: dict[str, bytes] = {}
        with self._using():
            conn = self._connection()
            wanted = list(digests)
            for i in range(0, len(wanted), _BATCH):
                part = wanted[i:i + _BATCH]
                marks = ",".join("?" * len(part))
                for digest, value in conn.execute(f"SELECT key, value FROM memo WHERE key IN ({marks})", part):
                    found[digests[bytes(digest)]] = bytes(value)
        return found

    def put(self, namespace: str, items: Mapping[str, bytes]) -> None:
        """Store ``items`` (replacing what is there); when the file is full, drop the oldest half first."""
        rows = [(_digest(namespace, k), v) for k, v in items.items()]
        with self._using():
            conn = self._connection()
            for attempt in (0, 1):
                try:
                    with _transaction(conn):
                        conn.executemany("INSERT OR REPLACE INTO memo (key, value) VALUES (?, ?)", rows)
                    return
                except sqlite3.OperationalError as exc:
                    if attempt or "full" not in str(exc):
                        raise
                with _transaction(conn):  # rowids grow with insertion: the oldest entries first
                    conn.execute("DELETE FROM memo WHERE rowid <= (SELECT (MIN(rowid) + MAX(rowid)) / 2 FROM memo)")

    @contextlib.contextmanager
    def _using(self) -> Iterator[None]:
        """Serialise this process's threads; a busy file skips the call, a broken one disables the store."""
        with self._lock:
            try:
                yield
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    self.disabled = True
            except sqlite3.Error:
                self.disabled = True

    def close(self) -> None:
        with self._lock:
            if self._conn is not None and self._pid == os.getpid():
                self._conn.close()
            self._conn, self._pid = None, -1


@contextlib.contextmanager
def _transaction(conn: sqlite3.Connection) -> Iterator[None]:
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        if conn.in_transaction:  # SQLite may have rolled back already (e.g. when the file is full)
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


_INHERITED: list[sqlite3.Connection] = []
_STORE: Store | None = None


def attach(path: str | None, max_bytes: int = MAX_BYTES) -> None:
    """Use the store at ``path`` in this process (None: no store), e.g. in a spawned worker."""
    global _STORE
    _STORE = Store(path, max_bytes) if path else None


def recall(namespace: str, keys: Sequence[str]) -> dict[str, bytes]:
    """The values the run's store holds for ``keys`` (empty without a store)."""
    store = _STORE
    if store is None or store.disabled or not keys:
        return {}
    return store.get(namespace, keys)


def remember(namespace: str, items: Mapping[str, bytes]) -> None:
    """Store ``items`` for the run's other processes (nothing without a store)."""
    store = _STORE
    if store is not None and not store.disabled and items:
        store.put(namespace, items)


@contextlib.contextmanager
def run_store(max_bytes: int = MAX_BYTES) -> Iterator[str | None]:
    """A store for the processes started inside the block (attached here first); yields its path,
    or None when no temporary folder can be made (the run then goes on without one).

    The folder and the store are removed on leaving, whatever ended the block."""
    global _STORE
    _sweep()
    try:
        folder = tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-")
    except OSError:
        yield None
        return
    previous = _STORE
    store = Store(os.path.join(folder, "memo.sqlite"), max_bytes)
    _STORE = store
    try:
        yield store.path
    finally:
        _STORE = previous
        store.close()
        shutil.rmtree(folder, ignore_errors=True)


def _sweep() -> None:
    """Remove the stores of runs whose process is gone (killed before it could clean up)."""
    base = tempfile.gettempdir()
    try:
        names = [n for n in os.listdir(base) if n.startswith(PREFIX)]
    except OSError:
        return
    for name in names:
        pid = name[len(PREFIX):].split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(os.path.join(base, name), ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # e.g. another user's process
    return True


class Memo(Generic[V]):
    """One check's memo of values computed from string keys: in this process (at most
    ``max_items``, then started afresh), then the run's store (see the module docstring)."""

    def __init__(self, namespace: str, dump: Callable[[V], bytes], load: Callable[[bytes], V | None],
                 max_items: int) -> None:
        self.namespace, self.dump, self.load, self.max_items = namespace, dump, load, max_items
        self.local: dict[str, V] = {}

    def values(self, keys: Sequence[str], compute: Callable[[list[str]], Sequence[V]]) -> dict[str, V]:
        """The value of each distinct key; ``compute`` gets the keys found nowhere, in order."""
        out: dict[str, V] = {}
        missing = []
        for key in dict.fromkeys(keys):
            value = self.local.get(key)
            if value is None:
                missing.append(key)
            else:
                out[key] = value
        if not missing:
            return out
        for key, blob in recall(self.namespace, missing).items():
            value = self.load(blob)
            if value is not None:  # a damaged entry is recomputed (and replaced) below
                out[key] = value
        todo = [k for k in missing if k not in out]
        if todo:
            fresh = compute(todo)
            remember(self.namespace, {k: self.dump(v) for k, v in zip(todo, fresh)})
            out.update(zip(todo, fresh))
        if len(self.local) + len(missing) > self.max_items:
            self.local.clear()
        self.local.update((k, out[k]) for k in missing)
        return out
