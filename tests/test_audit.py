"""Tests of the loss audit (issue 7): every corpus entry diagnosed as its case says.

Tolerances: the implied optimum is solved by bisection to ~1e-12 and the family fits accept
residuals below ``_analysis.FIT_ATOL`` = 1e-6; parameters are compared at 1e-6 for that reason.
Values at the optimum come from quadrature (1e-10) of a spline of m(t) (~1e-8): compared at 1e-6.
"""

from __future__ import annotations

import dataclasses
import io
import json
import math
import subprocess
import sys

import numpy as np
import pytest

torch = pytest.importorskip("torch")
F = torch.nn.functional

import gantheory  # noqa: E402
from gantheory.audit import AuditReport, Finding, audit  # noqa: E402
from gantheory.audit.cli import audit_main  # noqa: E402
from gantheory.audit.corpus import CORPUS  # noqa: E402
from gantheory.errors import GanTheoryError  # noqa: E402

FAST = {"divergence": False, "symbolic": False}
PARAM_ATOL = 1e-6  # = _analysis.FIT_ATOL: the resolution of the family fits


@pytest.fixture(scope="module")
def reports():
    """Fast audits (no quadrature, no sympy) of every corpus entry, computed once."""
    return {name: audit(c.d_loss, c.g_loss, inputs=c.inputs, **FAST) for name, c in CORPUS.items()}


def test_corpus_is_large_and_mixed():
    assert len(CORPUS) >= 12
    assert sum(c.correct for c in CORPUS.values()) >= 6
    assert sum(not c.correct for c in CORPUS.values()) >= 6


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_corpus_entry_diagnosed(name, reports):
    case, report = CORPUS[name], reports[name]
    assert report.discriminator.family == case.family, report.verdict
    for key, expected in case.params.items():
        got = report.discriminator.params[key]
        if expected is None or isinstance(expected, bool):
            assert got == expected
        else:
            assert got == pytest.approx(expected, abs=PARAM_ATOL), key
    assert (report.generator.kind if report.generator else None) == case.kind
    codes = {f.code for f in report.findings}
    assert case.codes <= codes, (codes, report.verdict)
    assert report.exit_code == case.exit_code, report.verdict
    if not case.correct:  # every bug is flagged, not merely mentioned
        flagged = {f.code for f in report.findings if f.severity in ("warning", "error")}
        assert case.codes & flagged


@pytest.mark.parametrize("name", [n for n, c in CORPUS.items() if c.exit_code == 0])
def test_consistent_games_have_no_error(name, reports):
    assert all(f.severity != "error" for f in reports[name].findings)


# -- negative controls: each classifier rejects its nearest neighbour ----------------------------
def _family(d_loss, **kw):
    return audit(d_loss, **FAST, **kw).discriminator


def test_standard_rejects_label_smoothing():
    d = _family(lambda r, f: F.binary_cross_entropy_with_logits(r, torch.full_like(r, 0.999))
                + F.softplus(f).mean())
    assert d.family == "label_smoothing"
    assert d.params["alpha"] == pytest.approx(0.999, abs=PARAM_ATOL)


def test_label_smoothing_two_sided():
    d = _family(lambda r, f: F.binary_cross_entropy_with_logits(r, torch.full_like(r, 0.8))
                + F.binary_cross_entropy_with_logits(f, torch.full_like(f, 0.1)))
    assert (d.family, d.params["alpha"], d.params["beta"]) == ("label_smoothing", pytest.approx(0.8),
                                                               pytest.approx(0.1))


def test_standard_rejects_small_class_weight():
    d = _family(lambda r, f: F.softplus(-r).mean() + 1.01 * F.softplus(f).mean())
    assert d.family == "class_weighted"
    assert d.params["weight_fake"] == pytest.approx(1.01, abs=PARAM_ATOL)


def test_class_weighting_rejects_scaled_standard():
    # A common positive factor is not a class weight.
    assert _family(lambda r, f: 3.0 * (F.softplus(-r).mean() + F.softplus(f).mean())).family == "standard"


def test_least_squares_rejects_hinge_and_reads_targets():
    d = _family(lambda r, f: ((r - 1.25) ** 2).mean() + ((f + 0.5) ** 2).mean())
    assert d.family == "least_squares"
    assert (d.params["a"], d.params["b"]) == (pytest.approx(-0.5), pytest.approx(1.25))
    assert _family(lambda r, f: F.relu(1 - r).mean() + F.relu(1 + f).mean()).family == "hinge"


def test_hinge_reads_margin_and_rejects_asymmetric_margins():
    d = _family(lambda r, f: F.relu(2 - r).mean() + F.relu(2 + f).mean())
    assert (d.family, d.params["margin"]) == ("hinge", pytest.approx(2.0))
    assert _family(lambda r, f: F.relu(1 - r).mean() + F.relu(2 + f).mean()).family == "unrecognised"


def test_swapped_rejects_standard():
    assert _family(lambda r, f: F.softplus(-r).mean() + F.softplus(f).mean()).family == "standard"
    assert _family(lambda r, f: F.softplus(r).mean() + F.softplus(-f).mean()).family == "swapped"


