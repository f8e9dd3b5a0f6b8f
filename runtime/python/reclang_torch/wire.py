"""The message format between reclang (Node) and a torch process, on a pipe.

A message is an 8-byte little-endian length, a JSON header of that many bytes, then the raw
little-endian bytes of each tensor the header lists under "tensors" ({name, dtype, shape}), in
order. dtypes: f32, i32, i64, bool (one byte each).
"""

import json
import math
import struct

import numpy as np
import torch

NUMPY = {"f32": np.float32, "i32": np.int32, "i64": np.int64, "bool": np.bool_}


def read_exactly(stream, n):
    chunks = []
    while n > 0:
        chunk = stream.read(n)
        if not chunk:
            return None
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def read_message(stream):
    """(header, {name: tensor}), or None when the other side closed the pipe."""
    prefix = read_exactly(stream, 8)
    if prefix is None:
        return None
    (length,) = struct.unpack("<Q", prefix)
    header = json.loads(read_exactly(stream, length).decode("utf8"))
    tensors = {}
    for spec in header.get("tensors", []):
        count = 1
        for d in spec["shape"]:
            count *= d
        dtype = NUMPY[spec["dtype"]]
        raw = read_exactly(stream, count * np.dtype(dtype).itemsize) if count else b""
        array = np.frombuffer(raw, dtype=dtype).reshape(spec["shape"]).copy()
        tensors[spec["name"]] = torch.from_numpy(array)
    return header, tensors


def _json_safe(value):
    """JSON has no NaN or infinity: they travel as the strings JavaScript's Number() reads."""
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    return value


def write_message(stream, header, tensors=None):
    blobs = []
    specs = []
    for name, t in (tensors or {}).items():
        t = t.detach().cpu()
        if t.dtype == torch.bool:
            dtype = "bool"
        elif t.is_floating_point():
            dtype, t = "f32", t.to(torch.float32)
        else:
            dtype, t = "i32", t.to(torch.int32)
        specs.append({"name": name, "dtype": dtype, "shape": list(t.shape)})
        blobs.append(t.contiguous().numpy().tobytes())
    body = json.dumps(_json_safe(dict(header, tensors=specs)), allow_nan=False).encode("utf8")
    stream.write(struct.pack("<Q", len(body)))
    stream.write(body)
    for blob in blobs:
        stream.write(blob)
    stream.flush()
