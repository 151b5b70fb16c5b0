r"""Statistics for the calibrated check of a well-specified logistic discriminator.

Model. With n real draws from p and m fake draws from q, the pooled logistic MLE ``θ̂`` of
``logit D_θ(x) = θ·φ(x)`` targets the population maximiser θ* of

.. math:: \ell(\theta) = n\,E_p[\log\sigma(\theta\cdot\phi)] + m\,E_q[\log\sigma(-\theta\cdot\phi)].

When the family is well specified (e.g. degree-2 features for two Gaussians), ``θ*·φ = log(np/(mq))``,
i.e. Prop. 1 of Goodfellow et al. (2014) for m = n. Sampling is stratified (n and m fixed), so the
asymptotic covariance is the sandwich ``Σ = A⁻¹ B A⁻¹`` (White 1982; Prentice & Pyke 1979 for
case–control designs), with, for ``s = σ(θ·φ)``,

.. math::

    A = \int (n p + m q)\, s(1-s)\, \phi\phi^\top dx,\qquad
    B = \int \big[n p (1-s)^2 + m q s^2\big] \phi\phi^\top dx - n\mu_p\mu_p^\top - m\mu_q\mu_q^\top,

    \mu_p = \int p (1-s)\phi\,dx,\qquad \mu_q = \int q\, s\,\phi\,dx,

all computed by Gauss–Legendre quadrature split at both densities' breakpoints. (B differs from A only
through the stratum means: fixing n and m removes the variance of the class counts.)

Test. A theory asserts ``logit D_T``; its parameter θ_T is the population maximiser of ℓ with the
asserted conditional ``D_T`` in place of the truth (it equals θ* exactly when the theory is right and
well specified). The Wald statistic

.. math:: T = (\hat\theta-\theta_T)^\top \Sigma^{-1} (\hat\theta-\theta_T) \;\xrightarrow{d}\; \chi^2_d

under H0, and the check rejects when ``T > χ²_{d,1-α}``. Equivalently (Scheffé 1953) θ̂·φ(x) lies in
the simultaneous band ``θ_T·φ(x) ± \sqrt{χ²_{d,1-α}\,φ(x)^\top Σ φ(x)}`` for *every* direction φ;
passing therefore implies D̂ inside the (sigmoid of the) band at every x.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from scipy import stats

from gantheory.empirical.objectives import training_loss
from gantheory.errors import GanTheoryError
from gantheory.numerics import sigmoid
from gantheory.tolerances import TOLERANCES

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

    from gantheory.densities import Density

__all__ = [
    "ConfidenceBand",
    "WaldTest",
    "binomial_test",
    "feature_frame",
    "mass_region",
    "population_minimiser",
    "population_parameter",
    "quadrature_nodes",
    "scheffe_band",
    "wald_covariance",
    "wald_test",
]

_GL_X, _GL_W = np.polynomial.legendre.leggauss(24)


def quadrature_nodes(*densities: Density) -> tuple[np.ndarray, np.ndarray]:
    """Gauss–Legendre nodes and weights covering the union of the densities' breakpoint ranges.

    24 nodes per panel between consecutive breakpoints (modes, scale points, support ends, geometric
    tail points); ample for the 1e-8 relative accuracy a covariance for a statistical test needs.
    """
    points = np.concatenate([np.asarray(d.breakpoints(), dtype=np.float64).ravel() for d in densities])
    points = np.unique(points[np.isfinite(points)])
    if points.size < 2:
        raise GanTheoryError("densities expose fewer than two finite breakpoints; cannot build quadrature nodes")
    a, b = points[:-1, None], points[1:, None]
    x = 0.5 * (a + b) + 0.5 * (b - a) * _GL_X
    w = 0.5 * (b - a) * _GL_W
    return x.ravel(), w.ravel()


def _logpdf(density, x):
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.asarray(density.logpdf(x), dtype=np.float64)
    return np.where(np.isnan(out), -np.inf, out)


def mass_region(p_data: Density, p_g: Density, mass: float = 0.98) -> tuple[float, float]:
    """Central interval holding ``mass`` of the mixture ``½(p_data + p_g)``: its (1-mass)/2 and (1+mass)/2 quantiles."""
    if not 0 < mass < 1:
        raise GanTheoryError(f"mass must be in (0, 1), got {mass!r}")
    x, w = quadrature_nodes(p_data, p_g)
    density = 0.5 * (np.exp(_logpdf(p_data, x)) + np.exp(_logpdf(p_g, x)))
    cdf = np.cumsum(w * density)
    cdf /= cdf[-1]
    lo = float(np.interp(0.5 * (1 - mass), cdf, x))
    hi = float(np.interp(0.5 * (1 + mass), cdf, x))
    return lo, hi


def feature_frame(p_data: Density, p_g: Density) -> tuple[float, float]:
    """(center, scale) standardising x to ``u ∈ [-1, 1]`` over the 98%-mass region."""
    lo, hi = mass_region(p_data, p_g)
    # a floor, not a tolerance: a degenerate (point-mass) region must not divide by zero
    return 0.5 * (lo + hi), max(0.5 * (hi - lo), 1e-12)


def features(x: ArrayLike, degree: int, center: float, scale: float) -> np.ndarray:
    """numpy twin of :func:`gantheory.empirical.batched.polynomial_features`."""
    u = (np.asarray(x, dtype=np.float64) - center) / scale
    return np.stack([u**j for j in range(degree + 1)], axis=-1)


def population_parameter(logit_theory: Callable[[np.ndarray], np.ndarray], p_data: Density, p_g: Density, *, n: int, m: int, degree: int, center: float, scale: float,
                         iterations: int = 60, loss: str = "bce") -> np.ndarray:
    """θ_T = argmax_θ ∫ (n p + m q) [D_T log σ(θ·φ) + (1 - D_T) log σ(-θ·φ)] dx, by Newton on quadrature nodes.

    ``logit_theory`` is a numpy callable x ↦ logit of the asserted P(real | x) *for the sampling design*.
    For a well-specified theory ``θ_T·φ = logit_theory`` exactly. The same θ_T serves the soft-label loss:
    its population risk is ∫ (np + mq) CE(D_T, σ(θ·φ)) with D_T the asserted soft optimum.

    With ``loss="least_squares"`` ``logit_theory`` is the asserted *output* f_T and θ_T is its weighted
    L² projection ``argmin_θ ∫ (n p + m q)(θ·φ - f_T)² dx`` (the population LSGAN risk up to a constant).
    """
    x, w = quadrature_nodes(p_data, p_g)
    lp, lq = _logpdf(p_data, x), _logpdf(p_g, x)
    # Sampling marginal (n p + m q), formed in log space then exponentiated once.
    weight = w * np.exp(np.logaddexp(np.log(n) + lp, np.log(m) + lq))
    keep = weight > 0
    x, weight = x[keep], weight[keep]
    phi = features(x, degree, center, scale)
    if training_loss(loss).raw:
        root = np.sqrt(weight)
        return np.linalg.lstsq(phi * root[:, None], root * np.asarray(logit_theory(x), dtype=np.float64), rcond=None)[0]
    target = sigmoid(np.asarray(logit_theory(x), dtype=np.float64))
    theta = np.zeros(degree + 1)
    for _ in range(iterations):
        s = sigmoid(phi @ theta)
        grad = phi.T @ (weight * (target - s))
        hess = (phi * (weight * s * (1 - s))[:, None]).T @ phi
        step = np.linalg.solve(hess, grad)
        theta = theta + step
        if np.max(np.abs(step)) < TOLERANCES["newton_step_rtol"] * (1 + np.max(np.abs(theta))):
            break
    return theta


def population_minimiser(p_data: Density, p_g: Density, *, n: int, m: int, degree: int, center: float, scale: float, loss: str = "bce",
                         targets: tuple[float, float] = (1.0, 0.0), lsgan: tuple[float, float] = (-1.0, 1.0),
                         iterations: int = 60) -> np.ndarray:
    r"""θ* = argmin_θ of the *population* training loss of the sampling design, with no theory involved.

    .. math:: R(\theta) = n\,E_p\,\ell(\theta\cdot\phi, y_{real}) + m\,E_q\,\ell(\theta\cdot\phi, y_{fake})

    with ℓ the (soft-)BCE with labels ``targets`` (α, β) or the squared error with labels ``lsgan`` (a, b),
    minimised by Newton (exact for least squares) on quadrature nodes. θ̂ is asymptotically normal around
    θ* whatever the family; the covariance of :func:`wald_covariance` is evaluated here, so a check's
    widths come from the experiment and only its centre from the theory under test.
    """
    x, w = quadrature_nodes(p_data, p_g)
    wp, wq = n * w * np.exp(_logpdf(p_data, x)), m * w * np.exp(_logpdf(p_g, x))
    phi = features(x, degree, center, scale)
    spec = training_loss(loss, targets=targets, lsgan=lsgan)
    if spec.raw:
        b, a = spec.labels
        root = np.sqrt(wp + wq)
        rhs = (wp * b + wq * a) / np.where(root > 0, root, 1.0)
        return np.linalg.lstsq(phi * root[:, None], rhs, rcond=None)[0]
    alpha, beta = spec.labels
    theta = np.zeros(degree + 1)
    for _ in range(iterations):
        s = sigmoid(phi @ theta)
        grad = phi.T @ (wp * (alpha - s) + wq * (beta - s))
        hess = (phi * ((wp + wq) * s * (1 - s))[:, None]).T @ phi
        step = np.linalg.solve(hess, grad)
        theta = theta + step
        if np.max(np.abs(step)) < TOLERANCES["newton_step_rtol"] * (1 + np.max(np.abs(theta))):
            break
    return theta


def wald_covariance(theta: ArrayLike, p_data: Density, p_g: Density, *, n: int, m: int, degree: int, center: float, scale: float,
                    return_information: bool = False, loss: str = "bce", targets: tuple[float, float] = (1.0, 0.0),
                    lsgan: tuple[float, float] = (-1.0, 1.0)) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """Sandwich covariance ``A⁻¹ B A⁻¹`` of the pooled M-estimator at ``theta`` (module docstring).

    The per-sample score is ``(s - y) φ`` with ``s = σ(θ·φ)`` and label ``y`` (1/0, or the soft targets
    α/β for ``loss="soft_bce"``), or ``(θ·φ - y) φ`` with ``y = b``/``a`` for ``loss="least_squares"``
    (Hessian weight 1 instead of ``s(1-s)``). B is the stratified variance of the summed scores, so the
    covariance is valid also when the family is misspecified (White 1982): θ̂ is then normal around the
    population minimiser θ_T, the projection of the true optimum on the family.

    With ``return_information=True`` returns ``(covariance, A)``.
    """
    x, w = quadrature_nodes(p_data, p_g)
    wp, wq = w * np.exp(_logpdf(p_data, x)), w * np.exp(_logpdf(p_g, x))
    phi = features(x, degree, center, scale)
    out = phi @ np.asarray(theta, dtype=np.float64)
    spec = training_loss(loss, targets=targets, lsgan=lsgan)
    real_label, fake_label = spec.labels
    if spec.raw:
        s, curvature = out, np.ones_like(out)
    else:
        s = sigmoid(out)
        curvature = s * (1 - s)
    a = (phi * ((n * wp + m * wq) * curvature)[:, None]).T @ phi
    mu_p = phi.T @ (wp * (real_label - s))
    mu_q = phi.T @ (wq * (fake_label - s))
    b = (phi * (n * wp * (real_label - s) ** 2 + m * wq * (fake_label - s) ** 2)[:, None]).T @ phi
    b = b - n * np.outer(mu_p, mu_p) - m * np.outer(mu_q, mu_q)
    a_inv = np.linalg.inv(a)
    cov = a_inv @ b @ a_inv
    cov = 0.5 * (cov + cov.T)
    return (cov, a) if return_information else cov


@dataclass(frozen=True)
class WaldTest:
    """Outcome of the Wald χ² check: ``statistic`` ~ χ²_dof under H0; ``passed`` iff statistic ≤ critical."""

    statistic: float
    dof: int
    critical: float
    p_value: float
    alpha: float
    passed: bool


def wald_test(theta_hat: ArrayLike, theta_theory: ArrayLike, covariance: np.ndarray, alpha: float) -> WaldTest:
    """``T = (θ̂-θ_T)ᵀ Σ⁻¹ (θ̂-θ_T)`` against the χ²_d upper-α quantile."""
    if not 0 < alpha < 1:
        raise GanTheoryError(f"alpha must be in (0, 1), got {alpha!r}")
    diff = np.asarray(theta_hat, dtype=np.float64) - np.asarray(theta_theory, dtype=np.float64)
    if not np.all(np.isfinite(diff)):
        return WaldTest(float("inf"), diff.size, float(stats.chi2.ppf(1 - alpha, diff.size)), 0.0, alpha, False)
    statistic = float(diff @ np.linalg.solve(covariance, diff))
    dof = diff.size
    critical = float(stats.chi2.ppf(1 - alpha, dof))
    return WaldTest(statistic, dof, critical, float(stats.chi2.sf(statistic, dof)), alpha, statistic <= critical)


@dataclass(frozen=True)
class ConfidenceBand:
    """Scheffé (1-α) simultaneous band for D(x) around the theory, on a grid of the 98%-mass region.

    ``lower``/``upper`` bound D (probability scale); ``estimate`` is D̂ on the grid, ``theory`` the
    asserted D; ``inside`` is D̂ ∈ [lower, upper] pointwise and ``all_inside`` its conjunction.
    """

    x: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    theory: np.ndarray
    estimate: np.ndarray
    inside: np.ndarray
    all_inside: bool
    half_width_logit: np.ndarray


def scheffe_band(x: ArrayLike, theta_hat: ArrayLike, theta_theory: np.ndarray, covariance: np.ndarray, alpha: float, *,
                 degree: int, center: float, scale: float, theory_logit: ArrayLike | None = None) -> ConfidenceBand:
    """The band ``θ_T·φ(x) ± sqrt(χ²_{d,1-α} φᵀΣφ)`` mapped through the sigmoid, and D̂ = σ(θ̂·φ)."""
    phi = features(x, degree, center, scale)
    half = np.sqrt(stats.chi2.ppf(1 - alpha, degree + 1) * np.einsum("ni,ij,nj->n", phi, covariance, phi))
    center_logit = phi @ theta_theory if theory_logit is None else np.asarray(theory_logit, dtype=np.float64)
    est_logit = phi @ np.asarray(theta_hat, dtype=np.float64)
    inside = np.abs(est_logit - center_logit) <= half
    return ConfidenceBand(
        x=np.asarray(x, dtype=np.float64),
        lower=sigmoid(center_logit - half),
        upper=sigmoid(center_logit + half),
        theory=sigmoid(center_logit),
        estimate=sigmoid(est_logit),
        inside=inside,
        all_inside=bool(np.all(inside)),
        half_width_logit=half,
    )


def binomial_test(rejections: int, replicates: int, alpha: float) -> float:
    """Two-sided exact binomial p-value of ``rejections`` out of ``replicates`` at rate ``alpha``."""
    return float(stats.binomtest(int(rejections), int(replicates), float(alpha)).pvalue)
