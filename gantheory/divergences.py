r"""One table of divergences: one convention per name, read by every lens.

Each row of :data:`DIVERGENCES` is an f-divergence

.. math:: D_f(p\,\|\,q) = \int q(x)\, f\!\left(\frac{p(x)}{q(x)}\right) dx, \qquad f \text{ convex},\ f(1) = 0,

in nats (natural log). The row carries everything a lens needs, so no lens keeps a table of its own:

- the quadrature lens integrates ``Divergence.integrand(x, log p, log q)`` (log space, with the limits
  f(0) and lim f(u)/u where one density vanishes);
- the symbolic lens reads ``f_sympy``, ``conjugate_sympy`` and their domains (sympy source strings, so
  this module imports no sympy) — the f-GAN Table 1 of Nowozin et al. (2016);
- the audit regresses a loss's value at its optimum on these rows; claims and reports quote ``formula``.

Conventions (each pinned by a closed-form test in ``tests/test_divergences.py``):

========================  ============================================  =================
name                      value                                         range
========================  ============================================  =================
``kl``                    ∫ p log(p/q)                                  [0, ∞]
``reverse_kl``            ∫ q log(q/p)                                  [0, ∞]
``pearson``               ∫ (p − q)²/q                                  [0, ∞]
``neyman``                ∫ (p − q)²/p                                  [0, ∞]
``squared_hellinger``     ∫ (√p − √q)²  (no ½, as in f-GAN)              [0, 2]
``jeffreys``              ∫ (p − q) log(p/q)                            [0, ∞]
``total_variation``       ½ ∫ |p − q|                                   [0, 1]
``js``                    ½ KL(p‖m) + ½ KL(q‖m), m = (p+q)/2            [0, log 2]
``triangular``            ∫ (p − q)²/(p + q)  (Vincze–Le Cam)           [0, 2]
``gan``                   ∫ p log(p/(p+q)) + q log(q/(p+q)) = 2 JSD − log 4   [−log 4, 0]
========================  ============================================  =================

>>> sorted(DIVERGENCES)[:3]
['gan', 'jeffreys', 'js']
>>> DIVERGENCES["js"].upper
0.6931471805599453
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from gantheory.errors import GanTheoryError
from gantheory.numerics import LOG2, exp, log_sigmoid, weighted

__all__ = ["DIVERGENCES", "Divergence", "resolve_divergence"]

NOWOZIN = "Nowozin, Cseke & Tomioka (2016), f-GAN, Table 1"


@dataclass(frozen=True)
class Divergence:
    r"""An f-divergence D_f(p‖q) = ∫ q f(p/q), with f(1) = 0 and f convex.

    ``core(lp, lq)`` is the integrand q f(p/q) where both densities are positive (log space);
    ``f_at_zero`` = f(0) (the weight of q where p = 0) and ``f_slope_at_infinity`` = lim f(u)/u (the
    weight of p where q = 0). ``f_sympy`` (in ``u``) and ``conjugate_sympy`` (in ``t``) are sympy source
    strings, with the domain of f and the interval where the conjugate formula holds; ``lower`` and
    ``upper`` bound the value over all pairs. ``growth_at_infinity`` = (s, m) says |f(u)| ≍ u^s (log u)^m
    as u → ∞ and ``growth_at_zero`` = (s, m) that |f(u)| ≍ u^{−s} (log 1/u)^m as u → 0⁺ ((0, 0): bounded);
    with the densities' tail asymptotics they decide whether the integral is finite without integrating
    (``None``: not known). For a user's f they are estimated from f at u = e^{±100 … ±690}
    (``growth_estimated``), and decisions built on them say so. ``kernel_bound`` = c with
    |q f(p/q)| ≤ c·(p + q) at every x (None: unbounded or not proved); the quadrature engine bounds the tails
    beyond a batch's grid by c × their mass in closed form.
    """

    name: str
    formula: str
    f: Callable
    core: Callable
    f_at_zero: float
    f_slope_at_infinity: float
    kink: bool = False
    divergent_tail: bool = False
    reference: str = NOWOZIN
    f_sympy: str | None = None
    conjugate_sympy: str | None = None
    f_domain: str = "Interval.open(0, oo)"
    conjugate_domain: str = "Interval(-oo, oo)"
    lower: float = 0.0
    upper: float = math.inf
    symbol: str = ""
    growth_at_infinity: tuple[float, float] | None = None
    growth_at_zero: tuple[float, float] | None = None
    growth_estimated: bool = False
    kernel_bound: float | None = None

    def integrand(self, x: np.ndarray, lp: np.ndarray, lq: np.ndarray) -> np.ndarray:
        both = (lp > -np.inf) & (lq > -np.inf)
        if both.all():  # the common case: no zero density anywhere on the grid
            with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
                return self.core(lp, lq)
        with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
            core = self.core(np.where(both, lp, 0.0), np.where(both, lq, 0.0))
            only_p = weighted(lp, np.full(lp.shape, self.f_slope_at_infinity))
            only_q = weighted(lq, np.full(lq.shape, self.f_at_zero))
        return np.where(both, core, np.where(lp > -np.inf, only_p, only_q))


def _js_core(lp, lq):
    # ½[p log(2σ(d)) + q log(2σ(−d))], d = log p − log q, with log(2σ(±d)) = log 2 − softplus(∓d) and
    # softplus(∓d) = max(∓d, 0) + log1p(e^{−|d|}): the transcendental part is shared by both terms.
    d = lp - lq
    shared = np.log1p(exp(-np.abs(d)))
    return 0.5 * (exp(lp) * (LOG2 - np.maximum(-d, 0.0) - shared) + exp(lq) * (LOG2 - np.maximum(d, 0.0) - shared))


def _pearson_core(lp, lq):
    # (p − q)²/q written with the larger density factored out, so that no step adds a huge log to a
    # tiny one (lq + 2·log|e^{lp − lq} − 1| rounds lq + (lp − lq) to the wrong number where lq ≪ lp):
    #   p ≥ q:  p²/q · (1 − q/p)² = e^{2 lp − lq} · expm1(−(lp − lq))²
    #   p < q:  q · (p/q − 1)²     = e^{lq} · expm1(lp − lq)²
    d = lp - lq
    big = d > 0
    return np.where(big, exp(2.0 * lp - lq), exp(lq)) * np.expm1(-np.abs(d)) ** 2


def _neyman_core(lp, lq):
    # (p − q)²/p: Pearson with the roles of p and q exchanged.
    return _pearson_core(lq, lp)


def _hellinger_core(lp, lq):
    # (√p − √q)² = max(p, q) · (1 − e^{−|lp − lq|/2})²: stable in both directions (the form
    # q·(e^{(lp − lq)/2} − 1)² cancels catastrophically where q ≪ p; 1.3e33 for Cauchy vs N(0, 1)).
    return exp(np.maximum(lp, lq)) * np.expm1(-0.5 * np.abs(lp - lq)) ** 2


def _triangular_core(lp, lq):
    # (p − q)²/(p + q) = (p + q)·tanh²(d/2), d = log p − log q: no cancellation where p ≈ q.
    return exp(np.logaddexp(lp, lq)) * np.tanh(0.5 * (lp - lq)) ** 2


def _xlogx(u):
    from scipy.special import xlogy

    return xlogy(u, u)


# kernel_bound c with |q·f(p/q)| ≤ c·(p + q) at every x, for the bounded rows:
#   js:    ½[p log(2p/(p+q)) + q log(2q/(p+q))] = m·h(p/m), m = (p+q)/2, h(u) = ½[u log u + (2−u) log(2−u)] ∈ [0, log 2]
#   gan:   p log(p/(p+q)) + q log(q/(p+q)) = (p+q)[t log t + (1−t) log(1−t)] ∈ [−log 2, 0]·(p+q), t = p/(p+q)
#   total_variation: ½|p − q| ≤ ½(p + q);  squared_hellinger: (√p − √q)² ≤ p + q;  triangular: (p − q)²/(p + q) ≤ p + q
DIVERGENCES: dict[str, Divergence] = {
    d.name: d
    for d in [
        Divergence("kl", "f(u) = u log u;  KL(p‖q) = ∫ p log(p/q)", lambda u: _xlogx(u),
                   lambda lp, lq: exp(lp) * (lp - lq), 0.0, np.inf, divergent_tail=True,
                   f_sympy="u*log(u)", conjugate_sympy="exp(t - 1)", symbol="KL", growth_at_infinity=(1, 1), growth_at_zero=(0, 0)),
        Divergence("reverse_kl", "f(u) = −log u;  KL(q‖p)", lambda u: -np.log(u),
                   lambda lp, lq: exp(lq) * (lq - lp), np.inf, 0.0, divergent_tail=True,
                   f_sympy="-log(u)", conjugate_sympy="-1 - log(-t)", conjugate_domain="Interval.open(-oo, 0)",
                   symbol="KL(q‖p)", growth_at_infinity=(0, 1), growth_at_zero=(0, 1)),
        Divergence("pearson", "f(u) = (u − 1)²;  χ²(p‖q) = ∫ (p − q)²/q", lambda u: (u - 1.0) ** 2,
                   _pearson_core, 1.0, np.inf, divergent_tail=True,
                   f_sympy="(u - 1)**2", conjugate_sympy="t**2/4 + t", f_domain="Interval(-oo, oo)", symbol="χ²", growth_at_infinity=(2, 0), growth_at_zero=(0, 0)),
        Divergence("neyman", "f(u) = (1 − u)²/u;  ∫ (p − q)²/p", lambda u: (1.0 - u) ** 2 / u,
                   _neyman_core, np.inf, 1.0, divergent_tail=True,
                   f_sympy="(1 - u)**2/u", conjugate_sympy="2 - 2*sqrt(1 - t)", conjugate_domain="Interval.open(-oo, 1)",
                   symbol="χ²_N", growth_at_infinity=(1, 0), growth_at_zero=(1, 0)),
        Divergence("squared_hellinger", "f(u) = (√u − 1)²;  H² = ∫ (√p − √q)² (no ½, as in f-GAN)",
                   lambda u: (np.sqrt(u) - 1.0) ** 2,
                   _hellinger_core, 1.0, 1.0,
                   f_sympy="(sqrt(u) - 1)**2", conjugate_sympy="t/(1 - t)", conjugate_domain="Interval.open(-oo, 1)",
                   upper=2.0, symbol="H²", growth_at_infinity=(1, 0), growth_at_zero=(0, 0),
                   kernel_bound=1.0),
        Divergence("jeffreys", "f(u) = (u − 1) log u;  ∫ (p − q) log(p/q)", lambda u: (u - 1.0) * np.log(u),
                   lambda lp, lq: (exp(lp) - exp(lq)) * (lp - lq), np.inf, np.inf, divergent_tail=True,
                   f_sympy="(u - 1)*log(u)",
                   conjugate_sympy="LambertW(exp(1 - t)) + 1/LambertW(exp(1 - t)) + t - 2", symbol="J", growth_at_infinity=(1, 1), growth_at_zero=(0, 1)),
        Divergence("total_variation", "f(u) = ½|u − 1|;  TV = ½∫|p − q|", lambda u: 0.5 * np.abs(u - 1.0),
                   lambda lp, lq: 0.5 * np.abs(exp(lp) - exp(lq)), 0.5, 0.5, kink=True,
                   f_sympy="Abs(u - 1)/2", conjugate_sympy="t", conjugate_domain="Interval(-1/2, 1/2)",
                   upper=1.0, symbol="TV", growth_at_infinity=(1, 0), growth_at_zero=(0, 0),
                   kernel_bound=0.5),
        Divergence("js", "f(u) = ½[u log u − (u + 1) log((u + 1)/2)];  JSD (½ convention; f-GAN's row is 2·JSD)",
                   lambda u: 0.5 * (_xlogx(u) - (u + 1.0) * np.log((u + 1.0) / 2.0)), _js_core, 0.5 * LOG2, 0.5 * LOG2,
                   f_sympy="(u*log(u) - (u + 1)*log((u + 1)/2))/2", conjugate_sympy="-log(2 - exp(2*t))/2",
                   conjugate_domain="Interval.open(-oo, log(2)/2)", upper=LOG2, symbol="JSD", growth_at_infinity=(1, 0), growth_at_zero=(0, 0),
                   kernel_bound=0.5 * LOG2),
        Divergence("triangular", "f(u) = (u − 1)²/(u + 1);  Δ = ∫ (p − q)²/(p + q)",
                   lambda u: (u - 1.0) ** 2 / (u + 1.0), _triangular_core, 1.0, 1.0,
                   reference="Vincze 1981; Le Cam 1986 (triangular discrimination); Mao et al. 2017, Thm. 1",
                   f_sympy="(u - 1)**2/(u + 1)", conjugate_sympy="4 - t - 4*sqrt(1 - t)",
                   conjugate_domain="Interval.open(-3, 1)", upper=2.0, symbol="Δ", growth_at_infinity=(1, 0), growth_at_zero=(0, 0),
                   kernel_bound=1.0),
        Divergence("gan", "f(u) = u log u − (u + 1) log(u + 1);  = 2·JSD − log 4 = C(G)",
                   lambda u: _xlogx(u) - (u + 1.0) * np.log(u + 1.0),
                   lambda lp, lq: exp(lp) * log_sigmoid(lp - lq) + exp(lq) * log_sigmoid(lq - lp),
                   0.0, 0.0, reference="Goodfellow et al. (2014), Thm. 1; f-GAN Table 1 ('GAN')",
                   f_sympy="u*log(u) - (u + 1)*log(u + 1)", conjugate_sympy="-log(1 - exp(t))",
                   conjugate_domain="Interval.open(-oo, 0)", lower=-2 * LOG2, upper=0.0, symbol="C", growth_at_infinity=(0, 1), growth_at_zero=(0, 0),
                   kernel_bound=LOG2),
    ]
}


def resolve_divergence(f: str | Divergence | Callable) -> Divergence:
    """A :class:`Divergence` from a name of :data:`DIVERGENCES`, a row, or a user's convex callable f."""
    if isinstance(f, Divergence):
        return f
    if isinstance(f, str):
        if f in DIVERGENCES:
            return DIVERGENCES[f]
        close = difflib.get_close_matches(f, list(DIVERGENCES), n=3, cutoff=0.4)
        hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        raise GanTheoryError(f"unknown divergence {f!r} for parameter 'f'{hint} (known: {', '.join(DIVERGENCES)})")
    if callable(f):
        return _callable_divergence(f)
    raise GanTheoryError(f"parameter 'f' must be a divergence name or a callable, got {f!r}")


