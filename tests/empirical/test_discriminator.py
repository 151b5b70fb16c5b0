"""Prop. 1 empirically (gantheory.empirical.discriminator): trained discriminators against D* = p/(p+q).

Every tolerance states its reason. CPU tests are sized for a 2-core CI runner; ``slow`` tests run with
``--run-slow`` or ``GANTHEORY_SLOW=1``; ``cuda`` tests skip without a GPU.
"""

from __future__ import annotations

import os

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as hs  # noqa: E402

from gantheory.cases import CASES  # noqa: E402
from gantheory.densities import (  # noqa: E402
    Normal,
    Uniform,
)
from gantheory.empirical import (  # noqa: E402
    EMPIRICAL_TOLERANCES,
    calibrate,
    train_discriminator,
    train_discriminators,
    train_gan,
)
from gantheory.empirical.batched import bce_loss  # noqa: E402
from gantheory.errors import GanTheoryError  # noqa: E402

pytestmark = pytest.mark.empirical
CUDA = torch.cuda.is_available()

# The reference pair (gantheory.cases "gauss-unequal-scale", N(0, 1) vs N(1, 1.5)): two Gaussians, so
# log p/q is quadratic and the degree-2 logistic family is well specified.
P, Q = CASES["gauss-unequal-scale"].p, CASES["gauss-unequal-scale"].q


def _needs_slow(request):
    if not (os.environ.get("GANTHEORY_SLOW") or request.config.getoption("--run-slow", default=False)):
        pytest.skip("slow: run with --run-slow or GANTHEORY_SLOW=1")


# -- Prop. 1, logistic family -------------------------------------------------------------------------
@pytest.fixture(scope="module")
def reference_fit():
    return train_discriminator(P, Q, n_samples=4096, seed=0, device="cpu")


def test_bce_is_minus_value():
    # L = pooled BCE / n equals -V̂ exactly when m = n (log(1 - σ(f)) = log σ(-f)).
    gen = torch.Generator().manual_seed(0)
    fr, ff = torch.randn(3, 500, generator=gen, dtype=torch.float64), torch.randn(3, 500, generator=gen, dtype=torch.float64)
    dr, df = torch.sigmoid(fr).numpy(), torch.sigmoid(ff).numpy()
    v_hat = np.log(dr).mean(-1) + np.log1p(-df).mean(-1)
    np.testing.assert_allclose(bce_loss(fr, ff).numpy(), -v_hat, rtol=1e-13)


def test_logistic_fit_agrees_with_prop1(reference_fit):
    r = reference_fit
    assert not r.failed and r.verdict == "pass" and r.passed
    assert r.band.all_inside  # Scheffé: passing the χ² test implies D̂ inside the band everywhere
    assert r.value_train == pytest.approx(-r.loss, rel=1e-14)
    # Prop. 1: D* maximises V, so V(D̂, G) ≤ C(G) up to quadrature error (TOLERANCES quadrature_atol).
    assert r.value_quadrature <= r.criterion + 1e-9
    # The gap C - V(D̂) is second order in θ̂ - θ*: ≈ χ²_3/(2·(n+m)) ~ 3e-4; 1e-2 is a loose cap.
    assert 0 <= r.gap < 1e-2
    # Held-out V̂ estimates V(D̂, G): its SE is sd(log D)/√n ≈ 1/√4096 ≈ 0.016; allow 5 SE.
    assert abs(r.value_heldout - r.value_quadrature) < 5 * 0.016
    # sup|D̂ - D*| on the 98% region is bounded by the band: the widest half-width here is ~0.08.
    assert r.sup_error < 0.08
    assert r.seed == 0 and r.device == "cpu" and r.dtype == "float64"


def test_discriminator_is_numpy_callable(reference_fit):
    x = np.linspace(-2, 2, 5)
    d = reference_fit.discriminator(x)
    assert isinstance(d, np.ndarray) and d.shape == x.shape and np.all((d > 0) & (d < 1))
    np.testing.assert_allclose(d, 1 / (1 + np.exp(-reference_fit.logit(x))), rtol=1e-14)


