"""One head or encoder of a model as ONNX: `rec export --format onnx`.

In: the package, a checkpoint (reclang safetensors), the output's name, a spec (JSON: the inputs
it reads with their dtypes and symbolic shapes, example sizes, the model method computing it —
`head_<name>` or `encoder_<name>` — and the metadata to record), and the constant inputs it reads
(`constants/<input>.npy` beside the spec, only those). Out: the .onnx file (opset 13), whose
inputs are the batched model inputs the output needs (symbolic dims stay dynamic), whose
constants are baked in as initializers, whose one output is the head or encoder, and whose
metadata_props hold the spec's metadata; it is checked with onnx.checker. Prints a JSON line: the
opset and onnx's version.
"""

import importlib
import json
import os
import sys

import onnx
import torch

from . import safetensors
from .serve import load_constants

OPSET = 13


class Output(torch.nn.Module):
    """The model computing one head or encoder from its inputs, positionally (as ONNX feeds them)."""

    def __init__(self, model, method, output, names, constants):
        super().__init__()
        self.model = model
        self.method = method
        self.output = output
        self.names = names
        self.constants = constants

    def forward(self, *inputs):
        return getattr(self.model, self.method)(dict(self.constants, **dict(zip(self.names, inputs))))[self.output]


def main(package, checkpoint, head, spec_path, out):
    with open(spec_path) as f:
        spec = json.load(f)
    model_module = importlib.import_module(package + ".model")
    model = model_module.Model()
    weights, _ = safetensors.load(checkpoint)
    with torch.no_grad():
        for name, value in weights.items():
            if name in model.weights:
                model.weights[name].copy_(value)
    model.eval()
    names = [i["name"] for i in spec["inputs"]]
    # The constant inputs the head reads, written beside the spec (onnx.ts): baked into the graph.
    constants = load_constants(os.path.join(os.path.dirname(spec_path), "constants"))
    examples = []
    dynamic = {}
    for i in spec["inputs"]:
        shape = [d if isinstance(d, int) else spec["sizes"][d] for d in i["shape"]]
        if i["dtype"] == "f32":
            examples.append(torch.rand(shape))
        elif i["dtype"] == "bool":
            examples.append(torch.ones(shape, dtype=torch.bool))
        else:
            examples.append(torch.zeros(shape, dtype=torch.int64))
        axes = {axis: d for axis, d in enumerate(i["shape"]) if isinstance(d, str)}
        if axes:
            dynamic[i["name"]] = axes
    dynamic[head] = {0: spec["inputs"][0]["shape"][0]} if spec["inputs"] and isinstance(spec["inputs"][0]["shape"][0], str) else {}
    with torch.no_grad():
        module = Output(model, spec.get("method", "head_" + head), head, names, constants)
        torch.onnx.export(module, tuple(examples), out, input_names=names, output_names=[head], dynamic_axes=dynamic, opset_version=OPSET)
    graph = onnx.load(out)
    for key, value in sorted(spec.get("metadata", {}).items()):
        entry = graph.metadata_props.add()
        entry.key, entry.value = key, value
    onnx.save(graph, out)
    onnx.checker.check_model(onnx.load(out))
    print(json.dumps({"opset": OPSET, "onnx": onnx.__version__}))


if __name__ == "__main__":
    main(*sys.argv[1:6])
