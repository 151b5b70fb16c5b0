"""Fault injection: each injected fault raises its alarm; its clean control does not (gantheory.runs.faults)."""

from __future__ import annotations

import pytest

from gantheory.runs import ALARMS
from gantheory.runs.faults import FAULTS, run_fault


@pytest.mark.parametrize("name", sorted(FAULTS))
def test_fault_raises_its_alarm_and_its_control_does_not(name):
    faulty, clean = run_fault(name, seed=1)
    assert FAULTS[name].alarm in faulty
    assert FAULTS[name].alarm not in clean


def test_every_fault_alarm_is_documented():
    assert {f.alarm for f in FAULTS.values()} <= set(ALARMS)


def test_training_set_bound_would_violate_the_truth():
    """Why the alarm matters: the memorising D's bound computed on its training points exceeds the true JSD."""
    import numpy as np
    from scipy.special import logsumexp

    from gantheory.densities import Normal
    from gantheory.quadrature import js_divergence
    from gantheory.runs import Monitor

    rng = np.random.default_rng(0)
    p, q = Normal(0.0, 1.0), Normal(1.0, 1.0)
    train = p.sample(200, rng)

    def d(v):
        u = (v[:, None] - train[None, :]) / 0.05
        return logsumexp(-0.5 * u * u, axis=1) - np.log(200 * 0.05 * np.sqrt(2 * np.pi)) - q.logpdf(v)

    on_train = Monitor()
    on_train.update(0, d(train), d(q.sample(2000, rng)))
    assert on_train.summary()["lower_bound"] > js_divergence(p, q).value
