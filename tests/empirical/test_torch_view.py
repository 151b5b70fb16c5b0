"""Torch views of densities (gantheory.empirical.torch_view): log_prob and sample against the numpy side.

The list of families comes from ``DENSITIES``: every registered family has a torch builder or is a
documented numpy fallback, and every builder is used for the registry's examples it claims.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from gantheory.densities import (  # noqa: E402
    DENSITIES,
    Affine,
    Beta,
    Laplace,
    Mixture,
    Monotone,
    Normal,
    Pushforward,
    StudentT,
    Uniform,
)
from gantheory.empirical import TorchDensity, to_torch  # noqa: E402
from gantheory.empirical.torch_view import _BUILDERS, NUMPY_FALLBACKS  # noqa: E402
from gantheory.errors import GanTheoryError  # noqa: E402

pytestmark = pytest.mark.empirical


def _uses_numpy_fallback(view: TorchDensity) -> bool:
    return view._log_prob.__qualname__.startswith("TorchDensity._numpy_log_prob")


# -- the dispatch table against the registry ------------------------------------------------------------
def test_every_registered_family_has_a_builder_or_is_a_documented_fallback():
    assert set(_BUILDERS) | set(NUMPY_FALLBACKS) == set(DENSITIES)
    assert not set(_BUILDERS) & set(NUMPY_FALLBACKS)


@pytest.mark.parametrize("name", sorted(DENSITIES))
def test_registry_examples_dispatch_by_registry_name(name):
    """A family with a builder gets it (not the numpy fallback) for at least one registry example, and the
    view agrees with the numpy logpdf on every example; a fallback family always goes through numpy."""
    row = DENSITIES[name]
    used_builder = []
    for density in row.examples:
        view = to_torch(density, "cpu")
        used_builder.append(not _uses_numpy_fallback(view))
        x = np.linspace(-4.0, 6.0, 101)
        want = density.logpdf(x)
        got = view.log_prob(torch.as_tensor(x)).numpy()
        assert np.array_equal(np.isinf(got), np.isinf(want))
        finite = np.isfinite(want)
        # same formula in two libraries, float64: agreement to rounding
        np.testing.assert_allclose(got[finite], want[finite], rtol=1e-12, atol=1e-12)
    if name in NUMPY_FALLBACKS:
        assert not any(used_builder)
    else:
        assert any(used_builder), f"{name}: the builder was never used for the registry's examples"


def test_unregistered_density_falls_back_to_numpy_on_cpu_only():
    from scipy import stats

    from gantheory.densities import from_scipy

    wrapped = from_scipy(stats.norm(0.0, 1.0))
    view = to_torch(wrapped, "cpu")
    assert _uses_numpy_fallback(view)
    np.testing.assert_allclose(view.log_prob(torch.tensor([0.0, 1.0], dtype=torch.float64)).numpy(),
                               wrapped.logpdf(np.array([0.0, 1.0])), rtol=1e-14)


def test_sample_rejects_a_bad_count():
    with pytest.raises(GanTheoryError, match="non-negative integer"):
        to_torch(Normal(0.0, 1.0), "cpu").sample(-1)


# -- torch views of densities -------------------------------------------------------------------------
VIEW_CASES = {
    "normal": Normal(0.3, 1.7),
    "uniform": Uniform(-1.0, 2.0),
    "laplace": Laplace(0.5, 0.8),
    "student_t": StudentT(3.0, 0.2, 1.3),
    "beta": Beta(2.0, 5.0),
    "mixture": Mixture([Normal(-2.0, 0.5), Normal(1.0, 1.0)], [0.3, 0.7]),
    "affine_pushforward": Pushforward(Normal(0.0, 1.0), Affine(1.0, 2.0)),
}


@pytest.mark.parametrize("name", sorted(VIEW_CASES))
def test_torch_log_prob_matches_numpy(name):
    density = VIEW_CASES[name]
    x = np.linspace(-4.0, 4.0, 161)
    view = density.to_torch(device="cpu")
    got = view.log_prob(torch.as_tensor(x)).numpy()
    want = density.logpdf(x)
    # Same formula in two libraries, float64: agreement to rounding (lgamma/log1p differ by ~1e-15).
    assert np.array_equal(np.isinf(got), np.isinf(want))
    finite = np.isfinite(want)
    np.testing.assert_allclose(got[finite], want[finite], rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", sorted(VIEW_CASES))
def test_torch_sample_shape_and_mean(name):
    density = VIEW_CASES[name]
    gen = torch.Generator().manual_seed(0)
    draws = to_torch(density, "cpu").sample(20000, gen).numpy()
    assert draws.shape == (20000,)
    assert np.all(np.isfinite(density.logpdf(draws)))  # every draw lies in the support
    if name != "student_t":  # df = 3: finite variance but a heavy-tailed sample mean
        # The sample mean is within 5 standard errors of the mean (false-failure probability 6e-7).
        se = math.sqrt(float(density.variance) / draws.size)
        assert abs(draws.mean() - float(density.mean)) < 5 * se


def test_numpy_fallback_for_families_without_torch_code():
    # exp(Z): a Monotone push-forward has no torch formula; on the CPU the view goes through numpy.
    lognormal = Pushforward(Normal(0.0, 1.0), Monotone(np.exp, np.log, lambda z: z, name="exp"))
    view = lognormal.to_torch(device="cpu")
    x = np.array([0.5, 1.0, 2.0])
    assert view.dtype == torch.float64
    np.testing.assert_allclose(view.log_prob(torch.as_tensor(x)).numpy(), lognormal.logpdf(x), rtol=1e-14)
    assert view.sample(10, torch.Generator().manual_seed(0)).shape == (10,)


def test_torch_sample_is_reproducible():
    view = to_torch(VIEW_CASES["mixture"], "cpu")
    a = view.sample(100, torch.Generator().manual_seed(3))
    b = view.sample(100, torch.Generator().manual_seed(3))
    assert torch.equal(a, b)
