"""The ten derivations of issue 3: each is proven, each negative control fails at the wrong step,
and the conclusions agree with answers obtained by an independent route (closed forms, mpmath,
scipy optimisation) — never with the code under test.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
import sympy as sp
from numpy.testing import assert_allclose
from scipy.optimize import minimize_scalar

import gantheory.symbolic as symbolic
from gantheory.errors import GanTheoryError
from gantheory.symbolic import (
    DERIVATIONS,
    F_DIVERGENCES,
    NEGATIVE_CONTROL_STEPS,
    NEGATIVE_CONTROLS,
    derive,
    f_divergences,
)

EXPECTED_NAMES = {
    "envelope",
    "function-space-convergence",
    "optimal-discriminator",
    "virtual-training-criterion",
    "change-of-variables",
    "bce-is-value",
    "saturation",
    "non-saturating-objective",
    "maximum-likelihood",
    "label-smoothing",
    "least-squares",
    "f-divergences",
}

# The derivations' CPU time is measured by benchmarks/symbolic.py (no time budgets in tests).


@pytest.fixture(scope="module")
def cold_run():
    """Derive everything from empty caches once; later tests reuse the cached results."""
    symbolic.clear_caches()
    return symbolic.derive_all(), None


def test_registry_holds_the_papers_derivations():
    # A subset, so that a new derivation never turns this red; the tests below run over the registry.
    assert EXPECTED_NAMES <= set(DERIVATIONS)
    assert all(callable(factory) for factory in DERIVATIONS.values())


@pytest.mark.parametrize("name", sorted(DERIVATIONS))
def test_derivation_is_proven(cold_run, name):
    derivation = cold_run[0][name]
    assert derivation.name == name
    assert derivation.proven, derivation.to_text()
    assert derivation.first_failure is None
    assert derivation.source and derivation.steps
    # Every step says which method verified it.
    assert all(step.method in ("sympy", "numeric") for step in derivation.steps)


@pytest.mark.parametrize("name", sorted(DERIVATIONS))
def test_derivation_renders(cold_run, name):
    derivation = cold_run[0][name]
    assert derivation.to_text().count("\n") >= len(derivation.steps)
    assert derivation.to_latex().count("\\tag*") == len(derivation.steps)
    assert derivation.to_dict()["status"] == "proven"


@pytest.mark.parametrize("name", sorted(NEGATIVE_CONTROL_STEPS))
def test_negative_control_fails_at_the_wrong_step(name):
    call, title = NEGATIVE_CONTROL_STEPS[name]
    derivation = call()
    assert not derivation.proven
    assert derivation.step(title).outcome == "failed", derivation.to_text()
    assert derivation.first_failure is not None


def test_negative_controls_cover_the_issue_and_every_derivation():
    assert set(NEGATIVE_CONTROLS) == set(NEGATIVE_CONTROL_STEPS)
    covered = {name.split(":")[0] for name in NEGATIVE_CONTROLS}
    assert covered == set(DERIVATIONS)
    for required in (
        "optimal-discriminator:p/(p+2q)",
        "optimal-discriminator:integrand-typo",
        "virtual-training-criterion:-log2+JSD",
        "non-saturating-objective:sign-flip",
        "f-divergences:kl-conjugate-exp(t)",
    ):
        assert required in NEGATIVE_CONTROLS


def test_unknown_names_suggest_close_ones():
    with pytest.raises(GanTheoryError, match="optimal-discriminator"):
        derive("optimal-discriminatr")
    with pytest.raises(GanTheoryError, match="reverse_kl"):
        f_divergences("reverse-kl")
    with pytest.raises(GanTheoryError, match="name="):
        f_divergences(conjugate=sp.exp(sp.Symbol("t")))


# --- conclusions against independent answers ---------------------------------------------------------


def test_optimal_discriminator_matches_brute_force_maximisation(cold_run):
    d_star = cold_run[0]["optimal-discriminator"].numeric["optimal_discriminator"]
    for a, b in [(0.3, 1.7), (2.0, 2.0), (5.0, 0.01)]:
        # Independent route: maximise a log y + b log(1 - y) with scipy's bounded Brent search.
        result = minimize_scalar(lambda v: -(a * math.log(v) + b * math.log1p(-v)), bounds=(1e-12, 1 - 1e-12), method="bounded", options={"xatol": 1e-12})  # noqa: B023 (called at once)
        assert_allclose(d_star(a, b), result.x, atol=1e-7)  # Brent's xatol, 1e-12, squared-out near a flat max
    # Negative control: the p/(p+2q) claim is not the maximiser.
    wrong = NEGATIVE_CONTROLS["optimal-discriminator:p/(p+2q)"]().numeric["optimal_discriminator"]
    assert abs(wrong(0.3, 1.7) - 0.3 / 2.0) > 1e-2


def test_optimal_discriminator_curvature_matches_finite_differences(cold_run):
    a, b = 0.7, 1.9
    objective = lambda v: a * mpmath.log(v) + b * mpmath.log(1 - v)  # noqa: E731
    with mpmath.workdps(40):
        curvature = mpmath.diff(objective, mpmath.mpf(a) / (a + b), 2)
    assert_allclose(float(curvature), -((a + b) ** 3) / (a * b), rtol=1e-12)  # 40-digit numerical derivative


def test_virtual_training_criterion_closed_forms(cold_run):
    criterion = cold_run[0]["virtual-training-criterion"].numeric["criterion"]
    # p = q: JSD 0, C = -log 4; disjoint supports: JSD = log 2, C = 0; U(0,1) vs U(1/2, 3/2): JSD = log(2)/2
    # (half the mass of each sits where the other vanishes), so C = -log 2.
    assert_allclose(criterion(0.0), -math.log(4), atol=1e-15)
    assert_allclose(criterion(math.log(2)), 0.0, atol=1e-15)
    assert_allclose(criterion(math.log(2) / 2), -math.log(2), atol=1e-15)
    wrong = NEGATIVE_CONTROLS["virtual-training-criterion:-log2+JSD"]().numeric["criterion"]
    assert abs(wrong(0.0) + math.log(4)) > 0.5


def test_saturation_values_at_minus_ten(cold_run):
    numeric = cold_run[0]["saturation"].numeric
    sigma = 1.0 / (1.0 + math.exp(10.0))  # sigma(-10), independent of sympy
    assert_allclose(numeric["minimax_gradient"](-10.0), -sigma, rtol=1e-14)
    assert_allclose(numeric["non_saturating_gradient"](-10.0), -(1 - sigma), rtol=1e-14)
    assert f"{numeric['minimax_gradient'](-10.0):.2e}" == "-4.54e-05"


def test_change_of_variables_sinh_density_expectation(cold_run):
    density = cold_run[0]["change-of-variables"].numeric["sinh_density"]
    # Independent route: E_z[h(sinh z)], z ~ N(0, 1), by mpmath; against ∫ h(x) p_g(x) dx by scipy.
    from scipy.integrate import quad

    h = lambda v: np.exp(-(v**2) / 4)  # noqa: E731
    with mpmath.workdps(30):
        # |z| > 12 contributes < e^{-72}; a finite range keeps mpmath away from exp(-sinh(z)^2) at huge z.
        golden = mpmath.quad(lambda z: mpmath.exp(-mpmath.sinh(z) ** 2 / 4 - z**2 / 2) / mpmath.sqrt(2 * mpmath.pi), [-12, -2, 0, 2, 12])
    value = quad(lambda v: h(v) * density(v), -np.inf, np.inf, epsabs=1e-13, epsrel=1e-13)[0]
    assert_allclose(value, float(golden), rtol=1e-10)  # scipy quad at 1e-13 on a smooth integrand
    wrong = NEGATIVE_CONTROLS["change-of-variables:no-jacobian"]().numeric["sinh_density"]
    wrong_value = quad(lambda v: h(v) * wrong(v), -np.inf, np.inf)[0]
    assert abs(wrong_value - float(golden)) > 1e-2


def test_f_divergence_table_is_a_view_of_the_divergence_table():
    from gantheory.divergences import DIVERGENCES

    assert set(F_DIVERGENCES) == {name for name, row in DIVERGENCES.items() if row.f_sympy is not None}
    assert {"kl", "js", "triangular", "gan"} <= set(F_DIVERGENCES)
    for _name, spec in F_DIVERGENCES.items():
        f, conjugate, domain = spec  # unpacks as (f, conjugate, domain info)
        assert isinstance(f, sp.Lambda) and isinstance(conjugate, sp.Lambda)
        assert isinstance(domain.f, sp.Interval) and isinstance(domain.conjugate, sp.Interval)
        assert isinstance(spec.critic, sp.Lambda)


def _sup_numeric(f, t, domain):
    """f*(t) = sup_u (u t - f(u)) on dom f by a dense grid and a bounded Brent refinement (no sympy)."""
    grid = np.geomspace(1e-9, 1e4, 4001) if domain.inf == 0 else np.linspace(-100.0, 100.0, 40001)
    with np.errstate(all="ignore"):
        values = grid * t - f(grid)
    i = int(np.nanargmax(values))
    bounds = (grid[max(i - 1, 0)], grid[min(i + 1, grid.size - 1)])
    result = minimize_scalar(lambda v: -(v * t - float(f(v))), bounds=bounds, method="bounded", options={"xatol": 1e-12})
    return max(float(values[i]), -result.fun)


@pytest.mark.parametrize("name", sorted(set(F_DIVERGENCES) - {"total_variation"}))
def test_conjugates_match_numerical_suprema(cold_run, name):
    numeric = cold_run[0]["f-divergences"].numeric
    f, conjugate = numeric[f"{name}.f"], numeric[f"{name}.conjugate"]
    domain = F_DIVERGENCES[name].domain
    hi = float(domain.conjugate.sup) if domain.conjugate.sup != sp.oo else 2.0
    ts = np.linspace(-2.0, hi, 7)[:-1] if hi <= 2.0 else np.linspace(-2.0, 2.0, 6)
    for t in ts:
        # Brent at xatol 1e-12 on a smooth concave objective: the maximum is flat, error ~ xatol^2.
        assert_allclose(conjugate(t), _sup_numeric(f, t, domain.f), rtol=1e-9, atol=1e-10)


def test_total_variation_conjugate_numerically():
    conjugate = f_divergences("total_variation").numeric["total_variation.conjugate"]
    for t in (-0.5, -0.2, 0.0, 0.3, 0.5):
        sup = max(u * t - 0.5 * abs(u - 1) for u in np.linspace(0, 50, 50001))  # grid contains u = 1 exactly
        assert_allclose(conjugate(t), sup, atol=1e-12)


def test_wrong_conjugate_is_rejected_by_the_numerical_supremum():
    wrong = NEGATIVE_CONTROLS["f-divergences:kl-conjugate-exp(t)"]().numeric["kl.conjugate"]
    sup = _sup_numeric(lambda u: u * np.log(u), 0.5, sp.Interval.open(0, sp.oo))
    assert abs(wrong(0.5) - sup) > 0.1


def test_pearson_trap_numerically():
    # On dom f = [0, ∞) the supremum at t = -3 is -f(0) = -1, not t^2/4 + t = -3/4.
    sup = max(u * -3.0 - (u - 1.0) ** 2 for u in np.linspace(0.0, 10.0, 100001))
    assert_allclose(sup, -1.0, atol=1e-12)
    conjugate = F_DIVERGENCES["pearson"].conjugate
    assert float(conjugate(-3)) == pytest.approx(-0.75)


def test_fgan_js_row_is_twice_jsd():
    f_half = sp.lambdify(sp.Symbol("u"), F_DIVERGENCES["js"].f(sp.Symbol("u")))
    u = 3.0
    fgan_row = u * math.log(u) - (u + 1) * math.log((u + 1) / 2)
    assert_allclose(fgan_row, 2 * f_half(u), rtol=1e-14)
