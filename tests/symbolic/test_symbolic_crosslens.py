"""Closing the loop between lenses: each derivation's lambdified conclusion against gantheory.quadrature.

The symbolic forms are integrated here with scipy's adaptive ``quad`` over a finite window (an
integrator independent of gantheory.quadrature); closed forms and mpmath supply golden values where
they exist. Each comparison has a negative control: the same check applied to a derivation fed a wrong
step must fail it.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.integrate import quad
from scipy.special import expit, log_expit

from gantheory import quadrature as Q
from gantheory.densities import Affine, Laplace, Mixture, Monotone, Normal, Pushforward
from gantheory.symbolic import DERIVATIONS, F_DIVERGENCES, NEGATIVE_CONTROLS

# Tolerances, with their reasons.
# gantheory.quadrature certifies 1e-10; scipy quad at epsabs 1e-13 on smooth windowed integrands adds
# ~1e-12 and the window truncation < 1e-15 (tails below e^{-40}): 1e-9 leaves an order of margin.
INTEGRAL_ATOL = 1e-9
# Pointwise formulas evaluated in float64 from the same pdf values: rounding only.
POINTWISE_RTOL = 1e-12
# Central differences with h = 1e-3 of 1e-10-accurate integrals: truncation h^2 |f'''|/6 ~ 1e-7,
# noise 1e-10/h = 1e-7.
FD_STEP = 1e-3
FD_ATOL = 2e-6
# A negative control must miss by far more than any of the tolerances above.
CONTROL_GAP = 1e-3

# (name, p_data, p_g, integration window, breakpoints): every f-divergence is finite for each pair.
PAIRS = [
    ("normal-shift", Normal(0.0, 1.0), Normal(1.0, 1.0), (-30.0, 30.0), (-3.0, 0.0, 0.5, 1.0, 4.0)),
    ("normal-scale", Normal(0.0, 1.0), Normal(0.3, 1.2), (-30.0, 30.0), (-3.0, 0.0, 0.3, 3.0)),
    ("laplace-shift", Laplace(0.0, 1.0), Laplace(0.5, 1.0), (-40.0, 40.0), (-3.0, 0.0, 0.25, 0.5, 3.0)),
    (
        "mixture-vs-normal",
        Mixture([Normal(-1.0, 1.0), Normal(1.0, 1.0)], [0.5, 0.5]),
        Normal(0.0, 1.0),
        (-30.0, 30.0),
        (-3.0, -1.0, 0.0, 1.0, 3.0),
    ),
]
PAIR_IDS = [pair[0] for pair in PAIRS]
GRID = np.linspace(-6.0, 6.0, 241)


def windowed(func, window, points):
    """∫ func(x) dx over the window by scipy's adaptive quad (independent of gantheory.quadrature)."""
    value, _ = quad(func, *window, points=points, limit=500, epsabs=1e-13, epsrel=1e-12)
    return value


def expectation(weight, p_density, window, points):
    return windowed(lambda x: float(p_density.pdf(x)) * float(weight(x)), window, points)


def ratio_form(func, p, q, *args):
    """x ↦ func(p(x), q(x), *args) for a func homogeneous of degree 0 in (p, q), such as D*.

    gantheory.quadrature samples far tails where both pdfs underflow to 0 (0/0 = NaN); rescaling both
    by e^{-max(log p, log q)} leaves a degree-0 formula unchanged and keeps it finite.
    """

    def evaluate(x):
        lp, lq = p.logpdf(x), q.logpdf(x)
        top = np.maximum(lp, lq)
        return func(np.exp(lp - top), np.exp(lq - top), *args)

    return evaluate


@pytest.fixture(scope="module")
def numeric():
    return {name: factory().numeric for name, factory in DERIVATIONS.items()}


# --- 1. optimal discriminator ---------------------------------------------------------------------------


@pytest.mark.parametrize("pair", PAIRS, ids=PAIR_IDS)
def test_optimal_discriminator(numeric, pair):
    _, p, q, _, _ = pair
    d_star = numeric["optimal-discriminator"]["optimal_discriminator"]
    reference = Q.optimal_discriminator(p, q)
    assert_allclose(d_star(p.pdf(GRID), q.pdf(GRID)), reference(GRID), rtol=POINTWISE_RTOL)
    # D* attains C(G) = max_D V: the symbolic D* plugged into the quadrature value function.
    value = float(Q.value_function(ratio_form(d_star, p, q), p, q))
    assert_allclose(value, float(Q.criterion(p, q)), atol=INTEGRAL_ATOL)
    # Negative control: p/(p+2q) is visibly different and strictly worse.
    wrong = NEGATIVE_CONTROLS["optimal-discriminator:p/(p+2q)"]().numeric["optimal_discriminator"]
    assert np.max(np.abs(wrong(p.pdf(GRID), q.pdf(GRID)) - reference(GRID))) > CONTROL_GAP
    assert float(Q.value_function(ratio_form(wrong, p, q), p, q)) < value - CONTROL_GAP


