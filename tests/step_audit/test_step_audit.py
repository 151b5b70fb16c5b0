"""audit_step: the report contract, the D* phase (positive and negative), adapters and bad input."""

from __future__ import annotations

import json

import pytest

torch = pytest.importorskip("torch")
import torch.nn.functional as F  # noqa: E402

import gantheory  # noqa: E402
from gantheory.errors import GanTheoryError  # noqa: E402
from gantheory.step_audit import CORPUS, audit_step  # noqa: E402


def test_report_contract_and_json():
    report = gantheory.audit_step(CORPUS["labels_swapped_g"].train_step, dstar_steps=0)
    d = report.to_dict()
    json.dumps(d)
    assert d["findings"] and all(set(f) == {"severity", "code", "message"} for f in d["findings"])
    assert {f["severity"] for f in d["findings"]} <= {"info", "warning", "error"}
    assert d["passed"] is False and "g_step_sign" in report.codes
    # every backward pass is listed with the networks it reaches and its sign
    assert all(set(b) >= {"reaches", "sign", "made_for"} for b in d["backward_passes"])
    assert any(b["reaches"] == ["D"] for b in d["backward_passes"])
    assert {"D.linear.weight", "D.linear.bias"} <= set(d["backward_passes"][0]["parameters"])
    # the sign of each backward's ``gradient`` argument: the WGAN-GP step uses backward(mone) on the real term
    wgan = audit_step(CORPUS["wgan_gp_style"].train_step, loss="wasserstein").to_dict()["backward_passes"]
    assert [b["sign"] for b in wgan if b["call"] == 0] == [-1.0, 1.0, -1.0]


def test_dstar_phase_passes_for_the_correct_step():
    """Repeated D steps with G frozen reach the standard D* within the statistical tolerance."""
    report = audit_step(CORPUS["dcgan"].train_step)
    assert report.d_star is not None and report.d_star.passed, report.d_star
    assert report.d_star.nearest == "standard"
    assert report.passed


def test_dstar_phase_refutes_a_double_counted_term():
    """Negative control: the real term counted twice converges to p/(p + q/2), not D*."""
    report = audit_step(CORPUS["double_backward"].train_step)
    assert not report.d_star.passed
    assert report.d_star.nearest.startswith("real term counted twice")
    assert "d_star_mismatch" in report.codes


def test_adapter_with_another_signature():
    def my_step(real, nets, opts):  # the user's own signature
        D, G = nets
        opt_d, opt_g = opts
        opt_d.zero_grad()
        fake = G(G.sample_latent(real.shape[0]))
        (F.softplus(-D(real)).mean() + F.softplus(D(fake.detach())).mean()).backward()
        opt_d.step()
        opt_g.zero_grad()
        F.softplus(-D(fake)).mean().backward()
        opt_g.step()

    report = audit_step(lambda D, G, oD, oG, x: my_step(x, (D, G), (oD, oG)), dstar_steps=0)
    assert report.passed and report.codes == {"loss_detected"} and report.loss == "standard"


def test_a_raising_step_is_reported_not_raised():
    def broken(D, G, opt_D, opt_G, real):
        raise RuntimeError("boom")

    report = audit_step(broken, dstar_steps=0)
    assert report.codes == {"train_step_raised"} and not report.passed


@pytest.mark.parametrize("kwargs, parameter", [({"loss": "nope"}, "nope"), ({"batch_size": 1}, "batch_size"),
                                               ({"loss": "wasserstein", "dstar_steps": 10}, "dstar_steps")])
def test_bad_input_names_the_parameter(kwargs, parameter):
    with pytest.raises(GanTheoryError, match=parameter):
        audit_step(CORPUS["dcgan"].train_step, **kwargs)
    with pytest.raises(GanTheoryError, match="train_step"):
        audit_step(42)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(5))
def test_dstar_phase_over_seeds(seed):
    """Across seeds the correct step reaches D* and the double-counted term is refuted (12/12 of each in the
    run recorded in benchmarks/RESULTS.md)."""
    assert audit_step(CORPUS["dcgan"].train_step, seed=seed).d_star.passed
    assert not audit_step(CORPUS["double_backward"].train_step, seed=seed).d_star.passed


