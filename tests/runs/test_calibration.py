"""The large calibration of the Monitor's bounds (slow): ≥ 1000 seeds per configuration, truth by quadrature.

The default suite runs the 200-seed version (tests/runs/test_monitor.py::test_calibration_small); the figures
in benchmarks/RESULTS.md come from benchmarks/runs_calibration.py.
"""

from __future__ import annotations

import pytest

from gantheory.runs.calibration import calibrate_monitor


@pytest.mark.slow
@pytest.mark.parametrize(("path", "loss", "method"), [
    ("gauss-shift", "standard", "clt"), ("mixture-shift", "standard", "clt"), ("gauss-shift", "hinge", "clt"),
    ("gauss-shift", "least_squares", "clt"), ("mixture-shift", "hinge", "hoeffding")])
def test_calibration_large(path, loss, method):
    """Violations per update and per run consistent with α = 0.05 (binomial p-value > 0.001)."""
    r = calibrate_monitor(path=path, loss=loss, method=method, seeds=1000, steps=8, n=500, seed=1)
    assert r.p_value_update > 1e-3 and r.p_value_run > 1e-3


@pytest.mark.slow
def test_calibration_large_negative_control():
    """A bound that is not a bound: level α = 0.3 claimed as 0.05 is refuted by the same count."""
    from gantheory.runs.bounds import binomial_violation_p_value

    r = calibrate_monitor(seeds=1000, steps=4, n=500, alpha=0.3, seed=2)
    assert binomial_violation_p_value(r.violations_update, r.trials_update, 0.05) < 1e-6


@pytest.mark.slow
@pytest.mark.parametrize("path", ["gauss-shift", "mixture-shift"])
def test_calibration_with_the_trainer(path):
    """200 replicates of gantheory's trainer (degree-2 logistic MLE) per step: the bound stays valid."""
    r = calibrate_monitor(path=path, discriminator="trained", seeds=200, steps=5, n=500, seed=3)
    assert r.p_value_update > 1e-3 and r.p_value_run > 1e-3


def test_calibration_with_the_trainer_small():
    """A small version in the default suite: 30 trained replicates, 2 steps; violations within Binomial(60, α)
    (p > 0.001) and the bound is tight for the Gaussian path, where degree 2 contains the optimal logit."""
    r = calibrate_monitor(discriminator="trained", seeds=30, steps=2, n=500, n_train=512, seed=4)
    assert r.p_value_update > 1e-3 and r.mean_gap < 0.05
