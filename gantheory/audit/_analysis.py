"""Pointwise game analysis: implied optimal discriminator, family fits, generator kinds (numpy only).

At a point x with data density p and generator density q, a separable discriminator loss is
minimised by the logit

.. math::

    a^*(t) = \\arg\\min_a \\; t\\,\\ell_r(a) + (1 - t)\\,\\ell_f(a), \\qquad t = \\frac{p}{p + q},

and the minimum :math:`m(t)` (a concave function of t, being a minimum of affine functions) fixes the
value of the game: :math:`\\min_D L_D = \\int (p + q)\\, m\\big(p/(p+q)\\big)\\,dx`. The known answers:

=================  ====================================  ==========================================
family             implied optimum                        reference
=================  ====================================  ==========================================
standard           σ(a*) = p/(p+q)                        Goodfellow et al. 2014, Prop. 1
label_smoothing    σ(a*) = (α p + β q)/(p+q)              Salimans et al. 2016, §3.4
class_weighted     σ(a*) = w_r p/(w_r p + w_f q)          (weighted cross-entropy)
least_squares      a* = (b p + a q)/(p+q)                  Mao et al. 2017, Prop. 1
hinge              a* = m·sign(p − q) (m = ∞: WGAN-like)   Lim & Ye 2017, §3
swapped            σ(a*) = q/(p+q)                        (labels exchanged)
=================  ====================================  ==========================================

The minimiser is found on a sinh-spaced grid of logits in [−60, 60] and refined by bisection on the
derivative (autograd), which is robust for the convex losses of the table and still returns the grid
minimum for the non-convex slips; a minimum at the end of the grid (or on a plateau reaching it) is an
unbounded optimum a* = ±∞.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from scipy.special import expit, logit

# Fits of exact pointwise identities: the solver is converged to ~1e-12, so a family that holds
# shows residuals at rounding level; 1e-6 separates "holds" from "close but different".
FIT_ATOL = 1e-6
# Plateau detection: values equal to the grid minimum up to rounding.
PLATEAU_RTOL = 1e-12
A_MAX = 60.0
_GRID = A_MAX * np.sinh(np.linspace(-5.0, 5.0, 601)) / math.sinh(5.0)
# Weights t = p/(p+q) at which the implied optimum is measured (½ excluded: hinge is flat there).
T_GRID = np.concatenate([[1e-3], np.linspace(0.02, 0.48, 24), np.linspace(0.52, 0.98, 24),
                         [1 - 1e-3]])


def softplus(x):
    """log(1 + e^x), stable: logaddexp(0, x)."""
    return np.logaddexp(0.0, x)


@dataclass(frozen=True)
class ImpliedOptimum:
    """Measured a*(t) and m(t) on ``t``; ``a_star`` is ±inf where the optimum is unbounded."""

    t: np.ndarray
    a_star: np.ndarray
    value: np.ndarray  # m(t); -inf when the loss is unbounded below
    flat_half: tuple[float, float]  # the set of optimal logits at t = ½ (an interval on the grid)


def solve_optimum(terms, t: np.ndarray, *, refine: bool = True) -> ImpliedOptimum:
    """Minimise t·ℓ_r(a) + (1−t)·ℓ_f(a) over the logit a for every t (vectorised)."""
    t = np.asarray(t, dtype=np.float64)
    lr, lf = terms.both(_GRID)
    phi = t[:, None] * lr[None, :] + (1 - t)[:, None] * lf[None, :]
    phi = np.where(np.isfinite(phi) | (phi == -np.inf), phi, np.inf)  # NaN never wins
    k = np.argmin(phi, axis=1)
    rows = np.arange(t.size)
    best = phi[rows, k]
    tol = PLATEAU_RTOL * (1 + np.abs(best)) + 1e-13
    low_edge = phi[:, 0] <= best + tol
    high_edge = phi[:, -1] <= best + tol
    a_star = _GRID[k].astype(np.float64)
    value = best.copy()
    if refine:
        inner = ~low_edge & ~high_edge & (k > 0) & (k < _GRID.size - 1)
        if inner.any():
            a_star[inner] = _bisect(terms, t[inner], _GRID[k[inner] - 1], _GRID[k[inner] + 1],
                                    a_star[inner])
            r, f = terms.both(a_star[inner])
            refined = t[inner] * r + (1 - t[inner]) * f
            value[inner] = np.minimum(refined, best[inner])
    for edge, sign, idx in ((low_edge, -1.0, 0), (high_edge, 1.0, -1)):
        only = edge & ~(low_edge & high_edge)
        a_star[only] = sign * np.inf
        # Unbounded below if φ still falls steadily at the end of the grid (linear critics).
        with np.errstate(invalid="ignore"):
            slope = ((phi[:, idx] - phi[:, idx - 10 * int(sign)])
                     / abs(_GRID[idx] - _GRID[idx - 10 * int(sign)]))
        diverging = only & (slope < -1e-6)
        value[diverging] = -np.inf
    both_edges = low_edge & high_edge
    a_star[both_edges] = np.nan
    half = 0.5 * lr + 0.5 * lf
    hb = np.min(half)
    flat = _GRID[half <= hb + 1e-9 * (1 + abs(hb))]
    if flat.size < 3 and refine:  # a unique optimum at t = ½: refine it like the others
        kh = int(np.argmin(half))
        if 0 < kh < _GRID.size - 1:
            ah = float(_bisect(terms, np.array([0.5]), _GRID[kh - 1:kh], _GRID[kh + 1:kh + 2],
                               _GRID[kh:kh + 1])[0])
            flat = np.array([ah])
    return ImpliedOptimum(t, a_star, value, (float(flat.min()), float(flat.max())))


def _bisect(terms, t, lo, hi, fallback, iterations: int = 60):
    """Root of d/da [t ℓ_r + (1−t) ℓ_f] in [lo, hi]; the grid point where no sign change exists."""
    lo, hi = lo.copy(), hi.copy()

    def dphi(a):
        gr, gf = terms.derivatives(a)
        return t * gr + (1 - t) * gf

    d_lo, d_hi = dphi(lo), dphi(hi)
    ok = (d_lo <= 0) & (d_hi >= 0)
    for _ in range(iterations):
        mid = 0.5 * (lo + hi)
        d = dphi(mid)
        go_right = d < 0
        lo = np.where(go_right, mid, lo)
        hi = np.where(go_right, hi, mid)
        if np.all(hi - lo <= 4e-16 * np.maximum(1.0, np.abs(hi))):
            break
    return np.where(ok, 0.5 * (lo + hi), fallback)


# -- family fits ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class FamilyFit:
    family: str
    params: dict = field(default_factory=dict)
    residual: float = 0.0
    evidence: str = ""


def _linear_fit(x, y):
    A = np.stack([np.ones_like(x), x], axis=1)
    coef, *_ = np.linalg.lstsq(A, y, rcond=None)
    return coef, float(np.max(np.abs(A @ coef - y)))


def _clean(x: float, digits: int = 9) -> float:
    return float(round(x, digits)) + 0.0


def fit_family(opt: ImpliedOptimum, unbounded_below: bool) -> FamilyFit:
    """Match the measured a*(t) against the families of the module table (first match wins)."""
    t, a = opt.t, opt.a_star
    if np.all(np.isfinite(a)):
        d = expit(a)
        (beta, slope), res = _linear_fit(t, d)
        alpha = beta + slope
        if res < FIT_ATOL:
            if abs(alpha - 1) < FIT_ATOL and abs(beta) < FIT_ATOL:
                return FamilyFit("standard", {}, res, "σ(a*) = p/(p+q)")
            if abs(alpha) < FIT_ATOL and abs(beta - 1) < FIT_ATOL:
                return FamilyFit("swapped", {}, res, "σ(a*) = q/(p+q)")
            alpha, beta = _clean(alpha), _clean(beta)
            return FamilyFit("label_smoothing", {"alpha": alpha, "beta": beta}, res,
                             f"σ(a*) = ({alpha:.6g}·p + {beta:.6g}·q)/(p+q)")
        shift = a - logit(t)
        if np.ptp(shift) < FIT_ATOL:
            c = float(np.mean(shift))
            # Normalised so that the real term has weight 1: w_f / w_r = e^{−c}.
            return FamilyFit("class_weighted", {"weight_real": 1.0, "weight_fake": _clean(math.exp(-c)),
                                                "log_weight_ratio": _clean(c)}, float(np.ptp(shift)),
                             f"a* − logit(p/(p+q)) = {c:.6g} (constant)")
        (a0, slope), res = _linear_fit(t, a)
        if res < FIT_ATOL and abs(slope) > FIT_ATOL:
            b = a0 + slope
            return FamilyFit("least_squares", {"a": _clean(a0), "b": _clean(b)}, res,
                             f"a* = ({b:.6g}·p + {a0:.6g}·q)/(p+q)")
        hi, lo = a[t > 0.5], a[t < 0.5]
        if np.ptp(hi) < FIT_ATOL and np.ptp(lo) < FIT_ATOL and hi[0] > 0 and abs(hi[0] + lo[0]) < FIT_ATOL:
            return FamilyFit("hinge", {"margin": _clean(float(hi[0])), "unbounded": False}, 0.0,
                             f"a* = {hi[0]:.6g}·sign(p − q)")
        return FamilyFit("unrecognised", {}, math.inf, "a*(t) matches no known family")
    if (np.all(a[t > 0.5] == np.inf) and np.all(a[t < 0.5] == -np.inf)):
        if unbounded_below:
            return FamilyFit("hinge", {"margin": None, "unbounded": True}, 0.0,
                             "a* = ±∞·sign(p − q): an unconstrained linear critic (WGAN-like)")
        return FamilyFit("unrecognised", {}, math.inf,
                         "a* = ±∞·sign(p − q) with a bounded loss: the optimum is a hard 0/1 decision")
    if np.all(a[t > 0.5] == -np.inf) and np.all(a[t < 0.5] == np.inf):
        return FamilyFit("unrecognised", {}, math.inf,
                         "a* = ∓∞·sign(p − q): the optimum calls real samples fake, without bound")
    return FamilyFit("unrecognised", {}, math.inf, "a*(t) is unbounded for some t")


# -- pointwise signatures: textbook terms and known slips ----------------------------------------
# name -> (ℓ_real form, ℓ_fake form, diagnosis code or None, description). Each form is matched as
# s·form(a) + c with s > 0, on |a| ≤ 8 where every correct float64 implementation is exact.
SIGNATURES = {
    "standard": (lambda a: softplus(-a), lambda a: softplus(a), None,
                 "−log σ(a) on real, −log(1 − σ(a)) on fake"),
    "swapped": (lambda a: softplus(a), lambda a: softplus(-a), "swapped_labels",
                "real samples labelled 0 and fake samples labelled 1"),
    "log_sigmoid_one_minus": (lambda a: softplus(-a), lambda a: softplus(a - 1.0),
                              "log_sigmoid_one_minus",
                              "fake term is −log σ(1 − a) instead of −log(1 − σ(a))"),
    "double_sigmoid": (lambda a: softplus(-expit(a)), lambda a: softplus(expit(a)), "double_sigmoid",
                       "a sigmoid is applied twice: −log σ(σ(a)) and −log(1 − σ(σ(a)))"),
    "sign_flip": (lambda a: -softplus(-a), lambda a: -softplus(a), "sign_flip",
                  "the loss is the negated cross-entropy: D maximises its own error"),
    "missing_log": (lambda a: -expit(a), lambda a: expit(a), "missing_log",
                    "−D(x) + D(G(z)) with D = σ(a): the log is missing"),
    "hinge": (lambda a: np.maximum(0.0, 1.0 - a), lambda a: np.maximum(0.0, 1.0 + a), None,
              "max(0, 1 − a) on real, max(0, 1 + a) on fake"),
    "linear": (lambda a: -a, lambda a: a, None, "−a on real, a on fake (WGAN critic)"),
}


@dataclass(frozen=True)
class SignatureMatch:
    name: str
    code: str | None
    description: str
    scale_real: float
    scale_fake: float
    residual: float
    params: dict = field(default_factory=dict)


def _scale_fit(y, form):
    """Best s, c in y ≈ s·form + c; returns (s, c, max residual relative to the range of y)."""
    A = np.stack([form, np.ones_like(form)], axis=1)
    (s, c), *_ = np.linalg.lstsq(A, y, rcond=None)
    scale = max(np.ptp(y), 1e-300)
    return float(s), float(c), float(np.max(np.abs(A @ np.array([s, c]) - y)) / scale)


def match_signature(terms) -> SignatureMatch | None:
    """The catalogued pointwise form (up to positive scales and a constant) the terms follow, if any."""
    a = np.linspace(-8.0, 8.0, 161)
    lr, lf = terms.both(a)
    if not (np.all(np.isfinite(lr)) and np.all(np.isfinite(lf))):
        return None
    for name, (fr, ff, code, desc) in SIGNATURES.items():
        sr, _, rr = _scale_fit(lr, fr(a))
        sf, _, rf = _scale_fit(lf, ff(a))
        if sr > 0 and sf > 0 and max(rr, rf) < FIT_ATOL:
            return SignatureMatch(name, code, desc, sr, sf, max(rr, rf))
    # Least squares: both terms exact quadratics s(a − b)² and s'(a − a0)².
    cr, cf = np.polyfit(a, lr, 2), np.polyfit(a, lf, 2)
    rr = np.max(np.abs(np.polyval(cr, a) - lr)) / max(np.ptp(lr), 1e-300)
    rf = np.max(np.abs(np.polyval(cf, a) - lf)) / max(np.ptp(lf), 1e-300)
    if cr[0] > 0 and cf[0] > 0 and max(rr, rf) < FIT_ATOL:
        b, a0 = -cr[1] / (2 * cr[0]), -cf[1] / (2 * cf[0])
        return SignatureMatch("least_squares", None, "s·(a − b)² on real, s'·(a − a₀)² on fake",
                              float(cr[0]), float(cf[0]), float(max(rr, rf)),
                              {"a": _clean(a0, 6), "b": _clean(b, 6)})
    return None


# -- generator ------------------------------------------------------------------------------------
GENERATOR_FORMS = {
    "non_saturating": (lambda a: softplus(-a), "−log σ(a) = −log D(G(z)) (Goodfellow et al. 2014, §3)"),
    "minimax": (lambda a: -softplus(a), "log(1 − σ(a)) = log(1 − D(G(z))) (Goodfellow et al. 2014, eq. 1)"),
    "hinge": (lambda a: -a, "−a = −D(G(z)) (Lim & Ye 2017; Miyato et al. 2018)"),
}


@dataclass(frozen=True)
class GeneratorFit:
    kind: str
    params: dict
    description: str
    saturation_gradient: float
    residual: float


def classify_generator(term) -> GeneratorFit:
    """Match ℓ_g(a) − ℓ_g(0) against the catalogued generator losses (positive scale, any constant)."""
    a = np.linspace(-8.0, 8.0, 161)
    lg = term(a)
    _, g_sat = term(np.array([-20.0]), grad=True)
    g_sat = float(g_sat[0])
    if np.all(np.isfinite(lg)):
        for kind, (form, desc) in GENERATOR_FORMS.items():
            s, _, r = _scale_fit(lg, form(a))
            if s > 0 and r < FIT_ATOL:
                return GeneratorFit(kind, {"scale": _clean(s, 9)}, desc, g_sat, r)
        coef = np.polyfit(a, lg, 2)
        r = np.max(np.abs(np.polyval(coef, a) - lg)) / max(np.ptp(lg), 1e-300)
        if coef[0] > 0 and r < FIT_ATOL:
            c = -coef[1] / (2 * coef[0])
            return GeneratorFit("least_squares", {"c": _clean(c, 6), "scale": _clean(coef[0], 9)},
                                "s·(a − c)² (Mao et al. 2017, eq. 9)", g_sat, float(r))
    return GeneratorFit("other", {}, "matches no catalogued generator loss", g_sat, math.inf)


def fixed_point_check(term, opt_full: ImpliedOptimum) -> tuple[bool | None, str]:
    """Is p_g = p_data a minimiser of the generator's objective facing the optimal discriminator?

    With D at its optimum a*(t), the generator minimises
    :math:`J(q) = \\int q\\, g(p/q)\\,dx` with :math:`g(u) = \\ell_g(a^*(u/(1+u)))`. Since
    :math:`\\int q\\,(p/q - 1) = 0`, q = p is a global minimiser for every p exactly when g lies above
    a line through (1, g(1)): :math:`\\max_{u<1} S(u) \\le \\min_{u>1} S(u)` with
    :math:`S(u) = (g(u) - g(1))/(u - 1)` (Jensen; necessity by two-point q). At t = ½ the optimal D
    may be a set (hinge); g(1) is then the generator's best value on that set.
    """
    t, a = opt_full.t, opt_full.a_star
    if not np.all(np.isfinite(a)):
        return None, ("the optimal discriminator is unbounded, so the pointwise game has no fixed "
                      "point; it needs a constrained critic (e.g. Lipschitz, Arjovsky et al. 2017)")
    g = term(a)
    lo, hi = opt_full.flat_half
    g1 = float(np.min(term(np.linspace(lo, hi, 41)))) if hi > lo else float(term(np.array([lo]))[0])
    u = t / (1 - t)
    s = (g - g1) / (u - 1)
    left, right = float(np.max(s[t < 0.5])), float(np.min(s[t > 0.5]))
    tol = 1e-7 * (1 + max(abs(left), abs(right)))
    if left <= right + tol:
        return True, (f"g(u) = ℓ_g(a*(u/(1+u))) lies above a line through u = 1 "
                      f"(slopes {left:.4g} ≤ {right:.4g}), so p_g = p_data minimises the generator's "
                      f"objective against the optimal discriminator")
    # Worst two-point counterexample: mass at u_left < 1 and u_right > 1.
    return False, (f"no supporting line at u = 1 (max slope left {left:.4g} > min slope right "
                   f"{right:.4g}): against the optimal discriminator the generator can lower its "
                   f"loss by moving away from p_data")
