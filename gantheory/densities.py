r"""Densities on the real line, usable by every lens.

One object type, :class:`Density`, serves the quadrature engine (``logpdf``, ``breakpoints``), the
empirical trainer (``sample``, ``to_torch``) and the symbolic cross-checks. Parameters broadcast like
numpy: ``Normal(loc=[0, 1], scale=1)`` is a batch of two densities with ``batch_shape == (2,)``, and
``logpdf(x)`` broadcasts ``x`` against the batch exactly as :mod:`scipy.stats` does (pass ``x[:, None]``
to evaluate every member of a batch of shape ``(B,)`` at ``n`` points, giving shape ``(n, B)``).

All evaluation is in log space and float64; outside its support a density's ``logpdf`` is ``-inf``,
never NaN. Bad parameters raise :class:`~gantheory.errors.GanTheoryError` (a ``ValueError``) naming
the parameter.

Example:
    >>> import numpy as np
    >>> from gantheory import Normal, Mixture
    >>> p = Mixture([Normal(-2.0, 0.5), Normal(2.0, 0.5)], weights=[0.3, 0.7])
    >>> round(float(p.pdf(2.0)), 6)
    0.558548
    >>> Normal(loc=[0.0, 1.0], scale=1.0).logpdf(np.zeros((3, 1))).shape
    (3, 2)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

import numpy as np
from scipy import special

from gantheory.errors import GanTheoryError
from gantheory.numerics import exp as _exp
from gantheory.numerics import logsumexp
from gantheory.tolerances import TOLERANCES

__all__ = [
    "Affine",
    "Beta",
    "Density",
    "Discrete",
    "FiniteSupport",
    "Interval",
    "Laplace",
    "Mixture",
    "Monotone",
    "Normal",
    "Pushforward",
    "StudentT",
    "Uniform",
    "from_scipy",
    "from_torch",
]

_HALF_LOG_2PI = 0.5 * np.log(2.0 * np.pi)

# Offsets (in units of the scale) where quadrature splits, by tail type. A Gaussian is below
# e^{-722} (float64 zero) beyond 38 sigma; an exponential tail below e^{-745} beyond 750 scales.
_GAUSSIAN_OFFSETS = np.array([0.0, 1.25, 2.5, 4.0, 6.0, 9.0, 14.0, 22.0, 38.5])
_EXPONENTIAL_OFFSETS = np.array(
    [0.0, 0.5, 1.0, 2.0, 3.0, 4.5, 6.0, 8.0, 11.0, 15.0, 20.0, 27.0, 36.0, 48.0, 64.0, 85.0, 113.0,
     150.0, 200.0, 270.0, 360.0, 480.0, 640.0, 750.0]
)


def _symmetric(offsets):
    return np.concatenate([-offsets[:0:-1], offsets])


def _power_offsets(df_min: float) -> np.ndarray:
    """Offsets for a power-law tail ~|x|^{-(1+df)}: geometric with ratio 4 until the tail mass beyond
    the last point, ~R^{-df}, is below 1e-14 (so R = 10^{14/df}, capped at 1e300)."""
    decades = min(300.0, 14.0 / max(df_min, 1e-3))
    k_max = int(np.ceil(decades * np.log(10.0) / np.log(4.0)))
    geometric = 4.0 ** np.arange(1, k_max + 1)
    core = np.array([0.0, 0.25, 0.5, 1.0, 1.5, 2.0, 3.0])
    return np.concatenate([core, geometric[geometric > 3.0]])


def _check_x(x) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    if np.isnan(x).any():
        raise GanTheoryError("x contains NaN; densities are evaluated at real points only")
    return x


def _param(name: str, value, *, positive: bool = False, nonnegative: bool = False) -> np.ndarray:
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise GanTheoryError(f"parameter {name!r} must be real numbers, got {value!r}") from exc
    if not np.all(np.isfinite(arr)):
        raise GanTheoryError(f"parameter {name!r} must be finite (no NaN or inf), got {value!r}")
    if positive and not np.all(arr > 0):
        raise GanTheoryError(f"parameter {name!r} must be > 0, got {value!r}")
    if nonnegative and not np.all(arr >= 0):
        raise GanTheoryError(f"parameter {name!r} must be >= 0, got {value!r}")
    return arr


def _rng(rng) -> np.random.Generator:
    if isinstance(rng, np.random.Generator):
        return rng
    return np.random.default_rng(rng)


def _check_n(n) -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
        raise GanTheoryError(f"parameter 'n' must be a non-negative integer, got {n!r}")
    return int(n)


@dataclass(frozen=True)
class Interval:
    """Closed interval ``[low, high]`` (arrays broadcast to the batch; may be infinite)."""

    low: Any
    high: Any

    def contains(self, x):
        return (np.asarray(x) >= self.low) & (np.asarray(x) <= self.high)


@dataclass(frozen=True)
class FiniteSupport:
    """A finite set of atoms (for :class:`Discrete`): ``values`` has shape ``(*batch, K)``."""

    values: Any

    def contains(self, x):
        return np.any(np.asarray(x)[..., None] == self.values, axis=-1)


class Density:
    """A probability density (or, if ``is_discrete``, a pmf) on the real line. See the module docstring."""

    is_discrete: bool = False

    # -- subclasses implement -------------------------------------------------------------------------
    batch_shape: tuple = ()

    def _logpdf(self, x: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def _sample(self, n: int, rng: np.random.Generator) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def breakpoints(self) -> np.ndarray:
        """Points where quadrature should split, shape ``(*batch_shape, m)``: modes, scale points,
        support ends and geometric points along heavy tails."""
        raise NotImplementedError  # pragma: no cover

    @property
    def support(self):  # pragma: no cover - abstract
        raise NotImplementedError

    # -- shared behaviour -----------------------------------------------------------------------------
    def logpdf(self, x) -> np.ndarray:
        """log p(x) in nats (log-pmf for discrete densities); ``-inf`` outside the support."""
        return self._logpdf(_check_x(x))

    def pdf(self, x) -> np.ndarray:
        """p(x) = exp(logpdf(x))."""
        return np.exp(self.logpdf(x))

    def sample(self, n: int, rng=None) -> np.ndarray:
        """``n`` independent draws, shape ``(n, *batch_shape)``; ``rng`` a Generator or a seed."""
        return self._sample(_check_n(n), _rng(rng))

    @property
    def modes(self) -> np.ndarray:
        """Locations of the density's features (modes or centres), shape ``(*batch_shape, k)``."""
        raise NotImplementedError(f"{type(self).__name__} does not know its modes")

    @property
    def mean(self):
        raise NotImplementedError(f"{type(self).__name__} has no known mean")

    @property
    def variance(self):
        raise NotImplementedError(f"{type(self).__name__} has no known variance")

    def cdf(self, x):
        raise NotImplementedError(f"{type(self).__name__} has no cdf")

    def to_torch(self, device=None, dtype=None):
        """A torch view with ``log_prob(x)`` and ``sample(n, generator=None)`` on ``device``."""
        from gantheory.empirical.torch_view import to_torch

        return to_torch(self, device=device, dtype=dtype)

    def broadcast_to(self, shape) -> "Density":
        """The same density with its parameters broadcast to ``shape`` (a batch)."""
        raise NotImplementedError  # pragma: no cover

    def __getitem__(self, index) -> "Density":
        if self.batch_shape == ():
            raise GanTheoryError(f"{self!r} is a single density, not a batch; it cannot be indexed")
        return self._index(index)

    def __len__(self):
        if self.batch_shape == ():
            raise TypeError("a single density has no len()")
        return self.batch_shape[0]

    def _index(self, index):  # pragma: no cover - abstract
        raise NotImplementedError


