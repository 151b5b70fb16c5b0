"""Beta: logpdf and cdf against scipy.stats, sampling, support, validation, tiny parameters."""

import numpy as np
import pytest
from scipy import stats

from gantheory.densities import Beta
from gantheory.errors import GanTheoryError


def test_logpdf_and_cdf_match_scipy():
    ours, theirs = Beta(2.5, 0.7), stats.beta(2.5, 0.7)
    x = np.linspace(0.001, 0.999, 97)
    np.testing.assert_allclose(ours.logpdf(x), theirs.logpdf(x), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(ours.cdf(x), theirs.cdf(x), rtol=1e-10, atol=1e-12)


def test_sampling_matches_scipy():
    """Kolmogorov–Smirnov at α = 1e-4 with n = 4000 (seeded)."""
    draws = Beta(2.5, 0.7).sample(4000, rng=np.random.default_rng(0))
    assert draws.shape == (4000,)
    assert stats.kstest(draws, stats.beta(2.5, 0.7).cdf).pvalue > 1e-4


def test_outside_support_is_minus_inf_never_nan():
    lp = Beta(2, 2).logpdf(np.array([-1.0, 0.5, 2.0]))
    assert not np.isnan(lp).any()
    assert lp[0] == -np.inf and lp[2] == -np.inf


def test_zero_a_names_the_parameter():
    with pytest.raises(GanTheoryError, match="'a'"):
        Beta(0, 1)


def test_variance_with_tiny_parameters():
    """Regression (found by the fuzz suite): a·b/((a+b)²(a+b+1)) underflowed to 0/0."""
    assert float(Beta(1e-300, 1e-300).variance) == 0.25


@pytest.mark.parametrize("a,b", [(0.5, 5e-324), (2.225073858507e-311, 1.0), (5e-324, 5e-324)])
def test_subnormal_parameters_give_no_nan(a, b):
    """Regression (found by the fuzz suite in the randomised profile): scipy's betaln overflows to inf
    for a subnormal a or b, and inf − inf made logpdf NaN. log B(a, b) ≈ −log(min(a, b)) is finite."""
    d = Beta(a, b)
    lp = d.logpdf(np.array([0.0, 0.5, 1.0]))
    assert not np.isnan(lp).any()
    assert lp[1] < -700  # all mass sits at an endpoint: the interior density is below e^-700
    assert lp[0] == np.inf  # a < 1: the density diverges at 0


def test_log_beta_for_tiny_parameters_matches_the_asymptote():
    """log B(a, b) → −log a − log b + log(a + b) as a, b → 0 (log Γ(x) = −log x − γx + O(x²))."""
    from gantheory.densities.beta import _log_beta

    a = b = 5e-324
    assert float(_log_beta(a, b)) == pytest.approx(-np.log(a) - np.log(b) + np.log(a + b), rel=1e-15)
    assert float(_log_beta(2.0, 3.0)) == pytest.approx(np.log(1.0 / 12.0), rel=1e-15)  # B(2, 3) = 1/12
