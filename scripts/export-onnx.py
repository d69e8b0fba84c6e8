#!/usr/bin/env python3
"""Export an ALBERT/BERT encoder to ONNX for the transformers.js peer and fast inference path.

Optional: only `npm run bench` (the ONNX Runtime peer) and the ONNX embedding path use it.
Needs a Python venv outside the repository with torch, transformers and onnx, e.g.

    python3 -m venv /work/pyref-onnx
    /work/pyref-onnx/bin/pip install torch==2.13.0 transformers onnx

Writes a Hugging Face folder that both sides read:
    <out>/config.json, <out>/model.safetensors   (TF.js: loadEncoder(<out>))
    <out>/onnx/model.onnx                          (transformers.js / ONNX Runtime)
with inputs input_ids, attention_mask, token_type_ids (int64 [batch, sequence]) and outputs
last_hidden_state, pooler_output.

Examples (from the project root):
    # ALBERT-base architecture, random weights (the benchmark's model)
    /work/pyref-onnx/bin/python scripts/export-onnx.py --config test/fixtures/albert-base-v2-config.json \
        --seed 0 --out .cache/onnx/albert-base-random
    # an existing folder: the tiny goldens, or a fine-tuned encoder written by saveEncoder
    /work/pyref-onnx/bin/python scripts/export-onnx.py --from test/fixtures/tiny-albert --out .cache/onnx/tiny-albert
"""
import argparse
import json
import os
import shutil
import sys

import torch
from transformers import AutoConfig, AutoModel

TOKENIZER_FILES = ["tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "spiece.model", "vocab.txt"]


def build(args):
    if args.from_dir:
        model = AutoModel.from_pretrained(args.from_dir, attn_implementation="eager", add_pooling_layer=True)
    else:
        with open(args.config) as f:
            cfg = json.load(f)
        config = AutoConfig.for_model(**cfg)
        config._attn_implementation = "eager"
        torch.manual_seed(args.seed)
        model = AutoModel.from_config(config, attn_implementation="eager")
    return model.eval()


class Wrapper(torch.nn.Module):
    """Positional int64 inputs -> (last_hidden_state, pooler_output), whatever the model's forward signature."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, input_ids, attention_mask, token_type_ids):
        out = self.model(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids, return_dict=True)
        return out.last_hidden_state, out.pooler_output


def export(model, out, opset):
    os.makedirs(os.path.join(out, "onnx"), exist_ok=True)
    model.save_pretrained(out, safe_serialization=True)
    b, t = 2, 8
    ids = torch.randint(5, model.config.vocab_size, (b, t), dtype=torch.long)
    mask = torch.ones(b, t, dtype=torch.long)
    types = torch.zeros(b, t, dtype=torch.long)
    dyn = {0: "batch", 1: "sequence"}
    torch.onnx.export(
        Wrapper(model), (ids, mask, types), os.path.join(out, "onnx", "model.onnx"),
        input_names=["input_ids", "attention_mask", "token_type_ids"],
        output_names=["last_hidden_state", "pooler_output"],
        dynamic_axes={"input_ids": dyn, "attention_mask": dyn, "token_type_ids": dyn,
                      "last_hidden_state": dyn, "pooler_output": {0: "batch"}},
        opset_version=opset, dynamo=False,
    )


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--config", help="HF config.json: build the architecture with random weights")
    src.add_argument("--from", dest="from_dir", help="HF folder (config.json + model.safetensors) to convert")
    p.add_argument("--seed", type=int, default=0, help="torch seed of the random weights (with --config)")
    p.add_argument("--out", required=True, help="output folder")
    p.add_argument("--tokenizer", help="folder whose tokenizer files are copied into --out (for pipelines)")
    p.add_argument("--opset", type=int, default=17)
    args = p.parse_args()
    model = build(args)
    export(model, args.out, args.opset)
    if args.tokenizer:
        for f in TOKENIZER_FILES:
            if os.path.exists(os.path.join(args.tokenizer, f)):
                shutil.copy(os.path.join(args.tokenizer, f), os.path.join(args.out, f))
    print(f"export-onnx: wrote {args.out} ({model.__class__.__name__}, torch {torch.__version__})", file=sys.stderr)


if __name__ == "__main__":
    main()
