"""Helpers for the generated forward code: ops whose torch form is more than one expression.

In: torch tensors (ids as int64, booleans as torch.bool, floats as float32) and the op's
attributes as Python values. Out: the op's value with the dtype the plan gives it. Each function
mirrors an op's reference implementation (compiler/src/ir/reference/) and tfjs kernel
(runtime/src/tfjs/kernels/); the conformance tests compare all three.
"""

import math

import torch

F32 = torch.float32
I64 = torch.int64

# runtime/src/hashing.ts: the modulus and the multipliers of hash_ids' hash functions.
HASH_PRIME = 524287
HASH_MULTIPLIERS = [1031, 1409, 1789, 2063, 2467, 2857, 3251, 3637]


def as_dtype(t, dtype):
    """`t` in `dtype`, converting Python scalars too."""
    if not torch.is_tensor(t):
        return torch.tensor(t, dtype=dtype)
    return t if t.dtype == dtype else t.to(dtype)


def compare(f, a, b):
    """A comparison of two tensors of possibly different dtypes (compared as floats then)."""
    if a.dtype != b.dtype:
        a, b = a.to(F32), b.to(F32)
    return f(a, b)


def seeded(seed, device):
    """A generator for one random stream (a weight's initializer, a random op's draws)."""
    g = torch.Generator(device=device)
    g.manual_seed(int(seed) % (2 ** 63))
    return g


def stream_seed(base, stream):
    """runtime/src/tfjs/executor.ts tfSeed: the seed of stream `stream` of a run seeded `base`."""
    seed = int(base) * 7919 + int(stream)
    return -1 if seed == 0 else seed


def floor_mod(a, b):
    return torch.remainder(a, b)


def where(c, a, b, dtype):
    return torch.where(c, as_dtype(a, dtype), as_dtype(b, dtype))


def cast(x, dtype):
    if dtype == torch.bool:
        return x != 0
    if dtype == F32:
        return x.to(F32)
    # A float converted to an integer dtype drops its fraction (toward zero), as trunc would;
    # the plain conversion is also what ONNX's Cast does (it has no trunc at opset 13).
    return x.to(dtype)


def matmul(a, b, dtype):
    a, b = as_dtype(a, dtype), as_dtype(b, dtype)
    if b.dim() == 2 and a.dim() > 2:
        return (a.reshape(-1, a.shape[-1]) @ b).reshape(*a.shape[:-1], b.shape[1])
    return torch.matmul(a, b)


def dense(x, kernel, offset):
    """x @ kernel + offset over the flattened leading axes, as one addmm (the bias add fused)."""
    flat = x.reshape(-1, x.shape[-1])
    return torch.addmm(offset, flat, kernel).reshape(*x.shape[:-1], kernel.shape[1])


def index(x, spec, dims, out_shape):
    """numpy-style `x[spec]` where spec is the plan's text (`:, 1:-1, None, ...`)."""
    subs = [s.strip() for s in spec.split(",")]
    key = []

    def value(text):
        text = text.strip()
        return int(text) if text.lstrip("-").isdigit() else dims[text]

    for sub in subs:
        if sub == "None":
            key.append(None)
        elif sub == "...":
            key.append(Ellipsis)
        elif ":" in sub:
            parts = sub.split(":")
            start = value(parts[0]) if parts[0].strip() else None
            stop = value(parts[1]) if len(parts) > 1 and parts[1].strip() else None
            step = value(parts[2]) if len(parts) > 2 and parts[2].strip() else None
            key.append(slice(start, stop, step))
        else:
            key.append(value(sub))
    return x[tuple(key)].reshape(out_shape)


def transpose(x, perm):
    if perm is None:
        return x.transpose(-2, -1)
    return x.permute(*perm)


def take_along(x, index, axis):
    x = x.movedim(axis, -1)
    return torch.gather(x, -1, index.to(I64).unsqueeze(-1)).squeeze(-1)


def causal_mask(n, device):
    return torch.ones(n, n, dtype=torch.bool, device=device).tril()


def masked_mean(x, mask):
    m = mask.to(x.dtype).unsqueeze(-1)
    total = (x * m).sum(-2)
    count = m.sum(-2).clamp(min=1)
    return total / count


def hash_ids(ids, buckets, seed):
    multiplier = HASH_MULTIPLIERS[seed % len(HASH_MULTIPLIERS)]
    x = torch.remainder(ids.to(I64), HASH_PRIME) + 1
    return torch.remainder(torch.remainder(x * multiplier, HASH_PRIME), buckets)


def hash_ngrams(ids, order, buckets):
    x = torch.remainder(ids.to(I64), HASH_PRIME)
    length = x.shape[-1]
    h = torch.zeros_like(x)
    positions = torch.arange(length, device=x.device)
    for k in range(order - 1, -1, -1):
        shifted = x if k == 0 else torch.nn.functional.pad(x, (k, 0))[..., :length]
        updated = torch.remainder(h * 31 + shifted + 1, HASH_PRIME)
        h = torch.where(positions >= k, updated, h)
    return torch.remainder(h, buckets)


def topk(x, k, indices):
    """The k largest of the last axis; ties keep the lower index first (as the reference does)."""
    order = torch.sort(x, dim=-1, descending=True, stable=True).indices[..., :k]
    return order if indices else torch.gather(x, -1, order)


def dropout(x, rate, training, seed):
    if not training or rate <= 0:
        return x
    keep = torch.rand(x.shape, generator=seeded(seed, x.device), device=x.device) >= rate
    return x * keep.to(x.dtype) / (1 - rate)


# The random ops (compiler/src/ops/random.ts): draws while training, the documented deterministic
# value otherwise (the reference's and the tfjs kernels').