def test_generator_classifier_negative_controls():
    d = CORPUS["softplus"].d_loss
    kinds = {
        "non_saturating": lambda f: F.softplus(-f).mean(),
        "minimax": lambda f: -F.softplus(f).mean(),
        "hinge": lambda f: -f.mean(),
        "least_squares": lambda f: ((f - 0.3) ** 2).mean(),
        "other": lambda f: F.softplus(-2 * f).mean() + 0.1 * f.mean() ** 2 * 0 + torch.sigmoid(f).mean(),
    }
    for kind, g in kinds.items():
        assert audit(d, g, **FAST).generator.kind == kind


def test_saturation_gradient_separates_minimax_from_non_saturating(reports):
    assert abs(reports["minimax_generator"].generator.saturation_gradient) < 1e-8
    assert reports["softplus"].generator.saturation_gradient == pytest.approx(-1.0, abs=1e-8)


def test_fixed_point(reports):
    assert reports["softplus"].generator.fixed_point is True
    assert reports["lsgan_minus1_1_0"].generator.fixed_point is True
    assert reports["hinge"].generator.fixed_point is True
    assert reports["swapped_labels"].generator.fixed_point is False
    assert reports["generator_wrong_label"].generator.fixed_point is False
    assert reports["wgan_unconstrained"].generator.fixed_point is None


# -- structure checks -----------------------------------------------------------------------------
def test_relativistic_loss_is_not_separable():
    r = audit(lambda r, f: F.softplus(-(r - f.mean())).mean() + F.softplus(f - r.mean()).mean(), **FAST)
    assert "not_separable" in {f.code for f in r.findings}
    assert (r.discriminator.family, r.exit_code) == ("unrecognised", 1)


def test_sum_and_mean_mixture_is_batch_size_dependent():
    r = audit(lambda r, f: F.softplus(-r).sum() + F.softplus(f).mean(), **FAST)
    assert "batch_size_dependent" in {f.code for f in r.findings}


# -- value at the optimum (quadrature) ------------------------------------------------------------
@pytest.mark.parametrize("name, divergence, slope, intercept", [
    ("softplus", "jsd", -2.0, math.log(4.0)),           # log 4 − 2 JSD (Goodfellow et al. 2014)
    ("concatenated_batch", "jsd", -1.0, math.log(2.0)),  # half of it: batch weighting absorbed
    ("lsgan_minus1_1_0", "triangular", -0.5, 1.0),       # ½ t(1−t)(b−a)² integrated: 1 − Δ/2
    ("hinge", "total_variation", -2.0, 2.0),             # 2 min(p, q): 2 − 2 TV (Lim & Ye 2017)
    ("missing_log", "total_variation", -1.0, -1.0),
])
def test_value_at_optimum_identified(name, divergence, slope, intercept):
    c = CORPUS[name]
    v = audit(c.d_loss, inputs=c.inputs, symbolic=False).discriminator.value
    assert v["divergence"] == divergence, v["statement"]
    assert v["slope"] == pytest.approx(slope, abs=1e-6)
    assert v["intercept"] == pytest.approx(intercept, abs=1e-6)


def test_label_smoothing_value_is_not_affine_in_jsd():
    c = CORPUS["label_smoothing_0.9"]
    v = audit(c.d_loss, symbolic=False).discriminator.value
    assert v["divergence"] is None and v["relative_residual"] > 1e-3


def test_unbounded_critic_has_no_finite_value():
    v = audit(CORPUS["wgan_unconstrained"].d_loss, symbolic=False).discriminator.value
    assert v["divergence"] is None and "Lipschitz" in v["statement"]


# -- symbolic certificates ------------------------------------------------------------------------
@pytest.mark.parametrize("name, status", [
    ("bce_with_logits", "equal"),
    ("bce_on_sigmoid", "equal"),          # traced through nn.BCELoss
    ("concatenated_batch", "equal_up_to_scale"),
    ("label_smoothing_0.9", "equal"),
    ("lsgan_minus1_1_0", "equal_up_to_scale"),
    ("hinge", "equal"),
    ("probabilities", "equal"),
    ("log_sigmoid_one_minus", "not_equivalent"),
    ("double_sigmoid", "not_equivalent"),
])
def test_symbolic_certificate(name, status):
    c = CORPUS[name]
    cert = audit(c.d_loss, inputs=c.inputs, divergence=False).discriminator.certificate
    assert cert["status"] == status, cert
    if status == "not_equivalent":
        assert cert["counterexample_logit"] is not None
    if name == "concatenated_batch":
        assert cert["scales"] == pytest.approx([0.5, 0.5], abs=1e-12)


def test_untraceable_loss_reports_untraced():
    def d_loss(r, f):
        if r.sum() > 0:  # data-dependent control flow: torch.fx cannot trace it
            return F.softplus(-r).mean() + F.softplus(f).mean()
        return F.softplus(-r).mean() + F.softplus(f).mean()

    cert = audit(d_loss, divergence=False).discriminator.certificate
    assert cert["status"] == "untraced"


