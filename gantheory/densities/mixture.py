r"""Finite mixtures :math:`p = \sum_k w_k p_k` of densities, evaluated in log space."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from gantheory.densities.asymptotics import Asymptote, heaviest
from gantheory.densities.base import (
    Density,
    DensityFamily,
    FiniteSupport,
    Interval,
    _check_x,
    _mp,
    _param,
)
from gantheory.densities.laplace import Laplace
from gantheory.densities.normal import Normal
from gantheory.errors import GanTheoryError
from gantheory.tolerances import TOLERANCES

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

__all__ = ["Mixture"]


class Mixture(Density):
    r"""Finite mixture :math:`p(x) = \sum_k w_k\, p_k(x)`, evaluated as :math:`\operatorname{logsumexp}_k(\log w_k + \log p_k(x))`.

    Args:
        components: non-empty sequence of densities (all continuous or all discrete); each may be a batch.
        weights: shape ``(..., K)``; non-negative, finite, summing to 1 within ``TOLERANCES["weights_sum_atol"]`` along the last axis.

    Example:
        >>> p = Mixture([Normal(-2.0, 0.5), Normal(2.0, 0.5)], weights=[0.3, 0.7])
        >>> round(float(p.pdf(2.0)), 6)  # 0.7 · N(2; 2, 0.5) + 0.3 · N(2; -2, 0.5)
        0.558519
    """

    def __init__(self, components: Sequence[Density], weights: ArrayLike | None = None) -> None:
        try:
            components = list(components) if components is not None else []
        except TypeError as exc:
            raise GanTheoryError(f"parameter 'components' must be a sequence of densities, got {components!r}") from exc
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
                f"parameter 'weights' must sum to 1 within {TOLERANCES['weights_sum_atol']:g} (sums: {total}); renormalise explicitly"
            )
        try:
            self.batch_shape = np.broadcast_shapes(weights.shape[:-1], *(c.batch_shape for c in components))
        except ValueError as exc:
            raise GanTheoryError(f"mixture components and weights do not broadcast: {exc}") from exc
        self.components = tuple(components)
        self.weights = weights
        self.is_discrete = components[0].is_discrete

    def _normal_terms(self, x):
        """log w_k + log N(x; μ_k, σ_k) for a mixture of Normals, four in-place passes per component
        (c_k − ((x − μ_k)/(σ_k√2))², c_k = log w_k − log σ_k − ½ log 2π), or None for other components."""
        if not all(type(c) is Normal for c in self.components):
            return None
        with np.errstate(divide="ignore"):
            log_w = np.log(self.weights)
        shape = np.broadcast_shapes(np.shape(x), np.shape(log_w[..., 0]),
                                    *(np.shape(v) for c in self.components for v in (c.loc, c.scale)))
        terms = []
        for k, c in enumerate(self.components):
            t = np.empty(shape)
            np.subtract(x, c.loc, out=t)
            with np.errstate(over="ignore"):  # beyond |z| ~ 1e154, z² = inf: log p = −inf, its limit
                # times the reciprocal (finite: scales are >= SCALE_MIN = 1e-300), ~2x cheaper than a divide
                np.multiply(t, 1.0 / (c.scale * _SQRT2), out=t)
                np.multiply(t, t, out=t)
            np.subtract(log_w[..., k] - np.log(c.scale) - _HALF_LOG_2PI, t, out=t)
            terms.append(t)
        return terms

    def _logpdf(self, x):
        terms = self._normal_terms(x)
        if terms is not None:
            return _logsumexp_sorted(terms) if len(terms) in (2, 3) else _logsumexp_terms(terms)
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
        return _logsumexp_terms(terms)

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

    def breakpoints(self) -> np.ndarray:
        return self._component_points("breakpoints")

    def _core_breakpoints(self) -> np.ndarray | None:
        if self.is_discrete:
            return None
        parts = [c._core_breakpoints() for c in self.components]
        if any(pt is None for pt in parts):
            return None
        return np.concatenate([np.broadcast_to(pt, (*self.batch_shape, pt.shape[-1])) for pt in parts], axis=-1)

    def _outside_mass(self, low, high):
        parts = [c._outside_mass(low, high) for c in self.components]
        if self.is_discrete or any(m is None for m in parts):
            return None
        return sum(self.weights[..., k] * m for k, m in enumerate(parts))

    @property
    def modes(self) -> np.ndarray:
        return self._component_points("modes")

    @property
    def support(self) -> Interval | FiniteSupport:
        if self.is_discrete:
            return FiniteSupport(np.unique(self.breakpoints(), axis=-1) if self.batch_shape == () else self.breakpoints())
        lows = np.stack(np.broadcast_arrays(*(c.support.low for c in self.components)), -1)
        highs = np.stack(np.broadcast_arrays(*(c.support.high for c in self.components)), -1)
        return Interval(np.broadcast_to(lows.min(-1), self.batch_shape), np.broadcast_to(highs.max(-1), self.batch_shape))

    @property
    def mean(self) -> np.ndarray:
        means = np.stack(np.broadcast_arrays(*(c.mean for c in self.components)), -1)
        return np.sum(self.weights * means, axis=-1) + np.zeros(self.batch_shape)

    @property
    def variance(self) -> np.ndarray:
        means = np.stack(np.broadcast_arrays(*(c.mean for c in self.components)), -1)
        var = np.stack(np.broadcast_arrays(*(c.variance for c in self.components)), -1)
        m = np.sum(self.weights * means, axis=-1)
        return np.sum(self.weights * (var + means**2), axis=-1) - m * m + np.zeros(self.batch_shape)

    def cdf(self, x: ArrayLike) -> np.ndarray:
        x = _check_x(x)
        cdfs = np.stack(np.broadcast_arrays(*(c.cdf(x) for c in self.components)), -1)
        return np.sum(self.weights * cdfs, axis=-1)

    def log_terms(self, x: ArrayLike) -> np.ndarray:
        """log w_k + log p_k(x) for every component, stacked on a new last axis (single mixtures): where
        the largest term changes hands, log p has a kink of width ~ the components' scales."""
        x = _check_x(x)
        with np.errstate(divide="ignore"):
            log_w = np.log(self.weights)
        return np.stack([np.broadcast_to(c._logpdf(x) + log_w[..., k], np.shape(x)) for k, c in enumerate(self.components)], -1)

    def asymptote(self, point: float, side: int) -> Asymptote | None:
        """The heaviest component's expansion (ties: their constants add), absent where all are."""
        if self.batch_shape != () or self.is_discrete:
            return None
        parts = []
        for w, c in zip(self.weights, self.components, strict=True):
            if w > 0:
                a = c.asymptote(point, side)
                if a is None:
                    return None
                parts.append((float(np.log(w)), a))
        return heaviest(parts)

    def finite_ends(self) -> tuple[float, ...]:
        """Every component's finite ends (a gap between components starts and stops at them)."""
        if self.batch_shape != ():
            return ()
        return tuple(sorted({e for c in self.components for e in c.finite_ends()}))

    def broadcast_to(self, shape: int | tuple[int, ...]) -> Mixture:
        k = len(self.components)
        return self._trusted([c.broadcast_to(shape) for c in self.components], np.broadcast_to(self.weights, (*shape, k)))

    def _trusted(self, components, weights):
        """A mixture of views of this one's (already validated) components and weights, not re-checked:
        batched quadrature slices every chunk and every adaptive round (~10% of its time, issue 13)."""
        new = object.__new__(Mixture)
        new.batch_shape = np.broadcast_shapes(weights.shape[:-1], *(c.batch_shape for c in components))
        new.components, new.weights, new.is_discrete = tuple(components), weights, self.is_discrete
        return new

    def _index(self, index):
        # only components narrower than the batch are broadcast (re-validating a full 10⁶ batch for every
        # slice made chunked quadrature quadratic: 65 ms per chunk)
        comps = [c if c.batch_shape == self.batch_shape else c.broadcast_to(self.batch_shape) for c in self.components]
        weights = np.broadcast_to(self.weights, (*self.batch_shape, len(self.components)))
        return self._trusted([c[index] for c in comps], weights[index])

    def __repr__(self) -> str:
        comps = ", ".join(repr(c) for c in self.components)
        return f"Mixture([{comps}], weights={np.array2string(self.weights, threshold=6)})"


