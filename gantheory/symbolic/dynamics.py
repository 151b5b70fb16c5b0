"""How C(G) changes when the generator moves: the envelope theorem and Proposition 2.

Two derivations about the *dynamics* of the minimax game rather than its fixed points:

``envelope``
    Danskin's theorem for :math:`C(G_\\theta) = \\max_D V(D, G_\\theta)`: the discriminator's own
    dependence on :math:`\\theta` drops out of the gradient because :math:`\\partial V/\\partial D = 0`
    at :math:`D^*`.
``function-space-convergence``
    Goodfellow et al. 2014, Proposition 2: :math:`C` is convex in :math:`p_g` with functional gradient
    :math:`\\log(1 - D^*)`, so small steps along it converge to :math:`p_{data}`.

Each has symbolic steps (sympy) and a numeric step in a Gaussian family (mpmath quadrature at 30
digits, central differences with :math:`h = 10^{-10}`: truncation :math:`h^2|f'''|/6 \\sim 10^{-21}`,
rounding :math:`10^{-30}/h = 10^{-20}`, so the 1e-15 tolerance leaves five orders of margin).
Results are cached (``functools.lru_cache``): derivations are immutable data.
"""

from __future__ import annotations

from functools import cache

import mpmath
import sympy as sp

from gantheory.symbolic.derivation import (
    Derivation,
    Step,
    describe_assumptions,
    equal_step,
    numbers_step,
    numeric_forms,
    sign_step,
)
from gantheory.symbolic.gan import GOODFELLOW
from gantheory.symbolic.symbols import UNIT, a, p, q, y

__all__ = ["envelope", "function_space_convergence"]

DANSKIN = "Danskin 1967, The Theory of Max-Min"

# Working precision of the Gaussian-family checks, and their central-difference step (see above).
FAMILY_DPS = 30
FD_STEP = mpmath.mpf("1e-10")
FAMILY_RTOL = 1e-15

THETA = sp.Symbol("theta", real=True)
B_OF_THETA = sp.Function("b", positive=True)(THETA)  # p_g_θ(x) along the family, at a fixed x
C_OF_THETA = sp.Function("C")(THETA)
# What b(θ) and b'(θ) become in the checked forms: sympy's checkers work on plain symbols.
B_VALUE = sp.Symbol("b", positive=True)
B_SLOPE = sp.Symbol("b'", real=True)


def _plain(expr: sp.Basic) -> sp.Basic:
    """``doit`` then b'(θ) → b', b(θ) → b (the derivative first, so b(θ) inside it is not replaced)."""
    expr = sp.sympify(expr).doit()
    return expr.subs(sp.Derivative(B_OF_THETA, THETA), B_SLOPE).subs(B_OF_THETA, B_VALUE)


def _normal_pdf(v, loc, scale, sqrt_2pi):
    """N(loc, scale²) density; ``sqrt_2pi`` is passed in so it is computed once per working precision."""
    return mpmath.exp(-(((v - loc) / scale) ** 2) / 2) / (scale * sqrt_2pi)


def _central_difference(func, at):
    """(f(at + h) − f(at − h)) / 2h with h = :data:`FD_STEP`."""
    return (func(at + FD_STEP) - func(at - FD_STEP)) / (2 * FD_STEP)


def _close_step(title: str, justification: str, lhs_value, rhs_value) -> Step:
    """:func:`numbers_step` at :data:`FAMILY_DPS` digits: it parses ``str(value)``, which has only the
    ambient 15 digits outside ``workdps`` and would hide the real ~1e-20 agreement."""
    with mpmath.workdps(FAMILY_DPS):
        return numbers_step(title, justification, lhs_value, rhs_value, rtol=FAMILY_RTOL)


def _at_most_step(title: str, justification: str, lhs_value, rhs_value) -> Step:
    """A numeric ``lhs ≤ rhs`` between two numbers computed at :data:`FAMILY_DPS` digits."""
    lhs, rhs = mpmath.mpf(lhs_value), mpmath.mpf(rhs_value)
    outcome = "proved" if lhs <= rhs else "failed"
    detail = f"lhs={mpmath.nstr(lhs, 15)}, rhs={mpmath.nstr(rhs, 15)}, margin {mpmath.nstr(rhs - lhs, 3)}"
    return Step(title, justification, sp.Float(mpmath.nstr(lhs, 15), 15), sp.Float(mpmath.nstr(rhs, 15), 15),
                "numeric", outcome, detail, "≤")


