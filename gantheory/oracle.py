r"""An independent high-precision oracle: mpmath tanh–sinh quadrature at ≥ 30 digits.

It shares nothing numeric with :mod:`gantheory.quadrature`: densities are re-implemented here in
mpmath arithmetic (arbitrary exponent range, so e^{−500000} is not 0), the integration method is
tanh–sinh rather than Gauss–Kronrod, and splitting uses a different, coarser point set. Use it to
produce golden values (:mod:`gantheory.cases`) and in tests; it is slow (~0.1–2 s per value).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from typing import Any

import mpmath as mp

from gantheory.densities import Density, family_of
from gantheory.densities.base import MP_BINARY_PARAMETERS
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
    "jeffreys": lambda p, q: ((p - q) * mp.log(p / q) if p and q else mp.inf) if p or q else 0,
}
# the GAN divergence of gantheory.divergences is C(G) = 2·JSD − log 4, the criterion's integrand
_KERNELS["gan"] = _KERNELS["criterion"]


def _bisect(g, lo, hi, iterations=80):
    s_lo = g(lo) > 0
    for _ in range(iterations):
        mid = (lo + hi) / 2
        if (g(mid) > 0) == s_lo:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def _kinks(p, q, lp, lq, pts, per_interval=12):
    """Kinks of the integrands, bisected at the working precision after a scan of ``pts`` refined
    ``per_interval`` times: crossings of p and q (kinks of |p − q|) and, for each mixture, the points
    where its dominant component changes (log p bends there within the components' scales)."""
    finite = [x for x in pts if mp.isfinite(x)]
    grid = [a + (b - a) * k / per_interval for a, b in itertools.pairwise(finite) for k in range(per_interval)]
    grid += finite[-1:]
    roots = []

    def diff(x):
        a, b = lp(x), lq(x)
        return mp.mpf(0) if a == b == mp.ninf else a - b

    values = [diff(x) for x in grid]
    for i in range(len(grid) - 1):
        lo, hi = grid[i], grid[i + 1]
        v0, v1 = values[i], values[i + 1]
        # an infinite value at a node (a density vanishing, or a pole, at a support end): the sign just inside
        # decides (the crossing of Beta(1.38, 2.9) with U(0, 1) at 0.013 lies between the end 0, where
        # log p = −inf, and the next node; Beta(0.52, 1)'s pole at 0 is no crossing)
        if mp.isinf(v0):
            lo = lo + (hi - lo) * mp.mpf("1e-12")
            v0 = diff(lo)
        if mp.isinf(v1):
            hi = hi - (hi - lo) * mp.mpf("1e-12")
            v1 = diff(hi)
        if mp.isfinite(v0) and mp.isfinite(v1) and v0 * v1 < 0:
            roots.append(_bisect(diff, lo, hi))
    for d in (p, q):
        comps = getattr(d, "components", None)
        if comps is None or len(comps) < 2:
            continue
        terms = [(mp.log(mp.mpf(float(w))), mp_logpdf(c)) for w, c in zip(d.weights, comps, strict=True) if w > 0]
        top = [max(range(len(terms)), key=lambda k, x=x: terms[k][0] + terms[k][1](x)) for x in grid]
        for i in range(len(grid) - 1):
            if top[i] != top[i + 1]:
                (wi, fi), (wj, fj) = terms[top[i]], terms[top[i + 1]]
                roots.append(_bisect(lambda x, wi=wi, fi=fi, wj=wj, fj=fj: (wi + fi(x)) - (wj + fj(x)), grid[i], grid[i + 1]))
    return roots


def reference_value(p: Density, q: Density, quantity: str | Callable = "js", dps: int = 40, *,
                    binary: bool = False) -> mp.mpf:
    """∫ kernel(p, q) dx by mpmath tanh–sinh at ``dps`` digits over the oracle's own split points.

    ``quantity`` is a key of ``_KERNELS``: ``js``, ``kl``, ``criterion`` (= ``gan``), ``total_variation``,
    ``mass_p``, ``reverse_kl``, ``pearson``, ``neyman``, ``squared_hellinger``, ``triangular`` (the conventions
    of :data:`gantheory.divergences.DIVERGENCES`), or a kernel ``(p, q) -> mpf`` of its own (mpmath
    arithmetic, p and q possibly 0), e.g. q·f(p/q) for a user's f written out again.

    Split points: each component's centre ± k·scale, the crossings of p and q and the switches between
    mixture components (found on a scan and bisected at the working precision; mixture switches are
    only taken where the two components are both in play, which the bisection of their difference
    gives). The piece next to a finite end of either support is integrated after the substitution
    x = e ± h·e^{−y}, so an integrable pole (Beta(0.02, 1) at 0) is a smooth decaying integrand in y; the
    two infinite tails after x = x₀ ± (e^u − 1), so an algebraic tail (χ² of t₁ against t₁.₉, ~x^{−1.1})
    decays exponentially in u.

    ``binary``: read the parameters as the exact binary doubles (what the float64 engine integrates)
    instead of the decimals written (the convention of :mod:`gantheory.cases`).
    """
    token = MP_BINARY_PARAMETERS.set(binary)
    try:
        return _reference_value(p, q, quantity, dps)
    finally:
        MP_BINARY_PARAMETERS.reset(token)


# The substituted tail x = x₀ ± (e^u − 1) stops at u = 1500 (|x| ≈ 1e651): an algebraic integrand
# |x|^{−1−κ} leaves e^{−1500κ} beyond it (below 1e-13 for κ ≥ 0.02, the heaviest tails the fuzz draws), and
# an exponential density there costs e^{−1e1300}-sized arithmetic, which is still fast; beyond it is not.
_TAIL_U = [0, 1, 4, 16, 64, 256, 1024, 1500]


def _algebraic(p, q, end):
    """A tail at the infinite ``end`` is algebraic or logarithmic (no e^{−c t} or e^{−c t²} factor) — then an
    integrand such as p·log(p/q) may decay only like |x|^{−1−κ}, which tanh–sinh on [x₀, ∞) misses (KL of a
    t₂.₅₅ against a narrow Gaussian mixture was 7.6e-6 low), so the substitution x = e^u is used."""
    side = -1 if end > 0 else 1
    found = [d.asymptote(end, side) for d in (p, q)]
    return any(a is not None and not a.absent and a.coef[0] == 0 and a.coef[1] == 0 for a in found)


def _at_end(f, end, h, y, sign):
    """f(end + sign·h·e^{−y})·h·e^{−y}, with the working precision raised so that end ± h·e^{−y} does not
    round onto the end (at a nonzero end the distance would otherwise be lost after ~dps digits)."""
    extra = int(y / 2.3) + 10 if end != 0 else 0
    if extra > 20000:  # e^{−y} below 1e-8700: the piece beyond is below any tolerance for the families here
        return mp.mpf(0)
    with mp.extradps(extra):
        w = h * mp.exp(-y)
        return f(end + sign * w) * w


def _reference_value(p, q, quantity, dps):
    if callable(quantity):
        kernel = quantity
    elif quantity in _KERNELS:
        kernel = _KERNELS[quantity]
    else:
        raise GanTheoryError(f"unknown oracle quantity {quantity!r} (known: {', '.join(_KERNELS)}, or a kernel callable)")
    with mp.workdps(dps):
        # built inside the working precision: their constants (log Γ, log w) get dps digits too
        lp, lq = mp_logpdf(p), mp_logpdf(q)

        def f(x):
            a, b = lp(x), lq(x)
            return kernel(mp.exp(a) if a != mp.ninf else 0, mp.exp(b) if b != mp.ninf else 0)

        pts = sorted({mp.mpf(float(x)) for x in _split_points(p, q)})
        ends = sorted({mp.mpf(e) for d in (p, q) for e in d.finite_ends()})
        pts = sorted(set(pts) | set(ends))
        kinks = _kinks(p, q, lp, lq, pts)
        pts = sorted(set(pts) | set(kinks))
        edges = [mp.ninf, *pts, mp.inf]
        total = mp.mpf(0)
        for a, b in itertools.pairwise(edges):
            if a == b:
                continue
            if a in ends and mp.isfinite(b):  # x = a + h e^{−y}, dx = h e^{−y} dy
                total += mp.quad(lambda y, a=a, h=b - a: _at_end(f, a, h, y, 1), [0, 1, 4, 16, 64, mp.inf])
            elif b in ends and mp.isfinite(a):
                total += mp.quad(lambda y, b=b, h=b - a: _at_end(f, b, h, y, -1), [0, 1, 4, 16, 64, mp.inf])
            elif a == mp.ninf and _algebraic(p, q, -math.inf):  # x = b − (e^u − 1), dx = e^u du
                total += mp.quad(lambda u, b=b: f(b + 1 - mp.exp(u)) * mp.exp(u), _TAIL_U)
            elif b == mp.inf and _algebraic(p, q, math.inf):
                total += mp.quad(lambda u, a=a: f(a - 1 + mp.exp(u)) * mp.exp(u), _TAIL_U)
            else:
                total += mp.quad(f, [a, b], maxdegree=10)
        return +total
