"""The envelope theorem and Proposition 2 as derivations (gantheory/symbolic/dynamics.py).

Each derivation is proven and registered under its claim id, each negative control fails at the step
it targets, and the numbers in the Gaussian-family steps agree with an independent route: scipy's
adaptive ``quad`` in float64 with central differences, never the mpmath code under test.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from scipy.integrate import quad
from scipy.stats import norm

import gantheory.symbolic as symbolic
from gantheory.claims import CLAIMS
from gantheory.divergences import DIVERGENCES
from gantheory.losses import LOSSES
from gantheory.symbolic import DERIVATIONS, NEGATIVE_CONTROL_STEPS, NEGATIVE_CONTROLS
from gantheory.symbolic.dynamics import envelope, function_space_convergence

NAMES = ("envelope", "function-space-convergence")
CONTROLS = {
    "envelope:extra-D-term": "Total derivative",
    "function-space-convergence:log-D*-gradient": "Functional derivative",
}

# The two derivations' CPU time is measured by benchmarks/symbolic.py (no time budgets in tests).

# Tolerances, with their reasons.
# scipy quad at epsabs 1e-13 over a ±30 window (tails below e^{-400}): integrals good to ~1e-13.
INTEGRAL_ATOL = 1e-11
# Central differences of those integrals with h = 1e-4: truncation h²|f'''|/6 ~ 1e-9, noise 1e-13/h = 1e-9.
FD_STEP = 1e-4
FD_ATOL = 1e-7
# Pointwise central differences in float64 with h = 1e-4·q on p, q in [0.01, 100]: truncation
# h²·|third derivative|/6 ~ 1e-9 relative; rounding of p·log(p/(p+q)) (p/q up to 1e4) ~1e-14 / h ~ 1e-8.
POINTWISE_RTOL = 1e-6
# A negative control must miss by far more than any tolerance above.
CONTROL_GAP = 1e-2

WINDOW = (-30.0, 30.0)


def integrate(func, points):
    """∫ func over the window by scipy's adaptive quad (independent of mpmath and gantheory.quadrature)."""
    value, _ = quad(func, *WINDOW, points=points, limit=500, epsabs=1e-13, epsrel=1e-13)
    return value


def criterion_integrand(logp, logq):
    """p log(p/(p+q)) + q log(q/(p+q)): the ``gan`` row of DIVERGENCES (the derivations under test compute
    theirs in mpmath, so scipy's quad over this row stays an independent route)."""
    return float(DIVERGENCES["gan"].integrand(None, np.asarray(logp, float), np.asarray(logq, float)))


def shift_criterion(theta):
    """C(θ) for p_data = N(0, 1), p_g = N(θ, 1)."""
    return integrate(lambda x: criterion_integrand(norm.logpdf(x), norm.logpdf(x, theta)), (-4.0, 0.0, theta, theta + 4.0))


def mixture_criterion(t):
    """C(q_t) for p = N(0, 1), q_t = (1 − t) N(2, 1.5²) + t p."""

    def integrand(x):
        logp = norm.logpdf(x)
        logq = np.logaddexp(np.log1p(-t) + norm.logpdf(x, 2.0, 1.5), np.log(t) + logp) if t > 0 else norm.logpdf(x, 2.0, 1.5)
        return criterion_integrand(logp, logq)

    return integrate(integrand, (-4.0, 0.0, 2.0, 6.0))


def central_difference(func, at, h=FD_STEP):
    return (func(at + h) - func(at - h)) / (2 * h)


@pytest.fixture(scope="module")
def cold_run():
    """Both derivations from empty caches."""
    envelope.cache_clear()
    function_space_convergence.cache_clear()
    return {name: DERIVATIONS[name]() for name in NAMES}, None


def number(derivation, title, side="lhs"):
    return float(getattr(derivation.step(title), side))


# --- registry and proofs --------------------------------------------------------------------------


