"""f-divergences, their convex conjugates and optimal critics (Nowozin et al. 2016, f-GAN).

For a convex :math:`f` with :math:`f(1) = 0`, :math:`D_f(P\\|Q) = \\int q\\, f(p/q)\\,dx` and the convex
conjugate :math:`f^*(t) = \\sup_{u \\in \\mathrm{dom} f} (u t - f(u))` give the pointwise bound
(Fenchel–Young, Nowozin et al. 2016, eq. 4)

.. math:: q\\, f(p/q) \\;\\ge\\; T\\,p - f^*(T)\\,q \\qquad (T \\in \\mathrm{dom} f^*),

with equality at the optimal critic :math:`T^* = f'(p/q)`. Integrating gives the variational lower
bound that f-GAN maximises.

:data:`F_DIVERGENCES` maps a name to ``FDivergence(f, conjugate, domain)`` (sympy ``Lambda`` objects
and ``Domain(f=Interval, conjugate=Interval)``). Two published traps are kept explicit:

* the Jensen–Shannon ``f`` here is the ½ convention, :math:`f(u) = \\tfrac12[u\\log u - (u+1)\\log\\tfrac{u+1}{2}]`,
  so :math:`D_f = \\mathrm{JSD} \\in [0, \\log 2]`; f-GAN's Table 1 row is twice this and integrates to
  :math:`2\\,\\mathrm{JSD}`;
* the Pearson conjugate :math:`t^2/4 + t` holds for :math:`\\mathrm{dom} f = \\mathbb{R}`; on
  :math:`[0, \\infty)` it is wrong for :math:`t < -2` (there the supremum is :math:`-f(0) = -1`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import NamedTuple

import numpy as np
import sympy as sp

from gantheory.errors import GanTheoryError
from gantheory.symbolic.derivation import (
    Derivation,
    Step,
    describe_assumptions,
    equal_step,
    limit_step,
    not_equal_step,
    numeric_forms,
    sign_step,
)
from gantheory.symbolic.symbols import p, q, t, u

__all__ = ["F_DIVERGENCES", "Domain", "FDivergence", "f_divergences"]

NOWOZIN = "Nowozin et al. 2016, f-GAN: Training Generative Neural Samplers using Variational Divergence Minimization"

_POSITIVE = sp.Interval.open(0, sp.oo)
_REAL = sp.Interval(-sp.oo, sp.oo)


class Domain(NamedTuple):
    """Where ``f`` is taken (``dom f``) and where its conjugate is finite (``dom f*``)."""

    f: sp.Interval
    conjugate: sp.Interval


class FDivergence(NamedTuple):
    """One row of the f-GAN table: ``f(u)``, ``f*(t)`` and their domains (sympy objects)."""

    f: sp.Lambda
    conjugate: sp.Lambda
    domain: Domain

    @property
    def critic(self) -> sp.Lambda:
        """The optimal critic as a function of the ratio: T*(u) = f'(u) (a subgradient for TV)."""
        expr = self.f(u)
        if expr.has(sp.Abs):
            return sp.Lambda(u, sp.sign(u - 1) / 2)
        return sp.Lambda(u, sp.simplify(sp.diff(expr, u)))


_HALF = sp.Rational(1, 2)
_W = sp.LambertW(sp.exp(1 - t))

# The names a row's sympy source strings may use: u (the ratio p/q) and t (the conjugate's argument) are
# the derivations' symbols, with their assumptions.
_SOURCE_NAMESPACE = {"u": u, "t": t, "Interval": sp.Interval, "oo": sp.oo, "LambertW": sp.LambertW,
                     "log": sp.log, "exp": sp.exp, "sqrt": sp.sqrt, "Abs": sp.Abs}


def _parse(source: str) -> sp.Basic:
    return sp.sympify(source, locals=_SOURCE_NAMESPACE)


def _from_row(row) -> FDivergence:
    """One f-GAN row from a row of :data:`gantheory.divergences.DIVERGENCES` (its sympy source strings)."""
    return FDivergence(sp.Lambda(u, _parse(row.f_sympy)), sp.Lambda(t, _parse(row.conjugate_sympy)),
                       Domain(_parse(row.f_domain), _parse(row.conjugate_domain)))


