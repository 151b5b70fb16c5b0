r"""Closed-form asymptotics of log-densities at the ends of their supports.

Near an end of its support every family's log-density has a known expansion

.. math:: \log p = c_{t^2}\, t^2 + c_t\, t + c_{L^2}\, L^2 + c_L\, L + c_{LL} \log L + c_0 + o(1),
          \qquad L = \log t,

where ``t = |x|`` at an infinite end and ``t = 1/|x − e|`` at a finite end ``e`` (so t → ∞ in both cases):
a Gaussian tail is ``−t²/(2σ²) + μt/σ²``, a Laplace tail ``−t/b``, a Student-t tail ``−(ν + 1) L``, a
Beta end point ``(1 − a) L`` at 0, a log-normal tail ``−L²/(2σ²) + (μ/σ² − 1) L``. Each family writes its
own expansion (``Density.asymptote``); mixtures take the heaviest component, pushforwards substitute.

The quadrature engine reads these to decide, without integrating, whether an f-divergence is finite:
an integrand ``e^{g}`` with ``g`` a linear combination of such expansions is integrable at an end exactly
when :func:`integrable` says so. Coefficients are exact arithmetic on the parameters, so the decision
does not depend on where a shrinking shell happens to end (the failure mode of numerical tail tests:
x^{−1.1} called divergent, e^{−2|x| + x²/450} called convergent).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

__all__ = ["ABSENT", "Asymptote", "estimate", "integrable", "leading"]

# coefficient order = order of growth: t², t, L², L, log L
_N = 5
# a coefficient within this of zero or of a threshold, relative to the magnitude of the terms that were
# summed into that coefficient (``Asymptote.mag``: a Gaussian's t² coefficient 1/(2σ²) is 5e-13 at σ = 1e6
# and no tie with 0), is a tie the arithmetic cannot resolve (a rounding of an exact tie, or so close that
# no float64 quadrature could tell the two answers apart); the decision then says "undecided"
TIE_RTOL = 1e-12
# the tie tolerance for expansions estimated numerically (:func:`estimate`): a decision closer than this
# (relative) to a threshold is "undecided", since fitted coefficients carry fitting and rounding error
ESTIMATED_TIE_RTOL = 1e-6


@dataclass(frozen=True)
class Asymptote:
    """``log p ≈ Σ coef·(t², t, L², L, log L) + const`` as t → ∞ (see the module docstring).

    ``absent``: the density is identically zero on that side of the point (outside its support).
    ``known``: how many leading coefficients are known (all, for the closed forms; fewer for a Gaussian
    or exponential tail estimated numerically, :func:`estimate`): a decision that needs a later one
    is "undecided".
    """

    coef: tuple[float, ...] = (0.0,) * _N
    const: float = 0.0
    absent: bool = False
    known: int = _N
    # per coefficient, the sum of the magnitudes of the terms added into it (|coef| for a family's own
    # expansion): the scale a rounding tie is judged against, unit by unit (t² and t coefficients carry
    # 1/σ² and 1/σ, the log terms none, so one scale for all of them is wrong at σ = 1e6)
    mag: tuple[float, ...] | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.mag is None:
            object.__setattr__(self, "mag", tuple(abs(c) for c in self.coef))

    def __add__(self, other: Asymptote) -> Asymptote:
        return Asymptote(tuple(a + b for a, b in zip(self.coef, other.coef, strict=True)), self.const + other.const,
                         known=min(self.known, other.known),
                         mag=tuple(a + b for a, b in zip(self.mag, other.mag, strict=True)))

    def scaled(self, k: float) -> Asymptote:
        return Asymptote(tuple(k * a for a in self.coef), k * self.const, known=self.known,
                         mag=tuple(abs(k) * a for a in self.mag))

    def shifted(self, *, t2: float = 0.0, t1: float = 0.0, L2: float = 0.0, L1: float = 0.0, LL: float = 0.0,
                const: float = 0.0) -> Asymptote:
        add = (t2, t1, L2, L1, LL)
        return Asymptote(tuple(a + b for a, b in zip(self.coef, add, strict=True)), self.const + const, known=self.known,
                         mag=tuple(a + abs(b) for a, b in zip(self.mag, add, strict=True)))

    def is_tie(self, i: int, tie: float = TIE_RTOL, threshold: float = 0.0) -> bool:
        """Whether coefficient ``i`` equals ``threshold`` up to rounding: within ``tie`` relative to the
        magnitudes summed into it (and to the threshold)."""
        return abs(self.coef[i] - threshold) <= tie * max(self.mag[i], abs(threshold))

    def log_value(self, log_t: float) -> float:
        """The expansion at t = e^{log_t} (t may be far beyond float range)."""
        t2, t1, l2, l1, ll = self.coef
        if log_t >= 700 and (t2 or t1):  # t itself overflows: the leading power decides
            return math.copysign(math.inf, t2 or t1)
        out = self.const + l2 * log_t * log_t + l1 * log_t + (ll * math.log(log_t) if ll and log_t > 0 else 0.0)
        if t2 or t1:
            t = math.exp(log_t)
            # t·(c₂ t + c₁): no inf − inf where c₂ t² and c₁ t both overflow with opposite signs
            out += (t2 * t + t1) * t
        return out


ABSENT = Asymptote(absent=True)
REGULAR = Asymptote()  # an interior point of the support: log p → a finite constant


def leading(a: Asymptote, tie: float = TIE_RTOL) -> tuple[int, float] | None:
    """(index, coefficient) of the fastest-growing term whose coefficient is not a rounding tie with 0
    (:meth:`Asymptote.is_tie`); (−1, 0.0) when every coefficient is (then log p tends to a constant); None
    when the ties reach a coefficient that is not ``known``."""
    for i, c in enumerate(a.coef):
        if i >= a.known:
            return None
        if not a.is_tie(i, tie):
            return i, c
    return -1, 0.0


def heaviest(asymptotes: list[tuple[float, Asymptote]]) -> Asymptote | None:
    """The expansion of Σ w_k p_k from the components' (log w_k, expansion): the lexicographically
    largest coefficient vector wins (heavier tail); exact ties add their constants (log-sum-exp)."""
    present = [(lw, a) for lw, a in asymptotes if not a.absent]
    if not present:
        return ABSENT
    def key_cmp(a: Asymptote, b: Asymptote) -> int:
        for x, y, mx, my in zip(a.coef, b.coef, a.mag, b.mag, strict=True):
            if abs(x - y) > TIE_RTOL * max(mx, my):
                return 1 if x > y else -1
        return 0

    best_lw, best = present[0]
    tied = [(best_lw, best)]
    for lw, a in present[1:]:
        c = key_cmp(a, best)
        if c > 0:
            best, tied = a, [(lw, a)]
        elif c == 0:
            tied.append((lw, a))
    top = max(lw + a.const for lw, a in tied)
    const = top + math.log(sum(math.exp(lw + a.const - top) for lw, a in tied))
    return Asymptote(best.coef, const, mag=best.mag)


def log_of_growth(index: int) -> Asymptote:
    """log|D| for D ≍ basis[index]: log t² = 2L, log t = L, log L² = 2 log L, log L = log L."""
    return {0: Asymptote((0, 0, 0, 2.0, 0)), 1: Asymptote((0, 0, 0, 1.0, 0)), 2: Asymptote((0, 0, 0, 0, 2.0)),
            3: Asymptote((0, 0, 0, 0, 1.0))}.get(index, REGULAR)


def integrable(g: Asymptote, finite_end: bool, tie: float = TIE_RTOL) -> bool | None:
    """Whether ∫^∞ e^{g(t)} dμ converges, μ = dt at an infinite end and dx = dt/t² at a finite one.

    True / False; None for a tie the coefficients cannot resolve (see ``TIE_RTOL``). An exact tie at the
    border (t^{-1}, t^{-1}/log t) diverges. ``tie``: the relative tolerance of a tie (larger for
    estimated expansions, where a near-tie is "undecided", None).
    """
    if finite_end:
        g = g.shifted(L1=-2.0)
    for i in range(3):  # t², t, L²: the sign of the leading one decides
        if i >= g.known:
            return None
        if not g.is_tie(i, tie):
            return g.coef[i] < 0
    if g.known < _N:
        return None
    l1, ll = g.coef[3], g.coef[4]
    if not g.is_tie(3, tie, threshold=-1.0):
        return l1 < -1.0
    if tie > TIE_RTOL:  # a fitted exponent this close to the border: the log factor cannot be trusted
        return None
    # t^{-1} (log t)^{LL}: converges iff LL < −1; at LL = −1, ∫ dt/(t log t) = log log t diverges (the
    # families here have no finer terms)
    return ll < -1.0 and not g.is_tie(4, TIE_RTOL, threshold=-1.0)


# a fit is accepted when it reproduces log p on held-out points farther out to this (relative to |log p|)
_FIT_RTOL = 1e-7


def _power_fit(u: np.ndarray, g: np.ndarray) -> Asymptote | None:
    """log p = b u + d, else + c log u, else + a u² (power tails and poles, then log factors, then
    log-normal tails), fitted on the nearer two thirds of the points and checked on the farthest third
    (the simplest model that passes wins, so a pure power gets no spurious log terms)."""
    n_fit = (2 * u.size) // 3
    weight = 1.0 / np.maximum(np.abs(g), 1.0)
    columns = {"u2": u * u, "u": u, "logu": np.log(u), "one": np.ones_like(u)}
    for names in (("u", "one"), ("u", "logu", "one"), ("u2", "u", "logu", "one")):
        basis = np.stack([columns[n] for n in names], axis=-1)
        col_scale = np.max(np.abs(basis), axis=0)
        coef, *_ = np.linalg.lstsq(basis[:n_fit] / col_scale * weight[:n_fit, None], g[:n_fit] * weight[:n_fit],
                                   rcond=None)
        coef = coef / col_scale
        if np.max(np.abs(basis @ coef - g) * weight) <= _FIT_RTOL:
            c = dict(zip(names, (float(v) for v in coef), strict=True))
            return Asymptote((0.0, 0.0, c.get("u2", 0.0), c["u"], c.get("logu", 0.0)), c["one"])
    return None


def _exponential_fit(u: np.ndarray, g: np.ndarray) -> Asymptote | None:
    """log p = a e^{k u} + (lower order), k = 2 (Gaussian) or 1 (exponential): the ratio log p / e^{ku} is
    constant to ``_FIT_RTOL`` over the farthest third. Only the leading coefficient is known
    (``known``); the lower-order terms are lost in the rounding of log p at these t."""
    far = slice((2 * u.size) // 3, None)
    for k, slot in ((2, 0), (1, 1)):
        with np.errstate(all="ignore"):  # g/e^{ku} in log space: e^{2u} overflows where g does not
            ratio = np.sign(g[far]) * np.exp(np.log(np.abs(g[far])) - k * u[far])
        if not np.all(np.isfinite(ratio)) or ratio[-1] == 0.0:
            continue
        if np.max(np.abs(ratio - ratio[-1])) <= _FIT_RTOL * abs(ratio[-1]):
            coef = [0.0] * _N
            coef[slot] = float(ratio[-1])
            return Asymptote(tuple(coef), 0.0, known=slot + 1)
    return None


def estimate(logpdf: Callable[[np.ndarray], np.ndarray], point: float, side: int, start: float) -> Asymptote | None:
    r"""The expansion of log p at an end of its support, estimated from log p at geometric points.

    For a density whose family does not know its asymptotics (a user's :class:`Monotone` pushforward,
    an arbitrary ``from_scipy`` distribution). ``point`` is ±inf or a finite end, ``side`` the side of
    it the density lives on (+1 right, −1 left), ``start`` the distance (finite end) or |x| (infinite
    end) of the outermost breakpoint, beyond which the tail is taken to be in its asymptotic regime.

    log p is evaluated at 60 geometric points t = e^u (t = |x| at an infinite end, 1/|x − e| at a
    finite end e, from the measured distance so that rounding of x does not bias it) on the far 35%
    of the representable range (|x| up to 1e300; |x − e| down to 1e-300 or 1e-13·|e|) and fitted by
    ``a u² + b u + c log u + d`` (power and log-normal tails, poles; fitted on the nearer two thirds
    of the points, accepted if it predicts the farthest third to 1e-7·|log p|), else by a leading
    ``a e^{2u}`` or ``a e^u`` (Gaussian or exponential tails, accepted if log p/e^{ku} is constant to
    1e-7 there; the lower-order terms are then fitted nearer in, where |log p| ≤ 1e4, and all are ``known``
    when that fit is exact to 1e-10 and stable, else only the leading one). A tail whose log p underflows
    within a few scan steps (Lévy's e^{−c/(2x)} at 0) is rescanned and fitted with every term at once. A tail that changes regime out there or follows
    none of these (e^{−t^{1.5}}, e^{−e^t}) gives ``None``. Decisions built on the result are
    approximate by nature: callers compare with the larger tie tolerance ``ESTIMATED_TIE_RTOL`` and
    say in the result's certificate that the tails were estimated.
    """
    finite_end = math.isfinite(point)
    if finite_end:
        u_lo = -math.log(start) if start > 0 else 0.0
        u_hi = -math.log(max(1e-300, 1e-13 * abs(point)))
    else:
        u_lo, u_hi = math.log(max(start, 1.0)), 690.0
    u_lo = max(u_lo, 1.0)  # log u must exist

    def sample(u):
        with np.errstate(all="ignore"):
            x = point + side * np.exp(-u) if finite_end else math.copysign(1.0, point) * np.exp(u)
            if finite_end:
                u = -np.log(np.abs(x - point))  # the distance x really has (exact: Sterbenz)
            g = np.asarray(logpdf(x), dtype=np.float64)
        return u, g

    # where log p is representable (a Gaussian's underflows past |x| ≈ 1e154): a coarse scan
    scan_u, scan_g = sample(np.linspace(u_lo, u_hi, 120))
    n_ok = _representable(scan_u, scan_g)
    if n_ok < 12 and n_ok < scan_u.size:
        # log p stops being representable within a few coarse steps (Lévy's e^{−c/(2x)} at 0 is −inf below
        # x ≈ 7e-4): scan again up to the first point where it is not
        scan_u, scan_g = sample(np.linspace(u_lo, float(scan_u[n_ok]), 120))
        n_ok = _representable(scan_u, scan_g)
        # such a tail can only pass the exact joint fit below (tolerance 1e-10): a shorter span will do
        span = 3.0
    else:
        span = 6.0
    if n_ok < 12 or scan_u[n_ok - 1] - u_lo < span:
        return None
    u_top = float(scan_u[n_ok - 1])
    u, g = sample(np.linspace(u_lo + 0.65 * (u_top - u_lo), u_top, 60))
    if not (np.all(np.isfinite(g)) and np.all(np.isfinite(u))):
        return None
    found = _power_fit(u, g)
    if found is not None:
        return found
    lead = _exponential_fit(u, g)
    if lead is None:
        # the window never got far enough out for log p / e^{ku} to settle (log p underflows within |log p|
        # ≤ 700: Lévy's −1/(2x) + (3/2) log(1/x) at 0): every term fitted together, exactly, or nothing
        if np.max(np.abs(g)) > _MODERATE_LOG:
            return None
        return _fit_terms(u, g, 1, None) or _fit_terms(u, g, 2, None)
    return _lower_terms(sample, lead, u_lo, scan_u[:n_ok], scan_g[:n_ok]) or lead


def _representable(u: np.ndarray, g: np.ndarray) -> int:
    """How many leading scan points have a usable log p."""
    ok = np.isfinite(g) & np.isfinite(u)
    n_ok = int(np.argmin(ok)) if not ok.all() else ok.size
    if n_ok < ok.size and n_ok > 0 and g[n_ok - 1] > -800.0:
        # cut off where p underflows (log of a subnormal pdf has lost digits: scipy's pareto.logpdf is
        # 7e-5 off just before it turns −inf): keep log p ≥ −700
        n_ok = int(np.sum(g[:n_ok] >= -700.0))
    return n_ok


# the lower-order terms of a Gaussian or exponential tail are fitted where |log p| ≤ this (nearer in than the
# leading coefficient's window, so that they are not lost in the rounding of log p) ...
_MODERATE_LOG = 1e4
# ... and accepted when the fit reproduces log p to this, relative to max(|log p|, 1), and two fits (nearer
# two thirds, all points) agree on every coefficient to ESTIMATED_TIE_RTOL / 10 (relative to max(1, |c|))
_LOWER_RTOL = 1e-10


def _lower_terms(sample, lead: Asymptote, u_lo: float, scan_u: np.ndarray, scan_g: np.ndarray) -> Asymptote | None:
    """The full expansion of an exponential (slot 1, e^{u}) or Gaussian (slot 0, e^{2u}) tail whose leading
    coefficient ``lead`` is known: log p − a e^{ku} fitted by ``b u + d``, else ``+ c log u`` (plus ``e e^{u}``
    for a Gaussian) in the window where |log p| ≤ 1e4. Gamma(3)'s tail −x/2 + 2 log x needs the 2 to decide
    χ²(Gamma(3, 2) ‖ Gamma(2, 1)) = ∞ (p²/q ~ x³). None when no such fit is exact and stable there (then
    only the leading coefficient is known)."""
    slot = lead.known - 1
    k, a = 2 - slot, lead.coef[slot]
    beyond = np.nonzero(np.abs(scan_g) > _MODERATE_LOG)[0]
    u_end = float(scan_u[beyond[0]]) if beyond.size else float(scan_u[-1])
    fine_u, fine_g = sample(np.linspace(u_lo, u_end, 200))
    inside = np.isfinite(fine_g) & (np.abs(fine_g) <= _MODERATE_LOG)
    n_in = int(np.argmin(inside)) if not inside.all() else inside.size
    if n_in < 20 or fine_u[n_in - 1] - u_lo < 2.0:
        return None
    u_mid = float(fine_u[n_in - 1])
    u, g = sample(np.linspace(u_lo + 0.5 * (u_mid - u_lo), u_mid, 60))
    if not (np.all(np.isfinite(g)) and np.all(np.isfinite(u))):
        return None
    return _fit_terms(u, g, k, a)


def _fit_terms(u: np.ndarray, g: np.ndarray, k: int, a: float | None) -> Asymptote | None:
    """log p = a e^{ku} [+ e e^{u} when k = 2] + b u [+ c log u] + d on the window (``a`` fitted too when
    None), accepted when exact to ``_LOWER_RTOL`` and stable (see there); all five coefficients known."""
    with np.errstate(all="ignore"):
        r = g - a * np.exp(k * u) if a is not None else g
    with np.errstate(all="ignore"):
        columns = {"lead": np.exp(k * u), "eu": np.exp(u), "u": u, "logu": np.log(u), "one": np.ones_like(u)}
    if not (np.all(np.isfinite(r)) and np.all(np.isfinite(columns["lead"]))) or u[0] <= 0.0:
        return None
    models = (("u", "one"), ("u", "logu", "one"))
    if k == 2:
        models = tuple(("eu", *m) for m in models)
    if a is None:
        models = tuple(("lead", *m) for m in models)
    n_fit = (2 * u.size) // 3
    for names in models:
        basis = np.stack([columns[n] for n in names], axis=-1)
        col_scale = np.max(np.abs(basis), axis=0)
        near = np.linalg.lstsq(basis[:n_fit] / col_scale, r[:n_fit], rcond=None)[0] / col_scale
        every = np.linalg.lstsq(basis / col_scale, r, rcond=None)[0] / col_scale
        if np.max(np.abs(basis @ near - r) / np.maximum(np.abs(g), 1.0)) > _LOWER_RTOL:
            continue
        if np.any(np.abs(near - every) > 0.1 * ESTIMATED_TIE_RTOL * np.maximum(1.0, np.abs(every))):
            continue
        c = dict(zip(names, (float(v) for v in every), strict=True))
        slot = 2 - k
        coef = [0.0] * _N
        coef[slot] = a if a is not None else c["lead"]
        if k == 2:
            coef[1] = c["eu"]
        coef[3], coef[4] = c["u"], c.get("logu", 0.0)
        if coef[slot] == 0.0:
            return None
        return Asymptote(tuple(coef), c["one"])
    return None
