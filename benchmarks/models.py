"""Benchmark for issue 15: the training-step corpus's detection table and the cost of each check.

Each figure is a ratio against a baseline run in the same process:

* ``audit_step`` (no D* phase / with the default 300-call D* phase) against calling the same
  ``train_step`` the same number of times on plain ``nn.Linear`` models with plain SGD (the instrumentation's
  overhead);
* ``check_discriminator`` (1-D, and 2-D) against ``gantheory.train_discriminator(family="mlp")`` at the
  same sample size and step count (the existing empirical lens);
* ``check_gan`` (1,500 steps, 5 exact snapshots) against the same training loop without snapshots;
* 2-D certified quadrature (ring of 8 Gaussians vs N(0, I), adaptive Gauss–Legendre) against
  ``scipy.integrate.cubature`` on the same integrand (the reference route).

Accuracy is asserted in tests/, not here.

    python benchmarks/models.py            # all
    python benchmarks/models.py --quick    # fewer repeats
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np
import torch
from torch import nn


def best(fn, repeats):
    times = []
    out = None
    for _ in range(repeats):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return min(times), out


def corpus_table():
    from gantheory.step_audit import CORPUS, audit_step

    rows = []
    for name, e in CORPUS.items():
        r = audit_step(e.train_step, loss=e.loss)
        got = frozenset(f.code for f in r.findings if f.severity != "info")
        rows.append((name, e.bug or "— (correct)", ", ".join(sorted(e.expected)) or "none",
                     ", ".join(sorted(got)) or "none", "yes" if got == e.expected else "NO"))
    print("| entry | bug | expected | found | match |\n| --- | --- | --- | --- | --- |")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    print(f"\n{sum(r[-1] == 'yes' for r in rows)}/{len(rows)} entries match")


def audit_cost(repeats):
    from gantheory.step_audit import CORPUS, audit_step

    step = CORPUS["dcgan"].train_step

    def plain(calls):
        torch.manual_seed(0)
        D, G = nn.Sequential(nn.Linear(1, 2), nn.Linear(2, 1)), nn.Linear(1, 1)
        oD, oG = torch.optim.SGD(D.parameters(), lr=1e-3), torch.optim.SGD(G.parameters(), lr=1e-3)
        real = torch.randn(64, 1)
        for _ in range(calls):
            step(D, G, oD, oG, real)

    t_plain4, _ = best(lambda: plain(4), repeats)
    t_audit, _ = best(lambda: audit_step(step, dstar_steps=0), repeats)
    t_plain304, _ = best(lambda: plain(304), repeats)
    t_full, _ = best(lambda: audit_step(step), repeats)
    print(f"audit_step, 4 calls, no D* phase: {t_audit * 1e3:.1f} ms vs plain 4 calls {t_plain4 * 1e3:.2f} ms "
          f"-> ratio {t_audit / t_plain4:.0f}x")
    print(f"audit_step, defaults (4 + 300 D* calls): {t_full:.2f} s vs plain 304 calls {t_plain304:.3f} s "
          f"-> ratio {t_full / t_plain304:.1f}x")


def discriminator_cost(repeats):
    from gantheory import check_discriminator, train_discriminator
    from gantheory.densities import Normal
    from gantheory.multivariate import MultivariateNormal

    p, q = Normal(0.0, 1.0), Normal(1.0, 1.5)
    make = lambda: nn.Sequential(nn.Linear(1, 16), nn.Tanh(), nn.Linear(16, 1))  # noqa: E731
    t_base, _ = best(lambda: train_discriminator(p, q, family="mlp", n_samples=2048, steps=600, width=16, depth=1,
                                                 device="cpu"), repeats)
    t_check, r = best(lambda: check_discriminator(make, p, q, steps=600), repeats)
    t_check_norep, _ = best(lambda: check_discriminator(make, p, q, steps=600, representation=False), repeats)
    print(f"check_discriminator 1-D (n=2048, 600 Adam steps): {t_check:.2f} s with the representation fit, "
          f"{t_check_norep:.2f} s without; train_discriminator(mlp) {t_base:.2f} s -> ratios "
          f"{t_check / t_base:.1f}x / {t_check_norep / t_base:.1f}x (sup error {r.sup_error:.3f}, tolerance "
          f"{r.tolerance:.3f})")
    p2 = MultivariateNormal([0.0, 0.0], [[1.0, 0.3], [0.3, 0.8]])
    q2 = MultivariateNormal([1.0, -0.5], [[1.5, 0.0], [0.0, 0.6]])
    make2 = lambda: nn.Sequential(nn.Linear(2, 16), nn.Tanh(), nn.Linear(16, 1))  # noqa: E731
    t2, r2 = best(lambda: check_discriminator(make2, p2, q2, steps=600), repeats)
    print(f"check_discriminator 2-D Gaussians (n=2048, 600 steps): {t2:.2f} s -> {t2 / t_base:.1f}x the 1-D "
          f"baseline (sup error {r2.sup_error:.3f}, tolerance {r2.tolerance:.3f})")


def gan_cost(repeats):
    from gantheory import check_gan
    from gantheory.densities import Normal

    make_d = lambda: nn.Sequential(nn.Linear(1, 16), nn.Tanh(), nn.Linear(16, 1))  # noqa: E731
    t_check, r = best(lambda: check_gan(make_d, lambda: nn.Linear(1, 1), Normal(1.0, 0.75), steps=1500), repeats)
    t_one, _ = best(lambda: check_gan(make_d, lambda: nn.Linear(1, 1), Normal(1.0, 0.75), steps=1500, snapshots=1),
                    repeats)
    print(f"check_gan 1-D (1500 steps, 5 exact snapshots): {t_check:.2f} s vs 1 snapshot {t_one:.2f} s -> "
          f"{t_check / t_one:.2f}x (final JSD {r.final_jsd:.2e}, sup error {r.sup_error:.3f})")


def quadrature_cost(repeats):
    from gantheory.divergences import DIVERGENCES
    from gantheory.multivariate import MultivariateNormal, cubature_reference, js_divergence_2d, ring_of_gaussians

    ring, g = ring_of_gaussians(scale=0.1), MultivariateNormal([0.0, 0.0], np.eye(2))
    t_ours, r = best(lambda: js_divergence_2d(ring, g), repeats)
    t_ref, (ref, err) = best(lambda: cubature_reference(DIVERGENCES["js"].integrand, ring, g, rtol=1e-11, atol=1e-13), 1)
    print(f"2-D JSD ring(8, r=2, s=0.1) vs N(0, I): adaptive GL {t_ours:.2f} s ({r.n_nodes} nodes, certified "
          f"{r.certified}, error {r.error:.1e}); scipy cubature {t_ref:.2f} s -> ratio {t_ref / t_ours:.1f}x; "
          f"|difference| {abs(r.value - ref):.1e} (cubature's own error {err:.1e})")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    repeats = 1 if args.quick else 3
    torch.set_num_threads(1)
    print(f"load average: {os.getloadavg()}")
    corpus_table()
    audit_cost(repeats)
    discriminator_cost(repeats)
    gan_cost(repeats)
    quadrature_cost(repeats)


if __name__ == "__main__":
    main()
