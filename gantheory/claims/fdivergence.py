r"""The f-GAN claim: D_f(p‖q) = sup_T E_p T − E_q f*(T), attained at T* = f′(p/q) (Nowozin et al. 2016).
Mirrors :mod:`gantheory.symbolic.fdivergence`.

Each bound integrand p·T − q·f*(T) is written with T = f′(u) in terms of ℓ = log u (log space, so tails
never overflow); the independent reference is the mpmath oracle's integral of q·f(p/q)
(:func:`gantheory.oracle.reference_value`, the same divergence names).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from gantheory.cases import tagged
from gantheory.claims.model import Claim, Context, Control, NotApplicable
from gantheory.claims.references import mp_divergence
from gantheory.claims.shapes import case_pairs, objective_derivative
from gantheory.numerics import LOG2, log_sigmoid, weighted
from gantheory.results import LensResult, at_most, compare, fmt, verdict
from gantheory.tolerances import TOLERANCES

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

e = np.exp


# Bound integrands p·T − q·f*(T) at T = f′(u), ℓ = log u, from lp = log p, lq = log q.

def kl_bound(lp: np.ndarray, lq: np.ndarray, ell: np.ndarray) -> np.ndarray:  # f = u log u, f'(u) = 1 + log u, f*(t) = e^{t−1}: p(1 + ℓ) − q·u
    return weighted(lp, 1 + ell) - e(lq + ell)


def reverse_kl_bound(lp: np.ndarray, lq: np.ndarray, ell: np.ndarray) -> np.ndarray:  # f = −log u, f' = −1/u, f*(t) = −1 − log(−t): −p/u + q(1 − ℓ)
    return -e(lp - ell) + weighted(lq, 1 - ell)


def pearson_bound(lp: np.ndarray, lq: np.ndarray, ell: np.ndarray) -> np.ndarray:  # f = (u − 1)², f' = 2(u − 1), f*(t) = t²/4 + t: 2(pu − p) − q(u² − 1)
    return 2 * (e(lp + ell) - e(lp)) - e(lq + 2 * ell) + e(lq)


def neyman_bound(lp: np.ndarray, lq: np.ndarray, ell: np.ndarray) -> np.ndarray:  # f = (1 − u)²/u, f' = 1 − u⁻², f*(t) = 2 − 2√(1 − t): p − p u⁻² − 2q + 2q/u
    return e(lp) - e(lp - 2 * ell) - 2 * e(lq) + 2 * e(lq - ell)


def squared_hellinger_bound(lp: np.ndarray, lq: np.ndarray, ell: np.ndarray) -> np.ndarray:  # f = (√u − 1)², f' = 1 − u^{−½}, f*(t) = t/(1 − t)
    return e(lp) - e(lp - ell / 2) - e(lq + ell / 2) + e(lq)


def js_bound(lp: np.ndarray, lq: np.ndarray, ell: np.ndarray) -> np.ndarray:  # ½-convention JSD: T = ½ log(2u/(u+1)), f*(T) = −½ log(2/(u+1))
    return 0.5 * (weighted(lp, LOG2 + log_sigmoid(ell)) + weighted(lq, LOG2 + log_sigmoid(-ell)))


def gan_bound(lp: np.ndarray, lq: np.ndarray, ell: np.ndarray) -> np.ndarray:  # GAN: T = log σ(ℓ), f*(T) = −log σ(−ℓ); the bound is C(G)
    return weighted(lp, log_sigmoid(ell)) + weighted(lq, log_sigmoid(-ell))


def pearson_without_t(lp: np.ndarray, lq: np.ndarray, ell: np.ndarray) -> np.ndarray:
    """The Pearson bound with the conjugate t²/4 (the +t dropped): same value at T*, not maximal there."""
    return 2 * (e(lp + ell) - e(lp)) - e(lq) * (e(ell) - 1) ** 2


def js_without_half(lp: np.ndarray, lq: np.ndarray, ell: np.ndarray) -> np.ndarray:
    """f-GAN's Jensen–Shannon row (it integrates to 2·JSD) taken as the ½-convention JSD bound."""
    return weighted(lp, LOG2 + log_sigmoid(ell)) + weighted(lq, LOG2 + log_sigmoid(-ell))


