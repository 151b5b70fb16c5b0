r"""Student's t family: heavy power-law tails."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from gantheory.densities.asymptotics import Asymptote
from gantheory.densities.base import (
    _GAUSSIAN_OFFSETS,
    DensityFamily,
    _is_positive,
    _is_real,
    _is_scale,
    _LocationScale,
    _mp,
    _param,
    _power_offsets,
    _scale_param,
    _symmetric,
)
from gantheory.errors import GanTheoryError

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

__all__ = ["StudentT"]

# The degrees of freedom that strategies draw. df above ~11.5 is not drawn: StudentT.breakpoints()
# stop short of the tail for large df and the engine reports missing mass (see the reproducer in
# tests/test_properties_divergences.py). Inside mixtures and pushforwards df >= 1 (finite mean).
DF_MIN, DF_MAX = 0.5, 10.0


class StudentT(_LocationScale):
    r"""Student's t with ``df`` ν > 0, ``loc`` μ, ``scale`` s > 0:

    .. math:: \log p(x) = \log\Gamma(\tfrac{\nu+1}2) - \log\Gamma(\tfrac\nu2) - \tfrac12\log(\nu\pi) - \log s
              - \tfrac{\nu+1}{2}\log\bigl(1 + z^2/\nu\bigr),\quad z = (x-\mu)/s.

    Heavy tails (ν ≤ 2) get geometric quadrature points out to where the tail mass is below 1e-14.

    Example:
        >>> round(float(StudentT(1.0).pdf(0.0)), 12)  # Cauchy: 1/pi
        0.318309886184
    """

    def __init__(self, df: ArrayLike, loc: ArrayLike = 0.0, scale: ArrayLike = 1.0) -> None:
        self.df = _param("df", df, positive=True)
        if np.any(self.df < 1e-3):
            raise GanTheoryError(f"parameter 'df' must be >= 1e-3 (smaller df puts samples beyond float64), got {df!r}")
        self.loc = _param("loc", loc)
        self.scale = _scale_param("scale", scale)
        self._init_params(df=self.df, loc=self.loc, scale=self.scale)

    def _logpdf(self, x):
        from scipy import special
        nu = self.df
        z = (x - self.loc) / self.scale
        const = special.gammaln(0.5 * (nu + 1)) - special.gammaln(0.5 * nu) - 0.5 * np.log(nu * np.pi)
        # log(1 + z²/ν) = 2 log|z| − log ν + log1p(ν/z²) where z² would overflow (|x| ≳ 1e154)
        big = np.abs(z) > 1e100
        with np.errstate(over="ignore", divide="ignore"):
            zz = np.where(big, 1.0, z) ** 2
            log_term = np.where(big, 2.0 * np.log(np.abs(z)) - np.log(nu), np.log1p(zz / nu))
        return const - np.log(self.scale) - 0.5 * (nu + 1) * log_term

    def _standard_tail(self) -> Asymptote:
        from scipy import special
        # log p₀ = C − (ν+1)/2 · log(1 + z²/ν) = C + (ν+1)/2 · log ν − (ν+1) log z + O(z^{-2})
        nu = float(self.df)
        c = special.gammaln(0.5 * (nu + 1)) - special.gammaln(0.5 * nu) - 0.5 * np.log(nu * np.pi)
        return Asymptote((0.0, 0.0, 0.0, -(nu + 1.0), 0.0), float(c + 0.5 * (nu + 1) * np.log(nu)))

    def _standard_sample(self, shape, rng):
        return rng.standard_t(np.broadcast_to(self.df, self.batch_shape), size=shape)

    def _standard_cdf(self, z):
        from scipy import special
        return special.stdtr(self.df, z)

    def _offsets(self):
        # Large df behaves like a Gaussian out to ~40 scales; small df needs geometric points far out.
        return _symmetric(np.union1d(_GAUSSIAN_OFFSETS, _power_offsets(float(np.min(self.df)))))

    @property
    def mean(self) -> np.ndarray:
        if np.any(self.df <= 1):
            raise GanTheoryError("the mean of StudentT is undefined for df <= 1 (parameter 'df')")
        return super().mean

    @property
    def variance(self) -> np.ndarray:
        if np.any(self.df <= 1):
            raise GanTheoryError("the variance of StudentT is undefined for df <= 1 (parameter 'df')")
        df = np.broadcast_to(self.df, self.batch_shape)
        with np.errstate(divide="ignore"):
            return np.where(df > 2, self.scale**2 * df / np.where(df > 2, df - 2, 1.0), np.inf)


def _strategy(draw):
    from hypothesis import strategies as st

    return st.builds(StudentT, st.floats(DF_MIN if draw.heavy_tails else 1.0, DF_MAX), draw.loc, draw.scale)


def _mp_logpdf(d, component):
    import mpmath as mp

    nu, m, s = _mp(d.df), _mp(d.loc), _mp(d.scale)
    c = mp.loggamma((nu + 1) / 2) - mp.loggamma(nu / 2) - mp.log(nu * mp.pi) / 2 - mp.log(s)
    return lambda x: c - (nu + 1) / 2 * mp.log(1 + ((x - m) / s) ** 2 / nu)


FAMILY = DensityFamily(
    name="student_t",
    cls=StudentT,
    parameters=("df", "loc", "scale"),
    examples=(StudentT(1.5, 0.0, 2.0),),
    accepts=lambda df, loc, scale: _is_positive(df) and df >= 1e-3 and _is_real(loc) and _is_scale(scale),
    strategy=_strategy,
    mp_logpdf=_mp_logpdf,
    mp_features=lambda d, component: [(float(d.loc), float(d.scale))],
)
