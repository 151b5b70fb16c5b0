"""The original GAN theorems, step by step (Goodfellow et al. 2014; Arjovsky & Bottou 2017).

Each function returns a :class:`~gantheory.symbolic.derivation.Derivation`; keyword arguments inject a
wrong claim (a negative control) and the corresponding step then comes back ``"failed"``.
Results are cached (``functools.lru_cache``): derivations are immutable data.
"""

from __future__ import annotations

from functools import cache

import mpmath
import numpy as np
import sympy as sp

from gantheory.losses import LOSSES
from gantheory.symbolic.derivation import (
    Derivation,
    Step,
    check_equal,
    describe_assumptions,
    equal_step,
    limit_step,
    not_equal_step,
    numbers_step,
    numeric_forms,
    sign_step,
)
from gantheory.symbolic.symbols import UNIT, a, b, logit, p, q, sigmoid, x, y, z

__all__ = [
    "bce_is_value",
    "change_of_variables",
    "non_saturating_objective",
    "optimal_discriminator",
    "saturation",
    "virtual_training_criterion",
]

GOODFELLOW = "Goodfellow et al. 2014, Generative Adversarial Nets"
ARJOVSKY = "Arjovsky & Bottou 2017, Towards Principled Methods for Training GANs"

# Symbols of integrated quantities (all nats).
KL_PM, KL_QM = sp.symbols("KL_pm KL_qm", nonnegative=True)  # KL(p_data || m), KL(p_g || m)
JSD = sp.Symbol("JSD", nonnegative=True)  # JSD(p_data || p_g), 1/2 convention, in [0, log 2]
INT_P, INT_Q = sp.symbols("Int_p Int_q", positive=True)  # ∫p_data dx, ∫p_g dx (both 1)
W = sp.Symbol("w", positive=True)  # a ratio p/m


def _maximiser_steps(objective: sp.Expr, claim: sp.Expr, variable: sp.Symbol, assumptions) -> list[Step]:
    """Stationary point, uniqueness and concavity of ``objective`` in ``variable`` on (0, 1).

    .. math:: F'(y^*) = 0, \\qquad F''(y) < 0 \\text{ on } (0, 1) \\;\\Rightarrow\\; y^* = \\arg\\max F.
    """
    derivative = sp.together(sp.diff(objective, variable))
    steps = [
        equal_step(
            "Derivative",
            "differentiate the pointwise objective in y = D(x)",
            sp.Derivative(objective, variable),
            derivative,
            assumptions,
            prepare=lambda e: e.doit(),
        ),
        equal_step(
            "Stationary point",
            "the claimed maximiser annihilates the derivative",
            sp.Subs(derivative, variable, claim),
            0,
            assumptions,
            prepare=lambda e: e.doit(),
        ),
        _unique_root_step(derivative, claim, variable, assumptions),
    ]
    second = sp.diff(objective, variable, 2)
    steps.append(
        sign_step(
            "Strictly concave",
            "F'' < 0 on (0, 1), so a stationary point is the unique global maximum",
            second,
            "<",
            0,
            assumptions,
        )
    )
    return steps


def _unique_root_step(derivative, claim, variable, assumptions) -> Step:
    """The numerator of F' has exactly the claimed root in (0, 1)."""
    numerator = sp.numer(sp.together(derivative))
    roots = sp.solve(numerator, variable)
    shown = sp.FiniteSet(*roots)
    title = "Only stationary point"
    justification = "the numerator of F' (its sign) vanishes only at the claim"
    if len(roots) != 1:
        detail = "F' has no zero (no interior maximum)" if not roots else f"F' has {len(roots)} zeros"
        return Step(title, justification, shown, sp.FiniteSet(claim), "sympy", "failed", detail, "=")
    method, outcome, detail = check_equal(roots[0], claim, assumptions)
    return Step(title, justification, shown, sp.FiniteSet(claim), method, outcome, detail, "=")


# -------------------------------------------------------------------------------------------------
# 1. Optimal discriminator


