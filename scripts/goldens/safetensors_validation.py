"""Which safetensors files the reference implementation accepts (test/fixtures/safetensors_validation.json).

Run with safetensors 0.8.0 and numpy:
    python3 -m venv /tmp/st && /tmp/st/bin/pip install safetensors==0.8.0 numpy
    /tmp/st/bin/python scripts/goldens/safetensors_validation.py > test/fixtures/safetensors_validation.json
Each case is a small file, built byte by byte (base64 in "bytes"), with the error the Rust reader
(`safetensors.numpy.load`) raises, or null when it loads; "tensor" names the tensor an error is about.
"""
import base64
import json
import struct

from safetensors.numpy import load


def file(header, data=b"", raw_header=None):
    h = raw_header if raw_header is not None else json.dumps(header, separators=(",", ":")).encode()
    return struct.pack("<Q", len(h)) + h + data


F32x2 = {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}
CASES = [
    ("valid: two tensors, metadata, a scalar and an empty tensor", None, file(
        {"__metadata__": {"format": "pt"}, "a": F32x2, "s": {"dtype": "F32", "shape": [], "data_offsets": [8, 12]},
         "e": {"dtype": "F32", "shape": [0, 3], "data_offsets": [12, 12]}}, bytes(12))),
    ("valid: header padded with spaces", None, file(None, bytes(8), raw_header=b'{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}   ')),
    ("null header", None, file(None, b"", raw_header=b"null")),
    ("incomplete header", None, file(None, b"", raw_header=b'{"a": {"dtype": "F32"')),
    ("header size beyond the file", None, struct.pack("<Q", 1000) + b"{}"),
    ("header size above 100,000,000", None, struct.pack("<Q", 100_000_001) + b"{}"),
    ("shorter than 8 bytes", None, b"\x01\x02\x03"),
    ("header not UTF-8", None, file(None, b"", raw_header=b'{"\xff":1}')),
    ("header not starting with {", None, file(None, bytes(8), raw_header=b' {"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}')),
    ("negative offset", "a", file({"a": {"dtype": "F32", "shape": [2], "data_offsets": [-8, 0]}}, bytes(8))),
    ("overlapping tensors", "b", file({"a": F32x2, "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}}, bytes(12))),
    ("hole between tensors", "b", file({"a": F32x2, "b": {"dtype": "F32", "shape": [1], "data_offsets": [12, 16]}}, bytes(16))),
    ("bytes after the last tensor", "a", file({"a": F32x2}, bytes(12))),
    ("data shorter than the tensors", "a", file({"a": F32x2}, bytes(4))),
    ("fractional shape", "a", file({"a": {"dtype": "F32", "shape": [1.5], "data_offsets": [0, 6]}}, bytes(6))),
    ("negative shape", "a", file({"a": {"dtype": "F32", "shape": [-2], "data_offsets": [0, 0]}})),
    ("end before begin", "a", file({"a": {"dtype": "F32", "shape": [0], "data_offsets": [8, 0]}}, bytes(8))),
    ("size does not match shape", "a", file({"a": {"dtype": "F32", "shape": [3], "data_offsets": [0, 8]}}, bytes(8))),
    ("metadata value not a string", None, file({"__metadata__": {"n": 1}, "a": F32x2}, bytes(8))),
    ("tensor entry not an object", "a", file({"a": [1, 2]})),
    ("missing data_offsets", "a", file({"a": {"dtype": "F32", "shape": [2]}}, bytes(8))),
]

out = []
for name, tensor, data in CASES:
    try:
        load(data)
        error = None
    except Exception as e:  # noqa: BLE001 - the message is the golden
        error = f"{type(e).__name__}: {e}"
    out.append({"name": name, "tensor": tensor, "bytes": base64.b64encode(data).decode(), "python_error": error})
print(json.dumps({"safetensors": "0.8.0", "cases": out}, indent=1))
