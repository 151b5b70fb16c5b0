"""The value of the discriminator loss at its optimum, and the divergence it is an affine map of.

With the pointwise minimum :math:`m(t)` of :mod:`._analysis` and :math:`\\tau = \\log p - \\log q`,

.. math::

    \\min_D L_D(p, q) = L(0, 0) + \\int (p + q)\\, m\\big(\\sigma(\\tau(x))\\big)\\,dx ,

evaluated by :func:`gantheory.quadrature.integrate` on a fixed set of Gaussian pairs and regressed on
catalogued divergences :math:`\\mathcal D`: a fit :math:`\\min_D L_D = A\\,\\mathcal D + B` with residual
at quadrature level identifies the game. Textbook cases: cross-entropy gives
:math:`\\log 4 - 2\\,\\mathrm{JSD}` (Goodfellow et al. 2014, Thm. 1), least squares gives an affine map
of the triangular discrimination :math:`\\Delta = \\int (p-q)^2/(p+q)` (Mao et al. 2017, Thm. 1), hinge
gives :math:`2 - 2\\,\\mathrm{TV}` (Lim & Ye 2017).

:math:`m` is tabulated on nodes in τ and interpolated by cubic Hermite splines whose slopes come from
the envelope theorem, :math:`m'(t) = \\ell_r(a^*) - \\ell_f(a^*)`; the two sides of τ = 0 are separate
splines, so the kink of the hinge family at p = q is represented exactly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.interpolate import CubicHermiteSpline
from scipy.special import expit

from gantheory.audit._analysis import solve_optimum

TAU_MAX = 30.0  # σ(±30) differs from 0/1 by 1e-13: beyond it m(t) is at its end value.
# Relative residual of an affine fit that counts as an identity (quadrature ~1e-10, splines ~1e-8).
IDENTITY_RTOL = 1e-6

# (loc, scale) of q against p = N(0, 1): overlapping to well separated, equal and unequal scales.
PAIRS = ((0.5, 1.0), (1.0, 1.0), (2.0, 1.0), (0.0, 2.0), (1.0, 0.5), (3.0, 1.5))


def _hellinger_integrand(x, lp, lq):
    # ½(√p − √q)² = ½(p + q)(1 − 2√(t(1−t))), t = σ(log p − log q)
    lse = np.logaddexp(lp, lq)
    t = expit(np.where(np.isfinite(lse), lp - lq, 0.0))
    return np.where(np.isfinite(lse), 0.5 * np.exp(lse) * (1 - 2 * np.sqrt(t * (1 - t))), 0.0)


def _triangular_integrand(x, lp, lq):
    # (p − q)²/(p + q) = (p + q)·tanh²(τ/2), τ = log p − log q
    lse = np.logaddexp(lp, lq)
    tau = np.where(np.isfinite(lse), lp - lq, 0.0)
    return np.where(np.isfinite(lse), np.exp(lse) * np.tanh(0.5 * tau) ** 2, 0.0)


def _divergences():
    from gantheory import quadrature as Q

    return {
        "jsd": ("JSD", lambda p, q: Q.js_divergence(p, q)),
        "total_variation": ("TV", lambda p, q: Q.total_variation(p, q)),
        "triangular": ("Δ (triangular discrimination)",
                       lambda p, q: Q.integrate(_triangular_integrand, p, q, name="triangular")),
        "hellinger_squared": ("H²", lambda p, q: Q.integrate(_hellinger_integrand, p, q,
                                                             name="hellinger")),
    }


@dataclass(frozen=True)
class ValueIdentification:
    """min_D L_D on the pairs, and the best affine fit A·divergence + B (``identified`` if exact)."""

    values: tuple
    divergence: str | None
    symbol: str | None
    slope: float
    intercept: float
    residual: float
    identified: bool
    statement: str


def pointwise_minimum(terms):
    """m as a function of τ = log p − log q (vectorised numpy), or None when unbounded below."""
    nodes = np.linspace(0.0, TAU_MAX, 401)
    sides = []
    for sign in (-1.0, 1.0):
        tau = sign * nodes
        t = expit(tau)
        t = np.where(tau == 0, 0.5 + sign * 1e-12, t)
        opt = solve_optimum(terms, t)
        if np.any(opt.value == -np.inf):
            return None
        order = np.argsort(tau)
        tau, value, a_star, t = tau[order], opt.value[order], opt.a_star[order], t[order]
        # Envelope slopes where the optimum is attained; finite differences where it is at ±∞.
        slope = np.gradient(value, tau)
        finite = np.isfinite(a_star)
        if finite.any():
            r, f = terms.both(a_star[finite])
            slope[finite] = (r - f) * t[finite] * (1 - t[finite])
        sides.append(CubicHermiteSpline(tau, value, slope))
    neg, pos = sides

    def m(tau):
        tau = np.clip(tau, -TAU_MAX, TAU_MAX)
        return np.where(tau < 0, neg(np.minimum(tau, 0.0)), pos(np.maximum(tau, 0.0)))

    return m


def identify_value(terms) -> ValueIdentification:
    from gantheory.densities import Normal
    from gantheory.quadrature import integrate

    m = pointwise_minimum(terms)
    if m is None:
        return ValueIdentification((), None, None, math.nan, math.nan, math.inf, False,
                                   "min over D of the loss is −∞ whenever p ≠ q: the unconstrained "
                                   "critic is unbounded (WGAN needs a Lipschitz constraint, "
                                   "Arjovsky et al. 2017)")
    loc = np.array([c[0] for c in PAIRS])
    scale = np.array([c[1] for c in PAIRS])
    p = Normal(np.zeros_like(loc), np.ones_like(scale))
    q = Normal(loc, scale)

    def integrand(x, lp, lq):
        lse = np.logaddexp(lp, lq)
        ok = np.isfinite(lse)
        tau = np.where(ok, lp - lq, 0.0)
        tau = np.where(np.isnan(tau), 0.0, tau)
        return np.where(ok, np.exp(np.where(ok, lse, 0.0)) * m(tau), 0.0)

    values = np.asarray(integrate(integrand, p, q, kink=True, name="min_D L_D").value) + terms.base
    best = None
    for key, (symbol, fn) in _divergences().items():
        div = np.asarray(fn(p, q).value, dtype=np.float64)
        A = np.stack([div, np.ones_like(div)], axis=1)
        (slope, intercept), *_ = np.linalg.lstsq(A, values, rcond=None)
        resid = float(np.max(np.abs(A @ np.array([slope, intercept]) - values)))
        rel = resid / max(float(np.ptp(values)), 1e-300)
        if best is None or rel < best[0]:
            best = (rel, key, symbol, float(slope), float(intercept))
    rel, key, symbol, slope, intercept = best
    identified = rel < IDENTITY_RTOL
    form = f"{slope:.6g}·{symbol} {intercept:+.6g}"
    if identified:
        statement = f"min over D of the loss = {form}"
        if key == "jsd":
            k = -slope / 2.0
            shift = -intercept + k * math.log(4.0)
            scaled = "" if abs(k - 1) < 1e-6 else f"{k:.6g}·"
            statement += (f"; i.e. −min L_D = {scaled}(2·JSD − log 4)"
                          + ("" if abs(shift) < 1e-6 else f" up to the additive constant {shift:.4f}"))
    else:
        statement = (f"min over D of the loss is not an affine map of JSD, TV, Δ or H² "
                     f"(best: {form}, relative residual {rel:.2g})")
    return ValueIdentification(tuple(float(v) for v in values), key if identified else None,
                               symbol if identified else None, slope, intercept, rel, identified,
                               statement)
