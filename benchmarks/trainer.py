"""Benchmark: K discriminators trained in one batched computation vs a naive per-model loop.

Both arms train the same MLP discriminators (width × depth tanh, Adam, minibatches of real/fake
samples of the registry pair ``gauss-unequal-scale``) in the same process, so the ratio measures
batching alone. Steps/s counts model-steps (K models × steps / wall time). Accuracy is asserted in
tests/empirical/, not here.

    python benchmarks/trainer.py                # K = 1, 16, 128 on the CPU
    python benchmarks/trainer.py --gpu          # + 10,000 discriminators in one batched run on CUDA
    python benchmarks/trainer.py --width 128 --batch 256   # compute-bound: read the % of matmul peak

Each CPU row also prints the batched arm's achieved FLOP/s against a float64 matmul peak measured in
the same run: a small ratio batched/loop with a high % of peak means the work is compute-bound and
batching has nothing left to remove.
"""

from __future__ import annotations

import argparse
import time

import torch

from gantheory.cases import CASES
from gantheory.empirical.batched import (
    BatchedMLP,
    bce_loss,
    fit_logistic_newton,
    fit_mlp_adam,
    polynomial_features,
)

# The pair every arm trains on: p_data = N(0, 1), p_g = N(1, 1.5), from the case registry.
CASE = CASES["gauss-unequal-scale"]


def _data(k, n, device, dtype, seed=0):
    gen = torch.Generator(device=device).manual_seed(seed)
    (m_real, s_real), (m_fake, s_fake) = ((float(d.loc), float(d.scale)) for d in CASE)  # Normal pairs only
    real = m_real + s_real * torch.randn(k, n, generator=gen, device=device, dtype=dtype)
    fake = m_fake + s_fake * torch.randn(k, n, generator=gen, device=device, dtype=dtype)
    return real, fake


def _sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize()


def batched(k, n, steps, batch, width, depth, device, dtype, activation="relu"):
    real, fake = _data(k, n, device, dtype)
    model = BatchedMLP.init(range(k), width=width, depth=depth, device=device, dtype=dtype, activation=activation)
    _sync(device)
    t0 = time.perf_counter()
    fit = fit_mlp_adam(model, real, fake, steps=steps, lr=1e-2, batch_size=batch)
    _sync(device)
    return time.perf_counter() - t0, fit


_MODULES = {"relu": torch.nn.ReLU, "tanh": torch.nn.Tanh, "silu": torch.nn.SiLU}


def naive(k, n, steps, batch, width, depth, device, dtype, activation="relu"):
    real, fake = _data(k, n, device, dtype)
    gen = torch.Generator(device=device).manual_seed(0)
    t0 = time.perf_counter()
    for i in range(k):
        layers, fan_in = [], 1
        for _ in range(depth):
            layers += [torch.nn.Linear(fan_in, width), _MODULES[activation]()]
            fan_in = width
        net = torch.nn.Sequential(*layers, torch.nn.Linear(fan_in, 1)).to(device=device, dtype=dtype)
        opt = torch.optim.Adam(net.parameters(), lr=1e-2)
        for _ in range(steps):
            ir = torch.randint(0, n, (batch,), generator=gen, device=device)
            xr, xf = real[i, ir].unsqueeze(-1), fake[i, ir].unsqueeze(-1)
            loss = bce_loss(net(xr).squeeze(-1), net(xf).squeeze(-1))
            opt.zero_grad()
            loss.backward()
            opt.step()
    _sync(device)
    return time.perf_counter() - t0


def logistic_table(args):
    """Logistic MLEs by Newton (the calibration workload): batched vs one fit at a time."""
    device, dtype = torch.device("cpu"), torch.float64
    print(f"CPU, float64: degree-2 logistic MLE by Newton, n = m = {args.n}, case {CASE.name!r}")
    print(f"{'K':>5} {'batched s':>10} {'batched fits/s':>15} {'loop s':>9} {'loop fits/s':>12} {'ratio':>7}")
    for k in (1, 16, 128):
        real, fake = _data(k, args.n, device, dtype)
        fr, ff = polynomial_features(real, 2, 0.0, 2.0), polynomial_features(fake, 2, 0.0, 2.0)
        t0 = time.perf_counter()
        fit_logistic_newton(fr, ff)
        tb = time.perf_counter() - t0
        t0 = time.perf_counter()
        for i in range(k):
            fit_logistic_newton(fr[i : i + 1], ff[i : i + 1])
        tn = time.perf_counter() - t0
        print(f"{k:>5} {tb:>10.3f} {k / tb:>15.0f} {tn:>9.3f} {k / tn:>12.0f} {tn / tb:>6.1f}x", flush=True)


def matmul_peak(device, dtype, size=512, repeats=20):
    """FLOP/s of a square matmul in this process, dtype and thread setting: the compute ceiling."""
    a = torch.randn(size, size, device=device, dtype=dtype)
    b = torch.randn(size, size, device=device, dtype=dtype)
    a @ b
    _sync(device)
    t0 = time.perf_counter()
    for _ in range(repeats):
        a @ b
    _sync(device)
    return 2.0 * size**3 * repeats / (time.perf_counter() - t0)


