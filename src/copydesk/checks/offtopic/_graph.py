"""Fuse the packaged MiniLM graph's attention into onnxruntime's ``MultiHeadAttention`` kernel.

The packaged graph was exported op by op: each layer's attention is ~25 small nodes (reshapes,
transposes, the scaled product, the mask's ``Where``, softmax), which onnxruntime's optimiser does
not recognise. At our sentence lengths (~26 tokens) their per-node cost is a large share of the
forward pass once the matrix products are int8; one fused kernel per layer computes the same
softmax(QK^T/sqrt(d) + mask)V (bench/embed_speed.py measures the pass; the reference test in
tests/test_offtopic_embed.py checks the vectors). The projections stay int8 (``quantize_dynamic``).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

HEADS = 12  # all-MiniLM-L6-v2: 12 heads of 32 over 384 dimensions
LAYERS = 6
MASK = "mha_key_padding_mask"


class Mismatch(ValueError):
    """The graph is not the shape this rewrite knows; the caller keeps it unfused."""


def fuse_attention(model: Any) -> Any:
    """``model`` (an ``onnx.ModelProto`` of the quantised graph) with each layer's attention
    replaced by one ``com.microsoft.MultiHeadAttention`` node, dead nodes removed; raises
    :class:`Mismatch` when a layer's attention does not have the exported pattern."""
    from onnx import TensorProto, helper

    graph = model.graph
    nodes = list(graph.node)
    users: dict[str, list[Any]] = defaultdict(list)
    for n in nodes:
        for name in n.input:
            users[name].append(n)

    def next_op(tensor: str, op: str) -> Any:
        found = [n for n in users[tensor] if n.op_type == op]
        if len(found) != 1:
            raise Mismatch(f"{tensor}: expected one {op} consumer, found {len(found)}")
        return found[0]

    fused = [helper.make_node("Cast", ["attention_mask"], [MASK], to=TensorProto.INT32, name="mha_mask")]
    for layer in range(LAYERS):
        prefix = f"inner.encoder.layer.{layer}.attention.self."
        qkv = []
        for part in ("query", "key", "value"):
            adds = [n for n in nodes if n.op_type == "Add" and prefix + part + ".bias" in n.input]
            if len(adds) != 1:
                raise Mismatch(f"layer {layer}: no single {part} projection")
            qkv.append(adds[0].output[0])
        tensor = qkv[0]  # the query's path: reshape, transpose, scale, QK^T, + mask, softmax
        for op in ("Reshape", "Transpose", "Mul", "MatMul", "Add", "Softmax"):
            tensor = next_op(tensor, op).output[0]
        for op in ("Where", "MatMul", "Transpose", "Reshape"):  # masked rows, x V, heads merged
            tensor = next_op(tensor, op).output[0]
        fused.append(helper.make_node("MultiHeadAttention", [*qkv, "", MASK], [tensor], domain="com.microsoft",
                                      num_heads=HEADS, name=f"mha_{layer}"))
    replaced = {name for n in fused for name in n.output}
    kept = [n for n in nodes if not replaced & set(n.output)] + fused
    _replace(graph, _live(kept, [o.name for o in graph.output]), [i.name for i in graph.input])
    if not any(o.domain == "com.microsoft" for o in model.opset_import):
        model.opset_import.append(helper.make_opsetid("com.microsoft", 1))
    return model


def _live(nodes: list[Any], outputs: list[str]) -> list[Any]:
    """The nodes the outputs depend on."""
    producer = {name: n for n in nodes for name in n.output}
    live: dict[int, Any] = {}
    stack, seen = list(outputs), set()
    while stack:
        name = stack.pop()
        if name in seen or name not in producer:
            continue
        seen.add(name)
        n = producer[name]
        live[id(n)] = n
        stack.extend(i for i in n.input if i)
    return [n for n in nodes if id(n) in live]


def _replace(graph: Any, nodes: list[Any], inputs: list[str]) -> None:
    """Put ``nodes`` in ``graph`` in topological order; drop initializers nothing reads."""
    ready = set(inputs) | {t.name for t in graph.initializer} | {""}
    ordered, pending = [], nodes
    while pending:
        rest = []
        for n in pending:
            if all(i in ready for i in n.input):
                ordered.append(n)
                ready.update(n.output)
            else:
                rest.append(n)
        if len(rest) == len(pending):
            raise Mismatch("the rewritten graph has a cycle or a missing input")
        pending = rest
    del graph.node[:]
    graph.node.extend(ordered)
    used = {i for n in ordered for i in n.input}
    keep = [t for t in graph.initializer if t.name in used]
    del graph.initializer[:]
    graph.initializer.extend(keep)