class _Parametric(Density):
    """A density given by named array parameters that broadcast together."""

    _param_names: tuple = ()

    def _init_params(self, **params):
        self._params = params
        try:
            self.batch_shape = np.broadcast_shapes(*(np.shape(v) for v in params.values()))
        except ValueError as exc:
            raise GanTheoryError(
                f"parameters {', '.join(params)} of {type(self).__name__} do not broadcast: {exc}"
            ) from exc

    def _rebuild(self, **params):
        return type(self)(**params)

    def broadcast_to(self, shape):
        return self._rebuild(**{k: np.broadcast_to(v, shape) for k, v in self._params.items()})

    def _index(self, index):
        full = {k: np.broadcast_to(v, self.batch_shape)[index] for k, v in self._params.items()}
        return self._rebuild(**full)

    def __repr__(self):
        def fmt(v):
            v = np.asarray(v)
            return repr(float(v)) if v.ndim == 0 else np.array2string(v, threshold=6)

        inner = ", ".join(f"{k}={fmt(v)}" for k, v in self._params.items())
        return f"{type(self).__name__}({inner})"

    def __eq__(self, other):
        return (
            type(self) is type(other)
            and self._params.keys() == other._params.keys()
            and all(np.array_equal(self._params[k], other._params[k]) for k in self._params)
        )

    __hash__ = None


def _offsets_points(center, scale, offsets):
    center = np.asarray(center, dtype=np.float64)[..., None]
    scale = np.asarray(scale, dtype=np.float64)[..., None]
    return center + scale * offsets


class Normal(_Parametric):
    r"""Gaussian :math:`\mathcal N(\mu, \sigma^2)`: :math:`\log p(x) = -\tfrac{(x-\mu)^2}{2\sigma^2} - \log\sigma - \tfrac12\log 2\pi`.

    Args:
        loc: mean μ (array-like, broadcasts).
        scale: standard deviation σ > 0.
    Raises:
        GanTheoryError: ``scale`` ≤ 0, or a non-finite parameter.
    """

    def __init__(self, loc=0.0, scale=1.0):
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

    def breakpoints(self):
        return _offsets_points(*np.broadcast_arrays(self.loc, self.scale), _symmetric(_GAUSSIAN_OFFSETS))

    @property
    def support(self):
        return Interval(np.full(self.batch_shape, -np.inf), np.full(self.batch_shape, np.inf))

    @property
    def modes(self):
        return np.broadcast_to(self.loc, self.batch_shape)[..., None]

    @property
    def mean(self):
        return np.broadcast_to(self.loc, self.batch_shape) + 0.0

    @property
    def variance(self):
        return np.broadcast_to(self.scale**2, self.batch_shape) + 0.0

    def cdf(self, x):
        return special.ndtr((_check_x(x) - self.loc) / self.scale)


