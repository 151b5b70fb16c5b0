"""Laplace: logpdf and cdf against scipy.stats, sampling, validation."""

import numpy as np
import pytest
from scipy import stats

from gantheory.densities import Laplace
from gantheory.errors import GanTheoryError

X = np.linspace(-6, 6, 97)


def test_logpdf_and_cdf_match_scipy():
    ours, theirs = Laplace(-1.0, 0.5), stats.laplace(-1.0, 0.5)
    # 1e-12: both are closed forms in float64; only rounding separates them
    np.testing.assert_allclose(ours.logpdf(X), theirs.logpdf(X), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(ours.cdf(X), theirs.cdf(X), rtol=1e-10, atol=1e-12)


def test_sampling_matches_scipy():
    """Kolmogorov–Smirnov at α = 1e-4 with n = 4000 (seeded)."""
    draws = Laplace(-1.0, 0.5).sample(4000, rng=np.random.default_rng(0))
    assert draws.shape == (4000,)
    assert stats.kstest(draws, stats.laplace(-1.0, 0.5).cdf).pvalue > 1e-4


def test_bad_scale_names_the_parameter():
    with pytest.raises(GanTheoryError, match="'scale'"):
        Laplace(0, 0)
