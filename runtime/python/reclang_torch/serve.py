"""A torch process that trains one model for reclang: `rec train --backend torch`.

In: messages on stdin (wire.py): init (optimizer groups, loss weights, clipping, the initial
weights), step (a batch), run (an entry point on a batch), get/set weights and optimizer state.
Out: one reply per message on stdout. Node keeps the data layer, the run directory, progress,
metrics and checkpoints; this process keeps the weights and the optimizers between messages.
"""

import importlib
import math
import os
import sys
import time
import traceback

import numpy as np
import torch

from .sparse_optim import LazyAdam, RowwiseAdagrad
from .wire import read_message, write_message


def load_constants(folder):
    """The constant inputs an export wrote, `<input>.npy` each, as tensors (none when the folder is absent)."""
    if not os.path.isdir(folder):
        return {}
    return {name[:-4]: torch.from_numpy(np.load(os.path.join(folder, name))) for name in sorted(os.listdir(folder)) if name.endswith(".npy")}


def make_optimizer(group, params):
    kind = group["kind"]
    lr = group["lr"]
    if kind == "sgd":
        return torch.optim.SGD(params, lr=lr, momentum=group.get("momentum", 0.0))
    if kind in ("adam", "adamw"):
        betas = (group.get("beta1", 0.9), group.get("beta2", 0.999))
        if kind == "adamw":
            return torch.optim.AdamW(params, lr=lr, betas=betas, eps=group.get("eps", 1e-8), weight_decay=group.get("weight_decay", 0.01))
        return torch.optim.Adam(params, lr=lr, betas=betas, eps=group.get("eps", 1e-8))
    if kind == "adagrad":
        return torch.optim.Adagrad(params, lr=lr, initial_accumulator_value=group.get("initial_accumulator", 0.1), eps=1e-7)
    if kind == "rowwise_adagrad":
        return RowwiseAdagrad(params, lr=lr, eps=group.get("eps", 1e-8), initial_accumulator=group.get("initial_accumulator", 0.0), weight_decay=group.get("sparse_weight_decay", 0.0))
    if kind == "lazy_adam":
        return LazyAdam(params, lr=lr, beta1=group.get("beta1", 0.9), beta2=group.get("beta2", 0.999), eps=group.get("eps", 1e-8), weight_decay=group.get("sparse_weight_decay", 0.0))
    raise ValueError("unknown optimizer `%s`" % kind)


def dense_values(grad):
    """A gradient's stored values: a sparse gradient's distinct rows (summed), or the dense gradient itself."""
    return grad.coalesce().values() if grad.is_sparse else grad


