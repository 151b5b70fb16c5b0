"""gantheory.dynamics.theory: the closed forms agree with each other where regimes meet."""

from __future__ import annotations

import pytest
import sympy as sp

from gantheory.dynamics.theory import eigenvalues, penalty_optimal_step, penalty_stable_step, rho_bilinear


def test_penalty_regimes_meet_at_gamma_2a():
    a = 0.5
    assert penalty_stable_step(a, 2 * a - 1e-12) == pytest.approx(penalty_stable_step(a, 2 * a), rel=1e-9)
    assert penalty_optimal_step(a, 2 * a - 1e-12)[0] == pytest.approx(penalty_optimal_step(a, 2 * a)[0], rel=1e-9)


def test_sympy_and_float_forms_agree():
    exact = eigenvalues("nk", sp.Rational(1, 2), gamma=sp.Rational(3))
    numeric = eigenvalues("nk", 0.5, gamma=3.0)
    assert sorted(complex(e).real for e in exact) == pytest.approx(sorted(complex(e).real for e in numeric))


def test_optimistic_closed_form_domain():
    assert rho_bilinear("optimistic", 0.5) == pytest.approx(0.5**0.5)
    with pytest.raises(ValueError):
        rho_bilinear("optimistic", 0.6)
    with pytest.raises(ValueError):
        eigenvalues("unknown", 0.5)