# ---- review findings (fixmodels): the D* step size, non-finite D, the family when `loss` is not given


def _lsgan_step(D, G, opt_D, opt_G, real):
    """A correct LSGAN step with 0/1 targets and 0.5·MSE (Mao et al. 2017)."""
    opt_D.zero_grad()
    fake = G(torch.randn(real.shape[0], 1))
    a_r, a_f = D(real), D(fake.detach())
    (0.5 * F.mse_loss(a_r, torch.ones_like(a_r)) + 0.5 * F.mse_loss(a_f, torch.zeros_like(a_f))).backward()
    opt_D.step()
    opt_G.zero_grad()
    a = D(fake)
    (0.5 * F.mse_loss(a, torch.ones_like(a))).backward()
    opt_G.step()


def _hinge_step(D, G, opt_D, opt_G, real):
    opt_D.zero_grad()
    fake = G(torch.randn(real.shape[0], 1))
    (F.relu(1 - D(real)).mean() + F.relu(1 + D(fake.detach())).mean()).backward()
    opt_D.step()
    opt_G.zero_grad()
    (-D(fake).mean()).backward()
    opt_G.step()


def test_correct_lsgan_step_reaches_dstar_with_the_default_step_size():
    # Was: dstar_lr = 8 diverged on the quadratic loss -> d_star_mismatch "D is nan from the optimum", NaN sup_error.
    report = audit_step(_lsgan_step, loss="least_squares", loss_params={"a": 0, "b": 1})
    assert report.passed, [f.to_dict() for f in report.findings]
    d = report.to_dict()
    json.dumps(d, allow_nan=False)  # no NaN anywhere
    assert 0 < d["d_star"]["sup_error"] <= d["d_star"]["tolerance"] and d["d_star"]["lr"] < 1.0


def test_a_d_driven_non_finite_is_its_own_finding_without_nan():
    calls = []

    def step(D, G, opt_D, opt_G, real):
        calls.append(1)
        _lsgan_step(D, G, opt_D, opt_G, real)
        if len(calls) > 10:  # inside the D* phase: D blows up
            with torch.no_grad():
                D.linear.bias.fill_(float("inf"))

    report = audit_step(step, loss="least_squares", loss_params={"a": 0, "b": 1}, dstar_steps=20)
    assert "d_star_diverged" in report.codes and "d_star_mismatch" not in report.codes and not report.passed
    d = report.to_dict()
    json.dumps(d, allow_nan=False)
    assert d["d_star"]["sup_error"] is None and d["d_star"]["diverged"] is True
    assert all("nan" not in f["message"] for f in d["findings"])


def test_default_loss_detects_hinge_instead_of_blaming_the_step():
    # Was: loss left at "standard" -> error unbalanced_terms ("real 2.03 vs fake 2") on a correct hinge step.
    report = audit_step(_hinge_step)
    assert report.passed and report.codes == {"loss_detected"}, [f.to_dict() for f in report.findings]
    (found,) = report.findings
    assert "hinge" in found.message and report.loss in ("hinge", "wasserstein")


def test_default_loss_reads_least_squares_targets_off_the_step():
    report = audit_step(_lsgan_step)
    assert report.passed and report.loss == "least_squares", [f.to_dict() for f in report.findings]
    assert "'a': 0.0, 'b': 1.0" in report.findings[0].message and report.d_star.passed


def test_default_loss_that_fits_no_family_says_so_and_raises_no_family_error():
    def step(D, G, opt_D, opt_G, real):  # a made-up game: (softplus(-a))^2 terms
        opt_D.zero_grad()
        fake = G(torch.randn(real.shape[0], 1))
        (F.softplus(-D(real)).pow(2).mean() + F.softplus(D(fake.detach())).pow(2).mean() * 3).backward()
        opt_D.step()
        opt_G.zero_grad()
        F.softplus(-D(fake)).mean().backward()
        opt_G.step()

    report = audit_step(step)
    assert "loss_not_detected" in report.codes and report.passed, [f.to_dict() for f in report.findings]
    assert report.d_star is None


def test_loss_params_without_loss_is_refused():
    with pytest.raises(GanTheoryError, match="loss_params"):
        audit_step(_lsgan_step, loss_params={"a": 0})