# -- robustness probes ----------------------------------------------------------------------------
def test_log_clamp_detected_only_for_bce_on_probabilities(reports):
    assert "log_clamp" in {f.code for f in reports["bce_on_sigmoid"].findings}
    assert "log_clamp" not in {f.code for f in reports["bce_with_logits"].findings}


def test_overflow_detected_for_naive_log_of_sigmoid(reports):
    codes = {f.code for f in reports["probabilities"].findings}
    assert "overflow" in codes  # log(1 − σ(20)) = log 0 in float32
    assert "overflow" not in {f.code for f in reports["softplus"].findings}


def test_probes_cover_the_issue_grid(reports):
    probes = reports["softplus"].probes
    assert {p.logit for p in probes} >= {20.0, -20.0, 1e4, -1e4, math.inf, -math.inf}
    assert {p.dtype for p in probes} == {"float32", "float64"}


# -- report ---------------------------------------------------------------------------------------
def test_report_json_contract(reports):
    d = json.loads(json.dumps(reports["label_smoothing_0.9"].to_dict(), allow_nan=False))
    assert d["discriminator"]["family"] == "label_smoothing"
    assert set(d["discriminator"]["params"]) >= {"alpha", "beta"}
    assert d["generator"]["kind"] == "non_saturating"
    assert all(set(f) >= {"severity", "message"} for f in d["findings"])
    assert all(f["severity"] in ("info", "warning", "error") for f in d["findings"])
    json.loads(reports["wgan_unconstrained"].to_json())  # ±inf params become strings, not Infinity


def test_report_is_frozen(reports):
    r = reports["softplus"]
    assert isinstance(r, AuditReport)
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.verdict = "x"
    with pytest.raises(ValueError, match="severity"):
        Finding("fatal", "x")


def test_verdicts_are_actionable(reports):
    assert reports["softplus"].verdict.startswith("OK")
    assert reports["swapped_labels"].verdict.startswith("FIX")
    v = reports["label_smoothing_0.9"].verdict
    assert "α = 0.9" in v and "0.9·p/(p+q), not p/(p+q)" in v


def test_markdown_and_html(reports):
    r = reports["double_sigmoid"]
    md = r.to_markdown()
    assert "| discriminator | `unrecognised`" in md and "double_sigmoid" in md
    page = r.to_html(full_page=True)
    assert page.startswith("<!DOCTYPE html>") and "<svg" in page and "</html>" in page
    assert "<svg" in reports["hinge"].to_html()


# -- errors ---------------------------------------------------------------------------------------
def test_input_errors():
    good = CORPUS["softplus"].d_loss
    with pytest.raises(GanTheoryError, match="inputs"):
        audit(good, inputs="scores")
    with pytest.raises(GanTheoryError, match="callable"):
        audit(3)
    with pytest.raises(GanTheoryError, match="scalar"):
        audit(lambda r, f: F.softplus(-r) + F.softplus(f))
    with pytest.raises(GanTheoryError, match="failed"):
        audit(lambda r: r.mean())


# -- CLI ------------------------------------------------------------------------------------------
def _cli(*argv):
    out, err = io.StringIO(), io.StringIO()
    code = audit_main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_cli_exit_codes():
    mod = "gantheory.audit.corpus"
    assert _cli(f"{mod}:d_softplus", f"{mod}:g_non_saturating", "--no-divergence", "--no-symbolic")[0] == 0
    assert _cli(f"{mod}:d_swapped_labels", "--no-divergence", "--no-symbolic")[0] == 1
    code, _, err = _cli("no_such_module_xyz:f")
    assert code == 2 and "cannot import module" in err
    code, _, err = _cli(f"{mod}:d_sofplus")
    assert code == 2 and "d_softplus" in err  # nearest names suggested
    assert _cli(f"{mod}:d_softplus", "--format", "yaml")[0] == 2
    assert _cli("not-a-spec")[0] == 2


def test_cli_json_and_probabilities():
    code, out, _ = _cli("gantheory.audit.corpus:d_log_probabilities", "--probabilities", "--format",
                        "json", "--no-symbolic")
    d = json.loads(out)
    assert code == 0 and d["discriminator"]["family"] == "standard" and d["generator"]["kind"] is None


def test_cli_loads_file_path(tmp_path):
    path = tmp_path / "my_losses.py"
    path.write_text("import torch.nn.functional as F\n"
                    "def d(real, fake):\n    return F.relu(1 - real).mean() + F.relu(1 + fake).mean()\n")
    code, out, _ = _cli(f"{path}:d", "--format", "md", "--no-divergence", "--no-symbolic")
    assert code == 0 and "`hinge`" in out


# -- import hygiene -------------------------------------------------------------------------------
def test_audit_resolves_lazily_and_import_gantheory_is_torch_free():
    code = ("import sys, gantheory; assert 'torch' not in sys.modules; "
            "import gantheory.audit.corpus; assert callable(gantheory.audit); "
            "assert gantheory.audit.audit is not None")
    subprocess.run([sys.executable, "-c", code], check=True)
    assert callable(gantheory.audit)
