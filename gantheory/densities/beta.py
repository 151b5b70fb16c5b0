r"""The Beta family on [0, 1]."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from gantheory.densities.asymptotics import Asymptote
from gantheory.densities.base import (
    DensityFamily,
    Interval,
    _check_x,
    _is_positive,
    _mp,
    _param,
    _Parametric,
)

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

__all__ = ["Beta"]

# The shape parameters that strategies draw: a, b >= 1 keep the density bounded (b < 1 puts mass
# within 1e-16 of 1, out of float64 quadrature's reach).
BETA_MIN, BETA_MAX = 1.0, 20.0


_EULER_GAMMA = 0.5772156649015329


def _log_gamma(x):
    """log Γ(x), finite for subnormal x: log Γ(x) = −log x − γx + O(x²) as x → 0, where scipy's gammaln
    overflows to inf (it forms 1/x)."""
    from scipy import special
    with np.errstate(divide="ignore"):
        return np.where(x < 1e-300, -np.log(x) - _EULER_GAMMA * x, special.gammaln(x))


def _log_beta(a, b):
    """log B(a, b) = log Γ(a) + log Γ(b) − log Γ(a + b); scipy's betaln where it is finite (it avoids
    the cancellation for large a, b), the log Γ form where betaln overflows (a or b below ~1e-308)."""
    from scipy import special
    lb = special.betaln(a, b)
    return np.where(np.isinf(lb), _log_gamma(a) + _log_gamma(b) - _log_gamma(a + b), lb)


class Beta(_Parametric):
    r"""Beta(a, b) on [0, 1]: :math:`\log p(x) = (a-1)\log x + (b-1)\log(1-x) - \log B(a,b)`.

    Endpoint singularities (a < 1 or b < 1) get geometric points towards the endpoint. Near x = 1 float64
    cannot resolve distances below 2^-53, so for b < 1 mass within 1e-16 of 1 is out of reach; the
    quadrature engine's mass check reports that instead of hiding it.

    Example:
        >>> float(Beta(2.0, 2.0).pdf(0.5))  # 6 x (1 - x) at 1/2
        1.5
    """

    def __init__(self, a: ArrayLike, b: ArrayLike) -> None:
        self.a = _param("a", a, positive=True)
        self.b = _param("b", b, positive=True)
        self._init_params(a=self.a, b=self.b)

    def _logpdf(self, x):
        from scipy import special
        inside = (x >= 0) & (x <= 1)
        xc = np.clip(x, 0.0, 1.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            lp = special.xlogy(self.a - 1, xc) + special.xlog1py(self.b - 1, -xc) - _log_beta(self.a, self.b)
        return np.where(inside, lp, -np.inf)

    def _sample(self, n, rng):
        a, b = np.broadcast_arrays(self.a, self.b)
        return rng.beta(a, b, size=(n, *self.batch_shape))

    def breakpoints(self) -> np.ndarray:
        a_min = float(min(np.min(self.a), np.min(self.b)))
        # mass below eps is ~ eps^a / a: go down to eps with eps^a < 1e-15.
        k = int(min(1070, np.ceil(15.0 / (max(a_min, 1e-3) * np.log10(2.0)))))
        small = 2.0 ** -np.arange(1, k + 1)
        pts = np.concatenate([[0.0], small[::-1], np.linspace(0.05, 0.95, 19), 1.0 - small[small >= 2.0**-44], [1.0]])
        pts = np.unique(pts)
        return np.broadcast_to(pts, (*self.batch_shape, pts.size)).copy()

    @property
    def support(self) -> Interval:
        return Interval(np.zeros(self.batch_shape), np.ones(self.batch_shape))

    @property
    def modes(self) -> np.ndarray:
        a, b = np.broadcast_arrays(self.a, self.b)
        with np.errstate(divide="ignore", invalid="ignore"):
            m = np.where((a > 1) & (b > 1), (a - 1) / (a + b - 2), np.where(a <= b, 0.0, 1.0))
        return m[..., None]

    @property
    def mean(self) -> np.ndarray:
        return self.a / (self.a + self.b) + np.zeros(self.batch_shape)

    @property
    def variance(self) -> np.ndarray:
        s = self.a + self.b
        return (self.a / s) * (self.b / s) / (s + 1) + np.zeros(self.batch_shape)  # no (a+b)^2 underflow

    def _end_asymptote(self, end: float) -> Asymptote:
        # log p = (a − 1) log x + (b − 1) log(1 − x) − log B(a, b): near 0, with t = 1/x, (1 − a)·L − log B
        # + O(x); near 1 the same with b
        k = float(self.a) if end == 0.0 else float(self.b)
        return Asymptote((0.0, 0.0, 0.0, 1.0 - k, 0.0), float(-_log_beta(self.a, self.b)))

    def cdf(self, x: ArrayLike) -> np.ndarray:
        from scipy import special
        return special.betainc(self.a, self.b, np.clip(_check_x(x), 0.0, 1.0))


def _strategy(draw):
    from hypothesis import strategies as st

    return st.builds(Beta, st.floats(BETA_MIN, BETA_MAX), st.floats(BETA_MIN, BETA_MAX))


def _mp_logpdf(d, component):
    import mpmath as mp

    a, b = _mp(d.a), _mp(d.b)
    c = mp.loggamma(a + b) - mp.loggamma(a) - mp.loggamma(b)
    return lambda x: (a - 1) * mp.log(x) + (b - 1) * mp.log(1 - x) + c if 0 < x < 1 else mp.ninf


FAMILY = DensityFamily(
    name="beta",
    cls=Beta,
    parameters=("a", "b"),
    examples=(Beta(2.0, 3.0),),
    accepts=lambda a, b: _is_positive(a) and _is_positive(b),
    strategy=_strategy,
    mp_logpdf=_mp_logpdf,
    mp_features=lambda d, component: [(0.0, 0.0), (1.0, 0.0), (0.5, 0.25)],
)
