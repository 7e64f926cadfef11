"""What the PyTorch reference benchmarks share: arguments, the training pairs, AdamW as SPEC section 3
(bias-corrected moments, decoupled decay lr * wd * P applied after the Adam update), and the timing loop
with its one JSON line. Each model script keeps only its model."""

import argparse
import json
import math
import time
from typing import Callable, Iterable, List, Tuple

import torch


def setup() -> Tuple[argparse.Namespace, torch.dtype, torch.Tensor, torch.Tensor]:
    """Parses --p --precision --seconds --fraction, fixes one thread and seed 0; returns the training pairs and targets."""
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
    return args, dtype, train, (train[:, 0] + train[:, 1]) % p


def adamw_step(params: List[torch.Tensor], decayed: Iterable[torch.Tensor], lr: float, loss: Callable[[], torch.Tensor]) -> Callable[[], None]:
    """One full-batch step: backward of loss(), then AdamW with weight decay 1.0 on the `decayed` tensors."""
    beta1, beta2, eps, wd = 0.9, 0.999, 1e-8, 1.0
    m = [torch.zeros_like(q) for q in params]
    v = [torch.zeros_like(q) for q in params]
    decayed_ids = {id(q) for q in decayed}
    step = 0

    def train_step() -> None:
        nonlocal step
        step += 1
        value = loss()
        for q in params:
            q.grad = None
        value.backward()
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

    return train_step


def blas_kernels() -> str:
    """The core type whose kernels the BLAS loaded by this process runs (OpenBLAS's openblas_get_corename:
    SkylakeX means AVX-512, Haswell or Zen AVX2), or what the BLAS is when that cannot be asked."""
    import ctypes

    paths = sorted({line.split()[-1] for line in open("/proc/self/maps") if "blas" in line and ".so" in line})
    for path in paths:
        try:
            lib = ctypes.CDLL(path)  # the library already mapped: the same handle, already initialised
            lib.openblas_get_corename.restype = ctypes.c_char_p
            return "OpenBLAS " + lib.openblas_get_corename().decode()
        except (OSError, AttributeError):
            continue
    return ", ".join(paths) or "no BLAS library mapped"


def time_steps(args: argparse.Namespace, n: int, train_step: Callable[[], None], warmup: int) -> None:
    """Warm-up steps (allocator, first-call dispatch), then steps for --seconds; prints one JSON line."""
    for _ in range(warmup):
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
        "p": args.p, "precision": args.precision, "n": n, "steps": steps, "seconds": elapsed,
        "stepsPerSecond": steps / elapsed, "torch": torch.__version__, "threads": torch.get_num_threads(),
        "blas": blas_kernels(),
    }))
