"""check_derivation: one verdict per step, each honest — a rule for every verification, a counterexample
recomputed here by an independent route for every refutation, scope errors without evaluation, unparsed
with line and column, never a crash."""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path

import pytest
import sympy as sp

from gantheory.derivation_check import check_derivation, check_documents
from gantheory.derivation_check.model import SCHEMA, VERDICTS

THM1 = r"""
$$C(G) = \max_D V(G, D)$$
$$= \mathbb{E}_{x \sim p_{data}}[\log D^*_G(x)] + \mathbb{E}_{x \sim p_g}[\log(1 - D^*_G(x))]$$
$$= -\log 4 + 2 \cdot JSD(p_{data} \| p_g)$$
"""


def verdicts(text: str) -> list[str]:
    return [s.verdict for s in check_derivation(text).steps]


def test_theorem_1_route_verified_with_rules():
    report = check_derivation(THM1)
    assert [s.verdict for s in report.steps] == ["verified"] * 3
    assert report.first_wrong is None
    rules = report.steps[1].rule + report.steps[2].rule
    assert "pointwise maximisation inside an integral" in rules
    assert "JSD" in report.steps[2].rule and "normalisation" in report.steps[2].rule


def test_theorem_1_wrong_constant_refuted_with_recomputable_densities():
    """Negative control of the route above: log 2 for log 4. The counterexample's two sides are
    recomputed by gantheory.quadrature (criterion and js_divergence: another route than the checker's
    pointwise integrands)."""
    from gantheory.densities import Normal
    from gantheory.quadrature import criterion, js_divergence

    report = check_derivation(THM1.replace(r"-\log 4", r"-\log 2"))
    assert report.first_wrong == 2
    step = report.steps[2]
    assert step.verdict == "refuted"
    cx = step.counterexample.to_dict()
    assert cx["kind"] == "densities" and cx["method"] == "certified quadrature"
    p, q = (Normal(*map(float, name[len("Normal("):-1].split(","))) for name in (cx["p_data"], cx["p_g"]))
    # lhs = C(G) at the optimum; rhs = -log 2 + 2 JSD; tolerance 1e-8: both certified to 1e-10
    assert cx["lhs"] == pytest.approx(criterion(p, q).value, abs=1e-8)
    assert cx["rhs"] == pytest.approx(-math.log(2) + 2 * js_divergence(p, q).value, abs=1e-8)


def test_lotus_and_expectation_rules():
    ok = r"$$\mathbb E_{z\sim p_z}\left[\log(1-D(G(z)))\right] = \mathbb E_{x\sim p_g}\left[\log(1-D(x))\right]$$"
    step = check_derivation(ok).steps[0]
    assert step.verdict == "verified" and "LOTUS" in step.rule
    # negative control: the wrong density under E is refuted on a density pair with a generator
    bad = ok.replace(r"x\sim p_g", r"x\sim p_{data}")
    step = check_derivation(bad).steps[0]
    assert step.verdict == "refuted" and step.counterexample.kind == "densities"


def test_algebra_refuted_with_numbers_that_recompute():
    report = check_derivation(r"$$\log(ab) = \log a - \log b$$")
    step = report.steps[0]
    assert step.verdict == "refuted"
    cx = step.counterexample
    values = {k: sp.Rational(str(v)) for k, v in cx.values.items()}
    a, b = sp.symbols("a b")
    assert float(sp.log(a * b).subs(values)) == pytest.approx(cx.lhs, rel=1e-12)
    assert float((sp.log(a) - sp.log(b)).subs(values)) == pytest.approx(cx.rhs, rel=1e-12)
    assert verdicts(r"$$\log(ab) = \log a + \log b$$") == ["verified"]


def test_derivative_of_a_function_defined_earlier():
    text = r"""
$$f(y) \triangleq a \log y + b \log(1 - y), \qquad y \in (0, 1)$$
$$f'(y) = \frac{a}{y} - \frac{b}{1 - y}$$
"""
    assert verdicts(text) == ["verified", "verified"]
    assert "derivative of f defined earlier" in check_derivation(text).steps[1].rule
    wrong = verdicts(text.replace(r"- \frac{b}{1 - y}", r"+ \frac{b}{1 - y}"))
    assert wrong == ["verified", "refuted"]


