"""The batched engine's fast path (:mod:`gantheory.quadrature`, issue 13 "speed at the limit"): grids that stop
at the body of Normal mixtures with the tails bounded in closed form, incremental refinement, and the fused
mixture-of-Normals log-density. Each check has an independent reference (closed forms, mpmath, the
single-pair path with its substituted tail pieces) and a negative control it must reject.
"""

import math

import mpmath as mp
import numpy as np
import pytest

from gantheory import Laplace, Mixture, Normal, criterion, f_divergence, js_divergence, total_variation
from gantheory.densities.base import _GAUSSIAN_CORE_OFFSETS, _offsets_points, _symmetric
from gantheory.errors import GanTheoryError
from gantheory.quadrature import DIVERGENCES, _batch_chunk, _grid, integrate
from gantheory.tolerances import TOLERANCES

ATOL = TOLERANCES["quadrature_atol"]


def _kernel_ratio(name):
    """max over a grid of (log p, log q) of |q f(p/q)| / (p + q) for a row of DIVERGENCES."""
    lp, lq = np.meshgrid(np.linspace(-60.0, 5.0, 651), np.linspace(-60.0, 5.0, 651))
    lp, lq = np.append(lp.ravel(), [-np.inf, 0.0]), np.append(lq.ravel(), [0.0, -np.inf])
    f = DIVERGENCES[name].integrand(None, lp, lq)
    return float(np.max(np.abs(f) / (np.exp(lp) + np.exp(lq))))


def test_bounded_rows_carry_a_kernel_bound():
    """Every row with a finite value range for every pair has a kernel bound, and no unbounded row claims one."""
    assert {n for n, d in DIVERGENCES.items() if d.kernel_bound is not None} == {
        "js", "gan", "total_variation", "squared_hellinger", "triangular"}


@pytest.mark.parametrize("name", sorted(n for n, d in DIVERGENCES.items() if d.kernel_bound is not None))
def test_kernel_bound_holds_and_is_tight(name):
    # |q f(p/q)| ≤ c·(p + q) everywhere (the claim the tail bound rests on), and c is the supremum: half of it
    # is exceeded somewhere (negative control: a bound too small would be caught by this grid).
    c = DIVERGENCES[name].kernel_bound
    ratio = _kernel_ratio(name)
    assert ratio <= c * (1 + 1e-12), (name, ratio, c)
    assert ratio > 0.5 * c, (name, ratio, c)


def test_normal_outside_mass_matches_mpmath():
    d = Normal(np.array([0.0, 3.0, -2.0]), np.array([1.0, 0.01, 2.5]))
    low, high = np.array([-8.5, 2.9, -30.0]), np.array([8.5, 3.3, 40.0])
    got = d._outside_mass(low, high)
    mp.mp.dps = 40
    for i in range(3):
        m, s = mp.mpf(float(d.loc[i])), mp.mpf(float(d.scale[i]))
        exact = mp.ncdf((mp.mpf(float(low[i])) - m) / s) + mp.ncdf((m - mp.mpf(float(high[i]))) / s)
        assert abs(got[i] - float(exact)) <= 1e-13 * float(exact), (i, got[i], exact)
    # negative control: 1 − cdf rounds the upper tail at 8.5σ to 0 (the reason for the lower-side form)
    assert 1.0 - float(Normal(0.0, 1.0).cdf(8.5)) == 0.0 < float(Normal(0.0, 1.0)._outside_mass(-np.inf, 8.5))


def test_mixture_outside_mass_is_the_weighted_sum_and_absent_for_other_families():
    m = Mixture([Normal(0.0, 1.0), Normal(5.0, 0.5)], [0.3, 0.7])
    got = float(m._outside_mass(-4.0, 6.0))
    expected = 0.3 * float(Normal(0.0, 1.0)._outside_mass(-4.0, 6.0)) + 0.7 * float(Normal(5.0, 0.5)._outside_mass(-4.0, 6.0))
    assert got == pytest.approx(expected, rel=1e-14)
    mixed = Mixture([Normal(0.0, 1.0), Laplace(0.0, 1.0)])
    assert mixed._outside_mass(-4.0, 4.0) is None and mixed._core_breakpoints() is None
    assert Laplace(0.0, 1.0)._outside_mass(-4.0, 4.0) is None


def _random_mixtures(n, rng):
    def one():
        locs, scales = rng.uniform(-8, 8, (3, n)), np.exp(rng.uniform(np.log(0.02), np.log(3.0), (3, n)))
        return Mixture([Normal(locs[i], scales[i]) for i in range(3)], rng.dirichlet(np.ones(3), size=n))

    return one(), one()


