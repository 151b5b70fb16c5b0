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
    ("gauss2d-spiral", "standard", "clt"), ("gauss2d-spiral", "least_squares", "clt"),
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


def test_two_dimensional_path_small():
    """The 2-D path (truth by the 1-D reduction): 100 seeds × 4 updates within Binomial(400, α) (p > 0.001)."""
    r = calibrate_monitor(path="gauss2d-spiral", seeds=100, steps=4, n=300)
    assert r.p_value_update > 1e-3 and r.mean_gap < 0.05


def test_two_dimensional_truth_by_reduction_matches_monte_carlo():
    """Independent route for the 2-D truth: a Monte-Carlo JSD (10⁶ samples, se ≈ 3e-4) agrees to 2e-3."""
    import numpy as np

    from gantheory.runs.calibration import _Gauss2D, _truth

    p, q = _Gauss2D((0.0, 0.0)), _Gauss2D((1.0, -1.0))
    rng = np.random.default_rng(0)
    x, z = p.sample(500_000, rng), q.sample(500_000, rng)
    lr_x, lr_z = p.logpdf(x) - q.logpdf(x), p.logpdf(z) - q.logpdf(z)
    # JSD = ½ E_p log(2σ(lr)) + ½ E_q log(2σ(−lr))
    mc = 0.5 * np.mean(np.log(2) - np.logaddexp(0, -lr_x)) + 0.5 * np.mean(np.log(2) - np.logaddexp(0, lr_z))
    assert abs(mc - _truth(p, q, "js")) < 2e-3
