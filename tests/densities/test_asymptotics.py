"""Numerically estimated tail and end-point expansions (:func:`gantheory.densities.asymptotics.estimate`),
checked against the families' closed forms (``Density.asymptote``), with negative controls: tails that
follow none of the fitted models must give None, never a made-up expansion."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from gantheory import Beta, Laplace, Normal, StudentT
from gantheory.densities.asymptotics import ESTIMATED_TIE_RTOL, Asymptote, estimate, integrable, leading
from gantheory.densities.pushforward import Monotone, Pushforward

CLOSED = [
    (Normal(1.0, 2.0), math.inf, -1, 0),  # Gaussian: −t²/8 leads (slot t²)
    (Normal(-3.0, 0.01), -math.inf, 1, 0),
    (Laplace(2.0, 0.5), math.inf, -1, 1),  # exponential: −2t
    (StudentT(1.5, 0.0, 3.0), math.inf, -1, 3),  # power: −2.5 L
    (StudentT(0.7, 4.0, 0.1), -math.inf, 1, 3),
    (Beta(0.3, 2.5), 0.0, 1, 3),  # pole at 0: +0.7 L
    (Beta(0.3, 2.5), 1.0, -1, 3),  # zero at 1: −1.5 L (distance measured from the rounded x)
    (Pushforward(Normal(0.2, 0.7), Monotone.exp()), math.inf, -1, 2),  # log-normal: −L²/(2σ²)
]


@pytest.mark.parametrize("density,point,side,slot", CLOSED, ids=lambda v: repr(v)[:30])
def test_estimate_matches_the_closed_form(density, point, side, slot):
    exact = density.asymptote(point, side)
    found = estimate(density.logpdf, point, side, 1.0)
    assert found is not None
    assert found.known > slot
    assert found.coef[slot] == pytest.approx(exact.coef[slot], rel=1e-7)
    for i in range(slot):  # nothing faster-growing than the true leading term
        assert abs(found.coef[i]) <= 1e-12


def test_estimate_of_a_pure_power_has_no_spurious_log_terms():
    found = estimate(StudentT(2.5).logpdf, math.inf, -1, 1.0)
    assert found.coef[2] == 0.0 and found.coef[4] == 0.0
    assert found.coef[3] == pytest.approx(-3.5, rel=1e-12)


@pytest.mark.parametrize("rv,point,side", [
    (stats.gennorm(1.5), math.inf, -1),  # e^{−t^{1.5}}: between the exponential and Gaussian models
    (stats.gumbel_r(), -math.inf, 1),  # e^{−e^{t}}: double exponential
    (stats.gennorm(3.0), math.inf, -1),  # e^{−t³}
])
def test_negative_control_tails_no_model_fits_give_none(rv, point, side):
    assert estimate(rv.logpdf, point, side, 1.0) is None


def test_negative_control_a_tail_that_changes_regime_is_rejected():
    """log p = −2 log t up to t = 1e200, then −4 log t: the held-out farthest points must reject the fit."""
    def logpdf(x):
        t = np.abs(x)
        return np.where(t < 1e200, -2.0 * np.log(t), -4.0 * np.log(t) + 2.0 * np.log(1e200))

    assert estimate(logpdf, math.inf, -1, 1.0) is None
    assert estimate(lambda x: -2.0 * np.log(np.abs(x)), math.inf, -1, 1.0) is not None  # the control passes


def test_unknown_coefficient_leaves_a_tie_undecided():
    """An estimated Gaussian tail knows only its t² coefficient: a decision that needs the t coefficient is
    None; one the t² coefficient settles is made."""
    rough = Asymptote((-0.5, 0.0, 0.0, 0.0, 0.0), known=1)
    assert integrable(rough, finite_end=False, tie=ESTIMATED_TIE_RTOL) is True
    assert integrable(rough + rough.scaled(-1.0), finite_end=False, tie=ESTIMATED_TIE_RTOL) is None
    assert leading(rough + rough.scaled(-1.0), ESTIMATED_TIE_RTOL) is None
    assert leading(Asymptote((0.0,) * 5)) == (-1, 0.0)  # closed forms: all known, a true constant
