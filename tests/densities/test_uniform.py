"""Uniform: logpdf and cdf against scipy.stats, sampling, support, validation."""

import numpy as np
import pytest
from scipy import stats

from gantheory.densities import Uniform
from gantheory.errors import GanTheoryError

X = np.linspace(-6, 6, 97)


def test_logpdf_and_cdf_match_scipy():
    ours, theirs = Uniform(-1.0, 2.0), stats.uniform(-1.0, 3.0)
    with np.errstate(divide="ignore"):
        np.testing.assert_allclose(ours.logpdf(X), theirs.logpdf(X), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(ours.cdf(X), theirs.cdf(X), rtol=1e-10, atol=1e-12)


def test_sampling_matches_scipy():
    """Kolmogorov–Smirnov at α = 1e-4 with n = 4000 (seeded)."""
    draws = Uniform(-1.0, 2.0).sample(4000, rng=np.random.default_rng(0))
    assert draws.shape == (4000,)
    assert stats.kstest(draws, stats.uniform(-1.0, 3.0).cdf).pvalue > 1e-4


def test_outside_support_is_minus_inf_never_nan():
    lp = Uniform(0, 1).logpdf(np.array([-1.0, 0.5, 2.0]))
    assert not np.isnan(lp).any()
    assert lp[0] == -np.inf and lp[2] == -np.inf


@pytest.mark.parametrize("low,high", [(1, 1), (2, 1)])
def test_empty_interval_names_low(low, high):
    with pytest.raises(GanTheoryError, match="'low'"):
        Uniform(low, high)