class Session:
    def __init__(self, model_module, header, tensors):
        self.device = torch.device(header.get("device", "cpu"))
        self.model = model_module.Model(seed=header.get("seed", 0))
        with torch.no_grad():
            for name, value in tensors.items():
                self.model.weights[name].copy_(value.to(torch.float32))
        self.model.to(self.device)
        self.loss_weights = header.get("loss_weights", {})
        self.clip_norm = header.get("clip_norm", 0.0)
        self.groups = []
        for group in header["groups"]:
            params = [self.model.weights[name] for name in group["names"]]
            # A sparse group's tables get sparse gradients from their lookups (the gather lowering reads this mark).
            for p in params:
                p.sparse_rows = bool(group.get("sparse", False)) and header.get("sparse_lookups", True)
            self.groups.append((group, params, make_optimizer(group, params)))
        self.trainable = {name for group in header["groups"] for name in group["names"]}
        # What computes the losses: the model itself, or DistributedDataParallel around it (train.py).
        self.forward = lambda feeds, training, seed: self.model.run("train", feeds, training, seed)
        for name, weight in self.model.weights.items():
            weight.requires_grad_(name in self.trainable)

    def set_constants(self, tensors):
        """The model's constant inputs (a graph's edge list): sent once, on the device, read by every step."""
        self.constants = {name: t.to(self.device) for name, t in tensors.items()}
        # New constants: the values computed from the old ones are stale.
        self.model.once = {}

    def feeds(self, tensors):
        fed = {name: t.to(self.device) for name, t in tensors.items()}
        return dict(getattr(self, "constants", {}), **fed)

    def step(self, header, tensors):
        started = time.perf_counter()
        reply = self._step(header, tensors)
        # The step's own time, so Node can tell feeding (the pipe) from computing.
        return dict(reply, seconds=time.perf_counter() - started)

    def _step(self, header, tensors):
        for group, _, optimizer in self.groups:
            for param_group in optimizer.param_groups:
                param_group["lr"] = group["lr"] * header["lr_factor"]
        losses = self.forward(self.feeds(tensors), True, header["seed"])
        total = sum(loss * self.loss_weights.get(name, 1.0) for name, loss in losses.items())
        for _, _, optimizer in self.groups:
            optimizer.zero_grad(set_to_none=True)
        # A model with no weights to train (it fits module states only) has no gradient to take.
        if total.requires_grad:
            total.backward()
        grads = [(name, w.grad) for name, w in self.model.weights.items() if w.grad is not None]
        squares = sum(float((dense_values(g).double() ** 2).sum()) for _, g in grads) if grads else 0.0
        loss = float(total)
        if not (math.isfinite(loss) and math.isfinite(squares)):
            # Nothing is applied: the weights stay those of the previous step.
            bad = [name for name, g in grads if not bool(torch.isfinite(dense_values(g)).all())]
            self.model.apply_updates(applied=False)
            return {"loss": loss, "finite": False, "bad_gradients": bad}
        if self.clip_norm > 0:
            scale = min(1.0, self.clip_norm / (math.sqrt(squares) + 1e-12))
            for _, g in grads:
                g.mul_(scale)
        for _, _, optimizer in self.groups:
            optimizer.step()
        self.model.apply_updates()
        return {"loss": loss, "finite": True, "squares": squares}

    def run(self, header, tensors):
        with torch.no_grad():
            outputs = self.model.run(header["entry"], self.feeds(tensors), training=False, seed=header.get("seed", 0))
        return outputs

    def optimizer_state(self):
        out = {}
        names = {id(p): n for n, p in self.model.weights.items()}
        for g, (_, params, optimizer) in enumerate(self.groups):
            for p in params:
                for key, value in optimizer.state.get(p, {}).items():
                    tensor = value if torch.is_tensor(value) else torch.tensor(float(value))
                    out["torch.%d.%s.%s" % (g, names[id(p)], key)] = tensor.to(torch.float32)
        return out

    def restore_optimizer_state(self, tensors):
        names = {id(p): n for n, p in self.model.weights.items()}
        for g, (_, params, optimizer) in enumerate(self.groups):
            for p in params:
                prefix = "torch.%d.%s." % (g, names[id(p)])
                state = {key[len(prefix):]: value.to(self.device) for key, value in tensors.items() if key.startswith(prefix)}
                if state:
                    if "step" in state:
                        state["step"] = state["step"].cpu()
                    optimizer.state[p] = state


def main(package, threads=0):
    if threads:
        torch.set_num_threads(threads)
    model_module = importlib.import_module(package + ".model")
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    session = None
    while True:
        message = read_message(stdin)
        if message is None:
            return
        header, tensors = message
        command = header["cmd"]
        try:
            if command == "init":
                session = Session(model_module, header, tensors)
                write_message(stdout, {"ok": True, "torch": torch.__version__, "threads": torch.get_num_threads()})
            elif command == "step":
                write_message(stdout, dict(session.step(header, tensors), ok=True))
            elif command == "run":
                write_message(stdout, {"ok": True}, session.run(header, tensors))
            elif command == "get_weights":
                write_message(stdout, {"ok": True}, {n: w for n, w in session.model.weights.items()})
            elif command == "set_weights":
                with torch.no_grad():
                    for name, value in tensors.items():
                        session.model.weights[name].copy_(value.to(session.device))
                write_message(stdout, {"ok": True})
            elif command == "constants":
                session.set_constants(tensors)
                write_message(stdout, {"ok": True})
            elif command == "get_state":
                write_message(stdout, {"ok": True}, session.optimizer_state())
            elif command == "set_state":
                session.restore_optimizer_state(tensors)
                write_message(stdout, {"ok": True})
            elif command == "close":
                write_message(stdout, {"ok": True})
                return
            else:
                write_message(stdout, {"ok": False, "error": "unknown command `%s`" % command})
        except Exception as error:  # reported to Node, which names the op's .rec line where it can
            write_message(stdout, {"ok": False, "error": "%s: %s" % (type(error).__name__, error), "trace": traceback.format_exc()})
