r"""Pushforwards x = G(z) of a base density by a strictly monotone differentiable generator G.

:class:`Affine` and :class:`Monotone` are the generators; :class:`Pushforward` is the density of x.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from gantheory.densities.asymptotics import ABSENT, Asymptote
from gantheory.densities.base import Density, DensityFamily, Interval, _affine_tail, _check_x, _param
from gantheory.densities.laplace import Laplace
from gantheory.densities.normal import Normal
from gantheory.errors import GanTheoryError

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

__all__ = ["Affine", "Monotone", "Pushforward"]



def _log_cosh(z: ArrayLike) -> np.ndarray:
    """log cosh z = |z| − log 2 + log1p(e^{−2|z|}): finite for every real z (cosh overflows past |z| ≈ 710)."""
    a = np.abs(np.asarray(z, dtype=np.float64))
    return a - np.log(2.0) + np.log1p(np.exp(-2.0 * a))


class Affine:
    r"""The generator :math:`G(z) = \text{loc} + \text{scale}\cdot z` (``scale`` ≠ 0; broadcasts)."""

    def __init__(self, loc: ArrayLike = 0.0, scale: ArrayLike = 1.0) -> None:
        self.loc = _param("loc", loc)
        self.scale = _param("scale", scale)
        if np.any(self.scale == 0):
            raise GanTheoryError("parameter 'scale' of Affine must be non-zero (the generator must be invertible)")

    def forward(self, z: ArrayLike) -> np.ndarray:
        return self.loc + self.scale * z

    def inverse(self, x: ArrayLike) -> np.ndarray:
        return (x - self.loc) / self.scale

    def log_abs_det_jacobian(self, z: ArrayLike) -> np.ndarray:
        """log |G'(z)| = log |scale|."""
        return np.log(np.abs(self.scale)) + np.zeros_like(z)

    @property
    def increasing(self) -> np.bool_:
        return np.all(self.scale > 0)

    @property
    def shape(self) -> tuple[int, ...]:
        return np.broadcast_shapes(self.loc.shape, self.scale.shape)

    def __repr__(self) -> str:
        return f"Affine(loc={self.loc.tolist()}, scale={self.scale.tolist()})"


class Monotone:
    r"""A strictly monotone differentiable generator given by callables.

    Args:
        forward: z ↦ G(z) (vectorised numpy).
        inverse: x ↦ G⁻¹(x).
        log_abs_det_jacobian: z ↦ log |G'(z)|.
        name: shown in reprs and reports.
    """

    def __init__(self, forward: Callable, inverse: Callable, log_abs_det_jacobian: Callable, name: str = "G") -> None:
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

    def __repr__(self) -> str:
        return f"Monotone({self.name})"

    @classmethod
    def exp(cls) -> Monotone:
        """G(z) = e^z (log-normal pushforward of a Normal)."""
        g = cls(np.exp, np.log, lambda z: np.asarray(z, dtype=np.float64), name="exp")
        g.kind = "exp"  # the engine knows its tail asymptotics (Pushforward.asymptote)
        return g

    @classmethod
    def sinh(cls) -> Monotone:
        """G(z) = sinh(z), a heavy-tailing monotone generator."""
        g = cls(np.sinh, np.arcsinh, _log_cosh, name="sinh")
        g.kind = "sinh"
        return g


