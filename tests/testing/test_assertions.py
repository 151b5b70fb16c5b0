"""The loss checker (gantheory.testing.assertions): textbook losses pass, slips fail with a readable
counterexample; its theory is the standard row of gantheory.losses and quadrature's D*.

Tolerances: the checker's own atol (1e-6 on logits and nats) is what these tests assert against.
"""

from __future__ import annotations

import numpy as np
import pytest

from gantheory import Discrete, GanTheoryError, Normal
from gantheory.losses import GENERATORS, LOSSES
from gantheory.testing import GAN_PAIRS
from gantheory.testing.assertions import GENERATOR_LOSSES, assert_loss_matches_theory, check_loss_against_theory

torch = pytest.importorskip("torch")
F = torch.nn.functional


def bce_d(real, fake):
    return -(F.logsigmoid(real).mean() + F.logsigmoid(-fake).mean())


def bce_cat(real, fake):
    return F.binary_cross_entropy_with_logits(torch.cat([real, fake]), torch.cat([torch.ones_like(real), torch.zeros_like(fake)]))


def swapped_d(real, fake):
    return -(F.logsigmoid(-real).mean() + F.logsigmoid(fake).mean())


def ns_g(fake):
    return -F.logsigmoid(fake).mean()


def minimax_g(real, fake):
    return F.logsigmoid(real).mean() + F.logsigmoid(-fake).mean()


@pytest.mark.parametrize("case", ["shifted_normal", "heavy_tailed", "disjoint_uniform", "discrete"])
def test_textbook_losses_match_on_named_pairs(case):
    p, q = GAN_PAIRS[case]
    r = check_loss_against_theory(bce_d, p, q, g_loss=ns_g)
    assert r.ok, r.message
    assert r.loss_value == pytest.approx(-GAN_PAIRS[case].criterion, abs=1e-6)
    r = check_loss_against_theory(None, p, q, g_loss=minimax_g, generator="minimax")
    assert r.ok and r.generator_value == pytest.approx(GAN_PAIRS[case].criterion, abs=1e-6), r.message


def test_swapped_labels_are_reported_with_a_counterexample():
    p, q = GAN_PAIRS["shifted_normal"]
    r = check_loss_against_theory(swapped_d, p, q)
    assert not r.ok
    assert "implies the wrong optimal discriminator" in r.message and "Normal(loc=1.0" in r.message
    assert r.implied_logit == pytest.approx(-r.theory_logit, abs=1e-6)


def test_rescaled_loss_gets_a_hint_and_value_scale_fixes_it():
    p, q = GAN_PAIRS["shifted_normal"]
    r = check_loss_against_theory(bce_cat, p, q)
    assert not r.ok and "value_scale=0.5" in r.message
    assert check_loss_against_theory(bce_cat, p, q, value_scale=0.5).ok


@pytest.mark.parametrize("kwargs, name", [
    ({"generator": "non-saturating"}, "generator"), ({"value_scale": -1.0}, "value_scale"),
])
def test_loss_checker_arguments_are_validated(kwargs, name):
    with pytest.raises(GanTheoryError, match=name):
        check_loss_against_theory(bce_d, Normal(0, 1), Normal(1, 1), **kwargs)


def test_non_scalar_loss_is_a_clear_error():
    with pytest.raises(GanTheoryError, match="scalar"):
        check_loss_against_theory(lambda r, f: r - f, Normal(0, 1), Normal(1, 1))


def test_generator_losses_are_a_view_of_the_generator_rows():
    """One row per generator: the checker's kinds are the standard game's rows of GENERATORS."""
    assert set(GENERATOR_LOSSES) == set(LOSSES["standard"].generators)
    a = np.linspace(-5.0, 5.0, 11)
    for kind, spec in GENERATOR_LOSSES.items():
        np.testing.assert_allclose(spec["fake"](a), GENERATORS[kind](a), rtol=0, atol=0)
        assert spec["reference"] == GENERATORS[kind].reference
    # the minimax objective's E_p term is −ℓ_real of the standard game: log σ(a)
    real, _ = LOSSES["standard"].terms("numpy")
    np.testing.assert_allclose(GENERATOR_LOSSES["minimax"]["real"](a), -real(a), rtol=0, atol=0)


def test_pmf_against_pdf_uses_the_optimal_logit_of_quadrature():
    """A pmf against a pdf: D* = 1 at the atoms (not σ(log pmf − log pdf)), so no optimal-logit point is
    finite, the check says so, and the value check still holds: C(G) = 0 for mutually singular measures."""
    p, q = Discrete([0.0, 1.0, 2.0], [0.2, 0.3, 0.5]), Normal(0.0, 1.0)
    r = check_loss_against_theory(bce_d, p, q)
    assert r.ok, r.message
    assert np.isnan(r.theory_logit) and any("optimal-logit check skipped" in n for n in r.notes)
    assert r.theory_value == pytest.approx(0.0, abs=1e-12)  # log 4 − 2·log 2
    assert r.loss_value == pytest.approx(0.0, abs=1e-6)
    smoothed = check_loss_against_theory(lambda real, fake: F.binary_cross_entropy_with_logits(
        real, torch.full_like(real, 0.9)) + F.softplus(fake).mean(), p, q)
    assert not smoothed.ok and "at its optimum is" in smoothed.message


def test_nan_gradient_is_reported_with_the_fix():
    def nan_gradient(real, fake):  # the value is the textbook loss; √0 makes every gradient NaN
        return bce_d(real, fake) + 0.0 * torch.sqrt(real - real).mean()

    with pytest.raises(AssertionError, match=r"NaN gradient.*logsigmoid"):
        check_loss_against_theory(nan_gradient, Normal(0, 1), Normal(1, 1))


def test_swapped_generator_labels_caught_even_when_every_draw_is_an_identical_pair(monkeypatch):
    """Regression (found by the randomised profile, seed 22): five draws of identical pairs, where
    E_q[−log D*] = E_q[−log(1 − D*)] = log 2, let a generator trained towards label 0 pass. The default
    search now starts with the registry's WITNESS_CASES, so the slip is caught whatever is drawn."""
    import torch
    import torch.nn.functional as F
    from hypothesis import strategies as hst

    from gantheory import Normal
    from gantheory.testing import strategies

    def swapped(fake):
        return F.binary_cross_entropy_with_logits(fake, torch.zeros_like(fake))

    identical = hst.just((Normal(0.0, 1.0), Normal(0.0, 1.0)))
    # negative control: on identical pairs alone the slip is invisible (the two values agree)
    assert_loss_matches_theory(None, swapped, pairs=identical, max_examples=2)
    monkeypatch.setattr(strategies, "density_pairs", lambda *a, **k: identical)
    with pytest.raises(AssertionError, match="evaluated at the optimal discriminator"):
        assert_loss_matches_theory(None, swapped, max_examples=2)