# -------------------------------------------------------------------------------------------------
# Envelope (Danskin)


def _envelope_family(weight, theta0: int = 1):
    """In the family p_g = N(θ, 1), p_data = N(0, 1), at θ₀ (mpmath quadrature, 30 digits).

    Returns (d/dθ C(θ), ∂_θ V(D*_{θ₀}, G_θ), ∫ weight(p, q_θ₀, ∂_θ q_θ₀) dx); the first two by central
    differences of integrals, the last with ∂_θ q_θ = (x − θ) q_θ.
    """
    with mpmath.workdps(FAMILY_DPS):
        th0 = mpmath.mpf(theta0)
        log_sqrt_2pi = mpmath.log(2 * mpmath.pi) / 2
        # Split at the two modes only: tanh-sinh handles the Gaussian tails, and fewer pieces cost less.
        cuts = [-mpmath.inf, 0, th0, mpmath.inf]

        def p_and_ratio(v, theta):
            # p_data(x) and p_g(x)/p_data(x) = exp(θx − θ²/2) for N(θ, 1) over N(0, 1).
            return mpmath.exp(-v * v / 2 - log_sqrt_2pi), mpmath.exp(theta * v - theta * theta / 2)

        def criterion(theta):
            def integrand(v):
                # log D* = −log1p(q/p), log(1 − D*) = −log1p(p/q)
                p_, ratio = p_and_ratio(v, theta)
                return -p_ * mpmath.log1p(ratio) - p_ * ratio * mpmath.log1p(1 / ratio)

            return mpmath.quad(integrand, cuts)

        def frozen_value(theta):
            # V(D*_{θ₀}, G_θ): the discriminator stays optimal for θ₀ while the generator moves.
            def integrand(v):
                p_, ratio0 = p_and_ratio(v, th0)
                q_ = p_ * mpmath.exp(theta * v - theta * theta / 2)
                return -p_ * mpmath.log1p(ratio0) - q_ * mpmath.log1p(1 / ratio0)

            return mpmath.quad(integrand, cuts)

        def claimed(v):
            p_, ratio0 = p_and_ratio(v, th0)
            return weight(p_, p_ * ratio0, (v - th0) * p_ * ratio0)

        return (
            _central_difference(criterion, th0),
            _central_difference(frozen_value, th0),
            mpmath.quad(claimed, cuts),
        )


