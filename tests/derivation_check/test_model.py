"""The data model: verdict invariants (a refutation needs a counterexample, a verification a rule), the
first wrong step, JSON without NaN; and a property: no input makes check_derivation raise."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gantheory.derivation_check import check_derivation
from gantheory.derivation_check.model import CheckReport, Counterexample, DerivationReport, StepCheck


def test_invariants():
    with pytest.raises(ValueError, match="counterexample"):
        StepCheck(0, 1, "=", "a", "b", "refuted")
    with pytest.raises(ValueError, match="rule"):
        StepCheck(0, 1, "=", "a", "b", "verified")
    with pytest.raises(ValueError, match="verdict"):
        StepCheck(0, 1, "=", "a", "b", "maybe")


def test_first_wrong_counts_and_json_without_nan():
    cx = Counterexample("numbers", 1.0, math.inf, values={"a": math.nan})
    steps = (StepCheck(0, 1, "=", "a", "a", "verified", rule="exact"),
             StepCheck(1, 2, "=", "a", "b", "unchecked", rule="a rule"),
             StepCheck(2, 3, "=", "b", "c", "ill_formed", rule="scope"),
             StepCheck(3, 4, "=", "c", "d", "refuted", counterexample=cx))
    doc = DerivationReport("x.md", steps)
    assert doc.first_wrong == 2 and doc.counts["refuted"] == 1 and not doc.ok
    text = CheckReport((doc,)).to_json()
    data = json.loads(text)  # allow_nan=False in to_json: a NaN would raise
    assert data["documents"][0]["steps"][3]["counterexample"]["rhs"] is None


_UNDEFINED = {"side": "right", "x": 0.52, "expression": "p_data(x) − p_g(x)", "value": -0.00704}


def test_an_undefined_side_needs_the_other_side_finite_and_the_point_named():
    with pytest.raises(ValueError, match="undefined"):
        Counterexample("densities", -0.58, -0.1, p_data="Normal(0, 1)", p_g="Normal(1, 1)", undefined=_UNDEFINED)
    with pytest.raises(ValueError, match="undefined"):
        Counterexample("densities", math.nan, None, p_data="Normal(0, 1)", p_g="Normal(1, 1)", undefined=_UNDEFINED)
    with pytest.raises(ValueError, match="undefined"):
        Counterexample("numbers", -0.58, None, undefined=_UNDEFINED)


def test_an_undefined_side_is_shown_by_every_renderer_and_the_json_has_no_nan():
    from gantheory.report.check import render

    cx = Counterexample("densities", -0.58, None, p_data="Normal(0, 1)", p_g="Normal(1, 1)", undefined=_UNDEFINED)
    step = StepCheck(0, 1, "=", "a", "b", "refuted", rule="certified quadrature on a density pair",
                     reason="the two sides differ", counterexample=cx)
    report = CheckReport((DerivationReport("x.md", (step,)),))
    data = json.loads(report.to_json())
    assert data["documents"][0]["steps"][0]["counterexample"]["undefined"] == _UNDEFINED
    assert data["documents"][0]["steps"][0]["counterexample"]["rhs"] is None
    for fmt in ("text", "md", "html"):
        out = render(report, fmt)
        assert "right side undefined (at x = 0.52" in out, fmt
        assert "p_data(x) − p_g(x) = -0.00704 &lt; 0" in out if fmt == "html" else "= -0.00704 < 0" in out, fmt


PIECES = ["$$", "$", "=", r"\le", "x", "p_{data}(x)", r"\int", "dx", r"\mathbb{E}_{x\sim p}", "[", "]", "(", ")",
          r"\frac{1}{2}", r"\log", "D(x)", r"\\", "&", r"\max_D", "+", "-", r"\text{by}", "{", "}", "^", "_",
          r"\begin{align}", r"\end{align}", "\n", r"\quad", "0", r"\sum_{i=1}^m", "x^{(i)}"]


@given(st.lists(st.sampled_from(PIECES), max_size=25))
def test_never_raises(pieces):
    report = check_derivation(" ".join(pieces))
    for step in report.steps:
        assert step.verdict != "refuted" or step.counterexample is not None
