r"""The Gaussian family :math:`\mathcal N(\mu, \sigma^2)`."""

from __future__ import annotations

import numpy as np

from gantheory.densities.asymptotics import Asymptote
from gantheory.densities.base import (
    _GAUSSIAN_CORE_OFFSETS,
    _GAUSSIAN_OFFSETS,
    DensityFamily,
    _is_real,
    _is_scale,
    _LocationScale,
    _mp,
    _offsets_points,
    _symmetric,
)
from gantheory.numerics import normal_cdf

__all__ = ["Normal"]

_HALF_LOG_2PI = 0.5 * np.log(2.0 * np.pi)


class Normal(_LocationScale):
    r"""Gaussian :math:`\mathcal N(\mu, \sigma^2)`: :math:`\log p(x) = -\tfrac{(x-\mu)^2}{2\sigma^2} - \log\sigma - \tfrac12\log 2\pi`.

    Args:
        loc: mean μ (array-like, broadcasts).
        scale: standard deviation σ > 0.
    Raises:
        GanTheoryError: ``scale`` ≤ 0, or a non-finite parameter.

    Example:
        >>> float(Normal(0.0, 1.0).logpdf(0.0))  # -log sqrt(2 pi)
        -0.9189385332046727
    """

    def _logpdf(self, x):
        # in-place: this is the innermost loop of every batched integral
        with np.errstate(over="ignore"):  # beyond |z| ~ 1e154, z² = inf: log p = −inf, its limit
            z = np.divide(np.subtract(x, self.loc), self.scale)  # not * (1/scale): 1/1e-309 is inf
            z *= z
        z *= -0.5
        z -= np.log(self.scale) + _HALF_LOG_2PI
        return z

    def _standard_sample(self, shape, rng):
        return rng.standard_normal(shape)

    def _standard_cdf(self, z):
        return normal_cdf(z)

    def _offsets(self):
        return _symmetric(_GAUSSIAN_OFFSETS)

    def _core_breakpoints(self) -> np.ndarray:
        loc, scale = np.broadcast_arrays(self.loc, self.scale)
        return _offsets_points(loc, scale, _symmetric(_GAUSSIAN_CORE_OFFSETS))

    def _outside_mass(self, low, high):
        # Φ((low − μ)/σ) + Φ((μ − high)/σ): both tails through the lower side (erfc), accurate far out
        return self._standard_cdf((low - self.loc) / self.scale) + self._standard_cdf((self.loc - high) / self.scale)

    def _standard_tail(self) -> Asymptote:
        return Asymptote((-0.5, 0.0, 0.0, 0.0, 0.0), -_HALF_LOG_2PI)  # log φ(z) = −z²/2 − ½ log 2π


def _strategy(draw):
    from hypothesis import strategies as st

    return st.builds(Normal, draw.loc, draw.scale)


def _mp_logpdf(d, component):
    import mpmath as mp

    m, s = _mp(d.loc), _mp(d.scale)
    return lambda x: -((x - m) ** 2) / (2 * s * s) - mp.log(s) - mp.log(2 * mp.pi) / 2


FAMILY = DensityFamily(
    name="normal",
    cls=Normal,
    parameters=("loc", "scale"),
    examples=(Normal(0.0, 1.0),),
    accepts=lambda loc, scale: _is_real(loc) and _is_scale(scale),
    strategy=_strategy,
    mp_logpdf=_mp_logpdf,
    mp_features=lambda d, component: [(float(d.loc), float(d.scale))],
)
