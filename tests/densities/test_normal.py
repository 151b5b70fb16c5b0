"""Normal: logpdf and cdf against scipy.stats (an independent implementation), sampling, validation."""

import numpy as np
import pytest
from scipy import stats

from gantheory.densities import Normal
from gantheory.errors import GanTheoryError

X = np.linspace(-6, 6, 97)


def test_logpdf_and_cdf_match_scipy():
    ours, theirs = Normal(0.3, 1.7), stats.norm(0.3, 1.7)
    # 1e-12: both are closed forms in float64; only rounding separates them
    np.testing.assert_allclose(ours.logpdf(X), theirs.logpdf(X), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(ours.cdf(X), theirs.cdf(X), rtol=1e-10, atol=1e-12)


def test_sampling_matches_scipy():
    """Kolmogorov–Smirnov at α = 1e-4 with n = 4000 (a false alarm once in 10,000 runs; seeded anyway)."""
    draws = Normal(0.3, 1.7).sample(4000, rng=np.random.default_rng(0))
    assert draws.shape == (4000,)
    assert stats.kstest(draws, stats.norm(0.3, 1.7).cdf).pvalue > 1e-4


def test_batch_broadcasting_like_scipy():
    d = Normal(loc=[0.0, 1.0, 2.0], scale=[[1.0], [2.0]])
    assert d.batch_shape == (2, 3)
    out = d.logpdf(np.zeros((5, 1, 1)))
    assert out.shape == (5, 2, 3)
    np.testing.assert_allclose(out[0], stats.norm([0.0, 1.0, 2.0], [[1.0], [2.0]]).logpdf(0.0))
    assert d[1, 2] == Normal(2.0, 2.0)
    assert d.sample(7, rng=0).shape == (7, 2, 3)


@pytest.mark.parametrize(
    "make,param",
    [
        (lambda: Normal(0, 0), "scale"),
        (lambda: Normal(0, -1), "scale"),
        (lambda: Normal(np.nan, 1), "loc"),
        (lambda: Normal(0, np.inf), "scale"),
    ],
)
def test_bad_parameters_name_the_parameter(make, param):
    with pytest.raises(GanTheoryError, match=f"'{param}'"):
        make()