@cache
def optimal_discriminator(claim: sp.Expr | None = None, objective: sp.Expr | None = None) -> Derivation:
    """Goodfellow et al. 2014, Proposition 1: for fixed G the optimal discriminator is

    .. math:: D^*_G(x) = \\frac{p_{data}(x)}{p_{data}(x) + p_g(x)},

    because :math:`y \\mapsto a \\log y + b \\log(1-y)` (with :math:`a = p_{data}(x), b = p_g(x)`)
    has the single stationary point :math:`y^* = a/(a+b)` on (0, 1), where
    :math:`F''(y^*) = -(a+b)^3/(ab) < 0`; :math:`F'' < 0` everywhere on (0, 1) makes it the global
    maximum. Edge cases: :math:`a = 0` gives a supremum at :math:`y \\to 0` (D* = 0), :math:`b = 0` at
    :math:`y \\to 1` (D* = 1); dividing by :math:`\\log c` (another logarithm base) keeps the maximiser.

    Args:
        claim: the maximiser to check, in ``a, b`` or ``p, q`` (default ``a/(a+b)``). Negative
            control: ``p/(p + 2q)``.
        objective: the pointwise integrand in ``a, b, y`` (default ``a log y + b log(1-y)``).
            Negative control: the typo ``a log y + b (1 - log y)``, whose derivative ``(a-b)/y`` has
            no interior zero.

    Returns:
        A :class:`Derivation`; ``numeric["optimal_discriminator"](p, q)`` evaluates the claim.

    >>> optimal_discriminator().proven
    True
    """
    claim = (a / (a + b)) if claim is None else sp.sympify(claim).subs({p: a, q: b})
    objective = (a * sp.log(y) + b * sp.log(1 - y)) if objective is None else sp.sympify(objective)
    steps = _maximiser_steps(objective, claim, y, UNIT)
    steps.append(
        equal_step(
            "Curvature at the maximiser",
            "F''(y*) = -(a+b)^3/(ab)",
            sp.Subs(sp.diff(objective, y, 2), y, claim),
            -((a + b) ** 3) / (a * b),
            UNIT,
            prepare=lambda e: e.doit(),
        )
    )
    steps.append(sign_step("Inside (0, 1): lower end", "a, b > 0", claim, ">", 0))
    steps.append(sign_step("Inside (0, 1): upper end", "a, b > 0", claim, "<", 1))
    edge_a = sp.diff(objective.subs(a, 0), y)
    steps.append(
        sign_step(
            "Edge case a = 0: decreasing",
            "with p_data(x) = 0 the objective decreases on (0, 1): the supremum is at y -> 0",
            edge_a,
            "<",
            0,
            UNIT,
        )
    )
    steps.append(equal_step("Edge case a = 0: D* = 0", "the formula agrees with the boundary supremum", claim.subs(a, 0), 0))
    edge_b = sp.diff(objective.subs(b, 0), y)
    steps.append(
        sign_step(
            "Edge case b = 0: increasing",
            "with p_g(x) = 0 the objective increases on (0, 1): the supremum is at y -> 1",
            edge_b,
            ">",
            0,
            UNIT,
        )
    )
    steps.append(equal_step("Edge case b = 0: D* = 1", "the formula agrees with the boundary supremum", claim.subs(b, 0), 1))
    base = sp.Symbol("c", positive=True)
    steps.append(
        equal_step(
            "Any logarithm base",
            "log_c = log / log c with c > 1 rescales F by a positive constant: same stationary point",
            sp.Subs(sp.Derivative(objective / sp.log(base), y), y, claim),
            0,
            {**UNIT, base: sp.Interval.open(1, sp.oo)},
            prepare=lambda e: e.doit(),
        )
    )
    d_star = claim.subs({a: p, b: q})
    return Derivation(
        name="optimal-discriminator",
        source=f"{GOODFELLOW}, Proposition 1",
        assumptions=describe_assumptions(UNIT, (a, b, p, q)),
        steps=tuple(steps),
        conclusion=sp.Eq(sp.Symbol("D^*(x)"), d_star),
        numeric=numeric_forms(optimal_discriminator=sp.lambdify((p, q), d_star, "numpy")),
    )


# -------------------------------------------------------------------------------------------------
# 2. Virtual training criterion


def _criterion_integrand(p_, q_):
    """Step 1's integrand p log(p/(p+q)) + q log(q/(p+q)) in numpy, with 0·log 0 = 0 (``xlogy``)."""
    from scipy.special import xlogy

    p_, q_ = np.asarray(p_, float), np.asarray(q_, float)
    total = np.where(p_ + q_ > 0, p_ + q_, 1.0)  # p = q = 0 gives 0 either way
    return xlogy(p_, p_ / total) + xlogy(q_, q_ / total)