def _table() -> dict[str, FDivergence]:
    from gantheory.divergences import DIVERGENCES

    return {name: _from_row(row) for name, row in DIVERGENCES.items() if row.f_sympy is not None}


# A view of the one divergence table (conventions stated there): kl, reverse_kl, pearson (dom f = R, as in
# f-GAN; see the module docstring), neyman, squared_hellinger (no ½), jeffreys, total_variation, js (½
# convention), triangular, and the GAN row, ∫ q f(p/q) = 2 JSD − log 4 = C(G).
F_DIVERGENCES: dict[str, FDivergence] = _table()

# The maximiser of u t - f(u), derived by hand from f'(u) = t and checked below (f'(u*(t)) = t).
_STATIONARY: dict[str, sp.Expr] = {
    "kl": sp.exp(t - 1),
    "reverse_kl": -1 / t,
    "pearson": 1 + t / 2,
    "neyman": 1 / sp.sqrt(1 - t),
    "squared_hellinger": 1 / (1 - t) ** 2,
    "jeffreys": 1 / _W,
    "js": sp.exp(2 * t) / (2 - sp.exp(2 * t)),
    # f'(u) = 1 − 4/(u + 1)² = t  ⇔  (u + 1)² = 4/(1 − t)
    "triangular": 2 / sp.sqrt(1 - t) - 1,
    "gan": sp.exp(t) / (1 - sp.exp(t)),
}

# f-GAN, Table 1 (Nowozin et al. 2016): the Jensen-Shannon row as printed there.
FGAN_JS_F = sp.Lambda(u, u * sp.log(u) - (u + 1) * sp.log((u + 1) / 2))
FGAN_JS_CONJUGATE = sp.Lambda(t, -sp.log(2 - sp.exp(t)))


def _as_lambda(conjugate) -> sp.Lambda:
    if isinstance(conjugate, sp.Lambda):
        return conjugate
    return sp.Lambda(t, sp.sympify(conjugate))


def _lambdify(var, expr) -> Callable:
    """numpy callable. W(e^s) is evaluated as Wright's omega ω(s) (ω + log ω = s, the same equation as
    W(e^s) e^{W(e^s)} = e^s), which never forms the overflowing e^s."""
    if expr.has(sp.LambertW):
        from scipy.special import lambertw, wrightomega

        omega = sp.Function("wrightomega")
        arg = sp.Wild("arg")
        expr = expr.replace(sp.LambertW(sp.exp(arg)), omega(arg))
        modules = [{"wrightomega": lambda v: np.real(wrightomega(v)), "LambertW": lambda v: np.real(lambertw(v))}, "numpy"]
        func = sp.lambdify(var, expr, modules=modules)
    else:
        func = sp.lambdify(var, expr, "numpy")
    return lambda v: func(np.asarray(v, float)) + np.zeros(np.shape(v))


# f(1): 0 for a divergence; the GAN row is shifted, ∫ q f_GAN(p/q) = 2 JSD - log 4, so f_GAN(1) = -log 4.
_F_AT_ONE = {"gan": -sp.log(4)}

# Conjugates whose checks sympy settles only after the substitution t = f'(v).
_PARAMETRISE = frozenset({"js", "gan"})

# Jeffreys: t ↦ w = W(e^{1-t}) is a bijection of R onto (0, ∞) with inverse t = 1 - w - log w; in w
# every expression is elementary and sympy decides it quickly (simplify on LambertW takes ~30 s).
_JEFFREYS_W = sp.Symbol("w", positive=True)


def _in_ratio(expr: sp.Expr) -> sp.Expr:
    """Substitute p = u q and divide by q > 0 (preserves equalities to 0 and signs)."""
    return sp.expand(expr.subs(p, u * q) / q)


