"""The certificate: the traced loss against the terms of its row of gantheory.losses, checked at 50 digits
(mpmath, the default) or proved by sympy (``prove=True``); both routes refute the same wrong losses."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")
sp = pytest.importorskip("sympy")
F = torch.nn.functional

from gantheory.loss_audit import audit  # noqa: E402
from gantheory.loss_audit.certificate import F as FAKE  # noqa: E402
from gantheory.loss_audit.certificate import R as REAL  # noqa: E402
from gantheory.loss_audit.certificate import generator_form, textbook_forms  # noqa: E402
from gantheory.loss_audit.corpus import CORPUS  # noqa: E402
from gantheory.losses import GENERATORS, LOSSES  # noqa: E402


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
@pytest.mark.parametrize("prove", [False, True], ids=["checked", "proved"])
def test_symbolic_certificate(name, status, prove):
    c = CORPUS[name]
    cert = audit(c.d_loss, inputs=c.inputs, divergence=False, prove=prove).discriminator.certificate
    assert cert["status"] == status, cert
    assert cert["route"] == ("proved" if prove else "checked")
    if status == "not_equivalent":
        assert cert["counterexample_logit"] is not None
    elif not prove:
        assert cert["method"] == "checked at 50 digits on 45 logits"
    if name == "concatenated_batch":
        assert cert["scales"] == pytest.approx([0.5, 0.5], abs=1e-12)


def test_untraceable_loss_reports_untraced():
    def d_loss(r, f):
        if r.sum() > 0:  # data-dependent control flow: torch.fx cannot trace it
            return F.softplus(-r).mean() + F.softplus(f).mean()
        return F.softplus(-r).mean() + F.softplus(f).mean()

    cert = audit(d_loss, divergence=False).discriminator.certificate
    assert cert["status"] == "untraced"


_FAMILY_PARAMS = {"standard": {}, "swapped": {}, "label_smoothing": {"alpha": 0.9, "beta": 0.1},
                  "least_squares": {"a": -1.0, "b": 1.0}, "hinge": {"margin": 2.0, "unbounded": False},
                  "class_weighted": {"weight_real": 1.0, "weight_fake": 2.0}}


@pytest.mark.parametrize("family", sorted(_FAMILY_PARAMS))
def test_textbook_forms_are_the_rows_terms(family):
    """The sympy form of each family, lambdified, equals its row's numpy terms (class weights are the
    certificate's per-term scales, so the class-weighted form is the cross-entropy's)."""
    assert family in LOSSES
    params = _FAMILY_PARAMS[family]
    tr, tf, _ = textbook_forms(family, params)
    row = LOSSES["standard" if family == "class_weighted" else family]
    real, fake = row.terms("numpy", **{k: v for k, v in params.items() if k in row.params})
    a = np.linspace(-6.0, 6.0, 13)
    np.testing.assert_allclose(sp.lambdify(REAL, tr, "numpy")(a), real(a), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(sp.lambdify(FAKE, tf, "numpy")(a), fake(a), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("kind", sorted(GENERATORS))
def test_generator_forms_are_the_rows_terms(kind):
    params = {"c": 0.5} if kind == "least_squares" else {}
    form, _ = generator_form(kind, params)
    a = np.linspace(-6.0, 6.0, 13)
    np.testing.assert_allclose(sp.lambdify(FAKE, form, "numpy")(a), GENERATORS[kind](a, **params),
                               rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("family", sorted(_FAMILY_PARAMS))
def test_mpmath_forms_are_the_rows_terms(family):
    """The checked route's forms (the rows' terms on mpmath numbers) equal the rows' numpy terms."""
    import mpmath as mp

    params = _FAMILY_PARAMS[family]
    with mp.workdps(50):
        tr, tf, _ = textbook_forms(family, params, route="mpmath")
        a = np.linspace(-6.0, 6.0, 13)
        row = LOSSES["standard" if family == "class_weighted" else family]
        real, fake = row.terms("numpy", **{k: v for k, v in params.items() if k in row.params})
        np.testing.assert_allclose([float(tr(mp.mpf(x))) for x in a], real(a), rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose([float(tf(mp.mpf(x))) for x in a], fake(a), rtol=1e-12, atol=1e-12)


def _softplus_loss(eps_r=0.0):
    def d_loss(r, f):
        return (F.softplus(-r) + eps_r * r**2).mean() + F.softplus(f).mean()
    return d_loss


@pytest.mark.parametrize("prove", [False, True], ids=["checked", "proved"])
def test_a_difference_of_1e_15_is_refuted_with_a_counterexample(prove):
    """Negative control: the textbook loss plus 1e-15·r² (invisible in float64 at most logits) is not the
    textbook loss; both routes refute it and name a logit."""
    from gantheory.loss_audit.certificate import certify_discriminator

    cert = certify_discriminator(_softplus_loss(1e-15), "logits", "standard", {}, prove=prove)
    assert cert.status == "not_equivalent" and cert.counterexample is not None, cert
    clean = certify_discriminator(_softplus_loss(), "logits", "standard", {}, prove=prove)
    assert clean.status == "equal", clean


def test_checked_route_refutes_a_reversed_term_at_its_secant():
    """A term entering with a negative scale (−softplus(−r)) is refuted at the logit of its secant."""
    from gantheory.loss_audit.certificate import certify_discriminator

    cert = certify_discriminator(lambda r, f: -F.softplus(-r).mean() + F.softplus(f).mean(), "logits", "standard", {})
    assert cert.status == "not_equivalent" and cert.counterexample == 1.75, cert
    assert "non-positive scale" in cert.detail


def test_checked_route_refutes_a_loss_undefined_where_the_form_is_not():
    """log of a logit (undefined for negative logits) is no textbook term: refuted where it is not real."""
    from gantheory.loss_audit.certificate import certify_generator

    cert = certify_generator(lambda f: torch.log(f).mean(), "logits", "non_saturating", {})
    assert cert.status == "not_equivalent" and cert.counterexample is not None and cert.counterexample <= 0, cert


def test_checked_route_reports_the_traced_expression_and_scales():
    from gantheory.loss_audit.certificate import certify_discriminator

    cert = certify_discriminator(lambda r, f: 3 * F.softplus(-r).mean() + F.softplus(f).mean() + 0.5, "logits",
                                 "standard", {})
    assert (cert.status, cert.scales, cert.route) == ("equal_up_to_scale", (3.0, 1.0), "checked")
    assert cert.constant == pytest.approx(0.5, abs=1e-15)
    assert cert.expression == "3 * softplus(-r) + softplus(f) + 1/2"


# -- review findings (r3) ---------------------------------------------------------------------------
def _d_clamp10(real, fake):
    real, fake = real.clamp(-10, 10), fake.clamp(-10, 10)
    return F.softplus(-real).mean() + F.softplus(fake).mean()


def _g_clamp65(fake):
    return F.softplus(-fake.clamp(-6.5, 6.5)).mean()


def _d_softplus(real, fake):
    return F.softplus(-real).mean() + F.softplus(fake).mean()


@pytest.mark.parametrize("prove", [False, True], ids=["checked", "proved"])
def test_a_clamp_beyond_the_near_probes_is_refuted_at_a_far_logit(prove):
    # Regression (review r3): clamps at ±10 and ±6.5 act only outside [−5.25, 5.75] and were certified
    # "equal"; the far logits (±9.5, ±14.75, ±30.25) refute them. The unclamped loss stays "equal" (control).
    from gantheory.loss_audit.certificate import FAR, certify_discriminator, certify_generator

    d = certify_discriminator(_d_clamp10, "logits", "standard", {}, prove=prove)
    assert d.status == "not_equivalent" and d.counterexample is not None and abs(d.counterexample) > 10, d
    g = certify_generator(_g_clamp65, "logits", "non_saturating", {}, prove=prove)
    assert g.status == "not_equivalent" and abs(g.counterexample) > 6.5, g
    assert {float(x) for x in FAR} >= {-30.25, 30.25}
    assert certify_discriminator(_d_softplus, "logits", "standard", {}, prove=prove).status == "equal"
    assert certify_generator(lambda fake: F.softplus(-fake).mean(), "logits", "non_saturating", {},
                             prove=prove).status == "equal"


def _bce(x, target):
    return F.binary_cross_entropy_with_logits(x, torch.full_like(x, target))


@pytest.mark.parametrize("prove", [False, True], ids=["checked", "proved"])
def test_a_real_low_critic_is_certified_against_the_mirrored_terms(prove):
    # Regression (review r3): d = bce(real, 0) + bce(fake, 1), g = bce(fake, 0) were both "not equivalent"
    # with made-up scales; against the terms at a ↦ −a they are the textbook loss. A mirrored loss that
    # differs by 1e-9·(clamp(r, ±10) − r) is still refuted at a far logit (negative control).
    def d(real, fake):
        return _bce(real, 0.0) + _bce(fake, 1.0)

    def g(fake):
        return _bce(fake, 0.0)

    report = audit(d, g, divergence=False, prove=prove)
    assert report.discriminator.convention == "real_low"
    assert report.discriminator.certificate["status"] == "equal", report.discriminator.certificate
    assert report.generator.certificate["status"] == "equal", report.generator.certificate
    assert "symbolic_mismatch" not in {f.code for f in report.findings}

    def wrong(real, fake):
        return d(real, fake) + 1e-9 * (real.clamp(-10, 10) - real).mean()

    bad = audit(wrong, divergence=False, prove=prove)
    assert bad.discriminator.certificate["status"] == "not_equivalent", bad.discriminator.certificate
    assert bad.discriminator.certificate["counterexample_logit"] is not None
    assert "symbolic_mismatch" in {f.code for f in bad.findings}


def test_a_loss_of_the_batch_mean_gets_no_certificate_of_its_per_sample_form():
    # Regression (review r3): (mean(r) − 1)² + mean(f)² was certified "equal" to LSGAN on one-element batches
    # while the same report warned it is not per-sample; the certificate is now not attempted, saying why.
    # Control: the per-sample LSGAN loss is still certified.
    def d_mean(real, fake):
        return (real.mean() - 1) ** 2 + fake.mean() ** 2

    def g_mean(fake):
        return (fake.mean() - 1) ** 2

    report = audit(d_mean, g_mean, divergence=False)
    codes = {f.code for f in report.findings}
    assert {"not_per_sample", "generator_not_per_sample"} <= codes
    for cert in (report.discriminator.certificate, report.generator.certificate):
        assert cert["status"] == "untraced" and "not an average of per-sample terms" in cert["detail"], cert
    ok = audit(lambda real, fake: ((real - 1) ** 2).mean() + (fake ** 2).mean(), lambda fake: ((fake - 1) ** 2).mean(),
               divergence=False)
    assert ok.discriminator.certificate["status"] == "equal" and ok.generator.certificate["status"] == "equal"


def test_refutation_prints_the_constant_with_its_sign():
    """A loss with ε = 1e-8 inside its logs: the fitted constant is negative, and the detail reads
    "textbook + 9.5e-10", not "textbook − -9.5e-10" (review r3)."""
    import torch

    from gantheory.loss_audit.certificate import certify_discriminator

    def d_loss(r, f):
        return -(torch.log(torch.sigmoid(r) + 1e-8) + torch.log(1 - torch.sigmoid(f) + 1e-8)).mean()

    cert = certify_discriminator(d_loss, "logits", "standard", {})
    assert cert.status == "not_equivalent", cert
    assert "− -" not in cert.detail and "textbook + " in cert.detail, cert.detail
