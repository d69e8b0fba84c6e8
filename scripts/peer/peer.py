#!/usr/bin/env python3
"""The Python peer of `npm run bench`: PyTorch and ONNX Runtime on the same weights and token ids as TF.js.

Run by lib/bench/python-peer.ts from the venv that `npm run setup:peer` makes (.cache/peer/venv):

    python scripts/peer/peer.py --check   # print the versions as JSON, exit 0 when everything imports
    python scripts/peer/peer.py --serve   # JSON lines on stdin -> one JSON line per request on stdout

Requests (one JSON object per line; every reply has "ok", and "error" when ok is false):
    {"cmd": "load", "dir": D, "threads": 2, "onnx": true}
        D holds config.json + model.safetensors (HF layout, written by TF.js's saveEncoder).
        transformers' AutoModel (eager attention) for PyTorch; with "onnx", the same weights exported
        with torch.onnx.export to D/peer-onnx/model.onnx and run by an onnxruntime InferenceSession
        (CPU, intra_op_num_threads = threads). Replies the versions and the export time.
    {"cmd": "batch", "shape": [B, T], "input_ids": b64, "attention_mask": b64, "token_type_ids": b64,
     "labels": b64}    int32 little-endian arrays, base64; labels may be absent (inference only).
    {"cmd": "infer", "engine": "pytorch" | "onnxruntime"}
        one forward pass of the current batch, no gradients; replies "ms", "cpu_ms" (process CPU time, all
        threads) and "pooled" (float32 [B, H], base64: pooler_output, as TF.js's embed with pooling 'pooler').
    {"cmd": "train_reset", "head": H, "learning_rate": 1e-5}
        a fresh copy of the loaded weights plus the siamese head from H (safetensors with
        head.dense1.kernel [768, 64], head.dense1.bias, head.dense2.kernel, head.dense2.bias in Keras'
        [in, out] layout), and a new Adam (beta 0.9/0.999, eps 1e-7: Keras' defaults, as lib/train).
    {"cmd": "train_step"}
        one step as the TF.js trainer: pooled output -> Dense 64 relu -> Dense 64 -> L2 normalise ->
        sentence-transformers' BatchSemiHardTripletLoss (margin 1.0, euclidean), backward, Adam step;
        replies "ms", "cpu_ms" and the "loss" before the update.
    {"cmd": "quit"}
"""
import argparse
import base64
import json
import os
import sys
import time


def versions():
    import numpy
    import onnx
    import onnxruntime
    import safetensors
    import sentence_transformers
    import torch
    import transformers

    return {
        "python": sys.version.split()[0],
        "torch": torch.__version__,
        "transformers": transformers.__version__,
        "sentence_transformers": sentence_transformers.__version__,
        "onnx": onnx.__version__,
        "onnxruntime": onnxruntime.__version__,
        "safetensors": safetensors.__version__,
        "numpy": numpy.__version__,
    }


