"""check_gan: the exact C(G_t) trajectory for a user's affine / monotone generator."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")
from torch import nn  # noqa: E402

import gantheory  # noqa: E402
from gantheory.densities import Normal  # noqa: E402
from gantheory.model_check import generator_density  # noqa: E402
from gantheory.numerics import LOG4  # noqa: E402

MAKE_D = lambda: nn.Sequential(nn.Linear(1, 16), nn.Tanh(), nn.Linear(16, 1))  # noqa: E731


def test_generator_density_of_an_affine_module_is_exact():
    g = nn.Linear(1, 1)
    with torch.no_grad():
        g.weight.fill_(-0.7)
        g.bias.fill_(0.4)
    density, _why = generator_density(g, 1, 1)
    x = np.linspace(-3, 3, 13)
    # the Pushforward density against the closed form N(0.4, 0.7): interpolated inverse refined by Newton
    np.testing.assert_allclose(density.logpdf(x), Normal(0.4, 0.7).logpdf(x), atol=1e-10)
    square = generator_density(_Square(), 1, 1)
    assert square[0] is None and "monotone" in square[1]


def test_gan_run_reaches_theory():
    r = gantheory.check_gan(MAKE_D, lambda: nn.Linear(1, 1), Normal(1.0, 0.75), steps=1500, snapshots=3)
    assert r.passed, r.to_dict()
    assert r.final_jsd <= r.jsd_tolerance and r.sup_error <= r.tolerance
    # the trajectory is exact: C(G_t) = -log 4 + 2 JSD_t, certified
    assert all(c == pytest.approx(-LOG4 + 2 * j, abs=1e-15) for c, j in zip(r.criterion, r.jsd, strict=True))
    assert all(r.certified)


def test_short_run_fails_negative_control():
    """Negative control: 20 steps cannot reach p_g = p_data; the exact JSD says so."""
    r = gantheory.check_gan(MAKE_D, lambda: nn.Linear(1, 1), Normal(3.0, 0.5), steps=20, snapshots=1)
    assert not r.passed and r.final_jsd > r.jsd_tolerance
    # the first snapshot is the untrained generator: its exact JSD is recomputed from its own parameters
    assert r.jsd[0] > 0.1


class _Square(nn.Module):
    def __init__(self):
        super().__init__()
        self.s = nn.Parameter(torch.ones(1))

    def forward(self, z):
        return self.s * z * z


def test_nonmonotone_generator_density_is_reported_unknown():
    r = gantheory.check_gan(MAKE_D, _Square, Normal(1.0, 0.75), steps=2, snapshots=1)
    assert not r.passed and r.final_jsd is None
    assert any(f.code == "generator_density_unknown" for f in r.findings)


def test_generator_density_in_two_dimensions():
    g = nn.Linear(2, 2)
    density, why = generator_density(g, 2, 2)
    w, b = g.weight.detach().double().numpy(), g.bias.detach().double().numpy()
    np.testing.assert_allclose(density.mean, b, atol=1e-12)
    np.testing.assert_allclose(density.cov, w @ w.T, atol=1e-12)  # G(z) = Wz + b, z ~ N(0, I): cov W Wᵀ
    tanh = nn.Sequential(nn.Linear(2, 2), nn.Tanh())
    none, reason = generator_density(tanh, 2, 2)
    assert none is None and "affine" in reason and why == ""


def test_discriminator_is_compared_in_evaluation_mode(mode_spy):
    """Review 4 #4 (check_gan had the same fault): a Dropout D was compared with D* in training mode
    (measured: sup 0.082 > 0.05 after 200 steps; 0.025 in evaluation mode). Here a spy records the modes."""
    made = []

    def factory():
        made.append(mode_spy())
        return made[-1]

    r = gantheory.check_gan(factory, lambda: nn.Linear(1, 1), Normal(1.0, 0.75), steps=2, snapshots=1,
                            batch_size=32)
    (spy,) = made
    assert r.sup_error is not None
    assert (64, True) in spy.calls  # the D step: real and generated batch in one training-mode pass
    assert (801, False) in spy.calls and (801, True) not in spy.calls  # D against D*: evaluation mode
    assert spy.training and not spy.net[1].training
