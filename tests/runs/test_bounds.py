"""C2ST p-values against scipy's binomtest (an independent route), sample sizes, the mode-drop shift."""

from __future__ import annotations

import math

import pytest
from scipy import stats

from gantheory.densities import Mixture, Normal
from gantheory.errors import GanTheoryError
from gantheory.quadrature import js_divergence
from gantheory.runs.bounds import (
    binomial_violation_p_value,
    c2st_test,
    check_alpha,
    js_mode_drop_shift,
    mode_drop_sample_size,
    upper_confidence,
)


@pytest.mark.parametrize(("k", "n"), [(60, 100), (50, 100), (5210, 10000)])
def test_c2st_p_value_is_the_binomial_tail(k, n):
    t = c2st_test(k, n, 0.05)
    assert t.p_value == pytest.approx(stats.binomtest(k, n, 0.5, alternative="greater").pvalue, rel=1e-9)
    assert t.reject == (t.p_value < 0.05)


def test_c2st_rejects_and_accepts():
    assert c2st_test(600, 1000, 0.05).reject and not c2st_test(510, 1000, 0.05).reject


def test_mode_drop_shift_matches_quadrature():
    """2·JSD(p‖p restricted) for a (nearly) disjoint 1% mode: closed form against quadrature; the issue's 0.007."""
    w = 0.01
    p = Mixture([Normal(0.0, 1.0), Normal(40.0, 1.0)], [1 - w, w])
    q = Normal(0.0, 1.0)
    assert 2 * js_divergence(p, q).value == pytest.approx(js_mode_drop_shift(w), abs=1e-9)
    assert js_mode_drop_shift(w) == pytest.approx(0.007, abs=1e-4)


def test_mode_drop_sample_size():
    n = mode_drop_sample_size(0.01)
    assert 55_000 < n < 70_000  # ((1.645·½ + 0.842·½)/0.005)² ≈ 61,800
    # power check by the exact binomial: at N the test at level α has power ≥ 0.79
    crit = stats.binom.isf(0.05, n, 0.5)
    assert stats.binom.sf(crit, n, 0.505) > 0.79
    with pytest.raises(GanTheoryError, match="weight"):
        mode_drop_sample_size(1.5)


def test_upper_confidence_and_alpha():
    assert upper_confidence(1.0, se=0.1, alpha=0.05, method="clt") == pytest.approx(1.0 + 0.1 * 1.6448536, rel=1e-6)
    assert upper_confidence(1.0, ranges_sq_over_n=0.01, alpha=0.05, method="hoeffding") == pytest.approx(
        1.0 + math.sqrt(math.log(20) * 0.01 / 2))
    with pytest.raises(GanTheoryError, match="method"):
        upper_confidence(1.0, se=0.1, alpha=0.05, method="bootstrap")
    with pytest.raises(GanTheoryError, match="alpha"):
        check_alpha(0.7)
    assert binomial_violation_p_value(0, 200, 0.05) == 1.0


def test_skewness_correction_only_widens():
    """Edgeworth: c = z + max(γ, 0)(2z² + 1)/6 — a right-skewed estimate gets a wider bound, a left-skewed one
    keeps the normal bound (never narrower)."""
    z = 1.6448536269514722
    plain = upper_confidence(1.0, se=0.1, alpha=0.05, method="clt")
    assert upper_confidence(1.0, se=0.1, alpha=0.05, method="clt", skewness=0.3) == pytest.approx(
        1.0 + 0.1 * (z + 0.3 * (2 * z * z + 1) / 6))
    assert upper_confidence(1.0, se=0.1, alpha=0.05, method="clt", skewness=-0.3) == plain