class Laplace(_Parametric):
    r"""Laplace: :math:`\log p(x) = -|x-\mu|/b - \log 2b` (``loc`` μ, ``scale`` b > 0)."""

    def __init__(self, loc=0.0, scale=1.0):
        self.loc = _param("loc", loc)
        self.scale = _param("scale", scale, positive=True)
        self._init_params(loc=self.loc, scale=self.scale)

    def _logpdf(self, x):
        return -np.abs(x - self.loc) / self.scale - np.log(2.0 * self.scale)

    def _sample(self, n, rng):
        return self.loc + self.scale * rng.laplace(size=(n, *self.batch_shape))

    def breakpoints(self):
        return _offsets_points(*np.broadcast_arrays(self.loc, self.scale), _symmetric(_EXPONENTIAL_OFFSETS))

    @property
    def support(self):
        return Interval(np.full(self.batch_shape, -np.inf), np.full(self.batch_shape, np.inf))

    @property
    def modes(self):
        return np.broadcast_to(self.loc, self.batch_shape)[..., None]

    @property
    def mean(self):
        return np.broadcast_to(self.loc, self.batch_shape) + 0.0

    @property
    def variance(self):
        return np.broadcast_to(2.0 * self.scale**2, self.batch_shape) + 0.0

    def cdf(self, x):
        z = (_check_x(x) - self.loc) / self.scale
        return np.where(z < 0, 0.5 * np.exp(np.minimum(z, 0)), 1.0 - 0.5 * np.exp(-np.maximum(z, 0)))


class StudentT(_Parametric):
    r"""Student's t with ``df`` ν > 0, ``loc`` μ, ``scale`` s > 0:

    .. math:: \log p(x) = \log\Gamma(\tfrac{\nu+1}2) - \log\Gamma(\tfrac\nu2) - \tfrac12\log(\nu\pi) - \log s
              - \tfrac{\nu+1}{2}\log\bigl(1 + z^2/\nu\bigr),\quad z = (x-\mu)/s.

    Heavy tails (ν ≤ 2) get geometric quadrature points out to where the tail mass is below 1e-14.
    """

    def __init__(self, df, loc=0.0, scale=1.0):
        self.df = _param("df", df, positive=True)
        if np.any(self.df < 1e-3):
            raise GanTheoryError(f"parameter 'df' must be >= 1e-3 (smaller df puts samples beyond float64), got {df!r}")
        self.loc = _param("loc", loc)
        self.scale = _param("scale", scale, positive=True)
        self._init_params(df=self.df, loc=self.loc, scale=self.scale)

    def _logpdf(self, x):
        nu = self.df
        z = (x - self.loc) / self.scale
        const = special.gammaln(0.5 * (nu + 1)) - special.gammaln(0.5 * nu) - 0.5 * np.log(nu * np.pi)
        return const - np.log(self.scale) - 0.5 * (nu + 1) * np.log1p(z * z / nu)

    def _sample(self, n, rng):
        df = np.broadcast_to(self.df, self.batch_shape)
        return self.loc + self.scale * rng.standard_t(df, size=(n, *self.batch_shape))

    def breakpoints(self):
        # Large df behaves like a Gaussian out to ~40 scales; small df needs geometric points far out.
        offsets = np.union1d(_GAUSSIAN_OFFSETS, _power_offsets(float(np.min(self.df))))
        return _offsets_points(*np.broadcast_arrays(self.loc, self.scale, self.df)[:2], _symmetric(offsets))

    @property
    def support(self):
        return Interval(np.full(self.batch_shape, -np.inf), np.full(self.batch_shape, np.inf))

    @property
    def modes(self):
        return np.broadcast_to(self.loc, self.batch_shape)[..., None]

    @property
    def mean(self):
        if np.any(self.df <= 1):
            raise GanTheoryError("the mean of StudentT is undefined for df <= 1 (parameter 'df')")
        return np.broadcast_to(self.loc, self.batch_shape) + 0.0

    @property
    def variance(self):
        if np.any(self.df <= 1):
            raise GanTheoryError("the variance of StudentT is undefined for df <= 1 (parameter 'df')")
        df = np.broadcast_to(self.df, self.batch_shape)
        with np.errstate(divide="ignore"):
            return np.where(df > 2, self.scale**2 * df / np.where(df > 2, df - 2, 1.0), np.inf)

    def cdf(self, x):
        return special.stdtr(self.df, (_check_x(x) - self.loc) / self.scale)


class Uniform(_Parametric):
    r"""Uniform on ``[low, high]``: :math:`\log p(x) = -\log(\text{high}-\text{low})` inside, −inf outside."""

    def __init__(self, low=0.0, high=1.0):
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

    def breakpoints(self):
        low, high = np.broadcast_arrays(self.low, self.high)
        return np.stack([low, 0.5 * (low + high), high], axis=-1)

    @property
    def support(self):
        low, high = np.broadcast_arrays(self.low, self.high)
        return Interval(low + 0.0, high + 0.0)

    @property
    def modes(self):
        return (0.5 * (self.low + self.high) + np.zeros(self.batch_shape))[..., None]

    @property
    def mean(self):
        return 0.5 * (self.low + self.high) + np.zeros(self.batch_shape)

    @property
    def variance(self):
        return (self.high - self.low) ** 2 / 12.0 + np.zeros(self.batch_shape)

    def cdf(self, x):
        return np.clip((_check_x(x) - self.low) / (self.high - self.low), 0.0, 1.0)


