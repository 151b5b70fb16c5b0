r"""Independent references for the quadrature lens: mpmath at 30 digits and closed forms.

Nothing here calls :mod:`gantheory.quadrature` (a reference computed by the code under test would check
nothing): integrals are mpmath tanh–sinh at :data:`MP_DPS` digits on intervals split around every
Gaussian, densities are written out again in mpmath.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from gantheory.numerics import LOG2

if TYPE_CHECKING:
    import mpmath

__all__ = ["MP_DPS", "mp_f_divergence", "mp_gaussian_divergence", "mp_integral", "mp_jsd_location_derivative",
           "mp_normal_logpdf", "uniform_shift_jsd"]

MP_DPS = 30


def mp_normal_logpdf(x: mpmath.mpf, loc: float, scale: float) -> mpmath.mpf:
    """log N(x; loc, scale²) = −z²/2 − log scale − ½ log 2π, z = (x − loc)/scale, in mpmath."""
    import mpmath as mp

    z = (x - loc) / scale
    return -z * z / 2 - mp.log(scale) - mp.log(2 * mp.pi) / 2


def mp_integral(integrand: Callable[[mpmath.mpf], mpmath.mpf], locs: Iterable[float], scales: Iterable[float]) -> float:
    """∫ integrand(x) dx over ℝ with mpmath (tanh-sinh), split every scale around each Gaussian."""
    import mpmath as mp

    pts = sorted({float(loc + k * s) for loc, s in zip(locs, scales, strict=True) for k in (-12, -6, -3, 0, 3, 6, 12)})
    with mp.workdps(MP_DPS):
        return float(mp.quad(integrand, [-mp.inf, *[mp.mpf(p) for p in pts], mp.inf]))


def mp_gaussian_divergence(kind: str, p: tuple[float, float], q: tuple[float, float]) -> float:
    """A divergence of two Gaussians ``p = (loc, scale)`` and ``q`` by mpmath at 30 digits.

    kind: ``js`` (½ convention), ``criterion`` (C(G) = ∫ p log D* + q log(1 − D*)),
    ``triangular`` (½∫(p − q)²/(p + q)).
    """
    import mpmath as mp

    def f(x):
        lp, lq = mp_normal_logpdf(x, *p), mp_normal_logpdf(x, *q)
        pp, qq = mp.exp(lp), mp.exp(lq)
        s = pp + qq
        if s == 0:
            return mp.mpf(0)
        if kind == "js":
            return (pp * (lp - mp.log(s / 2)) + qq * (lq - mp.log(s / 2))) / 2
        if kind == "criterion":
            return pp * (lp - mp.log(s)) + qq * (lq - mp.log(s))
        if kind == "triangular":
            return (pp - qq) ** 2 / s / 2
        raise ValueError(kind)

    return mp_integral(f, (p[0], q[0]), (p[1], q[1]))


def mp_jsd_location_derivative(theta: float) -> float:
    r"""d/dθ JSD(N(θ, 1) ‖ N(0, 1)) = ½∫ ∂_θp_θ · log(2p_θ/(p_θ + q)) dx with ∂_θp_θ = (x − θ)p_θ (the
    other terms of the derivative integrate ∂_θp_θ against a constant and vanish), by mpmath."""
    import mpmath as mp

    def f(x):
        lp, lq = mp_normal_logpdf(x, theta, 1.0), mp_normal_logpdf(x, 0.0, 1.0)
        pp, qq = mp.exp(lp), mp.exp(lq)
        if pp == 0:
            return mp.mpf(0)
        return (x - theta) * pp * (mp.log(2) + lp - mp.log(pp + qq)) / 2

    return mp_integral(f, (theta, 0.0), (1.0, 1.0))


def mp_f_divergence(reference: Callable[..., mpmath.mpf], a: tuple[float, float], b: tuple[float, float]) -> float:
    """∫ reference(p, q, log p, log q) dx for Gaussians ``a = (loc, scale)``, ``b`` by mpmath."""
    import mpmath as mp

    def f(x):
        lp, lq = mp_normal_logpdf(x, *a), mp_normal_logpdf(x, *b)
        return reference(mp.exp(lp), mp.exp(lq), lp, lq)

    return mp_integral(f, (a[0], b[0]), (a[1], b[1]))


def uniform_shift_jsd(shift: float) -> float:
    """JSD(U(0, 1) ‖ U(s, 1 + s)) = min(s, 1)·log 2 (closed form: the overlap contributes 0, each
    non-overlapping piece of length s contributes ½·s·log 2 per density)."""
    return min(shift, 1.0) * LOG2

