"""Hypotheses in the prose (review 4, item 1a): a step stated under "if …, then", "when …", "for $…$", "at …",
"start from …" is checked under its hypothesis (a substitution the checker applies) or, when the checker
cannot apply it, never refuted for what only the hypothesis makes true; and it never defines a name for
the rest of the document. Each repaired false refutation has a negative control that must stay refuted."""

from __future__ import annotations

from pathlib import Path

from gantheory.derivation_check import check_derivation
from gantheory.derivation_check.extract import math_blocks
from gantheory.derivation_check.prose import scopes

REAL = Path(__file__).resolve().parents[1] / "derivations" / "real"


def verdicts(text_or_path) -> list[str]:
    return [s.verdict for s in check_derivation(text_or_path).steps]


def places(text: str):
    return scopes(text, math_blocks(text))


# --- the prose reader -----------------------------------------------------------------------------------------

def test_condition_and_consequence_of_if_then():
    p = places(r"If $p_g = p_{data}$, then $C(G) = -\log 4$. In general $a = b$.")
    assert [s.role for s in p] == ["condition", "claim", "claim"]
    assert p[1].markers == ("If",) and p[1].conditions == (0,)
    assert not p[2].hypothetical  # the full stop ends the hypothesis


def test_a_weak_marker_needs_a_formula_with_a_relation():
    assert not places(r"for every real $t$, $\sigma(t) > 0$")[1].hypothetical
    assert places(r"For $m = n$, $a = b$")[1].markers == ("For",)


def test_a_display_inside_the_sentence_is_in_scope_and_a_semicolon_ends_it():
    p = places("When both are optimal, we have $$p_g = p_r$$ and the loss becomes:\n\n$$L = 1$$\n\nThus, $$L = 2$$")
    assert p[1].hypothetical and p[1].earlier == (0,) and p[1].prose_only
    assert not p[2].hypothetical
    assert not places(r"Only for $m = n$ is this $D$; otherwise $x = y$")[2].hypothetical


def test_start_from_and_show_mark_a_hypothesis_and_a_goal():
    p = places(r"we must start from $C(G) = -\log 4$ and show $p_g = p_{data}$.")
    assert [s.role for s in p] == ["condition", "goal"]


# --- the checker under hypotheses -----------------------------------------------------------------------------

def test_if_then_is_checked_under_its_hypothesis():
    """"If $p_g = p_{data}$, then $C(G) = -\\log 4$" was refuted with p_g = N(1, 1), against its own hypothesis."""
    steps = check_derivation(REAL / "hypothesis_poison.md").steps
    assert [s.verdict for s in steps] == ["verified", "verified"]
    assert "under the hypothesis p_g = p_{data}" in steps[0].rule


def test_if_then_negative_control_is_refuted_on_a_pair_that_obeys_the_hypothesis():
    step = check_derivation(r"If $p_g = p_{data}$, then $C(G) = -\log 2$.").steps[0]
    assert step.verdict == "refuted"
    cx = step.counterexample.to_dict()
    assert cx["p_g"] == cx["p_data"]  # the pair satisfies p_g = p_data
    assert abs(cx["lhs"] - (-1.3862943611198906)) < 1e-8 and abs(cx["rhs"] - (-0.6931471805599453)) < 1e-8


def test_an_equation_under_a_hypothesis_is_not_a_definition():
    """conditional_def.md: "When $p_g = p_{data}$, $D^*(x) = 1/2$" is checked (true there) and D^* stays
    p_data/(p_data + p_g) for the JSD step after it."""
    assert verdicts(REAL / "conditional_def.md") == ["verified"] * 4
    wrong = (REAL / "conditional_def.md").read_text().replace("D^*(x) = 1/2", "D^*(x) = 1/3")
    assert verdicts(wrong)[1] == "refuted"


