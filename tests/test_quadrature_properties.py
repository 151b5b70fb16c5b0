"""Property tests of the quadrature lens (hypothesis), each with a negative control it must reject.

The checks are functions of the implementation under test, so the same check is run on the real
function (must hold for every drawn pair) and on a deliberately wrong one (hypothesis must find a pair
that refutes it).
"""

import math

import numpy as np
from hypothesis import HealthCheck, find, given, settings
from hypothesis import strategies as st

from gantheory import Mixture, Normal, criterion, js_divergence, kl_divergence, value_function
from gantheory.numerics import LOG2, LOG4

TOL = 1e-10
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

locs = st.floats(-10, 10, allow_nan=False)
scales = st.floats(0.05, 10, allow_nan=False)
normals = st.builds(Normal, locs, scales)
weights = st.floats(0.05, 0.95).map(lambda w: [w, 1.0 - w])
mixtures = st.builds(lambda a, b, w: Mixture([a, b], w), normals, normals, weights)
densities = st.one_of(normals, mixtures)
pairs = st.tuples(densities, densities)
triples = st.tuples(densities, densities, densities)
polynomials = st.lists(st.floats(-2, 2), min_size=1, max_size=4)


def jsd_violations(jsd, p, q):
    out = []
    a, b = float(jsd(p, q)), float(jsd(q, p))
    if abs(a - b) > TOL:
        out.append(f"asymmetric: {a} vs {b}")
    if not (-TOL <= a <= LOG2 + TOL):
        out.append(f"outside [0, log 2]: {a}")
    if abs(float(jsd(p, p))) > TOL:
        out.append("JSD(p, p) != 0")
    return out


def triangle_violations(jsd, p, q, r):
    d = lambda a, b: math.sqrt(max(float(jsd(a, b)), 0.0))  # noqa: E731
    return [] if d(p, r) <= d(p, q) + d(q, r) + 1e-9 else ["sqrt(JSD) breaks the triangle inequality"]


def criterion_violations(crit, jsd, p, q):
    c = float(crit(p, q))
    out = [] if c >= -LOG4 - TOL else [f"C(G) = {c} < -log 4"]
    if abs(c - (-LOG4 + 2 * float(jsd(p, q)))) > 1e-9:
        out.append("C(G) != -log 4 + 2 JSD")
    return out


def value_violations(crit, p, q, coeffs):
    """V(D, G) <= C(G) for D = sigmoid(polynomial) — D* is the maximiser (Prop. 1)."""
    logit = lambda x: np.polynomial.polynomial.polyval(np.clip(x, -30, 30), coeffs)  # noqa: E731
    v = float(value_function(logit, p, q, logits=True))
    c = float(crit(p, q))
    return [] if v <= c + TOL else [f"V(D,G) = {v} > C(G) = {c}"]


@SETTINGS
@given(pairs)
def test_jsd_symmetric_bounded_zero_on_diagonal(pq):
    assert jsd_violations(js_divergence, *pq) == []


@SETTINGS
@given(triples)
def test_sqrt_jsd_triangle_inequality(pqr):
    assert triangle_violations(js_divergence, *pqr) == []


@SETTINGS
@given(pairs)
def test_kl_nonnegative(pq):
    assert float(kl_divergence(*pq)) >= -TOL


@SETTINGS
@given(pairs)
def test_criterion_lower_bound_and_theorem_one(pq):
    assert criterion_violations(criterion, js_divergence, *pq) == []


@SETTINGS
@given(pairs, polynomials)
def test_value_function_never_exceeds_criterion(pq, coeffs):
    assert value_violations(criterion, *pq, coeffs) == []


def test_negative_control_jsd_without_half_is_refuted():
    wrong = lambda p, q: 2.0 * float(js_divergence(p, q))  # noqa: E731
    example = find(pairs, lambda pq: bool(jsd_violations(wrong, *pq)), settings=settings(max_examples=200, deadline=None))
    assert jsd_violations(wrong, *example)


def test_negative_control_wrong_optimal_discriminator_is_refuted():
    """C computed from D = p/(p + 2q) is not max_D V: some discriminator beats it."""

    def wrong_criterion(p, q):
        return value_function(lambda x: p.logpdf(x) - q.logpdf(x) - math.log(2.0), p, q, logits=True)

    def refuted(args):
        (p, q), coeffs = args
        return bool(value_violations(wrong_criterion, p, q, coeffs)) or bool(
            value_violations(wrong_criterion, p, q, [0.0])  # the constant D = 1/2 already beats it often
        )

    example = find(st.tuples(pairs, polynomials), refuted, settings=settings(max_examples=300, deadline=None))
    assert refuted(example)
