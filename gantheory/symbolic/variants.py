"""Neighbours of Proposition 1: other discriminator objectives and their optimal discriminators.

Maximum likelihood with unequal class sizes, label smoothing (Salimans et al. 2016) and least
squares (Mao et al. 2017). Each function returns a :class:`~gantheory.symbolic.derivation.Derivation`;
``claim=`` injects a wrong optimum for negative controls.
"""

from __future__ import annotations

from functools import cache

import sympy as sp

from gantheory.losses import LOSSES
from gantheory.symbolic.derivation import (
    Derivation,
    describe_assumptions,
    equal_step,
    numeric_forms,
    sign_step,
)
from gantheory.symbolic.gan import GOODFELLOW, _maximiser_steps
from gantheory.symbolic.symbols import UNIT, p, q, sigmoid, y

__all__ = ["label_smoothing", "least_squares", "maximum_likelihood"]

SALIMANS = "Salimans et al. 2016, Improved Techniques for Training GANs"
MAO = "Mao et al. 2017, Least Squares Generative Adversarial Networks"


# -------------------------------------------------------------------------------------------------
# 7. Maximum likelihood (the D step as logistic regression)

M_REAL, N_FAKE = sp.symbols("m n", positive=True)  # numbers of real and fake samples


@cache
def maximum_likelihood(claim: sp.Expr | None = None) -> Derivation:
    """The discriminator step is maximum-likelihood logistic regression (Goodfellow et al. 2014, Sec. 4).

    With m real samples (label 1) and n fake samples (label 0) the expected Bernoulli log-likelihood
    is :math:`\\int m\\,p \\log D + n\\,q \\log(1 - D)\\,dx`, maximised pointwise at

    .. math:: D(x) = \\frac{m\\,p(x)}{m\\,p(x) + n\\,q(x)} = \\sigma\\!\\left(\\log\\frac{p(x)}{q(x)} + \\log\\frac{m}{n}\\right);

    m = n recovers Proposition 1. Scaling the objective by c > 0 keeps the argmax; c < 0 makes
    the same point an argmin.

    Args:
        claim: the maximiser in ``p, q, m, n`` (default ``m p/(m p + n q)``). Negative control:
            ``p/(p + q)`` (the class prior forgotten).

    Returns:
        ``numeric["optimal_discriminator"](p, q, m, n)``.
    """
    claim = M_REAL * p / (M_REAL * p + N_FAKE * q) if claim is None else sp.sympify(claim)
    objective = M_REAL * p * sp.log(y) + N_FAKE * q * sp.log(1 - y)
    steps = _maximiser_steps(objective, claim, y, UNIT)
    c_pos = sp.Symbol("c", positive=True)
    c_neg = sp.Symbol("c", negative=True)
    steps += [
        equal_step("Equal sample sizes", "m = n gives Proposition 1", claim.subs(N_FAKE, M_REAL), p / (p + q)),
        equal_step(
            "Logistic regression",
            "the optimal logit is log(p/q) + log(m/n)",
            sigmoid(sp.log(p / q) + sp.log(M_REAL / N_FAKE)),
            claim,
        ),
        equal_step(
            "Scaling keeps the stationary point",
            "(c F)' = c F' vanishes where F' does",
            sp.Subs(sp.Derivative(c_pos * objective, y), y, claim),
            0,
            UNIT,
            prepare=lambda e: e.doit(),
        ),
        sign_step("c > 0: still a maximum", "(c F)'' = c F'' < 0", c_pos * sp.diff(objective, y, 2), "<", 0, UNIT),
        sign_step("c < 0: now a minimum", "(c F)'' = c F'' > 0", c_neg * sp.diff(objective, y, 2), ">", 0, UNIT),
    ]
    return Derivation(
        name="maximum-likelihood",
        source=f"{GOODFELLOW}, Section 4 (D step as a binary classifier)",
        assumptions=describe_assumptions(UNIT, (p, q, M_REAL, N_FAKE)),
        steps=tuple(steps),
        conclusion=sp.Eq(sp.Symbol("D_ML(x)"), claim),
        numeric=numeric_forms(optimal_discriminator=sp.lambdify((p, q, M_REAL, N_FAKE), claim, "numpy")),
    )


# -------------------------------------------------------------------------------------------------
# 8. Label smoothing