_SQRT2 = np.sqrt(2.0)
_HALF_LOG_2PI = 0.5 * np.log(2.0 * np.pi)


def _logsumexp_sorted(terms):
    """log(e^a + e^b [+ e^c]) = top + log1p(e^{mid − top} [+ e^{low − top}]) for two or three arrays (of one
    shape), with the terms ordered by a min/max network: one exponential fewer than the generic form (the top
    term's e^0 = 1 is not computed), and log1p keeps full accuracy where one component dominates. Falls back
    to :func:`_logsumexp_terms` where the largest term is not finite."""
    a, b = terms[0], terms[1]
    top, low = np.asarray(np.maximum(a, b)), np.asarray(np.minimum(a, b))  # arrays even for 0-d inputs
    if len(terms) == 3:
        c = terms[2]
        mid = np.asarray(np.minimum(top, c))
        np.maximum(top, c, out=top)
        np.maximum(low, mid, out=mid)  # the median of a, b, c
        np.minimum(low, c, out=low)
    if not np.isfinite(top.sum()):  # finite sum: every top finite (an overflowing sum only takes the general path)
        return _logsumexp_terms(terms)
    with np.errstate(under="ignore"):
        np.subtract(low, top, out=low)
        np.maximum(low, -700.0, out=low)  # below e^-700 of the top a term cannot change the sum
        np.exp(low, out=low)
        if len(terms) == 3:
            np.subtract(mid, top, out=mid)
            np.maximum(mid, -700.0, out=mid)
            np.exp(mid, out=mid)
            low += mid
    np.log1p(low, out=low)
    low += top
    return low


