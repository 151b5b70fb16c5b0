"""The divergence table: every row against an independent value, its fields against each other.

Routes (named per row in ``ROUTES``): closed forms for Gaussians (KL, Pearson χ², Bhattacharyya for the
squared Hellinger distance), the equal-scale total-variation formula, mpmath integrals of the defining
formula written here (not the row's ``core`` or ``f``), and the oracle for JSD and C(G). The quadrature
value of each row (``f_divergence(p, q, name)``) must match to 1e-10 absolute / 1e-12 relative.
The table's ``lower``/``upper``/``f_at_zero``/``f_slope_at_infinity`` and the sympy strings are checked
against the numpy ``f``, and the bounds are shown attained (p = q, disjoint supports).
"""

from __future__ import annotations

import math

import mpmath as mp
import numpy as np
import pytest
import sympy as sp
from scipy import optimize

from gantheory import Normal, Uniform, f_divergence
from gantheory import closed_forms as cf
from gantheory.cases import CASES
from gantheory.divergences import DIVERGENCES, Divergence, resolve_divergence
from gantheory.errors import GanTheoryError
from gantheory.oracle import reference_value
from gantheory.tolerances import TOLERANCES

ATOL = TOLERANCES["quadrature_atol"]
P, Q = (0.3, 1.0), (0.0, 1.2)  # N(0.3, 1) against N(0, 1.2): every row finite (2σ_q² > σ_p²)


def _crossings(p=P, q=Q):
    """The roots of log p = log q for two normals: a quadratic in x (kinks of |p − q|)."""
    (m1, s1), (m2, s2) = p, q
    a = 1 / (2 * s2**2) - 1 / (2 * s1**2)
    b = m1 / s1**2 - m2 / s2**2
    c = m2**2 / (2 * s2**2) - m1**2 / (2 * s1**2) + math.log(s2 / s1)
    return sorted(r.real for r in np.roots([a, b, c]) if abs(r.imag) < 1e-12)


def _mp_integral(kernel, p=P, q=Q):
    """∫ kernel(p(x), q(x)) dx for two normals, mpmath at 30 digits, split at both means and at the
    crossings p = q (where |p − q| has kinks that tanh–sinh would otherwise straddle)."""
    with mp.workdps(30):
        fp = lambda x: mp.npdf(x, p[0], p[1])  # noqa: E731
        fq = lambda x: mp.npdf(x, q[0], q[1])  # noqa: E731
        pts = sorted({q[0], p[0], *_crossings(p, q)})
        return float(mp.quad(lambda x: kernel(fp(x), fq(x)), [-mp.inf, *pts, mp.inf]))


def _bhattacharyya_hellinger(p=P, q=Q):
    """∫(√p − √q)² = 2 − 2∫√(pq) = 2(1 − BC), BC = √(2σ₁σ₂/(σ₁² + σ₂²)) exp(−Δ²/(4(σ₁² + σ₂²)))."""
    (m1, s1), (m2, s2) = p, q
    bc = math.sqrt(2 * s1 * s2 / (s1**2 + s2**2)) * math.exp(-((m1 - m2) ** 2) / (4 * (s1**2 + s2**2)))
    return 2.0 * (1.0 - bc)


ROUTES = {
    "kl": ("closed form kl_normal", lambda: cf.kl_normal(*P, *Q)),
    "reverse_kl": ("closed form kl_normal, arguments swapped", lambda: cf.kl_normal(*Q, *P)),
    "pearson": ("closed form pearson_normal (Nielsen & Nock 2014)", lambda: cf.pearson_normal(*P, *Q)),
    "neyman": ("closed form pearson_normal, arguments swapped", lambda: cf.pearson_normal(*Q, *P)),
    "squared_hellinger": ("Bhattacharyya closed form 2(1 − BC)", _bhattacharyya_hellinger),
    "jeffreys": ("closed forms KL(p‖q) + KL(q‖p)", lambda: cf.kl_normal(*P, *Q) + cf.kl_normal(*Q, *P)),
    "total_variation": ("mpmath ½∫|p − q|", lambda: _mp_integral(lambda a, b: abs(a - b) / 2)),
    "js": ("oracle (mpmath tanh–sinh) JSD", lambda: float(reference_value(Normal(*P), Normal(*Q), "js", dps=30))),
    "triangular": ("mpmath ∫(p − q)²/(p + q)", lambda: _mp_integral(lambda a, b: (a - b) ** 2 / (a + b))),
    "gan": ("oracle (mpmath tanh–sinh) C(G)", lambda: float(reference_value(Normal(*P), Normal(*Q), "criterion", dps=30))),
}