def test_registered_under_the_claim_ids():
    assert DERIVATIONS["envelope"] is envelope
    assert DERIVATIONS["function-space-convergence"] is function_space_convergence
    for name in NAMES:
        # The claim's symbolic lens looks its derivation up by these names.
        assert name in CLAIMS[name].derivations


@pytest.mark.parametrize("name", NAMES)
def test_proven(cold_run, name):
    derivation = cold_run[0][name]
    assert derivation.name == name
    assert derivation.proven, derivation.to_text()
    methods = derivation.methods
    assert methods["sympy"] >= 5 and methods["numeric"] >= 2, methods


@pytest.mark.parametrize("name", NAMES)
def test_renders(cold_run, name):
    derivation = cold_run[0][name]
    assert derivation.to_text().count("\n") >= len(derivation.steps)
    assert derivation.to_latex().count("\\tag*") == len(derivation.steps)
    record = derivation.to_dict()
    assert record["status"] == "proven" and len(record["steps"]) == len(derivation.steps)


def test_derive_by_name_and_cache(cold_run):
    assert symbolic.derive("function-space-convergence") is cold_run[0]["function-space-convergence"]
    for name in NAMES:
        assert callable(DERIVATIONS[name].cache_clear)  # what symbolic.clear_caches relies on


@pytest.mark.parametrize("name", sorted(CONTROLS))
def test_control_fails_at_the_targeted_step(name):
    call, title = NEGATIVE_CONTROL_STEPS[name]
    assert title == CONTROLS[name]
    derivation = call()
    assert not derivation.proven
    assert derivation.first_failure is derivation.step(title), derivation.to_text()
    assert NEGATIVE_CONTROLS[name].__doc__.startswith(name.split(":")[0])


def test_controls_leave_the_shared_steps_proved():
    # A wrong gradient must not contaminate what does not depend on it.
    wrong_envelope = NEGATIVE_CONTROLS["envelope:extra-D-term"]()
    for title in ("Stationary in D", "Chain rule", "D* moves with θ", "N(θ,1) vs N(0,1) at θ0 = 1: Danskin"):
        assert wrong_envelope.step(title).proved
    wrong_gradient = NEGATIVE_CONTROLS["function-space-convergence:log-D*-gradient"]()
    assert wrong_gradient.step("Strictly convex").proved
    assert wrong_gradient.step("N(2,1.5²) → N(0,1): directional derivative").outcome == "failed"


# --- envelope: numbers against scipy ----------------------------------------------------------------

THETA0 = 1.0
STANDARD = LOSSES["standard"]


def frozen_value(theta):
    """V(D*_{θ₀}, G_θ) for p_data = N(0, 1), p_g = N(θ, 1): D frozen at the optimum for θ₀."""

    def integrand(x):
        logp, logq0 = norm.logpdf(x), norm.logpdf(x, THETA0)
        # V = −(p ℓ_real(a) + q_θ ℓ_fake(a)) of the standard game at D*'s logit a = log p − log q0
        return -float(STANDARD.objective(logp - logq0, logp, norm.logpdf(x, theta)))

    return integrate(integrand, (-4.0, 0.0, THETA0, THETA0 + 4.0))


def test_envelope_numbers_match_scipy_finite_differences(cold_run):
    derivation = cold_run[0]["envelope"]
    total = central_difference(shift_criterion, THETA0)
    partial = central_difference(frozen_value, THETA0)
    assert_allclose(partial, total, atol=FD_ATOL)  # Danskin, independently of the code under test
    title = "N(θ,1) vs N(0,1) at θ0 = 1: Danskin"
    assert_allclose(number(derivation, title, "lhs"), total, atol=FD_ATOL)
    assert_allclose(number(derivation, title, "rhs"), partial, atol=FD_ATOL)


def gradient_integral(weight):
    """∫ weight(p, q, ∂θ q) dx at θ₀ with ∂θ q = (x − θ₀) q."""
    return integrate(
        lambda x: weight(norm.pdf(x), norm.pdf(x, THETA0), (x - THETA0) * norm.pdf(x, THETA0)),
        (-4.0, 0.0, THETA0, THETA0 + 4.0),
    )


