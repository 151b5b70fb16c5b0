"""Rendering a derivation-check report (gantheory/report/check.py): text, JSON, Markdown, HTML."""

from __future__ import annotations

import json

import pytest

from gantheory.derivation_check.model import CheckReport, Counterexample, DerivationReport, StepCheck
from gantheory.errors import GanTheoryError
from gantheory.report.check import FORMATS, MARK, render


def _report(plot: bool = True) -> CheckReport:
    cx = Counterexample("densities", lhs=-0.52, rhs=-0.31, p_data="Normal(0, 1)", p_g="Normal(1, 1)",
                        D="σ(1/2 − x)", plot={"x": [-2.0, 0.0, 2.0], "lhs": [0.1, 0.3, 0.1], "rhs": [0.2, 0.1, 0.0]}
                        if plot else None)
    steps = (
        StepCheck(0, 3, "=", r"V(G, D)", r"\mathbb{E}_{x\sim p_{data}}[\log D(x)]", "verified", rule="definition"),
        StepCheck(1, 4, "=", r"\mathbb{E}_{x\sim p_{data}}[\log D(x)]", r"\int p_{data}(x)\log D(x)\,dx", "verified",
                  rule="E_{x~p}[f] = ∫ p f dx"),
        StepCheck(2, 5, "=", r"\int p_{data}(x)\log D(x)\,dx", r"\int p_g(x)\log D(x)\,dx", "refuted",
                  reason="the two integrals differ", counterexample=cx),
        StepCheck(3, 6, "<=", "a", "b", "unchecked", rule="Jensen"),
        StepCheck(4, 7, "=", r"\foo{", "b", "unparsed", reason="line 7, column 2: unknown command \\foo"),
    )
    return CheckReport((DerivationReport("notes.md", steps), DerivationReport("good.md", steps[:2])))


def test_text_marks_every_step_and_the_first_wrong_one():
    out = render(_report(), "text")
    assert "notes.md: first wrong step: #3 (JSON index 2), line 5 (refuted)" in out
    assert "good.md: no wrong step found" in out
    first = [line for line in out.splitlines() if line.startswith("»")]
    assert len(first) == 1 and MARK["refuted"] in first[0]
    assert "p_data = Normal(0, 1), p_g = Normal(1, 1), D = σ(1/2 − x)" in out
    assert "left side -0.52, right side -0.31" in out
    for mark in "✓✗?∅":
        assert mark in out
    assert "Conventions:" in out and "natural logarithm" in out


def test_json_is_the_contract_schema():
    data = json.loads(render(_report(), "json"))
    assert data["schema"] == "gantheory.check/1"
    assert [d["first_wrong"] for d in data["documents"]] == [2, None]
    step = data["documents"][0]["steps"][2]
    assert set(step) == {"index", "line", "relation", "lhs", "rhs", "verdict", "rule", "reason", "counterexample"}
    assert step["counterexample"]["p_g"] == "Normal(1, 1)" and "plot" not in step["counterexample"]


def test_markdown_typesets_math_and_highlights_the_first_wrong_step():
    out = render(_report(), "md")
    assert r"$V(G, D) = \mathbb{E}_{x\sim p_{data}}[\log D(x)]$" in out
    assert "**✗ first wrong step**" in out and out.count("first wrong step**") == 1
    assert "Counterexample with p_data = Normal(0, 1)" in out
    assert "`\\foo{ = b`" in out  # unparsed: shown as code, not handed to a math renderer


def test_html_is_self_contained_with_mathml_and_the_integrand_plot():
    out = render(_report(), "html")
    assert out.startswith("<!doctype html>") and "<script" not in out and "http" not in out.replace(
        "http://www.w3.org", "")
    assert out.count("class='refuted first'") == 1
    assert "<math" in out and "<svg" in out and "left side" in out
    # Negative control: no plot data, no plot.
    assert "<svg" not in render(_report(plot=False), "html")


def test_unknown_format_names_the_parameter():
    assert FORMATS == ("text", "json", "md", "html")
    with pytest.raises(GanTheoryError, match="fmt"):
        render(_report(), "pdf")


@pytest.mark.parametrize("fmt", FORMATS)
def test_empty_reports_render(fmt):
    # A file with no math and a run with no file are reported, not crashed on.
    for report in (CheckReport(()), CheckReport((DerivationReport("empty.md", ()),))):
        out = render(report, fmt)
        assert isinstance(out, str) and out
    assert "no steps found" in render(CheckReport((DerivationReport("empty.md", ()),)), "text")
