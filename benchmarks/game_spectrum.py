"""Benchmark: game_spectrum's Arnoldi route (torch.func JVPs + ARPACK, k eigenvalues) against the dense
route (torch.func.jacfwd + numpy eig) on the same MLP GAN, in the same process.

The GAN: G(z) = μ + s·z, D a 1 → width → width → 1 tanh MLP (output layer zero: D ≡ 0, an equilibrium),
data N(0, 1) on 16 Gauss–Hermite nodes, R1 γ = ½. The ratio dense/Arnoldi is the speed-up; the largest
|λ| of both routes is printed so a reader sees they agree (accuracy is asserted in tests/dynamics/).

    python benchmarks/game_spectrum.py                 # widths 16, 32, 64 (323, 1,155, 4,353 parameters)
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch

from gantheory.dynamics.spectrum import game_spectrum, quadrature_nodes, torch_models


def _models(width: int):
    _, g = torch_models("gaussian")
    torch.manual_seed(0)
    d = torch.nn.Sequential(torch.nn.Linear(1, width), torch.nn.Tanh(), torch.nn.Linear(width, width), torch.nn.Tanh(),
                            torch.nn.Linear(width, 1)).double()
    with torch.no_grad():
        d[-1].weight.zero_()
        d[-1].bias.zero_()
    return d, g


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--widths", type=int, nargs="+", default=[16, 32, 64])
    parser.add_argument("--k", type=int, default=6)
    args = parser.parse_args()
    nodes, w = quadrature_nodes(16)
    kw = {"latent": nodes, "data_weights": w, "latent_weights": w, "regularizer": "r1", "gamma": 0.5}
    d, g = _models(4)
    game_spectrum(d, g, nodes, dense_max=10**9, **kw)  # warm-up: torch.func's first call pays its set-up
    game_spectrum(d, g, nodes, dense_max=0, k=3, **kw)
    print(f"{'params':>7} {'dense s':>9} {'arnoldi s':>10} {'dense/arnoldi':>14} {'max|λ| dense':>13} {'max|λ| arnoldi':>15}")
    for width in args.widths:
        d, g = _models(width)
        t = time.perf_counter()
        dense = game_spectrum(d, g, nodes, dense_max=10**9, **kw)
        t_dense = time.perf_counter() - t
        t = time.perf_counter()
        arnoldi = game_spectrum(d, g, nodes, dense_max=0, k=args.k, **kw)
        t_arnoldi = time.perf_counter() - t
        print(f"{dense.n_parameters:>7} {t_dense:>9.2f} {t_arnoldi:>10.2f} {t_dense / t_arnoldi:>14.2f} "
              f"{np.abs(dense.eigenvalues).max():>13.6f} {np.abs(arnoldi.eigenvalues).max():>15.6f}")


if __name__ == "__main__":
    main()
