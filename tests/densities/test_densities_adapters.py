"""Adapters: from_scipy and from_torch build the equivalent Density, or name what they cannot read."""

import numpy as np
import pytest
from scipy import stats

from gantheory import kl_divergence
from gantheory.densities import Discrete, Normal, from_scipy, from_torch
from gantheory.errors import GanTheoryError

X = np.linspace(-6, 6, 97)


def test_from_scipy_continuous_and_discrete():
    d = from_scipy(stats.gamma(2.0, scale=1.5))
    np.testing.assert_allclose(d.logpdf([0.5, 3.0]), stats.gamma(2.0, scale=1.5).logpdf([0.5, 3.0]))
    # KL(Gamma(2,1.5) || Gamma(2,1.5)) = 0 and JSD against an exponential is finite and certified
    assert float(kl_divergence(d, d)) == pytest.approx(0.0, abs=1e-10)
    b = from_scipy(stats.binom(5, 0.3))
    assert isinstance(b, Discrete)
    np.testing.assert_allclose(b.probs.sum(), 1.0, atol=1e-12)


def test_from_torch_roundtrip():
    torch = pytest.importorskip("torch")
    td = torch.distributions
    assert from_torch(td.Normal(torch.tensor(0.5), torch.tensor(2.0))) == Normal(0.5, 2.0)
    mix = td.MixtureSameFamily(td.Categorical(torch.tensor([0.3, 0.7], dtype=torch.float64)),
                               td.Normal(torch.tensor([-1.0, 1.0]), torch.tensor([0.5, 0.5])))
    m = from_torch(mix)
    np.testing.assert_allclose(m.logpdf(X), mix.log_prob(torch.tensor(X)).numpy(), rtol=1e-6)
    with pytest.raises(GanTheoryError, match="unsupported torch distribution Gamma"):
        from_torch(td.Gamma(torch.tensor(1.0), torch.tensor(1.0)))


@pytest.mark.parametrize(
    "make,param",
    [
        (lambda: from_scipy("norm"), "frozen_rv"),
        (lambda: from_torch(object()), "distribution"),
    ],
)
def test_bad_input_names_the_parameter(make, param):
    with pytest.raises(GanTheoryError, match=f"'?{param}'?"):
        make()


@pytest.mark.parametrize("rv", [stats.poisson(3), stats.geom(0.5), stats.dlaplace(0.8)],
                         ids=["poisson", "geom", "dlaplace"])
def test_from_scipy_discrete_infinite_support(rv):
    """Regression: scipy's isf(1e-18) is nan for a Poisson (np.arange raised a raw ValueError) and inf for a
    geometric; the support is now cut where scipy's own sf/cdf says the mass beyond is below 1e-18."""
    d = from_scipy(rv)
    assert isinstance(d, Discrete)
    np.testing.assert_allclose(d.probs, rv.pmf(d.values), rtol=1e-12)
    # golden: the mass outside the kept atoms, from scipy's own sf/cdf, is below 1e-18 on each side
    assert rv.sf(d.values.max()) < 1e-18 and rv.cdf(d.values.min() - 1) < 1e-18
    np.testing.assert_allclose(d.probs.sum(), 1.0, atol=1e-12)


def test_from_scipy_discrete_too_heavy_a_tail_names_the_parameter():
    # negative control: Zipf(1.5) keeps mass ~k^{-1/2} > 1e-18 beyond 10^7 atoms: a clear error, not a hang
    with pytest.raises(GanTheoryError, match=r"'frozen_rv'.*zipf"):
        from_scipy(stats.zipf(1.5))