# --- 2. virtual training criterion -----------------------------------------------------------------------


@pytest.mark.parametrize("pair", PAIRS, ids=PAIR_IDS)
def test_virtual_training_criterion(numeric, pair):
    _, p, q, window, points = pair
    forms = numeric["virtual-training-criterion"]
    reference = float(Q.criterion(p, q))
    integrated = windowed(lambda x: float(forms["integrand"](p.pdf(x), q.pdf(x))), window, points)
    assert_allclose(integrated, reference, atol=INTEGRAL_ATOL)
    jsd = float(Q.js_divergence(p, q))
    assert_allclose(forms["criterion"](jsd), reference, atol=INTEGRAL_ATOL)
    wrong = NEGATIVE_CONTROLS["virtual-training-criterion:-log2+JSD"]().numeric["criterion"]
    assert abs(wrong(jsd) - reference) > CONTROL_GAP


def test_virtual_training_criterion_golden_uniforms(numeric):
    from gantheory.densities import Uniform

    # U(0,1) vs U(1/2, 3/2): half of each mass is alone, so JSD = log(2)/2 and C = -log 2 (closed form).
    p, q = Uniform(0.0, 1.0), Uniform(0.5, 1.5)
    assert_allclose(float(Q.criterion(p, q)), -math.log(2), atol=INTEGRAL_ATOL)
    assert_allclose(numeric["virtual-training-criterion"]["criterion"](math.log(2) / 2), -math.log(2), atol=1e-15)


# --- 3. change of variables --------------------------------------------------------------------------------


@pytest.mark.parametrize("loc, scale", [(0.0, 1.0), (1.5, 0.5), (-2.0, 3.0)])
def test_change_of_variables_affine(numeric, loc, scale):
    density = numeric["change-of-variables"]["affine_density"]
    pushforward = Pushforward(Normal(0.0, 1.0), Affine(loc, scale))
    assert_allclose(density(GRID, loc, scale), pushforward.pdf(GRID), rtol=POINTWISE_RTOL, atol=1e-300)
    assert_allclose(density(GRID, loc, scale), Normal(loc, scale).pdf(GRID), rtol=POINTWISE_RTOL, atol=1e-300)
    # The quadrature lens sees the pushforward as N(loc, scale): KL to the closed form is 0.
    assert_allclose(float(Q.kl_divergence(pushforward, Normal(loc, scale))), 0.0, atol=INTEGRAL_ATOL)
    wrong = NEGATIVE_CONTROLS["change-of-variables:no-jacobian"]().numeric["affine_density"]
    if scale != 1.0:  # without the Jacobian the density is off by the factor `scale`
        assert np.max(np.abs(wrong(GRID, loc, scale) - pushforward.pdf(GRID))) > CONTROL_GAP


@pytest.mark.parametrize("h_name, h, h_mp", [
    ("gauss", lambda x: np.exp(-x * x / 4), lambda x: mpmath.exp(-x * x / 4)),
    ("cauchy", lambda x: 1 / (1 + x * x), lambda x: 1 / (1 + x * x)),
    ("tanh", lambda x: np.tanh(x) ** 2, lambda x: mpmath.tanh(x) ** 2),
])
def test_change_of_variables_sinh_expectations(numeric, h_name, h, h_mp):
    density = numeric["change-of-variables"]["sinh_density"]
    pushforward = Pushforward(Normal(0.0, 1.0), Monotone.sinh())
    # Golden: E_z[h(sinh z)], z ~ N(0, 1), by mpmath at 30 digits (the left side of LOTUS).
    with mpmath.workdps(30):
        # |z| > 12 carries < e^{-72} of N(0, 1); a finite range keeps exp(-sinh(z)^2) from overflowing.
        golden = float(mpmath.quad(lambda z: h_mp(mpmath.sinh(z)) * mpmath.npdf(z), [-12, -4, -2, 0, 2, 4, 12]))
    symbolic_side = quad(lambda x: h(x) * density(x), -np.inf, np.inf, epsabs=1e-13, epsrel=1e-13, limit=500)[0]
    quadrature_side = float(Q.integrate(lambda x, lp, lq: np.exp(lp) * h(x), pushforward, pushforward))
    assert_allclose(symbolic_side, golden, atol=INTEGRAL_ATOL)
    assert_allclose(quadrature_side, golden, atol=INTEGRAL_ATOL)
    assert_allclose(density(GRID), pushforward.pdf(GRID), rtol=POINTWISE_RTOL)
    wrong = NEGATIVE_CONTROLS["change-of-variables:no-jacobian"]().numeric["sinh_density"]
    assert abs(quad(lambda x: h(x) * wrong(x), -np.inf, np.inf, limit=500)[0] - golden) > CONTROL_GAP