@cache
def _steps(name: str, conjugate: sp.Lambda | None) -> tuple[Step, ...]:
    spec = F_DIVERGENCES[name]
    conj = spec.conjugate if conjugate is None else conjugate
    if name == "total_variation":
        return _total_variation_steps(spec, conj)
    f = spec.f(u)
    dom_t = {t: spec.domain.conjugate}
    dom_u = {} if spec.domain.f == _POSITIVE else {u: spec.domain.f}
    u_free = sp.Symbol("u", real=True) if spec.domain.f == _REAL else u
    f_free = spec.f(u_free)
    critic = sp.diff(f, u).subs(u, p / q)
    T = sp.Symbol("T", real=True)
    u_star = _STATIONARY[name]
    tag = f"{name}: "
    in_t = None
    steps = []
    if name == "jeffreys":
        w = _JEFFREYS_W
        steps.append(
            equal_step(
                tag + "parametrise t by w = W(e^{1-t})",
                "w e^w = e^{1-t} defines the principal Lambert W, so t = 1 - w - log w with w > 0",
                w * sp.exp(w),
                sp.exp(1 - t),
                prepare=lambda e: e.subs(t, 1 - w - sp.log(w)),
            )
        )

        def in_t(e):
            return e.subs(_W, w).subs(t, 1 - w - sp.log(w))

        dom_t = {}
    elif name in _PARAMETRISE:
        # t = f'(v), v > 0: f' is increasing (f'' > 0) from lim_{v->0} f' to lim_{v->oo} f' = the ends of dom f*.
        v = sp.Symbol("v", positive=True)
        derivative_v = sp.diff(spec.f(v), v)
        steps += [
            equal_step(
                tag + "parametrise t = f'(v)",
                "u*(f'(v)) = v: the stationary point inverts f'",
                u_star.subs(t, derivative_v),
                v,
            ),
            limit_step(tag + "f'(0+) = inf dom f*", "f' maps (0, ∞) onto dom f*", derivative_v, v, 0, spec.domain.conjugate.inf, "+"),
            limit_step(tag + "f'(∞) = sup dom f*", "", derivative_v, v, sp.oo, spec.domain.conjugate.sup, "-"),
        ]

        def in_t(e):
            return e.subs(t, derivative_v)

        dom_t = {}
    steps += [
        equal_step(tag + "f(1)", "D_f(P||P) = f(1)", spec.f(1), _F_AT_ONE.get(name, 0)),
        sign_step(tag + "f convex", "f'' > 0 on dom f: u t - f(u) is strictly concave in u", sp.diff(f_free, u_free, 2), ">", 0, dom_u),
        equal_step(
            tag + "stationary point",
            "f'(u*(t)) = t, so u*(t) maximises u t - f(u)",
            sp.Subs(sp.Derivative(f_free, u_free), u_free, u_star),
            t,
            dom_t,
            prepare=lambda e: in_t(e.doit()) if in_t else e.doit(),
        ),
    ]
    if spec.domain.f == _POSITIVE:
        steps.append(
            sign_step(tag + "u*(t) in dom f", "the maximiser is admissible for every t in dom f*", u_star, ">", 0, dom_t, prepare=in_t)
        )
    steps += [
        equal_step(
            tag + "conjugate",
            "f*(t) = t u*(t) - f(u*(t))",
            t * u_star - f_free.subs(u_free, u_star),
            conj(t),
            dom_t,
            prepare=in_t,
        ),
        sign_step(
            tag + "pointwise bound",
            "Fenchel-Young: q f(p/q) >= T p - f*(T) q for T in dom f* (follows from the steps above; sampled independently)",
            q * spec.f(p / q) - (T * p - conj(T) * q),
            "≥",
            0,
            {T: spec.domain.conjugate},
            prepare=_in_ratio,
        ),
        equal_step(
            tag + "tight at T* = f'(p/q)",
            "the optimal critic attains the bound",
            q * spec.f(p / q) - (critic * p - conj(critic) * q),
            0,
            prepare=_in_ratio,
        ),
    ]
    sup_t = spec.domain.conjugate.sup
    if sup_t != sp.oo:
        critic_u = sp.diff(f, u)
        if critic_u.has(sp.log):
            # exp is increasing: T* < sup  <=>  exp(2 T*) < exp(2 sup), which sympy can sign.
            def monotone(_, c=critic_u):
                return sp.factor(sp.together(sp.simplify(sp.exp(2 * c)) - sp.exp(2 * sup_t)))
        else:
            def monotone(_, c=critic_u):
                return c - sup_t
        steps.append(sign_step(tag + "T* in dom f*", f"f'(p/q) < {sp.sstr(sup_t)}", sp.simplify(critic), "<", sup_t, prepare=monotone))
    inf_t = spec.domain.conjugate.inf
    if inf_t != -sp.oo:
        above = sp.diff(f, u) - inf_t  # f'(u) − inf dom f* for u = p/q > 0

        steps.append(sign_step(tag + "T* above inf dom f*", f"f'(p/q) > {sp.sstr(inf_t)}", sp.simplify(critic), ">",
                               inf_t, prepare=lambda _: above))
    steps += _trap_steps(name, spec, conj)
    return tuple(steps)


