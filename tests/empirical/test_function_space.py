"""Prop. 2 and the envelope theorem (gantheory.empirical.function_space)."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as hs  # noqa: E402

from gantheory.densities import (  # noqa: E402
    Normal,
)
from gantheory.empirical import (  # noqa: E402
    envelope_check,
    function_space_descent,
)
from gantheory.errors import GanTheoryError  # noqa: E402
from gantheory.numerics import LOG4  # noqa: E402

pytestmark = pytest.mark.empirical



# -- Prop. 2 and the envelope theorem -----------------------------------------------------------------
@pytest.mark.parametrize("method, step_size", [("mirror", 0.2), ("mirror", 0.5), ("mirror", 1.0)])
def test_function_space_descent_converges_monotonically(method, step_size):
    x = np.linspace(-5, 5, 201)
    p = np.exp(-0.5 * x**2)
    q0 = np.exp(-0.5 * ((x - 2) / 0.5) ** 2)
    r = function_space_descent(p, p_g_init=q0, steps=400, step_size=step_size, method=method)
    assert r.monotone
    assert r.criterion[-1] == pytest.approx(-LOG4, abs=1e-8)
    assert r.l1[-1] < 1e-3 and r.l1[-1] < r.l1[0]


def test_function_space_descent_rejects_bad_input():
    with pytest.raises(GanTheoryError, match="method"):
        function_space_descent(np.ones(3), method="projected")
    with pytest.raises(GanTheoryError, match="p_data_on_grid"):
        function_space_descent(np.array([1.0, -1.0]))
    with pytest.raises(GanTheoryError, match="step_size"):
        function_space_descent(np.ones(3), step_size=0)


def test_function_space_descent_from_a_density():
    r = function_space_descent(Normal(0, 1), steps=100, step_size=1.0)
    assert r.monotone and r.final_gap < 1e-12


@settings(max_examples=8, deadline=None)
@given(loc=hs.floats(-2.0, 2.0), scale=hs.floats(0.4, 3.0))
def test_envelope_theorem(loc, scale):
    r = envelope_check((loc, scale))
    assert r.passed, r