def test_argmax_and_its_negative_scale():
    ok = r"$$\arg\max_{y} \left[p_{data}(x) \log y + p_g(x) \log(1 - y)\right] = \frac{p_{data}(x)}{p_{data}(x) + p_g(x)}$$"
    step = check_derivation(ok).steps[0]
    assert step.verdict == "verified" and "a/(a+b)" in step.rule
    # argmax of a negatively scaled objective: no interior maximum, never verified
    bad = ok.replace(r"\left[p_{data}", r"-\left[p_{data}")
    assert check_derivation(bad).steps[0].verdict != "verified"


def test_inequality_by_jensen_and_its_control():
    ok = r"$$-\log 4 + 2\,\mathrm{JSD}(p_{data}\|p_g) \ge -\log 4$$"
    step = check_derivation(ok).steps[0]
    assert step.verdict == "verified" and "Jensen" in step.rule
    bad = check_derivation(ok.replace(r"\ge -\log 4", r"\ge -\log 2")).steps[0]
    assert bad.verdict == "refuted" and bad.counterexample is not None


def test_law_of_large_numbers():
    text = r"$$\frac{1}{m}\sum_{i=1}^m \log D(x^{(i)}) \xrightarrow{m\to\infty} \mathbb{E}_{x\sim p_{data}}[\log D(x)]$$"
    step = check_derivation(text).steps[0]
    assert step.verdict == "verified" and "law of large numbers" in step.rule
    assert check_derivation(text.replace(r"\log D(x)]", r"\log(1 - D(x))]")).steps[0].verdict == "refuted"


@pytest.mark.parametrize("text", [
    r"$$\mathbb{E}_{y\sim q}[h(t)] = h(t)$$",  # t used outside its binder
    r"$$L(w) = \min_w \mathbb{E}_{x\sim p_{data}}[(w - x)^2]$$",  # w free on the left, bound on the right
    r"$$\int p_{data}(z) \log D(x) \, dx = 0$$",  # a density applied to the wrong variable
])
def test_ill_formed_without_evaluating(text):
    step = check_derivation(text).steps[0]
    assert step.verdict == "ill_formed"
    assert step.counterexample is None and step.reason


def test_idioms_that_only_look_ill_formed():
    goodfellow = (r"$$\min_G \max_D V(D, G) = \mathbb{E}_{x \sim p_{data}}[\log D(x)] "
                  r"+ \mathbb{E}_{z \sim p_z}[\log(1 - D(G(z)))]$$")
    assert verdicts(goodfellow) == ["verified"]  # defines V and states the game
    assert verdicts(r"$$D^* = \arg\max_D V(G, D)$$") == ["verified"]


def test_unparsed_names_line_column_and_goes_on():
    text = "intro\n\n$$a = b \\weirdmacro c$$\n\n$$\\log(ab) = \\log a + \\log b$$\n"
    report = check_derivation(text)
    assert [s.verdict for s in report.steps] == ["unparsed", "verified"]
    assert report.steps[0].line == 3 and "line 3, column" in report.steps[0].reason
    assert "weirdmacro" in report.steps[0].reason


def test_unchecked_names_the_rule_it_needs():
    step = check_derivation(r"$$\prod_{i=1}^m D(x^{(i)}) = \exp \sum_{i=1}^m \log D(x^{(i)})$$").steps[0]
    assert step.verdict == "unchecked" and step.rule


@pytest.mark.parametrize("garbage", ["", "$$", "$$ = = $$", "\\begin{align} & \\\\ \\end{align}", "$a=$", "$$\\frac{$$"])
def test_never_a_crash(garbage):
    report = check_derivation(garbage)
    assert all(s.verdict in VERDICTS for s in report.steps)


def test_json_contract(tmp_path):
    path = tmp_path / "notes.md"
    path.write_text(THM1.replace(r"-\log 4", r"-\log 2"), encoding="utf-8")
    data = json.loads(check_documents([path]).to_json())
    assert data["schema"] == SCHEMA == "gantheory.check/1"
    doc = data["documents"][0]
    assert set(doc) == {"path", "first_wrong", "counts", "steps"}
    assert set(doc["counts"]) == set(VERDICTS)
    assert set(doc["steps"][0]) == {"index", "line", "relation", "lhs", "rhs", "verdict", "rule", "reason",
                                    "counterexample"}
    assert doc["first_wrong"] == 2 and doc["steps"][2]["line"] == 4
    assert doc["steps"][2]["rhs"] == r"-\log 2 + 2 \cdot JSD(p_{data} \| p_g)"


