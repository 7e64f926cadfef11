"""PyTorch reference for the benchmark: the paper's own MLP formulation, one thread, full batch.

nn.Embedding(p, 128) looked up for a and b, concatenated (256), Linear(256, 256), exact (erf) GELU,
Linear(256, p); cross-entropy on the training pairs; AdamW as SPEC section 3 (bias-corrected moments,
decoupled decay lr * wd * P applied AFTER the Adam update, to E, W1, W2 only). This is deliberately the
unfactorized formulation a PyTorch user would write: the comparison is "our kernels vs the obvious
PyTorch program", and the FLOP counts printed by bench/kernels.ts say how much of our lead is algebra.

Usage: python3 bench/torch_mlp.py --p 97 --precision f32 --seconds 3
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

    pairs = torch.cartesian_prod(torch.arange(p), torch.arange(p))
    n = math.floor(args.fraction * p * p)
    train = pairs[torch.randperm(p * p)[:n]]
    x, y = train, (train[:, 0] + train[:, 1]) % p

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
    params = list(model.parameters())
    m = [torch.zeros_like(q) for q in params]
    v = [torch.zeros_like(q) for q in params]
    lr, beta1, beta2, eps, wd = 1e-3, 0.9, 0.999, 1e-8, 1.0
    decayed_ids = {id(q) for q in decayed}
    step = 0

    def train_step() -> None:
        nonlocal step
        step += 1
        loss = torch.nn.functional.cross_entropy(model(x), y)
        for q in params:
            q.grad = None
        loss.backward()
        with torch.no_grad():
            c1 = 1 - beta1**step
            c2 = 1 - beta2**step
            for q, mq, vq in zip(params, m, v):
                g = q.grad
                mq.mul_(beta1).add_(g, alpha=1 - beta1)
                vq.mul_(beta2).addcmul_(g, g, value=1 - beta2)
                q.addcdiv_(mq, (vq / c2).sqrt_().add_(eps), value=-lr / c1)
                if id(q) in decayed_ids:
                    q.mul_(1 - lr * wd)

    for _ in range(5):  # warm-up: allocator, first-call dispatch
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