def random_normal(shape, mean, stddev, training, seed, device):
    if not training:
        return torch.full(shape, float(mean), dtype=F32, device=device)
    return torch.randn(shape, generator=seeded(seed, device), device=device) * stddev + mean


def random_uniform(shape, low, high, training, seed, device):
    if not training:
        return torch.full(shape, (low + high) / 2, dtype=F32, device=device)
    return torch.rand(shape, generator=seeded(seed, device), device=device) * (high - low) + low


def bernoulli(p, training, seed):
    if not training:
        return p > 0.5
    return torch.rand(p.shape, generator=seeded(seed, p.device), device=p.device) < p


def randint(shape, n, training, seed, device):
    if not training:
        return torch.zeros(shape, dtype=I64, device=device)
    return torch.randint(0, n, shape, generator=seeded(seed, device), device=device)


def permutation(n, training, seed, device):
    if not training:
        return torch.arange(n, device=device)
    return torch.randperm(n, generator=seeded(seed, device), device=device)


def sample_negatives(weights, n, training, seed):
    """n draws with replacement, q = weights / sum; from the heaviest down (repeated past V) outside training."""
    if training:
        return torch.multinomial(weights, n, replacement=True, generator=seeded(seed, weights.device))
    order = torch.sort(weights, descending=True, stable=True).indices
    return order[torch.arange(n, device=weights.device) % order.shape[0]]


def sample_categorical(logits, temperature, seed):
    """The Gumbel-max trick, as the tfjs kernel draws (its own generator: other draws)."""
    g = seeded(seed, logits.device)
    uniform = torch.rand(logits.shape, generator=g, device=logits.device) * (1 - 1e-7) + 1e-7
    gumbel = -torch.log(-torch.log(uniform))
    return torch.argmax(logits / temperature + gumbel, dim=-1)


def nan_on_non_finite(value, *inputs):
    """metrics/finite.ts: a metric of non-finite float inputs is NaN, never a number."""
    for t in inputs:
        if torch.is_tensor(t) and t.is_floating_point() and not bool(torch.isfinite(t).all()):
            return torch.full_like(value, float("nan"))
    return value


def _others(scores):
    """For scores [B, B] with the positive on the diagonal: how many others score at least as high."""
    positive = torch.diagonal(scores).unsqueeze(-1)
    return (scores >= positive).to(F32).sum(-1) - 1


def recall_at(scores, k):
    return nan_on_non_finite((_others(scores) < k).to(F32).mean(), scores)


def ndcg_at(scores, k):
    rank = _others(scores) + 1
    gain = math.log(2) / torch.log(rank + 1)
    return nan_on_non_finite(torch.where(rank <= k, gain, torch.zeros_like(gain)).mean(), scores)


def mrr(scores):
    return nan_on_non_finite((1 / (_others(scores) + 1)).mean(), scores)


def group_auc(p, y, groups=None):
    labels = (y.to(F32) >= 0.5).to(F32)
    n = p.shape[0]
    same = (groups.unsqueeze(1) == groups.unsqueeze(0)).to(F32) if groups is not None else torch.ones(n, n, device=p.device)
    diff = p.unsqueeze(1) - p.unsqueeze(0)
    pairs = same * labels.unsqueeze(1) * (1 - labels).unsqueeze(0)
    wins = (diff > 0).to(F32) + (diff == 0).to(F32) * 0.5
    positives = (same * labels.unsqueeze(0)).sum(-1)
    negatives = (same * (1 - labels).unsqueeze(0)).sum(-1)
    pair_count = positives * negatives
    valid = (pair_count > 0).to(F32)
    weight = valid * same.sum(-1) / pair_count.clamp(min=1)
    numerator = (weight * (wins * pairs).sum(-1)).sum()
    denominator = valid.sum()
    value = torch.where(denominator > 0, numerator / denominator.clamp(min=1), torch.tensor(0.5, device=p.device))
    return nan_on_non_finite(value, p, y)


def _log_loss(p, y):
    q = p.clamp(1e-7, 1 - 1e-7)
    y = y.to(F32)
    return -(y * torch.log(q) + (1 - y) * torch.log(1 - q)).mean()


def binary_log_loss(p, y):
    return nan_on_non_finite(_log_loss(p, y), p, y)


def normalized_entropy(p, y):
    base = y.to(F32).mean()
    defined = (base > 0) & (base < 1)
    entropy = -(base * torch.log(base) + (1 - base) * torch.log(1 - base))
    value = torch.where(defined, _log_loss(p, y) / torch.where(defined, entropy, torch.ones_like(entropy)), torch.full_like(base, float("nan")))
    return nan_on_non_finite(value, p, y)


def calibration(p, y):
    observed = y.to(F32).sum()
    value = torch.where(observed > 0, p.sum() / observed.clamp(min=1e-30), torch.full_like(observed, float("nan")))
    return nan_on_non_finite(value, p, y)


def accuracy(a, b):
    return nan_on_non_finite((a.to(I64) == b.to(I64)).to(F32).mean(), a, b)


def off_policy(estimator, logp, action, reward, propensity, baseline=None, clip=0.0):
    picked = torch.gather(logp, -1, action.to(I64).unsqueeze(-1)).squeeze(-1)
    weight = torch.exp(picked) / propensity
    if estimator == "reinforce":
        base = reward.mean() if baseline == "batch_mean" else 0.0
        w = torch.clamp(weight, max=clip) if clip > 0 else weight
        return -(w.detach() * (reward - base) * picked).mean()
    total = (weight * reward).sum()
    if estimator == "ips":
        value = total / reward.shape[0]
    else:
        s = weight.sum()
        value = torch.where(s != 0, total / torch.where(s != 0, s, torch.ones_like(s)), torch.zeros_like(s))
    return nan_on_non_finite(value, logp, reward, propensity)
