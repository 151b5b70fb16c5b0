"""The empirical lens's devices (gantheory.empirical._device); the torch views are in test_torch_view.py."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")


from gantheory.cases import CASES  # noqa: E402
from gantheory.empirical import (  # noqa: E402
    resolve_device,
    train_discriminator,
)
from gantheory.errors import GanTheoryError  # noqa: E402

pytestmark = pytest.mark.empirical
CUDA = torch.cuda.is_available()

# The reference pair (gantheory.cases "gauss-unequal-scale", N(0, 1) vs N(1, 1.5)): two Gaussians, so
# log p/q is quadratic and the degree-2 logistic family is well specified.
P, Q = CASES["gauss-unequal-scale"].p, CASES["gauss-unequal-scale"].q


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