def test_a_value_under_a_hypothesis_in_words_is_not_a_definition():
    text = ("If the generator is optimal, then $D^*(x) = 1/2$.\n\n"
            r"$$D^*(x) = \frac{p_{data}(x)}{p_{data}(x) + p_g(x)}$$" "\n\n"
            r"$$\mathbb{E}_{x\sim p_{data}}[\log D^*(x)] + \mathbb{E}_{x\sim p_g}[\log(1 - D^*(x))] = "
            r"2\,\mathrm{JSD}(p_{data}\|p_g) - \log 4$$")
    v = verdicts(text)
    assert v[0] == "unchecked" and v[1:] == ["verified", "verified"]
    # negative control: the same value stated as a fact defines D^*, and the JSD step is then refuted
    assert "refuted" in verdicts(text.replace("If the generator is optimal, then", "We have"))


def test_a_condition_that_cannot_be_applied_leaves_its_consequence_unchecked():
    """Goodfellow's proof: "at $D^*_G(x) = 1/2$, we find $C(G) = \\log\\frac12 + \\log\\frac12$" (true only when
    p_g = p_data) is not refuted; the later, general steps are still verified."""
    steps = check_derivation(REAL / "goodfellow_thm1_nomacro.tex").steps
    assert not [s for s in steps if s.wrong]
    c = next(s for s in steps if s.rhs.startswith(r"\log \frac{1}{2} + \log"))
    assert c.verdict == "unchecked" and "hypothesis" in c.rule and "false without it" in c.reason
    assert [s.verdict for s in steps[-2:]] == ["verified", "verified"]


def test_start_from_is_a_hypothesis_not_a_definition():
    assert verdicts(REAL / "hypothesis_as_definition.md") == ["unchecked", "verified"]
    # negative control: the general statement with a wrong constant is still refuted
    wrong = (REAL / "hypothesis_as_definition.md").read_text().replace(r"-\log 4 + 2", r"-\log 2 + 2")
    assert verdicts(wrong)[1] == "refuted"


def test_real_posts_with_hypotheses_have_no_false_refutation():
    """Lilian Weng's GAN post and a Chinese blog post: every refutation left is a real error. In Weng's post that
    is the derivative written with 1/ln 10 (log base 10) against the stated natural-log convention."""
    weng = check_derivation(REAL / "weng_gan.md").steps
    assert [s.line for s in weng if s.wrong] == [33]
    last = weng[-1]
    assert last.rhs.startswith("2D_{JS}") and last.verdict == "verified"
    assert not [s for s in check_derivation(REAL / "zh_blog.md").steps if s.wrong]


def test_where_is_not_a_hypothesis():
    """"the value at the optimum is $$…$$" names a point and "vanishes only at $y = a/(a+b)$" gives a value: a
    wrong step after them is still refuted (the corpus's prop1 documents)."""
    assert not places(r"Plugging it back, the value at the optimum is $$V = 1$$")[0].hypothetical
    assert places(r"At the optimum, $$V = 1$$")[0].markers == ("At the optimum",)
    text = ("which vanishes only at $y = \\frac{a}{a + b}$, and\n"
            "\\begin{align}\nf''(y) &= \\frac{a}{y^2} - \\frac{b}{(1 - y)^2} < 0 ,\n\\end{align}\n")
    assert "refuted" in verdicts(r"$$f(y) \triangleq a \log y + b \log(1 - y)$$" "\n" + text)


def test_a_formula_given_as_a_hypothesis_still_introduces_its_name():
    """"Suppose $f(y) = a\\log y + b\\log(1-y)$" introduces f (a formula in its argument); a value or a standard
    name stated as a hypothesis does not (see the tests above)."""
    text = (r"Suppose $f(y) = a\log y + b\log(1 - y)$. Then $f'(y) = \frac{a}{y} - \frac{b}{1 - y}$." "\n\n"
            r"$$f'(y) = \frac{a}{y} + \frac{b}{1 - y}$$")
    assert verdicts(text) == ["verified", "verified", "refuted"]
