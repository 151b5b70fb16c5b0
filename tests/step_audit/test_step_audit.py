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
    assert report.passed and not report.findings


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
