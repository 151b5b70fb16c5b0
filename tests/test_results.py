"""gantheory.results: the one status rule, the JSON form (no NaN leaks), the measurement helpers."""

import itertools
import json
import math

import numpy as np
import pytest

from gantheory.results import (
    LENSES,
    STATUSES,
    ClaimResult,
    LensResult,
    Measurement,
    at_least,
    at_most,
    claim_status,
    compare,
    fmt,
    jsonable,
    verdict,
)

PRECEDENCE = ("fail", "error", "pass", "skipped")


@pytest.mark.parametrize("statuses", [c for n in range(1, 4) for c in itertools.product(STATUSES, repeat=n)])
def test_claim_status_takes_the_most_severe(statuses):
    """A refutation beats an error, an error beats a pass, a pass beats 'nothing applied'."""
    expected = min(statuses, key=PRECEDENCE.index)
    assert claim_status(statuses) == expected


def test_claim_status_negative_controls():
    # an error must never be hidden by a pass, and nothing applicable is not a pass
    assert claim_status(["pass", "error"]) == "error"
    assert claim_status(["skipped", "skipped"]) == "skipped"
    assert claim_status([]) == "skipped"


def test_vocabularies():
    assert set(PRECEDENCE) == set(STATUSES)
    assert LENSES == ("symbolic", "quadrature", "empirical")


def test_jsonable_never_writes_nan():
    value = {"a": np.nan, "b": [np.float64(np.inf), -math.inf], "c": np.int64(3), "d": np.bool_(True),
             "e": np.array([1.0, np.nan])}
    out = jsonable(value)
    assert out == {"a": None, "b": ["inf", "-inf"], "c": 3, "d": True, "e": [1.0, None]}
    assert "NaN" not in json.dumps(out)


def test_fmt_never_prints_nan():
    assert fmt(float("nan")) == "—" and fmt(None) == "—"
    assert fmt(0.0) == "0" and fmt(1.5) == "1.5" and fmt(1e-7) == "1.00e-07" and fmt(math.inf) == "inf"


def test_measurement_margin_words():
    assert Measurement("x", 5e-3, 1e-3, False).margin == "0.005 exceeds 0.001 by 0.004 (5× the tolerance)"
    assert "falls short" in Measurement("p", 1e-5, 1e-3, False, "≥").margin


def test_fmt_digits_only_changes_scientific_notation():
    assert fmt(1e-7) == "1.00e-07" and fmt(1e-7, digits=3) == "1.000e-07"
    assert fmt(0.125, digits=3) == fmt(0.125) == "0.125" and fmt(None, digits=3) == "—"


def test_measurements_and_verdict():
    ok, bad = at_most("err", 1e-12, 1e-10), at_most("err2", 3e-10, 1e-10, "worst pair")
    assert ok.passed and not bad.passed
    assert "exceeds" in bad.margin and "3×" in bad.margin
    low = at_least("power", 0.5, 0.95)
    assert not low.passed and "falls short" in low.margin
    result = verdict("quadrature", [ok, bad], "summary")
    assert result.status == "fail" and result.summary.startswith("err2")
    assert verdict("quadrature", [ok], "all good").status == "pass"


def test_compare_treats_equal_infinities_as_exact():
    m = compare("|KL − ref|", [("a", math.inf, math.inf), ("b", 1.0, 1.0 + 1e-12)], 1e-10, "pairs")
    assert m.passed and m.measured == pytest.approx(1e-12, rel=1e-3)
    wrong = compare("|KL − ref|", [("a", math.inf, 1.0)], 1e-10, "pairs")  # negative control
    assert not wrong.passed and wrong.measured == math.inf


def test_lens_and_claim_results_round_trip_to_json():
    m = Measurement("x", float("nan"), 1.0, False)
    lens = LensResult("quadrature", "fail", measurements=(m,), details={"v": np.nan})
    claim = ClaimResult("c", "fail", (lens,))
    text = json.dumps(lens.to_dict())
    assert "NaN" not in text and claim.lens("quadrature") is lens