BOUNDS: dict[str, Callable] = {"kl": kl_bound, "reverse_kl": reverse_kl_bound, "pearson": pearson_bound,
                               "neyman": neyman_bound, "squared_hellinger": squared_hellinger_bound,
                               "js": js_bound, "gan": gan_bound}


def f_direction(x: ArrayLike) -> np.ndarray:
    # Neither odd nor even: an odd direction alone has zero first-order effect on some wrong bounds
    # (e.g. the Pearson conjugate without +t changes the gradient by 2∫p·h, zero for h odd, p symmetric).
    return np.tanh(x) + np.exp(-0.5 * x * x)


@dataclass(frozen=True)
class VariationalBound:
    r"""For every divergence of :data:`BOUNDS` (entries of ``override`` replaced: the controls) and each
    case pair: the bound at T* equals D_f by the mpmath oracle, ``gantheory.quadrature.f_divergence`` equals it
    too, T* is stationary along T_ε = f′(u·e^{ε h}) and T_{±0.2} gives a lower bound."""

    override: tuple[tuple[str, Callable], ...] = ()
    cases: tuple[str, ...] = ()
    quick: int | None = 1

    def __call__(self, ctx: Context) -> LensResult:
        from gantheory.quadrature import f_divergence

        table = {**BOUNDS, **dict(self.override)}
        rows, tight_rows, grads, rises = [], [], [], []
        for name, bound in table.items():
            for label, p, q in case_pairs(ctx.take(self.cases, self.quick)):
                ref = mp_divergence(p, q, name)

                def objective(ell, lp, lq, bound=bound):
                    return bound(lp, lq, ell)

                g, J = objective_derivative(objective, lambda lp, lq: lp - lq, p, q, f_direction)
                rows.append((f"{name}, {label}", J(0.0), ref))
                tight_rows.append((f"{name}, {label}", float(f_divergence(p, q, name)), ref))
                grads.append((f"{name}, {label}", abs(g)))
                rises.append((f"{name}, {label}", max(J(0.2) - J(0.0), J(-0.2) - J(0.0))))
        wg, wr = max(grads, key=lambda t: t[1]), max(rises, key=lambda t: t[1])
        ms = [
            compare("|bound at T* − D_f (mpmath)|", rows, TOLERANCES["quadrature_atol"],
                    f"(divergence, pair) for {', '.join(table)} (tight at T* = f′(p/q))"),
            compare("|f_divergence − D_f (mpmath)|", tight_rows, TOLERANCES["quadrature_atol"],
                    "(divergence, pair): gantheory.quadrature.f_divergence against mpmath"),
            at_most("|∂ bound/∂ε| at T*, T_ε = f′(u·e^{ε h(x)}), h = tanh x + exp(−x²/2)", wg[1],
                    TOLERANCES["derivative_atol"], f"worst {wg[0]}"),
            at_most("bound(T_{±0.2}) − bound(T*)", wr[1], TOLERANCES["quadrature_atol"],
                    f"any other critic gives a lower bound; worst {wr[0]}"),
        ]
        return verdict("quadrature", ms, f"bound tight at T* to {fmt(ms[0].measured)} for {len(table)} divergences; "
                       "lower elsewhere")


CLAIMS = (
    Claim(
        id="f-divergence-bounds", title="The variational bound on f-divergences is tight at T*",
        statement="D_f(p‖q) ≥ E_p T − E_q f*(T) for every critic T, with equality at T* = f′(p/q).",
        latex=r"D_f(p\|q) = \sup_T\ \mathbb E_p[T] - \mathbb E_q[f^*(T)],\quad T^* = f'\!\left(\frac{p}{q}\right)",
        source="Nowozin, Cseke & Tomioka 2016 (f-GAN), Eq. 4 and Table 1",
        derivations=("f-divergence-bounds", "f-divergences"), cases=tuple(tagged("f-divergence")),
        quadrature=VariationalBound(),
        empirical=NotApplicable("gantheory.empirical has no f-GAN trainer"),
        controls=(Control("pearson-conjugate", "Pearson χ² with the conjugate t²/4 (the +t dropped): same value at "
                          "T*, but T* no longer maximises the bound",
                          quadrature=VariationalBound(override=(("pearson", pearson_without_t),))),
                  Control("js-without-half", "f-GAN's Jensen–Shannon row taken as JSD (it integrates to 2·JSD)",
                          quadrature=VariationalBound(override=(("js", js_without_half),)))),
    ),
)