class Peer:
    def __init__(self):
        self.model = None
        self.session = None
        self.batch = None
        self.train = None

    # --- helpers -----------------------------------------------------------------------------
    @staticmethod
    def _array(b64, shape, dtype):
        import numpy as np

        a = np.frombuffer(base64.b64decode(b64), dtype=dtype)
        if a.size != int(np.prod(shape)):
            raise ValueError(f"an array has {a.size} values; shape {shape} needs {int(np.prod(shape))}")
        return a.reshape(shape)

    @staticmethod
    def _b64(array):
        import numpy as np

        return base64.b64encode(np.ascontiguousarray(array, dtype="<f4").tobytes()).decode("ascii")

    # --- commands ----------------------------------------------------------------------------
    def load(self, req):
        import torch
        from transformers import AutoModel

        threads = int(req.get("threads", 2))
        torch.set_num_threads(threads)
        self.dir = req["dir"]
        self.threads = threads
        self.model = AutoModel.from_pretrained(self.dir, attn_implementation="eager").eval()
        self.initial = {k: v.detach().clone() for k, v in self.model.state_dict().items()}
        out = {"versions": versions(), "threads": threads}
        if req.get("onnx"):
            t0 = time.perf_counter()
            path = self._export_onnx()
            import onnxruntime as ort

            opts = ort.SessionOptions()
            opts.intra_op_num_threads = threads
            opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            self.session = ort.InferenceSession(path, opts, providers=["CPUExecutionProvider"])
            out["onnx_export_s"] = time.perf_counter() - t0
        return out

    def _export_onnx(self):
        import torch

        path = os.path.join(self.dir, "peer-onnx", "model.onnx")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        model = self.model

        class Wrapper(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.model = model

            def forward(self, input_ids, attention_mask, token_type_ids):
                out = self.model(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
                return out.last_hidden_state, out.pooler_output

        ids = torch.full((2, 8), 5, dtype=torch.long)
        dyn = {0: "batch", 1: "sequence"}
        with torch.no_grad():
            torch.onnx.export(
                Wrapper(), (ids, torch.ones_like(ids), torch.zeros_like(ids)), path,
                input_names=["input_ids", "attention_mask", "token_type_ids"],
                output_names=["last_hidden_state", "pooler_output"],
                dynamic_axes={"input_ids": dyn, "attention_mask": dyn, "token_type_ids": dyn,
                              "last_hidden_state": dyn, "pooler_output": {0: "batch"}},
                opset_version=17, dynamo=False,
            )
        return path

    def set_batch(self, req):
        import numpy as np
        import torch

        shape = [int(x) for x in req["shape"]]
        arrays = {k: self._array(req[k], shape, "<i4") for k in ("input_ids", "attention_mask", "token_type_ids")}
        labels = self._array(req["labels"], shape[:1], "<i4") if req.get("labels") else None
        self.batch = {
            "torch": {k: torch.from_numpy(v.astype(np.int64)) for k, v in arrays.items()},
            "numpy": {k: v.astype(np.int64) for k, v in arrays.items()},
            "labels": None if labels is None else torch.from_numpy(labels.astype(np.int64)),
        }
        return {}

    def infer(self, req):
        import torch

        if self.batch is None:
            raise ValueError("no batch: send a 'batch' request first")
        engine = req.get("engine")
        t0, c0 = time.perf_counter(), time.process_time()
        if engine == "pytorch":
            with torch.inference_mode():
                pooled = self.model(**self.batch["torch"]).pooler_output.numpy()
        elif engine == "onnxruntime":
            if self.session is None:
                raise ValueError("no ONNX session: load with \"onnx\": true")
            pooled = self.session.run(["pooler_output"], self.batch["numpy"])[0]
        else:
            raise ValueError(f"'engine' must be 'pytorch' or 'onnxruntime'; got {engine!r}")
        ms, cpu_ms = (time.perf_counter() - t0) * 1000, (time.process_time() - c0) * 1000
        return {"ms": ms, "cpu_ms": cpu_ms, "pooled": self._b64(pooled), "shape": list(pooled.shape)}

    def train_reset(self, req):
        import torch
        from safetensors.torch import load_file
        from sentence_transformers.sentence_transformer.losses import BatchSemiHardTripletLoss
        from transformers import AutoModel

        encoder = AutoModel.from_pretrained(self.dir, attn_implementation="eager")
        encoder.load_state_dict(self.initial)
        encoder.train()
        head = load_file(req["head"])
        dense1 = torch.nn.Linear(head["head.dense1.kernel"].shape[0], head["head.dense1.kernel"].shape[1])
        dense2 = torch.nn.Linear(head["head.dense2.kernel"].shape[0], head["head.dense2.kernel"].shape[1])
        with torch.no_grad():
            for dense, name in ((dense1, "dense1"), (dense2, "dense2")):
                dense.weight.copy_(head[f"head.{name}.kernel"].t())  # Keras [in, out] -> torch [out, in]
                dense.bias.copy_(head[f"head.{name}.bias"])
        params = list(encoder.parameters()) + list(dense1.parameters()) + list(dense2.parameters())
        optimizer = torch.optim.Adam(params, lr=float(req.get("learning_rate", 1e-5)), betas=(0.9, 0.999), eps=1e-7)
        loss = BatchSemiHardTripletLoss(model=None, margin=float(req.get("margin", 1.0)))
        self.train = {"encoder": encoder, "dense1": dense1, "dense2": dense2, "optimizer": optimizer, "loss": loss}
        return {}

    def train_step(self, req):
        import torch

        if self.train is None or self.batch is None or self.batch["labels"] is None:
            raise ValueError("send 'train_reset' and a 'batch' with labels before 'train_step'")
        t = self.train
        t0, c0 = time.perf_counter(), time.process_time()
        pooled = t["encoder"](**self.batch["torch"]).pooler_output
        z = t["dense2"](torch.relu(t["dense1"](pooled)))
        z = torch.nn.functional.normalize(z, p=2, dim=1, eps=1e-6)
        loss = t["loss"].batch_semi_hard_triplet_loss(self.batch["labels"], z)
        t["optimizer"].zero_grad(set_to_none=True)
        loss.backward()
        t["optimizer"].step()
        value = float(loss.detach())
        ms, cpu_ms = (time.perf_counter() - t0) * 1000, (time.process_time() - c0) * 1000
        return {"ms": ms, "cpu_ms": cpu_ms, "loss": value}


def serve():
    import warnings

    # The bench reads stdout; keep stderr for real errors (no export warnings or progress bars).
    warnings.filterwarnings("ignore")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    import transformers

    transformers.logging.set_verbosity_error()
    transformers.logging.disable_progress_bar()
    peer = Peer()
    commands = {
        "load": peer.load,
        "batch": peer.set_batch,
        "infer": peer.infer,
        "train_reset": peer.train_reset,
        "train_step": peer.train_step,
    }
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            req = json.loads(line)
            cmd = req.get("cmd")
            if cmd == "quit":
                print(json.dumps({"ok": True}), flush=True)
                return
            if cmd not in commands:
                raise ValueError(f"'cmd' must be one of {', '.join([*commands, 'quit'])}; got {cmd!r}")
            reply = {"ok": True, **commands[cmd](req)}
        except Exception as e:  # reported to the bench, which says the peer failed and why
            reply = {"ok": False, "error": f"{type(e).__name__}: {e}"}
        print(json.dumps(reply), flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--check", action="store_true", help="print the versions as JSON")
    g.add_argument("--serve", action="store_true", help="answer JSON-line requests on stdin")
    args = p.parse_args()
    if args.check:
        print(json.dumps(versions()))
    else:
        serve()


if __name__ == "__main__":
    main()
