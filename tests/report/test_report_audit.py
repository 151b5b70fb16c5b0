"""The audit report rendered: text, Markdown, HTML with its inline SVG (gantheory.report.audit)."""

from __future__ import annotations

import pytest

pytest.importorskip("torch")

from gantheory.loss_audit import audit
from gantheory.loss_audit.corpus import CORPUS
from gantheory.report.audit import implied_optimum_svg, to_markdown, to_text


@pytest.fixture(scope="module")
def corpus_reports():
    """Fast audits (no quadrature, no sympy) of the corpus entries rendered here."""
    names = ("double_sigmoid", "hinge", "label_smoothing_0.9", "wgan_unconstrained", "lsgan_minus1_1_0")
    return {n: audit(CORPUS[n].d_loss, CORPUS[n].g_loss, inputs=CORPUS[n].inputs, divergence=False,
                     symbolic=False) for n in names}


def test_markdown_and_html(corpus_reports):
    r = corpus_reports["double_sigmoid"]
    md = r.to_markdown()
    assert "| discriminator | `unrecognised`" in md and "double_sigmoid" in md
    page = r.to_html(full_page=True)
    assert page.startswith("<!DOCTYPE html>") and "<svg" in page and "</html>" in page
    assert "<svg" in corpus_reports["hinge"].to_html()


def test_report_methods_delegate_to_the_renderers(corpus_reports):
    r = corpus_reports["label_smoothing_0.9"]
    assert r.to_markdown() == to_markdown(r) and r.to_text() == to_text(r)
    assert "alpha=0.9" in r.to_text() and r.verdict in r.to_text()


def test_flags_print_as_words(corpus_reports):
    import dataclasses

    r = corpus_reports["wgan_unconstrained"]
    flagged = dataclasses.replace(r, discriminator=dataclasses.replace(r.discriminator,
                                                                       params={"unbounded": True, "margin": None}))
    text = flagged.to_text()
    assert "unbounded=True" in text and "margin=—" in text
    assert "[real_high]" in r.to_text() and "pairing with the discriminator: consistent" in r.to_text()


def test_svg_plots_raw_outputs_for_least_squares(corpus_reports):
    svg = implied_optimum_svg(corpus_reports["lsgan_minus1_1_0"].discriminator)
    assert "a* ∈ [-2, 2]" in svg and svg.count("<circle") == len(
        corpus_reports["lsgan_minus1_1_0"].discriminator.curve["t"])


def test_missing_saturation_gradient_says_what_null_means():
    """Review r4 finding 9: a RaLSGAN generator (AlexiaJM/RelativisticGAN) printed "gradient at saturation:
    nan" (JSON null): now every format says n/a and why (relativistic: no gradient at one fake logit; other
    kinds: not measured). Negative control: a per-sample non-saturating generator keeps its number, −1."""
    import dataclasses
    import math

    import torch

    def d_ralsgan(y_pred, y_pred_fake):  # AlexiaJM/RelativisticGAN, RaLSGAN with y = ones
        y = torch.ones_like(y_pred)
        return (torch.mean((y_pred - torch.mean(y_pred_fake) - y) ** 2)
                + torch.mean((y_pred_fake - torch.mean(y_pred) + y) ** 2)) / 2

    def g_ralsgan(y_pred, y_pred_fake):
        y = torch.ones_like(y_pred)
        return (torch.mean((y_pred - torch.mean(y_pred_fake) + y) ** 2)
                + torch.mean((y_pred_fake - torch.mean(y_pred) - y) ** 2)) / 2

    r = audit(d_ralsgan, g_ralsgan, divergence=False, symbolic=False)
    assert r.generator.kind == "relativistic" and r.to_dict()["generator"]["saturation_gradient"] is None
    for out in (r.to_text(), r.to_markdown(), r.to_html()):
        assert "n/a (a relativistic loss" in out and "null in JSON" in out and "nan" not in out.replace("n/a", "")
    other = dataclasses.replace(r, generator=dataclasses.replace(r.generator, kind="other"))
    assert "n/a (not measured" in other.to_text()
    c = CORPUS["softplus"]
    ok = audit(c.d_loss, c.g_loss, inputs=c.inputs, divergence=False, symbolic=False)
    assert not math.isnan(ok.generator.saturation_gradient)
    assert "gradient at saturation (a = −20): -1;" in ok.to_text() and "n/a" not in ok.to_text()