# --- 4. BCE is -V -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("pair", PAIRS[:3], ids=PAIR_IDS[:3])
@pytest.mark.parametrize("discriminator", ["optimal", "linear"])
def test_bce_is_minus_value(numeric, pair, discriminator):
    _, p, q, window, points = pair
    if discriminator == "optimal":
        logit = Q.optimal_discriminator(p, q).logit
    else:
        logit = lambda x: 0.8 * np.asarray(x) - 0.3  # noqa: E731
    loss = numeric["bce-is-value"]["discriminator_loss_logits"]
    # softplus(-inf) = 0 switches a term off: E_p[softplus(-a)] + E_q[softplus(a)].
    bce = expectation(lambda x: loss(logit(x), -np.inf), p, window, points) + expectation(
        lambda x: loss(np.inf, logit(x)), q, window, points
    )
    assert_allclose(bce, -float(Q.value_function(logit, p, q, logits=True)), atol=INTEGRAL_ATOL)
    # The generator's BCE with label 1 is E_q[-log D]; the control (minimax) claim is not.
    generator = numeric["bce-is-value"]["generator_loss"]
    wrong = NEGATIVE_CONTROLS["bce-is-value:generator-minimax"]().numeric["generator_loss"]
    target = expectation(lambda x: -log_expit(logit(x)), q, window, points)
    assert_allclose(expectation(lambda x: generator(expit(logit(x))), q, window, points), target, atol=INTEGRAL_ATOL)
    assert abs(expectation(lambda x: wrong(expit(logit(x))), q, window, points) - target) > CONTROL_GAP


# --- 5. saturation: logit gradients against finite differences of V ----------------------------------------


@pytest.mark.parametrize("pair", PAIRS, ids=PAIR_IDS)
def test_saturation_gradients_match_finite_differences(numeric, pair):
    _, p, q, window, points = pair
    forms = numeric["saturation"]
    logit = lambda x: 0.5 * np.asarray(x) - 0.3  # noqa: E731

    def value(shift):
        return float(Q.value_function(lambda x: logit(x) + shift, p, q, logits=True))

    fd = (value(FD_STEP) - value(-FD_STEP)) / (2 * FD_STEP)
    gradient = expectation(lambda x: forms["real_gradient"](logit(x)), p, window, points) + expectation(
        lambda x: forms["minimax_gradient"](logit(x)), q, window, points
    )
    assert_allclose(gradient, fd, atol=FD_ATOL)
    wrong = NEGATIVE_CONTROLS["saturation:wrong-gradient"]().numeric["minimax_gradient"]
    wrong_gradient = expectation(lambda x: forms["real_gradient"](logit(x)), p, window, points) + expectation(
        lambda x: wrong(logit(x)), q, window, points
    )
    assert abs(wrong_gradient - fd) > CONTROL_GAP


# --- 6. what the non-saturating loss minimises --------------------------------------------------------------

FAMILY = [  # (theta_0, p_data): p_g = N(theta, 1)
    (1.0, Normal(0.0, 1.0)),
    (0.5, Normal(0.0, 1.0)),
    (2.0, Normal(0.0, 1.5)),
]


