"""reclang checkpoints in Python, without the safetensors package: an 8-byte little-endian header
length, a JSON header ({name: {dtype, shape, data_offsets}}, `__metadata__`), the raw data.

The metadata's `data_sha256` is the SHA-256 of the tensor table (the header's tensor entries as a
JSON list of [name, {dtype, shape, data_offsets}] pairs sorted by name, without spaces) followed
by the data: reclang checks it when present and requires it of a file whose metadata names a
plan_hash, as reclang's own checkpoints do (runtime/src/checkpoint/safetensors.ts).
"""

import hashlib
import json
import os
import struct

import numpy as np
import torch


def save(path, weights, metadata):
    names = sorted(weights)
    header = {}
    blobs = []
    offset = 0
    for name in names:
        array = weights[name].detach().cpu().to(torch.float32).contiguous().numpy().astype("<f4")
        blob = array.tobytes()
        header[name] = {"dtype": "F32", "shape": list(array.shape), "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    data = b"".join(blobs)
    table = json.dumps([[name, header[name]] for name in names], separators=(",", ":"))
    meta = dict(metadata, data_sha256=hashlib.sha256(table.encode("utf8") + data).hexdigest())
    text = json.dumps(dict({"__metadata__": meta}, **header), separators=(",", ":"))
    while (8 + len(text.encode("utf8"))) % 8:
        text += " "
    body = text.encode("utf8")
    temporary = "%s.%d.tmp" % (path, os.getpid())
    with open(temporary, "wb") as f:
        f.write(struct.pack("<Q", len(body)))
        f.write(body)
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(temporary, path)


def load(path):
    """{name: float32 tensor} and the metadata; the hash is checked."""
    with open(path, "rb") as f:
        raw = f.read()
    (length,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + length].decode("utf8"))
    meta = header.pop("__metadata__", {})
    data = raw[8 + length:]
    table = json.dumps(sorted(header.items()), separators=(",", ":"))
    if meta.get("data_sha256") != hashlib.sha256(table.encode("utf8") + data).hexdigest():
        raise ValueError("%s: its tensors do not match the hash saved with them; the checkpoint is damaged" % path)
    out = {}
    for name, entry in header.items():
        start, end = entry["data_offsets"]
        dtype = "<f4" if entry["dtype"] == "F32" else "<i4"
        out[name] = torch.from_numpy(np.frombuffer(data[start:end], dtype=dtype).reshape(entry["shape"]).copy())
    return out, meta
