"""The sweep tasks against their theory (gantheory/sweeps/tasks.py)."""

from __future__ import annotations

import math

import pytest

from gantheory.dynamics.theory import penalty_stable_step
from gantheory.errors import GanTheoryError
from gantheory.sweeps import TASKS, grid, resolve_task, sweep


def test_dirac_prediction_is_the_closed_form_boundary():
    # independent route: Mescheder et al. 2018 Thm 4.1 closed form in dynamics/theory.py (f′(0) = ½)
    recs = sweep("dirac_gan", grid(regularizer="r1", gamma=[0.25, 0.5, 2.0], lr=0.1, steps=5))
    for r in recs:
        expected = penalty_stable_step(0.5, r["spec"]["gamma"])
        assert r["result"]["predicted_max_stable_step"] == pytest.approx(expected, rel=1e-7)  # bisection + grid


def _agreement(recs, factor=1.0):
    return [((r["result"]["distance_ratio"] or math.inf) < 1.0)
            == (r["spec"]["lr"] < factor * r["result"]["predicted_max_stable_step"]) for r in recs]


def test_dirac_runs_contract_below_and_grow_above_the_predicted_boundary():
    # the prediction is local (the linearisation): start near the equilibrium. From init_scale = 0.5 a run
    # at 0.85·h_max with γ = 1 can still leave the basin (seen while writing this test).
    specs = [{"regularizer": "r1", "gamma": g, "lr": f * penalty_stable_step(0.5, g), "steps": 200, "seed": s,
              "init_scale": 0.05}
             for g in (0.3, 1.0, 3.0) for f in (0.6, 0.85, 1.2, 1.6) for s in range(2)]
    recs = sweep("dirac_gan", specs)
    assert all(_agreement(recs))
    # negative control: a boundary twice too large disagrees with the runs at 1.2 and 1.6 × h_max
    assert not all(_agreement(recs, factor=2.0))


def test_a_diverged_model_is_a_record_with_its_failure():
    ok, bad = sweep("dirac_gan", [{"regularizer": "r1", "gamma": 1.0, "lr": 1.0, "steps": 60},
                                  {"regularizer": "r1", "gamma": 1.0, "lr": 8.0, "steps": 60}])
    assert ok["status"] == "ok" and ok["failure"] is None and ok["result"]["final_distance"] < 1e-3
    assert bad["status"] == "diverged" and bad["failure"]["reason"] == "non-finite iterate"
    assert 0 < bad["failure"]["step"] <= 60 and bad["result"]["final_distance"] is None


def test_discriminator_learns_log_p_over_q():
    # Prop. 1: logit* = μ²/2 − μx; 64 samples per side, 300 Adam steps: error well below the |μ| = 1 scale
    good, control = sweep("train_discriminator", [{"lr": 0.05, "steps": 300, "n_samples": 64, "width": 4},
                                                  {"lr": 1e-5, "steps": 300, "n_samples": 64, "width": 4}])
    assert good["status"] == "ok" and good["result"]["logit_sup_error"] < 1.0
    # negative control: a step too small to learn leaves the error at the size of log p/q itself
    assert control["result"]["logit_sup_error"] > 1.0


def test_a_failing_pack_becomes_error_records_not_a_crash():
    recs = sweep("train_discriminator", grid(dtype="float32", lr=[0.1, 0.2], steps=2, n_samples=8, width=2))
    assert [r["status"] for r in recs] == ["error", "error"]
    assert "float32" in recs[0]["failure"]["reason"]


def test_unknown_task_and_parameter_name_the_nearest():
    with pytest.raises(GanTheoryError, match="did you mean dirac_gan"):
        resolve_task("dirac_gn")
    with pytest.raises(GanTheoryError, match="did you mean gamma"):
        sweep("dirac_gan", [{"gama": 1.0}])


def test_every_task_has_defaults_that_run():
    assert set(TASKS) >= {"dirac_gan", "train_discriminator", "mlp_gan", "train_gan"}
    recs = sweep("mlp_gan", [{"steps": 3}])
    assert recs[0]["status"] == "ok" and recs[0]["result"]["predicted_max_stable_step"] > 0
    assert sweep("train_gan", [{"steps": 3, "batch_size": 8}])[0]["status"] in ("ok", "diverged")


def test_gaussian_gan_contracts_below_and_diverges_above_the_exact_jacobian_bound():
    from gantheory.sweeps.tasks import _gaussian_prediction

    specs = [{"gamma": g, "lr": f * _gaussian_prediction(g), "steps": 150, "seed": s}
             for g in (0.25, 1.0) for f in (0.7, 1.3) for s in range(2)]
    recs = sweep("gaussian_gan", specs)
    assert all(r["result"]["predicted_stable"] is not None for r in recs)
    assert all(_agreement(recs))
    assert not all(_agreement(recs, factor=2.0))  # negative control: a bound twice too large