@cache
def virtual_training_criterion(claim: sp.Expr | None = None) -> Derivation:
    """Goodfellow et al. 2014, Theorem 1: with :math:`D = D^*_G`,

    .. math::
        C(G) = \\mathbb{E}_{p_{data}} \\log D^* + \\mathbb{E}_{p_g} \\log(1 - D^*)
             = -\\log 4 + \\mathrm{KL}(p_{data} \\| m) + \\mathrm{KL}(p_g \\| m)
             = -\\log 4 + 2\\,\\mathrm{JSD}(p_{data} \\| p_g), \\qquad m = (p_{data} + p_g)/2,

    using the pointwise identity :math:`p \\log D^* + q \\log(1-D^*) = -(p+q)\\log 2 + p\\log(p/m) +
    q\\log(q/m)` and :math:`\\int p = \\int q = 1`. At :math:`p = q`, :math:`D^* = 1/2` and
    :math:`C = -\\log 4`; :math:`0 \\le \\mathrm{JSD} \\le \\log 2` (Gibbs: :math:`w\\log w - w + 1 \\ge 0`).

    Args:
        claim: C(G) as an expression in the symbol ``JSD`` (default ``-log 4 + 2 JSD``).
            Negative control: ``-log 2 + JSD``.

    Returns:
        A :class:`Derivation`; ``numeric["integrand"](p, q)`` is the pointwise integrand (0 log 0 = 0),
        ``numeric["criterion"](jsd)`` the claim as a function of JSD (nats).
    """
    claim = (-sp.log(4) + 2 * JSD) if claim is None else sp.sympify(claim)
    d_star = p / (p + q)
    m = (p + q) / 2
    integrand = p * sp.log(d_star) + q * sp.log(1 - d_star)
    steps = [
        equal_step(
            "Substitute D*",
            "log D* = log p - log(p+q) and p + q = 2m",
            integrand,
            -(p + q) * sp.log(2) + p * sp.log(p / m) + q * sp.log(q / m),
        ),
        equal_step(
            "Integrate",
            "∫(p + q) log 2 dx = log 4 because ∫p dx = ∫q dx = 1; the rest are KL(p||m), KL(q||m)",
            -(INT_P + INT_Q) * sp.log(2) + KL_PM + KL_QM,
            -sp.log(4) + KL_PM + KL_QM,
            prepare=lambda e: e.subs({INT_P: 1, INT_Q: 1}),
        ),
        equal_step(
            "Jensen-Shannon form",
            "JSD = (KL(p||m) + KL(q||m))/2",
            -sp.log(4) + KL_PM + KL_QM,
            claim,
            prepare=lambda e: e.subs(JSD, (KL_PM + KL_QM) / 2),
        ),
        equal_step("At p = q: D* = 1/2", "p/(p+p)", d_star.subs(q, p), sp.Rational(1, 2)),
        equal_step(
            "At p = q: integrand",
            "the integrand becomes -p log 4, which integrates to -log 4",
            integrand.subs(q, p),
            -p * sp.log(4),
        ),
        equal_step("At p = q: C(G) = -log 4", "JSD(p||p) = 0", claim.subs(JSD, 0), -sp.log(4)),
    ]
    gibbs = W * sp.log(W) - W + 1
    steps += [
        equal_step(
            "Gibbs: KL(p||m) as a sum of nonnegative terms",
            "p log(p/m) - p + m = m·g(p/m) with g(w) = w log w - w + 1, and ∫(p - m) = 0",
            p * sp.log(p / m) - p + m,
            m * gibbs.subs(W, p / m),
        ),
        equal_step("Gibbs: g(1) = 0", "", gibbs.subs(W, 1), 0),
        equal_step("Gibbs: g'(1) = 0", "", sp.diff(gibbs, W).subs(W, 1), 0),
        sign_step(
            "Gibbs: g strictly convex",
            "g'' = 1/w > 0, so g >= 0 with equality only at w = 1, i.e. JSD >= 0 with equality iff p = q",
            sp.diff(gibbs, W, 2),
            ">",
            0,
        ),
        sign_step(
            "JSD <= log 2 (pointwise)",
            "p/m = 2p/(p+q) < 2, so p log(p/m) <= p log 2 (log increasing): KL(p||m) <= log 2, likewise KL(q||m)",
            p / m,
            "<",
            2,
        ),
        equal_step("At JSD = log 2: C(G) = 0", "disjoint supports: the largest value of C", claim.subs(JSD, sp.log(2)), 0),
    ]
    criterion = sp.lambdify(JSD, claim, "numpy")
    return Derivation(
        name="virtual-training-criterion",
        source=f"{GOODFELLOW}, Theorem 1",
        assumptions=(*describe_assumptions(None, (p, q)), "∫p_data = ∫p_g = 1"),
        steps=tuple(steps),
        conclusion=sp.Eq(sp.Symbol("C(G)"), claim),
        numeric=numeric_forms(
            integrand=_criterion_integrand,
            criterion=lambda jsd: criterion(np.asarray(jsd, float)),
            optimal_discriminator=sp.lambdify((p, q), d_star, "numpy"),
        ),
    )


# -------------------------------------------------------------------------------------------------
# 3. Change of variables (LOTUS)