def _trap_steps(name: str, spec: FDivergence, conj: sp.Lambda) -> list[Step]:
    tag = f"{name}: "
    if name == "js":
        return [
            equal_step(
                tag + "f-GAN's row is 2 f",
                "Nowozin et al. Table 1 writes u log u - (u+1) log((u+1)/2): it integrates to 2 JSD",
                FGAN_JS_F(u),
                2 * spec.f(u),
            ),
            equal_step(
                tag + "conjugate of 2 f",
                "(c f)*(t) = c f*(t/c) with c = 2 gives f-GAN's -log(2 - e^t)",
                2 * conj(t / 2),
                FGAN_JS_CONJUGATE(t),
                {t: sp.Interval.open(-sp.oo, sp.log(2))},
            ),
        ]
    if name == "gan":
        return [
            equal_step(
                tag + "relation to JSD",
                "f_GAN(u) = 2 f_JS(u) - (u + 1) log 2, so ∫ q f_GAN(p/q) = 2 JSD - log 4 = C(G)",
                spec.f(u),
                2 * F_DIVERGENCES["js"].f(u) - (u + 1) * sp.log(2),
            )
        ]
    if name == "pearson":
        v = sp.Symbol("v", positive=True)
        at = sp.Integer(-3)
        return [
            sign_step(
                tag + "trap: on u >= 0 with t = -3",
                "d/du [u t - f(u)] < 0 for u > 0: the supremum over [0, ∞) sits at u = 0",
                sp.diff(v * at - spec.f(v), v),
                "<",
                0,
            ),
            not_equal_step(
                tag + "trap: t^2/4 + t is not that supremum",
                "on dom f = [0, ∞), f*(-3) = -f(0) = -1, not -3/4",
                conj(at),
                (v * at - spec.f(v)).subs(v, 0),
            ),
            sign_step(
                tag + "T* >= -2 so both conjugates agree at T*",
                "T* = 2(p/q - 1) > -2 keeps u*(T*) = p/q >= 0",
                2 * (p / q - 1),
                ">",
                -2,
            ),
        ]
    return []


def _total_variation_steps(spec: FDivergence, conj: sp.Lambda) -> tuple[Step, ...]:
    """f(u) = |u - 1|/2 is piecewise linear: the supremum of u t - f(u) sits at the kink u = 1."""
    tag = "total_variation: "
    interval = {t: sp.Interval.open(-_HALF, _HALF)}
    T = sp.Symbol("T", real=True)
    d = sp.Symbol("d", positive=True)
    upper = t * u - (u - 1) / 2  # u >= 1
    lower = t * u - (1 - u) / 2  # u <= 1
    return (
        equal_step(tag + "f(1)", "D_f(P||P) = f(1) = 0", spec.f(1), 0),
        sign_step(tag + "u >= 1: slope", "u t - (u - 1)/2 has slope t - 1/2 <= 0: sup at u = 1", sp.diff(upper, u), "≤", 0, interval),
        sign_step(tag + "u <= 1: slope", "u t - (1 - u)/2 has slope t + 1/2 >= 0: sup at u = 1", sp.diff(lower, u), "≥", 0, interval),
        equal_step(tag + "conjugate", "f*(t) = value at the kink u = 1, for |t| <= 1/2", upper.subs(u, 1), conj(t), interval),
        sign_step(
            tag + "pointwise bound",
            "|p - q|/2 >= T (p - q) for |T| <= 1/2",
            q * spec.f(p / q) - (T * p - conj(T) * q),
            "≥",
            0,
            {T: spec.domain.conjugate},
        ),
        equal_step(
            tag + "tight at T* = 1/2 where p > q",
            "p = q + d, d > 0",
            (q * spec.f(p / q) - (_HALF * p - conj(_HALF) * q)).subs(p, q + d),
            0,
        ),
        equal_step(
            tag + "tight at T* = -1/2 where p < q",
            "q = p + d, d > 0",
            (q * spec.f(p / q) - (-_HALF * p - conj(-_HALF) * q)).subs(q, p + d),
            0,
        ),
    )


