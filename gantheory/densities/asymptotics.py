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
from dataclasses import dataclass

__all__ = ["ABSENT", "Asymptote", "integrable", "leading"]

# coefficient order = order of growth: t², t, L², L, log L
_N = 5
# a coefficient within this (relative to the largest one in play) of zero or of a threshold is a tie
# the arithmetic cannot resolve (it is a rounding of an exact tie, or so close that no float64
# quadrature could tell the two answers apart); the decision then says "undecided"
TIE_RTOL = 1e-12


@dataclass(frozen=True)
class Asymptote:
    """``log p ≈ Σ coef·(t², t, L², L, log L) + const`` as t → ∞ (see the module docstring).

    ``absent``: the density is identically zero on that side of the point (outside its support).
    """

    coef: tuple[float, ...] = (0.0,) * _N
    const: float = 0.0
    absent: bool = False

    def __add__(self, other: Asymptote) -> Asymptote:
        return Asymptote(tuple(a + b for a, b in zip(self.coef, other.coef, strict=True)), self.const + other.const)

    def scaled(self, k: float) -> Asymptote:
        return Asymptote(tuple(k * a for a in self.coef), k * self.const)

    def shifted(self, *, t2: float = 0.0, t1: float = 0.0, L2: float = 0.0, L1: float = 0.0, LL: float = 0.0,
                const: float = 0.0) -> Asymptote:
        add = (t2, t1, L2, L1, LL)
        return Asymptote(tuple(a + b for a, b in zip(self.coef, add, strict=True)), self.const + const)

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


def _scale(*asymptotes: Asymptote) -> float:
    return max([1.0] + [abs(c) for a in asymptotes for c in a.coef])


def leading(a: Asymptote, scale: float = 1.0) -> tuple[int, float]:
    """(index, coefficient) of the fastest-growing term whose coefficient is not a rounding tie with 0;
    (−1, 0.0) when every coefficient is (then log p tends to a constant)."""
    for i, c in enumerate(a.coef):
        if abs(c) > TIE_RTOL * scale:
            return i, c
    return -1, 0.0


def heaviest(asymptotes: list[tuple[float, Asymptote]]) -> Asymptote | None:
    """The expansion of Σ w_k p_k from the components' (log w_k, expansion): the lexicographically
    largest coefficient vector wins (heavier tail); exact ties add their constants (log-sum-exp)."""
    present = [(lw, a) for lw, a in asymptotes if not a.absent]
    if not present:
        return ABSENT
    scale = _scale(*(a for _, a in present))

    def key_cmp(a: Asymptote, b: Asymptote) -> int:
        for x, y in zip(a.coef, b.coef, strict=True):
            if abs(x - y) > TIE_RTOL * scale:
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
    return Asymptote(best.coef, const)


def log_of_growth(index: int) -> Asymptote:
    """log|D| for D ≍ basis[index]: log t² = 2L, log t = L, log L² = 2 log L, log L = log L."""
    return {0: Asymptote((0, 0, 0, 2.0, 0)), 1: Asymptote((0, 0, 0, 1.0, 0)), 2: Asymptote((0, 0, 0, 0, 2.0)),
            3: Asymptote((0, 0, 0, 0, 1.0))}.get(index, REGULAR)


def integrable(g: Asymptote, finite_end: bool) -> bool | None:
    """Whether ∫^∞ e^{g(t)} dμ converges, μ = dt at an infinite end and dx = dt/t² at a finite one.

    True / False; None for a tie the coefficients cannot resolve (see ``TIE_RTOL``). An exact tie at the
    border (t^{-1}, t^{-1}/log t) diverges.
    """
    if finite_end:
        g = g.shifted(L1=-2.0)
    scale = _scale(g)
    for i in range(3):  # t², t, L²: the sign of the leading one decides
        c = g.coef[i]
        if abs(c) > TIE_RTOL * scale:
            return c < 0
    l1, ll = g.coef[3], g.coef[4]
    if abs(l1 + 1.0) > TIE_RTOL * scale:
        return l1 < -1.0
    # t^{-1} (log t)^{LL}: converges iff LL < −1; at LL = −1, ∫ dt/(t log t) = log log t diverges (the
    # families here have no finer terms)
    return ll < -1.0 - TIE_RTOL * scale