ALPHA, BETA = sp.symbols("alpha beta", positive=True)  # soft targets for real and fake samples
SMOOTHING = {ALPHA: sp.Interval.open(0, 1), BETA: sp.Interval.open(0, 1)}


@cache
def label_smoothing(claim: sp.Expr | None = None) -> Derivation:
    """Label smoothing (Salimans et al. 2016, Sec. 3.4): soft targets α (real) and β (fake) give

    .. math::
        \\max_D \\int p[\\alpha\\log D + (1-\\alpha)\\log(1-D)] + q[\\beta\\log D + (1-\\beta)\\log(1-D)]
        \\;\\Rightarrow\\; D^*(x) = \\frac{\\alpha\\,p(x) + \\beta\\,q(x)}{p(x) + q(x)},

    by Proposition 1 with weights :math:`A = \\alpha p + \\beta q`, :math:`B = (1-\\alpha)p + (1-\\beta)q`,
    :math:`A + B = p + q`. With β > 0, D* = β where p vanishes, which is why Salimans et al.
    smooth only the positive labels (β = 0: D* = α p/(p + q)).

    Args:
        claim: the maximiser in ``p, q, alpha, beta``. Negative control: ``(α p + (1 - β) q)/(p + q)``.

    Returns:
        ``numeric["optimal_discriminator"](p, q, alpha, beta)``.
    """
    claim = (ALPHA * p + BETA * q) / (p + q) if claim is None else sp.sympify(claim)
    weight_a = ALPHA * p + BETA * q
    weight_b = (1 - ALPHA) * p + (1 - BETA) * q
    objective = p * (ALPHA * sp.log(y) + (1 - ALPHA) * sp.log(1 - y)) + q * (
        BETA * sp.log(y) + (1 - BETA) * sp.log(1 - y)
    )
    assumptions = {**UNIT, **SMOOTHING}
    # The per-sample terms of LOSSES["label_smoothing"] (in the logit a), read at a = log(y/(1 − y)).
    real, fake = LOSSES["label_smoothing"].terms("sympy", alpha=ALPHA, beta=BETA)
    logit_y = sp.log(y / (1 - y))
    steps = [
        equal_step(
            "The label-smoothing loss in D = σ(a)",
            "softplus(−a) = −log D and softplus(a) = −log(1 − D): minus the row's loss is the objective",
            -(p * real(logit_y) + q * fake(logit_y)),
            objective,
            assumptions,
            prepare=lambda e: sp.expand_log(sp.simplify(e), force=True),  # every log argument is positive
        ),
        equal_step(
            "Collect the logarithms",
            "the smoothed objective is A log y + B log(1 - y)",
            objective,
            weight_a * sp.log(y) + weight_b * sp.log(1 - y),
            assumptions,
        ),
        equal_step("Weights sum to p + q", "A + B", weight_a + weight_b, p + q),
        sign_step("A > 0", "alpha, beta in (0, 1)", weight_a, ">", 0, assumptions),
        sign_step("B > 0", "alpha, beta in (0, 1)", weight_b, ">", 0, assumptions),
    ]
    steps += _maximiser_steps(objective, claim, y, assumptions)
    steps += [
        equal_step("One-sided smoothing (beta = 0)", "D* = alpha p/(p + q)", claim.subs(BETA, 0), ALPHA * p / (p + q)),
        equal_step(
            "Where p_data vanishes",
            "two-sided smoothing leaves D* = beta > 0 on fake-only regions",
            sp.Limit(claim, p, 0, "+"),
            BETA,
            prepare=lambda e: e.doit(),
        ),
    ]
    return Derivation(
        name="label-smoothing",
        source=f"{SALIMANS}, Section 3.4",
        assumptions=describe_assumptions(assumptions, (p, q)),
        steps=tuple(steps),
        conclusion=sp.Eq(sp.Symbol("D^*_smooth(x)"), claim),
        numeric=numeric_forms(optimal_discriminator=sp.lambdify((p, q, ALPHA, BETA), claim, "numpy")),
    )


# -------------------------------------------------------------------------------------------------
# 9. Least squares

A_FAKE, B_REAL, C_GEN = sp.symbols("a b c", real=True)  # LSGAN targets: fake, real, generator's