@pytest.mark.parametrize("quantity", ["js", "total_variation", "squared_hellinger", "criterion"])
def test_batched_fast_path_agrees_with_single_pairs(quantity):
    # the single-pair path integrates every breakpoint out to 38.5σ and the substituted tail pieces beyond:
    # a different grid and a different treatment of the tails
    rng = np.random.default_rng(13)
    p, q = _random_mixtures(12, rng)
    fn = criterion if quantity == "criterion" else (lambda a, b: f_divergence(a, b, quantity))
    batched = fn(p, q)
    assert np.all(batched.certified)
    for i in range(12):
        single = fn(p[i], q[i])
        assert single.certified
        assert abs(float(np.asarray(batched)[i]) - float(single)) <= 2 * ATOL, (quantity, i)


def test_batched_fast_path_closed_forms():
    mu = np.array([0.0, 0.5, 3.0, 12.0])
    p, q = Normal(np.zeros(4), 1.0), Normal(mu, 1.0)
    tv = total_variation(p, q)
    exact = [math.erf(m / (2 * math.sqrt(2))) for m in mu]  # 2Φ(μ/2) − 1
    assert np.all(tv.certified)
    assert np.max(np.abs(np.asarray(tv) - exact)) <= ATOL
    # the same pairs through the general path (no kernel bound: full breakpoints to 38.5σ) agree
    slow = integrate(DIVERGENCES["total_variation"].integrand, p, q, kink=True)
    assert np.max(np.abs(np.asarray(slow) - exact)) <= ATOL


class _ShortNormal(Normal):
    """A Normal whose body breakpoints stop at ±3σ (tail mass 2.7e-3 beyond): a grid too short."""

    def _core_breakpoints(self):
        return _offsets_points(self.loc, self.scale, _symmetric(np.array([0.0, 1.5, 3.0])))


def test_tail_bound_enters_the_certificate():
    p, q = _ShortNormal(np.zeros(3), 1.0), _ShortNormal(np.array([0.0, 1.0, 4.0]), 1.0)
    c = DIVERGENCES["js"].kernel_bound
    pts, bound = _grid(p, q, True, True, (3,), c)
    assert bound == c and pts.shape[-1] == 10
    _, error, _, edge, _ = _batch_chunk(DIVERGENCES["js"].integrand, p, q, pts, True, True, False, ATOL, 1e-12, bound)
    tail = c * (p._outside_mass(pts[:, 0], pts[:, -1]) + q._outside_mass(pts[:, 0], pts[:, -1]))
    # the grid alone misses up to c × 5e-3 of the value; the error estimate says so (never silently certified)
    assert np.all(error >= tail) and np.all(error > ATOL)
    assert np.all(edge == 0)
    # the engine then hands those pairs to the single-pair refinement: the right values, certified
    exact = js_divergence(Normal(np.zeros(3), 1.0), Normal(np.array([0.0, 1.0, 4.0]), 1.0))
    r = js_divergence(p, q)
    assert np.all(r.certified) and np.max(np.abs(np.asarray(r) - np.asarray(exact))) <= ATOL
    # negative control: the same chunk without the bound stops at ±3σ with an open tail it must not certify
    # (p ≠ q pairs; for p = q the JSD integrand is 0 everywhere and so is its tail)
    _, _, _, edge_open, _ = _batch_chunk(DIVERGENCES["js"].integrand, p, q, pts, True, True, False, ATOL, 1e-12, None)
    assert np.all(edge_open[1:] > ATOL)


def test_core_breakpoints_are_the_gaussian_body():
    d = Normal(np.array([1.0, -2.0]), np.array([0.5, 2.0]))
    pts = d._core_breakpoints()
    assert pts.shape == (2, 2 * _GAUSSIAN_CORE_OFFSETS.size - 1)
    assert np.allclose(pts[0, [0, -1]], [1.0 - 0.5 * _GAUSSIAN_CORE_OFFSETS[-1], 1.0 + 0.5 * _GAUSSIAN_CORE_OFFSETS[-1]])


@pytest.mark.parametrize("bad", [-1.0, math.nan, math.inf, "0.3"])
def test_kernel_bound_is_validated(bad):
    with pytest.raises(GanTheoryError, match="kernel_bound"):
        integrate(DIVERGENCES["js"].integrand, Normal(0.0, 1.0), Normal(1.0, 1.0), kernel_bound=bad)


