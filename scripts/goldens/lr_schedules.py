"""Golden learning rates for lib/train/schedule.ts (test/fixtures/lr_schedules.json).

Run with transformers and PyTorch (any recent pair; written with transformers 5.x, torch 2.13 CPU):
    python3 -m venv /tmp/sched && /tmp/sched/bin/pip install torch==2.13.0 transformers
    /tmp/sched/bin/python scripts/goldens/lr_schedules.py > test/fixtures/lr_schedules.json
Each case builds transformers' scheduler on a real torch optimizer and records the learning rate
that every update uses: `param_groups[0]['lr']` read before `optimizer.step()`, then
`scheduler.step()` (the order transformers' Trainer uses), for updates 0 .. total + 3.
Warmup steps for a ratio follow `TrainingArguments.get_warmup_steps` (transformers 5: a
`warmup_steps` below 1 is a ratio): ceil(total * ratio).
"""
import json
import math

import torch
import transformers
from transformers import get_scheduler

CASES = [
    # name, schedule, base lr, warmup, total
    ("linear warmup 10 of 100", "linear", 2e-5, 10, 100),
    ("linear no warmup", "linear", 1e-3, 0, 25),
    ("linear warmup 1 of 7", "linear", 5e-5, 1, 7),
    ("linear warmup equals total", "linear", 3e-4, 6, 6),
    ("linear warmup ceil(0.06 * 52)", "linear", 1e-4, math.ceil(52 * 0.06), 52),
    ("constant", "constant", 1e-4, 0, 20),
    ("constant_with_warmup 5", "constant_with_warmup", 2e-5, 5, 20),
]

out = {"transformers_version": transformers.__version__, "torch_version": torch.__version__, "cases": []}
for name, kind, lr, warmup, total in CASES:
    param = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([param], lr=lr)
    sched = get_scheduler(kind, opt, num_warmup_steps=warmup, num_training_steps=total)
    rates = []
    for _ in range(total + 4):
        rates.append(opt.param_groups[0]["lr"])
        param.grad = torch.zeros(1)
        opt.step()
        sched.step()
    out["cases"].append(
        {"name": name, "schedule": kind, "learning_rate": lr, "warmup_steps": warmup, "total_steps": total,
         "rates": rates}
    )
out["warmup_ratio"] = [
    {"total_steps": t, "ratio": r, "warmup_steps": math.ceil(t * r)}
    for t, r in [(100, 0.1), (52, 0.06), (7, 0.1), (0, 0.1), (205, 0.1), (1000, 0.0)]
]
print(json.dumps(out, indent=1))
