"""The one engine: a user's torch loss as pointwise terms, and its implied optimum a*(t)."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")
F = torch.nn.functional

from gantheory.loss_audit.optimum import (  # noqa: E402
    T_GRID,
    discriminator_terms,
    implied_logit,
    solve_optimum,
)
from gantheory.losses import LOSSES  # noqa: E402


def _terms(fn, batch_size=8):
    return discriminator_terms(fn, inputs="logits", batch_size=batch_size)


def test_standard_optimum_is_the_logit_of_t():
    """Bisection on the autograd derivative converges to ~1e-12: a* = log t − log(1 − t) at 1e-9."""
    terms = _terms(lambda r, f: F.softplus(-r).mean() + F.softplus(f).mean())
    opt = solve_optimum(terms, T_GRID)
    np.testing.assert_allclose(opt.a_star, np.log(T_GRID) - np.log1p(-T_GRID), rtol=0, atol=1e-9)
    assert opt.flat_half[0] == pytest.approx(0.0, abs=1e-12) and opt.flat_half[1] == opt.flat_half[0]


@pytest.mark.parametrize("name", ["standard", "label_smoothing", "least_squares", "swapped"])
def test_optimum_matches_the_rows_closed_form(name):
    """The engine reproduces each row's optimum(log p, log q) at t = p/(p+q) (to 1e-8)."""
    row = LOSSES[name]
    real, fake = row.terms("torch")
    terms = _terms(lambda r, f: real(r).mean() + fake(f).mean())
    opt = solve_optimum(terms, T_GRID)
    np.testing.assert_allclose(opt.a_star, row.optimum(np.log(T_GRID), np.log1p(-T_GRID)), rtol=0, atol=1e-8)


def test_unbounded_critic_has_infinite_optimum_and_value():
    terms = _terms(lambda r, f: (-r).mean() + f.mean())
    opt = solve_optimum(terms, np.array([0.2, 0.8]))
    assert list(opt.a_star) == [-np.inf, np.inf]
    assert np.all(opt.value == -np.inf)


def test_implied_logit_clips_and_chunks():
    terms = _terms(lambda r, f: F.softplus(-r).mean() + F.softplus(f).mean(), batch_size=1)
    t = np.array([1e-30, 0.25, 0.5, 0.75, 1.0])
    a = implied_logit(terms, t, bound=30.0, chunk=2)  # three chunks
    np.testing.assert_allclose(a[1:4], [np.log(1 / 3), 0.0, np.log(3.0)], atol=1e-9)
    assert (a[0], a[-1]) == (-30.0, 30.0)
    flat = _terms(lambda r, f: 0.0 * r.mean() + 0.0 * f.mean(), batch_size=1)
    assert implied_logit(flat, np.array([0.3]), bound=30.0)[0] == 0.0  # every logit optimal: 0


def test_terms_are_relative_to_the_loss_at_zero():
    terms = _terms(lambda r, f: F.softplus(-r).mean() + F.softplus(f).mean() + 7.0)
    assert terms.base == pytest.approx(2 * np.log(2.0) + 7.0, abs=1e-12)
    np.testing.assert_allclose(terms.real(np.array([0.0, 1.0])), [0.0, np.log1p(np.exp(-1.0)) - np.log(2.0)],
                               atol=1e-12)
