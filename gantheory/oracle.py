r"""An independent high-precision oracle: mpmath tanh–sinh quadrature at ≥ 30 digits.

It shares nothing numeric with :mod:`gantheory.quadrature`: densities are re-implemented here in
mpmath arithmetic (arbitrary exponent range, so e^{−500000} is not 0), the integration method is
tanh–sinh rather than Gauss–Kronrod, and splitting uses a different, coarser point set. Use it to
produce golden values (:mod:`gantheory.cases`) and in tests; it is slow (~0.1–2 s per value).
"""

from __future__ import annotations

import mpmath as mp

from gantheory.densities import Density, Laplace, Mixture, Normal, StudentT, Uniform
from gantheory.errors import GanTheoryError

__all__ = ["mp_logpdf", "reference_value"]


def _scalar(v):
    return mp.mpf(repr(float(v)))


def mp_logpdf(density: Density):
    """An mpmath function x ↦ log p(x) for a scalar Normal, StudentT, Laplace, Uniform or Mixture thereof."""
    if density.batch_shape != ():
        raise GanTheoryError("the oracle evaluates single densities, not batches")
    if isinstance(density, Normal):
        m, s = _scalar(density.loc), _scalar(density.scale)
        return lambda x: -((x - m) ** 2) / (2 * s * s) - mp.log(s) - mp.log(2 * mp.pi) / 2
    if isinstance(density, StudentT):
        nu, m, s = _scalar(density.df), _scalar(density.loc), _scalar(density.scale)
        c = mp.loggamma((nu + 1) / 2) - mp.loggamma(nu / 2) - mp.log(nu * mp.pi) / 2 - mp.log(s)
        return lambda x: c - (nu + 1) / 2 * mp.log(1 + ((x - m) / s) ** 2 / nu)
    if isinstance(density, Laplace):
        m, b = _scalar(density.loc), _scalar(density.scale)
        return lambda x: -abs(x - m) / b - mp.log(2 * b)
    if isinstance(density, Uniform):
        a, b = _scalar(density.low), _scalar(density.high)
        return lambda x: -mp.log(b - a) if a <= x <= b else mp.ninf
    if isinstance(density, Mixture):
        parts = [(mp.log(_scalar(w)), mp_logpdf(c)) for w, c in zip(density.weights, density.components) if w > 0]

        def lp(x):
            vals = [lw + f(x) for lw, f in parts]
            top = max(vals)
            if top == mp.ninf:
                return mp.ninf
            return top + mp.log(mp.fsum(mp.exp(v - top) for v in vals))

        return lp
    raise GanTheoryError(f"the oracle does not know {type(density).__name__}")


def _features(density):
    """(centre, scale) of every component, for the oracle's own split points."""
    if isinstance(density, Mixture):
        return [f for c in density.components for f in _features(c)]
    if isinstance(density, Uniform):
        return [(float(density.low), 0.0), (float(density.high), 0.0)]
    return [(float(density.loc), float(density.scale))]


def _split_points(p, q):
    pts = set()
    for centre, scale in _features(p) + _features(q):
        for k in (0, 0.5, 1, 2, 3, 5, 8, 12, 20, 30, 40):
            pts.update((centre - k * scale, centre + k * scale))
    return sorted(pts)


_KERNELS = {
    # integrands in terms of p, q (mpf, possibly 0); 0·log 0 = 0 by the guards.
    "js": lambda p, q: (p * mp.log(2 * p / (p + q)) if p else 0) / 2 + (q * mp.log(2 * q / (p + q)) if q else 0) / 2,
    "kl": lambda p, q: (p * mp.log(p / q) if q else mp.inf) if p else 0,
    "criterion": lambda p, q: (p * mp.log(p / (p + q)) if p else 0) + (q * mp.log(q / (p + q)) if q else 0),
    "total_variation": lambda p, q: abs(p - q) / 2,
    "mass_p": lambda p, q: p,
}


def reference_value(p: Density, q: Density, quantity: str = "js", dps: int = 40) -> mp.mpf:
    """∫ kernel(p, q) dx by mpmath tanh–sinh at ``dps`` digits over the oracle's own split points.

    ``quantity`` is one of ``js``, ``kl``, ``criterion``, ``total_variation``, ``mass_p``.
    """
    kernel = _KERNELS[quantity]
    with mp.workdps(dps):
        # the densities' constants (log Γ terms, log weights) are computed when built: build them at dps
        lp, lq = mp_logpdf(p), mp_logpdf(q)

        def f(x):
            a, b = lp(x), lq(x)
            return kernel(mp.exp(a) if a != mp.ninf else 0, mp.exp(b) if b != mp.ninf else 0)

        pts = [mp.mpf(repr(x)) for x in _split_points(p, q)]
        return +mp.quad(f, [mp.ninf] + pts + [mp.inf], maxdegree=10)
