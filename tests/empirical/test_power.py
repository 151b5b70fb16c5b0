"""The power curve of the Wald check against near misses D = p/(p + c·q).

Golden values: n_for_power is checked against a brute-force scan of the noncentral χ² survival function
(scipy, a different route from its root finding); the predicted power against the measured rejection rate
of the calibration's replicates (binomial noise, stated below).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

pytest.importorskip("torch")

from gantheory.cases import CASES
from gantheory.empirical import calibrate
from gantheory.empirical.power import NEAR_MISS_FACTORS, n_for_power, near_miss_power
from gantheory.errors import GanTheoryError

CRITICAL = float(stats.chi2.ppf(0.99, 3))


@pytest.mark.parametrize("lam1", [1e-4, 2.3e-3, 0.05, 1.7])
def test_n_for_power_is_the_smallest_n_reaching_the_target(lam1):
    n = n_for_power(lam1, dof=3, critical=CRITICAL)
    power = lambda k: stats.ncx2.sf(CRITICAL, 3, k * lam1)  # noqa: E731
    assert power(n) >= 0.8 and (n == 1 or power(n - 1) < 0.8)
    # brute force on a window around it (a route without root finding)
    window = np.arange(max(1, n - 50), n + 50)
    assert window[np.argmax(power(window) >= 0.8)] == n


@pytest.mark.parametrize("bad", [0.0, -1.0, math.inf, math.nan])
def test_n_for_power_validates(bad):
    with pytest.raises(GanTheoryError, match="noncentrality"):
        n_for_power(bad, dof=3, critical=CRITICAL)


@pytest.fixture(scope="module")
def calibration():
    case = CASES["gauss-unequal-scale"]
    return case, calibrate(case.p, case.q, replicates=60, n_samples=512, seed=7, device="cpu")


def test_power_curve_measured_agrees_with_predicted(calibration):
    case, calib = calibration
    curve = near_miss_power(calib, case.p, case.q)
    assert curve.factors == NEAR_MISS_FACTORS and curve.replicates == 60 and curve.n_samples == 512
    # predictions: power rises and the n needed falls as the miss grows
    assert np.all(np.diff(curve.predicted_power) >= 0) and np.all(np.diff(curve.n_for_target) <= 0)
    assert curve.predicted_power[-1] > 0.999 and curve.n_for_target[0] > 10_000
    # measured vs predicted: within 4 binomial standard deviations (R = 60) plus 0.05 for the asymptotics
    for measured, predicted in zip(curve.power, curve.predicted_power, strict=True):
        sd = math.sqrt(max(predicted * (1 - predicted), 0.01) / curve.replicates)
        assert abs(measured - predicted) <= 4 * sd + 0.05, (measured, predicted)


def test_a_miss_too_small_to_see_has_the_size_of_the_test(calibration):
    """Negative control: c → 1 is the correct theory, so the predicted power falls to α and the n needed
    explodes — the curve does not claim to see what no sample size here could."""
    case, calib = calibration
    curve = near_miss_power(calib, case.p, case.q, factors=(1.000001,))
    assert curve.predicted_power[0] == pytest.approx(calib.alpha, abs=1e-4)
    assert curve.n_for_target[0] > 10**12


def test_near_miss_power_validates(calibration):
    case, calib = calibration
    with pytest.raises(GanTheoryError, match="factors"):
        near_miss_power(calib, case.p, case.q, factors=(0.9,))
    from dataclasses import replace

    with pytest.raises(GanTheoryError, match="theta_hat"):
        near_miss_power(replace(calib, theta_hat=None), case.p, case.q)
