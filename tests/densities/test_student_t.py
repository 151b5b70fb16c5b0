"""Student's t: logpdf and cdf against scipy.stats, sampling, validation of df."""

import numpy as np
import pytest
from scipy import stats

from gantheory.densities import StudentT
from gantheory.errors import GanTheoryError

X = np.linspace(-6, 6, 97)


def test_logpdf_and_cdf_match_scipy():
    ours, theirs = StudentT(1.5, 0.2, 2.0), stats.t(1.5, 0.2, 2.0)
    # 1e-12: both evaluate the same closed form (log Γ via cephes) in float64
    np.testing.assert_allclose(ours.logpdf(X), theirs.logpdf(X), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(ours.cdf(X), theirs.cdf(X), rtol=1e-10, atol=1e-12)


def test_sampling_matches_scipy():
    """Kolmogorov–Smirnov at α = 1e-4 with n = 4000 (seeded)."""
    draws = StudentT(1.5, 0.2, 2.0).sample(4000, rng=np.random.default_rng(0))
    assert draws.shape == (4000,)
    assert stats.kstest(draws, stats.t(1.5, 0.2, 2.0).cdf).pvalue > 1e-4


def test_zero_df_names_the_parameter():
    with pytest.raises(GanTheoryError, match="'df'"):
        StudentT(0, 0, 1)


def test_tiny_df_is_rejected_by_name():
    """Regression (found by the fuzz suite): numpy's standard_t gave NaN for a subnormal df; df < 1e-3 is
    now an error naming the parameter."""
    with pytest.raises(GanTheoryError, match="'df'"):
        StudentT(5e-324, 0.0, 1.0)


def test_moments_that_do_not_exist_name_df():
    with pytest.raises(GanTheoryError, match="'df'"):
        _ = StudentT(1.0).mean
    with pytest.raises(GanTheoryError, match="'df'"):
        _ = StudentT(0.5).variance
    assert float(StudentT(1.5).variance) == np.inf  # 1 < df <= 2: the variance exists and is infinite
    assert float(StudentT(4.0, 0.0, 2.0).variance) == pytest.approx(4.0 * 4.0 / 2.0, rel=1e-15)
