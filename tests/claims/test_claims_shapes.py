"""gantheory.claims.shapes: the shared identity shapes measure what they say, and fail when they should."""

from __future__ import annotations

import pytest

from gantheory.cases import CASES
from gantheory.claims.model import Context
from gantheory.claims.shapes import DerivativeIdentity, IdentityOverCases, case_pairs
from gantheory.tolerances import TOLERANCES

PAIRS = ("gauss-unequal-scale", "gauss-narrow-far", "gauss-wide-apart")


def _quadrature_js(p, q):
    from gantheory.quadrature import js_divergence

    return float(js_divergence(p, q))


def _golden_js(p, q):
    # the registry's oracle digits for the pair (tests/test_cases.py re-derives them)
    return next(c.expected["js"] for c in CASES.values() if repr((c.p, c.q)) == repr((p, q)))


def _twice_golden_js(p, q):
    return 2.0 * _golden_js(p, q)


def test_identity_over_cases_compares_every_case_and_labels_rows_like_case_pairs():
    identity = IdentityOverCases("|JSD − golden|", _quadrature_js, _golden_js, cases=PAIRS)
    rows = identity.rows(Context(profile="full"))
    assert [r[0] for r in rows] == [label for label, _, _ in case_pairs(PAIRS)]
    m = identity.measurement(Context())
    assert m.passed and m.measured <= TOLERANCES["quadrature_atol"] and m.tolerance == TOLERANCES["quadrature_atol"]
    assert "over 3 pairs" in m.detail


def test_identity_over_cases_takes_the_first_quick_cases_in_the_quick_profile():
    identity = IdentityOverCases("|JSD − golden|", _quadrature_js, _golden_js, cases=PAIRS, quick=1)
    assert len(identity.rows(Context())) == 1 and len(identity.rows(Context(profile="full"))) == 3


def test_identity_over_cases_refutes_a_wrong_reference_and_a_wrong_extra_row():
    wrong = IdentityOverCases("|JSD − 2·golden|", _quadrature_js, _twice_golden_js, cases=PAIRS)
    assert not wrong.measurement(Context()).passed
    assert wrong(Context()).status == "fail"
    right = IdentityOverCases("|JSD − golden|", _quadrature_js, _golden_js, cases=PAIRS)
    m = right.measurement(Context(), [("an extra pair", 1.0, 1.0 + 1e-6)])
    assert not m.passed and m.measured == pytest.approx(1e-6, rel=1e-6) and "an extra pair" in m.detail


def _cube(t):
    return t ** 3


def _three_t(t):
    return 3.0 * t


def test_derivative_identity_differentiates_both_sides_alike():
    identity = DerivativeIdentity("|f′ − reference|", "points")
    rows = [("t³ at 1 vs 3", _cube, 1.0, 3.0), ("t³ at 2 vs d/dt (t³ + 5)", _cube, 2.0, lambda t: t ** 3 + 5.0)]
    m = identity.measurement(rows)
    assert m.passed and m.measured <= 1e-9 and m.tolerance == TOLERANCES["derivative_atol"]
    assert identity.rows([("3t", _three_t, 0.5, 3.0)])[0][1] == pytest.approx(3.0, abs=1e-12)


def test_derivative_identity_refutes_a_wrong_reference():
    m = DerivativeIdentity("|f′ − reference|", "points").measurement([("t³ at 1 vs 2.99", _cube, 1.0, 2.99)])
    assert not m.passed and m.measured == pytest.approx(0.01, rel=1e-6)
