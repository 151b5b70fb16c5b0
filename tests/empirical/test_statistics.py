"""The calibrated check's statistics (gantheory.empirical.statistics): Wald test, Scheffé band, binomial test.

Each is compared with an independent route — closed-form χ² tails (1 and 2 degrees of freedom), the
normal quantile, an exact binomial sum written with ``math.comb`` — and each has a negative control.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from gantheory.densities import Normal
from gantheory.empirical.statistics import (
    binomial_test,
    scheffe_band,
    wald_covariance,
    wald_test,
)
from gantheory.errors import GanTheoryError
from gantheory.numerics import sigmoid


# -- Wald test -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("z", [0.0, 0.7, 1.9, 2.6, 4.0])
def test_wald_one_dimension_is_a_two_sided_z_test(z):
    sigma2 = 0.3
    r = wald_test([1.0 + z * math.sqrt(sigma2)], [1.0], np.array([[sigma2]]), alpha=0.05)
    # T = z², P(χ²₁ > z²) = 2 Φ(−|z|); critical value = z_{1−α/2}²
    assert r.statistic == pytest.approx(z * z, rel=1e-12, abs=1e-15)
    assert r.p_value == pytest.approx(2 * stats.norm.sf(abs(z)), rel=1e-10)
    assert r.critical == pytest.approx(stats.norm.ppf(0.975) ** 2, rel=1e-10)
    assert r.dof == 1 and r.passed == (abs(z) <= stats.norm.ppf(0.975))


def test_wald_two_dimensions_closed_form_tail():
    cov = np.array([[2.0, 0.6], [0.6, 1.0]])
    diff = np.array([1.5, -0.8])
    r = wald_test(diff, np.zeros(2), cov, alpha=0.01)
    # T = dᵀΣ⁻¹d through the explicit 2×2 inverse; P(χ²₂ > T) = e^{−T/2}; χ²₂ quantile = −2 log α
    det = cov[0, 0] * cov[1, 1] - cov[0, 1] ** 2
    t = (cov[1, 1] * diff[0] ** 2 - 2 * cov[0, 1] * diff[0] * diff[1] + cov[0, 0] * diff[1] ** 2) / det
    assert r.statistic == pytest.approx(t, rel=1e-12)
    assert r.p_value == pytest.approx(math.exp(-t / 2), rel=1e-10)
    assert r.critical == pytest.approx(-2 * math.log(0.01), rel=1e-10)


def test_wald_rejects_at_its_level_under_h0_and_always_far_from_it():
    rng = np.random.default_rng(0)
    cov = np.array([[1.0, 0.3, 0.0], [0.3, 2.0, 0.5], [0.0, 0.5, 0.7]])
    theta = np.array([0.2, -1.0, 0.5])
    draws = rng.multivariate_normal(theta, cov, size=4000)
    alpha = 0.05
    rejected = sum(not wald_test(d, theta, cov, alpha).passed for d in draws)
    # Binomial(4000, 0.05): mean 200, sd 13.8; 5 sd either side (false-failure probability ~6e-7)
    assert abs(rejected - 200) < 5 * math.sqrt(4000 * alpha * (1 - alpha)), rejected
    # negative control: a shift of 6 standard errors along the first axis is always rejected
    shifted = theta + np.array([6.0, 0.0, 0.0])
    assert all(not wald_test(d + shifted - theta, theta, cov, alpha).passed for d in draws[:200])


def test_wald_non_finite_estimate_fails_and_bad_alpha_raises():
    r = wald_test([np.nan, 0.0], [0.0, 0.0], np.eye(2), alpha=0.05)
    assert not r.passed and r.statistic == math.inf and r.p_value == 0.0
    with pytest.raises(GanTheoryError, match="alpha"):
        wald_test([0.0], [0.0], np.eye(1), alpha=1.0)


# -- Scheffé band --------------------------------------------------------------------------------------
def test_scheffe_band_intercept_only_is_the_normal_interval():
    # degree 0: φ ≡ 1, so the band is θ_T ± z_{1−α/2} √Σ on the logit scale at every x
    x = np.linspace(-1.0, 1.0, 5)
    band = scheffe_band(x, [0.1], np.array([0.3]), np.array([[0.04]]), 0.05, degree=0, center=0.0, scale=1.0)
    half = stats.norm.ppf(0.975) * 0.2
    np.testing.assert_allclose(band.half_width_logit, half, rtol=1e-12)
    np.testing.assert_allclose(band.lower, 1 / (1 + np.exp(-(0.3 - half))), rtol=1e-12)
    np.testing.assert_allclose(band.upper, 1 / (1 + np.exp(-(0.3 + half))), rtol=1e-12)
    assert band.all_inside  # |0.1 − 0.3| = 0.2 < 0.392
    outside = scheffe_band(x, [0.8], np.array([0.3]), np.array([[0.04]]), 0.05, degree=0, center=0.0, scale=1.0)
    assert not outside.inside.any() and not outside.all_inside  # negative control


def test_passing_wald_implies_inside_the_scheffe_band():
    """Scheffé: the Wald ellipsoid is the set of θ̂ inside the band for every direction φ, so a pass puts
    D̂ inside at every x; a fail puts it outside for some direction (not necessarily on this grid)."""
    rng = np.random.default_rng(1)
    cov = np.array([[0.05, 0.01, 0.0], [0.01, 0.08, 0.02], [0.0, 0.02, 0.03]])
    theta = np.array([0.1, 0.4, -0.3])
    x = np.linspace(-3.0, 3.0, 121)
    passes = fails_outside = 0
    for d in rng.multivariate_normal(theta, 4 * cov, size=300):
        wald = wald_test(d, theta, cov, 0.05)
        band = scheffe_band(x, d, theta, cov, 0.05, degree=2, center=0.0, scale=2.0)
        if wald.passed:
            passes += 1
            assert band.all_inside
        fails_outside += not band.all_inside
    assert passes > 20 and fails_outside > 20  # both branches were exercised
    np.testing.assert_allclose(band.estimate, sigmoid(np.polynomial.polynomial.polyval(x / 2.0, d)), rtol=1e-12)


# -- binomial test --------------------------------------------------------------------------------------
def _exact_two_sided(k: int, n: int, p: float) -> float:
    """Sum of the probabilities of the outcomes no more likely than k (the 'minlike' two-sided test)."""
    pmf = [math.comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(n + 1)]
    return min(1.0, sum(v for v in pmf if v <= pmf[k] * (1 + 1e-7)))


@pytest.mark.parametrize(("k", "n", "p"), [(5, 100, 0.05), (0, 100, 0.05), (12, 100, 0.05), (3, 40, 0.2),
                                           (40, 400, 0.05)])
def test_binomial_pvalue_matches_the_exact_sum(k, n, p):
    assert binomial_test(k, n, p) == pytest.approx(_exact_two_sided(k, n, p), rel=1e-9)


def test_binomial_pvalue_negative_control():
    # 30 rejections in 100 at α = 0.05 is a broken calibration; 5 in 100 is the expected count
    assert binomial_test(30, 100, 0.05) < 1e-8 < 0.5 < binomial_test(5, 100, 0.05)


# -- sandwich covariance ---------------------------------------------------------------------------------
def test_wald_covariance_two_sample_closed_form():
    """p = q, degree 1, at θ = (log(n/m), 0): s = n/(n + m) everywhere. The intercept's MLE is log(n/m)
    for every sample (fixed class counts), so its variance is 0; the slope's is the two-sample
    scale²(1/n + 1/m) (u = x/scale has mean 0 and variance 1/scale² under N(0, 1)), and A is (n + m) s(1 − s) E[φφᵀ]."""
    p = Normal(0.0, 1.0)
    n, m = 300, 100
    center, scale = 0.0, 2.0
    theta = np.array([math.log(n / m), 0.0])
    cov, info = wald_covariance(theta, p, p, n=n, m=m, degree=1, center=center, scale=scale,
                                return_information=True)
    s = n / (n + m)
    # Gauss–Legendre on the breakpoint panels: moments of N(0, 1) to ~1e-10
    np.testing.assert_allclose(info, (n + m) * s * (1 - s) * np.diag([1.0, 1.0 / scale**2]), rtol=1e-8, atol=1e-8)
    assert abs(cov[0, 0]) < 1e-10 and abs(cov[0, 1]) < 1e-10
    assert cov[1, 1] == pytest.approx(scale**2 * (1 / n + 1 / m), rel=1e-8)
    # negative control: with twice the samples of each class the variance halves, so the old value is wrong
    half = wald_covariance(theta, p, p, n=2 * n, m=2 * m, degree=1, center=center, scale=scale)
    assert half[1, 1] == pytest.approx(cov[1, 1] / 2, rel=1e-8) and half[1, 1] < 0.9 * cov[1, 1]
