r"""The :class:`Density` contract, its shared validation, and the registry row of a family.

A density on the real line exposes ``logpdf`` (numpy, float64, log space), ``sample(n, rng)``,
``support``, ``breakpoints()`` (where quadrature splits), ``modes``, ``mean``, ``variance`` and ``cdf``.
Parameters broadcast like numpy; ``batch_shape`` is their broadcast shape. Outside its support a
density's ``logpdf`` is ``-inf``, never NaN; bad parameters raise
:class:`~gantheory.errors.GanTheoryError` naming the parameter.

Why ``to_torch`` lives in :mod:`gantheory.empirical`: the torch view (one torch ``log_prob`` /
``sample`` per family, and the numpy fallback for families without one) is the empirical lens's
concern, and torch is an opt-in dependency. This bottom layer never imports torch or the lens at
module level; :meth:`Density.to_torch` is a one-line convenience that forwards to
:func:`gantheory.empirical.to_torch` on first use, and every per-family decision is made there. A new
family therefore needs no edit in the torch lens (it gets the CPU fallback until someone writes its
torch form).
"""

from __future__ import annotations

import contextvars
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from gantheory.densities.asymptotics import ABSENT, Asymptote
from gantheory.errors import GanTheoryError

if TYPE_CHECKING:
    import torch
    from numpy.typing import ArrayLike

    from gantheory.empirical.torch_view import TorchDensity

__all__ = ["Density", "DensityFamily", "FiniteSupport", "Interval"]

# Offsets (in units of the scale) where quadrature splits, by tail type. A Gaussian is below
# e^{-722} (float64 zero) beyond 38 sigma; an exponential tail below e^{-745} beyond 750 scales.
_GAUSSIAN_OFFSETS = np.array([0.0, 1.25, 2.5, 4.0, 6.0, 9.0, 14.0, 22.0, 38.5])
# The body of a Gaussian where its tail mass is bounded in closed form (P(|Z| > 8.5) = 1.9e-17); coarser than
# the full offsets: the batched engine bisects where its error estimate asks (855 vs 1,052 nodes per
# 3-vs-3 mixture pair in benchmarks/quadrature.py, same certified error).
_GAUSSIAN_CORE_OFFSETS = np.array([0.0, 2.5, 5.0, 8.5])
_EXPONENTIAL_OFFSETS = np.array(
    [0.0, 0.5, 1.0, 2.0, 3.0, 4.5, 6.0, 8.0, 11.0, 15.0, 20.0, 27.0, 36.0, 48.0, 64.0, 85.0, 113.0,
     150.0, 200.0, 270.0, 360.0, 480.0, 640.0, 750.0]
)


def _symmetric(offsets: np.ndarray) -> np.ndarray:
    return np.concatenate([-offsets[:0:-1], offsets])


def _power_offsets(df_min: float) -> np.ndarray:
    """Offsets for a power-law tail ~|x|^{-(1+df)}: geometric with ratio 4 until the tail mass beyond
    the last point, ~R^{-df}, is below 1e-14 (so R = 10^{14/df}, capped at 1e300)."""
    decades = min(300.0, 14.0 / max(df_min, 1e-3))
    k_max = int(np.ceil(decades * np.log(10.0) / np.log(4.0)))
    geometric = 4.0 ** np.arange(1, k_max + 1)
    core = np.array([0.0, 0.25, 0.5, 1.0, 1.5, 2.0, 3.0])
    return np.concatenate([core, geometric[geometric > 3.0]])


def _offsets_points(center, scale, offsets) -> np.ndarray:
    center = np.asarray(center, dtype=np.float64)[..., None]
    scale = np.asarray(scale, dtype=np.float64)[..., None]
    return center + scale * offsets


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


# Below this a scale's breakpoints loc ± k·scale and the standardised z = (x − loc)/scale leave float64
# (a Normal with scale 1e-320 gave JSD = inf): such a scale is refused, naming the parameter.
SCALE_MIN = 1e-300


def _scale_param(name: str, value) -> np.ndarray:
    arr = _param(name, value, positive=True)
    if np.any(arr < SCALE_MIN):
        raise GanTheoryError(f"parameter {name!r} must be >= {SCALE_MIN:g} (smaller scales leave float64 range), got {value!r}")
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

    def contains(self, x: ArrayLike) -> np.ndarray:
        return (np.asarray(x) >= self.low) & (np.asarray(x) <= self.high)