def test_fused_mixture_logpdf_matches_per_component_sum():
    rng = np.random.default_rng(5)
    locs, scales = rng.uniform(-5, 5, (3, 7)), np.exp(rng.uniform(-4, 1, (3, 7)))
    w = rng.dirichlet(np.ones(3), size=7)
    m = Mixture([Normal(locs[i], scales[i]) for i in range(3)], w)
    x = rng.uniform(-30, 30, (11, 7))
    generic = np.logaddexp.reduce(
        np.stack([np.log(w[:, i]) + Normal(locs[i], scales[i]).logpdf(x) for i in range(3)]), axis=0)
    assert np.allclose(m.logpdf(x), generic, rtol=1e-14, atol=1e-13)
    # extreme points: far beyond every component (−inf after z² overflows), and ±inf
    far = Mixture([Normal(0.0, 1.0), Normal(1.0, 2.0)], [0.3, 0.7]).logpdf(np.array([1e200, -np.inf, np.inf]))
    assert np.all(far == -np.inf)


def test_mixture_components_of_different_batch_shapes():
    # regression: a scalar component beside a batched one made the log-sum-exp write a (3,) result into a 0-d buffer
    m = Mixture([Normal(0.0, 1.0), Normal(np.zeros(3), np.array([1.0, 2.0, 3.0]))])
    expected = [np.logaddexp(np.log(0.5) + Normal(0, 1).logpdf(0.3), np.log(0.5) + Normal(0, s).logpdf(0.3)) for s in (1, 2, 3)]
    assert np.allclose(m.logpdf(0.3), expected, rtol=1e-15)
    mixed = Mixture([Normal(0.0, 1.0), Laplace(np.zeros(3), 1.0)])
    expected = np.logaddexp(np.log(0.5) + Normal(0, 1).logpdf(0.3), np.log(0.5) + Laplace(0, 1).logpdf(0.3))
    assert np.allclose(mixed.logpdf(0.3), expected, rtol=1e-15)


def test_shared_exponential_js_form_matches_mpmath_and_the_row():
    from gantheory.divergences import _js_core
    from gantheory.numerics import exp
    from gantheory.quadrature import _js_from_densities

    rng = np.random.default_rng(11)
    lp = rng.uniform(-650.0, 5.0, 400)
    lq = lp + rng.normal(0.0, 1.0, 400) * rng.choice([0.0, 1e-8, 1e-3, 1.0, 30.0, 300.0], 400)
    lq = np.clip(lq, -690.0, 5.0)
    got = _js_from_densities(lp, lq, exp(lp), exp(lq))
    mp.mp.dps = 40
    for i in range(400):
        p, q = mp.e ** mp.mpf(lp[i]), mp.e ** mp.mpf(lq[i])
        m = (p + q) / 2
        exact = (p * mp.log(p / m) + q * mp.log(q / m)) / 2
        assert abs(float(got[i] - exact)) <= 1e-15 * float(p + q), i
    assert np.all(got[lp == lq] == 0.0)  # exactly 0 where p = q
    assert np.allclose(got, _js_core(lp, lq), rtol=0, atol=1e-15 * np.max(np.exp(np.maximum(lp, lq))))
    # both underflowing: 0, not NaN; one underflowing: ½ q log 2
    edge = _js_from_densities(np.array([-800.0, -800.0]), np.array([-800.0, -5.0]), np.zeros(2), np.array([0.0, math.exp(-5.0)]))
    assert edge[0] == 0.0 and edge[1] == pytest.approx(0.5 * math.exp(-5.0) * math.log(2.0), rel=1e-15)
    # negative control: dropping the |d|·min(p, q) term is caught by the same comparison
    wrong = 0.5 * (np.exp(lp) + np.exp(lq)) * (math.log(2.0) - np.log1p(np.exp(-np.abs(lp - lq))))
    assert np.max(np.abs(wrong - got) / (np.exp(lp) + np.exp(lq))) > 1e-3


@pytest.mark.parametrize("k", [2, 3])
def test_sorted_logsumexp_matches_mpmath(k):
    rng = np.random.default_rng(k)
    locs, scales = rng.uniform(-5, 5, (k, 20)), np.exp(rng.uniform(-4, 1, (k, 20)))
    w = rng.dirichlet(np.ones(k), size=20)
    m = Mixture([Normal(locs[i], scales[i]) for i in range(k)], w)
    x = rng.uniform(-40, 40, (6, 20))
    got = m.logpdf(x)
    mp.mp.dps = 30
    for i in range(6):
        for j in range(20):
            exact = mp.log(mp.fsum(mp.mpf(w[j, c]) * mp.npdf(mp.mpf(x[i, j]), mp.mpf(locs[c, j]), mp.mpf(scales[c, j])) for c in range(k)))
            assert abs(float(got[i, j] - exact)) <= 2e-15 * max(1.0, abs(float(exact))), (i, j)
    # a 0-d point and a point where every term is −inf (beyond 1e154 the square overflows)
    single = Mixture([Normal(0.0, 1.0), Normal(1.0, 2.0), Normal(-3.0, 0.5)][:k])
    assert np.ndim(single.logpdf(0.5)) == 0 and single.logpdf(1e200) == -np.inf