@pytest.mark.parametrize("theta0, p_data", FAMILY, ids=["theta1", "theta0.5", "theta2-wide"])
def test_non_saturating_gradient_is_kl_minus_2jsd(numeric, theta0, p_data):
    forms = numeric["non-saturating-objective"]
    q0 = Normal(theta0, 1.0)
    window, points = (-30.0, 30.0), (-3.0, 0.0, theta0, 3.0)

    def gradient(weight):
        # ∇θ ∫ p_g w = ∫ (x - θ0) p_g(x) w(x) dx: the score of N(θ, 1).
        return windowed(lambda x: (x - theta0) * float(q0.pdf(x)) * float(weight(p_data.pdf(x), q0.pdf(x))), window, points)

    def fd(func):
        return (func(theta0 + FD_STEP) - func(theta0 - FD_STEP)) / (2 * FD_STEP)

    kl = lambda th: float(Q.kl_divergence(Normal(th, 1.0), p_data))  # noqa: E731
    two_jsd = lambda th: 2 * float(Q.js_divergence(Normal(th, 1.0), p_data))  # noqa: E731
    ns = gradient(forms["non_saturating_weight"])
    minimax = gradient(forms["minimax_weight"])
    assert_allclose(ns, fd(lambda th: kl(th) - two_jsd(th)), atol=FD_ATOL)
    assert_allclose(minimax, fd(two_jsd), atol=FD_ATOL)
    assert_allclose(ns + minimax, fd(kl), atol=FD_ATOL)
    wrong = NEGATIVE_CONTROLS["non-saturating-objective:sign-flip"]().numeric["non_saturating_weight"]
    assert abs(gradient(wrong) - fd(lambda th: kl(th) - two_jsd(th))) > CONTROL_GAP


def test_non_saturating_closed_form_kl_gradient(numeric):
    # KL(N(θ,1) || N(0,1)) = θ²/2 (closed form): the sum of the two gradients at θ0 = 1 is 1.
    forms = numeric["non-saturating-objective"]
    p_data, q0 = Normal(0.0, 1.0), Normal(1.0, 1.0)
    total = windowed(
        lambda x: (x - 1.0) * float(q0.pdf(x)) * float(forms["kl_weight"](p_data.pdf(x), q0.pdf(x))),
        (-30.0, 30.0),
        (-3.0, 0.0, 1.0, 4.0),
    )
    assert_allclose(total, 1.0, atol=INTEGRAL_ATOL)


# --- 7-9. variants of the discriminator objective --------------------------------------------------------------


@pytest.mark.parametrize("pair", PAIRS[:3], ids=PAIR_IDS[:3])
@pytest.mark.parametrize("m, n", [(1.0, 1.0), (2.0, 1.0), (1.0, 5.0)])
def test_maximum_likelihood(numeric, pair, m, n):
    _, p, q, _, _ = pair
    d_ml = numeric["maximum-likelihood"]["optimal_discriminator"]
    reference = expit(Q.optimal_discriminator(p, q).logit(GRID) + math.log(m / n))
    assert_allclose(d_ml(p.pdf(GRID), q.pdf(GRID), m, n), reference, rtol=POINTWISE_RTOL)
    wrong = NEGATIVE_CONTROLS["maximum-likelihood:prior-forgotten"]().numeric["optimal_discriminator"]
    gap = np.max(np.abs(wrong(p.pdf(GRID), q.pdf(GRID), m, n) - reference))
    assert (gap > CONTROL_GAP) == (m != n)  # forgetting the prior only matters when m != n


@pytest.mark.parametrize("pair", PAIRS[:3], ids=PAIR_IDS[:3])
@pytest.mark.parametrize("alpha, beta", [(0.9, 0.0), (0.9, 0.1), (0.7, 0.2)])
def test_label_smoothing(numeric, pair, alpha, beta):
    _, p, q, _, _ = pair
    d_smooth = numeric["label-smoothing"]["optimal_discriminator"]
    d_star = Q.optimal_discriminator(p, q)(GRID)
    reference = alpha * d_star + beta * (1 - d_star)
    assert_allclose(d_smooth(p.pdf(GRID), q.pdf(GRID), alpha, beta), reference, rtol=POINTWISE_RTOL)
    wrong = NEGATIVE_CONTROLS["label-smoothing:flipped-fake-target"]().numeric["optimal_discriminator"]
    assert np.max(np.abs(wrong(p.pdf(GRID), q.pdf(GRID), alpha, beta) - reference)) > CONTROL_GAP