@pytest.mark.parametrize("control", ["p/(p+2q)", "label_swap"])
def test_negative_controls_are_rejected(control):
    # At n = 4096 the wrong logit is off by log 2 (or 2·logit D*): ~20 standard errors.
    options = {"theory": "p/(p+2q)"} if control == "p/(p+2q)" else {"swap_labels": True}
    r = train_discriminator(P, Q, n_samples=4096, seed=1, device="cpu", **options)
    assert not r.failed and not r.passed and r.verdict == "reject"
    assert r.wald.statistic > 10 * r.wald.critical
    assert not r.band.all_inside


def test_prior_shift_is_rejected_and_corrected_theory_passes():
    kwargs = dict(n_samples=4096, n_fake=1024, seed=2, device="cpu")
    assert not train_discriminator(P, Q, theory="optimal", **kwargs).passed
    assert train_discriminator(P, Q, theory="optimal_prior_corrected", **kwargs).passed


def test_calibration_rate_and_power():
    # R = 200 replicates at α = 0.05 (10 expected rejections: informative, unlike 2 at α = 0.01).
    # Calibrated when the exact binomial test does not reject at 1e-3 (a correct implementation
    # fails this 1 time in 1000); power must be ≥ 0.95 (EMPIRICAL_TOLERANCES['power_min']).
    cal = calibrate(P, Q, replicates=200, alpha=0.05, n_samples=1024, seed=0, device="cpu")
    assert cal.failed == 0 and cal.statistics.shape == (200,)
    assert cal.binomial_pvalue >= EMPIRICAL_TOLERANCES["calibration_pvalue_min"], cal
    assert cal.calibrated and cal.powerful
    assert set(cal.power) == {"p/(p+2q)", "label_swap", "prior_shift"}
    assert min(cal.power.values()) >= EMPIRICAL_TOLERANCES["power_min"]
    # The statistics follow χ²_3 (KS at 1e-3, same reasoning as the binomial test).
    assert cal.ks_pvalue >= 1e-3


def test_calibrate_rejects_bad_sizes():
    with pytest.raises(GanTheoryError, match="replicates"):
        calibrate(P, Q, replicates=1, device="cpu")
    with pytest.raises(GanTheoryError, match="prior_shift_fake"):
        calibrate(P, Q, replicates=2, n_samples=64, prior_shift_fake=64, device="cpu")


def test_batched_replicate_equals_single_run():
    ens = train_discriminators(P, Q, seeds=[5, 6, 7], n_samples=512, device="cpu")
    single = train_discriminator(P, Q, n_samples=512, seed=6, device="cpu")
    # Same data, same Newton iterations; only the reduction order of batched matmul can differ.
    np.testing.assert_allclose(ens.params[0][1], single.theta, rtol=1e-10, atol=1e-12)
    assert ens[1].seed == 6
    # Independence: different seeds give different samples, hence different fits.
    assert not np.allclose(ens.params[0][0], ens.params[0][2])


def test_several_pairs_in_one_batch():
    pairs_p = [Normal(0, 1), Normal(0, 1), Normal(2, 0.5)]
    pairs_q = [Normal(1, 1.5), Normal(-1, 1), Normal(2.5, 1)]
    ens = train_discriminators(pairs_p, pairs_q, seeds=[0, 1, 2], n_samples=2048, alpha=1e-3, device="cpu")
    # Each pair is well specified; at α = 1e-3 all three pass unless something is wrong (P(fail) ≤ 0.3%).
    assert ens.passed.all() and not ens.failed.any()


def test_cpu_runs_are_bit_reproducible():
    a = train_discriminators(P, Q, seeds=2, n_samples=256, device="cpu")
    b = train_discriminators(P, Q, seeds=2, n_samples=256, device="cpu")
    assert np.array_equal(a.params[0], b.params[0]) and np.array_equal(a.value_heldout, b.value_heldout)
    m1 = train_discriminators(P, Q, seeds=2, family="mlp", n_samples=128, width=8, steps=20, device="cpu")
    m2 = train_discriminators(P, Q, seeds=2, family="mlp", n_samples=128, width=8, steps=20, device="cpu")
    assert all(np.array_equal(x, y) for x, y in zip(m1.params, m2.params, strict=False))


# -- MLP family ---------------------------------------------------------------------------------------
def test_mlp_within_its_stated_tolerance():
    r = train_discriminator(P, Q, family="mlp", n_samples=1024, width=16, steps=600, lr=2e-2, seed=0, device="cpu")
    assert not r.failed and r.passed, (r.sup_error, r.tolerance)
    assert r.band is None and r.wald is None
    assert r.value_quadrature <= r.criterion + 1e-9  # Prop. 1 holds for any D


