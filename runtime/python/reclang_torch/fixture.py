"""Runs a generated model on given weights and inputs, for the conformance tests.

In: a JSON file {"params": {name: {shape, data}}, "feeds": {name: {shape, data, dtype}}}.
Out (stdout, JSON): every entry point's outputs as flat lists, and the gradient of the sum of
the train entry's losses with respect to each weight.
"""

import importlib
import json
import sys

import torch


def main(package, fixture_path):
    model_module = importlib.import_module(package + ".model")
    with open(fixture_path) as f:
        fixture = json.load(f)
    model = model_module.Model(seed=1)
    with torch.no_grad():
        for name, value in fixture["params"].items():
            model.weights[name].copy_(torch.tensor(value["data"], dtype=torch.float32).reshape(value["shape"]))
    feeds = {}
    for name, value in fixture["feeds"].items():
        dtype = torch.float32 if value["dtype"] == "f32" else torch.bool if value["dtype"] == "bool" else torch.int64
        feeds[name] = torch.tensor(value["data"], dtype=torch.float64).to(dtype).reshape(value["shape"])
    outputs = {}
    for entry in ["train", "eval", "predict", "encode", "act"]:
        with torch.no_grad():
            for name, tensor in model.run(entry, feeds).items():
                outputs[name] = tensor.detach().to(torch.float64).reshape(-1).tolist()
    gradients = {}
    losses = model.run("train", feeds, training=True)
    if losses:
        total = sum(losses.values())
        weights = [w for w in model.weights.values() if total.requires_grad]
        grads = torch.autograd.grad(total, weights, allow_unused=True) if weights else []
        for (name, weight), grad in zip(model.weights.items(), grads):
            gradients[name] = (grad if grad is not None else torch.zeros_like(weight)).reshape(-1).tolist()
    json.dump({"outputs": outputs, "gradients": gradients}, sys.stdout, allow_nan=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
