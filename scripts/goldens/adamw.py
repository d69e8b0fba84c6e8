"""Golden values for lib/train/optimizer.ts's AdamW (test/fixtures/adamw.json).

Run with PyTorch 2.13 (CPU):
    /work/venv-run-train/bin/python scripts/goldens/adamw.py > test/fixtures/adamw.json
Two float32 parameters in two param groups of torch.optim.AdamW (betas 0.9/0.999,
eps 1e-8): `w` [3, 4] with lr 1e-2 and weight decay 0.1, `b` [4] with lr 3e-2 and
weight decay 0 (plain Adam). A LambdaLR schedule (linear warmup over 3 steps, then
linear decay to 0 at step 10) scales both rates; 8 updates with a fixed sequence of
gradients. Stored: the initial values, each step's gradients, the learning-rate
factor each update used, and the parameters after every update.
"""
import json
import sys

import numpy as np
import torch

torch.set_default_dtype(torch.float32)
rng = np.random.default_rng(11)
w0 = rng.normal(0, 1, (3, 4)).astype(np.float32)
b0 = rng.normal(0, 1, (4,)).astype(np.float32)
steps = 8
grads_w = rng.normal(0, 0.5, (steps, 3, 4)).astype(np.float32)
grads_b = rng.normal(0, 0.5, (steps, 4)).astype(np.float32)


def factor(step: int) -> float:
    """Warmup to 1 over 3 updates, then linear decay to 0 at update 10 (step is the 0-based update index)."""
    return (step + 1) / 3 if step < 3 else max(0.0, (10 - step) / 7)


w = torch.nn.Parameter(torch.tensor(w0))
b = torch.nn.Parameter(torch.tensor(b0))
opt = torch.optim.AdamW(
    [{"params": [w], "lr": 1e-2, "weight_decay": 0.1}, {"params": [b], "lr": 3e-2, "weight_decay": 0.0}],
    betas=(0.9, 0.999),
    eps=1e-8,
)
sched = torch.optim.lr_scheduler.LambdaLR(opt, lr_lambda=factor)
after_w, after_b, factors = [], [], []
for s in range(steps):
    factors.append(factor(s))
    w.grad = torch.tensor(grads_w[s])
    b.grad = torch.tensor(grads_b[s])
    opt.step()
    sched.step()
    after_w.append(w.detach().numpy().tolist())
    after_b.append(b.detach().numpy().tolist())

json.dump(
    {
        "torch_version": torch.__version__,
        "betas": [0.9, 0.999],
        "eps": 1e-8,
        "groups": {"w": {"lr": 1e-2, "weight_decay": 0.1}, "b": {"lr": 3e-2, "weight_decay": 0.0}},
        "w0": w0.tolist(),
        "b0": b0.tolist(),
        "grads_w": grads_w.tolist(),
        "grads_b": grads_b.tolist(),
        "lr_factors": factors,
        "w": after_w,
        "b": after_b,
    },
    sys.stdout,
)
