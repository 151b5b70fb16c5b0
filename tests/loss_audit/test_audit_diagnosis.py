"""audit(): every corpus entry diagnosed as its case says; structure findings; verdicts; input errors.

Parameters are compared at PARAM_ATOL = 1e-6, the resolution of the family fits (the implied optimum
is solved to ~1e-12 and a family holds when its residual is below FIT_ATOL = 1e-6).
"""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")
F = torch.nn.functional

from gantheory.errors import GanTheoryError  # noqa: E402
from gantheory.loss_audit import audit  # noqa: E402
from gantheory.loss_audit.corpus import CORPUS  # noqa: E402

FAST = {"divergence": False, "symbolic": False}
PARAM_ATOL = 1e-6  # = families.FIT_ATOL: the resolution of the family fits


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_corpus_entry_diagnosed(name, corpus_reports):
    case, report = CORPUS[name], corpus_reports[name]
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
def test_consistent_games_have_no_error(name, corpus_reports):
    assert all(f.severity != "error" for f in corpus_reports[name].findings)


def test_saturation_gradient_separates_minimax_from_non_saturating(corpus_reports):
    assert abs(corpus_reports["minimax_generator"].generator.saturation_gradient) < 1e-8
    assert corpus_reports["softplus"].generator.saturation_gradient == pytest.approx(-1.0, abs=1e-8)


def test_fixed_point(corpus_reports):
    assert corpus_reports["softplus"].generator.fixed_point is True
    assert corpus_reports["lsgan_minus1_1_0"].generator.fixed_point is True
    assert corpus_reports["hinge"].generator.fixed_point is True
    assert corpus_reports["swapped_labels"].generator.fixed_point is False
    assert corpus_reports["generator_wrong_label"].generator.fixed_point is False
    assert corpus_reports["wgan_unconstrained"].generator.fixed_point is True  # judged by direction


def test_relativistic_loss_is_recognised_and_other_couplings_are_not():
    r = audit(lambda r, f: F.softplus(-(r - f.mean())).mean() + F.softplus(f - r.mean()).mean(), **FAST)
    assert (r.discriminator.family, r.discriminator.params, r.exit_code) == ("relativistic", {"variant": "average"}, 0)
    # negative control: a coupling through the product r·f is neither separable nor relativistic
    bad = audit(lambda r, f: F.softplus(-r * f).mean() + F.softplus(f).mean(), **FAST)
    assert "not_separable" in {f.code for f in bad.findings}
    assert (bad.discriminator.family, bad.exit_code) == ("unrecognised", 1)


def test_sum_and_mean_mixture_is_batch_size_dependent():
    r = audit(lambda r, f: F.softplus(-r).sum() + F.softplus(f).mean(), **FAST)
    assert "batch_size_dependent" in {f.code for f in r.findings}


def test_verdicts_are_actionable(corpus_reports):
    assert corpus_reports["softplus"].verdict.startswith("OK")
    assert corpus_reports["swapped_labels"].verdict.startswith("FIX")
    v = corpus_reports["label_smoothing_0.9"].verdict
    assert "α = 0.9" in v and "0.9·p/(p+q), not p/(p+q)" in v


def test_ok_verdict_cites_the_row_reference(corpus_reports):
    from gantheory.losses import LOSSES

    assert LOSSES["hinge"].reference in corpus_reports["hinge"].verdict


def test_input_errors():
    good = CORPUS["softplus"].d_loss
    with pytest.raises(GanTheoryError, match="inputs"):
        audit(good, inputs="scores")
    with pytest.raises(GanTheoryError, match="callable"):
        audit(3)
    with pytest.raises(GanTheoryError, match="scalar"):
        audit(lambda r, f: F.softplus(-r) + F.softplus(f))
    with pytest.raises(GanTheoryError, match="cannot call"):
        audit(lambda r: r.mean())


