"""Training an exported model on its exported batches, alone or under torchrun.

In: the export folder: `train_config.json` (optimizer groups, loss weights, clipping, schedule,
steps, batch, seed), `init.safetensors` (the initial weights rec train would start from) and
`data/train/<input>.npy` (the encoded training batches, step after step) and, for a model with
constant inputs, `data/constants/<input>.npy` (each whole, fed once to every rank). Out: a loss line per
step on stdout (rank 0), `metrics.jsonl` and `checkpoint.safetensors` in the output folder.

Under `torchrun --nproc_per_node=N` (with Debian's torch 1.13 on Python 3.11, add `--redirects 2
--tee 1`: torchrun's default of 0 for both trips over Python 3.11's enum flags), each rank reads its own rows of every global batch (rank r
takes rows [r·b/N, (r+1)·b/N)), DistributedDataParallel averages the gradients (gloo on CPU,
nccl on GPUs), and the reported loss is the mean over ranks: for losses that are means over
examples, N processes follow the same curve as one process with the same global batch.
"""

import argparse
import gc
import importlib
import json
import math
import os
import sys

import numpy as np
import torch

from . import safetensors
from .serve import Session, load_constants


def lr_factor(schedule, step):
    """runtime/src/train/schedule.ts: linear warmup, then constant, linear or cosine decay."""
    warmup = schedule.get("warmup", 0)
    if warmup > 0 and step < warmup:
        return (step + 1) / warmup
    decay = schedule.get("decay", "constant")
    if decay == "constant":
        return 1.0
    span = max(1, schedule["steps"] - warmup)
    progress = min(1.0, (step - warmup) / span)
    shape = 1 - progress if decay == "linear" else 0.5 * (1 + math.cos(math.pi * progress))
    min_ratio = schedule.get("min_ratio", 0.0)
    return min_ratio + (1 - min_ratio) * shape


def main(package, folder, argv=None):
    parser = argparse.ArgumentParser(description="Train the exported model on its exported batches.")
    parser.add_argument("--steps", type=int, default=None, help="steps to train (default: the train block's)")
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--out", default=os.path.join(folder, "run"))
    args = parser.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    with open(os.path.join(folder, "train_config.json")) as f:
        config = json.load(f)

    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    device = torch.device(args.device)
    if world > 1:
        torch.distributed.init_process_group(backend="nccl" if device.type == "cuda" else "gloo")
        if device.type == "cuda":
            device = torch.device("cuda", int(os.environ.get("LOCAL_RANK", "0")))

    init, _ = safetensors.load(os.path.join(folder, "init.safetensors"))
    model_module = importlib.import_module(package + ".model")
    # NCCL reduces no sparse gradients: tables of a sparse group get dense ones there, and the sparse
    # optimizers update the rows whose gradient is not zero (sparse_optim.py), the same rows.
    session = Session(model_module, dict(config, device=str(device), sparse_lookups=not (world > 1 and device.type == "cuda")), init)
    if world > 1:
        wrapped = torch.nn.parallel.DistributedDataParallel(session.model, device_ids=[device.index] if device.type == "cuda" else None, find_unused_parameters=config.get("unused_in_train", False))
        session.forward = lambda feeds, training, seed: wrapped(feeds, "train", training, seed)

    constants = load_constants(os.path.join(folder, "data", "constants"))
    if constants:
        session.set_constants(constants)

    data_dir = os.path.join(folder, "data", "train")
    data = {name[:-4]: np.load(os.path.join(data_dir, name), mmap_mode="r") for name in sorted(os.listdir(data_dir)) if name.endswith(".npy")}
    batch = config["batch"]
    steps = args.steps or config["steps"]
    available = min(len(a) for a in data.values()) // batch
    if steps > available:
        sys.exit("the export holds %d batches of %d; train at most that many steps (--steps)" % (available, batch))
    if batch % world:
        sys.exit("the global batch (%d) must divide among the %d processes" % (batch, world))
    per_rank = batch // world

    os.makedirs(args.out, exist_ok=True)
    metrics = open(os.path.join(args.out, "metrics.jsonl"), "w") if rank == 0 else None
    for step in range(steps):
        start = step * batch + rank * per_rank
        feeds = {name: torch.from_numpy(np.array(a[start:start + per_rank])) for name, a in data.items()}
        reply = session.step({"seed": config["seed"] + step, "lr_factor": lr_factor(config["schedule"], step)}, feeds)
        loss = torch.tensor(reply["loss"], dtype=torch.float64)
        if world > 1:
            torch.distributed.all_reduce(loss)
            loss /= world
        if not reply["finite"]:
            sys.exit("the loss is not finite at step %d (gradients of %s); the step was not applied" % (step + 1, ", ".join(reply.get("bad_gradients", [])) or "some weights"))
        if rank == 0:
            line = json.dumps({"step": step + 1, "loss": float(loss)})
            print(line, flush=True)
            metrics.write(line + "\n")
    if rank == 0:
        metrics.close()
        safetensors.save(os.path.join(args.out, "checkpoint.safetensors"), session.model.weights, {"model": config["model"], "plan_hash": config["plan_hash"], "step": str(steps), "seed": str(config["seed"]), "backend": "torch"})
    if world > 1:
        # Every rank waits for rank 0's checkpoint, then the DistributedDataParallel wrapper goes
        # before its process group: freeing it afterwards left a rank spinning at exit.
        torch.distributed.barrier()
        session.forward = None
        del wrapped
        gc.collect()
        torch.distributed.destroy_process_group()