@dataclass(frozen=True)
class FiniteSupport:
    """A finite set of atoms (for :class:`~gantheory.densities.Discrete`): ``values`` has shape ``(*batch, K)``."""

    values: Any

    def contains(self, x: ArrayLike) -> np.ndarray:
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
    def support(self) -> Interval | FiniteSupport:  # pragma: no cover - abstract
        raise NotImplementedError

    def _core_breakpoints(self) -> np.ndarray | None:
        """Breakpoints of the body only, shape ``(*batch_shape, m)``, for integrands bounded by c·(p + q)
        whose tails beyond them are bounded through :meth:`_outside_mass`; None (the default) where the
        family does not know its tail mass in closed form."""
        return None

    def _outside_mass(self, low: np.ndarray, high: np.ndarray) -> np.ndarray | None:
        """The mass outside [low, high] (arrays of the batch shape), in closed form; None (the default)
        where the family has none."""
        return None

    # -- shared behaviour -----------------------------------------------------------------------------
    def logpdf(self, x: ArrayLike) -> np.ndarray:
        """log p(x) in nats (log-pmf for discrete densities); ``-inf`` outside the support."""
        return self._logpdf(_check_x(x))

    def pdf(self, x: ArrayLike) -> np.ndarray:
        """p(x) = exp(logpdf(x))."""
        return np.exp(self.logpdf(x))

    def sample(self, n: int, rng: np.random.Generator | int | None = None) -> np.ndarray:
        """``n`` independent draws, shape ``(n, *batch_shape)``; ``rng`` a Generator or a seed."""
        return self._sample(_check_n(n), _rng(rng))

    @property
    def modes(self) -> np.ndarray:
        """Locations of the density's features (modes or centres), shape ``(*batch_shape, k)``."""
        raise NotImplementedError(f"{type(self).__name__} does not know its modes")

    @property
    def mean(self) -> np.ndarray:
        raise NotImplementedError(f"{type(self).__name__} has no known mean")

    @property
    def variance(self) -> np.ndarray:
        raise NotImplementedError(f"{type(self).__name__} has no known variance")

    def cdf(self, x: ArrayLike) -> np.ndarray:
        raise NotImplementedError(f"{type(self).__name__} has no cdf")

    def asymptote(self, point: float, side: int) -> Asymptote | None:
        """The expansion of log p just to one side of ``point`` (``side`` +1: right of it, −1: left;
        ``point`` may be ±inf), as an :class:`~gantheory.densities.asymptotics.Asymptote`:
        ``ABSENT`` where p vanishes on that side, a constant at an interior point, the family's own
        expansion at an end of its support. ``None``: not known (the engine then integrates only).
        Single densities only."""
        if self.batch_shape != () or self.is_discrete:
            return None
        support = self.support
        if not isinstance(support, Interval):
            return None
        low, high = float(support.low), float(support.high)
        inside = (low <= point < high) if side > 0 else (low < point <= high)
        if not inside:
            return ABSENT
        if point in (low, high) or math.isinf(point):
            return self._end_asymptote(point)
        with np.errstate(all="ignore"):
            value = float(self.logpdf(point))
        return Asymptote(const=value) if np.isfinite(value) else None

    def _end_asymptote(self, end: float) -> Asymptote | None:
        """The family's expansion at an end of its support (see :mod:`gantheory.densities.asymptotics`)."""
        return None

    def finite_ends(self) -> tuple[float, ...]:
        """Finite points where the density's support starts or stops (single densities)."""
        support = self.support
        if self.batch_shape != () or not isinstance(support, Interval):
            return ()
        return tuple(float(v) for v in (support.low, support.high) if np.isfinite(v))

    def to_torch(self, device: str | torch.device | None = None, dtype: torch.dtype | None = None) -> TorchDensity:
        """A torch view with ``log_prob(x)`` and ``sample(n, generator=None)`` on ``device``.

        Shorthand for :func:`gantheory.empirical.to_torch` (which owns the per-family torch forms and
        imports torch); see the module docstring for why it lives there.
        """
        from gantheory.empirical import to_torch

        return to_torch(self, device=device, dtype=dtype)

    def broadcast_to(self, shape: int | tuple[int, ...]) -> Density:
        """The same density with its parameters broadcast to ``shape`` (a batch)."""
        raise NotImplementedError  # pragma: no cover

    def __getitem__(self, index: int | slice | tuple) -> Density:
        if self.batch_shape == ():
            raise GanTheoryError(f"{self!r} is a single density, not a batch; it cannot be indexed")
        return self._index(index)

    def __len__(self) -> int:
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

    def _rebuild_trusted(self, **params):
        """A member of this family from views of this instance's own (already validated) parameters: no
        re-validation where the family says how (:class:`_LocationScale`), else through the constructor."""
        return self._rebuild(**params)

    def broadcast_to(self, shape):
        return self._rebuild_trusted(**{k: np.broadcast_to(v, shape) for k, v in self._params.items()})

    def _index(self, index):
        # batched quadrature slices every chunk and every adaptive round: re-checking parameters that were
        # checked at construction cost ~10% of the engine's time (issue 13)
        full = {k: (v if np.shape(v) == self.batch_shape else np.broadcast_to(v, self.batch_shape))[index]
                for k, v in self._params.items()}
        return self._rebuild_trusted(**full)

    def __repr__(self) -> str:
        def fmt(v):
            v = np.asarray(v)
            return repr(float(v)) if v.ndim == 0 else np.array2string(v, threshold=6)

        inner = ", ".join(f"{k}={fmt(v)}" for k, v in self._params.items())
        return f"{type(self).__name__}({inner})"

    def __eq__(self, other: object) -> bool:
        return (
            type(self) is type(other)
            and self._params.keys() == other._params.keys()
            and all(np.array_equal(self._params[k], other._params[k]) for k in self._params)
        )

    __hash__ = None


