r"""The Laplace (double-exponential) family."""

from __future__ import annotations

import numpy as np

from gantheory.densities.asymptotics import Asymptote
from gantheory.densities.base import (
    _EXPONENTIAL_OFFSETS,
    DensityFamily,
    _is_real,
    _is_scale,
    _LocationScale,
    _mp,
    _symmetric,
)

__all__ = ["Laplace"]


class Laplace(_LocationScale):
    r"""Laplace: :math:`\log p(x) = -|x-\mu|/b - \log 2b` (``loc`` μ, ``scale`` b > 0).

    Example:
        >>> float(Laplace(0.0, 1.0).logpdf(0.0))  # -log(2 b) = -log 2
        -0.6931471805599453
    """

    _unit_variance = 2.0

    def _logpdf(self, x):
        with np.errstate(over="ignore"):
            return -np.abs(x - self.loc) / self.scale - np.log(2.0 * self.scale)

    def _standard_sample(self, shape, rng):
        return rng.laplace(size=shape)

    def _standard_cdf(self, z):
        return np.where(z < 0, 0.5 * np.exp(np.minimum(z, 0)), 1.0 - 0.5 * np.exp(-np.maximum(z, 0)))

    def _offsets(self):
        return _symmetric(_EXPONENTIAL_OFFSETS)

    def _standard_tail(self) -> Asymptote:
        return Asymptote((0.0, -1.0, 0.0, 0.0, 0.0), -np.log(2.0))  # −|z| − log 2


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
    accepts=lambda loc, scale: _is_real(loc) and _is_scale(scale),
    strategy=_strategy,
    mp_logpdf=_mp_logpdf,
    mp_features=lambda d, component: [(float(d.loc), float(d.scale))],
)
