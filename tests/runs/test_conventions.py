"""Conventions: every LOSSES row with a value inverts to its divergence bound; rows without one are refused
or read as a linear critic (W1). Golden values: quadrature (certified) of the row's divergence."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gantheory.densities import Normal
from gantheory.errors import GanTheoryError
from gantheory.losses import LOSSES
from gantheory.quadrature import f_divergence, integrate
from gantheory.runs import resolve_convention
from gantheory.runs.conventions import linear_critic_row

# every separable row with a value at the optimum (rows added to LOSSES later are picked up)
ROWS_WITH_VALUE = sorted(n for n, r in LOSSES.items()
                         if r.value is not None and getattr(r, "coupling", "separable") == "separable")
LINEAR = linear_critic_row()


@pytest.mark.parametrize("name", ROWS_WITH_VALUE)
def test_bound_at_the_optimum_is_the_divergence(name):
    """At D = D*, L(D*) = c + s·𝒟, so the bound (c − L)/|s| recovers 𝒟 exactly (quadrature of the row's
    own objective against quadrature of the divergence; 1e-8: two certified integrals)."""
    conv = resolve_convention(name)
    # q lighter-tailed than p, so every row's divergence is finite (Neyman's χ² = ∫ (p − q)²/p included)
    p, q = Normal(0.0, 1.5), Normal(0.5, 1.0)
    row = conv.row

    def integrand(x, lp, lq):
        return row.objective(row.optimum(lp, lq, **conv.params), lp, lq, **conv.params)

    value = float(integrate(integrand, p, q).value)
    truth = float(f_divergence(p, q, conv.divergence).value)
    assert float(conv.bound(value)) == pytest.approx(truth, abs=1e-8)
    # negative control: a constant discriminator (the equilibrium) gives the trivial bound 0, far below
    assert float(conv.bound(conv.equilibrium)) == 0.0 < truth - 1e-3


def test_clip_interval_is_the_optimum_range_inside_the_domain():
    """Least squares [a, b], hinge [−m, m], EBGAN [0, m] (energies ≥ 0); logits ±M; thresholds a* at p = q."""
    assert resolve_convention("least_squares").clip == (-1.0, 1.0)
    assert resolve_convention("hinge", {"margin": 2.0}).clip == (-2.0, 2.0)
    assert resolve_convention("standard", logit_clip=7.0).clip == (-7.0, 7.0)
    if "energy" in LOSSES:
        e = resolve_convention("energy")
        assert e.clip == (0.0, 1.0) and e.threshold == 0.5 and e.orientation == -1.0
    assert resolve_convention("swapped").orientation == -1.0


def test_standard_relation_and_equilibria():
    """JSD ≥ (log 4 − L)/2; summed BCE equilibrium 2 log 2, hinge 2, LSGAN(−1, 1) 2 (the issue's table)."""
    std = resolve_convention("standard")
    assert (std.divergence, std.offset, std.scale) == ("js", math.log(4.0), -2.0)
    assert resolve_convention("hinge").equilibrium == 2.0
    assert resolve_convention("least_squares", {"a": 0.0, "b": 1.0}).equilibrium == 0.5  # ½ weights: ¼
    assert std.minimum == pytest.approx(0.0, abs=1e-15)


def test_linear_critic_is_w1_with_its_caveat():
    assert LINEAR is not None  # LOSSES keeps a WGAN critic row
    conv = resolve_convention(LINEAR, lipschitz=2.0)
    assert conv.divergence == "w1" and conv.scale == -2.0 and conv.equilibrium == 0.0
    assert "Lipschitz" in conv.caveats[0]


REFUSED = sorted(n for n, r in LOSSES.items() if (r.value is None and n != LINEAR)
                 or getattr(r, "coupling", "separable") != "separable")


@pytest.mark.parametrize("name", REFUSED)
def test_rows_without_a_divergence_value_are_refused(name):
    """Label smoothing, class weighting, relativistic (coupled) rows: no divergence bound from their value."""
    with pytest.raises(GanTheoryError, match="'loss'"):
        resolve_convention(name)


@pytest.mark.parametrize("kw", [{"logit_clip": 0.0}, {"logit_clip": math.inf}, {"lipschitz": -1.0}])
def test_bad_parameters_are_named(kw):
    with pytest.raises(GanTheoryError, match=next(iter(kw))):
        resolve_convention("standard", **kw)


def test_clip_ranges_bound_the_terms():
    """The Hoeffding ranges cover the clipped terms (checked on random outputs)."""
    rng = np.random.default_rng(0)
    for name in [*ROWS_WITH_VALUE, LINEAR]:
        conv = resolve_convention(name)
        r, f = conv.terms(rng.normal(0, 300, 1000), rng.normal(0, 300, 1000), clip=True)
        assert np.ptp(r) <= conv.term_range[0] + 1e-12 and np.ptp(f) <= conv.term_range[1] + 1e-12


def test_report_names_and_range():
    """Review findings 1 and 3: one map to the issue's names; the bound is clamped to [0, 𝒟_max] and an
    estimate beyond 𝒟_max is None (an attainable loss keeps its number: the negative control)."""
    from gantheory.runs.conventions import REPORT_NAMES, report_name

    assert report_name("js") == "jsd" and report_name("total_variation") == "tv" and REPORT_NAMES["triangular"] == "triangular"
    std, hinge = resolve_convention("standard"), resolve_convention("hinge")
    assert (std.report_divergence, hinge.report_divergence, std.to_dict()["divergence"]) == ("jsd", "tv", "jsd")
    assert float(std.bound(-0.5)) == pytest.approx(math.log(2)) and std.estimate(-0.5) is None
    assert float(hinge.bound(-0.5)) == 1.0 and hinge.estimate(-0.5) is None
    assert std.estimate(1.0) == pytest.approx((math.log(4) - 1.0) / 2) and std.estimate(2.0) == 0.0