class Beta(_Parametric):
    r"""Beta(a, b) on [0, 1]: :math:`\log p(x) = (a-1)\log x + (b-1)\log(1-x) - \log B(a,b)`.

    Endpoint singularities (a < 1 or b < 1) get geometric points towards the endpoint. Near x = 1 float64
    cannot resolve distances below 2^-53, so for b < 1 mass within 1e-16 of 1 is out of reach; the
    quadrature engine's mass check reports that instead of hiding it.
    """

    def __init__(self, a, b):
        self.a = _param("a", a, positive=True)
        self.b = _param("b", b, positive=True)
        self._init_params(a=self.a, b=self.b)

    def _logpdf(self, x):
        inside = (x >= 0) & (x <= 1)
        xc = np.clip(x, 0.0, 1.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            lp = special.xlogy(self.a - 1, xc) + special.xlog1py(self.b - 1, -xc) - special.betaln(self.a, self.b)
        return np.where(inside, lp, -np.inf)

    def _sample(self, n, rng):
        a, b = np.broadcast_arrays(self.a, self.b)
        return rng.beta(a, b, size=(n, *self.batch_shape))

    def breakpoints(self):
        a_min = float(min(np.min(self.a), np.min(self.b)))
        # mass below eps is ~ eps^a / a: go down to eps with eps^a < 1e-15.
        k = int(min(1070, np.ceil(15.0 / (max(a_min, 1e-3) * np.log10(2.0)))))
        small = 2.0 ** -np.arange(1, k + 1)
        pts = np.concatenate([[0.0], small[::-1], np.linspace(0.05, 0.95, 19), 1.0 - small[small >= 2.0**-44], [1.0]])
        pts = np.unique(pts)
        return np.broadcast_to(pts, (*self.batch_shape, pts.size)).copy()

    @property
    def support(self):
        return Interval(np.zeros(self.batch_shape), np.ones(self.batch_shape))

    @property
    def modes(self):
        a, b = np.broadcast_arrays(self.a, self.b)
        with np.errstate(divide="ignore", invalid="ignore"):
            m = np.where((a > 1) & (b > 1), (a - 1) / (a + b - 2), np.where(a <= b, 0.0, 1.0))
        return m[..., None]

    @property
    def mean(self):
        return self.a / (self.a + self.b) + np.zeros(self.batch_shape)

    @property
    def variance(self):
        s = self.a + self.b
        return (self.a / s) * (self.b / s) / (s + 1) + np.zeros(self.batch_shape)  # no (a+b)^2 underflow

    def cdf(self, x):
        return special.betainc(self.a, self.b, np.clip(_check_x(x), 0.0, 1.0))


class Discrete(Density):
    r"""A finite pmf: atoms ``values`` (shape ``(*batch, K)`` or ``(K,)``) with ``probs`` (same last axis).

    Integrals against a discrete density are exact sums over its atoms. ``probs`` must be non-negative
    and sum to 1 within 1e-12 (no silent renormalising); ``values`` must be distinct.
    """

    is_discrete = True

    def __init__(self, values, probs):
        values = _param("values", values)
        probs = _param("probs", probs, nonnegative=True)
        if values.ndim == 0 or probs.ndim == 0:
            raise GanTheoryError("parameters 'values' and 'probs' must be 1-D (or batched) arrays")
        if values.shape[-1] == 0:
            raise GanTheoryError("parameter 'values' is empty: a pmf needs at least one atom")
        if values.shape[-1] != probs.shape[-1]:
            raise GanTheoryError(
                f"parameters 'values' and 'probs' differ in length ({values.shape[-1]} vs {probs.shape[-1]})"
            )
        total = probs.sum(axis=-1)
        if not np.all(np.abs(total - 1.0) <= TOLERANCES["weights_sum_atol"]):
            raise GanTheoryError(
                f"parameter 'probs' must sum to 1 within 1e-12 (sums: {total}); renormalise explicitly"
            )
        sorted_values = np.sort(values, axis=-1)
        if np.any(np.diff(sorted_values, axis=-1) == 0):
            raise GanTheoryError("parameter 'values' contains repeated atoms; merge their probabilities")
        try:
            self.batch_shape = np.broadcast_shapes(values.shape[:-1], probs.shape[:-1])
        except ValueError as exc:
            raise GanTheoryError(f"parameters 'values' and 'probs' do not broadcast: {exc}") from exc
        self.values = values
        self.probs = probs

    def _logpdf(self, x):
        match = x[..., None] == self.values
        with np.errstate(divide="ignore"):
            log_probs = np.log(self.probs)
        return logsumexp(np.where(match, log_probs, -np.inf), axis=-1)

    def _sample(self, n, rng):
        cdf = np.cumsum(np.broadcast_to(self.probs, (*self.batch_shape, self.probs.shape[-1])), axis=-1)
        u = rng.random((n, *self.batch_shape))
        idx = np.minimum((u[..., None] >= cdf).sum(axis=-1), cdf.shape[-1] - 1)
        values = np.broadcast_to(self.values, (n, *self.batch_shape, self.values.shape[-1]))
        return np.take_along_axis(values, idx[..., None], axis=-1)[..., 0]

    def breakpoints(self):
        return np.broadcast_to(self.values, (*self.batch_shape, self.values.shape[-1])).copy()

    @property
    def support(self):
        return FiniteSupport(np.broadcast_to(self.values, (*self.batch_shape, self.values.shape[-1])))

    @property
    def modes(self):
        return self.breakpoints()

    @property
    def mean(self):
        return np.sum(self.values * self.probs, axis=-1) + np.zeros(self.batch_shape)

    @property
    def variance(self):
        m = self.mean
        return np.sum(self.values**2 * self.probs, axis=-1) - m * m

    def cdf(self, x):
        x = _check_x(x)
        return np.sum(np.where(x[..., None] >= self.values, self.probs, 0.0), axis=-1)

    def broadcast_to(self, shape):
        k = self.values.shape[-1]
        return Discrete(np.broadcast_to(self.values, (*shape, k)), np.broadcast_to(self.probs, (*shape, k)))

    def _index(self, index):
        full = self.broadcast_to(self.batch_shape)
        return Discrete(full.values[index], full.probs[index])

    def __repr__(self):
        return f"Discrete(values={np.array2string(self.values, threshold=6)}, probs={np.array2string(self.probs, threshold=6)})"


class Mixture(Density):
    r"""Finite mixture :math:`p(x) = \sum_k w_k\, p_k(x)`, evaluated as :math:`\operatorname{logsumexp}_k(\log w_k + \log p_k(x))`.

    Args:
        components: non-empty sequence of densities (all continuous or all discrete); each may be a batch.
        weights: shape ``(..., K)``; non-negative, finite, summing to 1 within 1e-12 along the last axis.
    """

    def __init__(self, components: Sequence[Density], weights=None):
        components = list(components) if components is not None else []
        if len(components) == 0:
            raise GanTheoryError("parameter 'components' is empty: a mixture needs at least one component")
        for i, c in enumerate(components):
            if not isinstance(c, Density):
                raise GanTheoryError(f"parameter 'components'[{i}] is not a Density: {c!r}")
        kinds = {c.is_discrete for c in components}
        if len(kinds) > 1:
            raise GanTheoryError("parameter 'components' mixes discrete and continuous densities")
        k = len(components)
        if weights is None:
            weights = np.full(k, 1.0 / k)
        weights = _param("weights", weights, nonnegative=True)
        if weights.ndim == 0 or weights.shape[-1] != k:
            raise GanTheoryError(f"parameter 'weights' must have last axis of length {k} (one per component)")
        total = weights.sum(axis=-1)
        if not np.all(np.abs(total - 1.0) <= TOLERANCES["weights_sum_atol"]):
            raise GanTheoryError(
                f"parameter 'weights' must sum to 1 within 1e-12 (sums: {total}); renormalise explicitly"
            )
        try:
            self.batch_shape = np.broadcast_shapes(weights.shape[:-1], *(c.batch_shape for c in components))
        except ValueError as exc:
            raise GanTheoryError(f"mixture components and weights do not broadcast: {exc}") from exc
        self.components = tuple(components)
        self.weights = weights
        self.is_discrete = components[0].is_discrete

    def _logpdf(self, x):
        with np.errstate(divide="ignore"):
            log_w = np.log(self.weights)
        # logsumexp_k(log w_k + log p_k(x)), streamed over components: shift by the running max so
        # no exp overflows, and keep all-(-inf) points at -inf (0/0 never forms).
        terms = []
        for k, c in enumerate(self.components):
            t = np.array(c._logpdf(x), dtype=np.float64, copy=True)
            lw = log_w[..., k]
            t = np.add(t, lw, out=t) if np.broadcast_shapes(t.shape, np.shape(lw)) == t.shape else t + lw
            terms.append(t)
        if len(terms) == 1:
            return terms[0]
        top = np.array(np.maximum(terms[0], terms[1]), dtype=np.float64)  # an array even for 0-d inputs
        for t in terms[2:]:
            np.maximum(top, t, out=top)
        finite = np.isfinite(top)
        finite_all = bool(finite.all())
        shift = top if finite_all else np.where(finite, top, 0.0)
        total = np.zeros(np.shape(shift))
        with np.errstate(over="ignore", invalid="ignore"):
            for t in terms:
                np.subtract(t, shift, out=t)
                if finite_all:
                    # terms below e^-700 of the largest cannot change the sum; clamping avoids the
                    # slow subnormal exp path (see gantheory.numerics.exp)
                    np.maximum(t, -700.0, out=t)
                    np.exp(t, out=t)
                else:
                    t[...] = _exp(t)
                total += t
        with np.errstate(divide="ignore"):
            np.log(total, out=total)
        total += shift
        return total if finite_all else np.where(np.isposinf(top), np.inf, total)

    def _sample(self, n, rng):
        k = len(self.components)
        draws = np.stack([np.broadcast_to(c._sample(n, rng), (n, *self.batch_shape)) for c in self.components], -1)
        cdf = np.cumsum(np.broadcast_to(self.weights, (*self.batch_shape, k)), axis=-1)
        u = rng.random((n, *self.batch_shape))
        idx = np.minimum((u[..., None] >= cdf).sum(axis=-1), k - 1)
        return np.take_along_axis(draws, idx[..., None], axis=-1)[..., 0]

    def _component_points(self, attribute):
        parts = []
        for c in self.components:
            pts = getattr(c, attribute)() if callable(getattr(c, attribute)) else getattr(c, attribute)
            parts.append(np.broadcast_to(pts, (*self.batch_shape, pts.shape[-1])))
        return np.concatenate(parts, axis=-1)

    def breakpoints(self):
        return self._component_points("breakpoints")

    @property
    def modes(self):
        return self._component_points("modes")

    @property
    def support(self):
        if self.is_discrete:
            return FiniteSupport(np.unique(self.breakpoints(), axis=-1) if self.batch_shape == () else self.breakpoints())
        lows = np.stack(np.broadcast_arrays(*(c.support.low for c in self.components)), -1)
        highs = np.stack(np.broadcast_arrays(*(c.support.high for c in self.components)), -1)
        return Interval(np.broadcast_to(lows.min(-1), self.batch_shape), np.broadcast_to(highs.max(-1), self.batch_shape))

    @property
    def mean(self):
        means = np.stack(np.broadcast_arrays(*(c.mean for c in self.components)), -1)
        return np.sum(self.weights * means, axis=-1) + np.zeros(self.batch_shape)

    @property
    def variance(self):
        means = np.stack(np.broadcast_arrays(*(c.mean for c in self.components)), -1)
        var = np.stack(np.broadcast_arrays(*(c.variance for c in self.components)), -1)
        m = np.sum(self.weights * means, axis=-1)
        return np.sum(self.weights * (var + means**2), axis=-1) - m * m + np.zeros(self.batch_shape)

    def cdf(self, x):
        x = _check_x(x)
        cdfs = np.stack(np.broadcast_arrays(*(c.cdf(x) for c in self.components)), -1)
        return np.sum(self.weights * cdfs, axis=-1)

    def broadcast_to(self, shape):
        k = len(self.components)
        return Mixture([c.broadcast_to(shape) for c in self.components], np.broadcast_to(self.weights, (*shape, k)))

    def _index(self, index):
        full = self.broadcast_to(self.batch_shape)
        return Mixture([c[index] for c in full.components], full.weights[index])

    def __repr__(self):
        comps = ", ".join(repr(c) for c in self.components)
        return f"Mixture([{comps}], weights={np.array2string(self.weights, threshold=6)})"


# ----------------------------------------------------------------------------------------------------
# Pushforwards x = G(z) of a base density by a monotone differentiable generator.


class Affine:
    r"""The generator :math:`G(z) = \text{loc} + \text{scale}\cdot z` (``scale`` ≠ 0; broadcasts)."""

    def __init__(self, loc=0.0, scale=1.0):
        self.loc = _param("loc", loc)
        self.scale = _param("scale", scale)
        if np.any(self.scale == 0):
            raise GanTheoryError("parameter 'scale' of Affine must be non-zero (the generator must be invertible)")

    def forward(self, z):
        return self.loc + self.scale * z

    def inverse(self, x):
        return (x - self.loc) / self.scale

    def log_abs_det_jacobian(self, z):
        """log |G'(z)| = log |scale|."""
        return np.log(np.abs(self.scale)) + np.zeros_like(z)

    @property
    def increasing(self):
        return np.all(self.scale > 0)

    @property
    def shape(self):
        return np.broadcast_shapes(self.loc.shape, self.scale.shape)

    def __repr__(self):
        return f"Affine(loc={self.loc.tolist()}, scale={self.scale.tolist()})"


class Monotone:
    r"""A strictly monotone differentiable generator given by callables.

    Args:
        forward: z ↦ G(z) (vectorised numpy).
        inverse: x ↦ G⁻¹(x).
        log_abs_det_jacobian: z ↦ log |G'(z)|.
        name: shown in reprs and reports.
    """

    def __init__(self, forward: Callable, inverse: Callable, log_abs_det_jacobian: Callable, name: str = "G"):
        for label, fn in (("forward", forward), ("inverse", inverse), ("log_abs_det_jacobian", log_abs_det_jacobian)):
            if not callable(fn):
                raise GanTheoryError(f"parameter {label!r} of Monotone must be callable, got {fn!r}")
        self.forward = forward
        self.inverse = inverse
        self.log_abs_det_jacobian = log_abs_det_jacobian
        self.name = name
        probe = np.asarray(forward(np.linspace(-3.0, 3.0, 61)), dtype=np.float64)
        steps = np.diff(probe)
        finite = np.isfinite(steps)
        self.increasing = bool(np.all(steps[finite] > 0))
        if not (self.increasing or np.all(steps[finite] < 0)):
            raise GanTheoryError(f"parameter 'forward' of Monotone ({name}) is not strictly monotone on [-3, 3]")

    shape = ()

    def __repr__(self):
        return f"Monotone({self.name})"

    @classmethod
    def exp(cls):
        """G(z) = e^z (log-normal pushforward of a Normal)."""
        return cls(np.exp, np.log, lambda z: np.asarray(z, dtype=np.float64), name="exp")

    @classmethod
    def sinh(cls):
        """G(z) = sinh(z), a heavy-tailing monotone generator."""
        return cls(np.sinh, np.arcsinh, lambda z: np.log(np.cosh(z)), name="sinh")


class Pushforward(Density):
    r"""Density of x = G(z), z ~ base, for a strictly monotone differentiable G (change of variables):

    .. math:: \log p_g(x) = \log p_z(G^{-1}(x)) - \log |G'(G^{-1}(x))|.

    Reference: Goodfellow et al. (2014), §4 ("the generator implicitly defines p_g"); the identity
    E_z[h(G(z))] = E_{x~p_g}[h(x)] is checked in :mod:`gantheory.symbolic`.
    """

    def __init__(self, base: Density, transform):
        if not isinstance(base, Density):
            raise GanTheoryError(f"parameter 'base' must be a Density, got {base!r}")
        if base.is_discrete:
            raise GanTheoryError("parameter 'base' must be continuous for a change of variables")
        if not all(hasattr(transform, a) for a in ("forward", "inverse", "log_abs_det_jacobian")):
            raise GanTheoryError(
                "parameter 'transform' must have forward, inverse and log_abs_det_jacobian (use Affine or Monotone)"
            )
        self.base = base
        self.transform = transform
        self.batch_shape = np.broadcast_shapes(base.batch_shape, getattr(transform, "shape", ()))

    def _logpdf(self, x):
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            z = self.transform.inverse(x)
            lp = self.base._logpdf(np.where(np.isnan(z), 0.0, z)) - self.transform.log_abs_det_jacobian(z)
        return np.where(np.isnan(z) | np.isnan(lp), -np.inf, lp)

    def _sample(self, n, rng):
        return np.broadcast_to(self.transform.forward(self.base._sample(n, rng)), (n, *self.batch_shape)).copy()

    def _mapped(self, pts):
        shape_t = getattr(self.transform, "shape", ())
        with np.errstate(over="ignore", invalid="ignore"):
            out = self.transform.forward(pts) if shape_t == () else self._forward_batched(pts)
        out = np.where(np.isfinite(out), out, np.nan)
        out = np.sort(out, axis=-1)  # decreasing generators reverse the order
        # drop non-finite images by repeating the last finite point (zero-width intervals are harmless)
        finite_max = np.nanmax(out, axis=-1, keepdims=True)
        return np.where(np.isnan(out), finite_max, out)

    def _forward_batched(self, pts):
        loc = np.asarray(self.transform.loc)[..., None]
        scale = np.asarray(self.transform.scale)[..., None]
        return loc + scale * pts

    def breakpoints(self):
        pts = np.broadcast_to(self.base.breakpoints(), (*self.batch_shape, self.base.breakpoints().shape[-1]))
        return self._mapped(pts)

    @property
    def modes(self):
        pts = np.broadcast_to(self.base.modes, (*self.batch_shape, self.base.modes.shape[-1]))
        return self._mapped(pts)

    @property
    def support(self):
        s = self.base.support
        ends = np.stack(np.broadcast_arrays(s.low, s.high), -1)
        with np.errstate(over="ignore", invalid="ignore"):
            if isinstance(self.transform, Affine):
                mapped = self._forward_batched(ends) if self.transform.shape != () else self.transform.forward(ends)
            else:
                mapped = self.transform.forward(ends)
        mapped = np.broadcast_to(mapped, (*self.batch_shape, 2))
        return Interval(np.nanmin(mapped, -1), np.nanmax(mapped, -1))

    @property
    def mean(self):
        if isinstance(self.transform, Affine):
            return self.transform.loc + self.transform.scale * self.base.mean
        raise NotImplementedError("the mean of a nonlinear pushforward is not known in closed form")

    @property
    def variance(self):
        if isinstance(self.transform, Affine):
            return self.transform.scale**2 * self.base.variance
        raise NotImplementedError("the variance of a nonlinear pushforward is not known in closed form")

    def cdf(self, x):
        x = _check_x(x)
        with np.errstate(invalid="ignore", divide="ignore"):
            z = self.transform.inverse(x)
        support = self.support
        below = x < support.low  # outside the generator's image: the inverse is undefined there
        z = np.where(np.isnan(z), 0.0, z)
        u = self.base.cdf(z)
        u = u if np.all(self.transform.increasing) else 1.0 - u
        return np.where(below, 0.0, np.where(x > support.high, 1.0, u))

    def broadcast_to(self, shape):
        if isinstance(self.transform, Affine):
            t = Affine(np.broadcast_to(self.transform.loc, shape), np.broadcast_to(self.transform.scale, shape))
            return Pushforward(self.base.broadcast_to(shape), t)
        return Pushforward(self.base.broadcast_to(shape), self.transform)

    def _index(self, index):
        full = self.broadcast_to(self.batch_shape)
        t = full.transform
        if isinstance(t, Affine):
            t = Affine(t.loc[index], t.scale[index])
        return Pushforward(full.base[index], t)

    def __repr__(self):
        return f"Pushforward({self.base!r}, {self.transform!r})"


# ----------------------------------------------------------------------------------------------------
# Adapters


class _ScipyDensity(Density):
    """A frozen continuous scipy.stats distribution (scalar parameters)."""

    def __init__(self, rv):
        self.rv = rv
        self.batch_shape = ()
        low, high = (float(v) for v in rv.support())
        self._low, self._high = low, high

    def _logpdf(self, x):
        with np.errstate(divide="ignore", invalid="ignore"):
            lp = np.asarray(self.rv.logpdf(x), dtype=np.float64)
        return np.where(np.isnan(lp), -np.inf, lp)

    def _sample(self, n, rng):
        return np.asarray(self.rv.rvs(size=n, random_state=rng), dtype=np.float64)

    def breakpoints(self):
        # Quantiles from 1e-300 up to the median on both sides (half a decade of probability apart):
        # this follows power, exponential and Gaussian tails alike without knowing which it is.
        probs = 10.0 ** -np.arange(0.5, 300.5, 0.5)
        core = np.linspace(0.02, 0.98, 25)
        with np.errstate(all="ignore"):
            pts = np.concatenate([self.rv.isf(probs), self.rv.ppf(probs), self.rv.ppf(core), [self._low, self._high]])
        pts = pts[np.isfinite(pts)]
        return np.unique(pts)

    @property
    def support(self):
        return Interval(np.float64(self._low), np.float64(self._high))

    @property
    def modes(self):
        return np.atleast_1d(np.float64(self.rv.median()))

    @property
    def mean(self):
        m = float(self.rv.mean())
        if not np.isfinite(m):
            raise NotImplementedError("this scipy distribution has no finite mean")
        return m

    @property
    def variance(self):
        v = float(self.rv.var())
        if np.isnan(v):
            raise NotImplementedError("this scipy distribution has no variance")
        return v

    def cdf(self, x):
        return np.asarray(self.rv.cdf(_check_x(x)), dtype=np.float64)

    def __repr__(self):
        args = ", ".join(repr(a) for a in self.rv.args)
        return f"from_scipy({self.rv.dist.name}({args}))"


def from_scipy(frozen_rv) -> Density:
    """Wrap a frozen :mod:`scipy.stats` distribution as a :class:`Density`.

    Continuous distributions keep scipy's ``logpdf`` and get quantile-based quadrature points; discrete
    ones with finite support become a :class:`Discrete` (an infinite support is truncated where the
    remaining tail mass is below 1e-17, which stays inside the 1e-12 weight tolerance).

    Raises:
        GanTheoryError: ``frozen_rv`` is not a frozen scipy.stats distribution, or is multivariate.
    """
    from scipy.stats._distn_infrastructure import rv_continuous_frozen, rv_discrete_frozen

    if isinstance(frozen_rv, rv_continuous_frozen):
        if np.shape(frozen_rv.mean()) != ():
            raise GanTheoryError("parameter 'frozen_rv' must have scalar parameters (batched scipy rvs are unsupported)")
        return _ScipyDensity(frozen_rv)
    if isinstance(frozen_rv, rv_discrete_frozen):
        low, high = frozen_rv.support()
        if not np.isfinite(low):
            low = frozen_rv.ppf(1e-18)
        if not np.isfinite(high):
            high = frozen_rv.isf(1e-18)
        values = np.arange(low, high + 1, dtype=np.float64)
        probs = np.asarray(frozen_rv.pmf(values), dtype=np.float64)
        keep = probs > 0
        values, probs = values[keep], probs[keep]
        # finite rounding of scipy's pmf only; the tolerance check in Discrete still applies
        probs = probs / probs.sum() if abs(probs.sum() - 1.0) < 1e-13 else probs
        return Discrete(values, probs)
    raise GanTheoryError(
        f"parameter 'frozen_rv' must be a frozen scipy.stats distribution (e.g. scipy.stats.norm(0, 1)), "
        f"got {type(frozen_rv).__name__}"
    )


def from_torch(distribution) -> Density:
    """Convert a ``torch.distributions`` object into the equivalent :class:`Density` (float64, numpy).

    Supported: Normal, Uniform, Laplace, StudentT, Beta, Categorical (atoms 0..K-1), MixtureSameFamily
    of those, and TransformedDistribution by AffineTransform.

    Raises:
        GanTheoryError: an unsupported type (the message lists the supported ones).
    """
    module = type(distribution).__module__
    if not module.startswith("torch.distributions"):
        raise GanTheoryError(
            f"parameter 'distribution' must be a torch.distributions object, got {type(distribution).__name__}"
        )
    import torch.distributions as td

    def arr(t):
        return t.detach().to("cpu", dtype=__import__("torch").float64).numpy()

    converters = {
        td.Normal: lambda d: Normal(arr(d.loc), arr(d.scale)),
        td.Uniform: lambda d: Uniform(arr(d.low), arr(d.high)),
        td.Laplace: lambda d: Laplace(arr(d.loc), arr(d.scale)),
        td.StudentT: lambda d: StudentT(arr(d.df), arr(d.loc), arr(d.scale)),
        td.Beta: lambda d: Beta(arr(d.concentration1), arr(d.concentration0)),
        td.Categorical: lambda d: Discrete(np.arange(d.probs.shape[-1], dtype=np.float64), arr(d.probs)),
    }
    if isinstance(distribution, td.MixtureSameFamily):
        weights = arr(distribution.mixture_distribution.probs)
        comp = from_torch(distribution.component_distribution)
        k = weights.shape[-1]
        components = [comp[..., i] for i in range(k)]
        return Mixture(components, weights / weights.sum(-1, keepdims=True))
    if isinstance(distribution, td.TransformedDistribution):
        base = from_torch(distribution.base_dist)
        for t in distribution.transforms:
            if not isinstance(t, td.transforms.AffineTransform):
                raise GanTheoryError(f"unsupported transform {type(t).__name__} in from_torch (only AffineTransform)")
            loc = arr(t.loc) if hasattr(t.loc, "detach") else t.loc
            scale = arr(t.scale) if hasattr(t.scale, "detach") else t.scale
            base = Pushforward(base, Affine(loc, scale))
        return base
    for cls, convert in converters.items():
        if type(distribution) is cls:
            return convert(distribution)
    names = ", ".join(sorted(c.__name__ for c in converters)) + ", MixtureSameFamily, TransformedDistribution"
    raise GanTheoryError(f"unsupported torch distribution {type(distribution).__name__}; supported: {names}")
