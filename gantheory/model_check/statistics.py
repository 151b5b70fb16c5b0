r"""The statistically derived tolerance for a trained discriminator, for any differentiable ``LOSSES`` row and
any input dimension.

It generalises :mod:`gantheory.empirical.statistics` (there: the cross-entropy, soft-label and least-squares
losses on 1-D polynomial features) to a row's own per-sample terms ℓ_real, ℓ_fake and to features φ on
nodes in R^d. With n real and m fake draws, the M-estimator of the well-specified reference family
``a_θ = θ·φ`` is asymptotically normal around the population minimiser

.. math:: \theta^* = \arg\min_\theta\; n\!\int p\,\ell_{real}(\theta\cdot\phi) + m\!\int q\,\ell_{fake}(\theta\cdot\phi)

with the sandwich covariance Σ = A⁻¹BA⁻¹ (White 1982), A = ∫(np ℓ_r'' + mq ℓ_f'')φφᵀ,
B = ∫(np ℓ_r'² + mq ℓ_f'²)φφᵀ − nμ_pμ_pᵀ − mμ_qμ_qᵀ, μ_p = ∫pℓ_r'φ, μ_q = ∫qℓ_f'φ (stratified sampling
removes the variance of the class counts). The Scheffé (1953) band θ*·φ(x) ± sqrt(χ²_{k,1−α} φᵀΣφ), mapped to
the row's output scale (σ for logit rows, identity for raw ones), bounds the reference estimator at every x
with probability 1 − α; its widest half-width times ``mlp_band_factor`` is the tolerance the empirical lens
already uses for MLPs (see that entry of :mod:`gantheory.tolerances` for why a factor and how it was measured).
The derivatives ℓ', ℓ'' come from the row's torch terms by autograd (float64), so a new row needs no code here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from scipy import stats

from gantheory.errors import GanTheoryError
from gantheory.losses import Loss
from gantheory.numerics import sigmoid
from gantheory.tolerances import TOLERANCES

__all__ = ["Band", "band", "output_scale", "population_minimiser", "term_derivatives"]


def output_scale(row: Loss) -> Callable[[Any], np.ndarray]:
    """What a reader compares: D = σ(a) for the logit rows, the raw output a otherwise."""
    return sigmoid if row.output == "logit" else (lambda a: np.asarray(a, dtype=np.float64))


def term_derivatives(row: Loss, params: dict[str, float], a: np.ndarray) -> tuple[np.ndarray, ...]:
    """(ℓ_r, ℓ_r', ℓ_r'', ℓ_f, ℓ_f', ℓ_f'') of the row at outputs ``a`` (float64 autograd on its torch terms)."""
    real, fake = row.terms("torch", **params)
    out = []
    for term in (real, fake):
        t = torch.as_tensor(np.asarray(a, dtype=np.float64)).clone().requires_grad_(True)
        value = term(t)
        (first,) = torch.autograd.grad(value.sum(), t, create_graph=True)
        if first.requires_grad:
            (second,) = torch.autograd.grad(first.sum(), t)
        else:
            second = torch.zeros_like(t)
        out += [value.detach().numpy(), first.detach().numpy(), second.detach().numpy()]
    return tuple(out)


def _check_row(row: Loss) -> None:
    if row.coupling != "separable":  # relativistic and softmax games: no pointwise optimum to train towards
        raise GanTheoryError(f"parameter 'loss': the {row.name!r} game is {row.coupling} (real and fake outputs "
                             "coupled), so it has no pointwise optimum to compare a trained D with")
    if row.name in ("hinge", "wasserstein"):
        raise GanTheoryError(f"parameter 'loss': the {row.name!r} game has a piecewise-linear (or unbounded) objective "
                             "with no curvature, so no asymptotic band exists; use a differentiable row "
                             "(standard, label_smoothing, class_weighted, least_squares, swapped)")


def population_minimiser(row: Loss, params: dict[str, float], phi: np.ndarray, wp: np.ndarray, wq: np.ndarray,
                         n: int, m: int, iterations: int = 100) -> np.ndarray:
    """θ* by damped Newton on the nodes (``wp``, ``wq``: quadrature weights times p and q at the nodes)."""
    _check_row(row)
    theta = np.zeros(phi.shape[1])

    def risk(th):
        lr, _, _, lf, _, _ = term_derivatives(row, params, phi @ th)
        return float(n * wp @ lr + m * wq @ lf)

    current = risk(theta)
    for _ in range(iterations):
        _, d1r, d2r, _, d1f, d2f = term_derivatives(row, params, phi @ theta)
        grad = phi.T @ (n * wp * d1r + m * wq * d1f)
        hess = (phi * (n * wp * d2r + m * wq * d2f)[:, None]).T @ phi
        step = np.linalg.solve(hess + 1e-12 * np.trace(hess) * np.eye(len(theta)), grad)
        t = 1.0
        while t > 1e-8:
            trial = risk(theta - t * step)
            if trial <= current:
                break
            t *= 0.5
        theta, current = theta - t * step, trial
        if np.max(np.abs(t * step)) < TOLERANCES["newton_step_rtol"] * (1 + np.max(np.abs(theta))) * 1e4:
            break
    return theta


@dataclass(frozen=True)
class Band:
    """θ* (the reference family's population minimiser), Σ, and the widest half-width on the output scale."""

    theta: np.ndarray
    covariance: np.ndarray
    half_width: float


def band(row: Loss, params: dict[str, float], phi: np.ndarray, wp: np.ndarray, wq: np.ndarray, phi_grid: np.ndarray,
         n: int, m: int, alpha: float = TOLERANCES["alpha"]) -> Band:
    """The Scheffé band of the reference family (module docstring), its widest half-width on ``phi_grid``."""
    theta = population_minimiser(row, params, phi, wp, wq, n, m)
    _, d1r, d2r, _, d1f, d2f = term_derivatives(row, params, phi @ theta)
    a = (phi * (n * wp * d2r + m * wq * d2f)[:, None]).T @ phi
    mu_p, mu_q = phi.T @ (wp * d1r), phi.T @ (wq * d1f)
    b = (phi * (n * wp * d1r**2 + m * wq * d1f**2)[:, None]).T @ phi - n * np.outer(mu_p, mu_p) - m * np.outer(mu_q, mu_q)
    a_inv = np.linalg.inv(a)
    cov = a_inv @ b @ a_inv
    cov = 0.5 * (cov + cov.T)
    half = np.sqrt(stats.chi2.ppf(1 - alpha, phi.shape[1]) * np.maximum(np.einsum("ni,ij,nj->n", phi_grid, cov, phi_grid), 0.0))
    fitted = phi_grid @ theta
    out = output_scale(row)
    widest = float(np.max(np.maximum(out(fitted + half) - out(fitted), out(fitted) - out(fitted - half))))
    return Band(theta, cov, widest)


def quadratic_features(x: np.ndarray, center: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """(1, u, all degree-2 monomials of u), u = (x − center)/scale: the log-ratio of two Gaussians in R^d is
    exactly quadratic, so this family is well specified for the standard game on Gaussian pairs."""
    x = np.asarray(x, dtype=np.float64)
    if x.ndim == 1:
        x = x[:, None]
    u = (x - center) / scale
    cols: list[Any] = [np.ones(u.shape[0])] + [u[:, i] for i in range(u.shape[1])]
    cols += [u[:, i] * u[:, j] for i in range(u.shape[1]) for j in range(i, u.shape[1])]
    return np.stack(cols, axis=1)
