r"""Adapters: scipy.stats and torch.distributions objects as :class:`~gantheory.densities.Density`.

The torch direction (a Density as a torch view) is :func:`gantheory.empirical.to_torch`; this module only
reads torch objects, importing torch when one is passed.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

import numpy as np

from gantheory.densities.base import Density, Interval, _check_x
from gantheory.densities.beta import Beta
from gantheory.densities.discrete import Discrete
from gantheory.densities.laplace import Laplace
from gantheory.densities.mixture import Mixture
from gantheory.densities.normal import Normal
from gantheory.densities.pushforward import Affine, Monotone, Pushforward
from gantheory.densities.student_t import StudentT
from gantheory.densities.uniform import Uniform
from gantheory.errors import GanTheoryError

if TYPE_CHECKING:
    import torch

__all__ = ["from_scipy", "from_torch"]



class _ScipyDensity(Density):
    """A frozen continuous scipy.stats distribution (scalar parameters)."""

    def __init__(self, rv):
        self.rv = rv
        self.batch_shape = ()
        low, high = (float(v) for v in rv.support())
        self._low, self._high = low, high

    def _logpdf(self, x):
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            lp = np.asarray(self.rv.logpdf(x), dtype=np.float64)
        return np.where(np.isnan(lp), -np.inf, lp)

    def _sample(self, n, rng):
        return np.asarray(self.rv.rvs(size=n, random_state=rng), dtype=np.float64)

    def breakpoints(self):
        # Quantiles from 1e-300 up to the median on both sides (half a decade of probability apart):
        # this follows power, exponential and Gaussian tails alike without knowing which it is.
        probs = 10.0 ** -np.arange(0.5, 300.5, 0.5)
        core = np.linspace(0.02, 0.98, 25)
        # scipy's boost-backed quantiles (invgauss) warn for far tails they cannot invert: those give nan, dropped
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            pts = np.concatenate([self.rv.isf(probs), self.rv.ppf(probs), self.rv.ppf(core), [self._low, self._high]])
        # |x| ≤ 1e299: a heavy tail's far quantiles (Lévy's isf(1e-154) ≈ 6e307) overflow the engine's
        # midpoints; beyond, the quadrature's substituted tail pieces take over
        pts = pts[np.isfinite(pts) & (np.abs(pts) <= 1e299)]
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

    def asymptote(self, point, side):
        """The tail/end-point expansion of the equivalent gantheory family (``None`` for a scipy
        distribution without one: the engine then integrates without deciding divergence in advance)."""
        native = self._native()
        return None if native is None else native.asymptote(point, side)

    def finite_ends(self):
        native = self._native()
        return super().finite_ends() if native is None else native.finite_ends()

    def _native(self):
        """The same distribution as a gantheory family, for the scipy families that have one."""
        dist = self.rv.dist
        shapes, loc, scale = dist._parse_args(*self.rv.args, **self.rv.kwds)
        loc, scale = float(loc), float(scale)
        name = dist.name
        try:
            if name == "norm":
                return Normal(loc, scale)
            if name == "laplace":
                return Laplace(loc, scale)
            if name in ("t", "cauchy"):
                return StudentT(float(shapes[0]) if name == "t" else 1.0, loc, scale)
            if name == "uniform":
                return Uniform(loc, loc + scale)
            if name == "beta":
                return Pushforward(Beta(float(shapes[0]), float(shapes[1])), Affine(loc, scale))
            if name == "lognorm" and loc == 0.0:
                return Pushforward(Normal(float(np.log(scale)), float(shapes[0])), Monotone.exp())
        except GanTheoryError:
            return None
        return None

    def broadcast_to(self, shape):
        if tuple(np.atleast_1d(shape)) not in ((), (1,)) and shape != ():
            raise GanTheoryError("a from_scipy density has scalar parameters; it cannot be broadcast to a batch")
        return self

    def __repr__(self) -> str:
        args = ", ".join(repr(a) for a in self.rv.args)
        return f"from_scipy({self.rv.dist.name}({args}))"


def _check_scipy_parameters(rv) -> None:
    """scipy accepts invalid parameters at freezing and answers NaN later: name the bad one now."""
    dist = rv.dist
    try:
        parsed = dist._parse_args(*rv.args, **rv.kwds)
    except TypeError as exc:
        raise GanTheoryError(f"parameter 'frozen_rv': {exc}") from exc
    shapes, loc, scale = (parsed[0], parsed[1], parsed[2]) if len(parsed) == 3 else (parsed[0], parsed[1], 1.0)
    names = [s.strip() for s in dist.shapes.split(",")] if dist.shapes else []
    if not np.all(np.isfinite(loc)):
        raise GanTheoryError(f"parameter 'loc' of {dist.name} must be finite, got {loc!r}")
    if not (np.all(np.isfinite(scale)) and np.all(np.asarray(scale) > 0)):
        raise GanTheoryError(f"parameter 'scale' of {dist.name} must be > 0 and finite, got {scale!r}")
    if shapes and not np.all(dist._argcheck(*shapes)):
        raise GanTheoryError(f"parameters {', '.join(names) or 'shapes'} of {dist.name} are outside its domain: {shapes!r}")


# a discrete distribution with infinite support is truncated where the mass beyond is below this
_DISCRETE_TAIL = 1e-18
# and may have at most this many atoms (else GanTheoryError)
_MAX_ATOMS = 10**7


def _discrete_end(frozen_rv, origin: float, direction: int) -> float:
    """The last atom to keep on one side of an infinite discrete support: the first k (from ``origin``, by
    doubling steps) with mass beyond k below ``_DISCRETE_TAIL``. scipy's ``isf(1e-18)`` is not used: it
    is nan for a Poisson and inf for a geometric."""
    step = 1.0
    while step <= _MAX_ATOMS:
        k = origin + direction * step
        with np.errstate(all="ignore"):
            beyond = float(frozen_rv.sf(k) if direction > 0 else frozen_rv.cdf(k - 1))
        if beyond < _DISCRETE_TAIL:
            return k
        step *= 2.0
    raise GanTheoryError(f"parameter 'frozen_rv': {frozen_rv.dist.name} keeps mass above {_DISCRETE_TAIL:g} beyond "
                         f"{_MAX_ATOMS} atoms from {origin:g}; too heavy a tail to tabulate as Discrete")



def from_scipy(frozen_rv: Any) -> Density:
    """Wrap a frozen :mod:`scipy.stats` distribution as a :class:`Density`.

    Continuous distributions keep scipy's ``logpdf`` and get quantile-based quadrature points; discrete
    ones with finite support become a :class:`Discrete` (an infinite support is truncated where the
    remaining tail mass is below 1e-17, which stays inside the 1e-12 weight tolerance).

    Raises:
        GanTheoryError: ``frozen_rv`` is not a frozen scipy.stats distribution, is multivariate, or has
            parameters outside the distribution's domain (the message names them).
    """
    from scipy.stats._distn_infrastructure import (
        rv_continuous_frozen,
        rv_discrete_frozen,
    )

    if isinstance(frozen_rv, (rv_continuous_frozen, rv_discrete_frozen)):
        _check_scipy_parameters(frozen_rv)
    if isinstance(frozen_rv, rv_continuous_frozen):
        if np.shape(frozen_rv.mean()) != ():
            raise GanTheoryError("parameter 'frozen_rv' must have scalar parameters (batched scipy rvs are unsupported)")
        return _ScipyDensity(frozen_rv)
    if isinstance(frozen_rv, rv_discrete_frozen):
        low, high = frozen_rv.support()
        if not np.isfinite(low):
            low = _discrete_end(frozen_rv, float(high) if np.isfinite(high) else 0.0, -1)
        if not np.isfinite(high):
            high = _discrete_end(frozen_rv, float(low), 1)
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


def from_torch(distribution: torch.distributions.Distribution) -> Density:
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
