"""gantheory.dynamics.games: the DiracGAN / BilinearGame contract, exact spectra against the papers' closed
forms (an independent route: gantheory.dynamics.theory, written from the papers, not from the fields), and
the failure paths."""

from __future__ import annotations

import inspect

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gantheory.dynamics import BilinearGame, DiracGAN, Trajectory
from gantheory.dynamics.fields import DIRAC_LOSSES, REGULARIZERS
from gantheory.dynamics.theory import F_PRIME, F_SECOND, eigenvalues, penalty_stable_step
from gantheory.errors import GanTheoryError

# numpy eig of a 2x2 float64 matrix: rounding ~1e-16; 1e-12 leaves room, and any formula slip is O(0.1)
ATOL = 1e-12


def test_contract_signatures():
    """The API names of issue 17 are a contract."""
    assert list(inspect.signature(DiracGAN).parameters)[:3] == ["loss", "regularizer", "gamma"]
    assert list(inspect.signature(DiracGAN.spectral_radius).parameters)[1:5] == ["scheme", "h", "h_d", "beta"]
    assert list(inspect.signature(DiracGAN.simulate).parameters)[1:8] == ["theta0", "psi0", "steps", "h", "scheme",
                                                                         "h_d", "beta"]
    assert "scheme" in inspect.signature(DiracGAN.max_stable_step).parameters
    assert set(REGULARIZERS) == {None, "r1", "r2", "wgan_gp", "consensus", "nk", "sga", "instance_noise"}
    assert {"standard", "non_saturating", "wgan", "hinge", "least_squares"} <= set(DIRAC_LOSSES)


@pytest.mark.parametrize("loss", sorted(F_PRIME))
def test_unregularised_spectrum_is_imaginary(loss):
    g = DiracGAN(loss)
    np.testing.assert_allclose(g.eigenvalues(), [1j * F_PRIME[loss], -1j * F_PRIME[loss]], atol=ATOL)
    # negative control: the wrong f'(0) is told apart
    assert np.max(np.abs(g.eigenvalues() - np.array([2j, -2j]) * F_PRIME[loss])) > 0.1


@settings(deadline=None)
@given(gamma=st.floats(0.01, 5.0), reg=st.sampled_from(["r1", "r2"]), loss=st.sampled_from(["standard", "wgan"]))
def test_penalty_spectrum_and_bound(gamma, reg, loss):
    g = DiracGAN(loss, reg, gamma)
    a = F_PRIME[loss]
    expected = np.array(eigenvalues(reg, a, gamma=gamma), dtype=complex)
    # a double eigenvalue at γ = 2a is resolved only to ~sqrt(eps)
    np.testing.assert_allclose(np.sort_complex(g.eigenvalues()), np.sort_complex(expected), atol=1e-7)
    assert np.all(g.eigenvalues().real < 0)
    np.testing.assert_allclose(g.max_stable_step("simultaneous"), penalty_stable_step(a, gamma), rtol=1e-7)


@settings(deadline=None, max_examples=5)
@given(sigma=st.floats(0.2, 2.0))
def test_instance_noise_spectrum(sigma):
    g = DiracGAN("standard", "instance_noise", sigma=sigma)
    expected = eigenvalues("instance_noise", 0.5, b=F_SECOND["standard"], sigma=sigma)
    np.testing.assert_allclose(np.sort_complex(g.eigenvalues()), np.sort_complex(np.array(expected)), atol=1e-7)


def test_least_squares_default_is_degenerate():
    """LSGAN with the default (a, b, c) = (−1, 1, 0): the generator has no linear term, J is nilpotent."""
    assert DiracGAN("least_squares").jacobian().exact.tolist() == [[0, 0], [-2, 0]]
    np.testing.assert_allclose(DiracGAN("least_squares", loss_params={"c": 1.0}).eigenvalues(), [2j, -2j], atol=ATOL)


def test_wgan_gp_target_is_not_differentiable():
    with pytest.raises(GanTheoryError, match="not differentiable"):
        DiracGAN("wgan", "wgan_gp", 1.0, target=1.0).jacobian()
    assert DiracGAN("wgan", "wgan_gp", 1.0, target=0.0).jacobian().exact == DiracGAN("wgan", "r1", 1.0).jacobian().exact


def test_simulation_matches_linearisation_near_equilibrium():
    g = DiracGAN("standard", "r1", 0.5)
    nonlinear = g.simulate(1e-4, 0.0, 200, 0.5)
    linear = g.simulate(1e-4, 0.0, 200, 0.5, linearised=True)
    assert isinstance(nonlinear, Trajectory)
    np.testing.assert_allclose(nonlinear.radius, linear.radius, rtol=1e-4)  # nonlinear terms O(r0²) relative
    assert abs(nonlinear.rate() - linear.rate()) < 1e-6