@cache
def least_squares(claim: sp.Expr | None = None) -> Derivation:
    """LSGAN (Mao et al. 2017, Sec. 3.2, Theorem 1). The discriminator minimises
    :math:`\\tfrac12\\mathbb{E}_p(D-b)^2 + \\tfrac12\\mathbb{E}_q(D-a)^2`, pointwise at

    .. math:: D^*(x) = \\frac{b\\,p(x) + a\\,q(x)}{p(x) + q(x)};

    the generator's criterion :math:`\\tfrac12\\mathbb{E}_p(D^*-c)^2 + \\tfrac12\\mathbb{E}_q(D^*-c)^2`
    equals :math:`\\tfrac12\\int ((b-c)p + (a-c)q)^2/(p+q)`, which for :math:`b - c = 1, b - a = 2`
    is :math:`\\tfrac12\\int (p-q)^2/(p+q) = \\tfrac12\\chi^2_{Pearson}(p + q \\| 2q)`.

    Args:
        claim: the minimiser in ``p, q, a, b`` (default ``(b p + a q)/(p + q)``). Negative control:
            ``(a p + b q)/(p + q)`` (labels swapped).

    Returns:
        ``numeric["optimal_discriminator"](p, q, a, b)`` and ``numeric["criterion_integrand"](p, q)``
        (the integrand of C(G) for b - c = 1, b - a = 2).
    """
    claim = (B_REAL * p + A_FAKE * q) / (p + q) if claim is None else sp.sympify(claim)
    d = sp.Symbol("y", real=True)  # D(x) is unconstrained in LSGAN
    # LOSSES["least_squares"]: (D − b)² on real, (D − a)² on fake samples, with Mao et al.'s ½.
    real, fake = LOSSES["least_squares"].terms("sympy", a=A_FAKE, b=B_REAL, c=C_GEN)
    objective = (p * real(d) + q * fake(d)) / 2
    derivative = sp.diff(objective, d)
    pointwise = (p * (claim - C_GEN) ** 2 + q * (claim - C_GEN) ** 2) / 2
    targets = {A_FAKE: C_GEN - 1, B_REAL: C_GEN + 1}  # b - c = 1, b - a = 2
    integrand = (p - q) ** 2 / (2 * (p + q))
    steps = [
        equal_step("Derivative", "d/dy of the pointwise squared error", sp.Derivative(objective, d), derivative, prepare=lambda e: e.doit()),
        equal_step("Stationary point", "the claimed minimiser annihilates the derivative", sp.Subs(derivative, d, claim), 0, prepare=lambda e: e.doit()),
        sign_step("Strictly convex", "the second derivative p + q > 0: the stationary point is the global minimum", sp.diff(objective, d, 2), ">", 0),
        equal_step(
            "Generator criterion",
            "substitute D*: (p + q)(D* - c)^2/2",
            pointwise,
            ((B_REAL - C_GEN) * p + (A_FAKE - C_GEN) * q) ** 2 / (2 * (p + q)),
        ),
        equal_step(
            "b - c = 1, b - a = 2",
            "the criterion becomes (p - q)^2 / (2(p + q))",
            pointwise,
            integrand,
            prepare=lambda e: e.subs(targets),
        ),
        equal_step(
            "Pearson chi-squared form",
            "2 C(G) = ∫ (2q - (p + q))^2/(p + q) = chi2_Pearson(p + q || 2q)",
            2 * integrand,
            (2 * q - (p + q)) ** 2 / (p + q),
        ),
        sign_step("Nonnegative", "a square over a positive number", integrand, "≥", 0),
        equal_step("Zero at p = q", "the minimum C = 0 is attained at p_g = p_data", integrand.subs(q, p), 0),
    ]
    return Derivation(
        name="least-squares",
        source=f"{MAO}, Section 3.2, Theorem 1",
        assumptions=describe_assumptions(None, (p, q, A_FAKE, B_REAL, C_GEN)),
        steps=tuple(steps),
        conclusion=sp.Eq(sp.Symbol("D^*_LS(x)"), claim),
        numeric=numeric_forms(
            optimal_discriminator=sp.lambdify((p, q, A_FAKE, B_REAL), claim, "numpy"),
            criterion_integrand=sp.lambdify((p, q), integrand, "numpy"),
        ),
    )
