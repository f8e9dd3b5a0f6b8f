"""The base class of every generated model: weights under the plan's qualified names.

In: the plan's parameters (name, shape, initializer text, group) and a seed. Out: a
torch.nn.Module whose state_dict keys are exactly those names (nested modules, one per dotted
prefix), each weight initialized from its own seeded stream, as runtime/src/tfjs/executor.ts does.
"""

import math
import re

import torch

from . import ops as R


def initialize(init, shape, seed):
    """A weight's initial value from its initializer text: `glorot_uniform()`, `normal(stddev = 0.05)`, …"""
    match = re.match(r"^([a-z_]+)\((.*)\)$", init.strip())
    name = match.group(1) if match else "zeros"
    args = {}
    for part in (match.group(2) if match else "").split(","):
        kv = re.match(r"^\s*([a-z_]+)\s*=\s*([-+0-9.eE]+)\s*$", part)
        if kv:
            args[kv.group(1)] = float(kv.group(2))
    g = R.seeded(seed, "cpu")
    if name == "zeros":
        return torch.zeros(shape)
    if name == "ones":
        return torch.ones(shape)
    if name == "normal":
        return torch.randn(shape, generator=g) * args.get("stddev", 0.05) + args.get("mean", 0.0)
    if name == "uniform":
        low, high = args.get("low", -0.05), args.get("high", 0.05)
        return torch.rand(shape, generator=g) * (high - low) + low
    if name == "glorot_uniform":
        fan_in = shape[-2] if len(shape) > 1 else shape[0]
        limit = math.sqrt(6 / (fan_in + shape[-1]))
        return torch.rand(shape, generator=g) * (2 * limit) - limit
    raise ValueError("unknown initializer `%s`" % init)


class PlanModule(torch.nn.Module):
    def __init__(self, params, seed=0):
        super().__init__()
        # name → Parameter, for the generated forward code (attribute lookup would find
        # nn.Module's own methods for weights under names such as `train` or `eval`).
        self.weights = {}
        self.groups = {}
        for i, (name, shape, init, group) in enumerate(params):
            *path, leaf = name.split(".")
            module = self
            for part in path:
                child = module._modules.get(part)
                if child is None:
                    child = torch.nn.Module()
                    module._modules[part] = child
                module = child
            # A module state (group "state") is kept and saved like a weight but never trained.
            weight = torch.nn.Parameter(initialize(init, shape, R.stream_seed(seed, i)), requires_grad=group != "state")
            module._parameters[leaf] = weight
            self.weights[name] = weight
            self.groups[name] = group

        # The states' values after the training step being computed (entry_train fills it).
        self.pending_updates = {}
        # Step id → the value of a step of the constant inputs alone (`once` in the plan), kept
        # while the constants stay the same: a dict once Session.set_constants has fed them,
        # None (compute every call) when the constants come with each call's feeds.
        self.once = None

    def apply_updates(self, applied=True):
        """Sets each module state to its value from the last training forward pass, once the step is applied."""
        with torch.no_grad():
            for name, value in self.pending_updates.items():
                if applied:
                    self.weights[name].copy_(value)
        self.pending_updates = {}

    def device(self):
        for weight in self.weights.values():
            return weight.device
        return torch.device("cpu")

    def run(self, entry, feeds, training=False, seed=0):
        """The named outputs of an entry point (train: losses; eval: metrics; predict: heads; …)."""
        return getattr(self, "entry_" + entry)(feeds, training, seed)

    def forward(self, feeds, entry="train", training=False, seed=0):
        return self.run(entry, feeds, training, seed)


def sizes(feeds, input_dims):
    """The batch's sizes of the symbolic dims that appear alone in an input's shape."""
    out = {}
    for name, dims in input_dims.items():
        if name not in feeds:
            continue
        for axis, dim in enumerate(dims):
            if isinstance(dim, str) and re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", dim):
                # Kept as the tensor reports it: while tracing for ONNX it stays symbolic.
                size = feeds[name].shape[axis]
                if torch.jit.is_tracing():
                    out.setdefault(dim, size)
                elif out.setdefault(dim, size) != size:
                    raise ValueError("`%s` is %d in one input and %d in `%s`" % (dim, out[dim], size, name))
    return out


def feed(feeds, name, dtype, device):
    if name not in feeds:
        raise KeyError("no value for the input `%s`" % name)
    t = feeds[name]
    if not torch.is_tensor(t):
        t = torch.as_tensor(t)
    if dtype == torch.bool:
        t = t != 0 if t.dtype != torch.bool else t
    elif t.dtype != dtype:
        t = t.to(dtype)
    return t.to(device)