# The grid on which a user's f is checked: f(1) = 0 and convexity (a chord never below the graph).
_CHECK_U = np.concatenate([np.geomspace(1e-6, 1.0, 60, endpoint=False), np.geomspace(1.0, 1e6, 61)])


def _check_generator(fv: Callable, name: str) -> None:
    """D_f is a divergence only for convex f with f(1) = 0 (then D_f(p‖p) = 0 and D_f ≥ 0 by Jensen):
    check both on a grid of u ∈ [1e-6, 1e6] and name what fails, with a witness."""
    with np.errstate(all="ignore"):
        f1 = float(fv(np.array(1.0)))
        v = fv(_CHECK_U)
    if not np.isfinite(f1) or abs(f1) > 1e-12:
        raise GanTheoryError(f"parameter 'f' ({name}) must satisfy f(1) = 0 (got f(1) = {f1!r}); "
                             "otherwise D_f(p‖p) = f(1) ≠ 0. Subtract f(1)")
    if np.any(np.isnan(v)):
        raise GanTheoryError(f"parameter 'f' ({name}) returns NaN at u = {float(_CHECK_U[np.isnan(v)][0]):.3g}")
    # convexity: on consecutive triples u0 < u1 < u2, f(u1) ≤ chord; rounding allowance relative to |f|
    u0, u1, u2 = _CHECK_U[:-2], _CHECK_U[1:-1], _CHECK_U[2:]
    f0, f1_, f2 = v[:-2], v[1:-1], v[2:]
    finite = np.isfinite(f0) & np.isfinite(f1_) & np.isfinite(f2)
    lam = (u2 - u1) / (u2 - u0)
    chord = lam * f0 + (1 - lam) * f2
    slack = 1e-9 * (np.abs(f0) + np.abs(f1_) + np.abs(f2)) + 1e-12
    bad = finite & (f1_ > chord + slack)
    if bad.any():
        i = int(np.argmax(bad))
        raise GanTheoryError(f"parameter 'f' ({name}) is not convex: f({u1[i]:.4g}) = {f1_[i]:.6g} lies above the chord "
                             f"between u = {u0[i]:.4g} and {u2[i]:.4g} ({chord[i]:.6g}); an f-divergence needs convex f")


