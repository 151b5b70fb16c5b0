r"""Property suite: the GAN claims of Goodfellow et al. (2014) and two variants, on drawn pairs.

- Thm. 1: C(G) ≥ −log 4, and C(G) = −log 4 + 2·JSD(p_data‖p_g).
- Prop. 1: V(D, G) ≤ C(G) for every D; D* = p/(p+q) is a stationary point (small perturbations of its
  logit never increase V).
- One-sided / two-sided label smoothing (Salimans et al. 2016, §3.4): with targets α (real) and β (fake)
  the optimum is D = (αp + βq)/(p + q).
- Least-squares GAN (Mao et al. 2017, Prop. 1 and Thm. 1): D* = (b·p + a·q)/(p + q) and, for
  a = −1, b = 1, c = 0, 2·C_LS(G) = ∫ (p − q)²/(p + q).

Each property runs against the theory's formula and against a wrong one (a negative control that
hypothesis must reject: D* = p/(p+2q), labels swapped, smoothing ignored, ...).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from gantheory import Discrete, StudentT, criterion, f_divergence, js_divergence, optimal_discriminator, value_function
from gantheory.losses import LOSSES
from gantheory.numerics import LOG4, weighted
from gantheory.quadrature import integrate
from gantheory.testing.assertions import find_counterexample
from gantheory.testing.strategies import NetworkDiscriminator, density_pairs, discriminators
from gantheory.tolerances import TOLERANCES

pytestmark = pytest.mark.filterwarnings("error::gantheory.errors.QuadratureWarning")

TOL = 4 * TOLERANCES["quadrature_atol"]
slow_ok = settings(deadline=None)

# Polynomial logits need light tails (E|x|^3 < ∞); tanh networks are bounded and go with any pair.
LIGHT = ("normal", "laplace", "uniform", "beta", "discrete", "pushforward")
light_pairs = density_pairs(kinds=("identical", "overlapping", "nearly_disjoint", "disjoint"), families=LIGHT)
# optimal_discriminator(p, q).logit compares a pmf with a pdf for a discrete/continuous pair (bug, see
# test_optimal_discriminator_of_a_mixed_pair), so tests that evaluate it pointwise draw same-type pairs.
same_type_pairs = density_pairs().filter(lambda pr: pr[0].is_discrete == pr[1].is_discrete)
pairs_and_discriminators = st.one_of(
    st.tuples(light_pairs, discriminators(kinds=["polynomial"])),
    st.tuples(density_pairs(), discriminators(kinds=["network"])),
)


# ---- Theorem 1 --------------------------------------------------------------------------------------


def criterion_lower_bound(c_of, pair):
    v = float(c_of(*pair))
    assert v >= -LOG4 - TOL, f"C(G) = {v!r} < −log 4"


def criterion_equals_jsd_form(c_of, pair):
    c, js = float(c_of(*pair)), float(js_divergence(*pair))
    assert c == pytest.approx(-LOG4 + 2 * js, abs=TOL), f"C(G) = {c!r} but −log 4 + 2·JSD = {-LOG4 + 2 * js!r}"


def criterion_labels_swapped(p, q):
    """V(1 − D*, G): the discriminator trained with real/fake labels swapped."""
    return value_function(lambda x: -optimal_discriminator(p, q).logit(x), p, q, logits=True)


def criterion_from_jsd_without_half(p, q):
    return -LOG4 + 4.0 * float(js_divergence(p, q))


@slow_ok
@given(density_pairs())
def test_criterion_is_at_least_minus_log4(pair):
    criterion_lower_bound(criterion, pair)


@slow_ok
@given(density_pairs())
def test_criterion_equals_minus_log4_plus_twice_jsd(pair):
    criterion_equals_jsd_form(criterion, pair)


def _mass(p):
    # the same tail pieces as criterion() integrates (issue 13), so both see the same grid
    return float(integrate(lambda x, lp, lq: weighted(lp, np.ones_like(lp)), p, p, tails=True, name="mass"))


# Regression example (found by the randomised profile): a Student-t with df = 8 loses ~4e-12 of its mass
# beyond the quadrature grid (inside the quadrature's contract, TOLERANCES["quadrature_atol"] = 1e-10), so
# C(G) = −log 4·∫p is compared with the mass on the same grid at 1e-12 and the mass with 1 at the contract.
@slow_ok
@given(density_pairs(kinds=["identical"]))
@example((StudentT(8.0, 0.0, 1.0), StudentT(8.0, 0.0, 1.0)))
def test_criterion_minimum_is_attained_at_p_g_equal_p_data(pair):
    mass = _mass(pair[0])
    assert mass == pytest.approx(1.0, abs=TOLERANCES["quadrature_atol"])
    assert float(criterion(*pair)) == pytest.approx(-LOG4 * mass, abs=1e-12)


def test_criterion_negative_controls_are_rejected():
    find_counterexample(density_pairs(), lambda pr: criterion_lower_bound(criterion_labels_swapped, pr))
    find_counterexample(density_pairs(), lambda pr: criterion_equals_jsd_form(criterion_from_jsd_without_half, pr))


# ---- Proposition 1 ----------------------------------------------------------------------------------


def value_below_criterion(c_of, example):
    (p, q), d = example
    v, c = float(value_function(d.logit, p, q, logits=True)), float(c_of(p, q))
    assert v <= c + TOL, f"V(D, G) = {v!r} > claimed max_D V = {c!r} for D = {d!r}"


def criterion_with_wrong_optimum(p, q):
    """V(D, G) at the wrong 'optimum' D = p/(p + 2q): logit log p − log q − log 2."""
    return value_function(lambda x: optimal_discriminator(p, q).logit(x) - math.log(2.0), p, q, logits=True)


@slow_ok
@given(pairs_and_discriminators)
def test_value_never_exceeds_criterion(example):
    value_below_criterion(criterion, example)


def test_value_below_criterion_rejects_wrong_optimum():
    find_counterexample(pairs_and_discriminators, lambda ex: value_below_criterion(criterion_with_wrong_optimum, ex))


def _stationary(objective, logit_of, example, eps=1e-2):
    """objective(a) at the candidate logit a* never increases when a* moves by ±eps·h (h a bounded network)."""
    (p, q), h = example
    base = objective(p, q, lambda x: logit_of(p, q, x))
    for sign in (1.0, -1.0):
        moved = objective(p, q, lambda x, s=sign: logit_of(p, q, x) + s * eps * h.logit(x))
        assert moved <= base + 1e-9, (
            f"moving the claimed optimum by {sign * eps:+g}·h(x), h = {h!r}, raises the objective "
            f"from {base!r} to {moved!r}: it is not the optimum"
        )


def gan_value(p, q, logit):
    return float(value_function(logit, p, q, logits=True))


perturbed = st.tuples(same_type_pairs, discriminators(kinds=["network"]))


def theory_logit(p, q, x):
    return optimal_discriminator(p, q).logit(x)


def logit_of_p_over_p_plus_2q(p, q, x):
    return optimal_discriminator(p, q).logit(x) - math.log(2.0)


@slow_ok
@given(perturbed)
def test_optimal_discriminator_is_stationary(example):
    _stationary(gan_value, theory_logit, example)


def test_stationarity_rejects_p_over_p_plus_2q():
    find_counterexample(perturbed, lambda ex: _stationary(gan_value, logit_of_p_over_p_plus_2q, ex))


@slow_ok
@given(density_pairs(), st.floats(-30.0, 30.0))
def test_optimal_discriminator_is_p_over_p_plus_q(pair, x):
    """D*(x) = p/(p+q) where both pdfs are representable (compared in linear space there)."""
    p, q = pair
    xs = np.array([x])  # a 1-element array: scalar x trips the Mixture bug below
    pp, qq = float(p.pdf(xs)[0]), float(q.pdf(xs)[0])
    d = float(optimal_discriminator(p, q)(xs)[0])
    assert 0.0 <= d <= 1.0
    if p.is_discrete != q.is_discrete:
        # a pmf against a pdf: the discrete side holds all the mass at its atoms (D* is 1 or 0 there)
        atom = pp > 0 if p.is_discrete else qq > 0
        if atom:
            assert d == (1.0 if p.is_discrete else 0.0)
    elif pp + qq > 1e-200:
        assert d == pytest.approx(pp / (pp + qq), rel=1e-12, abs=1e-300)


# Regression test (bug found by this suite, since fixed):
# bug in gantheory.densities.Mixture._logpdf (reported): with >= 3 components and a scalar x,
# np.maximum(top, t, out=top) gets a numpy scalar as out:
# Mixture([Normal(0, 1)] * 3, [1/3] * 3).logpdf(0.0) raises TypeError
def test_mixture_of_three_at_a_scalar_point():
    from gantheory import Mixture, Normal

    p = Mixture([Normal(0.0, 1.0)] * 3, [1 / 3] * 3)
    assert float(optimal_discriminator(p, Normal(0.0, 1.0))(0.0)) == pytest.approx(0.5)


# ---- label smoothing --------------------------------------------------------------------------------


def smoothed_value(alpha, beta):
    """V_ls(D) = ∫ p[α log D + (1−α) log(1−D)] + q[β log D + (1−β) log(1−D)], D = σ(a): minus the
    label-smoothing loss of :data:`gantheory.losses.LOSSES`, whose objective keeps 0·log 0 = 0 (β = 0
    where p has no mass: a* = −∞ and β·log σ(a*) = 0·(−∞))."""
    row = LOSSES["label_smoothing"]

    def objective(p, q, logit):
        def integrand(x, lp, lq):
            return -row.objective(logit(x), lp, lq, alpha=alpha, beta=beta)

        return float(integrate(integrand, p, q, name="V_ls"))

    return objective


def smoothed_optimum(alpha, beta):
    """logit of (αp + βq)/(p + q) = log(αp + βq) − log((1−α)p + (1−β)q), in log space (the row's optimum)."""

    def logit(p, q, x):
        return LOSSES["label_smoothing"].optimum(p.logpdf(x), q.logpdf(x), alpha=alpha, beta=beta)

    return logit


smoothing = st.sampled_from([(0.9, 0.0), (0.8, 0.1), (0.95, 0.05)])
smoothing_examples = st.tuples(smoothing, density_pairs(kinds=("identical", "overlapping", "heavy_tailed")),
                               discriminators(kinds=["network"]))


# Regression example (found by the randomised profile): β = 0 and a pmf pair where p has no mass at an
# atom of q gave V_ls = NaN (0·(−∞) in the smoothed objective).
@slow_ok
@given(smoothing_examples)
@example(((0.9, 0.0), (Discrete([0.0], [1.0]), Discrete([0.0, 1.0], [0.5, 0.5])), NetworkDiscriminator((4.0,), (-1.0,), (0.5,))))
def test_label_smoothing_optimum(example):
    (alpha, beta), pair, h = example
    _stationary(smoothed_value(alpha, beta), smoothed_optimum(alpha, beta), (pair, h))


def test_label_smoothing_rejects_unsmoothed_optimum():
    """Claiming D* = p/(p+q) still holds under smoothing is wrong."""

    def check(example):
        (alpha, beta), pair, h = example
        _stationary(smoothed_value(alpha, beta), theory_logit, (pair, h))

    find_counterexample(smoothing_examples, check)


# ---- least squares GAN ------------------------------------------------------------------------------


def ls_objective(a_label, b_label):
    """−[½ E_p (D − b)² + ½ E_q (D − a)²] (maximised by D); here the 'logit' is D itself (no sigmoid)."""

    def objective(p, q, d_of):
        def integrand(x, lp, lq):
            d = d_of(x)
            return -0.5 * (weighted(lp, (d - b_label) ** 2) + weighted(lq, (d - a_label) ** 2))

        return float(integrate(integrand, p, q, name="LSGAN"))

    return objective


def ls_optimum(a_label, b_label):
    """D* = (b p + a q)/(p + q) = b σ(t) + a σ(−t), t = log p − log q."""

    def d_star(p, q, x):
        t = optimal_discriminator(p, q).logit(x)
        return b_label * (1 / (1 + np.exp(-t))) + a_label * (1 / (1 + np.exp(t)))

    return d_star


def ls_wrong_optimum(p, q, x):
    return optimal_discriminator(p, q)(x)  # p/(p+q), right only for a = 0, b = 1


ls_examples = st.tuples(density_pairs(kinds=("identical", "overlapping", "nearly_disjoint")), discriminators(kinds=["network"]))


@slow_ok
@given(ls_examples)
def test_least_squares_optimum(example):
    _stationary(ls_objective(-1.0, 1.0), ls_optimum(-1.0, 1.0), example)


def test_least_squares_rejects_gan_optimum():
    find_counterexample(ls_examples, lambda ex: _stationary(ls_objective(-1.0, 1.0), ls_wrong_optimum, ex))


def ls_criterion_identity(a_label, b_label, pair):
    """Mao et al. (2017), Thm. 1 (a = −1, b = 1, c = 0): 2·C(G) = χ²_Pearson(p + q ‖ 2q) = ∫ (p − q)²/(p + q)."""
    p, q = pair
    d_star = ls_optimum(a_label, b_label)

    def c_integrand(x, lp, lq):
        d = d_star(p, q, x)
        return 0.5 * (weighted(lp, d * d) + weighted(lq, d * d))

    two_c = 2 * float(integrate(c_integrand, p, q, name="C_LS"))
    chi2 = float(f_divergence(p, q, "triangular"))  # the one divergence table's Δ(p‖q)
    assert two_c == pytest.approx(chi2, abs=TOL), f"2·C_LS(G) = {two_c!r} but ∫(p − q)²/(p + q) = {chi2!r}"


@slow_ok
@given(same_type_pairs)
def test_least_squares_criterion_is_pearson(pair):
    ls_criterion_identity(-1.0, 1.0, pair)


def test_least_squares_criterion_rejects_wrong_labels():
    find_counterexample(same_type_pairs, lambda pr: ls_criterion_identity(0.0, 1.0, pr))


# Regression test (bug found by this suite, since fixed):
# bug in gantheory.quadrature.OptimalDiscriminator (reported): for a discrete p_data and a continuous
# p_g it compares the pmf with the pdf at p's atoms, so optimal_discriminator(Discrete([0.], [1.]),
# Normal(0, 1))(0.0) = 0.715 instead of 1 and V(D*, G) = -0.336 while C(G) = 0
def test_optimal_discriminator_of_a_mixed_pair():
    from gantheory import Discrete, Normal

    p, q = Discrete([0.0], [1.0]), Normal(0.0, 1.0)
    d = optimal_discriminator(p, q)
    assert float(value_function(d.logit, p, q, logits=True)) == pytest.approx(float(criterion(p, q)), abs=TOL)
