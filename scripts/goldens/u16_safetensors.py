"""Writes test/fixtures/u16.safetensors with the reference safetensors library (0.8.0): U16 token ids, the dtype
the run's token cache uses (lib/tokenizer/token-cache.ts).
    .cache/peer/venv/bin/python scripts/goldens/u16_safetensors.py
"""
import numpy as np
from safetensors.numpy import save_file

save_file(
    {"ids": np.array([0, 1, 2, 30521, 65535], dtype=np.uint16), "offsets": np.array([0, 2, 5], dtype=np.int32)},
    "test/fixtures/u16.safetensors",
    metadata={"format": "golden"},
)
