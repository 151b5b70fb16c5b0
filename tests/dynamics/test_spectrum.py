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


# Review 4 #7: real-style modules. The field is the networks' as evaluated (evaluation mode, float64 copy):
# each module's spectrum is checked against a hand-written module computing the same evaluation-mode function
# from the same parameters (an independent route: no Dropout/BatchNorm/spectral_norm machinery involved).
class _HandBatchNormG(torch.nn.Module):
    """Linear → BatchNorm1d in evaluation mode written out: (h − running mean)/√(running var + eps)·w + b."""

    def __init__(self, g):
        super().__init__()
        self.l1, self.l2 = g[0], g[3]
        bn = g[1]
        self.w, self.b, self.eps = bn.weight, bn.bias, bn.eps
        self.register_buffer("mean", bn.running_mean.clone())
        self.register_buffer("var", bn.running_var.clone())

    def forward(self, z):
        h = (self.l1(z) - self.mean) / torch.sqrt(self.var + self.eps) * self.w + self.b
        return self.l2(torch.relu(h))


class _HandSpectralD(torch.nn.Module):
    """spectral_norm's evaluation-mode weight written out: W / (uᵀ W v) with the stored u, v."""

    def __init__(self, d):
        super().__init__()
        self.w1, self.b1 = d[0].weight_orig, d[0].bias
        self.w2, self.b2 = d[2].weight_orig, d[2].bias
        for i, layer in ((1, d[0]), (2, d[2])):
            self.register_buffer(f"u{i}", layer.weight_u.clone())
            self.register_buffer(f"v{i}", layer.weight_v.clone())

    def forward(self, x):
        w1 = self.w1 / (self.u1 @ self.w1 @ self.v1)
        w2 = self.w2 / (self.u2 @ self.w2 @ self.v2)
        return torch.nn.functional.linear(torch.nn.functional.leaky_relu(x @ w1.T + self.b1, 0.2), w2, self.b2)


def _real_style(kind):
    torch.manual_seed(0)
    plain_d = torch.nn.Sequential(torch.nn.Linear(1, 6), torch.nn.LeakyReLU(0.2), torch.nn.Linear(6, 1))
    plain_g = torch.nn.Sequential(torch.nn.Linear(1, 6), torch.nn.ReLU(), torch.nn.Linear(6, 1))
    if kind == "dropout_D":  # PyTorch-GAN style; the same weights without Dropout are the reference
        d = torch.nn.Sequential(plain_d[0], plain_d[1], torch.nn.Dropout(0.3), plain_d[2])
        return (d, plain_g), (plain_d, plain_g)
    if kind == "batchnorm_G":  # DCGAN style, after a few training-mode batches (running statistics ≠ 0, 1)
        g = torch.nn.Sequential(torch.nn.Linear(1, 6), torch.nn.BatchNorm1d(6), torch.nn.ReLU(), torch.nn.Linear(6, 1))
        for _ in range(5):
            g(torch.randn(64, 1))
        return (plain_d, g), (plain_d, _HandBatchNormG(g))
    sn = torch.nn.utils.spectral_norm  # SNGAN style, float32 u/v buffers, after a few power iterations
    d = torch.nn.Sequential(sn(torch.nn.Linear(1, 6)), torch.nn.LeakyReLU(0.2), sn(torch.nn.Linear(6, 1)))
    for _ in range(5):
        d(torch.randn(64, 1))
    return (d, plain_g), (_HandSpectralD(d), plain_g)


@pytest.mark.parametrize("kind", ["dropout_D", "batchnorm_G", "spectral_norm_D"])
@pytest.mark.parametrize("reg", [None, "r1"])
def test_real_style_modules_have_the_spectrum_of_their_evaluation_mode_function(kind, reg):
    (d, g), (ref_d, ref_g) = _real_style(kind)
    flags = [m.training for m in (*d.modules(), *g.modules())]
    state = [{k: v.clone() for k, v in m.state_dict().items()} for m in (d, g)]
    kw = {"regularizer": reg, "gamma": 1.0, "n_samples": 64}
    got = game_spectrum(d, g, np.linspace(-2, 2, 64), **kw)
    want = game_spectrum(ref_d, ref_g, np.linspace(-2, 2, 64), **kw)
    assert got.method == want.method == "dense" and np.all(np.isfinite(got.eigenvalues))
    np.testing.assert_allclose(np.sort_complex(got.eigenvalues), np.sort_complex(want.eigenvalues), atol=1e-9)
    assert got.max_stable_lr == pytest.approx(want.max_stable_lr, rel=1e-9)
    # the user's modules are untouched: modes, float32, buffers (BatchNorm statistics, spectral_norm's u, v)
    assert flags == [m.training for m in (*d.modules(), *g.modules())]
    assert all(torch.equal(v, s[k]) for m, s in zip((d, g), state, strict=True) for k, v in m.state_dict().items())
    assert next(d.parameters()).dtype == torch.float32


class _Noise(torch.nn.Module):
    def forward(self, x):  # noise injection: random in evaluation mode too
        return x + 0.1 * torch.randn_like(x)


@pytest.mark.parametrize("which", ["d_model", "g_model"])
def test_a_module_random_in_evaluation_mode_is_refused_naming_it(which):
    """Negative control: no deterministic field, no Jacobian (was vmap's RuntimeError for Dropout)."""
    d, g = torch_models("mlp", width=4)
    noisy = torch.nn.Sequential(d, _Noise()) if which == "d_model" else torch.nn.Sequential(g, _Noise())
    models = (noisy, g) if which == "d_model" else (d, noisy)
    with pytest.raises(GanTheoryError, match=f"{which} is random in evaluation mode.*deterministic vector field"):
        game_spectrum(*models, np.zeros(5), latent=np.zeros((5, 1)))


class _NoiseOnLargeBatches(torch.nn.Module):
    def forward(self, x):  # random only on batches the shape probe does not use: caught inside torch.func
        return x + 0.1 * torch.randn_like(x) if x.shape[0] > 8 else x


def test_a_random_draw_inside_the_jacobian_is_a_gantheory_error():
    d, g = torch_models("mlp", width=4)
    with pytest.raises(GanTheoryError, match=r"draws random numbers.*deterministic vector field"):
        game_spectrum(d, torch.nn.Sequential(g, _NoiseOnLargeBatches()), np.zeros(16), latent=np.zeros((16, 1)))