@cache
def f_divergences(name: str | None = None, conjugate: sp.Lambda | sp.Expr | None = None) -> Derivation:
    """Conjugates, optimal critics and the variational bound of f-GAN (Nowozin et al. 2016, Sec. 2, Table 1-2).

    For each divergence: :math:`f(1) = 0`; :math:`f'' > 0`; the maximiser :math:`u^*(t)` of
    :math:`u t - f(u)` solves :math:`f'(u^*) = t` and lies in dom f; :math:`f^*(t) = t u^* - f(u^*)`;
    :math:`q f(p/q) \\ge T p - f^*(T) q` with equality at :math:`T^* = f'(p/q) \\in \\mathrm{dom} f^*`.

    Args:
        name: one key of :data:`F_DIVERGENCES` (default: all of them, in table order).
        conjugate: a wrong conjugate for ``name`` (``Lambda(t, ...)`` or an expression in ``t``), for
            negative controls; e.g. ``exp(t)`` for ``"kl"``.

    Returns:
        A :class:`Derivation`; ``numeric`` holds ``"<name>.f"(u)``, ``"<name>.conjugate"(t)``,
        ``"<name>.critic"(u)`` and ``"<name>.pointwise"(p, q) = q f(p/q)`` as numpy callables.

    Raises:
        GanTheoryError: unknown ``name`` (the message lists close names), or ``conjugate`` without ``name``.
    """
    if name is not None and name not in F_DIVERGENCES:
        import difflib

        close = difflib.get_close_matches(name, F_DIVERGENCES, n=3, cutoff=0.3)
        raise GanTheoryError(f"unknown f-divergence name={name!r}; did you mean {close}? valid: {sorted(F_DIVERGENCES)}")
    if conjugate is not None and name is None:
        raise GanTheoryError("f_divergences: a conjugate= override needs name= (which divergence it replaces)")
    names = list(F_DIVERGENCES) if name is None else [name]
    override = None if conjugate is None else _as_lambda(conjugate)
    steps: list[Step] = []
    numeric: dict[str, Callable] = {}
    for key in names:
        steps += _steps(key, override if key == name else None)
        spec = F_DIVERGENCES[key]
        conj = override if (override is not None and key == name) else spec.conjugate
        numeric[f"{key}.f"] = _lambdify(u, spec.f(u))
        numeric[f"{key}.conjugate"] = _lambdify(t, conj(t))
        numeric[f"{key}.critic"] = _lambdify(u, spec.critic(u))
        f_numeric = numeric[f"{key}.f"]
        numeric[f"{key}.pointwise"] = lambda p_, q_, _f=f_numeric: np.asarray(q_, float) * _f(np.asarray(p_, float) / np.asarray(q_, float))
    f_, f_star, T = sp.Function("f"), sp.Function("f^*"), sp.Symbol("T", real=True)
    return Derivation(
        name="f-divergences",
        source=f"{NOWOZIN}, Section 2, Tables 1-2",
        assumptions=(*describe_assumptions(None, (p, q, t)), "u = p/q in dom f", "T, t in dom f*"),
        steps=tuple(steps),
        conclusion=sp.GreaterThan(q * f_(p / q), T * p - f_star(T) * q),
        numeric=numeric_forms(**numeric),
    )
