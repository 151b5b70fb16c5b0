r"""Answers that need no integration: the independent references the quadrature lens is held against.

Every function states its formula and a reference. All values are in nats.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from gantheory.errors import GanTheoryError
from gantheory.numerics import LOG2, LOG4

__all__ = [
    "criterion_from_jsd",
    "disjoint_support",
    "js_discrete",
    "js_uniform",
    "kl_discrete",
    "kl_laplace",
    "kl_mvn",
    "kl_normal",
    "kl_uniform",
    "pearson_normal",
    "squared_hellinger_normal",
    "tv_normal_equal_scale",
    "w1_normal",
]


def _positive(name, value):
    value = np.asarray(value, dtype=np.float64)
    if not np.all(value > 0):
        raise GanTheoryError(f"parameter {name!r} must be > 0, got {value!r}")
    return value


def kl_normal(loc1: ArrayLike, scale1: ArrayLike, loc2: ArrayLike, scale2: ArrayLike) -> np.ndarray:
    r"""KL(N(μ₁,σ₁²) ‖ N(μ₂,σ₂²)) = log(σ₂/σ₁) + (σ₁² + (μ₁−μ₂)²)/(2σ₂²) − ½.

    Reference: Kullback (1959); e.g. Bishop (2006), PRML, Eq. (1.113) generalised.

    >>> print(f"{float(kl_normal(0, 1, 0, 2)):.12f}")  # log 2 + 1/8 − 1/2
    0.318147180560
    """
    s1, s2 = _positive("scale1", scale1), _positive("scale2", scale2)
    return np.log(s2 / s1) + (s1**2 + (np.asarray(loc1) - loc2) ** 2) / (2 * s2**2) - 0.5


def kl_mvn(mean1: ArrayLike, cov1: ArrayLike, mean2: ArrayLike, cov2: ArrayLike) -> float:
    r"""KL(N(μ₁,Σ₁) ‖ N(μ₂,Σ₂)) = ½[tr(Σ₂⁻¹Σ₁) + (μ₂−μ₁)ᵀΣ₂⁻¹(μ₂−μ₁) − k + log det Σ₂ − log det Σ₁].

    Reference: Duchi, "Derivations for linear algebra and optimization", §9 (KL of multivariate normals).
    """
    m1, m2 = np.atleast_1d(mean1).astype(float), np.atleast_1d(mean2).astype(float)
    c1, c2 = np.atleast_2d(cov1).astype(float), np.atleast_2d(cov2).astype(float)
    k = m1.size
    l1, l2 = np.linalg.cholesky(c1), np.linalg.cholesky(c2)  # raises for non-PD covariances
    solve = np.linalg.solve(c2, c1)
    diff = m2 - m1
    maha = diff @ np.linalg.solve(c2, diff)
    logdet = 2 * (np.log(np.diag(l2)).sum() - np.log(np.diag(l1)).sum())
    return 0.5 * (np.trace(solve) + maha - k + logdet)


def kl_laplace(loc1: ArrayLike, scale1: ArrayLike, loc2: ArrayLike, scale2: ArrayLike) -> np.ndarray:
    r"""KL(Laplace(μ₁,b₁) ‖ Laplace(μ₂,b₂)) = log(b₂/b₁) + |μ₁−μ₂|/b₂ + (b₁/b₂)·e^{−|μ₁−μ₂|/b₁} − 1.

    Reference: Gil, Alajaji & Hashemi (2013), "Rényi divergence measures for commonly used univariate
    continuous distributions", Table (Laplace).
    """
    b1, b2 = _positive("scale1", scale1), _positive("scale2", scale2)
    d = np.abs(np.asarray(loc1) - loc2)
    return np.log(b2 / b1) + d / b2 + (b1 / b2) * np.exp(-d / b1) - 1.0


def pearson_normal(loc1: ArrayLike, scale1: ArrayLike, loc2: ArrayLike, scale2: ArrayLike) -> np.ndarray:
    r"""χ²(N₁‖N₂) = ∫ p²/q − 1 = σ₂² / (σ₁·√(2σ₂² − σ₁²)) · exp((μ₁−μ₂)²/(2σ₂² − σ₁²)) − 1, and +inf
    when 2σ₂² ≤ σ₁² (the integral diverges). Reference: Nielsen & Nock (2014), "On the chi square and
    higher-order chi distances", §3 (Gaussian case), completing the square in the exponent.
    """
    s1, s2 = _positive("scale1", scale1), _positive("scale2", scale2)
    denom = 2 * s2**2 - s1**2
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        val = s2**2 / (s1 * np.sqrt(denom)) * np.exp((np.asarray(loc1) - loc2) ** 2 / denom) - 1.0
    return np.where(denom > 0, val, np.inf)


def squared_hellinger_normal(loc1: ArrayLike, scale1: ArrayLike, loc2: ArrayLike, scale2: ArrayLike) -> np.ndarray:
    r"""∫(√p − √q)² = 2(1 − BC), Bhattacharyya coefficient BC = √(2σ₁σ₂/(σ₁²+σ₂²))·exp(−(μ₁−μ₂)²/(4(σ₁²+σ₂²))).

    Reference: Pardo (2006), "Statistical Inference Based on Divergence Measures", Example 1.x.
    """
    s1, s2 = _positive("scale1", scale1), _positive("scale2", scale2)
    ss = s1**2 + s2**2
    bc = np.sqrt(2 * s1 * s2 / ss) * np.exp(-((np.asarray(loc1) - loc2) ** 2) / (4 * ss))
    return 2.0 * (1.0 - bc)


def tv_normal_equal_scale(loc1: ArrayLike, loc2: ArrayLike, scale: ArrayLike) -> np.ndarray:
    r"""TV(N(μ₁,σ²), N(μ₂,σ²)) = ½∫|p−q| = 2Φ(|μ₁−μ₂|/(2σ)) − 1 (the densities cross once, at the midpoint)."""
    from scipy import special
    s = _positive("scale", scale)
    return 2.0 * special.ndtr(np.abs(np.asarray(loc1) - loc2) / (2 * s)) - 1.0


def w1_normal(loc1: ArrayLike, scale1: ArrayLike, loc2: ArrayLike, scale2: ArrayLike) -> np.ndarray:
    r"""Wasserstein-1 in 1-D: W₁ = ∫₀¹ |F⁻¹(u) − G⁻¹(u)| du = E|Δμ + Δσ Z|, Z ~ N(0,1), which is
    |Δσ|·(c(2Φ(c) − 1) + 2φ(c)) with c = |Δμ|/|Δσ| (and |Δμ| when Δσ = 0).

    Reference: Villani (2009), Optimal Transport, Remark 2.19 (quantile coupling in 1-D).
    """
    from scipy import special
    s1, s2 = _positive("scale1", scale1), _positive("scale2", scale2)
    dm = np.abs(np.asarray(loc1, dtype=float) - loc2)
    ds = np.abs(s1 - s2)
    with np.errstate(divide="ignore", invalid="ignore"):
        c = dm / ds
        val = ds * (c * (2 * special.ndtr(c) - 1) + 2 * np.exp(-0.5 * c * c) / np.sqrt(2 * np.pi))
    return np.where(ds == 0, dm, val)


def js_uniform(low1: ArrayLike, high1: ArrayLike, low2: ArrayLike, high2: ArrayLike) -> np.ndarray:
    r"""JSD(U(a₁,b₁) ‖ U(a₂,b₂)), ½ convention, for any overlap (disjoint, partial, nested, equal).

    With L₁ = b₁−a₁, L₂ = b₂−a₂, overlap o = max(0, min(b₁,b₂) − max(a₁,a₂)) and h = 1/L₁ + 1/L₂:
    JSD = ½ log 2 · [(L₁ − o)/L₁ + (L₂ − o)/L₂] + ½ o [ (1/L₁) log(2/(L₁h)) + (1/L₂) log(2/(L₂h)) ],
    since p·log(2p/(p+q)) is (1/L₁) log 2 where only p lives and (1/L₁) log(2(1/L₁)/h) on the overlap.

    >>> bool(np.isclose(js_uniform(0, 1, 0, 2), 0.75 * np.log(4 / 3), rtol=1e-15))  # nested at an edge
    True
    >>> float(js_uniform(0, 1, 2, 3)) == float(np.log(2))  # disjoint
    True
    """
    a1, b1, a2, b2 = (np.asarray(v, dtype=float) for v in (low1, high1, low2, high2))
    if not (np.all(b1 > a1) and np.all(b2 > a2)):
        raise GanTheoryError("parameters must satisfy low < high for both uniforms")
    l1, l2 = b1 - a1, b2 - a2
    o = np.maximum(0.0, np.minimum(b1, b2) - np.maximum(a1, a2))
    h = 1 / l1 + 1 / l2
    only = 0.5 * LOG2 * ((l1 - o) / l1 + (l2 - o) / l2)
    both = 0.5 * o * ((1 / l1) * np.log(2 / (l1 * h)) + (1 / l2) * np.log(2 / (l2 * h)))
    return only + both


def kl_uniform(low1: ArrayLike, high1: ArrayLike, low2: ArrayLike, high2: ArrayLike) -> np.ndarray:
    r"""KL(U(a₁,b₁) ‖ U(a₂,b₂)) = log((b₂−a₂)/(b₁−a₁)) if [a₁,b₁] ⊆ [a₂,b₂], else +inf."""
    a1, b1, a2, b2 = (np.asarray(v, dtype=float) for v in (low1, high1, low2, high2))
    inside = (a1 >= a2) & (b1 <= b2)
    return np.where(inside, np.log((b2 - a2) / (b1 - a1)), np.inf)


def _aligned(values1, probs1, values2, probs2):
    atoms = np.union1d(values1, values2)
    p = np.zeros(atoms.size)
    q = np.zeros(atoms.size)
    p[np.searchsorted(atoms, values1)] = probs1
    q[np.searchsorted(atoms, values2)] = probs2
    return p, q


def js_discrete(values1: ArrayLike, probs1: ArrayLike, values2: ArrayLike, probs2: ArrayLike) -> float:
    r"""JSD of two pmfs by the defining sum ½Σ p log(2p/(p+q)) + ½Σ q log(2q/(p+q)) (xlogy: 0 log 0 = 0)."""
    from scipy import special
    p, q = _aligned(np.asarray(values1, float), probs1, np.asarray(values2, float), probs2)
    m = 0.5 * (p + q)
    return 0.5 * np.sum(special.xlogy(p, p) - special.xlogy(p, m)) + 0.5 * np.sum(special.xlogy(q, q) - special.xlogy(q, m))


def kl_discrete(values1: ArrayLike, probs1: ArrayLike, values2: ArrayLike, probs2: ArrayLike) -> float:
    r"""KL(p‖q) = Σ p log(p/q) (scipy.special.rel_entr); +inf when p has an atom q lacks."""
    from scipy import special
    p, q = _aligned(np.asarray(values1, float), probs1, np.asarray(values2, float), probs2)
    return float(np.sum(special.rel_entr(p, q)))


def criterion_from_jsd(jsd: ArrayLike) -> np.ndarray:
    r"""C(G) = −log 4 + 2·JSD(p_data‖p_g) (Goodfellow et al. 2014, Thm. 1)."""
    return -LOG4 + 2.0 * np.asarray(jsd, dtype=float)


def disjoint_support() -> dict[str, float]:
    r"""Values for mutually singular p and q (disjoint supports): JSD = log 2, C(G) = 0, KL = +inf, TV = 1."""
    return {"js": LOG2, "criterion": 0.0, "kl": np.inf, "total_variation": 1.0}