_R, _J = sp.symbols("r j", real=True)  # density at the preimage, derivative of the inverse
PUSHFORWARD = sp.Lambda((_R, _J), _R * sp.Abs(_J))  # p_g(x) = p_z(G^{-1}(x)) |dG^{-1}/dx|


def _std_normal(v):
    return sp.exp(-(v**2) / 2) / sp.sqrt(2 * sp.pi)


@cache
def change_of_variables(claim: sp.Lambda | None = None) -> Derivation:
    """Law of the unconscious statistician for an invertible differentiable generator x = G(z):

    .. math::
        \\mathbb{E}_{z \\sim p_z}[h(G(z))] = \\mathbb{E}_{x \\sim p_g}[h(x)], \\qquad
        p_g(x) = p_z(G^{-1}(x)) \\left|\\frac{dG^{-1}}{dx}\\right|,

    the step Goodfellow et al. (2014, Sec. 4) use to write V(D, G) as one integral over x. Verified
    symbolically for :math:`G(z) = \\mu + \\sigma z` (the substitution, and both sides for
    :math:`h(x) = e^{sx}`) and numerically (mpmath at 40 digits) for :math:`G = \\sinh`.

    Args:
        claim: ``Lambda((r, j), ...)`` building p_g from the density at the preimage ``r`` and the
            derivative of the inverse ``j`` (default ``r·|j|``). Negative control: ``Lambda((r, j), r)``
            (the Jacobian forgotten).

    Returns:
        A :class:`Derivation`; ``numeric["affine_density"](x, loc, scale)`` and
        ``numeric["sinh_density"](x)`` are the pushforwards of N(0, 1).
    """
    claim = PUSHFORWARD if claim is None else claim
    mu = sp.Symbol("mu", real=True)
    sigma = sp.Symbol("sigma", positive=True)
    s = sp.Symbol("s", real=True)
    forward = mu + sigma * z
    inverse = (x - mu) / sigma
    jacobian = sp.diff(inverse, x)
    p_g = claim(_std_normal(inverse), jacobian)
    normal_pdf = sp.exp(-((x - mu) ** 2) / (2 * sigma**2)) / (sigma * sp.sqrt(2 * sp.pi))
    h = sp.exp(s * x)
    steps = [
        equal_step("Affine: inverse", "G(G^{-1}(x)) = x", forward.subs(z, inverse), x),
        equal_step("Affine: Jacobian", "dG^{-1}/dx", sp.Derivative(inverse, x), 1 / sigma, prepare=lambda e: e.doit()),
        equal_step("Affine: pushforward density", "p_g is the N(mu, sigma^2) density", p_g, normal_pdf),
        equal_step(
            "Affine: normalised",
            "a density integrates to 1",
            sp.Integral(p_g, (x, -sp.oo, sp.oo)),
            1,
            prepare=lambda e: e.doit() if isinstance(e, sp.Integral) else e,
        ),
        equal_step(
            "Affine: substitution z = G^{-1}(x)",
            "h(G(z)) p_z(z) dz with z = G^{-1}(x), dz = (dG^{-1}/dx) dx, equals h(x) p_g(x) dx",
            (h.subs(x, forward) * _std_normal(z)).subs(z, inverse) * jacobian,
            h * p_g,
        ),
    ]
    # Both expectations for h(x) = e^{sx}: E_z e^{s(mu + sigma z)} = e^{s mu} M_Z(s sigma).
    tz = sp.Symbol("t_z", real=True)
    mgf_z = sp.integrate(sp.exp(tz * z) * _std_normal(z), (z, -sp.oo, sp.oo))
    lhs_value = sp.exp(s * mu) * mgf_z.subs(tz, s * sigma)
    rhs_value = sp.integrate(h * p_g, (x, -sp.oo, sp.oo))
    lhs_shown = sp.Integral(h.subs(x, forward) * _std_normal(z), (z, -sp.oo, sp.oo))
    rhs_shown = sp.Integral(h * p_g, (x, -sp.oo, sp.oo))
    values = {lhs_shown: lhs_value, rhs_shown: rhs_value}
    steps.append(
        equal_step(
            "Affine: both sides for h = exp(s x)",
            "sympy evaluates both Gaussian integrals",
            lhs_shown,
            rhs_shown,
            prepare=lambda e: values[e],
        )
    )
    # Nonlinear monotone generator G = sinh: check numerically with h(x) = 1/(1 + x^2).
    inverse_nl = sp.asinh(x)
    jacobian_nl = sp.diff(inverse_nl, x)
    p_g_nl = claim(_std_normal(inverse_nl), jacobian_nl)
    h_nl = 1 / (1 + x**2)
    steps.append(equal_step("sinh: inverse", "sinh(asinh x) = x", sp.sinh(inverse_nl), x))
    steps.append(equal_step("sinh: Jacobian", "d asinh(x)/dx", sp.Derivative(inverse_nl, x), 1 / sp.sqrt(1 + x**2), prepare=lambda e: e.doit()))
    with mpmath.workdps(40):
        f_z = sp.lambdify(z, h_nl.subs(x, sp.sinh(z)) * _std_normal(z), "mpmath")
        f_x = sp.lambdify(x, h_nl * p_g_nl, "mpmath")
        lhs_nl = mpmath.quad(f_z, [-mpmath.inf, -2, 0, 2, mpmath.inf])
        rhs_nl = mpmath.quad(f_x, [-mpmath.inf, -4, -1, 0, 1, 4, mpmath.inf])
    steps.append(
        numbers_step(
            "sinh: both sides for h = 1/(1 + x^2)",
            "sympy has no closed form; both integrals by mpmath.quad at 40 digits",
            lhs_nl,
            rhs_nl,
            rtol=1e-25,
            lhs_expr=sp.Integral(h_nl.subs(x, sp.sinh(z)) * _std_normal(z), (z, -sp.oo, sp.oo)),
            rhs_expr=sp.Integral(h_nl * p_g_nl, (x, -sp.oo, sp.oo)),
        )
    )
    return Derivation(
        name="change-of-variables",
        source=f"{GOODFELLOW}, Section 4 (proof of Proposition 1)",
        assumptions=(*describe_assumptions(None, (mu, sigma, s)), "p_z = N(0, 1)", "G invertible and differentiable"),
        steps=tuple(steps),
        conclusion=sp.Eq(sp.Symbol("p_g(x)"), claim(sp.Symbol("p_z(G^-1(x))"), sp.Symbol("dG^-1/dx"))),
        numeric=numeric_forms(
            affine_density=sp.lambdify((x, mu, sigma), p_g, "numpy"),
            sinh_density=sp.lambdify(x, p_g_nl, "numpy"),
        ),
    )


