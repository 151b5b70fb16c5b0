"""gantheory.dynamics.spectrum: game_spectrum against exact Jacobians (the Dirac-GAN's closed form, and the
Gaussian game's hand-derived moment Jacobian), dense and Arnoldi."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from gantheory.dynamics.spectrum import (  # noqa: E402
    game_spectrum,
    gaussian_reference_jacobian,
    map_search,
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


def test_arnoldi_bound_is_not_set_by_the_largest_eigenvalues_only():
    """Review finding: the k largest-|λ| eigenvalues overstated the bound when a smaller, more rotating
    eigenvalue limits the step. Reference: the dense route (every eigenvalue)."""
    from gantheory.densities import Normal

    d, g = torch_models("gaussian")
    kw = {"loss": "wgan", "regularizer": "r1", "gamma": 0.01}
    dense = game_spectrum(d, g, Normal(0.0, 1.0), **kw)
    arnoldi = game_spectrum(d, g, Normal(0.0, 1.0), dense_max=1, k=1, **kw)
    assert dense.bound == "exact" and dense.verified_lr == dense.max_stable_lr
    assert arnoldi.method == "arnoldi" and arnoldi.bound == "partial" and "converged" in arnoldi.searched
    # negative control: the largest-|λ| eigenvalue alone (the old answer) overstates the bound by > 2 %
    top = dense.eigenvalues[np.argsort(-np.abs(dense.eigenvalues))][:1]
    assert stable_step(top)[0] > 1.02 * dense.max_stable_lr
    assert arnoldi.max_stable_lr == pytest.approx(dense.max_stable_lr, rel=RTOL)
    assert (1 - 2e-6) * dense.max_stable_lr <= arnoldi.verified_lr <= dense.max_stable_lr


def test_map_search_finds_the_limiting_eigenvalue():
    # eigenvalues −10 (bound 0.2, the largest |λ|) and −0.01 ± i (bound ≈ 0.02, the one that limits),
    # and a zero direction (a symmetry: dropped, never taken for instability)
    jac = np.zeros((5, 5))
    jac[0, 0] = -10.0
    jac[1:3, 1:3] = [[-0.01, 1.0], [-1.0, -0.01]]
    jac[3, 3] = -3.0
    exact = stable_step(np.linalg.eigvals(jac))[0]
    assert exact == pytest.approx(2 * 0.01 / (0.01**2 + 1))
    found, verified, converged = map_search(lambda v: jac @ v, 5, np.array([-10.0 + 0j]), k=1)
    assert converged and stable_step(found)[0] == pytest.approx(exact, rel=1e-9)
    assert (1 - 2e-6) * exact <= verified <= exact
    assert stable_step(np.array([-10.0 + 0j]))[0] == pytest.approx(0.2)  # negative control: LM alone


def test_game_spectrum_dimension_mismatch_names_the_parameter():
    d, g = torch_models("mlp", width=4)
    with pytest.raises(GanTheoryError, match="p_data has dimension 2"):
        game_spectrum(d, g, np.zeros((5, 2)))
    with pytest.raises(GanTheoryError, match="latent"):
        game_spectrum(d, g, np.zeros(5), latent=np.zeros((5, 3)))

    class Wide(torch.nn.Module):  # G into R², D (the mlp) takes R¹
        def forward(self, z):
            return torch.cat([z, z], dim=1)

    with pytest.raises(GanTheoryError, match="d_model does not accept p_data"):
        game_spectrum(d, Wide(), np.zeros((5, 2)), latent=np.zeros((5, 1)))
    assert game_spectrum(d, g, np.zeros(5), latent=np.zeros((5, 1))).n_parameters == 15  # control: matching shapes


def _rotating_with_zero_directions(n=200, seed=1):
    # 50 rotating pairs −a ± ib (a ∈ [0.01, 0.02], b ∈ [0.5, 1]) and 100 zero directions: the map's
    # eigenvalues crowd the unit circle, where k = 2 once "verified" a rate above the true bound
    rng = np.random.default_rng(seed)
    ev = -rng.uniform(0.01, 0.02, 50) + 1j * rng.uniform(0.5, 1.0, 50)
    jac = np.zeros((n, n))
    for i, e in enumerate(ev):
        jac[2 * i:2 * i + 2, 2 * i:2 * i + 2] = [[e.real, e.imag], [-e.imag, e.real]]
    return jac, stable_step(np.concatenate([ev, ev.conj()]))[0]


def test_map_search_beside_a_cluster_on_the_unit_circle():
    jac, exact = _rotating_with_zero_directions()
    found, verified, converged = map_search(lambda v: jac @ v, jac.shape[0], np.array([-0.015 + 1j]), k=2)
    assert converged and stable_step(found)[0] == pytest.approx(exact, rel=1e-9)
    assert verified <= exact
    # negative control: the largest-|λ| start alone overstates the bound
    assert stable_step(np.array([-0.015 + 1j]))[0] > 1.1 * exact


def test_map_search_says_when_it_did_not_converge():
    jac, _ = _rotating_with_zero_directions()
    _found, verified, converged = map_search(lambda v: jac @ v, jac.shape[0], np.array([-0.015 + 1j]), k=2,
                                            maxiter=1)
    assert not converged and verified == 0.0
