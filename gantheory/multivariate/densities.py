r"""Densities on R^d: the multivariate Gaussian and Gaussian mixtures (incl. the ring of 8 Gaussians).

.. math::

    \log \mathcal N(x;\mu,\Sigma) = -\tfrac12\big[d\log 2\pi + \log\det\Sigma + (x-\mu)^\top\Sigma^{-1}(x-\mu)\big],
    \qquad \log p_{mix}(x) = \operatorname{logsumexp}_k\big[\log w_k + \log\mathcal N(x;\mu_k,\Sigma_k)\big].

The ring of ``k`` Gaussians of radius ``r`` and scale ``s`` (means r(cos 2πj/k, sin 2πj/k), covariance s²I,
equal weights) is the 2-D target of Metz et al. 2017 (Unrolled GANs, §3.1: k = 8, r = 2, s = 0.02) used by
many GAN papers. Points are arrays ``(..., d)``; ``logpdf`` returns ``(...)``, float64, log space, never NaN.

>>> import numpy as np
>>> p = MultivariateNormal([0.0, 0.0], [[1.0, 0.0], [0.0, 1.0]])
>>> bool(abs(float(p.logpdf(np.zeros(2))) + np.log(2 * np.pi)) < 1e-15)  # log N(0; 0, I) = −log 2π
True
>>> ring_of_gaussians().n_components
8
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from gantheory.errors import GanTheoryError
from gantheory.numerics import logsumexp
from gantheory.tolerances import TOLERANCES

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

__all__ = ["GaussianMixture", "MultivariateNormal", "ring_of_gaussians"]


def _points(x: ArrayLike, dim: int) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    if x.shape[-1:] != (dim,):
        raise GanTheoryError(f"parameter 'x' must have a last axis of length {dim}, got shape {x.shape}")
    return x


@dataclass(frozen=True, eq=False)
class MultivariateNormal:
    """N(mean, cov) on R^d; ``cov`` symmetric positive definite (checked by its Cholesky factor)."""

    mean: np.ndarray
    cov: np.ndarray
    _chol: np.ndarray = field(init=False, repr=False)
    _logdet: float = field(init=False, repr=False)
    _chol_inv: np.ndarray = field(init=False, repr=False)

    def __init__(self, mean: ArrayLike, cov: ArrayLike) -> None:
        mean = np.atleast_1d(np.asarray(mean, dtype=np.float64))
        cov = np.atleast_2d(np.asarray(cov, dtype=np.float64))
        if mean.ndim != 1 or not np.all(np.isfinite(mean)):
            raise GanTheoryError(f"parameter 'mean' must be a finite vector, got {mean!r}")
        if cov.shape != (mean.size, mean.size) or not np.all(np.isfinite(cov)):
            raise GanTheoryError(f"parameter 'cov' must be a finite {mean.size}x{mean.size} matrix, got shape {cov.shape}")
        if not np.allclose(cov, cov.T, rtol=0.0, atol=TOLERANCES["pointwise_atol"] * (1 + np.max(np.abs(cov)))):
            raise GanTheoryError("parameter 'cov' must be symmetric")
        try:
            chol = np.linalg.cholesky(cov)
        except np.linalg.LinAlgError:
            raise GanTheoryError("parameter 'cov' must be positive definite") from None
        object.__setattr__(self, "mean", mean)
        object.__setattr__(self, "cov", cov)
        object.__setattr__(self, "_chol", chol)
        object.__setattr__(self, "_chol_inv", np.linalg.inv(chol))
        object.__setattr__(self, "_logdet", float(2.0 * np.sum(np.log(np.diag(chol)))))

    @property
    def dim(self) -> int:
        return int(self.mean.size)

    @property
    def scales(self) -> np.ndarray:
        """Per-axis standard deviations sqrt(diag Σ)."""
        return np.sqrt(np.diag(self.cov))

    def logpdf(self, x: ArrayLike) -> np.ndarray:
        x = _points(x, self.dim)
        diff = x - self.mean
        # Mahalanobis term through L⁻¹ (L the Cholesky factor): |L⁻¹(x − μ)|², never Σ⁻¹
        maha = np.zeros(diff.shape[:-1])
        for j in range(self.dim):  # d is small: d² fused vector operations beat a (N, d) @ (d, d) matmul
            sol = sum(self._chol_inv[j, k] * diff[..., k] for k in range(j + 1))
            maha += sol * sol
        return -0.5 * (self.dim * np.log(2 * np.pi) + self._logdet + maha)

    def pdf(self, x: ArrayLike) -> np.ndarray:
        return np.exp(self.logpdf(x))

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        return self.mean + rng.standard_normal((int(n), self.dim)) @ self._chol.T

    def components(self) -> tuple[tuple[float, MultivariateNormal], ...]:
        return ((1.0, self),)


@dataclass(frozen=True, eq=False)
class GaussianMixture:
    """Σ_k w_k N(mean_k, cov_k); the weights must sum to one (no silent renormalising)."""

    weights: np.ndarray
    parts: tuple[MultivariateNormal, ...]

    def __init__(self, weights: ArrayLike, parts: tuple[MultivariateNormal, ...] | list[MultivariateNormal]) -> None:
        weights = np.asarray(weights, dtype=np.float64)
        parts = tuple(parts)
        if weights.ndim != 1 or weights.size != len(parts) or not parts:
            raise GanTheoryError("parameter 'weights' must have one entry per component")
        if np.any(~np.isfinite(weights)) or np.any(weights <= 0):
            raise GanTheoryError(f"parameter 'weights' must be positive, got {weights!r}")
        if abs(float(weights.sum()) - 1.0) > TOLERANCES["weights_sum_atol"]:
            raise GanTheoryError(f"parameter 'weights' must sum to 1, got {float(weights.sum())!r}")
        if len({c.dim for c in parts}) != 1:
            raise GanTheoryError("parameter 'parts' must share one dimension")
        object.__setattr__(self, "weights", weights)
        object.__setattr__(self, "parts", parts)

    @property
    def dim(self) -> int:
        return self.parts[0].dim

    @property
    def n_components(self) -> int:
        return len(self.parts)

    @property
    def mean(self) -> np.ndarray:
        return np.sum([w * c.mean for w, c in zip(self.weights, self.parts, strict=True)], axis=0)

    def logpdf(self, x: ArrayLike) -> np.ndarray:
        x = _points(x, self.dim)
        terms = np.stack([np.log(w) + c.logpdf(x) for w, c in zip(self.weights, self.parts, strict=True)], axis=-1)
        return logsumexp(terms, axis=-1)

    def pdf(self, x: ArrayLike) -> np.ndarray:
        return np.exp(self.logpdf(x))

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        counts = rng.multinomial(int(n), self.weights)
        out = np.concatenate([c.sample(k, rng) for c, k in zip(self.parts, counts, strict=True)])
        return out[rng.permutation(out.shape[0])]

    def components(self) -> tuple[tuple[float, MultivariateNormal], ...]:
        return tuple(zip((float(w) for w in self.weights), self.parts, strict=True))


def ring_of_gaussians(k: int = 8, radius: float = 2.0, scale: float = 0.02) -> GaussianMixture:
    """``k`` equal-weight Gaussians N(r(cos 2πj/k, sin 2πj/k), scale²I) (Metz et al. 2017, §3.1)."""
    if int(k) != k or k < 1:
        raise GanTheoryError(f"parameter 'k' must be a positive integer, got {k!r}")
    if not (np.isfinite(radius) and radius >= 0):
        raise GanTheoryError(f"parameter 'radius' must be finite and >= 0, got {radius!r}")
    if not (np.isfinite(scale) and scale > 0):
        raise GanTheoryError(f"parameter 'scale' must be finite and > 0, got {scale!r}")
    angles = 2 * np.pi * np.arange(int(k)) / int(k)
    cov = scale**2 * np.eye(2)
    parts = [MultivariateNormal([radius * np.cos(t), radius * np.sin(t)], cov) for t in angles]
    return GaussianMixture(np.full(int(k), 1.0 / int(k)), parts)