def test_divergence_never_leaks_nan():
    tr = DiracGAN("wgan").simulate(1.0, 1.0, 2000, 5.0)
    assert np.isfinite(tr.radius).all() and np.isfinite(tr.theta).all() and np.isfinite(tr.psi).all()
    assert tr.diverged and tr.steps_requested == 2000 and 1 < tr.t.size < 2001  # stopped at the last finite state
    assert tr.radius[-1] > 1e100
    assert tr.rate() == float("inf")
    # negative control: a converging run is not flagged and keeps every step
    ok = DiracGAN("standard", "r1", 0.5).simulate(1.0, 1.0, 50, 0.5)
    assert not ok.diverged and ok.t.size == 51 and ok.rate() < 1


@pytest.mark.parametrize("kwargs, match", [
    ({"theta0": float("nan")}, "theta0"),
    ({"psi0": float("inf")}, "psi0"),
    ({"h": float("nan")}, "step size h"),
    ({"h": 0.0}, "step size h"),
    ({"steps": -1}, "steps"),
    ({"steps": 2.5}, "steps"),
    ({"beta": float("nan")}, "beta"),
    ({"h_d": float("inf")}, "h_d"),
])
def test_simulate_rejects_bad_input_naming_the_parameter(kwargs, match):
    args = {"theta0": 0.5, "psi0": 0.5, "steps": 10, "h": 0.5} | kwargs
    with pytest.raises(GanTheoryError, match=match):
        DiracGAN(loss="standard", regularizer="r1", gamma=0.5).simulate(**args)


def test_simulate_zero_steps_is_the_initial_state():
    tr = DiracGAN(loss="standard", regularizer="r1", gamma=0.5).simulate(0.5, 0.25, 0, 0.5)
    assert tr.theta.tolist() == [0.5] and tr.psi.tolist() == [0.25] and not tr.diverged


def test_bilinear_game():
    b = BilinearGame()
    np.testing.assert_allclose(b.eigenvalues(), [1j, -1j], atol=ATOL)
    assert b.spectral_radius("simultaneous", 0.3) == pytest.approx((1 + 0.09) ** 0.5, abs=ATOL)
    assert b.max_stable_step("simultaneous") == 0.0
    assert b.max_stable_step("continuous") == 0.0


@pytest.mark.parametrize("kwargs, match", [
    ({"loss": "standrad"}, "did you mean standard"),
    ({"regularizer": "r3"}, "did you mean"),
    ({"gamma": float("nan")}, "gamma"),
    ({"gamma": float("inf")}, "gamma"),
    ({"sigma": 0.0}, "sigma"),
])
def test_bad_input_names_the_parameter(kwargs, match):
    with pytest.raises(GanTheoryError, match=match):
        DiracGAN(**kwargs)


def test_bad_scheme_arguments():
    g = DiracGAN()
    with pytest.raises(GanTheoryError, match="did you mean simultaneous"):
        g.spectral_radius("simultanous", 0.1)
    with pytest.raises(GanTheoryError, match="beta"):
        g.spectral_radius("simultaneous", 0.1, beta=1.5)
    with pytest.raises(GanTheoryError, match="step size h"):
        g.simulate(0.1, 0.1, 10, -0.1)


@pytest.mark.parametrize("gamma", [1e3, 1e4, 1e5, 1e6])
@pytest.mark.parametrize("reg", ["r1", "r2"])
def test_stiff_penalty_bound_is_not_zero(gamma, reg):
    """Review 4 #9: DiracGAN(r1, γ = 1e5).max_stable_step() was 0.0 (true 2e-5): the scan started at
    h = 1e-4, and at h ≈ 2/γ the slow eigenvalue contracts by only ~1e-10 per step, inside the former fixed
    margin ρ < 1 − 1e-9. Golden value: the closed form penalty_stable_step (theory.py). Limit: from γ ≈ 1e7 the
    slow mode's contraction per step (~2a²h/γ ≈ 4a²/γ²) is below float64 rounding of the map's eigenvalues
    and the scan cannot see it (known, documented in schemes.max_stable_step)."""
    a = F_PRIME["standard"]
    got = DiracGAN("standard", reg, gamma).max_stable_step("simultaneous")
    assert got == pytest.approx(penalty_stable_step(a, gamma), rel=1e-7)


@pytest.mark.parametrize("scheme", ["simultaneous", "alternating"])
def test_unregularised_dirac_gan_has_no_stable_step(scheme):
    """Negative control: eigenvalues ±i/2 — simultaneous GD spirals out (ρ > 1 for every h), alternating GD
    stays on the unit circle (ρ = 1 up to rounding): neither map contracts, so no step is stable."""
    assert DiracGAN("standard").max_stable_step(scheme) == 0.0
