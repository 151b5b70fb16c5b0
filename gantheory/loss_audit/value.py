"""The value of the discriminator loss at its optimum, and the divergence it is an affine map of.

With the pointwise minimum :math:`m(t)` of :mod:`gantheory.loss_audit.optimum` and :math:`\\tau = \\log p - \\log q`,

.. math::

    \\min_D L_D(p, q) = L(0, 0) + \\int (p + q)\\, m\\big(\\sigma(\\tau(x))\\big)\\,dx ,

evaluated by :func:`gantheory.quadrature.integrate` on the Gaussian :data:`PAIRS` of
:data:`gantheory.cases.CASES` and regressed on the rows :data:`CANDIDATES` of
:data:`gantheory.divergences.DIVERGENCES` (their conventions: JSD with the ½, TV = ½∫|p − q|,
Δ = ∫(p − q)²/(p + q), H² = ∫(√p − √q)² without a ½): a fit :math:`\\min_D L_D = A\\,\\mathcal D + B` with residual
at quadrature level identifies the game. Textbook cases: cross-entropy gives
:math:`\\log 4 - 2\\,\\mathrm{JSD}` (Goodfellow et al. 2014, Thm. 1), least squares gives an affine map
of the triangular discrimination :math:`\\Delta = \\int (p-q)^2/(p+q)` (Mao et al. 2017, Thm. 1), hinge
gives :math:`2 - 2\\,\\mathrm{TV}` (Lim & Ye 2017).
A game affine in H² gets its slope on the table's H² = ∫(√p − √q)²: half the slope it had on the
½-convention ½∫(√p − √q)² this module used before the divergence table became one.

:math:`m` is tabulated on nodes in τ and interpolated by cubic Hermite splines whose slopes come from
the envelope theorem, :math:`m'(t) = \\ell_r(a^*) - \\ell_f(a^*)`; the two sides of τ = 0 are separate
splines, so the kink of the hinge family at p = q is represented exactly.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from gantheory.densities import Normal
from gantheory.loss_audit.optimum import Terms, minimise
from gantheory.numerics import LOG4, sigmoid
from gantheory.tolerances import TOLERANCES

TAU_MAX = 30.0  # σ(±30) differs from 0/1 by 1e-13: beyond it m(t) is at its end value.
# Relative residual of an affine fit that counts as an identity (reason in gantheory.tolerances).
IDENTITY_RTOL = TOLERANCES["audit_identity_rtol"]

# Gaussian pairs of gantheory.cases.CASES: identical, overlapping to well separated, equal and unequal
# scales; enough distinct pairs that two fitted numbers (slope, intercept) single out one divergence.
PAIRS = ("identical-normal", "shifted-normal", "gauss-unequal-scale", "gauss-narrow-far", "gauss-wide-apart")
# Their ((loc, scale) of p, (loc, scale) of q), as CASES states them (tests/loss_audit/test_audit_value.py checks
# that the two agree). Written here because importing gantheory.cases evaluates every case's closed-form
# reference at import (scipy.special: ~0.3 s of the CLI audit's 1.5 s), and the audit needs only the pairs.
PAIR_PARAMS = {"identical-normal": ((0.0, 1.0), (0.0, 1.0)), "shifted-normal": ((0.0, 1.0), (1.0, 1.0)),
               "gauss-unequal-scale": ((0.0, 1.0), (1.0, 1.5)), "gauss-narrow-far": ((0.0, 1.0), (3.0, 0.5)),
               "gauss-wide-apart": ((-2.0, 0.7), (2.0, 2.0))}
# Rows of gantheory.divergences.DIVERGENCES the value is regressed on, in the order ties are broken.
CANDIDATES = ("js", "total_variation", "triangular", "squared_hellinger")


def gaussian_pairs() -> tuple[Normal, Normal]:
    """The :data:`PAIRS` as one batch of Normal densities (p, q), for one vectorised quadrature."""
    pairs = [PAIR_PARAMS[name] for name in PAIRS]
    p = Normal([pp[0] for pp, _ in pairs], [pp[1] for pp, _ in pairs])
    q = Normal([qq[0] for _, qq in pairs], [qq[1] for _, qq in pairs])
    return p, q


@dataclass(frozen=True)
class ValueIdentification:
    """min_D L_D on the pairs, and the best affine fit A·divergence + B (``identified`` if exact);
    ``divergence`` is a key of :data:`gantheory.divergences.DIVERGENCES`."""

    values: tuple
    divergence: str | None
    symbol: str | None
    slope: float
    intercept: float
    residual: float
    identified: bool
    statement: str


def pointwise_minimum(terms: Terms) -> Callable[[np.ndarray], np.ndarray] | None:
    """m as a function of τ = log p − log q (vectorised numpy), or None when unbounded below."""
    nodes = np.linspace(0.0, TAU_MAX, 401)
    # both sides' nodes in one vectorised solve (a node just off ½ at τ = 0, not a tolerance: each side its own)
    taus = [sign * nodes for sign in (-1.0, 1.0)]
    ts = [np.where(tau == 0, 0.5 + sign * 1e-12, sigmoid(tau)) for sign, tau in zip((-1.0, 1.0), taus, strict=True)]
    t_both = np.concatenate(ts)
    a_both, v_both = minimise(terms, t_both)
    if np.any(v_both == -np.inf):
        return None
    # Envelope slopes dm/dτ = (ℓ_r(a*) − ℓ_f(a*))·t(1 − t) where the optimum is attained (one batched call);
    # finite differences where it is at ±∞.
    envelope = np.full_like(t_both, np.nan)
    finite = np.isfinite(a_both)
    if finite.any():
        r, f = terms.both(a_both[finite])
        envelope[finite] = (r - f) * t_both[finite] * (1 - t_both[finite])
    sides = []
    for i, tau in enumerate(taus):
        order = np.argsort(tau)
        part = slice(i * nodes.size, (i + 1) * nodes.size)
        tau, value, known = tau[order], v_both[part][order], envelope[part][order]
        slope = np.where(np.isnan(known), np.gradient(value, tau), known)
        sides.append(_cubic_hermite(tau, value, slope))
    neg, pos = sides

    def m(tau):
        tau = np.clip(tau, -TAU_MAX, TAU_MAX)
        return np.where(tau < 0, neg(np.minimum(tau, 0.0)), pos(np.maximum(tau, 0.0)))

    return m


def _cubic_hermite(x: np.ndarray, y: np.ndarray, dy: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
    """The piecewise-cubic Hermite interpolant of values ``y`` and slopes ``dy`` at increasing nodes ``x``.

    The same interpolant as ``scipy.interpolate.CubicHermiteSpline`` (the end pieces extrapolate), written
    here in numpy because importing ``scipy.interpolate`` alone cost the CLI audit ~0.4 s.
    """
    h = np.diff(x)

    def evaluate(u):
        u = np.asarray(u, dtype=float)
        k = np.clip(np.searchsorted(x, u, side="right") - 1, 0, len(x) - 2)
        s = (u - x[k]) / h[k]
        s2, s3 = s * s, s * s * s
        return ((2 * s3 - 3 * s2 + 1) * y[k] + (s3 - 2 * s2 + s) * h[k] * dy[k]
                + (-2 * s3 + 3 * s2) * y[k + 1] + (s3 - s2) * h[k] * dy[k + 1])

    return evaluate


def identify_value(terms: Terms) -> ValueIdentification:
    from gantheory.divergences import DIVERGENCES
    from gantheory.quadrature import f_divergence, integrate

    m = pointwise_minimum(terms)
    if m is None:
        return ValueIdentification((), None, None, math.nan, math.nan, math.inf, False,
                                   "min over D of the loss is −∞ whenever p ≠ q: the unconstrained "
                                   "critic is unbounded (WGAN needs a Lipschitz constraint, "
                                   "Arjovsky et al. 2017)")
    p, q = gaussian_pairs()

    def integrand(x, lp, lq):
        lse = np.logaddexp(lp, lq)
        ok = np.isfinite(lse)
        tau = np.where(ok, lp - lq, 0.0)
        tau = np.where(np.isnan(tau), 0.0, tau)
        return np.where(ok, np.exp(np.where(ok, lse, 0.0)) * m(tau), 0.0)

    values = np.asarray(integrate(integrand, p, q, kink=True, name="min_D L_D").value) + terms.base
    best = None
    for key in CANDIDATES:
        symbol = DIVERGENCES[key].symbol
        div = np.asarray(f_divergence(p, q, key).value, dtype=np.float64)
        A = np.stack([div, np.ones_like(div)], axis=1)
        (slope, intercept), *_ = np.linalg.lstsq(A, values, rcond=None)
        resid = float(np.max(np.abs(A @ np.array([slope, intercept]) - values)))
        rel = resid / max(float(np.ptp(values)), 1e-300)  # floor: no division by zero
        if best is None or rel < best[0]:
            best = (rel, key, symbol, float(slope), float(intercept))
    rel, key, symbol, slope, intercept = best
    identified = rel < IDENTITY_RTOL
    form = f"{slope:.6g}·{symbol} {intercept:+.6g}"
    if identified:
        statement = f"min over D of the loss = {form}"
        if key == "js":
            k = -slope / 2.0
            shift = -intercept + k * LOG4
            shown = TOLERANCES["audit_display_atol"]
            scaled = "" if abs(k - 1) < shown else f"{k:.6g}·"
            statement += (f"; i.e. −min L_D = {scaled}(2·JSD − log 4)"
                          + ("" if abs(shift) < shown else f" up to the additive constant {shift:.4f}"))
    else:
        names = ", ".join(DIVERGENCES[k].symbol for k in CANDIDATES)
        statement = (f"min over D of the loss is not an affine map of {names} "
                     f"(best: {form}, relative residual {rel:.2g})")
    return ValueIdentification(tuple(float(v) for v in values), key if identified else None,
                               symbol if identified else None, slope, intercept, rel, identified,
                               statement)
