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