_GROWTH_L = np.linspace(100.0, 690.0, 60)
_CORE_CLIP = 300.0


def _estimated_growth(fv: Callable, toward_zero: bool) -> tuple[float, float] | None:
    """(s, m) with |f(u)| ≍ u^{±s} (log u^{±1})^m as u → ∞ (or 0⁺): log|f| fitted by s·L + m·log L + c at
    L = |log u| ∈ [100, 690] (where f is finite and nonzero; at least 20 points), accepted when the fit
    reproduces log|f| to 1e-3 (a finer log factor, log(L − 1) for u log u − u + 1, leaves ~1e-4). The
    exponents are snapped to the nearest 1/1000 (s) and 1/2 (m) when within 1e-3 and 0.1 of it: the
    fit's bias from such finer factors; the divergence decision treats them as estimates anyway.
    None: f oscillates, changes sign or follows no power-log law there."""
    u = np.exp(-_GROWTH_L) if toward_zero else np.exp(_GROWTH_L)
    with np.errstate(all="ignore"):
        v = np.abs(np.asarray(fv(u), dtype=np.float64))
        logv = np.log(v)
    ok = np.isfinite(logv)
    if ok.sum() < 20:
        return None
    L, y = _GROWTH_L[ok], logv[ok]
    basis = np.stack([L, np.log(L), np.ones_like(L)], axis=-1)
    coef, *_ = np.linalg.lstsq(basis, y, rcond=None)
    if np.max(np.abs(basis @ coef - y)) > 1e-3:
        return None
    s, m = float(coef[0]), float(coef[1])
    # toward 0, L = log(1/u): log|f| = s·L is |f| ≍ u^{−s}, the convention of ``growth_at_zero``
    s_snap, m_snap = round(s, 3), round(2.0 * m) / 2.0
    return (s_snap if abs(s - s_snap) < 1e-3 else s), (m_snap if abs(m - m_snap) < 0.1 else m)


