"""Family fits, signatures and generator kinds: each classifier rejects its nearest neighbour, and the
vocabulary is the rows of gantheory.losses (derived here, never listed by hand)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

torch = pytest.importorskip("torch")
F = torch.nn.functional

import gantheory.loss_audit as loss_audit  # noqa: E402
from gantheory.loss_audit import FAMILIES, GENERATOR_KINDS, audit  # noqa: E402
from gantheory.loss_audit import families as families_module  # noqa: E402
from gantheory.loss_audit.corpus import CORPUS  # noqa: E402
from gantheory.loss_audit.families import (  # noqa: E402
    SIGNATURES,
    SLIPS,
    UNBOUNDED_FAMILY,
    UNBOUNDED_ROW,
)
from gantheory.losses import (  # noqa: E402
    GENERATORS,
    LOSSES,
    AuditNote,
    GeneratorLoss,
    Linearisation,
    Loss,
    TermSignature,
)

FAST = {"divergence": False, "symbolic": False}
PARAM_ATOL = 1e-6  # = families.FIT_ATOL: the resolution of the family fits


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
    assert d.params["weight"] == pytest.approx(1.01, abs=PARAM_ATOL)  # the JSON contract's name


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
    swapped = _family(lambda r, f: F.softplus(r).mean() + F.softplus(-f).mean())
    assert (swapped.family, swapped.convention) == ("standard", "real_low")


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


# -- the vocabulary is the registry's --------------------------------------------------------------
def test_families_and_kinds_are_the_rows():
    assert set(FAMILIES) == {row.audit_family for row in LOSSES.values() if not row.mirror_of} | {"unrecognised"}
    assert {"wasserstein", "relativistic", "energy", "drift"} <= set(FAMILIES)
    assert UNBOUNDED_FAMILY in LOSSES
    assert set(GENERATOR_KINDS) == set(GENERATORS) | {"other"}


# Class weights 1 : 1 (the row's defaults) are the standard game: the check needs unequal weights.
_PARAMS = {"class_weighted": {"weight_real": 1.0, "weight_fake": 2.0}}


@pytest.mark.parametrize("name", sorted(n for n in LOSSES if n != UNBOUNDED_ROW))
def test_every_row_is_recognised_from_its_own_torch_terms(name):
    """A loss built from a row's torch terms is diagnosed as that row, with the row's parameters."""
    row = LOSSES[name]
    params = row.bind(_PARAMS.get(name))
    real, fake = row.terms("torch", **params)
    if row.coupling == "relativistic":  # the paired form for RSGAN, the averaged one for the RaGAN rows
        if name == "relativistic_standard":
            d = _family(lambda r, f: real(r - f).mean())
        else:
            d = _family(lambda r, f: real(r - f.mean()).mean() + fake(f - r.mean()).mean())
        assert (d.family, d.params) == ("relativistic", {"variant": name.removeprefix("relativistic_")})
        return
    if row.coupling == "softmax":  # the per-sample real term plus the batch's one log-partition (Lin 2017)
        d = _family(lambda r, f: real(r).mean() + torch.logsumexp(-torch.cat([r, f]), 0))
        assert (d.family, d.params, d.convention) == ("softmax", {}, "real_low")
        return
    d = _family(lambda r, f: real(r).mean() + fake(f).mean())
    if row.mirror_of:  # the swapped labels: the mirrored game, reported with real scored low
        assert (d.family, d.convention) == (row.mirror_of, "real_low")
        return
    assert d.family == name
    fitted = {k: v for k, v in d.params.items() if k in row.params}
    assert fitted == {k: pytest.approx(params[k], abs=PARAM_ATOL) for k in fitted}
    assert set(fitted) == {k for k in row.params if k != "c"}  # c is the generator's target


def test_unbounded_row_is_its_own_wasserstein_family_in_either_convention():
    real, fake = LOSSES[UNBOUNDED_ROW].terms("torch")
    d = _family(lambda r, f: real(r).mean() + fake(f).mean())
    assert (d.family, d.params, d.convention) == ("wasserstein", {}, "real_high")
    low = _family(lambda r, f: r.mean() - f.mean())  # the original WGAN code scores real samples low
    assert (low.family, low.convention) == ("wasserstein", "real_low")
    # negative control: unbounded but not linear (the negated cross-entropy) is no Wasserstein critic
    assert _family(lambda r, f: -(F.softplus(-r).mean() + F.softplus(f).mean())).family == "unrecognised"


# generators judged with their own game: EBGAN's energy generator with an energy critic; the relativistic
# generator takes (real, fake) and is tested with the relativistic critics (tests/loss_audit/test_audit_real.py)
_GAME_OF = {"energy": lambda r, f: r.mean() + F.relu(1.0 - f).mean()}


@pytest.mark.parametrize("kind", sorted(set(GENERATORS) - {"relativistic"}))
def test_every_generator_row_is_recognised(kind):
    row = GENERATORS[kind]
    d = _GAME_OF.get(kind, CORPUS["softplus"].d_loss)
    g = audit(d, lambda f: row(f, "torch").mean(), **FAST).generator
    assert g.kind == kind


def test_corpus_parameters_use_the_rows_spellings(corpus_reports):
    """Every fitted parameter is a parameter of its row (plus the audit's flags), so one spelling."""
    extra = {"unbounded", "log_weight_ratio", "weight", "inverse_epsilon"}
    for name, report in corpus_reports.items():
        d = report.discriminator
        row = families_module.row_of(d.family, d.params)
        if row is not None and d.family != "relativistic":
            assert set(d.params) - extra <= set(row.params), name


def test_signatures_are_the_rows_with_a_term_signature(monkeypatch):
    """The signatures are read from the rows on access: a row with a TermSignature added later is matched
    by its terms (here a hinge with margin 2, which the hinge row's margin-1 signature does not match)."""
    assert set(SIGNATURES) - {s.name for s in SLIPS} == {n for n, row in LOSSES.items() if row.signature}
    row = dataclasses.replace(LOSSES["hinge"], name="wide_hinge", params={"margin": 2.0}, signature=TermSignature())
    loss = CORPUS["hinge"].d_loss
    wide = lambda r, f: F.relu(2 - r).mean() + F.relu(2 + f).mean()  # noqa: E731
    assert _family(wide).signature is None  # negative control
    monkeypatch.setitem(LOSSES, "wide_hinge", row)
    assert "wide_hinge" in families_module.SIGNATURES
    assert _family(wide).signature == "wide_hinge" and _family(loss).signature == "hinge"


def test_slips_are_distinct_from_every_row():
    assert {s.name for s in SLIPS}.isdisjoint(LOSSES)
    assert all(s.code is not None for s in SLIPS)
    assert set(SIGNATURES) - {s.name for s in SLIPS} <= set(LOSSES)


# -- a family is one row: a row added at test time is recognised, with its parameters ----------------
def _tempered(linearisation):
    """Cross-entropy on a/τ: softplus(−a/τ) on real, softplus(a/τ) on fake, so a* = τ·logit(p/(p+q)) — no
    row of LOSSES has this optimum (τ = 1 is the standard game)."""
    return Loss("tempered", "Cross-entropy at temperature τ", "softplus(−a/τ) on real, softplus(a/τ) on fake",
                "a test row", real=lambda a, o, temperature: o.softplus(-a / temperature),
                fake=lambda a, o, temperature: o.softplus(a / temperature),
                optimum_fn=lambda lp, lq, temperature: temperature * (lp - lq), params={"temperature": 1.0},
                optimum_formula="a* = τ·logit(p/(p+q))", linearisation=linearisation)


TEMPERED = {
    # no linearisation: the audit fits the row's optimum numerically from its defaults
    "numerical": _tempered(None),
    # a* = τ·logit t: linear in τ in the raw output
    "linearised": _tempered(Linearisation(coordinates=("temperature",), basis=lambda t: (np.log(t) - np.log1p(-t),),
                                          evidence="a* = {temperature:.6g}·logit(p/(p+q))")),
}


def _tempered_loss(temperature):
    real, fake = TEMPERED["numerical"].terms("torch", temperature=temperature)
    return lambda r, f: real(r).mean() + fake(f).mean()


@pytest.mark.parametrize("temperature", [0.5, 3.0])
@pytest.mark.parametrize("declaration", sorted(TEMPERED))
def test_a_row_added_to_losses_is_recognised_with_its_parameters(monkeypatch, declaration, temperature):
    assert _family(_tempered_loss(temperature)).family == "unrecognised"  # negative control: no such row yet
    monkeypatch.setitem(LOSSES, "tempered", TEMPERED[declaration])
    d = _family(_tempered_loss(temperature))
    assert d.family == "tempered"
    assert d.params == {"temperature": pytest.approx(temperature, abs=PARAM_ATOL)}
    assert f"{temperature:g}" in d.evidence
    # precedence: τ = 1 is the standard game, and the parameter-free row still wins
    assert _family(_tempered_loss(1.0)).family == "standard"
    # a loss that matches no row, old or new, is still unrecognised
    assert _family(lambda r, f: F.relu(1 - r).mean() + F.relu(2 + f).mean()).family == "unrecognised"


@pytest.mark.parametrize("declaration", sorted(TEMPERED))
def test_a_row_added_to_losses_gets_a_clean_audit(monkeypatch, declaration):
    """A family is one row: with the row added (and nothing else), the whole audit — the family fit, the
    diagnosis, the sympy certificate, the generator's fixed point — gives a clean verdict, and the row is
    listed in the audit's vocabulary."""
    loss, g_loss = _tempered_loss(3.0), CORPUS["softplus"].g_loss
    before = audit(loss, g_loss, divergence=False)
    assert before.exit_code == 1 and "unrecognised" in {f.code for f in before.findings}  # negative control
    assert "tempered" not in loss_audit.FAMILIES
    monkeypatch.setitem(LOSSES, "tempered", TEMPERED[declaration])
    assert "tempered" in loss_audit.FAMILIES and "tempered" in families_module.FAMILIES
    report = audit(loss, g_loss, divergence=False)
    codes = {f.code for f in report.findings}
    assert report.exit_code == 0, report.verdict
    assert report.verdict.startswith("OK: a tempered GAN"), report.verdict
    assert not {f for f in report.findings if f.severity != "info"}, report.findings
    assert "unrecognised" not in codes and "tempered" in codes  # the row's default note
    assert report.discriminator.certificate["status"] == "equal", report.discriminator.certificate
    assert report.generator.fixed_point is True


def test_a_row_can_carry_its_own_audit_note_and_pairing(monkeypatch):
    """The diagnosis iterates the rows: a row's AuditNote is its finding, its pairings its generator notes."""
    row = dataclasses.replace(TEMPERED["linearised"],
                              audit=(AuditNote("warning", "tempered_logits", lambda k: f"tempered at {k['temperature']:g}"),),
                              pairings=(AuditNote("info", "tempered_pair", lambda k: "paired", generator="non_saturating"),))
    monkeypatch.setitem(LOSSES, "tempered", row)
    report = audit(_tempered_loss(3.0), CORPUS["softplus"].g_loss, **FAST)
    found = {f.code: f for f in report.findings}
    assert found["tempered_logits"].severity == "warning" and found["tempered_logits"].message == "tempered at 3"
    assert "tempered_pair" in found and report.exit_code == 0
    assert report.verdict.startswith("CHECK: tempered at 3")
    # the pairing is the generator kind's: with another kind it is not reported
    other = audit(_tempered_loss(3.0), CORPUS["minimax_generator"].g_loss, **FAST)
    assert "tempered_pair" not in {f.code for f in other.findings}



@pytest.mark.parametrize("params,family,convention", [({"alpha": 1.0, "beta": 0.0}, "standard", "real_high"),
                                                     ({"alpha": 0.0, "beta": 1.0}, "standard", "real_low")])
def test_parameter_free_rows_win_over_the_parametrised_rows_that_contain_them(params, family, convention):
    real, fake = LOSSES["label_smoothing"].terms("torch", **params)
    d = _family(lambda r, f: real(r).mean() + fake(f).mean())
    assert (d.family, d.params, d.convention) == (family, {}, convention)


def test_a_generator_row_added_to_generators_is_recognised(monkeypatch):
    """exp(−a) (a boosting-style generator loss) is no catalogued kind until it is a row of GENERATORS."""
    d, g = CORPUS["softplus"].d_loss, (lambda f: 0.5 * torch.exp(-f).mean() + 3.0)
    assert audit(d, g, **FAST).generator.kind == "other"  # negative control: no such row yet
    monkeypatch.setitem(GENERATORS, "exponential", GeneratorLoss("exponential", lambda a, o: o.exp(-a), "exp(−a)",
                                                                 "a test row"))
    fit = audit(d, g, **FAST).generator
    assert (fit.kind, fit.params) == ("exponential", {"scale": pytest.approx(0.5, abs=PARAM_ATOL)})
    # the existing kinds keep their precedence over the new row
    assert audit(d, lambda f: ((f - 0.3) ** 2).mean(), **FAST).generator.params["c"] == pytest.approx(0.3)


@pytest.mark.parametrize("name", sorted(n for n in LOSSES if n != UNBOUNDED_ROW))
def test_every_rows_report_renders_in_every_format(name):
    """Regression (review finding 2): a relativistic row's string parameter ``variant`` crashed text, Markdown
    and HTML (fmt() on 'standard'). Every row's report renders in every format, its parameters shown."""
    row = LOSSES[name]
    real, fake = row.terms("torch", **row.bind(_PARAMS.get(name)))
    if row.coupling == "relativistic":
        report = audit(lambda r, f: real(r - f.mean()).mean() + fake(f - r.mean()).mean(), **FAST)
    elif row.coupling == "softmax":
        report = audit(lambda r, f: real(r).mean() + torch.logsumexp(-torch.cat([r, f]), 0), **FAST)
    else:
        report = audit(lambda r, f: real(r).mean() + fake(f).mean(), **FAST)
    for text in (report.to_text(), report.to_markdown(), report.to_html(full_page=True), report.to_json()):
        assert report.discriminator.family in text
        for key, value in report.discriminator.params.items():
            assert key in text and (not isinstance(value, str) or value in text)
