"""gantheory.dynamics.wgan: W₁ by quadrature against closed_forms.w1_normal (Villani's quantile formula,
an independent route), duality at f*, the disjoint-support gradients against scipy quad."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.integrate import quad

from gantheory.closed_forms import w1_normal
from gantheory.densities import Normal, Uniform
from gantheory.dynamics.wgan import crossings, gradient_vanishing, kr_dual, optimal_critic, train_critic, w1
from gantheory.errors import GanTheoryError
from gantheory.numerics import sigmoid

ATOL = 1e-10  # quadrature_atol: adaptive quad at epsabs 1e-14 per piece


@settings(deadline=None, max_examples=10)
@given(a=st.floats(-3, 3), s=st.floats(0.3, 3), b=st.floats(-3, 3), t=st.floats(0.3, 3))
def test_w1_and_duality_against_closed_form(a, s, b, t):
    p, q = Normal(a, s), Normal(b, t)
    ref = float(w1_normal(a, s, b, t))
    assert w1(p, q).value == pytest.approx(ref, abs=ATOL)
    assert kr_dual(p, q).value == pytest.approx(ref, abs=1e-9)


def test_crossing_on_a_grid_point():
    """Regression (found by the randomised profile): equal means put the CDFs' crossing exactly on a grid
    point, which a sign-product scan missed, and f* came out with one slope (dual value 0)."""
    p, q = Normal(0.0, 1.0), Normal(0.0, 2.0)
    assert crossings(p, q) == pytest.approx([0.0], abs=1e-12)
    assert kr_dual(p, q).value == pytest.approx(float(w1_normal(0.0, 1.0, 0.0, 2.0)), abs=1e-9)


def test_no_crossing_with_far_breakpoints():
    """Regression (found by the randomised profile): equal scales, no crossing, and the first breakpoint in
    the far tail where both CDFs round to 0: the slope was read there as sign(0) = 0 (dual value 0)."""
    p, q = Normal(0.0, 2.0), Normal(1.0, 2.0)
    assert crossings(p, q).size == 0
    assert kr_dual(p, q).value == pytest.approx(1.0, abs=1e-9)


def test_suboptimal_critic_falls_short():
    p, q = Normal(0, 1), Normal(0.5, 2)
    assert crossings(p, q).size == 1
    assert kr_dual(p, q, lambda x: -np.asarray(x)).value < w1(p, q).value - 1e-3
    slopes = np.diff(optimal_critic(p, q)(np.linspace(-6, 6, 1201))) / 0.01
    np.testing.assert_allclose(np.abs(slopes[np.abs(np.linspace(-6, 6, 1201)[:-1] + 0.5) > 0.02]), 1.0, atol=1e-9)


def test_uniform_shift():
    assert w1(Uniform(0, 1), Uniform(2, 3)).value == pytest.approx(2.0, abs=ATOL)


def test_gradient_vanishing_against_quad():
    out = gradient_vanishing(np.array([1.0, 10.0, 40.0]), gap=0.5)
    for t, minimax in zip(out["t"], out["minimax"], strict=True):
        assert quad(lambda x, t=t: t * float(sigmoid(t * (1.5 - x))), 2, 3, epsabs=1e-15)[0] == pytest.approx(minimax, abs=1e-12)
    assert out["minimax"][-1] < 1e-8 < out["non_saturating"][-1]
    with pytest.raises(GanTheoryError):
        gradient_vanishing(np.array([-1.0]))


def test_train_critic_rejects_unknown_constraint():
    pytest.importorskip("torch")
    with pytest.raises(GanTheoryError, match="constraint"):
        train_critic(Normal(0, 1), Normal(1, 1), constraint="spectral")
