"""Optimizers for embedding tables trained sparsely, the torch side of runtime/src/tfjs/train/sparse-optimizers.ts.

In: tables whose gradients are sparse (F.embedding(sparse=True)) or dense (DistributedDataParallel
on CUDA); the touched rows are the gradient's indices, or the rows with a nonzero gradient. Out:
only those rows and their state updated, by the same rules as the tfjs engines:
  rowwise_adagrad  a_r += mean_j g_rj^2; w_r -= lr * g_r / (sqrt(a_r) + eps)
  lazy_adam        m, v updated for touched rows only; w -= lr * m_hat / (sqrt(v_hat) + eps),
                   bias corrections by the optimizer's step count t (TensorFlow's LazyAdam)
weight_decay = d then shrinks each touched row, w *= 1 - lr * d (decoupled, as AdamW).
sgd and adagrad use torch's own optimizers, which accept sparse gradients.
"""

import torch


def touched_rows(grad):
    """The distinct rows a gradient touches and their summed gradient rows."""
    if grad.is_sparse:
        grad = grad.coalesce()
        return grad.indices()[0], grad.values()
    rows = torch.nonzero(grad.abs().sum(dim=1) > 0).flatten()
    return rows, grad[rows]


class RowOptimizer(torch.optim.Optimizer):
    """The step both rules share: for each table with a gradient, its state made on first use,
    the step counted, the touched rows found, the rule applied to them, then their decay."""

    def new_state(self, p, group):
        raise NotImplementedError

    def update(self, p, state, rows, g, group):
        raise NotImplementedError

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if not state:
                    state["step"] = torch.tensor(0.0)
                    state.update(self.new_state(p, group))
                state["step"] += 1
                rows, g = touched_rows(p.grad)
                self.update(p, state, rows, g, group)
                if group["weight_decay"]:
                    # Decoupled weight decay of the touched rows only.
                    p[rows] *= 1 - group["lr"] * group["weight_decay"]


class RowwiseAdagrad(RowOptimizer):
    def __init__(self, params, lr, eps=1e-8, initial_accumulator=0.0, weight_decay=0.0):
        super().__init__(params, dict(lr=lr, eps=eps, initial_accumulator=initial_accumulator, weight_decay=weight_decay))

    def new_state(self, p, group):
        return {"row_sum": torch.full((p.shape[0],), group["initial_accumulator"], dtype=p.dtype, device=p.device)}

    def update(self, p, state, rows, g, group):
        state["row_sum"][rows] += (g * g).mean(dim=1)
        denominator = state["row_sum"][rows].sqrt().add_(group["eps"]).unsqueeze(1)
        p[rows] -= group["lr"] * g / denominator


class LazyAdam(RowOptimizer):
    def __init__(self, params, lr, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0):
        super().__init__(params, dict(lr=lr, beta1=beta1, beta2=beta2, eps=eps, weight_decay=weight_decay))

    def new_state(self, p, group):
        return {"exp_avg": torch.zeros_like(p), "exp_avg_sq": torch.zeros_like(p)}

    def update(self, p, state, rows, g, group):
        beta1, beta2, t = group["beta1"], group["beta2"], float(state["step"])
        m = state["exp_avg"][rows] * beta1 + (1 - beta1) * g
        v = state["exp_avg_sq"][rows] * beta2 + (1 - beta2) * g * g
        state["exp_avg"][rows] = m
        state["exp_avg_sq"][rows] = v
        m_hat = m / (1 - beta1 ** t)
        v_hat = v / (1 - beta2 ** t)
        p[rows] -= group["lr"] * m_hat / (v_hat.sqrt() + group["eps"])