def test_gaussian_gan_k_masks_in_one_pack_equal_separate_runs():
    specs = [{"k": k, "lr": 0.3, "steps": 30, "seed": s} for k in (1, 2, 4) for s in range(2)]
    packed = sweep("gaussian_gan", specs)  # one pack: k is a mask
    alone = sweep("gaussian_gan", specs, pack=False)
    for p, a in zip(packed, alone, strict=True):
        assert p["result"]["distance_ratio"] == pytest.approx(a["result"]["distance_ratio"], rel=1e-9)  # summation order
    # control: k changes the trajectory (the mask is not ignored)
    by_k = {r["spec"]["k"]: r["result"]["distance_ratio"] for r in packed if r["spec"]["seed"] == 0}
    assert len({round(v, 12) for v in by_k.values()}) == 3
    assert all(r["result"]["predicted_stable"] is None for r in packed if r["spec"]["k"] > 1)


# --- review findings (issue 18) -------------------------------------------------------------------------

def test_the_issue_example_runs_as_written_on_a_tiny_subset():
    # issue 18's grid (lr, k, gamma and seed axes cut to one value, 3 steps): "gamma" is a train_gan
    # parameter, the loss names are dirac_gan's (LOSSES row + generator), none of the records is an error
    import numpy as np

    from gantheory.sweeps import grid as grid_

    specs = grid_(target=["normal", "mixture2"], loss=["standard", "non_saturating", "hinge"],
                  lr=np.geomspace(1e-3, 1, 16)[8:9], k=[1], regularizer=[None, "r1"], gamma=[1.0],
                  seed=range(1), steps=3, batch_size=8)
    recs = sweep("train_gan", specs)
    assert len(recs) == 12 and not [r for r in recs if r["status"] == "error"]
    by_loss = {loss: {r["status"] for r in recs if r["spec"]["loss"] == loss} for loss in ("standard", "non_saturating", "hinge")}
    assert by_loss["standard"] <= {"ok", "diverged"} and by_loss["non_saturating"] <= {"ok", "diverged"}
    # hinge is a Dirac-GAN loss Algorithm 1 does not play: said per record, with the reason
    assert by_loss["hinge"] == {"unsupported"}
    assert "hinge" in next(r for r in recs if r["spec"]["loss"] == "hinge")["failure"]["reason"]
    # negative control: a loss no task knows is still an error record naming it
    (bad,) = sweep("train_gan", [{"loss": "nonsense", "steps": 3, "batch_size": 8}])
    assert bad["status"] == "error" and "nonsense" in bad["failure"]["reason"]


def test_train_gan_r1_penalty_changes_the_run_and_zero_gamma_does_not():
    from gantheory.densities import Normal
    from gantheory.empirical import train_gan

    def jsd(**kw):
        return train_gan(Normal(0.0, 1.0), steps=20, batch_size=16, seed=3, device="cpu", **kw).final_jsd

    base = jsd()
    assert jsd(r1_gamma=0.0) == base  # γ = 0 is the unregularised run, bit for bit
    assert jsd(r1_gamma=10.0) != base  # the penalty reaches D's update
    with pytest.raises(GanTheoryError, match="r1_gamma"):
        jsd(r1_gamma=-1.0)


@pytest.mark.parametrize("pack", [True, False])
def test_dirac_wgan_gp_records_the_simulation_with_a_null_prediction(pack):
    # DiracGAN's WGAN-GP target is g₀ = 1: the field is not differentiable at the origin, so there is no
    # linearised prediction; the simulation still ran and is recorded
    (rec,) = sweep("dirac_gan", [{"regularizer": "wgan_gp", "gamma": 1.0, "lr": 0.1, "steps": 20}], pack=pack)
    assert rec["status"] == "ok" and rec["result"]["final_distance"] is not None
    assert rec["result"]["predicted_max_stable_step"] is None and rec["result"]["predicted_stable"] is None
    assert "not differentiable" in rec["result"]["prediction_reason"]
    # negative control: R1 has a prediction and no reason
    (r1,) = sweep("dirac_gan", [{"regularizer": "r1", "gamma": 1.0, "lr": 0.1, "steps": 20}], pack=pack)
    assert r1["result"]["predicted_max_stable_step"] > 0 and "prediction_reason" not in r1["result"]


def test_discriminator_with_a_huge_step_is_diverged_not_ok():
    huge, fine = sweep("train_discriminator", [{"lr": 1e8, "steps": 15, "n_samples": 16, "width": 3},
                                               {"lr": 0.05, "steps": 15, "n_samples": 16, "width": 3}])
    assert huge["status"] == "diverged" and "constant discriminator" in huge["failure"]["reason"]
    assert fine["status"] == "ok"  # negative control: a sane step is not flagged