@cache
def envelope(claim: sp.Expr | None = None) -> Derivation:
    """The envelope (Danskin) theorem for :math:`C(G_\\theta) = \\max_D V(D, G_\\theta)`:

    .. math::
        \\frac{d}{d\\theta} C(G_\\theta)\\Big|_{\\theta_0}
          = \\partial_\\theta V(D^*_{\\theta_0}, G_\\theta)\\Big|_{\\theta_0},

    because pointwise, with :math:`F(y, \\theta) = a \\log y + b(\\theta) \\log(1 - y)` (:math:`a =
    p_{data}(x)`, :math:`b(\\theta) = p_{g_\\theta}(x)`) and :math:`y^*(\\theta) = a/(a + b(\\theta))`,
    the chain rule gives :math:`\\frac{d}{d\\theta} F(y^*, \\theta) = \\partial_\\theta F + \\partial_y F
    \\cdot dy^*/d\\theta` and :math:`\\partial_y F(y^*, \\theta) = 0`, although :math:`dy^*/d\\theta \\ne 0`.
    Hence :math:`\\frac{d}{d\\theta} C = \\int \\partial_\\theta p_{g_\\theta} \\log(1 - D^*) dx`. Checked
    exactly for general :math:`a > 0`, :math:`b(\\theta) > 0`, and numerically in the family
    :math:`p_g = N(\\theta, 1)`, :math:`p_{data} = N(0, 1)` at :math:`\\theta_0 = 1`.

    Args:
        claim: the total derivative :math:`dC/d\\theta` of the pointwise criterion, in ``a``, ``b(θ)``
            and ``b'(θ)`` (default :math:`b'(\\theta) \\log(b/(a + b))`, the partial derivative with
            D frozen). Negative control: adding :math:`(a/y^*)\\,dy^*/d\\theta = -a b'/(a + b)`, the
            "D-term" of someone who forgets that the ``log(1 − y)`` term also moves with y.

    Returns:
        A :class:`Derivation`; ``numeric["gradient_weight"](p, q, dq)`` evaluates the claim at
        :math:`a = p`, :math:`b = q`, :math:`b' = \\partial_\\theta q` (integrate it over x to get
        :math:`dC/d\\theta`).

    Reference: Danskin 1967; the step behind Goodfellow et al. 2014, Prop. 2 (proof).

    >>> envelope().proven
    True
    """
    b, db = B_OF_THETA, sp.Derivative(B_OF_THETA, THETA)
    objective = a * sp.log(y) + b * sp.log(1 - y)
    d_star = a / (a + b)
    claim = db * sp.log(b / (a + b)) if claim is None else sp.sympify(claim)

    def criterion(e):
        # C(θ) = F(y*(θ), θ)
        return _plain(e.subs(C_OF_THETA, objective.subs(y, d_star)))

    steps = [
        equal_step(
            "Stationary in D",
            "Prop. 1: the pointwise objective is stationary at its maximiser y* = a/(a + b(θ))",
            sp.Subs(sp.Derivative(objective, y), y, d_star),
            0,
            prepare=_plain,
        ),
        equal_step(
            "Chain rule",
            "C(θ) = F(y*(θ), θ): the total derivative is ∂F/∂θ + ∂F/∂y · dy*/dθ",
            sp.Derivative(C_OF_THETA, THETA),
            sp.Subs(sp.Derivative(objective, THETA), y, d_star)
            + sp.Subs(sp.Derivative(objective, y), y, d_star) * sp.Derivative(d_star, THETA),
            prepare=criterion,
        ),
        equal_step(
            "D* moves with θ",
            "dy*/dθ ≠ 0 whenever b' ≠ 0: the D-term vanishes because ∂F/∂y does, not because D* is fixed",
            sp.Derivative(d_star, THETA),
            -a * db / (a + b) ** 2,
            prepare=_plain,
        ),
        equal_step(
            "Total derivative",
            "the D-term ∂F/∂y · dy*/dθ is 0 at y*, so only ∂F/∂θ is left",
            sp.Derivative(C_OF_THETA, THETA),
            claim,
            prepare=criterion,
        ),
        equal_step(
            "Partial derivative with D frozen",
            "∂/∂θ [a log y + b(θ) log(1 − y)] at fixed y = D*_{θ0}(x), then θ = θ0",
            sp.Subs(sp.Derivative(objective, THETA), y, d_star),
            claim,
            prepare=_plain,
        ),
    ]
    # Each log's argument over one denominator, so no 1 − D* is formed when the claim is integrated.
    plain_claim = _plain(claim).replace(sp.log, lambda arg: sp.log(sp.together(arg)))
    weight = sp.lambdify((a, B_VALUE, B_SLOPE), plain_claim, "mpmath")
    total, frozen, claimed = _envelope_family(weight)
    steps += [
        _close_step(
            "N(θ,1) vs N(0,1) at θ0 = 1: Danskin",
            "d/dθ C(θ) vs d/dθ V(D*_θ0, G_θ), both central differences (h = 1e-10) of mpmath quadratures at 30 digits",
            total,
            frozen,
        ),
        _close_step(
            "N(θ,1) vs N(0,1) at θ0 = 1: claimed integrand",
            "∫ claim(p, q, ∂θ q) dx with ∂θ q = (x − θ0) q, vs the central difference of C(θ)",
            claimed,
            total,
        ),
    ]
    return Derivation(
        name="envelope",
        source=f"{DANSKIN}; used in {GOODFELLOW}, Proposition 2 (proof)",
        assumptions=(*describe_assumptions(UNIT, (a, THETA)), "b(θ) = p_g_θ(x) > 0, differentiable in θ", "differentiation under ∫ dx"),
        steps=tuple(steps),
        conclusion=sp.Eq(sp.Derivative(C_OF_THETA, THETA), claim),
        numeric=numeric_forms(gradient_weight=sp.lambdify((p, q, B_SLOPE), plain_claim.subs({a: p, B_VALUE: q}), "numpy")),
    )


# -------------------------------------------------------------------------------------------------
# Proposition 2: convergence in function space

