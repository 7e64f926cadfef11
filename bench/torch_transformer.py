"""PyTorch reference for the benchmark: the paper's no-LayerNorm transformer as a PyTorch user writes it.

SPEC section 2: tokens [a, b, =] ("=" is token p) over a vocabulary of p + 1, d = 128, learned positions
(3 x 128), one attention layer with 4 heads of 32 whose query comes from the last position only (keys and
values from all three), output projection Wo and a residual add, an MLP block 128 -> 512 -> 128 with exact
(erf) GELU and a residual add, unembedding U (128 x (p + 1)) at the last position; no biases, no LayerNorm.
Cross-entropy over the p + 1 logits, AdamW as SPEC section 3 with the transformer's lr 5e-4 and weight
decay 1.0 on every tensor (positions included), applied after the Adam update.

Deliberately the per-example formulation (keys, values and the MLP block for every training pair), not
our per-token factorization: the comparison is "our kernels vs the obvious PyTorch program", and the FLOP
counts printed by bench/kernels.ts say how much of our lead is algebra.

Usage: python3 bench/torch_transformer.py --p 59 --precision f32 --seconds 3
Prints one JSON line: {"p", "precision", "n", "steps", "seconds", "stepsPerSecond", "torch", "threads"}.
"""

import argparse
import json
import math
import time

import torch


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--p", type=int, required=True)
    parser.add_argument("--precision", choices=["f32", "f64"], default="f32")
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--fraction", type=float, default=0.4)
    args = parser.parse_args()

    torch.set_num_threads(1)
    torch.manual_seed(0)
    dtype = torch.float32 if args.precision == "f32" else torch.float64
    p = args.p
    d, heads, head_dim, mlp = 128, 4, 32, 512

    pairs = torch.cartesian_prod(torch.arange(p), torch.arange(p))
    n = math.floor(args.fraction * p * p)
    train = pairs[torch.randperm(p * p)[:n]]
    tokens = torch.cat([train, torch.full((n, 1), p)], dim=1)  # [a, b, =]
    y = (train[:, 0] + train[:, 1]) % p

    def weight(rows: int, cols: int, scale: float) -> torch.Tensor:
        return (torch.randn(rows, cols, dtype=torch.float64) * scale).to(dtype).requires_grad_()

    s = 1 / math.sqrt(d)
    E = weight(p + 1, d, s)
    P = weight(3, d, 0.1 / math.sqrt(d))
    Wq, Wk, Wv, Wo = (weight(d, d, s) for _ in range(4))
    Win = weight(d, mlp, s)
    Wout = weight(mlp, d, 1 / math.sqrt(mlp))
    U = weight(d, p + 1, s)
    params = [E, P, Wq, Wk, Wv, Wo, Win, Wout, U]

    def forward() -> torch.Tensor:
        x = E[tokens] + P  # n x 3 x d
        last = x[:, 2]
        q = (last @ Wq).view(n, heads, 1, head_dim)
        k = (x @ Wk).view(n, 3, heads, head_dim).transpose(1, 2)  # n x heads x 3 x 32
        v = (x @ Wv).view(n, 3, heads, head_dim).transpose(1, 2)
        alpha = torch.softmax((q @ k.transpose(2, 3)) / math.sqrt(head_dim), dim=-1)  # n x heads x 1 x 3
        o = (alpha @ v).reshape(n, d)
        r = last + o @ Wo
        r2 = r + torch.nn.functional.gelu(r @ Win) @ Wout  # exact (erf) GELU
        return r2 @ U

    m = [torch.zeros_like(q) for q in params]
    v2 = [torch.zeros_like(q) for q in params]
    lr, beta1, beta2, eps, wd = 5e-4, 0.9, 0.999, 1e-8, 1.0
    step = 0

    def train_step() -> None:
        nonlocal step
        step += 1
        loss = torch.nn.functional.cross_entropy(forward(), y)
        for q in params:
            q.grad = None
        loss.backward()
        with torch.no_grad():
            c1 = 1 - beta1**step
            c2 = 1 - beta2**step
            for q, mq, vq in zip(params, m, v2):
                g = q.grad
                mq.mul_(beta1).add_(g, alpha=1 - beta1)
                vq.mul_(beta2).addcmul_(g, g, value=1 - beta2)
                q.addcdiv_(mq, (vq / c2).sqrt_().add_(eps), value=-lr / c1)
                q.mul_(1 - lr * wd)

    for _ in range(3):  # warm-up: allocator, first-call dispatch
        train_step()
    steps = 0
    start = time.perf_counter()
    while True:
        train_step()
        steps += 1
        elapsed = time.perf_counter() - start
        if elapsed >= args.seconds:
            break
    print(json.dumps({
        "p": p, "precision": args.precision, "n": n, "steps": steps, "seconds": elapsed,
        "stepsPerSecond": steps / elapsed, "torch": torch.__version__, "threads": torch.get_num_threads(),
    }))


if __name__ == "__main__":
    main()