def test_argmax_of_a_negatively_scaled_objective_is_refuted_with_numbers():
    text = (r"$$\arg\max_{y} \left[p_{data}(x) \log y + p_g(x) \log(1 - y)\right] "
            r"= \arg\max_{y} -2\left[p_{data}(x) \log y + p_g(x) \log(1 - y)\right]$$")
    step = check_derivation(text).steps[0]
    assert step.verdict == "refuted"
    cx = step.counterexample
    p, q = cx.values["p_data(x)"], cx.values["p_g(x)"]
    assert cx.lhs == pytest.approx(p / (p + q), rel=1e-9)  # the left side's maximiser, recomputed
    assert cx.rhs > 0.99 or cx.rhs < 0.01  # the right side's objective is best at the boundary


def test_a_side_undefined_on_a_pair_refutes_when_the_other_is_a_real_number():
    """log(p/(p − q)) is undefined where p < q: the left side is a finite real number on the pair and the
    right has no value, so the equation is false there. The counterexample names the point x and the
    quantity that is negative there, and both are recomputed here from scipy's normal pdf (an
    independent route); no value is ever computed through complex numbers and the JSON has no NaN."""
    from scipy.stats import norm

    text = (r"$$\mathbb{E}_{x \sim p_{data}}\left[\log \frac{p_{data}(x)}{p_{data}(x) + p_g(x)}\right] = "
            r"\mathbb{E}_{x \sim p_{data}}\left[\log \frac{p_{data}(x)}{p_{data}(x) - p_g(x)}\right]$$")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        report = check_derivation(text)
    step = report.steps[0]
    assert step.verdict == "refuted"
    cx = step.counterexample
    assert cx.kind == "densities" and (cx.p_data, cx.p_g) == ("Normal(0, 1)", "Normal(1, 1)")
    assert cx.rhs is None and math.isfinite(cx.lhs)
    u = cx.undefined
    assert u["side"] == "right" and u["expression"] == "p_data(x) − p_g(x)"
    recomputed = norm.pdf(u["x"], 0, 1) - norm.pdf(u["x"], 1, 1)
    assert recomputed < 0 and u["value"] == pytest.approx(recomputed, rel=1e-9)
    # the left side: E_p[log(p/(p+q))], by scipy quad (another route than the checker's quadrature)
    from scipy.integrate import quad

    left = quad(lambda x: norm.pdf(x) * math.log(norm.pdf(x) / (norm.pdf(x) + norm.pdf(x, 1))), -30, 30)[0]
    assert cx.lhs == pytest.approx(left, abs=1e-7)
    out = json.loads(json.dumps(step.to_dict(), allow_nan=False))["counterexample"]
    assert out["rhs"] is None and out["undefined"]["x"] == u["x"]
    assert "right side undefined (at x = " in step.reason and "< 0" in step.reason


def test_both_sides_undefined_on_every_pair_stay_unchecked():
    """Negative control of the test above: log(p − q) and log(p − 2q) are both undefined somewhere on
    every pair; nothing a reader can recompute separates them, so the step stays unchecked with the reason."""
    text = r"$$\int p(x)\log\left(p(x) - q(x)\right)dx = \int p(x)\log\left(p(x) - 2q(x)\right)dx$$"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        step = check_derivation(text).steps[0]
    assert step.verdict == "unchecked" and step.counterexample is None
    assert "not a real number" in step.reason and "internal" not in step.reason


def test_a_log_of_a_quantity_positive_on_the_pair_is_not_affected():
    """A correct step whose log takes p + q (positive everywhere) is verified, never refuted as undefined."""
    text = (r"$$\int p(x)\log\frac{p(x)}{p(x) + q(x)}dx = \int p(x)\log p(x)dx - "
            r"\int p(x)\log\left(p(x) + q(x)\right)dx$$")
    step = check_derivation(text).steps[0]
    assert step.verdict != "refuted", step.reason
    assert step.counterexample is None


def test_a_complex_side_on_one_pair_lets_another_pair_refute():
    """Negative control of the test above: log(p − q/2) is real where p > q/2 but not on every pair; a wrong
    step is still refuted, on a pair where both sides are real, with finite sides."""
    text = (r"$$\int p(x)\log\left(p(x) + q(x)\right)dx = \int p(x)\log\left(p(x) + 2q(x)\right)dx$$")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        step = check_derivation(text).steps[0]
    assert step.verdict == "refuted"
    assert math.isfinite(step.counterexample.lhs) and math.isfinite(step.counterexample.rhs)


