"""Mixtures: log-space evaluation against scipy, moments, weights validation."""

import numpy as np
import pytest
from scipy import stats

from gantheory.densities import Discrete, Laplace, Mixture, Normal, Uniform
from gantheory.errors import GanTheoryError


def test_mixture_logpdf_and_moments():
    m = Mixture([Normal(-2, 0.5), Laplace(3, 1.0)], [0.25, 0.75])
    x = np.linspace(-5, 6, 50)
    ref = np.log(0.25 * stats.norm(-2, 0.5).pdf(x) + 0.75 * stats.laplace(3, 1).pdf(x))
    np.testing.assert_allclose(m.logpdf(x), ref, rtol=1e-12)
    assert m.mean == pytest.approx(0.25 * -2 + 0.75 * 3)
    assert m.variance == pytest.approx(0.25 * (0.25 + 4) + 0.75 * (2 + 9) - (0.25 * -2 + 0.75 * 3) ** 2)


def test_mixture_far_tails_stay_in_log_space():
    """log p at 1e4 sigmas is finite (not -inf): a mixture never exponentiates before summing."""
    m = Mixture([Normal(-5, 0.01), Normal(5, 0.01)], [0.5, 0.5])
    assert np.isfinite(m.logpdf(0.0))


def test_scalar_point_outside_every_support_is_minus_inf():
    """Regression (found by the registry-driven strategies): a scalar x outside every component's
    support crashed in the zero-weight exp (item assignment on a 0-d result)."""
    m = Mixture([Uniform(1.0, 2.0), Uniform(1.0, 3.0)], [0.5, 0.5])
    assert m.logpdf(0.0) == -np.inf
    np.testing.assert_allclose(m.logpdf([0.0, 1.5, 2.5]), [-np.inf, np.log(0.75), np.log(0.25)], rtol=1e-15)


@pytest.mark.parametrize(
    "make,param",
    [
        (lambda: Mixture([], []), "components"),
        (lambda: Mixture(np.nan, [1.0]), "components"),
        (lambda: Mixture([Normal()], [-1.0]), "weights"),
        (lambda: Mixture([Normal(), Normal(1)], [0.5, 0.6]), "weights"),
        (lambda: Mixture([Normal(), Normal(1)], [np.nan, 0.5]), "weights"),
        (lambda: Mixture([Normal(), Discrete([0.0], [1.0])], [0.5, 0.5]), "components"),
    ],
)
def test_bad_parameters_name_the_parameter(make, param):
    with pytest.raises(GanTheoryError, match=f"'?{param}'?"):
        make()


def test_weights_not_silently_renormalised():
    with pytest.raises(GanTheoryError, match="sum to 1 within 1e-12"):
        Mixture([Normal(), Normal(1)], [0.5, 0.5 + 1e-9])
    Mixture([Normal(), Normal(1)], [0.5, 0.5 + 1e-13])  # inside the stated tolerance
