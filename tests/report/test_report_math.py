"""LaTeX → MathML for the reports (gantheory/report/math.py)."""

from __future__ import annotations

import re

import pytest

from gantheory.report.math import available, prepare, to_markdown_math, to_mathml

pytestmark = pytest.mark.skipif(not available(), reason="latex2mathml is not installed")


@pytest.mark.parametrize("latex", [
    r"\mathbb{E}_{x\sim p_{data}}\left[\log D(x)\right]",
    r"\mathbb E_{z\sim p_z} \log(1-D(G(z)))",
    r"p_\text{data}(x)\,dx",
    r"C(G) \triangleq \max_D V(G,D)",
    r"\operatorname*{arg\,max}_{y \in (0,1)} f(y)",
    r"D_{KL}(P\|Q) + JSD(P||Q)",
    r"L_m(D) \xrightarrow{m\to\infty} V",
    r"\frac{1}{m}\sum_{i=1}^m \log D(x^{(i)})",
    r"f(y) \coloneqq a \log y \nonumber \label{eq:f}",
])
def test_corpus_notation_is_typeset(latex):
    out = to_mathml(latex)
    assert out.startswith("<math") and "<code>" not in out
    assert "\\" not in re.sub(r"<annotation.*?</annotation>", "", out)  # no LaTeX command left untranslated


def test_operator_words_are_upright_and_arrows_are_not_overlapping():
    assert r"\mathrm{arg\,max}" in prepare(r"\operatorname*{arg\,max}_y f")
    assert r"\mathrm{arg\,max}" in prepare(r"\arg\max_D V")
    assert r"p_{\mathrm{data}}" in prepare(r"p_{data}")
    assert r"p_{\text{data}}" in prepare(r"p_{\text{data}}")  # already upright: left alone
    assert r"\overset{m\to\infty}{\longrightarrow}" in prepare(r"\xrightarrow{m\to\infty}")
    assert "&#x0223C;" in to_mathml(r"x \sim p")  # ∼ is an operator, not the identifier "~"


def test_markdown_escapes_are_undone():
    assert prepare(r"p\_{data}") == r"p_{\mathrm{data}}"
    assert to_markdown_math("p\\_g(x) \\label{a}\n + 1") == "$p_g(x) + 1$"
    assert to_markdown_math("x", display=True) == "$$x$$"
    assert to_markdown_math("  ") == ""


def test_unreadable_latex_falls_back_to_code():
    # Negative control: a formula latex2mathml cannot read is shown as code, never raises.
    out = to_mathml(r"\frac{a}{")
    assert out.startswith("<code>") and "\\frac{a}{" in out
    assert to_mathml("") == ""
