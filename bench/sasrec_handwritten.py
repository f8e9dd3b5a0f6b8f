"""SASRec written directly in PyTorch, the baseline of bench/train's torch figures: the same model
as examples/sasrec/model.rec (2 pre-LN transformer blocks, d = 64, 2 heads, length 50, 20,000
items, in-batch softmax over the batch's targets, Adam), built the way a PyTorch user would.

Usage: python3 bench/sasrec_handwritten.py STEPS THREADS [COMPILED_PACKAGE_FOLDER]
Prints one JSON line: the median milliseconds per training step after 2 warm-up steps, of the
hand-written model and (given the folder rec wrote the compiled package to) of the compiled one.
"""

import importlib
import json
import math
import statistics
import sys
import time

import torch

ITEMS, DIM, HEADS, LAYERS, LENGTH, BATCH = 20_000, 64, 2, 2, 50, 128


class Block(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.norm1 = torch.nn.LayerNorm(DIM, eps=1e-5)
        self.norm2 = torch.nn.LayerNorm(DIM, eps=1e-5)
        self.q = torch.nn.Linear(DIM, DIM, bias=False)
        self.k = torch.nn.Linear(DIM, DIM, bias=False)
        self.v = torch.nn.Linear(DIM, DIM, bias=False)
        self.o = torch.nn.Linear(DIM, DIM, bias=False)
        self.ff1 = torch.nn.Linear(DIM, 4 * DIM)
        self.ff2 = torch.nn.Linear(4 * DIM, DIM)

    def forward(self, h, attend):
        b = h.shape[0]
        x = self.norm1(h)
        split = lambda t: t.view(b, LENGTH, HEADS, DIM // HEADS).transpose(1, 2)
        q, k, v = split(self.q(x)), split(self.k(x)), split(self.v(x))
        logits = q @ k.transpose(-1, -2) / math.sqrt(DIM // HEADS)
        weights = torch.softmax(logits.masked_fill(~attend, -1e9), dim=-1)
        h = h + self.o((weights @ v).transpose(1, 2).reshape(b, LENGTH, DIM))
        return h + self.ff2(torch.nn.functional.gelu(self.ff1(self.norm2(h)), approximate="tanh"))


class SASRec(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.items = torch.nn.Embedding(ITEMS, DIM)
        self.positions = torch.nn.Embedding(LENGTH, DIM)
        self.blocks = torch.nn.ModuleList(Block() for _ in range(LAYERS))
        self.norm = torch.nn.LayerNorm(DIM, eps=1e-5)
        self.register_buffer("causal", torch.ones(LENGTH, LENGTH, dtype=torch.bool).tril())

    def forward(self, history, mask, target):
        h = self.items(history) + self.positions.weight
        attend = (self.causal & mask.unsqueeze(1) & mask.unsqueeze(2)).unsqueeze(1)
        for block in self.blocks:
            h = block(h, attend)
        user = self.norm(h[:, -1, :])
        scores = user @ self.items(target).T
        return torch.nn.functional.cross_entropy(scores, torch.arange(history.shape[0]))


def main(steps, threads, package_folder=None):
    """Median ms per step of the hand-written model and, given the compiled package's folder, of
    the compiled model too, alternating their steps so both see the same machine load."""
    torch.manual_seed(0)
    if threads:
        torch.set_num_threads(threads)
    g = torch.Generator().manual_seed(1)
    history = torch.randint(0, ITEMS, (BATCH, LENGTH), generator=g)
    mask = (torch.arange(LENGTH) >= 5).expand(BATCH, LENGTH).clone()
    target = torch.randint(0, ITEMS, (BATCH,), generator=g)
    model = SASRec()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    runs = {"hand_written": lambda: model(history, mask, target)}
    optimizers = {"hand_written": optimizer}
    if package_folder:
        sys.path.insert(0, package_folder)
        compiled = importlib.import_module("rec_sasrec.model").Model(0)
        feeds = {"history": history, "history_mask": mask, "target": target}
        runs["compiled"] = lambda: compiled.run("train", feeds, True, 0)["next"]
        optimizers["compiled"] = torch.optim.Adam(compiled.parameters(), lr=1e-3)
    times = {name: [] for name in runs}
    for i in range(steps + 2):
        for name, run in runs.items():
            start = time.perf_counter()
            optimizers[name].zero_grad(set_to_none=True)
            loss = run()
            loss.backward()
            optimizers[name].step()
            float(loss)
            if i >= 2:
                times[name].append((time.perf_counter() - start) * 1000)
    print(json.dumps({name: statistics.median(t) for name, t in times.items()}))


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 0, sys.argv[3] if len(sys.argv) > 3 else None)
