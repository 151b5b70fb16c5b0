"""The shared Density contract's own error paths and the torch view's home."""

import subprocess
import sys

import numpy as np
import pytest

from gantheory.densities import Normal
from gantheory.errors import GanTheoryError


@pytest.mark.parametrize(
    "make,param",
    [
        (lambda: Normal(0, 1).sample(-1), "n"),
        (lambda: Normal(0, 1).logpdf(np.nan), "x"),
    ],
)
def test_bad_input_names_the_parameter(make, param):
    with pytest.raises(GanTheoryError, match=f"'?{param}'?"):
        make()


def test_a_single_density_is_not_a_batch():
    with pytest.raises(GanTheoryError, match="not a batch"):
        Normal(0.0, 1.0)[0]
    with pytest.raises(TypeError):
        len(Normal(0.0, 1.0))


def test_densities_import_neither_torch_nor_the_empirical_lens():
    """The bottom layer stays torch-free: ``to_torch`` is owned by gantheory.empirical."""
    code = ("import sys, gantheory.densities, gantheory.oracle; "
            "print(*(m in sys.modules for m in ('torch', 'gantheory.empirical', 'hypothesis')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "False", "False"]


def test_to_torch_method_forwards_to_the_empirical_lens():
    torch = pytest.importorskip("torch")
    from gantheory.empirical import TorchDensity

    view = Normal(0.5, 2.0).to_torch(device="cpu")
    assert isinstance(view, TorchDensity)
    x = torch.tensor([0.0, 1.0], dtype=torch.float64)
    # 1e-12: the torch and numpy forms are the same closed form in float64
    np.testing.assert_allclose(view.log_prob(x).numpy(), Normal(0.5, 2.0).logpdf([0.0, 1.0]), rtol=1e-12)