def _close(value, expected):
    return abs(value - expected) <= max(ATOL, 1e-12 * abs(expected))


def test_every_row_has_an_independent_route():
    assert set(ROUTES) == set(DIVERGENCES), "a new divergence needs an independent reference here"


@pytest.mark.parametrize("name", list(DIVERGENCES))
def test_row_against_its_independent_route(name):
    route, reference = ROUTES[name]
    value = float(f_divergence(Normal(*P), Normal(*Q), name))
    assert _close(value, float(reference())), f"{name} vs {route}: {value!r} != {float(reference())!r}"


def test_squared_hellinger_convention_has_no_half():
    """∫(√p − √q)², f-GAN's convention: two Gaussians give 2(1 − BC) and disjoint supports give 2."""
    assert _close(float(f_divergence(Normal(*P), Normal(*Q), "squared_hellinger")), _bhattacharyya_hellinger())
    assert _close(float(f_divergence(Normal(*P), Normal(*Q), "squared_hellinger")),
                  float(cf.squared_hellinger_normal(*P, *Q)))
    assert float(f_divergence(Uniform(0, 1), Uniform(2, 3), "squared_hellinger")) == pytest.approx(2.0, abs=ATOL)


def test_negative_control_half_convention_hellinger_is_rejected():
    """H² = ½∫(√p − √q)² = 1 − BC (the other textbook convention) fails the same closed-form check."""
    half = 0.5 * float(f_divergence(Normal(*P), Normal(*Q), "squared_hellinger"))
    assert not _close(half, _bhattacharyya_hellinger())


def test_triangular_closed_form_for_uniforms():
    """U(0,1) vs U(0,2): (1 − ½)²/(1 + ½) on [0, 1] plus (½)²/½ on [1, 2] = 1/6 + 1/2 = 2/3."""
    assert float(f_divergence(Uniform(0, 1), Uniform(0, 2), "triangular")) == pytest.approx(2 / 3, abs=ATOL)


def test_triangular_brackets_the_squared_hellinger_and_js():
    """With the table's conventions: ½Δ ≤ H² ≤ Δ for H² = ∫(√p − √q)² (Le Cam 1986), and
    ¼Δ ≤ JSD ≤ ½ log 2 · Δ for the ½-convention JSD (Topsøe 2000, Thm. 1 in our normalisation) — a
    Hellinger or JSD with the other factor of 2 breaks one side on these registry pairs."""
    for name in ("shifted-normal", "gauss-unequal-scale", "mixture-vs-laplace", "narrow-far-apart"):
        case = CASES[name]
        tri = float(f_divergence(case.p, case.q, "triangular"))
        hel = float(f_divergence(case.p, case.q, "squared_hellinger"))
        jsd = float(f_divergence(case.p, case.q, "js"))
        assert 0.5 * tri - ATOL <= hel <= tri + ATOL, (name, tri, hel)
        assert 0.25 * tri - ATOL <= jsd <= 0.5 * math.log(2) * tri + ATOL, (name, tri, jsd)


# ---- the row's fields ---------------------------------------------------------------------------------

U = np.array([1e-6, 0.01, 0.3, 1.0, 2.5, 40.0, 1e5])


@pytest.mark.parametrize("name", list(DIVERGENCES))
def test_sympy_f_is_the_numpy_f(name):
    row = DIVERGENCES[name]
    u = sp.Symbol("u", positive=True)
    f = sp.lambdify(u, sp.sympify(row.f_sympy, locals={"u": u}), "mpmath")
    for x in U:
        assert float(row.f(np.float64(x))) == pytest.approx(float(f(mp.mpf(x))), rel=1e-10, abs=1e-12), x