# The pair of Gaussians along whose mixture path convexity is checked: unequal scales, and
# p_data/p_g < 7.5 everywhere (max at x = −1.6), so q − h(p − q) stays positive for the backward difference.
PAIR_DATA = (0, 1)  # (loc, scale) of p_data
PAIR_G = (2, sp.Rational(3, 2))  # (loc, scale) of p_g
MIXTURE_TS = (sp.Rational(1, 4), sp.Rational(1, 2), sp.Rational(3, 4))


def _pair_family(weight):
    """For p = N(0, 1), q = N(2, 1.5) and q_t = (1 − t) q + t p (mpmath quadrature, 30 digits).

    Returns ``(C(q), {t: C(q_t)}, d/dt C(q_t) at t = 0, ∫ weight(p, q) (p − q) dx)``; the derivative by
    central differences (q_{−h} = q + h (q − p) is still a density for h < 1/6.5).
    """
    with mpmath.workdps(FAMILY_DPS):
        loc_p, scale_p = (mpmath.mpf(v) for v in PAIR_DATA)
        loc_q, scale_q = (mpmath.mpf(sp.N(v, FAMILY_DPS + 5)) for v in PAIR_G)
        sqrt_2pi = mpmath.sqrt(2 * mpmath.pi)
        cuts = [-mpmath.inf, loc_p, loc_q, mpmath.inf]  # split at the modes

        def criterion(t):
            def integrand(v):
                p_ = _normal_pdf(v, loc_p, scale_p, sqrt_2pi)
                q_ = (1 - t) * _normal_pdf(v, loc_q, scale_q, sqrt_2pi) + t * p_
                # 30 digits and mpmath's unbounded exponent: p/(p+q) neither underflows nor rounds to 1
                # where it matters (both terms carry their own density as a factor).
                return p_ * mpmath.log(p_ / (p_ + q_)) + q_ * mpmath.log(q_ / (p_ + q_))

            return mpmath.quad(integrand, cuts)

        def directional(v):
            p_, q_ = _normal_pdf(v, loc_p, scale_p, sqrt_2pi), _normal_pdf(v, loc_q, scale_q, sqrt_2pi)
            return weight(p_, q_) * (p_ - q_)

        path = {t: criterion(mpmath.mpf(sp.N(t, FAMILY_DPS + 5))) for t in MIXTURE_TS}
        return criterion(mpmath.mpf(0)), path, _central_difference(criterion, mpmath.mpf(0)), mpmath.quad(directional, cuts)