def mlp_flops_per_step(k, batch, width, depth):
    """Forward + backward FLOPs of one Adam step of K MLPs (1 → width^depth → 1) on 2·batch samples:
    ≈ 6 FLOPs per multiply-add per sample (2 forward, 4 backward)."""
    macs = width + (depth - 1) * width * width + width
    return 6.0 * macs * 2 * batch * k


def cpu_table(args):
    device, dtype = torch.device("cpu"), torch.float64
    peak = matmul_peak(device, dtype)
    print(f"CPU, float64, torch {torch.__version__}, {torch.get_num_threads()} threads; case {CASE.name!r}; "
          f"MLP {args.width}x{args.depth} "
          f"{args.activation}, "
          f"n = {args.n} per class, minibatch {args.batch}, {args.steps} Adam steps")
    # warm both arms (first Adam imports torch._dynamo, ~5 s; first kernels allocate) before timing
    batched(2, args.n, 2, args.batch, args.width, args.depth, device, dtype, args.activation)
    naive(2, args.n, 2, args.batch, args.width, args.depth, device, dtype, args.activation)
    print(f"float64 matmul peak measured in this run: {peak / 1e9:.1f} GFLOP/s")
    print(f"{'K':>5} {'batched s':>10} {'batched steps/s':>16} {'loop s':>9} {'loop steps/s':>13} {'ratio':>7} "
          f"{'batched GFLOP/s':>16} {'% of peak':>10}")
    for k in (1, 16, 128):
        tb, _ = batched(k, args.n, args.steps, args.batch, args.width, args.depth, device, dtype, args.activation)
        tn = naive(k, args.n, args.steps, args.batch, args.width, args.depth, device, dtype, args.activation)
        sb, sn = k * args.steps / tb, k * args.steps / tn
        flops = mlp_flops_per_step(k, args.batch, args.width, args.depth) * args.steps / tb
        print(f"{k:>5} {tb:>10.3f} {sb:>16.0f} {tn:>9.3f} {sn:>13.0f} {tn / tb:>6.1f}x {flops / 1e9:>16.2f} "
              f"{100 * flops / peak:>9.1f}%", flush=True)


def gpu_run(args):
    if not torch.cuda.is_available():
        raise SystemExit("--gpu: CUDA is not available to torch")
    device = torch.device("cuda")
    name = torch.cuda.get_device_name(0)
    for dtype in (torch.float32, torch.float64):
        k = args.gpu_k
        batched(16, args.n, 5, args.batch, args.width, args.depth, device, dtype, args.activation)  # warm-up
        t, fit = batched(k, args.n, args.gpu_steps, args.batch, args.width, args.depth, device, dtype, args.activation)
        print(f"GPU {name}: {k} MLP discriminators ({args.width}x{args.depth}, minibatch {args.batch}, "
              f"{str(dtype).replace('torch.', '')}) x {args.gpu_steps} Adam steps in one batched run: "
              f"{t:.2f} s wall, {k * args.gpu_steps / t:,.0f} model-steps/s, failed {int(fit.failed.sum())}", flush=True)
    # Logistic Newton to the MLE: 10,000 replicates with n = 4096 per class.
    for dtype in (torch.float32, torch.float64):
        real, fake = _data(args.gpu_k, 4096, device, dtype)
        fit_logistic_newton(polynomial_features(real[:8], 2, 0.0, 2.0), polynomial_features(fake[:8], 2, 0.0, 2.0))
        _sync(device)
        t0 = time.perf_counter()
        fit = fit_logistic_newton(polynomial_features(real, 2, 0.0, 2.0), polynomial_features(fake, 2, 0.0, 2.0))
        _sync(device)
        t = time.perf_counter() - t0
        print(f"GPU {name}: {args.gpu_k} logistic MLEs (n = m = 4096, degree 2, {str(dtype).replace('torch.', '')}) by "
              f"Newton: {t:.3f} s wall, {fit.steps} iterations, max |grad| {float(fit.grad_norm.max()):.1e}", flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1024, help="samples per class")
    parser.add_argument("--batch", type=int, default=32, help="minibatch per class")
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--width", type=int, default=16)
    parser.add_argument("--depth", type=int, default=2)
    parser.add_argument("--activation", choices=sorted(_MODULES), default="relu",
                        help="hidden activation in both arms (float64 tanh is ~50x dearer than relu on CPUs)")
    parser.add_argument("--threads", type=int, default=None, help="torch intra-op threads (default: torch's)")
    parser.add_argument("--gpu", action="store_true", help="also run the 10,000-discriminator CUDA benchmark")
    parser.add_argument("--gpu-only", action="store_true")
    parser.add_argument("--gpu-k", type=int, default=10_000)
    parser.add_argument("--gpu-steps", type=int, default=1000)
    args = parser.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    if not args.gpu_only:
        cpu_table(args)
        logistic_table(args)
    if args.gpu or args.gpu_only:
        gpu_run(args)


if __name__ == "__main__":
    main()