# -------------------------------------------------------------------------------------------------
# 4. Binary cross-entropy is -V

D_REAL = sp.Symbol("D_x", positive=True)  # D(x), x ~ p_data
D_FAKE = sp.Symbol("D_Gz", positive=True)  # D(G(z))
A_REAL, A_FAKE = sp.symbols("a_x a_Gz", real=True)  # their logits


def _bce(prediction, label):
    """BCE(ŷ, t) = -[t log ŷ + (1 - t) log(1 - ŷ)]."""
    return -(label * sp.log(prediction) + (1 - label) * sp.log(1 - prediction))


def _standard_bce_logits(a_real, a_fake):
    """−log σ(a_real) − log(1 − σ(a_fake)) from ``LOSSES["standard"]``'s numpy terms (stable for large |a|)."""
    real, fake = LOSSES["standard"].terms("numpy")
    return real(np.asarray(a_real, float)) + fake(np.asarray(a_fake, float))


@cache
def bce_is_value(claim: sp.Expr | None = None) -> Derivation:
    """The discriminator's binary cross-entropy is minus the value function (Goodfellow et al. 2014, eq. 1):

    .. math::
        \\mathrm{BCE}(D(x), 1) + \\mathrm{BCE}(D(G(z)), 0) = -[\\log D(x) + \\log(1 - D(G(z)))],

    and with logits :math:`D = \\sigma(a)`: :math:`\\mathrm{softplus}(-a) = -\\log\\sigma(a)`,
    :math:`\\mathrm{softplus}(a) = -\\log(1-\\sigma(a))`. The generator's BCE with label 1 on fakes
    is the non-saturating loss :math:`-\\log D(G(z))` (Goodfellow et al. 2014, Sec. 3), not the
    minimax :math:`\\log(1 - D(G(z)))`.

    Args:
        claim: what BCE(D(G(z)), 1) equals (default ``-log D_Gz``). Negative control: ``log(1 - D_Gz)``.
    """
    claim = -sp.log(D_FAKE) if claim is None else sp.sympify(claim)
    unit = {D_REAL: sp.Interval.open(0, 1), D_FAKE: sp.Interval.open(0, 1)}
    real, fake = LOSSES["standard"].terms("sympy")  # the standard game's per-sample terms in the logit
    steps = [
        equal_step(
            "Discriminator loss",
            "label 1 on real, 0 on fake samples; averaging over x ~ p_data, z ~ p_z gives -V(D, G)",
            _bce(D_REAL, 1) + _bce(D_FAKE, 0),
            -(sp.log(D_REAL) + sp.log(1 - D_FAKE)),
            unit,
        ),
        equal_step("Logits: real term", "softplus(-a) = -log sigma(a)", real(logit), -sp.log(sigmoid(logit))),
        equal_step("Logits: fake term", "softplus(a) = -log(1 - sigma(a))", fake(logit), -sp.log(1 - sigmoid(logit))),
        equal_step(
            "Logits: discriminator loss",
            "BCE-with-logits of the two terms",
            _bce(sigmoid(A_REAL), 1) + _bce(sigmoid(A_FAKE), 0),
            real(A_REAL) + fake(A_FAKE),
        ),
        equal_step("Generator with label 1", "BCE(D(G(z)), 1)", _bce(D_FAKE, 1), claim, unit),
        not_equal_step(
            "Not the minimax loss",
            "-log D(G(z)) differs from log(1 - D(G(z))) (Goodfellow et al. 2014, Sec. 3)",
            claim,
            sp.log(1 - D_FAKE),
            unit,
        ),
        sign_step(
            "Same direction, non-saturating",
            "d/dD[-log D] = -1/D < 0: lowering the loss raises D(G(z))",
            sp.diff(claim, D_FAKE),
            "<",
            0,
            unit,
        ),
        sign_step(
            "Same direction, minimax",
            "d/dD log(1 - D) = -1/(1-D) < 0",
            sp.diff(sp.log(1 - D_FAKE), D_FAKE),
            "<",
            0,
            unit,
        ),
    ]
    return Derivation(
        name="bce-is-value",
        source=f"{GOODFELLOW}, eq. (1) and Section 3",
        assumptions=describe_assumptions(unit, (logit,)),
        steps=tuple(steps),
        conclusion=sp.Eq(sp.Symbol("BCE_D"), -(sp.log(D_REAL) + sp.log(1 - D_FAKE))),
        numeric=numeric_forms(
            discriminator_loss=sp.lambdify((D_REAL, D_FAKE), -(sp.log(D_REAL) + sp.log(1 - D_FAKE)), "numpy"),
            # the standard game's per-sample terms on logits, softplus(−a_real) + softplus(a_fake)
            discriminator_loss_logits=_standard_bce_logits,
            generator_loss=sp.lambdify(D_FAKE, claim, "numpy"),
        ),
    )