@pytest.mark.parametrize("pair", PAIRS, ids=PAIR_IDS)
def test_least_squares(numeric, pair):
    _, p, q, window, points = pair
    forms = numeric["least-squares"]
    a, b = -1.0, 1.0  # Mao et al.'s a = -1, b = 1, c = 0
    d_star = Q.optimal_discriminator(p, q)(GRID)
    assert_allclose(forms["optimal_discriminator"](p.pdf(GRID), q.pdf(GRID), a, b), b * d_star + a * (1 - d_star), atol=1e-14)
    criterion = windowed(lambda x: float(forms["criterion_integrand"](p.pdf(x), q.pdf(x))), window, points)
    reference = float(Q.f_divergence(p, q, lambda u: 0.5 * (u - 1.0) ** 2 / (u + 1.0)))
    assert_allclose(criterion, reference, atol=INTEGRAL_ATOL)
    # The generator's criterion from the symbolic D*_LS itself, with c = 0.
    d_ls = lambda x: forms["optimal_discriminator"](p.pdf(x), q.pdf(x), a, b)  # noqa: E731
    direct = 0.5 * (expectation(lambda x: d_ls(x) ** 2, p, window, points) + expectation(lambda x: d_ls(x) ** 2, q, window, points))
    assert_allclose(direct, reference, atol=INTEGRAL_ATOL)
    wrong = NEGATIVE_CONTROLS["least-squares:labels-swapped"]().numeric["optimal_discriminator"]
    assert np.max(np.abs(wrong(p.pdf(GRID), q.pdf(GRID), a, b) - (b * d_star + a * (1 - d_star)))) > CONTROL_GAP


# --- 10. f-divergences --------------------------------------------------------------------------------------


@pytest.mark.parametrize("pair", PAIRS, ids=PAIR_IDS)
@pytest.mark.parametrize("name", sorted(F_DIVERGENCES))
def test_f_divergence_and_variational_bound(numeric, pair, name):
    _, p, q, window, points = pair
    forms = numeric["f-divergences"]
    reference = float(Q.f_divergence(p, q, name))
    pointwise = forms[f"{name}.pointwise"]
    assert_allclose(windowed(lambda x: float(pointwise(p.pdf(x), q.pdf(x))), window, points), reference, atol=INTEGRAL_ATOL, rtol=1e-9)
    critic, conjugate = forms[f"{name}.critic"], forms[f"{name}.conjugate"]

    def bound(scale):
        def integrand(x):
            p_x, q_x = float(p.pdf(x)), float(q.pdf(x))
            t = scale * float(critic(p_x / q_x))
            return t * p_x - float(conjugate(t)) * q_x

        return windowed(integrand, window, points)

    # Tight at T* (f-GAN eq. 4 with equality), strictly below for a shrunken critic.
    assert_allclose(bound(1.0), reference, atol=INTEGRAL_ATOL, rtol=1e-9)
    assert bound(0.8) < reference - 1e-6


# Golden values for N(0,1) vs N(1,1) (μ = 1): closed forms, JS, triangular and GAN by mpmath at 30 digits.
def _golden_normal_shift():
    with mpmath.workdps(30):
        def integrand(x):
            p, q = mpmath.npdf(x, 0, 1), mpmath.npdf(x, 1, 1)
            m = (p + q) / 2
            return (p * mpmath.log(p / m) + q * mpmath.log(q / m)) / 2

        def triangular(x):
            p, q = mpmath.npdf(x, 0, 1), mpmath.npdf(x, 1, 1)
            return (p - q) ** 2 / (p + q)

        jsd = mpmath.quad(integrand, [-mpmath.inf, -4, 0, 0.5, 1, 5, mpmath.inf])
        delta = mpmath.quad(triangular, [-mpmath.inf, -4, 0, 0.5, 1, 5, mpmath.inf])
        return {
            "triangular": float(delta),
            "kl": 0.5,
            "reverse_kl": 0.5,
            "pearson": math.e - 1,
            "neyman": math.e - 1,
            "squared_hellinger": 2 * (1 - math.exp(-1 / 8)),
            "jeffreys": 1.0,
            "total_variation": math.erf(1 / (2 * math.sqrt(2))),
            "js": float(jsd),
            "gan": float(2 * jsd - mpmath.log(4)),
        }


@pytest.mark.parametrize("name", sorted(F_DIVERGENCES))
def test_f_divergence_golden_values(numeric, name):
    _, p, q, window, points = PAIRS[0]
    golden = _golden_normal_shift()[name]
    pointwise = numeric["f-divergences"][f"{name}.pointwise"]
    assert_allclose(windowed(lambda x: float(pointwise(p.pdf(x), q.pdf(x))), window, points), golden, atol=INTEGRAL_ATOL)


def test_wrong_conjugate_breaks_the_bound():
    _, p, q, window, points = PAIRS[0]
    forms = NEGATIVE_CONTROLS["f-divergences:kl-conjugate-exp(t)"]().numeric

    def integrand(x):
        p_x, q_x = float(p.pdf(x)), float(q.pdf(x))
        t = float(forms["kl.critic"](p_x / q_x))
        return t * p_x - float(forms["kl.conjugate"](t)) * q_x

    assert abs(windowed(integrand, window, points) - 0.5) > CONTROL_GAP