@cache
def function_space_convergence(claim: sp.Expr | None = None) -> Derivation:
    """Goodfellow et al. 2014, Proposition 2: with :math:`D = D^*_G` at every step, gradient steps on
    :math:`p_g` converge to :math:`p_{data}`, because

    .. math::
        C(p_g) = \\sup_D V(D, p_g) = \\int p \\log\\frac{p}{p+q} + q \\log\\frac{q}{p+q}\\,dx,
        \\qquad \\frac{\\delta C}{\\delta q(x)} = \\log\\frac{q}{p+q} = \\log(1 - D^*(x)),

    (:math:`p = p_{data}(x)`, :math:`q = p_g(x)`): :math:`V(D, \\cdot)` is affine in :math:`p_g`, so
    the supremum :math:`C` is convex; pointwise its second derivative is :math:`p/(q(p+q)) > 0`
    (strictly convex); and :math:`C(p_{data}) = -\\log 4` is its unique minimum (Thm. 1), where the
    gradient :math:`\\log\\tfrac12` is constant and so orthogonal to every mass-preserving direction.
    Checked exactly pointwise, and numerically along :math:`q_t = (1-t)\\,q + t\\,p` for
    :math:`p = N(0, 1)`, :math:`q = N(2, 1.5^2)` (mpmath quadrature at 30 digits).

    Args:
        claim: the functional derivative :math:`\\partial_q` of the integrand, in ``p, q`` (default
            :math:`\\log(q/(p+q))`). Negative control: :math:`\\log(p/(p+q)) = \\log D^*`.

    Returns:
        A :class:`Derivation`; ``numeric["integrand"](p, q)`` is C's integrand,
        ``numeric["functional_derivative"](p, q)`` the claim, ``numeric["second_derivative"](p, q)``
        the curvature :math:`p/(q(p+q))`.

    >>> function_space_convergence().proven
    True
    """
    claim = sp.log(q / (p + q)) if claim is None else sp.sympify(claim)
    d_star = p / (p + q)
    integrand = p * sp.log(p / (p + q)) + q * sp.log(q / (p + q))
    value = p * sp.log(y) + q * sp.log(1 - y)  # V's integrand, affine in q for every fixed y = D(x)
    curvature = p / (q * (p + q))
    int_p = sp.Symbol("Int_p", positive=True)  # ∫ p_data dx = 1
    steps = [
        equal_step(
            "V is affine in p_g",
            "∂²/∂q² [p log D + q log(1 − D)] = 0 for every fixed D: C = sup_D V is a supremum of affine functions, so convex",
            sp.Derivative(value, q, 2),
            0,
            UNIT,
            prepare=lambda e: e.doit(),
        ),
        equal_step(
            "Functional derivative",
            "∂/∂q [p log(p/(p+q)) + q log(q/(p+q))]: the -p/(p+q) and 1 - q/(p+q) terms cancel",
            sp.Derivative(integrand, q),
            claim,
            prepare=lambda e: e.doit(),
        ),
        equal_step(
            "Gradient is log(1 − D*)",
            "the envelope theorem: ∂V/∂q at the maximiser D* (∂V/∂D = 0 there)",
            sp.Subs(sp.Derivative(value, q), y, d_star),
            claim,
            prepare=lambda e: e.doit(),
        ),
        equal_step(
            "Second derivative",
            "∂²/∂q² of the integrand",
            sp.Derivative(integrand, q, 2),
            curvature,
            prepare=lambda e: e.doit(),
        ),
        sign_step(
            "Strictly convex",
            "p/(q(p+q)) > 0: C is strictly convex in p_g, so a stationary point is its unique minimum",
            curvature,
            ">",
            0,
        ),
        equal_step(
            "At p_g = p_data: integrand",
            "D* = 1/2, so the integrand is p log(1/2) + p log(1/2)",
            integrand.subs(q, p),
            -p * sp.log(4),
        ),
        equal_step(
            "At p_g = p_data: C = -log 4",
            "∫ -p log 4 dx = -log 4 because ∫ p dx = 1",
            -sp.log(4) * int_p,
            -sp.log(4),
            prepare=lambda e: e.subs(int_p, 1),
        ),
        equal_step(
            "At p_g = p_data: stationary",
            "the gradient is the constant log(1/2), and ∫ h dx = 0 for every direction h that keeps ∫ p_g = 1",
            claim.subs(q, p),
            -sp.log(2),
        ),
    ]
    weight = sp.lambdify((p, q), claim, "mpmath")
    start, path, slope, directional = _pair_family(weight)
    log4 = mpmath.log(4)
    for t, value_t in path.items():
        chord = (1 - mpmath.mpf(sp.N(t, FAMILY_DPS + 5))) * start - mpmath.mpf(sp.N(t, FAMILY_DPS + 5)) * log4
        steps.append(
            _at_most_step(
                f"N(2,1.5²) → N(0,1): convex at t = {t}",
                f"C(q_t) ≤ (1 − t) C(q) + t C(p) with C(p) = -log 4, mpmath quadrature at {FAMILY_DPS} digits",
                value_t,
                chord,
            )
        )
    steps += [
        _close_step(
            "N(2,1.5²) → N(0,1): directional derivative",
            "d/dt C(q_t) at t = 0 (central difference) vs ∫ gradient·(p − q) dx",
            slope,
            directional,
        ),
        _at_most_step(
            "N(2,1.5²) → N(0,1): descent direction",
            "convexity: ⟨∇C(q), p − q⟩ ≤ C(p) − C(q) < 0, so a small enough step toward p_data lowers C",
            slope,
            -log4 - start,
        ),
    ]
    return Derivation(
        name="function-space-convergence",
        source=f"{GOODFELLOW}, Proposition 2",
        assumptions=(*describe_assumptions(UNIT, (p, q)), "∫ p_data = ∫ p_g = 1", "D = D*_G at every step"),
        steps=tuple(steps),
        conclusion=sp.Eq(sp.Symbol("δC/δp_g(x)"), claim.subs({p: sp.Symbol("p_data(x)"), q: sp.Symbol("p_g(x)")})),
        numeric=numeric_forms(
            integrand=sp.lambdify((p, q), integrand, "numpy"),
            functional_derivative=sp.lambdify((p, q), claim, "numpy"),
            second_derivative=sp.lambdify((p, q), curvature, "numpy"),
        ),
    )