class Pushforward(Density):
    r"""Density of x = G(z), z ~ base, for a strictly monotone differentiable G (change of variables):

    .. math:: \log p_g(x) = \log p_z(G^{-1}(x)) - \log |G'(G^{-1}(x))|.

    Reference: Goodfellow et al. (2014), §4 ("the generator implicitly defines p_g"); the identity
    E_z[h(G(z))] = E_{x~p_g}[h(x)] is checked in :mod:`gantheory.symbolic`.
    """

    def __init__(self, base: Density, transform: Affine | Monotone) -> None:
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

    def breakpoints(self) -> np.ndarray:
        pts = np.broadcast_to(self.base.breakpoints(), (*self.batch_shape, self.base.breakpoints().shape[-1]))
        return self._mapped(pts)

    @property
    def modes(self) -> np.ndarray:
        pts = np.broadcast_to(self.base.modes, (*self.batch_shape, self.base.modes.shape[-1]))
        return self._mapped(pts)

    @property
    def support(self) -> Interval:
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
    def mean(self) -> np.ndarray:
        if isinstance(self.transform, Affine):
            return self.transform.loc + self.transform.scale * self.base.mean
        raise NotImplementedError("the mean of a nonlinear pushforward is not known in closed form")

    @property
    def variance(self) -> np.ndarray:
        if isinstance(self.transform, Affine):
            return self.transform.scale**2 * self.base.variance
        raise NotImplementedError("the variance of a nonlinear pushforward is not known in closed form")

    def cdf(self, x: ArrayLike) -> np.ndarray:
        x = _check_x(x)
        with np.errstate(invalid="ignore", divide="ignore"):
            z = self.transform.inverse(x)
        support = self.support
        below = x < support.low  # outside the generator's image: the inverse is undefined there
        z = np.where(np.isnan(z), 0.0, z)
        u = self.base.cdf(z)
        u = u if np.all(self.transform.increasing) else 1.0 - u
        return np.where(below, 0.0, np.where(x > support.high, 1.0, u))

    def asymptote(self, point: float, side: int) -> Asymptote | None:
        """The base's expansion carried through G (affine maps, and the exp and sinh generators)."""
        if self.batch_shape != ():
            return None
        t = self.transform
        if isinstance(t, Affine):
            m, s = float(t.loc), float(t.scale)
            zpoint = (point - m) / s if math.isfinite(point) else math.copysign(math.inf, point * s)
            a = self.base.asymptote(zpoint, side if s > 0 else -side)
            if a is None or a.absent:
                return a
            if math.isinf(point):
                return _affine_tail(a, m if point > 0 else -m, abs(s))
            # finite end: t_z = 1/|z − e_z| = |s|·t, so L_z = L + log|s|
            t2, t1, l2, l1, ll = a.coef
            if t2 or t1:
                return None
            ls = math.log(abs(s))
            return Asymptote((0.0, 0.0, l2, l1 + 2.0 * ls * l2, ll), a.const + l2 * ls * ls + l1 * ls - ls)
        kind = getattr(t, "kind", None)
        if kind not in ("exp", "sinh"):
            return None
        low = 0.0 if kind == "exp" else -math.inf
        if not (point > low or (point == low and side > 0)):
            return ABSENT
        if math.isfinite(point) and point != low:
            with np.errstate(all="ignore"):
                value = float(self.logpdf(point))
            return Asymptote(const=value) if np.isfinite(value) else None
        # x → ∞ (or x → 0⁺ for exp): z = G⁻¹(x) → ±∞ with |z| = L + c, c = 0 (exp) or log 2 (sinh);
        # log p_x = log p_z(z) − log|G'(z)| and log|G'(z)| = |z| − c + o(1) → ∓L
        zend = math.inf if point > 0 else -math.inf
        a = self.base.asymptote(zend, -1 if zend > 0 else 1)
        if a is None or a.absent:
            return a
        t2, t1, l2, l1, ll = a.coef
        if l2 or ll:
            return None
        c = 0.0 if kind == "exp" else math.log(2.0)
        jac = 1.0 if (kind == "exp" and point == 0.0) else -1.0  # exp at 0⁺: −z = +L
        return Asymptote((0.0, 0.0, t2, 2.0 * c * t2 + t1 + jac, l1), a.const + t2 * c * c + t1 * c)

    def broadcast_to(self, shape: int | tuple[int, ...]) -> Pushforward:
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

    def __repr__(self) -> str:
        return f"Pushforward({self.base!r}, {self.transform!r})"


def _strategy(draw):
    """x = G(z): affine generators (either orientation) of any light- or heavy-tailed base, and the
    nonlinear monotone generators exp (log-normal) and sinh of a bounded Normal."""
    from hypothesis import strategies as st

    affine_base = st.one_of(draw.family("normal"), draw.family("laplace"), draw.family("student_t", heavy_tails=False))
    sign = st.sampled_from([1.0, -1.0])
    affine = st.builds(
        lambda base, shift, s, sgn: Pushforward(base, Affine(shift, sgn * s)),
        affine_base, st.floats(-5.0, 5.0), st.floats(0.25, 4.0), sign,
    )
    small_normal = st.builds(Normal, st.floats(-2.0, 2.0), st.floats(0.1, 1.5))
    nonlinear = st.builds(lambda base, g: Pushforward(base, g()), small_normal, st.sampled_from([Monotone.exp, Monotone.sinh]))
    return st.one_of(affine, nonlinear)


FAMILY = DensityFamily(
    name="pushforward",
    cls=Pushforward,
    parameters=("base", "transform"),
    examples=(Pushforward(Normal(0.0, 1.0), Monotone.exp()), Pushforward(Laplace(0.0, 1.0), Affine(1.0, -2.0))),
    strategy=_strategy,
)
