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


PIECES = ["$$", "$", "=", r"\le", "x", "p_{data}(x)", r"\int", "dx", r"\mathbb{E}_{x\sim p}", "[", "]", "(", ")",
          r"\frac{1}{2}", r"\log", "D(x)", r"\\", "&", r"\max_D", "+", "-", r"\text{by}", "{", "}", "^", "_",
          r"\begin{align}", r"\end{align}", "\n", r"\quad", "0", r"\sum_{i=1}^m", "x^{(i)}"]


@given(st.lists(st.sampled_from(PIECES), max_size=25))
def test_never_raises(pieces):
    report = check_derivation(" ".join(pieces))
    for step in report.steps:
        assert step.verdict != "refuted" or step.counterexample is not None
