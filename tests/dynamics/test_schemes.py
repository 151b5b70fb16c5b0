"""gantheory.dynamics.schemes: the linearised maps against hand-written matrices, the bisected bound."""

from __future__ import annotations

import numpy as np
import pytest

from gantheory.dynamics.schemes import linear_map, max_stable_step, run_scheme, spectral_radius

J = np.array([[0.0, 0.5], [-0.5, -0.25]])


def test_simultaneous_map_is_identity_plus_hj():
    m = linear_map(J, "simultaneous", 0.3)
    np.testing.assert_allclose(m[:2, :2], np.eye(2) + 0.3 * J, atol=1e-15)
    np.testing.assert_allclose(m[:2, 2:], 0.0, atol=0)


def test_extragradient_and_optimistic_maps():
    h = 0.2
    np.testing.assert_allclose(linear_map(J, "extragradient", h)[:2, :2], np.eye(2) + h * J + h * h * J @ J, atol=1e-15)
    m = linear_map(J, "optimistic", h)
    np.testing.assert_allclose(m[:2, :2], np.eye(2) + 2 * h * J, atol=1e-15)
    np.testing.assert_allclose(m[:2, 2:], -h * J, atol=1e-15)


def test_alternating_map_is_a_product():
    h, h_d = 0.3, 0.7
    md = np.eye(2) + np.diag([0.0, h_d]) @ J
    mg = np.eye(2) + np.diag([h, 0.0]) @ J
    np.testing.assert_allclose(linear_map(J, "alternating", h, h_d=h_d)[:2, :2], mg @ md, atol=1e-15)
    # negative control: the other order is a different matrix (same spectrum, different map)
    assert np.abs(linear_map(J, "alternating", h, h_d=h_d)[:2, :2] - md @ mg).max() > 1e-3


def test_continuous_radius_and_bounds():
    assert spectral_radius(J, "continuous", 0.5) == pytest.approx(np.exp(0.5 * np.max(np.linalg.eigvals(J).real)))
    assert max_stable_step(J, "continuous") == float("inf")
    assert max_stable_step(-J, "continuous") == 0.0
    # simultaneous: h_max = min 2|Re λ|/|λ|², by hand
    ev = np.linalg.eigvals(J)
    assert max_stable_step(J, "simultaneous") == pytest.approx(np.min(2 * np.abs(ev.real) / np.abs(ev) ** 2), rel=1e-12)


def test_run_scheme_linear_field_matches_matrix_power():
    x = run_scheme(lambda v: J @ v, np.array([1.0, 0.0]), 10, 0.3, scheme="simultaneous")
    np.testing.assert_allclose(x[-1], np.linalg.matrix_power(np.eye(2) + 0.3 * J, 10) @ [1.0, 0.0], atol=1e-14)


def test_alternating_with_several_discriminator_steps():
    h, h_d = 0.3, 0.4
    md = np.eye(2) + np.diag([0.0, h_d]) @ J
    mg = np.eye(2) + np.diag([h, 0.0]) @ J
    np.testing.assert_allclose(linear_map(J, "alternating", h, h_d=h_d, n_d=3)[:2, :2], mg @ md @ md @ md, atol=1e-15)


def test_momentum_adds_the_previous_step():
    m = linear_map(J, "simultaneous", 0.2, beta=-0.3)
    np.testing.assert_allclose(m[:2, :2], np.eye(2) + 0.2 * J - 0.3 * np.eye(2), atol=1e-15)
    np.testing.assert_allclose(m[:2, 2:], 0.3 * np.eye(2), atol=1e-15)
    np.testing.assert_allclose(m[2:, :2], np.eye(2), atol=0)
