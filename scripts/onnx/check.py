#!/usr/bin/env python3
"""Independent checks of ONNX files written by `npm run export` (lib/onnx), with Python's onnx and onnxruntime.

Needs a venv outside the repository:  python3 -m venv /work/venv-onnx && /work/venv-onnx/bin/pip install onnx onnxruntime

    /work/venv-onnx/bin/python scripts/onnx/check.py exports/siamese [more export folders ...]
        onnx.checker.check_model(full_check=True) on <folder>/onnx/model.onnx, and the graph's inputs and outputs
    /work/venv-onnx/bin/python scripts/onnx/check.py --golden test/fixtures/minilm-headlines.json <all-MiniLM export>
        also runs the file with Python's onnxruntime on the golden's token ids and compares sentence_embedding with
        the golden sentence-transformers (PyTorch) embeddings: cosine, as test/model/minilm.test.ts does for TF.js
"""
import argparse
import json
import os

import numpy as np
import onnx
import onnxruntime


def check(folder):
    path = os.path.join(folder, "onnx", "model.onnx")
    onnx.checker.check_model(path, full_check=True)
    m = onnx.load(path)
    dims = lambda v: [d.dim_param or d.dim_value for d in v.type.tensor_type.shape.dim]
    print(f"{path}: onnx.checker.check_model(full_check=True) passed (onnx {onnx.__version__}); IR {m.ir_version}, "
          f"opset {[(o.domain or 'ai.onnx', o.version) for o in m.opset_import]}")
    print(f"  inputs  {[(i.name, dims(i)) for i in m.graph.input]}")
    print(f"  outputs {[(o.name, dims(o)) for o in m.graph.output]}")
    return path


def golden(path, golden_path):
    g = json.load(open(golden_path))
    session = onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"])
    worst = 0.0
    for ids, ref in zip(g["input_ids"], g["embeddings"]):
        a = np.array([ids], dtype=np.int64)
        feeds = {"input_ids": a, "attention_mask": np.ones_like(a), "token_type_ids": np.zeros_like(a)}
        out = session.run(["sentence_embedding"], feeds)[0][0].astype(np.float64)
        ref = np.array(ref, dtype=np.float64)
        worst = max(worst, 1 - out @ ref / np.linalg.norm(out) / np.linalg.norm(ref))
    print(f"  onnxruntime {onnxruntime.__version__} vs {golden_path} ({len(g['input_ids'])} texts, {g['model']}): "
          f"max 1 - cosine {worst:.2e}")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("folders", nargs="+", help="export folders (each holding onnx/model.onnx)")
    p.add_argument("--golden", help="minilm-headlines.json: compare sentence_embedding with its embeddings")
    args = p.parse_args()
    for folder in args.folders:
        path = check(folder)
        if args.golden:
            golden(path, args.golden)


if __name__ == "__main__":
    main()
