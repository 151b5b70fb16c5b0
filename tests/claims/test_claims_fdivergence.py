"""gantheory.claims.fdivergence: one bound integrand per divergence of the table, controls by name."""

from __future__ import annotations

import numpy as np

from gantheory.claims import CLAIMS, fdivergence
from gantheory.divergences import DIVERGENCES
from gantheory.oracle import _KERNELS


def test_every_bound_is_a_registered_divergence_with_an_mpmath_reference():
    assert set(fdivergence.BOUNDS) <= set(DIVERGENCES)
    assert set(fdivergence.BOUNDS) <= set(_KERNELS)  # the oracle's integrand q·f(p/q) is the reference


def test_each_control_replaces_one_bound_by_a_named_function():
    for control in CLAIMS["f-divergence-bounds"].controls:
        (name, fn), = control.check.override
        assert name in fdivergence.BOUNDS and fn is not fdivergence.BOUNDS[name]
        assert fn.__name__ in repr(control.check)


def test_wrong_bounds_differ_by_what_integrates_to_zero_at_t_star():
    # Pearson without +t: the integrands differ by 2q(u − 1), whose integral vanishes at u = p/q but whose
    # ε-derivative does not; the f-GAN JS row is twice the ½-convention bound
    lp, lq = np.log(np.array([0.3, 0.2])), np.log(np.array([0.1, 0.4]))
    for ell in (lp - lq, lp - lq + 0.3):
        diff = fdivergence.pearson_without_t(lp, lq, ell) - fdivergence.pearson_bound(lp, lq, ell)
        np.testing.assert_allclose(diff, 2 * np.exp(lq) * (np.exp(ell) - 1), rtol=1e-12)
        np.testing.assert_allclose(fdivergence.js_without_half(lp, lq, ell), 2 * fdivergence.js_bound(lp, lq, ell),
                                   rtol=1e-12)
