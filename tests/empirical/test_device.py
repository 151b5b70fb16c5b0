"""The empirical lens's devices and the torch views of densities (gantheory.empirical._device, torch_view)."""

from __future__ import annotations

import math

import numpy as np
import pytest

torch = pytest.importorskip("torch")


from gantheory.densities import (  # noqa: E402
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
from gantheory.empirical import (  # noqa: E402
    resolve_device,
    to_torch,
    train_discriminator,
)
from gantheory.errors import GanTheoryError  # noqa: E402

pytestmark = pytest.mark.empirical
CUDA = torch.cuda.is_available()
cuda = [pytest.mark.cuda, pytest.mark.skipif(not CUDA, reason="needs a CUDA GPU")]
LOG4 = math.log(4.0)

# The reference pair: two Gaussians, so log p/q is quadratic and the degree-2 logistic family is
# well specified. C(G) = -1.18771416791833 (quadrature, gantheory.quadrature.criterion).
P, Q = Normal(0.0, 1.0), Normal(1.0, 1.5)


@pytest.fixture(autouse=True, scope="module")
def _one_thread():
    # The tensors here are small: intra-op threading costs more than it saves, and on a shared 2-core
    # runner OpenMP spin-waits thrash (measured: 1000x slower elementwise ops under load).
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


# -- device -----------------------------------------------------------------------------------------
def test_resolve_device_names():
    assert resolve_device("cpu") == torch.device("cpu")
    assert resolve_device("auto").type == ("cuda" if CUDA else "cpu")
    with pytest.raises(GanTheoryError, match="did you mean 'cuda'"):
        resolve_device("cdua")


@pytest.mark.skipif(CUDA, reason="checks the error raised on a machine without CUDA")
def test_cuda_request_without_cuda_is_a_clear_error():
    with pytest.raises(GanTheoryError, match="CUDA is not available"):
        train_discriminator(P, Q, n_samples=64, device="cuda")


def test_float32_refused_on_cpu():
    with pytest.raises(GanTheoryError, match="float32"):
        train_discriminator(P, Q, n_samples=64, device="cpu", dtype=torch.float32)


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
