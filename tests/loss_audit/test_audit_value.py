"""The value at the optimum: min_D L_D on the Gaussian cases regressed on the divergence table.

Values come from quadrature (1e-10) of a spline of m(t) (~1e-8): slopes and intercepts compare at 1e-6.
"""

from __future__ import annotations

import math

import pytest

torch = pytest.importorskip("torch")

from gantheory.cases import CASES  # noqa: E402
from gantheory.divergences import DIVERGENCES  # noqa: E402
from gantheory.loss_audit import audit  # noqa: E402
from gantheory.loss_audit.corpus import CORPUS  # noqa: E402
from gantheory.loss_audit.value import CANDIDATES, PAIRS, gaussian_pairs  # noqa: E402
from gantheory.losses import LOSSES  # noqa: E402


@pytest.mark.parametrize("name, divergence, slope, intercept", [
    ("softplus", "js", -2.0, math.log(4.0)),            # log 4 − 2 JSD (Goodfellow et al. 2014)
    ("concatenated_batch", "js", -1.0, math.log(2.0)),  # half of it: batch weighting absorbed
    ("lsgan_minus1_1_0", "triangular", -0.5, 1.0),      # ½ t(1−t)(b−a)² integrated: 1 − Δ/2
    ("hinge", "total_variation", -2.0, 2.0),            # 2 min(p, q): 2 − 2 TV (Lim & Ye 2017)
    ("missing_log", "total_variation", -1.0, -1.0),
])
def test_value_at_optimum_identified(name, divergence, slope, intercept):
    c = CORPUS[name]
    v = audit(c.d_loss, inputs=c.inputs, symbolic=False).discriminator.value
    assert v["divergence"] == divergence, v["statement"]
    assert v["slope"] == pytest.approx(slope, abs=1e-6)
    assert v["intercept"] == pytest.approx(intercept, abs=1e-6)


@pytest.mark.parametrize("name", ["standard", "least_squares", "hinge"])
def test_value_agrees_with_the_rows_value_at_optimum(name):
    """The audit's identification reproduces ``LOSSES[name].value`` (divergence, scale, offset)."""
    row = LOSSES[name]
    real, fake = row.terms("torch")
    v = audit(lambda r, f: real(r).mean() + fake(f).mean(), symbolic=False).discriminator.value
    assert v["divergence"] == row.value.divergence
    assert v["slope"] == pytest.approx(row.value.scale(row.params), abs=1e-6)
    assert v["intercept"] == pytest.approx(row.value.offset(row.params), abs=1e-6)


def test_squared_hellinger_uses_the_tables_convention():
    """min_a p e^{−a/2} + q e^{a/2} = 2√(pq), so min L_D = 2 − H² with H² = ∫(√p − √q)² (no ½):
    slope −1 on the table's H² (it was −2 on the ½-convention the audit used to keep)."""
    v = audit(lambda r, f: torch.exp(-r / 2).mean() + torch.exp(f / 2).mean(), symbolic=False).discriminator.value
    assert v["divergence"] == "squared_hellinger", v["statement"]
    assert (v["slope"], v["intercept"]) == (pytest.approx(-1.0, abs=1e-6), pytest.approx(2.0, abs=1e-6))


def test_label_smoothing_value_is_not_affine_in_jsd():
    c = CORPUS["label_smoothing_0.9"]
    v = audit(c.d_loss, symbolic=False).discriminator.value
    assert v["divergence"] is None and v["relative_residual"] > 1e-3


def test_unbounded_critic_has_no_finite_value():
    v = audit(CORPUS["wgan_unconstrained"].d_loss, symbolic=False).discriminator.value
    assert v["divergence"] is None and "Lipschitz" in v["statement"]


def test_pairs_and_candidates_come_from_the_registries():
    assert set(CANDIDATES) <= set(DIVERGENCES)
    p, q = gaussian_pairs()
    assert p.batch_shape == q.batch_shape == (len(PAIRS),)
    for i, name in enumerate(PAIRS):
        case = CASES[name]
        assert (float(p.loc[i]), float(p.scale[i])) == (float(case.p.loc), float(case.p.scale))
        assert (float(q.loc[i]), float(q.scale[i])) == (float(case.q.loc), float(case.q.scale))


def test_cubic_hermite_matches_scipy_including_extrapolation():
    """The numpy Hermite interpolant (scipy.interpolate costs the CLI ~0.4 s to import) against scipy's own."""
    import numpy as np
    from scipy.interpolate import CubicHermiteSpline

    from gantheory.loss_audit.value import _cubic_hermite

    rng = np.random.default_rng(3)
    x = np.sort(rng.uniform(-30.0, 0.0, 40))
    y, dy = rng.normal(size=40), rng.normal(size=40)
    u = np.concatenate([np.linspace(-31.0, 1.0, 2001), x])   # nodes, between them, and beyond both ends
    assert np.allclose(_cubic_hermite(x, y, dy)(u), CubicHermiteSpline(x, y, dy)(u), rtol=1e-12, atol=1e-12)
    wrong = _cubic_hermite(x, y, -dy)(u)                       # negative control: slopes matter
    assert not np.allclose(wrong, CubicHermiteSpline(x, y, dy)(u), atol=1e-6)
