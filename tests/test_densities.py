"""Densities: logpdf against scipy.stats (an independent implementation), sampling, validation."""

import math
import subprocess
import sys

import numpy as np
import pytest
from scipy import stats

import gantheory
from gantheory import (
    Affine,
    Beta,
    Discrete,
    Laplace,
    Mixture,
    Monotone,
    Normal,
    Pushforward,
    StudentT,
    Uniform,
    from_scipy,
    from_torch,
    js_divergence,
    kl_divergence,
)
from gantheory.errors import GanTheoryError

X = np.linspace(-6, 6, 97)

SCIPY_TWINS = [
    (Normal(0.3, 1.7), stats.norm(0.3, 1.7)),
    (Laplace(-1.0, 0.5), stats.laplace(-1.0, 0.5)),
    (StudentT(1.5, 0.2, 2.0), stats.t(1.5, 0.2, 2.0)),
    (Uniform(-1.0, 2.0), stats.uniform(-1.0, 3.0)),
    (Beta(2.5, 0.7), stats.beta(2.5, 0.7)),
]


@pytest.mark.parametrize("ours,theirs", SCIPY_TWINS, ids=lambda d: type(d).__name__)
def test_logpdf_matches_scipy(ours, theirs):
    x = np.linspace(-6, 6, 97) if not isinstance(ours, Beta) else np.linspace(0.001, 0.999, 97)
    with np.errstate(divide="ignore"):
        np.testing.assert_allclose(ours.logpdf(x), theirs.logpdf(x), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(ours.cdf(x), theirs.cdf(x), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("ours,theirs", SCIPY_TWINS, ids=lambda d: type(d).__name__)
def test_sampling_matches_distribution(ours, theirs):
    """Kolmogorov–Smirnov at α = 1e-4 with n = 4000 (a false alarm once in 10,000 runs; seeded anyway)."""
    draws = ours.sample(4000, rng=np.random.default_rng(0))
    assert draws.shape == (4000,)
    assert stats.kstest(draws, theirs.cdf).pvalue > 1e-4


def test_outside_support_is_minus_inf_never_nan():
    for d in (Uniform(0, 1), Beta(2, 2), Discrete([0.0, 1.0], [0.5, 0.5])):
        lp = d.logpdf(np.array([-1.0, 0.5, 2.0]))
        assert not np.isnan(lp).any()
        assert lp[0] == -np.inf and lp[2] == -np.inf


def test_batch_broadcasting_like_scipy():
    d = Normal(loc=[0.0, 1.0, 2.0], scale=[[1.0], [2.0]])
    assert d.batch_shape == (2, 3)
    out = d.logpdf(np.zeros((5, 1, 1)))
    assert out.shape == (5, 2, 3)
    np.testing.assert_allclose(out[0], stats.norm([0.0, 1.0, 2.0], [[1.0], [2.0]]).logpdf(0.0))
    assert d[1, 2] == Normal(2.0, 2.0)
    assert d.sample(7, rng=0).shape == (7, 2, 3)


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
        (lambda: Normal(0, 0), "scale"),
        (lambda: Normal(0, -1), "scale"),
        (lambda: Normal(np.nan, 1), "loc"),
        (lambda: Normal(0, np.inf), "scale"),
        (lambda: Laplace(0, 0), "scale"),
        (lambda: StudentT(0, 0, 1), "df"),
        (lambda: Uniform(1, 1), "low"),
        (lambda: Uniform(2, 1), "low"),
        (lambda: Beta(0, 1), "a"),
        (lambda: Mixture([], []), "components"),
        (lambda: Mixture([Normal()], [-1.0]), "weights"),
        (lambda: Mixture([Normal(), Normal(1)], [0.5, 0.6]), "weights"),
        (lambda: Mixture([Normal(), Normal(1)], [np.nan, 0.5]), "weights"),
        (lambda: Mixture([Normal(), Discrete([0.0], [1.0])], [0.5, 0.5]), "components"),
        (lambda: Discrete([0.0, 1.0], [0.5, 0.4]), "probs"),
        (lambda: Discrete([0.0, 0.0], [0.5, 0.5]), "values"),
        (lambda: Discrete([], []), "values"),
        (lambda: Affine(0.0, 0.0), "scale"),
        (lambda: Monotone(np.sin, np.arcsin, np.cos), "forward"),
        (lambda: from_scipy("norm"), "frozen_rv"),
        (lambda: from_torch(object()), "distribution"),
        (lambda: Normal(0, 1).sample(-1), "n"),
        (lambda: Normal(0, 1).logpdf(np.nan), "x"),
    ],
)
def test_bad_input_names_the_parameter(make, param):
    with pytest.raises(GanTheoryError, match=f"'?{param}'?"):
        make()


def test_weights_not_silently_renormalised():
    with pytest.raises(GanTheoryError, match="sum to 1 within 1e-12"):
        Mixture([Normal(), Normal(1)], [0.5, 0.5 + 1e-9])
    Mixture([Normal(), Normal(1)], [0.5, 0.5 + 1e-13])  # inside the stated tolerance


def test_import_is_light():
    """`import gantheory` must not import torch, sympy, or even numpy: everything public is lazy."""
    code = "import sys, gantheory; print(*(m in sys.modules for m in ('torch', 'sympy', 'numpy')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "False", "False"]


def test_public_surface_is_exactly_all():
    """Everything public on the package is in __all__, and every name in __all__ resolves."""
    import types

    for name in gantheory.__all__:
        assert getattr(gantheory, name) is not None
    public = {n for n, v in vars(gantheory).items() if not n.startswith(("_", "@")) and not isinstance(v, types.ModuleType)}
    assert public - {"annotations", "importlib"} <= set(gantheory.__all__)
    assert set(dir(gantheory)) >= set(gantheory.__all__)
