r"""The Laplace (double-exponential) family."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from gantheory.densities.base import (
    _EXPONENTIAL_OFFSETS,
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

__all__ = ["Laplace"]


class Laplace(_Parametric):
    r"""Laplace: :math:`\log p(x) = -|x-\mu|/b - \log 2b` (``loc`` μ, ``scale`` b > 0).

    Example:
        >>> float(Laplace(0.0, 1.0).logpdf(0.0))  # -log(2 b) = -log 2
        -0.6931471805599453
    """

    def __init__(self, loc: ArrayLike = 0.0, scale: ArrayLike = 1.0) -> None:
        self.loc = _param("loc", loc)
        self.scale = _param("scale", scale, positive=True)
        self._init_params(loc=self.loc, scale=self.scale)

    def _logpdf(self, x):
        return -np.abs(x - self.loc) / self.scale - np.log(2.0 * self.scale)

    def _sample(self, n, rng):
        return self.loc + self.scale * rng.laplace(size=(n, *self.batch_shape))

    def breakpoints(self) -> np.ndarray:
        return _offsets_points(*np.broadcast_arrays(self.loc, self.scale), _symmetric(_EXPONENTIAL_OFFSETS))

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
        return np.broadcast_to(2.0 * self.scale**2, self.batch_shape) + 0.0

    def cdf(self, x: ArrayLike) -> np.ndarray:
        z = (_check_x(x) - self.loc) / self.scale
        return np.where(z < 0, 0.5 * np.exp(np.minimum(z, 0)), 1.0 - 0.5 * np.exp(-np.maximum(z, 0)))


def _strategy(draw):
    from hypothesis import strategies as st

    return st.builds(Laplace, draw.loc, draw.scale)


def _mp_logpdf(d, component):
    import mpmath as mp

    m, b = _mp(d.loc), _mp(d.scale)
    return lambda x: -abs(x - m) / b - mp.log(2 * b)


FAMILY = DensityFamily(
    name="laplace",
    cls=Laplace,
    parameters=("loc", "scale"),
    examples=(Laplace(1.0, 0.5),),
    accepts=lambda loc, scale: _is_real(loc) and _is_positive(scale),
    strategy=_strategy,
    mp_logpdf=_mp_logpdf,
    mp_features=lambda d, component: [(float(d.loc), float(d.scale))],
)