def test_mutants_of_the_align_chain_raise_no_numpy_warning():
    """Regression: checking prop1_align's faulty variants cast complex values to real (numpy
    ComplexWarning). With every warning an error, no step may fail inside the checker, and no
    counterexample may carry an undefined (NaN) side."""
    from pathlib import Path

    from gantheory.derivation_check.mutations import corpus_mutations

    corpus = Path(__file__).resolve().parents[1] / "derivations" / "correct"
    # the two whose right side took the log of a negative quantity (refuted on a NaN before), and a sample
    named = ("prop1_align.md:sign_flip:14:86", "prop1_align.md:lookalike_integrand:14:79")
    align = [m for m in corpus_mutations(corpus) if m.name.startswith("prop1_align")]
    mutants = [m for m in align if m.name in named or m in align[::4]]
    assert {m.name for m in mutants} >= set(named)
    assert mutants
    for m in mutants:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            report = check_derivation(m.text)
        for step in report.steps:
            assert not step.reason.startswith("internal"), (m.name, step.reason)
            if step.counterexample is not None:
                cx = step.counterexample
                for v in (cx.lhs, cx.rhs):  # a side is a number (never NaN), or None with the point named
                    assert (v is None and cx.undefined is not None) or not math.isnan(v), (m.name, step.index)


# Causes found on real write-ups (the texts below are written for these tests).
_GAME = (r"$$\min_G \max_D V(D, G) = \mathbb{E}_{x \sim p_{data}}[\log D(x)] + "
         r"\mathbb{E}_{z \sim p_z}[\log(1 - D(G(z)))]$$" "\n\n")


def test_the_game_stated_twice_is_not_an_equation_to_refute():
    """Regression: a note that repeats Goodfellow's Eq. 1 had its second statement read as
    min_G max_D V = V and refuted."""
    again = (r"$$\min_{G}\,\max_{D}\;V(D,G) \;=\; \mathbb{E}_{x\sim p_{\mathrm{data}}(x)}\bigl[\log D(x)\bigr] "
             r"+ \mathbb{E}_{z\sim p_{z}(z)}\bigl[\log\bigl(1 - D(G(z))\bigr)\bigr]$$")
    steps = check_derivation(_GAME + again).steps
    assert [s.verdict for s in steps] == ["verified", "verified"]
    assert "stated again" in steps[1].rule


def test_the_game_stated_again_with_another_value_function_is_refuted():
    # Negative control: the restatement contradicts V's definition (a sign flipped).
    again = (r"$$\min_G \max_D V(D, G) = \mathbb{E}_{x \sim p_{data}}[\log D(x)] - "
             r"\mathbb{E}_{z \sim p_z}[\log(1 - D(G(z)))]$$")
    step = check_derivation(_GAME + again).steps[1]
    assert step.verdict == "refuted" and step.counterexample is not None


_OPTIMUM = r"$$D^{*}_{G}(x) = \frac{p_{data}(x)}{p_{data}(x) + p_g(x)}$$" "\n\n"


def test_a_braced_star_and_a_bare_d_star_name_the_defined_optimum():
    """Regression: ``D^{*}_{G}`` was unparsed (a braced star), and a later ``D^*(x)`` was then given the
    arbitrary discriminator σ(1/2 − x), which refuted a correct step."""
    text = _OPTIMUM + (r"$$\max_D V(G, D) = \mathbb{E}_{x\sim p_{data}}[\log D^*(x)] + "
                       r"\mathbb{E}_{x\sim p_g}[\log(1 - D^*(x))]$$")
    steps = check_derivation(_GAME + text).steps
    assert [s.verdict for s in steps] == ["verified"] * 3


def test_a_wrong_value_of_the_defined_optimum_is_still_refuted():
    # Negative control: the same chain with the optimum's value written wrongly.
    text = _OPTIMUM + (r"$$\mathbb{E}_{x\sim p_{data}}[\log D^*(x)] = "
                       r"\mathbb{E}_{x\sim p_{data}}\left[\log \frac{p_{data}(x)}{2 p_g(x)}\right]$$")
    step = check_derivation(text).steps[-1]
    assert step.verdict == "refuted" and step.counterexample.D is None


def test_an_undefined_optimum_is_never_given_an_arbitrary_discriminator():
    text = _GAME + (r"$$\max_D V(G, D) = \mathbb{E}_{x\sim p_{data}}[\log D^*(x)] + "
                    r"\mathbb{E}_{x\sim p_g}[\log D^*(x)]$$")
    step = check_derivation(text).steps[-1]
    assert step.verdict != "refuted"