# -- failures -----------------------------------------------------------------------------------------
def test_divergent_replicate_stops_alone():
    kwargs = dict(seeds=[0, 1, 2], family="mlp", n_samples=128, width=8, steps=30, device="cpu")
    # lr = 1e308 makes the second replicate's weights overflow: its loss becomes non-finite.
    ens = train_discriminators(P, Q, lr=[1e-2, 1e308, 1e-2], **kwargs)
    assert ens.failed.tolist() == [False, True, False]
    assert ens.failed_step[1] >= 0 and np.isfinite(ens.last_finite_loss[1])
    r = ens[1]
    assert r.verdict == "failed" and not r.passed and r.failure
    # The others are untouched: identical to a batch without the divergent learning rate.
    ok = train_discriminators(P, Q, lr=1e-2, **kwargs)
    for got, want in zip(ens.params, ok.params, strict=False):
        np.testing.assert_array_equal(got[[0, 2]], want[[0, 2]])


def test_separable_samples_fail_cleanly():
    r = train_discriminator(Uniform(0, 1), Uniform(2, 3), n_samples=256, device="cpu")
    assert r.failed and r.verdict == "failed" and "MLE does not exist" in r.failure and not r.passed


@pytest.mark.parametrize(
    "kwargs, parameter",
    [
        ({"family": "logstic"}, "family"),
        ({"n_samples": 0}, "n_samples"),
        ({"steps": 0}, "steps"),
        ({"degree": 0}, "degree"),
        ({"theory": "optimall"}, "theory"),
        ({"n_fake": 1}, "n_fake"),
        ({"device": "tpu"}, "device"),
    ],
)
def test_invalid_discriminator_arguments(kwargs, parameter):
    with pytest.raises(GanTheoryError, match=parameter):
        train_discriminator(P, Q, **{"n_samples": 64, "device": "cpu", **kwargs})


@pytest.mark.parametrize(
    "kwargs, parameter",
    [({"generator": "affin"}, "generator"), ({"loss": "wasserstein"}, "loss"), ({"k": 0}, "k"),
     ({"batch_size": 1}, "batch_size"), ({"optimizer": "rmsprop"}, "optimizer")],
)
def test_invalid_gan_arguments(kwargs, parameter):
    with pytest.raises(GanTheoryError, match=parameter):
        train_gan(P, steps=1, device="cpu", **kwargs)


@settings(max_examples=6, deadline=None)
@given(loc=hs.floats(-1.5, 1.5), scale=hs.floats(0.6, 2.0), seed=hs.integers(0, 10**6))
def test_prop1_inequality_for_trained_discriminators(loc, scale, seed):
    # Deterministic consequences of the theory for any trained D̂ (no false failures possible):
    # V(D̂, G) ≤ C(G), and passing the χ² check implies D̂ inside the Scheffé band.
    q = Normal(loc, scale)
    r = train_discriminator(P, q, n_samples=512, seed=seed, device="cpu")
    # The pairs overlap (|loc| ≤ 1.5, scale in [0.6, 2]): 512 + 512 samples are never separable, so a
    # failed run is a failure of the trainer, not a pass of the property.
    assert not r.failed, r.failure
    assert r.value_quadrature <= r.criterion + 1e-9
    if r.passed:
        assert r.band.all_inside


# -- slow and GPU ------------------------------------------------------------------------------------
@pytest.mark.slow
def test_calibration_at_default_level(request):
    _needs_slow(request)
    cal = calibrate(P, Q, replicates=1000, alpha=0.01, n_samples=4096, seed=100, device="cpu")
    assert cal.calibrated and cal.powerful, cal


@pytest.mark.cuda
@pytest.mark.skipif(not CUDA, reason="needs a CUDA GPU")
@pytest.mark.parametrize("dtype", [torch.float64, torch.float32])
def test_cuda_calibration(dtype):
    # float32 widens Σ by the Newton rounding term (EMPIRICAL_TOLERANCES['float32_eps']); the level
    # is otherwise unchanged.
    cal = calibrate(P, Q, replicates=400, alpha=0.05, n_samples=4096, seed=0, device="cuda", dtype=dtype)
    assert cal.device.startswith("cuda") and cal.calibrated and cal.powerful, cal
