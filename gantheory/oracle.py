r"""An independent high-precision oracle: mpmath tanh–sinh quadrature at ≥ 30 digits.

It shares nothing numeric with :mod:`gantheory.quadrature`: densities are re-implemented here in
mpmath arithmetic (arbitrary exponent range, so e^{−500000} is not 0), the integration method is
tanh–sinh rather than Gauss–Kronrod, and splitting uses a different, coarser point set. Use it to
produce golden values (:mod:`gantheory.cases`) and in tests; it is slow (~0.1–2 s per value).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import mpmath as mp

from gantheory.densities import Density, family_of
from gantheory.errors import GanTheoryError

__all__ = ["mp_logpdf", "reference_value"]


def mp_logpdf(density: Density) -> Callable[[Any], mp.mpf]:
    """An mpmath function x ↦ log p(x) for a single density of a family whose
    :data:`~gantheory.densities.DENSITIES` row gives its mpmath form (``mp_logpdf``)."""
    if density.batch_shape != ():
        raise GanTheoryError("the oracle evaluates single densities, not batches")
    row = _row(density)
    return row.mp_logpdf(density, mp_logpdf)


def _row(density):
    try:
        row = family_of(density)
    except GanTheoryError:
        row = None
    if row is None or row.mp_logpdf is None or row.mp_features is None:
        raise GanTheoryError(f"the oracle does not know {type(density).__name__}")
    return row


def _features(density):
    """(centre, scale) of every component, for the oracle's own split points."""
    return _row(density).mp_features(density, _features)


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
    # the f-divergences of the claims, each q·f(p/q) written out again (conventions of gantheory.divergences)
    "reverse_kl": lambda p, q: (q * mp.log(q / p) if p else mp.inf) if q else 0,
    "pearson": lambda p, q: ((p - q) ** 2 / q if q else mp.inf) if p else q,
    "neyman": lambda p, q: ((p - q) ** 2 / p if p else mp.inf) if q else p,
    "squared_hellinger": lambda p, q: (mp.sqrt(p) - mp.sqrt(q)) ** 2,
    "triangular": lambda p, q: (p - q) ** 2 / (p + q) if p or q else 0,
}
# the GAN divergence of gantheory.divergences is C(G) = 2·JSD − log 4, the criterion's integrand
_KERNELS["gan"] = _KERNELS["criterion"]


def reference_value(p: Density, q: Density, quantity: str = "js", dps: int = 40) -> mp.mpf:
    """∫ kernel(p, q) dx by mpmath tanh–sinh at ``dps`` digits over the oracle's own split points.

    ``quantity`` is a key of ``_KERNELS``: ``js``, ``kl``, ``criterion`` (= ``gan``), ``total_variation``,
    ``mass_p``, ``reverse_kl``, ``pearson``, ``neyman``, ``squared_hellinger``, ``triangular`` (the conventions
    of :data:`gantheory.divergences.DIVERGENCES`).
    """
    kernel = _KERNELS[quantity]
    with mp.workdps(dps):
        # built inside the working precision: their constants (log Γ, log w) get dps digits too
        lp, lq = mp_logpdf(p), mp_logpdf(q)

        def f(x):
            a, b = lp(x), lq(x)
            return kernel(mp.exp(a) if a != mp.ninf else 0, mp.exp(b) if b != mp.ninf else 0)

        pts = [mp.mpf(repr(x)) for x in _split_points(p, q)]
        return +mp.quad(f, [mp.ninf, *pts, mp.inf], maxdegree=10)
