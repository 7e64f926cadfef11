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

import math

import torch

from torch_common import adamw_step, setup, time_steps


def main() -> None:
    args, dtype, train, y = setup()
    p, n = args.p, train.shape[0]
    d, heads, head_dim, mlp = 128, 4, 32, 512
    tokens = torch.cat([train, torch.full((n, 1), p)], dim=1)  # [a, b, =]

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

    # Weight decay on every tensor, positions included.
    train_step = adamw_step(params, params, 5e-4, lambda: torch.nn.functional.cross_entropy(forward(), y))
    time_steps(args, n, train_step, warmup=3)


if __name__ == "__main__":
    main()
