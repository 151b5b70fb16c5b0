"""gantheory.dynamics.spectrum: game_spectrum against exact Jacobians (the Dirac-GAN's closed form, and the
Gaussian game's hand-derived moment Jacobian), dense and Arnoldi."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from gantheory.dynamics.spectrum import (  # noqa: E402
    game_spectrum,
    gaussian_reference_jacobian,
    quadrature_nodes,
    simultaneous_field,
    stable_step,
    torch_models,
)
from gantheory.errors import GanTheoryError  # noqa: E402

# float64 JVPs and ARPACK's default tolerance; a double eigenvalue (−½ twice at γ = 0) splits by ~1e-8
RTOL = 1e-6


def _gaussian(gamma, **kw):
    d, g = torch_models("gaussian")
    nodes, w = quadrature_nodes(16)
    return game_spectrum(d, g, nodes, latent=nodes, data_weights=w, latent_weights=w, regularizer="r1", gamma=gamma, **kw)


def test_dirac_spectrum():
    d, g = torch_models("dirac")
    s = game_spectrum(d, g, np.zeros(1), latent=np.zeros(1))
    np.testing.assert_allclose(np.sort_complex(s.eigenvalues), [-0.5j, 0.5j], atol=1e-14)
    assert s.max_stable_lr == 0.0 and s.field_norm == 0.0


@pytest.mark.parametrize("gamma", [0.0, 0.5, 2.0])
def test_gaussian_spectrum_dense_and_arnoldi(gamma):
    exact = np.linalg.eigvals(gaussian_reference_jacobian(gamma))
    dense = _gaussian(gamma)
    assert dense.method == "dense" and dense.field_norm < 1e-14
    for e in exact:
        assert np.min(np.abs(dense.eigenvalues - e)) < RTOL
    arnoldi = _gaussian(gamma, dense_max=0, k=3)
    assert arnoldi.method == "arnoldi"
    top = exact[np.argsort(-np.abs(exact))][:3]
    for e in top:
        assert np.min(np.abs(arnoldi.eigenvalues - e)) < RTOL
    assert dense.max_stable_lr == pytest.approx(stable_step(exact)[0], rel=RTOL)
    # negative control: the Jacobian at another γ is told apart
    wrong = np.linalg.eigvals(gaussian_reference_jacobian(gamma + 0.5))
    assert max(np.min(np.abs(dense.eigenvalues - e)) for e in wrong) > 1e-2


def test_field_vanishes_at_the_equilibrium_only():
    d, g = torch_models("gaussian", loc=0.3)
    nodes, w = quadrature_nodes(16)
    field, x0, names = simultaneous_field(d, g, nodes, nodes, data_weights=w, latent_weights=w)
    assert names == ["G.loc", "G.scale", "D.coef"]
    assert float(torch.linalg.vector_norm(field(x0))) > 1e-2


def test_stable_step():
    assert stable_step(np.array([-1.0 + 0j, -0.5 + 0.5j]))[0] == pytest.approx(2.0)
    assert stable_step(np.array([0.1 + 1j, -1.0]))[0] == 0.0


def test_bad_input():
    d, g = torch_models("dirac")
    with pytest.raises(GanTheoryError, match="regularizer"):
        game_spectrum(d, g, np.zeros(1), latent=np.zeros(1), regularizer="consensus")
    with pytest.raises(GanTheoryError, match="data_weights"):
        game_spectrum(d, g, np.zeros(2), latent=np.zeros(1), data_weights=[0.3, 0.3])
    with pytest.raises(GanTheoryError, match="did you mean"):
        game_spectrum(d, g, np.zeros(1), latent=np.zeros(1), loss="standrd")