class _LocationScale(_Parametric):
    r"""A location-scale family :math:`p(x) = \tfrac1s\, p_0\bigl(\tfrac{x-\mu}{s}\bigr)` on the whole line.

    A family module writes only what is its own: ``_logpdf``, the standard member's sampler
    ``_standard_sample(shape, rng)`` and cdf ``_standard_cdf(z)``, its variance ``_unit_variance`` (of
    p₀; scaled by s²) and the quadrature ``_offsets()`` in units of s. Support ℝ, the mode and mean μ,
    the variance s²·Var(p₀), sampling μ + s Z and the cdf F₀((x − μ)/s) follow here.
    """

    _unit_variance: float = 1.0

    def __init__(self, loc: ArrayLike = 0.0, scale: ArrayLike = 1.0) -> None:
        self.loc = _param("loc", loc)
        self.scale = _scale_param("scale", scale)
        self._init_params(loc=self.loc, scale=self.scale)

    def _rebuild_trusted(self, **params):
        if type(self).__init__ is not _LocationScale.__init__:  # a family that stores more (StudentT's df)
            return self._rebuild(**params)
        new = object.__new__(type(self))
        new.loc, new.scale = params["loc"], params["scale"]
        new._init_params(loc=new.loc, scale=new.scale)
        return new

    def _standard_sample(self, shape: tuple, rng: np.random.Generator) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def _standard_cdf(self, z: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def _offsets(self) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def _sample(self, n, rng):
        return self.loc + self.scale * self._standard_sample((n, *self.batch_shape), rng)

    def breakpoints(self) -> np.ndarray:
        # loc and scale broadcast against every parameter (a batch may vary only in a shape parameter)
        loc, scale = np.broadcast_arrays(self.loc, self.scale, *self._params.values())[:2]
        return _offsets_points(loc, scale, self._offsets())

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
        return np.broadcast_to(self._unit_variance * self.scale**2, self.batch_shape) + 0.0

    def cdf(self, x: ArrayLike) -> np.ndarray:
        return self._standard_cdf((_check_x(x) - self.loc) / self.scale)

    def _end_asymptote(self, end: float) -> Asymptote | None:
        # the standard member's tail at +inf, mapped: x = μ + s z, t_z = (t ∓ μ)/s at ±inf
        unit = self._standard_tail()
        if unit is None:
            return None
        mu = float(self.loc) if end > 0 else -float(self.loc)
        return _affine_tail(unit, mu, float(self.scale))

    def _standard_tail(self) -> Asymptote | None:  # pragma: no cover - abstract
        """The expansion of log p₀ at +inf (every location-scale family here is symmetric)."""
        return None


def _affine_tail(a: Asymptote, shift: float, scale: float) -> Asymptote:
    """The tail of p_x(x) = p_z(t_z)/s with t_z = (t − shift)/s, t → ∞, from that of p_z:
    t_z² = (t² − 2·shift·t)/s² + O(1), L_z = L − log s + O(1/t) (s > 0)."""
    t2, t1, l2, l1, ll = (np.float64(c) for c in a.coef)
    ls = math.log(scale)
    r = shift / np.float64(scale)  # divide step by step: scale² underflows for scale < 1e-154
    with np.errstate(over="ignore", invalid="ignore"):
        const = a.const + t2 * r * r - t1 * r + l2 * ls * ls - l1 * ls - ls
        coef = (t2 / scale / scale, t1 / scale - 2.0 * t2 * r / scale, l2, l1 - 2.0 * ls * l2, ll)
    return Asymptote(tuple(float(c) for c in coef), float(const))


@dataclass(frozen=True)
class DensityFamily:
    """One row of :data:`gantheory.densities.DENSITIES`: what every consumer needs to know of a family.

    The oracle, the hypothesis strategies, the fuzz suite and the contract tests read these fields
    instead of keeping their own lists, so a new family is its module plus one registry line.

    Attributes:
        name: the registry key and the vocabulary of ``strategies.densities(families=...)``.
        cls: the :class:`Density` subclass.
        parameters: the constructor's parameters in order; each is also an attribute of an instance,
            and a bad value raises a GanTheoryError that names it.
        examples: a few small, valid instances (contract tests, fuzzing, oracle checks).
        accepts: for families with scalar real parameters, the parameter domain stated independently of
            the constructor's checks, ``accepts(*scalars) -> bool`` (the fuzz suite tests the constructor
            against it); ``None`` for structured families (pmfs, mixtures, pushforwards).
        strategy: ``strategy(draw) -> SearchStrategy`` drawing bounded members that quadrature certifies,
            where ``draw`` is a :class:`gantheory.testing.strategies.FamilyDraw`; ``None``: never drawn.
        mp_logpdf: ``mp_logpdf(density, component) -> (mpf -> mpf)``, the log density re-written in
            mpmath for :mod:`gantheory.oracle`; ``component`` is the oracle's own ``mp_logpdf`` (for
            families built from other densities). ``None``: the oracle does not know the family.
        mp_features: ``mp_features(density, component) -> [(centre, scale), ...]`` where the oracle
            splits its integrals (``component`` as above).
    """

    name: str
    cls: type
    parameters: tuple[str, ...]
    examples: tuple[Density, ...]
    accepts: Callable[..., bool] | None = None
    strategy: Callable[[Any], Any] | None = None
    mp_logpdf: Callable[[Any, Callable], Callable] | None = None
    mp_features: Callable[[Any, Callable], list] | None = None


# How the oracle reads float parameters: as the decimals written (the shortest repr, the convention of
# the golden values in gantheory.cases), or as the exact binary doubles the float64 engine computes with
# (set by ``oracle.reference_value(..., binary=True)`` for ill-conditioned pairs).
MP_BINARY_PARAMETERS = contextvars.ContextVar("MP_BINARY_PARAMETERS", default=False)


def _mp(value):
    """A float64 parameter as an mpmath number: its shortest decimal repr, or (under
    ``MP_BINARY_PARAMETERS``) the binary double itself, which differs from it beyond the 17th digit."""
    import mpmath

    return mpmath.mpf(float(value)) if MP_BINARY_PARAMETERS.get() else mpmath.mpf(repr(float(value)))


def _is_real(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and bool(np.isfinite(v))


def _is_scale(v) -> bool:
    return _is_real(v) and v >= SCALE_MIN


def _is_positive(v) -> bool:
    return _is_real(v) and v > 0