# -------------------------------------------------------------------------------------------------
# 5. Saturation


@cache
def saturation(claim: sp.Expr | None = None) -> Derivation:
    """Why the minimax generator loss saturates (Goodfellow et al. 2014, Sec. 3). In logit space,

    .. math::
        \\frac{\\partial}{\\partial a}\\log(1 - \\sigma(a)) = -\\sigma(a) \\xrightarrow[a\\to-\\infty]{} 0,
        \\qquad
        \\frac{\\partial}{\\partial a}[-\\log \\sigma(a)] = -(1 - \\sigma(a)) \\xrightarrow[a\\to-\\infty]{} -1;

    their ratio is :math:`e^{a}`. At :math:`a = -10`: :math:`-4.54\\times10^{-5}` vs :math:`-0.99995`.

    Args:
        claim: the minimax gradient (default ``-sigmoid(a)``). Negative control: ``-(1 - sigmoid(a))``.
    """
    claim = -sigmoid(logit) if claim is None else sp.sympify(claim)
    minimax = sp.log(1 - sigmoid(logit))
    non_saturating = -sp.log(sigmoid(logit))
    ns_gradient = -(1 - sigmoid(logit))
    at = sp.Integer(-10)
    steps = [
        equal_step("Minimax gradient", "d/da log(1 - sigma(a)) = -sigma(a)", sp.Derivative(minimax, logit), claim, prepare=lambda e: e.doit()),
        equal_step("Non-saturating gradient", "d/da [-log sigma(a)] = -(1 - sigma(a))", sp.Derivative(non_saturating, logit), ns_gradient, prepare=lambda e: e.doit()),
        limit_step("Minimax saturates", "the gradient vanishes when D rejects the fakes", claim, logit, -sp.oo, 0),
        limit_step("Non-saturating does not", "the gradient tends to -1", ns_gradient, logit, -sp.oo, -1),
        equal_step("Ratio", "minimax / non-saturating = e^a", claim / ns_gradient, sp.exp(logit)),
        equal_step("Minimax at a = -10 (exact)", "-sigma(-10) = -1/(1 + e^10)", claim.subs(logit, at), -1 / (1 + sp.exp(10))),
        numbers_step(
            "Minimax at a = -10",
            "to 3 significant digits",
            sp.N(claim.subs(logit, at), 30),
            "-4.54e-5",
            rtol=1e-3,
            rhs_expr=sp.Float("-4.54e-5", 3),
        ),
        numbers_step(
            "Non-saturating at a = -10",
            "to 5 significant digits",
            sp.N(ns_gradient.subs(logit, at), 30),
            "-0.99995",
            rtol=1e-5,
            rhs_expr=sp.Float("-0.99995", 5),
        ),
    ]
    return Derivation(
        name="saturation",
        source=f"{GOODFELLOW}, Section 3",
        assumptions=describe_assumptions(None, (logit,)),
        steps=tuple(steps),
        conclusion=sp.Eq(sp.Symbol("d/da log(1 - sigma(a))"), claim),
        numeric=numeric_forms(
            minimax_gradient=sp.lambdify(logit, claim, "numpy"),
            non_saturating_gradient=sp.lambdify(logit, ns_gradient, "numpy"),
            real_gradient=sp.lambdify(logit, sp.diff(sp.log(sigmoid(logit)), logit), "numpy"),
        ),
    )


