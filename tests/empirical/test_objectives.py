"""The trainer's losses are rows of gantheory.losses.LOSSES (gantheory.empirical.objectives)."""

from __future__ import annotations

import math

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from gantheory.densities import Normal  # noqa: E402
from gantheory.empirical import train_discriminator  # noqa: E402
from gantheory.empirical.objectives import LOSS_ALIASES, LOSS_NAMES, training_loss  # noqa: E402
from gantheory.errors import GanTheoryError  # noqa: E402
from gantheory.losses import LOSSES  # noqa: E402

P, Q = Normal(0.0, 1.0), Normal(2.0, 1.0)
SPELLINGS = {"bce": {}, "soft_bce": {"targets": (0.9, 0.1)}, "least_squares": {"lsgan": (-1.0, 1.0)}}


@pytest.mark.parametrize("alias", sorted(LOSS_ALIASES))
def test_every_name_resolves_to_its_row(alias):
    row = LOSS_ALIASES[alias]
    assert training_loss(alias).row is LOSSES[row] and training_loss(row).row is LOSSES[row]
    assert alias in LOSS_NAMES and row in LOSS_NAMES


def test_unknown_loss_suggests_the_nearest_name():
    with pytest.raises(GanTheoryError, match="soft_bce"):
        training_loss("soft_bc")


@pytest.mark.parametrize("alias", sorted(SPELLINGS))
def test_the_row_name_trains_exactly_like_the_historical_spelling(alias):
    kwargs = dict(n_samples=512, device="cpu", **SPELLINGS[alias])
    old = train_discriminator(P, Q, loss=alias, **kwargs)
    new = train_discriminator(P, Q, loss=LOSS_ALIASES[alias], **kwargs)
    # The same computation; LAPACK's least squares (gelsy) repeats itself only to rounding.
    np.testing.assert_allclose(old.params[0], new.params[0], rtol=1e-10, atol=1e-12)
    assert old.passed == new.passed
    assert old.sup_error == pytest.approx(new.sup_error, rel=1e-9)
    assert old.objective == alias and new.objective == LOSS_ALIASES[alias]  # results record the name as given
    assert old.training_loss.row is new.training_loss.row


@pytest.mark.parametrize("alias", sorted(SPELLINGS))
def test_torch_terms_match_the_rows_numpy_terms(alias):
    spec = training_loss(alias, **SPELLINGS[alias])
    a = np.linspace(-30.0, 30.0, 121)
    real_np, fake_np = spec.row.terms("numpy", **spec.params)
    pooled = spec.torch_loss()(torch.as_tensor(a[None]), torch.as_tensor(a[None]))
    # softplus: torch's and numpy's forms agree to rounding (torch's linear branch above 20 is exact to e^-20).
    assert float(pooled[0]) == pytest.approx(spec.scale * float(np.sum(real_np(a) + fake_np(a))) / a.size, rel=1e-9)


def test_labels_are_the_optimum_where_one_density_vanishes():
    """The (real, fake) labels of the M-estimator are the row's optimum at q = 0 and at p = 0 (output scale)."""
    for alias, kwargs in SPELLINGS.items():
        spec = training_loss(alias, **kwargs)
        at_real, at_fake = (float(spec.to_output(spec.optimum(lp, lq))) for lp, lq in ((0.0, -np.inf), (-np.inf, 0.0)))
        assert (at_real, at_fake) == pytest.approx(spec.labels, abs=1e-15)


def test_one_sided_smoothing_has_no_nan_where_p_vanishes():
    """β = 0 where p has no mass: a* = −∞ and β·softplus(−a*) = 0·∞ must count as 0 (not NaN)."""
    spec = training_loss("soft_bce", targets=(0.9, 0.0))
    lp, lq = np.array([-np.inf]), np.array([0.0])
    a_star = spec.optimum(lp, lq)
    assert a_star[0] == -np.inf
    assert spec.row.objective(a_star, lp, lq, **spec.params)[0] == 0.0
    held = spec.heldout_value(torch.tensor([[0.0]]), torch.tensor([[-math.inf]]))
    assert torch.isfinite(held).all()


def test_the_prior_shift_enters_as_log_n_over_m():
    spec = training_loss("bce")
    assert float(spec.optimum(math.log(0.3), math.log(0.1), n=4, m=1)) == pytest.approx(math.log(3.0) + math.log(4.0))
