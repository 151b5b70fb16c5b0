"""Calibration of gantheory.runs.Monitor where the truth is known, the fault-injection table, and its cost.

Calibration (gantheory.runs.calibration): scripted generator paths θ_t from 2 to 0 on 1-D Gaussians and
mixtures, closed-form discriminators (optimal, or shrunk a = λ·a*) or gantheory's trainer, fresh held-out samples each update;
truth by quadrature. Violations of the one-sided (1 − α) bound are counted per update and per run (the
whole-run window against the average divergence), with the binomial p-value P(Bin(trials, α) ≥ count).
Faults (gantheory.runs.faults): each faulty run must raise its alarm and its clean control must not.
Cost: Monitor.update against the baseline of computing the loss's two means alone, same arrays, same run.

    python benchmarks/runs_calibration.py              # 200 seeds per configuration
    python benchmarks/runs_calibration.py --seeds 1000
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from gantheory.runs import Monitor
from gantheory.runs.calibration import calibrate_monitor
from gantheory.runs.faults import FAULTS, run_fault

CONFIGS = [
    {"path": "gauss-shift", "loss": "standard", "method": "clt", "shrink": 1.0},
    {"path": "mixture-shift", "loss": "standard", "method": "clt", "shrink": 1.0},
    {"path": "gauss2d-spiral", "loss": "standard", "method": "clt", "shrink": 1.0},
    {"path": "gauss2d-spiral", "loss": "hinge", "method": "clt", "shrink": 1.0},
    {"path": "gauss-shift", "loss": "hinge", "method": "clt", "shrink": 1.0},
    {"path": "gauss-shift", "loss": "least_squares", "method": "clt", "shrink": 1.0},
    {"path": "gauss-shift", "loss": "standard", "method": "hoeffding", "shrink": 1.0},
    {"path": "gauss-shift", "loss": "standard", "method": "clt", "shrink": 0.5},
    {"path": "mixture-shift", "loss": "hinge", "method": "hoeffding", "shrink": 1.0},
    # the finite-sample bound needs large held-out samples to be informative (its width ~ R·sqrt(log(1/α)/n))
    {"path": "gauss-shift", "loss": "standard", "method": "hoeffding", "shrink": 1.0, "n": 20000, "steps": 3},
    # gantheory's trainer (degree-2 logistic MLE on 2048 + 2048 samples per replicate) instead of the closed form
    {"path": "gauss-shift", "loss": "standard", "method": "clt", "shrink": 1.0, "discriminator": "trained", "steps": 5},
    {"path": "mixture-shift", "loss": "standard", "method": "clt", "shrink": 1.0, "discriminator": "trained",
     "steps": 5},
]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=200)
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--n", type=int, default=500)
    args = ap.parse_args()
    print(f"calibration: {args.seeds} seeds × {args.steps} updates, n = {args.n} real + {args.n} fake, α = 0.05")
    print("| path | D | loss | method | λ | n | violations / updates | p | violations / runs | p | mean gap | mean truth |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for cfg in CONFIGS:
        kw = {"steps": args.steps, "n": args.n, **cfg}
        r = calibrate_monitor(seeds=args.seeds, **kw)
        print(f"| {r.path} | {r.discriminator} | {r.loss} | {r.method} | {r.shrink:g} | {r.n} | {r.violations_update} / {r.trials_update} | "
              f"{r.p_value_update:.3g} | {r.violations_run} / {r.trials_run} | {r.p_value_run:.3g} | "
              f"{r.mean_gap:.4f} | {r.truth_mean:.4f} |")
    print("\nfault injection (seed 0):")
    print("| fault | injected | expected alarm | raised | control clean |")
    print("|---|---|---|---|---|")
    for name, f in FAULTS.items():
        faulty, clean = run_fault(name)
        print(f"| {name} | {f.description} | {f.alarm} | {f.alarm in faulty} | {f.alarm not in clean} |")
    rng = np.random.default_rng(0)
    r, f = rng.normal(1, 1, 4096), rng.normal(-1, 1, 4096)
    reps = 300
    t0 = time.perf_counter()
    for _ in range(reps):
        float(np.logaddexp(0, -r).mean() + np.logaddexp(0, f).mean())
    base = (time.perf_counter() - t0) / reps
    mon = Monitor()
    t0 = time.perf_counter()
    for i in range(reps):
        mon.update(i, r, f)
    cost = (time.perf_counter() - t0) / reps
    print(f"\nMonitor.update on 4096 + 4096 logits: {cost * 1e3:.3f} ms; baseline (loss means alone) "
          f"{base * 1e3:.3f} ms; ratio {cost / base:.2f}")


if __name__ == "__main__":
    main()
