"""Closed forms against the mpmath oracle (an independent route) — and a wrong formula rejected."""

import math

import mpmath as mp
import numpy as np
import pytest

from gantheory import Normal, Uniform
from gantheory import closed_forms as cf
from gantheory.oracle import reference_value


def test_kl_normal_vs_mpmath():
    ref = reference_value(Normal(0.3, 0.7), Normal(-1.0, 2.0), "kl", dps=30)
    assert cf.kl_normal(0.3, 0.7, -1.0, 2.0) == pytest.approx(float(ref), abs=1e-14)


def test_kl_mvn_reduces_to_univariate_and_is_additive():
    assert cf.kl_mvn([0.3], [[0.49]], [-1.0], [[4.0]]) == pytest.approx(cf.kl_normal(0.3, 0.7, -1.0, 2.0), abs=1e-14)
    both = cf.kl_mvn([0.3, 1.0], np.diag([0.49, 1.0]), [-1.0, 0.0], np.diag([4.0, 9.0]))
    assert both == pytest.approx(cf.kl_normal(0.3, 0.7, -1.0, 2.0) + cf.kl_normal(1.0, 1.0, 0.0, 3.0), abs=1e-13)


@pytest.mark.parametrize("a", [(0, 1, 0.5, 1.5), (0, 1, -1, 2), (0, 1, 2, 3), (0, 2, 0, 2), (-1, 1, 0, 5)])
def test_js_uniform_vs_mpmath(a):
    ref = reference_value(Uniform(a[0], a[1]), Uniform(a[2], a[3]), "js", dps=30)
    assert float(cf.js_uniform(*a)) == pytest.approx(float(ref), abs=1e-13)


def test_w1_normal_vs_quantile_integral():
    def quantile_integral(m1, s1, m2, s2):
        # ∫₀¹ |F⁻¹(u) − G⁻¹(u)| du with u = Φ(z): ∫ |Δμ + Δσ z| φ(z) dz, split at the sign change
        with mp.workdps(30):
            f = lambda z: abs((m1 - m2) + (s1 - s2) * z) * mp.npdf(z)  # noqa: E731
            split = [-mp.mpf(m1 - m2) / (s1 - s2)] if s1 != s2 else []
            return float(mp.quad(f, [-mp.inf, *split, mp.inf]))

    for args in [(0, 1, 1, 2), (0, 1, 3, 1.5), (2, 0.5, -1, 0.5)]:
        assert float(cf.w1_normal(*args)) == pytest.approx(quantile_integral(*args), abs=1e-12)


def test_pearson_and_hellinger_normals_vs_mpmath():
    p, q = Normal(0.3, 1.0), Normal(0.0, 1.2)
    lp = lambda x: mp.npdf(x, 0.3, 1.0)  # noqa: E731
    lq = lambda x: mp.npdf(x, 0.0, 1.2)  # noqa: E731
    with mp.workdps(30):
        chi2 = mp.quad(lambda x: (lp(x) - lq(x)) ** 2 / lq(x), [-mp.inf, 0, mp.inf])
        hel = mp.quad(lambda x: (mp.sqrt(lp(x)) - mp.sqrt(lq(x))) ** 2, [-mp.inf, 0, mp.inf])
    assert float(cf.pearson_normal(0.3, 1.0, 0.0, 1.2)) == pytest.approx(float(chi2), abs=1e-13)
    assert float(cf.squared_hellinger_normal(0.3, 1.0, 0.0, 1.2)) == pytest.approx(float(hel), abs=1e-13)
    assert float(cf.pearson_normal(0, 1.5, 0, 1)) == math.inf
    del p, q


def test_negative_control_kl_normal_with_swapped_scales_is_rejected():
    wrong = math.log(0.7 / 2.0) + (2.0**2 + 1.3**2) / (2 * 0.7**2) - 0.5  # σ₁ and σ₂ swapped
    ref = float(reference_value(Normal(0.3, 0.7), Normal(-1.0, 2.0), "kl", dps=30))
    assert abs(wrong - ref) > 1.0
