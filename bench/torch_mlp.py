"""PyTorch reference for the benchmark: the paper's own MLP formulation, one thread, full batch.

nn.Embedding(p, 128) looked up for a and b, concatenated (256), Linear(256, 256), exact (erf) GELU,
Linear(256, p); cross-entropy on the training pairs; AdamW as SPEC section 3 (bias-corrected moments,
decoupled decay lr * wd * P applied AFTER the Adam update, to E, W1, W2 only). This is deliberately the
unfactorized formulation a PyTorch user would write: the comparison is "our kernels vs the obvious
PyTorch program", and the FLOP counts printed by bench/kernels.ts say how much of our lead is algebra.

Usage: python3 bench/torch_mlp.py --p 97 --precision f32 --seconds 3
Prints one JSON line: {"p", "precision", "n", "steps", "seconds", "stepsPerSecond", "torch", "threads"}.
"""

import math

import torch

from torch_common import adamw_step, setup, time_steps


def main() -> None:
    args, dtype, x, y = setup()
    p, n = args.p, x.shape[0]

    class Mlp(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.embed = torch.nn.Embedding(p, 128)
            self.hidden = torch.nn.Linear(256, 256)
            self.readout = torch.nn.Linear(256, p)
            self.gelu = torch.nn.GELU()  # approximate='none': the exact erf GELU
            with torch.no_grad():
                for w, fan_in in ((self.embed.weight, 128), (self.hidden.weight, 256), (self.readout.weight, 256)):
                    w.normal_().div_(math.sqrt(fan_in))
                self.hidden.bias.zero_()
                self.readout.bias.zero_()

        def forward(self, pair: torch.Tensor) -> torch.Tensor:
            e = self.embed(pair).reshape(pair.shape[0], 256)
            return self.readout(self.gelu(self.hidden(e)))

    model = Mlp().to(dtype)
    decayed = [model.embed.weight, model.hidden.weight, model.readout.weight]
    train_step = adamw_step(list(model.parameters()), decayed, 1e-3, lambda: torch.nn.functional.cross_entropy(model(x), y))
    time_steps(args, n, train_step, warmup=5)


if __name__ == "__main__":
    main()