def _logsumexp_terms(terms):
    """log Σ_k e^{t_k} over a list of arrays (overwritten), shifted by the running max so no exp overflows;
    all-(−inf) points stay −inf (0/0 never forms)."""
    if len(terms) == 1:
        return terms[0]
    shape = np.broadcast_shapes(*(np.shape(t) for t in terms))  # components of different batch shapes
    terms = [t if np.shape(t) == shape else np.array(np.broadcast_to(t, shape), dtype=np.float64) for t in terms]
    top = np.array(np.maximum(terms[0], terms[1]), dtype=np.float64)  # an array even for 0-d inputs
    for t in terms[2:]:
        np.maximum(top, t, out=top)
    finite = np.isfinite(top)
    finite_all = bool(finite.all())
    shift = top if finite_all else np.where(finite, top, 0.0)
    total = None
    with np.errstate(over="ignore", invalid="ignore"):
        for t in terms:
            np.subtract(t, shift, out=t)
            if finite_all:
                # terms below e^-700 of the largest cannot change the sum; clamping avoids the
                # slow subnormal exp path (see gantheory.numerics.exp)
                np.maximum(t, -700.0, out=t)
                np.exp(t, out=t)
            else:
                # e^t with exact zeros below e^-700 (so all-(-inf) points stay -inf); written out
                # rather than numerics.exp because t may be 0-d here (a scalar x)
                below = t < -700.0
                np.maximum(t, -700.0, out=t)
                np.exp(t, out=t)
                t[below] = 0.0
            if total is None:
                total = t  # the first term's buffer accumulates the sum
            else:
                total += t
    with np.errstate(divide="ignore"):
        np.log(total, out=total)
    total += shift
    return total if finite_all else np.where(np.isposinf(top), np.inf, total)


# Mixtures draw light- and moderately heavy-tailed continuous components (Beta and pmfs stay out:
# a Beta's endpoint behaviour and atoms are exercised on their own).
_COMPONENT_FAMILIES = ("normal", "laplace", "student_t", "uniform")


def _strategy(draw):
    from hypothesis import strategies as st

    component = st.one_of(*(draw.family(f, heavy_tails=False) for f in _COMPONENT_FAMILIES))

    @st.composite
    def build(data):
        k = data(st.integers(2, draw.max_components))
        components = [data(component) for _ in range(k)]
        return Mixture(components, data(draw.weights(k)))

    return build()


def _mp_logpdf(m, component):
    import mpmath as mp

    parts = [(mp.log(_mp(w)), component(c)) for w, c in zip(m.weights, m.components, strict=True) if w > 0]

    def lp(x):
        vals = [lw + f(x) for lw, f in parts]
        top = max(vals)
        if top == mp.ninf:
            return mp.ninf
        return top + mp.log(mp.fsum(mp.exp(v - top) for v in vals))

    return lp


FAMILY = DensityFamily(
    name="mixture",
    cls=Mixture,
    parameters=("components", "weights"),
    examples=(Mixture([Normal(-2.0, 0.5), Laplace(2.0, 1.0)], [0.4, 0.6]),),
    strategy=_strategy,
    mp_logpdf=_mp_logpdf,
    mp_features=lambda m, component: [f for c in m.components for f in component(c)],
)