@pytest.mark.parametrize(("rhs", "verdict"), [(r"\log 2", "verified"), (r"-\log 4", "refuted"), (r"2\log 2", "refuted")])
def test_pointwise_sup_at_the_boundary_is_integrated(rhs, verdict):
    """max_D ∫ p log D + q log(1 + D): the stationary point −p/(p+q) lies outside (0, 1), so the sup is the
    boundary value q·log 2 at D → 1, integrated: log 2 (normalisation). Regression: the stationary point was
    taken although outside (0, 1), then the boundary value was compared pointwise without its integral (a
    correct step refuted by 'numbers')."""
    text = ("$$\\max_D \\int p_{data}(x)\\log D(x) + p_g(x)\\log(1+D(x))\\,dx = " + rhs + "$$\n")
    (step,) = check_derivation(text).to_dict()["steps"]
    assert step["verdict"] == verdict
    if verdict == "verified":
        assert "limit at the boundary" in step["rule"]
    else:
        assert step["counterexample"]["kind"] == "densities"
        assert step["counterexample"]["lhs"] == pytest.approx(math.log(2), abs=1e-9)


# --- review 4 -------------------------------------------------------------------------------------------------

REAL = Path(__file__).resolve().parents[1] / "derivations" / "real"


def test_contradicting_a_standard_definition_prints_each_side_with_its_own_value():
    """`D^*_G(x) = p_g/(p_data + p_g)` (a planted swap): the left side is D*_G under Prop. 1 (p_data/(p_data+p_g)),
    the right side the written formula; the values were printed the other way round."""
    step = check_derivation(REAL / "plant_dstar.md").steps[0]
    assert step.verdict == "refuted"
    cx = step.counterexample.to_dict()
    p, q = cx["values"]["p_data(x)"], cx["values"]["p_g(x)"]
    assert cx["lhs"] == pytest.approx(p / (p + q)) and cx["rhs"] == pytest.approx(q / (p + q))


def test_a_formula_with_a_range_remark_is_checked_not_dropped():
    """`$$D^*(x) = \\frac{p_r}{p_r + p_g} \\in [0, 1]$$` was silently dropped (no steps found); a wrong one is refuted."""
    ok = check_derivation(REAL / "dropped3.md")
    assert [s.verdict for s in ok.steps] == ["verified"] and ok.steps[0].rule == "definition"
    bad = check_derivation(
        r"$$D^*_G(x) = \frac{p_g(x)}{p_{data}(x) + p_g(x)} \in [0, 1]$$")
    assert [s.verdict for s in bad.steps] == ["refuted"]


def test_an_unclosed_bracket_in_an_aligned_block_reports_the_block():
    steps = check_derivation(REAL / "dropped1.md").steps
    assert [s.verdict for s in steps] == ["verified", "unparsed"]
    assert "line 5" in steps[1].reason


def test_a_generator_bound_on_one_side_and_free_on_the_other_is_ill_formed():
    """`\\max_G V(G,D) = 2JSD − \\log 4` (a real typo for \\max_D, emptymalei/deep-learning) was left unchecked: G is
    bound on the left and the right side depends on G through p_g. The game statement \\min_G\\max_D V = E… and
    the correct \\max_D line are not scope errors."""
    steps = check_derivation(REAL / "maxG.md").steps
    assert [s.verdict for s in steps] == ["ill_formed", "verified", "refuted"]
    assert "G is bound on the left" in steps[0].reason and "p_g" in steps[0].reason
    real = check_derivation(REAL / "emptymalei_gan.md").steps
    assert real[0].verdict != "ill_formed" and real[0].lhs.startswith(r"\underset")
    assert real[-1].verdict == "ill_formed"


def test_a_counterexample_lies_where_the_steps_own_logs_are_defined():
    """d/dy (a log y + b log(1 − y)) = a/y + b/(1 − y) was refuted at y = 1.032, where log(1 − y) has no value
    (and Weng's x̃ at −0.318 for log x̃): the point is now drawn from (0, 1), and both sides recomputed there."""
    wrong = r"$$\frac{d}{dy}\left(a\log y + b\log(1-y)\right) = \frac{a}{y} + \frac{b}{1-y}$$"
    step = check_derivation(wrong).steps[0]
    assert step.verdict == "refuted"
    v = step.counterexample.values
    a, b, y = v["a"], v["b"], v["y"]
    assert 0 < y < 1
    assert step.counterexample.lhs == pytest.approx(a / y - b / (1 - y))
    assert step.counterexample.rhs == pytest.approx(a / y + b / (1 - y))
    assert verdicts(wrong.replace(r"+ \frac{b}{1-y}", r"- \frac{b}{1-y}")) == ["verified"]
    weng = next(s for s in check_derivation(REAL / "weng_gan.md").steps if s.line == 33)
    assert 0 < weng.counterexample.values["x_tilde"] < 1
