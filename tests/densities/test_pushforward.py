"""Pushforwards x = G(z): change of variables against scipy, generators' validation, cdf."""

import math

import numpy as np
import pytest
from scipy import stats

from gantheory import js_divergence, kl_divergence
from gantheory.densities import Affine, Monotone, Normal, Pushforward, from_scipy
from gantheory.errors import GanTheoryError

X = np.linspace(-6, 6, 97)


def test_pushforward_affine_is_the_normal_it_should_be():
    g = Pushforward(Normal(0, 1), Affine(2.0, -3.0))
    np.testing.assert_allclose(g.logpdf(X), stats.norm(2.0, 3.0).logpdf(X), rtol=1e-12)
    assert g.mean == pytest.approx(2.0) and g.variance == pytest.approx(9.0)
    assert float(kl_divergence(g, Normal(2.0, 3.0))) == pytest.approx(0.0, abs=1e-12)


def test_pushforward_nonlinear_lognormal():
    g = Pushforward(Normal(0.1, 0.6), Monotone.exp())
    x = np.linspace(0.01, 8, 60)
    np.testing.assert_allclose(g.logpdf(x), stats.lognorm(0.6, scale=math.exp(0.1)).logpdf(x), rtol=1e-11)
    assert g.logpdf(-1.0) == -np.inf
    assert float(js_divergence(g, from_scipy(stats.lognorm(0.6, scale=math.exp(0.1))))) == pytest.approx(0.0, abs=1e-10)


def test_cdf_outside_the_image():
    """Regression (found by the fuzz suite): the cdf passed log(-1) to the base cdf."""
    assert float(Pushforward(Normal(0.0, 1.0), Monotone.exp()).cdf(-1.0)) == 0.0


@pytest.mark.parametrize(
    "make,param",
    [
        (lambda: Affine(0.0, 0.0), "scale"),
        (lambda: Monotone(np.sin, np.arcsin, np.cos), "forward"),
        (lambda: Pushforward("normal", Affine()), "base"),
        (lambda: Pushforward(Normal(), np.exp), "transform"),
    ],
)
def test_bad_parameters_name_the_parameter(make, param):
    with pytest.raises(GanTheoryError, match=f"'?{param}'?"):
        make()
