"""gantheory.claims.dynamics: envelope, function space, Algorithm 1."""

from __future__ import annotations

import pytest

from gantheory.claims import CLAIMS, Context, dynamics
from gantheory.claims.shapes import Algorithm1, train_gan_run


def test_envelope_quick_profile_takes_the_first_generator():
    result = dynamics.EnvelopeQuadrature()(Context())
    assert result.status == "pass"
    assert "over 2 derivatives" in result.measurements[0].detail  # loc and scale at one θ₀


def test_algorithm_1_claim_and_control_share_one_run():
    pytest.importorskip("torch")
    ctx = Context(device="cpu")
    claim = CLAIMS["algorithm-1"]
    assert claim.lenses["empirical"] == Algorithm1()
    control = next(k for k in claim.controls if k.lens == "empirical")
    assert control.check == Algorithm1(target_shift=0.5)
    claim.lenses["empirical"](ctx)
    before = train_gan_run.cache_info()
    control.check(ctx)
    after = train_gan_run.cache_info()
    assert after.hits == before.hits + 1 and after.misses == before.misses


def test_fixed_point_control_perturbs_p_g():
    assert dynamics.FixedPoint()(Context()).status == "pass"
    assert dynamics.FixedPoint(shift=3.0)(Context()).status == "fail"