# -------------------------------------------------------------------------------------------------
# 6. What the non-saturating loss minimises

Q0 = sp.Symbol("q_0", positive=True)  # p_g at theta_0, frozen inside D*


def _gaussian(v, loc):
    return mpmath.exp(-((v - loc) ** 2) / 2) / mpmath.sqrt(2 * mpmath.pi)


@cache
def _family_gradients(claim: sp.Expr, theta0: int = 1, dps: int = 30):
    """Gradients in the family p_g = N(θ, 1), p_data = N(0, 1) at θ₀, by mpmath quadrature.

    Returns (claimed non-saturating gradient, minimax gradient, d/dθ[KL - 2 JSD], d/dθ 2 JSD).
    ∂θ p_g(x) = (x - θ) p_g(x); the JSD derivative is a numerical derivative (mpmath.diff) of a
    quadrature, so it does not use the pointwise identities being checked.
    """
    weight = sp.lambdify((p, q), claim, "mpmath")
    with mpmath.workdps(dps):
        th0 = mpmath.mpf(theta0)
        cuts = [-mpmath.inf, -4, 0, th0, th0 + 4, mpmath.inf]

        def score_integral(func):
            return mpmath.quad(lambda v: (v - th0) * _gaussian(v, th0) * func(_gaussian(v, 0), _gaussian(v, th0)), cuts)

        ns = score_integral(weight)
        minimax = score_integral(lambda p_, q_: mpmath.log(q_ / (p_ + q_)))

        def two_jsd(theta):
            def integrand(v):
                p_, q_ = _gaussian(v, 0), _gaussian(v, theta)
                m = (p_ + q_) / 2
                return p_ * mpmath.log(p_ / m) + q_ * mpmath.log(q_ / m)

            return mpmath.quad(integrand, [-mpmath.inf, -4, 0, theta, theta + 4, mpmath.inf])

        d_two_jsd = mpmath.diff(two_jsd, th0)
        d_kl = th0  # KL(N(θ,1) || N(0,1)) = θ²/2
    return ns, minimax, d_kl - d_two_jsd, d_two_jsd


