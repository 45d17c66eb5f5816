"""The run-scoped memo store (copydesk.memo): shared by real worker processes, robust to damaged
entries and files, bounded, removed at the end of a run; the off-topic check's vectors go through it."""

from __future__ import annotations

import multiprocessing
import os
import subprocess

import numpy as np
import pytest

from copydesk import memo
from copydesk.checks.offtopic import _embed
from copydesk.config import load_config
from copydesk.executors import PoolExecutor
from copydesk.lint import Selection
from copydesk.runner import lint_texts


def _write(key: str, value: bytes) -> None:
    memo.remember("test", {key: value})


def _read(path: str, key: str, queue: multiprocessing.Queue) -> None:
    memo.attach(path)  # as a spawned pool worker does
    queue.put(memo.recall("test", [key, "absent"]))


def test_a_value_written_by_one_worker_is_read_by_another():
    with memo.run_store() as path:
        writer = multiprocessing.get_context("fork").Process(target=_write, args=("k", b"value"))
        writer.start()
        writer.join(60)
        assert writer.exitcode == 0
        ctx = multiprocessing.get_context("spawn")
        queue = ctx.Queue()
        reader = ctx.Process(target=_read, args=(path, "k", queue))
        reader.start()
        got = queue.get(timeout=120)
        reader.join(60)
        assert got == {"k": b"value"}
        assert memo.recall("test", ["k"]) == {"k": b"value"}
        assert memo.recall("other namespace", ["k"]) == {}


def test_without_a_store_nothing_is_shared_or_kept():
    memo.remember("test", {"k": b"value"})
    assert memo.recall("test", ["k"]) == {}


def test_the_folder_is_removed_at_the_end_of_a_run_also_on_ctrl_c():
    with memo.run_store() as path:
        memo.remember("test", {"k": b"v"})
        assert os.path.isfile(path)
    assert not os.path.exists(os.path.dirname(path))
    with pytest.raises(KeyboardInterrupt):
        with memo.run_store() as path:
            memo.remember("test", {"k": b"v"})
            raise KeyboardInterrupt
    assert not os.path.exists(os.path.dirname(path))
    assert memo.recall("test", ["k"]) == {}  # detached


def test_a_store_left_by_a_killed_run_is_swept(tmp_path, monkeypatch):
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    gone = subprocess.Popen(["true"])
    gone.wait()
    left = tmp_path / f"{memo.PREFIX}{gone.pid}-abc"
    left.mkdir()
    (left / "memo.sqlite").write_bytes(b"x")
    live = tmp_path / f"{memo.PREFIX}{os.getpid()}-def"
    live.mkdir()
    with memo.run_store() as path:
        assert path.startswith(str(tmp_path))
    assert not left.exists() and live.exists()


def test_without_a_writable_temporary_folder_the_run_goes_on_without_a_store(monkeypatch):
    def refuse(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise PermissionError("read-only file system")

    monkeypatch.setattr("tempfile.mkdtemp", refuse)
    with memo.run_store() as path:
        assert path is None
        memo.remember("test", {"k": b"v"})
        assert memo.recall("test", ["k"]) == {}


def test_the_store_is_bounded_and_keeps_the_newest_entries():
    limit = 256 << 10
    with memo.run_store(max_bytes=limit) as path:
        for batch in range(100):
            memo.remember("test", {f"{batch}-{i}": bytes(1000) for i in range(10)})
        assert os.path.getsize(path) <= limit
        assert memo.recall("test", ["99-0", "99-9"]) == {"99-0": bytes(1000), "99-9": bytes(1000)}
        assert memo.recall("test", ["0-0"]) == {}


def test_a_garbage_file_disables_the_store_without_failing():
    with memo.run_store() as path:
        with open(path, "wb") as fh:
            fh.write(b"not a database" * 100)
        assert memo.recall("test", ["k"]) == {}
        memo.remember("test", {"k": b"v"})
        assert memo._STORE is not None and memo._STORE.disabled
        assert _embed.embed(["A sentence the model reads."]).shape == (1, _embed.DIM)


TEXT = "The climbers reached the summit at dawn after a night in the storm."


@pytest.fixture
def no_local_vectors():
    _embed._MEMO.local.clear()
    yield
    _embed._MEMO.local.clear()


def test_the_sentence_vectors_go_through_the_run_store(no_local_vectors):
    with memo.run_store():
        vector = _embed.embed([TEXT])[0]
        assert memo.recall(_embed.NAMESPACE, [TEXT]) == {TEXT: vector.tobytes()}
        # a vector another worker stored is used as it is, not recomputed
        other = np.zeros(_embed.DIM, dtype=np.float32)
        other[0] = 1.0
        memo.remember(_embed.NAMESPACE, {TEXT: other.tobytes()})
        _embed._MEMO.local.clear()
        assert np.array_equal(_embed.embed([TEXT])[0], other)


@pytest.mark.parametrize("damaged", [b"", b"\x00" * 10, np.full(_embed.DIM, np.nan, np.float32).tobytes(),
                                     np.zeros(_embed.DIM, np.float32).tobytes()])
def test_a_damaged_vector_is_recomputed_and_replaced(no_local_vectors, damaged):
    want = _embed.encode([TEXT])[0]
    with memo.run_store():
        memo.remember(_embed.NAMESPACE, {TEXT: damaged})
        assert np.array_equal(_embed.embed([TEXT])[0], want)
        assert memo.recall(_embed.NAMESPACE, [TEXT]) == {TEXT: want.tobytes()}


def _attached_store(record: str, real):  # noqa: ANN001, ANN202
    def spy(path, *args, **kwargs):  # noqa: ANN001, ANN202
        store = memo._STORE
        with open(record, "a", encoding="utf-8") as fh:
            fh.write(f"{os.getpid()}\t{store.path if store else None}\n")
        return real(path, *args, **kwargs)

    return spy


def test_pool_workers_share_the_run_store_and_it_is_removed(tmp_path, monkeypatch):
    import copydesk.executors as executors

    if executors._context().get_start_method() != "fork":
        pytest.skip("the spy is inherited by forked workers only")
    record = tmp_path / "stores.tsv"
    monkeypatch.setattr(executors, "lint_document", _attached_store(str(record), executors.lint_document))
    texts = {f"doc{i}.md": f"# Note {i}\n\nThe river rose {i} metres overnight. Roads were closed.\n" for i in range(8)}
    config = load_config(None, str(tmp_path), profile="fast")
    results = lint_texts(texts, config, Selection(), executor=PoolExecutor(2))
    assert [r.path for r in results] == sorted(texts)
    lines = [line.split("\t") for line in record.read_text(encoding="utf-8").splitlines()]
    workers = {pid for pid, _ in lines if int(pid) != os.getpid()}
    paths = {path for pid, path in lines if int(pid) != os.getpid()}
    assert workers and len(paths) == 1 and "None" not in paths
    assert not os.path.exists(os.path.dirname(paths.pop()))