def _callable_divergence(f: Callable) -> Divergence:
    """A user's convex f: integrand q·f(e^{lp − lq}); f(0) and lim f(u)/u measured, inf if unbounded."""

    def fv(u):
        u = np.asarray(u, dtype=np.float64)
        with np.errstate(all="ignore"):
            out = np.asarray(f(u), dtype=np.float64)
        return np.broadcast_to(out, u.shape)

    _check_generator(fv, getattr(f, "__name__", "f"))
    at_zero = _estimated_growth(fv, True)
    with np.errstate(all="ignore"):
        f0 = float(fv(np.array(0.0)))
        s1, s2 = (float(fv(np.array(u))) / u for u in (1e12, 1e15))
    slope = s2 if np.isfinite(s2) and abs(s2 - s1) <= 1e-3 * max(1.0, abs(s2)) else np.inf
    if np.isnan(f0):  # f(0) = lim f(u) as u → 0⁺ (u log u at 0): finite unless f grows there
        grows = at_zero is None or at_zero[0] > 0 or (at_zero[0] == 0 and at_zero[1] > 0)
        f0 = np.inf if grows else float(fv(np.array(1e-300)))
    name = getattr(f, "__name__", "f")
    at_infinity = _estimated_growth(fv, False)

    def core(lp, lq):
        # q·f(u), u = e^{lp − lq}, in log space: sign(f)·e^{lq + log|f(u)|}. f is evaluated at |log u| ≤ 300
        # (u^2 at u = e^{300} is still a float); beyond, log|f| is continued by its estimated growth
        # u^{±s}(log)^m, so that neither u nor f(u) nor q overflows or underflows into inf·0.
        d = lp - lq
        dc = np.clip(d, -_CORE_CLIP, _CORE_CLIP)
        fu = fv(np.exp(dc))
        with np.errstate(divide="ignore", invalid="ignore"):
            logf = np.log(np.abs(fu))
            for growth, beyond in ((at_infinity, d > _CORE_CLIP), (at_zero, d < -_CORE_CLIP)):
                if growth is not None and np.any(beyond):
                    s_, m_ = growth
                    extra = np.abs(d) - _CORE_CLIP
                    logf = np.where(beyond, logf + s_ * extra + m_ * np.log(np.abs(d) / _CORE_CLIP), logf)
            return np.sign(fu) * np.exp(lq + logf)

    return Divergence(name, f"user-supplied f ({name})", f, core, f0, slope, kink=True, divergent_tail=True,
                      reference="user-supplied", growth_at_infinity=at_infinity,
                      growth_at_zero=at_zero, growth_estimated=True)
