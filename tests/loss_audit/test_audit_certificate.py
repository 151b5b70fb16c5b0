"""The sympy certificate: the traced loss against the sympy terms of its row of gantheory.losses."""

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
