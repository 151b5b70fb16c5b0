r"""The uniform family on an interval."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from gantheory.densities.asymptotics import Asymptote
from gantheory.densities.base import (
    DensityFamily,
    Interval,
    _check_x,
    _is_real,
    _mp,
    _param,
    _Parametric,
)
from gantheory.errors import GanTheoryError

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

__all__ = ["Uniform"]


class Uniform(_Parametric):
    r"""Uniform on ``[low, high]``: :math:`\log p(x) = -\log(\text{high}-\text{low})` inside, −inf outside.

    Example:
        >>> Uniform(0.0, 4.0).logpdf([2.0, 5.0]).tolist()  # [-log 4, -inf]
        [-1.3862943611198906, -inf]
    """

    def __init__(self, low: ArrayLike = 0.0, high: ArrayLike = 1.0) -> None:
        self.low = _param("low", low)
        self.high = _param("high", high)
        if not np.all(self.low < self.high):
            raise GanTheoryError(f"parameter 'low' must be < 'high', got low={low!r}, high={high!r}")
        self._init_params(low=self.low, high=self.high)

    def _logpdf(self, x):
        inside = (x >= self.low) & (x <= self.high)
        return np.where(inside, -np.log(self.high - self.low), -np.inf)

    def _sample(self, n, rng):
        return self.low + (self.high - self.low) * rng.random((n, *self.batch_shape))

    def breakpoints(self) -> np.ndarray:
        low, high = np.broadcast_arrays(self.low, self.high)
        return np.stack([low, 0.5 * (low + high), high], axis=-1)

    @property
    def support(self) -> Interval:
        low, high = np.broadcast_arrays(self.low, self.high)
        return Interval(low + 0.0, high + 0.0)

    @property
    def modes(self) -> np.ndarray:
        return (0.5 * (self.low + self.high) + np.zeros(self.batch_shape))[..., None]

    @property
    def mean(self) -> np.ndarray:
        return 0.5 * (self.low + self.high) + np.zeros(self.batch_shape)

    @property
    def variance(self) -> np.ndarray:
        return (self.high - self.low) ** 2 / 12.0 + np.zeros(self.batch_shape)

    def _end_asymptote(self, end: float) -> Asymptote:
        return Asymptote(const=float(-np.log(self.high - self.low)))  # flat up to the end: no singularity

    def cdf(self, x: ArrayLike) -> np.ndarray:
        return np.clip((_check_x(x) - self.low) / (self.high - self.low), 0.0, 1.0)


def _strategy(draw):
    from hypothesis import strategies as st

    return st.builds(lambda low, width: Uniform(low, low + width), draw.loc, draw.scale)


def _mp_logpdf(d, component):
    import mpmath as mp

    a, b = _mp(d.low), _mp(d.high)
    return lambda x: -mp.log(b - a) if a <= x <= b else mp.ninf


FAMILY = DensityFamily(
    name="uniform",
    cls=Uniform,
    parameters=("low", "high"),
    examples=(Uniform(-1.0, 2.0),),
    accepts=lambda low, high: _is_real(low) and _is_real(high) and low < high,
    strategy=_strategy,
    mp_logpdf=_mp_logpdf,
    mp_features=lambda d, component: [(float(d.low), 0.0), (float(d.high), 0.0)],
)