@pytest.mark.parametrize("name", list(DIVERGENCES))
def test_limits_f_at_zero_and_slope_at_infinity(name):
    row = DIVERGENCES[name]
    with np.errstate(all="ignore"):
        f0 = float(row.f(np.float64(1e-300)))
        slope = float(row.f(np.float64(1e24)) / 1e24) if row.f_slope_at_infinity < np.inf else None
    if math.isinf(row.f_at_zero):
        assert f0 > 1e2 or math.isinf(f0)
    else:
        assert f0 == pytest.approx(row.f_at_zero, abs=1e-6)
    if slope is not None:
        assert slope == pytest.approx(row.f_slope_at_infinity, abs=1e-9)  # f(u)/u − slope = O(u^{−1/2}) at worst (H²)
    else:
        assert float(row.f(np.float64(1e12))) / 1e12 > 10.0 or math.isinf(float(row.f(np.float64(1e12))))


@pytest.mark.parametrize("name", list(DIVERGENCES))
def test_conjugate_is_the_legendre_transform(name):
    """f*(t) = sup_u (t·u − f(u)) at two interior points of the stated conjugate domain."""
    row = DIVERGENCES[name]
    t = sp.Symbol("t", real=True)
    conj = sp.lambdify(t, sp.sympify(row.conjugate_sympy, locals={"t": t}), "mpmath")
    domain = sp.sympify(row.conjugate_domain)
    lo, hi = float(max(domain.inf, -3)), float(min(domain.sup, 3))
    for s in (lo + 0.3 * (hi - lo), lo + 0.7 * (hi - lo)):
        res = optimize.minimize_scalar(lambda v, s=s: -(s * math.exp(v) - float(row.f(np.float64(math.exp(v))))),
                                       bounds=(-30, 12), method="bounded", options={"xatol": 1e-12})
        assert -res.fun == pytest.approx(float(conj(mp.mpf(s))), abs=1e-6), (name, s)


@pytest.mark.parametrize("name", list(DIVERGENCES))
def test_bounds_attained_at_equality_and_disjointness(name):
    """lower = f(1) is D(p‖p); the disjoint value is f(0) + lim f(u)/u, which is ``upper`` when finite."""
    row = DIVERGENCES[name]
    assert float(row.f(np.float64(1.0))) == pytest.approx(row.lower, abs=1e-15)
    same = CASES["identical-normal"]
    assert float(f_divergence(same.p, same.q, name)) == pytest.approx(row.lower, abs=ATOL)
    disjoint = CASES["uniform-disjoint"]
    value = float(f_divergence(disjoint.p, disjoint.q, name))
    assert row.f_at_zero + row.f_slope_at_infinity == row.upper or math.isinf(row.upper)
    assert value == pytest.approx(row.upper, abs=ATOL) if math.isfinite(row.upper) else value == math.inf


@pytest.mark.parametrize("name", list(DIVERGENCES))
def test_values_within_the_stated_range_on_registry_pairs(name):
    row = DIVERGENCES[name]
    for case_name in ("shifted-normal", "narrow-far-apart", "uniform-partial-overlap", "discrete-pmfs",
                      "mixture-vs-laplace", "gauss-wide-apart"):
        case = CASES[case_name]
        value = float(f_divergence(case.p, case.q, name))
        assert row.lower - ATOL <= value <= row.upper + ATOL, (case_name, value)


def test_resolve_divergence_suggests_and_accepts_rows_and_callables():
    assert resolve_divergence("js") is DIVERGENCES["js"]
    assert resolve_divergence(DIVERGENCES["kl"]) is DIVERGENCES["kl"]
    assert isinstance(resolve_divergence(lambda u: (u - 1) ** 2), Divergence)
    with pytest.raises(GanTheoryError, match="did you mean 'triangular'"):
        resolve_divergence("triangle")
    with pytest.raises(GanTheoryError, match="parameter 'f'"):
        resolve_divergence(3)
