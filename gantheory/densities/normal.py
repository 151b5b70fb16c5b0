r"""The Gaussian family :math:`\mathcal N(\mu, \sigma^2)`."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from scipy import special

from gantheory.densities.base import (
    _GAUSSIAN_OFFSETS,
    DensityFamily,
    Interval,
    _check_x,
    _is_positive,
    _is_real,
    _mp,
    _offsets_points,
    _param,
    _Parametric,
    _symmetric,
)

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

__all__ = ["Normal"]

_HALF_LOG_2PI = 0.5 * np.log(2.0 * np.pi)


class Normal(_Parametric):
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

    def __init__(self, loc: ArrayLike = 0.0, scale: ArrayLike = 1.0) -> None:
        self.loc = _param("loc", loc)
        self.scale = _param("scale", scale, positive=True)
        self._init_params(loc=self.loc, scale=self.scale)

    def _logpdf(self, x):
        # in-place: this is the innermost loop of every batched integral
        z = np.divide(np.subtract(x, self.loc), self.scale)  # not * (1/scale): 1/1e-309 is inf
        z *= z
        z *= -0.5
        z -= np.log(self.scale) + _HALF_LOG_2PI
        return z

    def _sample(self, n, rng):
        return self.loc + self.scale * rng.standard_normal((n, *self.batch_shape))

    def breakpoints(self) -> np.ndarray:
        return _offsets_points(*np.broadcast_arrays(self.loc, self.scale), _symmetric(_GAUSSIAN_OFFSETS))

    @property
    def support(self) -> Interval:
        return Interval(np.full(self.batch_shape, -np.inf), np.full(self.batch_shape, np.inf))

    @property
    def modes(self) -> np.ndarray:
        return np.broadcast_to(self.loc, self.batch_shape)[..., None]

    @property
    def mean(self) -> np.ndarray:
        return np.broadcast_to(self.loc, self.batch_shape) + 0.0

    @property
    def variance(self) -> np.ndarray:
        return np.broadcast_to(self.scale**2, self.batch_shape) + 0.0

    def cdf(self, x: ArrayLike) -> np.ndarray:
        return special.ndtr((_check_x(x) - self.loc) / self.scale)


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
    accepts=lambda loc, scale: _is_real(loc) and _is_positive(scale),
    strategy=_strategy,
    mp_logpdf=_mp_logpdf,
    mp_features=lambda d, component: [(float(d.loc), float(d.scale))],
)