@cache
def non_saturating_objective(claim: sp.Expr | None = None) -> Derivation:
    """Arjovsky & Bottou 2017, Theorem 2.5: with :math:`D^*` frozen at :math:`\\theta_0`,

    .. math::
        \\mathbb{E}_z[-\\nabla_\\theta \\log D^*(G_\\theta(z))]\\big|_{\\theta_0}
          = \\nabla_\\theta[\\mathrm{KL}(p_g \\| p_{data}) - 2\\,\\mathrm{JSD}(p_g \\| p_{data})]\\big|_{\\theta_0},

    while the minimax gradient is :math:`\\nabla_\\theta 2\\,\\mathrm{JSD}` and their sum
    :math:`\\nabla_\\theta \\mathrm{KL}(p_g\\|p_{data})`. Pointwise: a functional
    :math:`\\int \\varphi(p, p_g)\\,dx` has :math:`\\nabla_\\theta = \\int \\partial_q\\varphi \\,
    \\nabla_\\theta p_g\\,dx`, and constants in :math:`\\partial_q\\varphi` drop out since
    :math:`\\int \\nabla_\\theta p_g = \\nabla_\\theta \\int p_g = 0`. Checked numerically in the family
    :math:`p_g = N(\\theta, 1)`, :math:`p_{data} = N(0, 1)` at :math:`\\theta_0 = 1` (mpmath quadrature,
    numerical differentiation of JSD).

    Args:
        claim: the pointwise weight of :math:`\\nabla_\\theta p_g` in the non-saturating gradient, in
            ``p, q`` (default ``-log(p/(p+q))`` = :math:`-\\log D^*`). Negative control: the sign flip
            ``log(p/(p+q))``.

    Returns:
        ``numeric["non_saturating_weight"](p, q)``, ``numeric["minimax_weight"](p, q)``: multiply by
        :math:`\\nabla_\\theta p_g(x)` and integrate to get the gradients.
    """
    claim = -sp.log(p / (p + q)) if claim is None else sp.sympify(claim)
    frozen = p / (p + Q0)
    phi_kl = q * sp.log(q / p)
    phi_jsd = q * sp.log(2 * q / (p + q)) + p * sp.log(2 * p / (p + q))
    phi_ns = -q * sp.log(frozen)
    phi_mm = q * sp.log(1 - frozen)
    at_theta0 = {Q0: q}
    d_kl = sp.log(q / p) + 1
    d_jsd = sp.log(2 * q / (p + q))
    steps = [
        equal_step("KL(p_g||p_data): pointwise gradient", "∂/∂q [q log(q/p)]", sp.Derivative(phi_kl, q), d_kl, prepare=lambda e: e.doit()),
        equal_step("2 JSD: pointwise gradient", "the p log(2p/(p+q)) term contributes -p/(p+q), cancelling q's extra term", sp.Derivative(phi_jsd, q), d_jsd, prepare=lambda e: e.doit()),
        equal_step(
            "Non-saturating: pointwise gradient",
            "∂/∂q [-q log D*] with D* = p/(p+q_0) frozen, then q_0 = q",
            sp.Derivative(phi_ns, q),
            claim,
            prepare=lambda e: e.doit().subs(at_theta0),
        ),
        equal_step(
            "Non-saturating = KL - 2 JSD",
            "up to the constant 1 - log 2, which integrates to 0 against ∇θ p_g",
            d_kl - d_jsd,
            claim + 1 - sp.log(2),
        ),
        equal_step(
            "Minimax = 2 JSD",
            "∂/∂q [q log(1 - D*)] frozen equals ∂/∂q 2JSD up to the constant -log 2",
            sp.Derivative(phi_mm, q),
            d_jsd - sp.log(2),
            prepare=lambda e: e.doit().subs(at_theta0),
        ),
        equal_step(
            "Sum = KL",
            "non-saturating + minimax = log(q/p) = ∂/∂q KL - 1",
            claim + sp.diff(phi_mm, q).subs(at_theta0),
            d_kl - 1,
        ),
    ]
    ns, minimax, d_kl_minus_2jsd, d_two_jsd = _family_gradients(claim)
    theta = sp.Symbol("theta", real=True)
    steps += [
        numbers_step(
            "N(θ,1) vs N(0,1) at θ0 = 1: non-saturating",
            "∫ (x-θ0) p_g(x) (-log D*(x)) dx vs d/dθ[θ²/2 - 2 JSD] (mpmath quad + mpmath.diff, 30 digits)",
            ns,
            d_kl_minus_2jsd,
            rtol=1e-15,
            lhs_expr=sp.Symbol("E_z[-∇θ log D*(G_θ(z))]"),
            rhs_expr=sp.Symbol("∇θ[KL - 2 JSD]"),
        ),
        numbers_step(
            "N(θ,1) vs N(0,1) at θ0 = 1: minimax",
            "∫ (x-θ0) p_g(x) log(1 - D*(x)) dx vs d/dθ 2 JSD",
            minimax,
            d_two_jsd,
            rtol=1e-15,
            lhs_expr=sp.Symbol("E_z[∇θ log(1 - D*(G_θ(z)))]"),
            rhs_expr=sp.Symbol("∇θ 2 JSD"),
        ),
        numbers_step(
            "N(θ,1) vs N(0,1) at θ0 = 1: sum",
            "d/dθ KL(N(θ,1)||N(0,1)) = d/dθ θ²/2 = θ0 = 1",
            ns + minimax,
            1,
            rtol=1e-15,
            lhs_expr=sp.Symbol("sum of the two gradients"),
            rhs_expr=sp.Derivative(theta**2 / 2, theta).doit().subs(theta, 1),
        ),
    ]
    return Derivation(
        name="non-saturating-objective",
        source=f"{ARJOVSKY}, Theorem 2.5",
        assumptions=(*describe_assumptions(None, (p, q)), "D* frozen at θ0", "∫ ∇θ p_g dx = 0"),
        steps=tuple(steps),
        conclusion=sp.Eq(sp.Symbol("E_z[-∇θ log D*(G_θ(z))]"), sp.Symbol("∇θ[KL(p_g||p_data) - 2 JSD(p_g||p_data)]")),
        numeric=numeric_forms(
            non_saturating_weight=sp.lambdify((p, q), claim, "numpy"),
            minimax_weight=sp.lambdify((p, q), sp.log(q / (p + q)), "numpy"),
            kl_weight=sp.lambdify((p, q), sp.log(q / p), "numpy"),
        ),
    )