def test_code_that_squeezes_its_batch_needs_and_gets_two_samples():
    """`.squeeze()` turns a batch of one into a scalar and `x.shape[0]` then fails: every probe uses N ≥ 2.
    Negative control: the same code on a batch of one raises (so the test exercises the failure)."""
    def d_loss(real, fake):
        r, f = real.view(-1, 1).squeeze(), fake.view(-1, 1).squeeze()
        return (F.binary_cross_entropy_with_logits(r, torch.ones(r.shape[0], dtype=r.dtype))
                + F.binary_cross_entropy_with_logits(f, torch.zeros(f.shape[0], dtype=f.dtype)))

    with pytest.raises(IndexError):
        d_loss(torch.zeros(1), torch.zeros(1))
    report = audit(d_loss, **FAST)
    assert (report.discriminator.family, report.exit_code) == ("standard", 0)


def _bce_targets(real_target, fake_target):
    def d_loss(r, f):
        return (F.binary_cross_entropy_with_logits(r, torch.full_like(r, real_target))
                + F.binary_cross_entropy_with_logits(f, torch.full_like(f, fake_target)))
    return d_loss


def test_targets_too_close_together_are_an_error():
    """Regression (review finding 8): labels 0.6/0.4 were "CHECK two-sided smoothing" with exit 0; D* then
    ranges over [0.4, 0.6] only, a degenerate game (issue 12)."""
    r = audit(_bce_targets(0.6, 0.4), **FAST)
    assert (r.discriminator.family, r.exit_code) == ("label_smoothing", 1)
    assert "degenerate_targets" in {f.code for f in r.findings} and "too close" in r.verdict
    # negative controls: the published recipes (ganhacks' edge 0.7/0.3, two-sided 0.9/0.1) stay warnings
    for real_target, fake_target in ((0.7, 0.3), (0.9, 0.1)):
        ok = audit(_bce_targets(real_target, fake_target), **FAST)
        assert ok.exit_code == 0 and "degenerate_targets" not in {f.code for f in ok.findings}


def softmax_gan_d(real, fake):  # Lin 2017, Softmax GAN: softmax of −D over the batch, targets 1/n on real
    return -F.log_softmax(-torch.cat([real, fake]), 0)[: real.shape[0]].mean()


def softmax_gan_g(real, fake):  # Lin 2017: targets 1/(2n) on every sample
    return -F.log_softmax(-torch.cat([real, fake]), 0).mean()


def test_softmax_gan_is_recognised_with_its_optimum_and_generator():
    """Regression (review finding 8): Lin 2017's softmax GAN got "FIX: not separable", exit 1."""
    r = audit(softmax_gan_d, softmax_gan_g, **FAST)
    assert (r.discriminator.family, r.discriminator.convention, r.exit_code) == ("softmax", "real_low", 0)
    note = next(f.message for f in r.findings if f.code == "softmax")
    assert "D* = −log(p/(p+q)) + C" in note and "KL" in note and "1704.06191" in note
    assert (r.generator.kind, r.pairing, r.generator.fixed_point) == ("other", "consistent", True)
    # the same game written on logits that score real high (softmax of +D)
    high = audit(lambda real, fake: -F.log_softmax(torch.cat([real, fake]), 0)[: real.shape[0]].mean(), **FAST)
    assert (high.discriminator.family, high.discriminator.convention, high.exit_code) == ("softmax", "real_high", 0)
    # negative controls: the generator with the wrong sign is an error; a product coupling is no softmax GAN
    bad = audit(softmax_gan_d, lambda real, fake: -softmax_gan_g(real, fake), **FAST)
    assert (bad.pairing, bad.exit_code) == ("inconsistent", 1)
    other = audit(lambda r, f: -F.log_softmax(-torch.cat([r, f * f]), 0)[: r.shape[0]].mean(), **FAST)
    assert (other.discriminator.family, other.exit_code) == ("unrecognised", 1)