def test_envelope_gradient_weight_integrates_to_the_derivative(cold_run):
    derivation = cold_run[0]["envelope"]
    total = central_difference(shift_criterion, THETA0)
    claimed = gradient_integral(derivation.numeric["gradient_weight"])
    assert_allclose(claimed, total, atol=FD_ATOL)
    assert_allclose(number(derivation, "N(θ,1) vs N(0,1) at θ0 = 1: claimed integrand"), claimed, atol=INTEGRAL_ATOL)
    wrong = gradient_integral(NEGATIVE_CONTROLS["envelope:extra-D-term"]().numeric["gradient_weight"])
    assert abs(wrong - total) > CONTROL_GAP


# --- Proposition 2: numbers against scipy -----------------------------------------------------------


def test_convexity_path_matches_scipy(cold_run):
    derivation = cold_run[0]["function-space-convergence"]
    start = mixture_criterion(0.0)
    for t in (0.25, 0.5, 0.75):
        label = {0.25: "1/4", 0.5: "1/2", 0.75: "3/4"}[t]
        step = derivation.step(f"N(2,1.5²) → N(0,1): convex at t = {label}")
        value, chord = mixture_criterion(t), (1 - t) * start - t * np.log(4)
        assert_allclose(float(step.lhs), value, atol=INTEGRAL_ATOL)
        assert_allclose(float(step.rhs), chord, atol=INTEGRAL_ATOL)
        assert value < chord - CONTROL_GAP  # strictly convex: the chord is well above the curve
    assert_allclose(mixture_criterion(1.0 - 1e-12), -np.log(4), atol=1e-9)  # C(p_data) = −log 4


def test_directional_derivative_matches_scipy(cold_run):
    derivation = cold_run[0]["function-space-convergence"]
    # Forward differences from t = 0 (q_t is a mixture only for t ≥ 0 here); 2·D(h) − D(2h) cancels
    # the O(h) term, leaving O(h²) ~ 1e-8.
    h = 1e-4
    c0 = mixture_criterion(0.0)
    slope = 2 * (mixture_criterion(h) - c0) / h - (mixture_criterion(2 * h) - c0) / (2 * h)
    title = "N(2,1.5²) → N(0,1): directional derivative"
    assert_allclose(number(derivation, title, "lhs"), slope, atol=FD_ATOL)
    gradient = derivation.numeric["functional_derivative"]

    def along(x):
        p_, q_ = norm.pdf(x), norm.pdf(x, 2.0, 1.5)
        return gradient(p_, q_) * (p_ - q_)

    assert_allclose(integrate(along, (-4.0, 0.0, 2.0, 6.0)), slope, atol=FD_ATOL)
    assert slope < -np.log(4) - c0 < 0  # gradient inequality of a convex C: a descent direction


@settings(deadline=None, max_examples=50)
@given(p=st.floats(1e-2, 1e2), q=st.floats(1e-2, 1e2))
def test_pointwise_forms_match_finite_differences(cold_run, p, q):
    numeric = cold_run[0]["function-space-convergence"].numeric
    phi = numeric["integrand"]
    h = 1e-4 * q
    first = (phi(p, q + h) - phi(p, q - h)) / (2 * h)
    assert_allclose(numeric["functional_derivative"](p, q), first, rtol=POINTWISE_RTOL, atol=1e-9)
    second = (numeric["functional_derivative"](p, q + h) - numeric["functional_derivative"](p, q - h)) / (2 * h)
    assert_allclose(numeric["second_derivative"](p, q), second, rtol=POINTWISE_RTOL)
    assert numeric["second_derivative"](p, q) > 0


def test_wrong_functional_derivative_is_far_from_finite_differences():
    wrong = NEGATIVE_CONTROLS["function-space-convergence:log-D*-gradient"]().numeric["functional_derivative"]
    right = function_space_convergence().numeric["functional_derivative"]
    p, q = 0.3, 1.7
    assert abs(wrong(p, q) - right(p, q)) > CONTROL_GAP
