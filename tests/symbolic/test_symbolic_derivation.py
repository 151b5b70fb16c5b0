"""The step checkers and the Derivation/Step data types of gantheory.symbolic.derivation.

Every checker is tested on a true relation (accepted) and a false one (its negative control, rejected).
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import sympy as sp

from gantheory.errors import GanTheoryError
from gantheory.symbolic.derivation import (
    Derivation,
    Step,
    check_equal,
    check_limit,
    check_not_equal,
    check_sign,
    equal_step,
    numbers_step,
    sign_step,
)

p, q = sp.symbols("p q", positive=True)
y = sp.Symbol("y", positive=True)
x = sp.Symbol("x", real=True)
UNIT = {y: sp.Interval.open(0, 1)}


# --- check_equal ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "lhs, rhs",
    [
        (p / (p + q) + q / (p + q), sp.Integer(1)),
        (sp.log(p * q), sp.log(p) + sp.log(q)),  # needs positivity: expand_log without force
        (sp.log(1 + sp.exp(x)), -sp.log(1 - 1 / (1 + sp.exp(-x)))),  # softplus(a) = -log(1 - sigma(a))
    ],
)
def test_check_equal_proves_identities_exactly(lhs, rhs):
    assert check_equal(lhs, rhs) == ("sympy", "proved", "lhs - rhs simplifies to 0")


def test_check_equal_uses_interval_assumptions():
    # |y - 1| = 1 - y holds only for y < 1: true on the unit interval, false on y > 0.
    assert check_equal(sp.Abs(y - 1), 1 - y, UNIT).outcome == "proved"
    assert check_equal(sp.Abs(y - 1), 1 - y).outcome == "failed"


def test_check_equal_falls_back_to_numeric_when_sympy_cannot_decide():
    # log W(p) + W(p) = log p (from W e^W = p): sympy's simplify does not reach 0 and equals() even
    # answers False, so the identity is checked at 40 digits and marked "numeric".
    verdict = check_equal(sp.log(sp.LambertW(p)) + sp.LambertW(p), sp.log(p))
    assert verdict.method == "numeric" and verdict.outcome == "proved"


def test_check_equal_numeric_rejects_a_near_identity():
    # Negative control for the numeric route: off by 1e-20, far above the 1e-25 rtol.
    verdict = check_equal(sp.log(sp.LambertW(p)) + sp.LambertW(p), sp.log(p) + sp.Float("1e-20", 40))
    assert verdict.outcome == "failed" and "counterexample" in verdict.detail


@pytest.mark.parametrize("wrong", [p / (p + 2 * q), q / (p + q), sp.Rational(1, 2)])
def test_check_equal_rejects_wrong_optimal_discriminators(wrong):
    assert check_equal(p / (p + q), wrong).outcome == "failed"


def test_check_equal_nonzero_constant_is_an_exact_failure():
    assert check_equal(sp.log(4), sp.log(2)) [:2] == ("sympy", "failed")


def test_check_not_equal():
    assert check_not_equal(-sp.log(y), sp.log(1 - y), UNIT).outcome == "proved"
    assert check_not_equal(sp.log(p * q), sp.log(p) + sp.log(q)).outcome == "failed"


def test_check_equal_undecided_when_no_point_is_admissible():
    # sqrt(-p) is never real for p > 0: no admissible point, so neither proved nor failed.
    verdict = check_equal(sp.sqrt(-p - 1) * sp.LambertW(p), sp.Integer(0), exact=False)
    assert verdict.outcome == "undecided"


# --- check_sign / check_limit -------------------------------------------------------------------------


def test_check_sign_exact_on_the_unit_interval():
    second_derivative = -p / y**2 - q / (1 - y) ** 2
    assert check_sign(second_derivative, "<", UNIT) [:2] == ("sympy", "proved")
    assert check_sign(sp.log(y), "<", UNIT).outcome == "proved"
    # Negative control: log y > 0 is false on (0, 1).
    assert check_sign(sp.log(y), ">", UNIT).outcome == "failed"


def test_check_sign_numeric_fallback_and_its_control():
    # u log u - u + 1 >= 0 (Gibbs) is beyond sympy's assumption system.
    gibbs = p * sp.log(p) - p + 1
    assert check_sign(gibbs, "≥") [:2] == ("numeric", "proved")
    assert check_sign(gibbs - sp.Rational(1, 10), "≥").outcome == "failed"


def test_check_sign_rejects_unknown_relation():
    with pytest.raises(GanTheoryError, match="relation"):
        check_sign(p, "=>")


def test_check_limit():
    sigma = 1 / (1 + sp.exp(-x))
    assert check_limit(-sigma, x, -sp.oo, 0).outcome == "proved"
    assert check_limit(-(1 - sigma), x, -sp.oo, 0).outcome == "failed"


# --- Step / Derivation --------------------------------------------------------------------------------


def test_step_validates_its_fields():
    with pytest.raises(GanTheoryError, match="method"):
        Step("t", "j", p, q, "guess", "proved")
    with pytest.raises(GanTheoryError, match="outcome"):
        Step("t", "j", p, q, "sympy", "maybe")
    with pytest.raises(GanTheoryError, match="relation"):
        Step("t", "j", p, q, "sympy", "proved", "", "~")


def _toy(claim) -> Derivation:
    return Derivation(
        name="toy",
        source="test",
        assumptions=("p > 0",),
        steps=(
            equal_step("Stationary point", "d/dy", sp.diff(p * sp.log(y) + q * sp.log(1 - y), y).subs(y, claim), 0, UNIT),
            sign_step("Inside", "", claim, "<", 1),
        ),
        conclusion=sp.Eq(sp.Symbol("D"), claim),
    )


def test_derivation_proven_and_first_failure():
    good, bad = _toy(p / (p + q)), _toy(p / (p + 2 * q))
    assert good.proven and good.first_failure is None
    assert not bad.proven and bad.first_failure.title == "Stationary point"
    assert bad.step("Inside").proved
    with pytest.raises(KeyError, match="Inside"):
        bad.step("nope")


def test_renderings():
    derivation = _toy(p / (p + 2 * q))
    text = derivation.to_text()
    assert "NOT PROVEN" in text and "[failed by" in text and "counterexample" in text
    latex = derivation.to_latex()
    assert "\\begin{align*}" in latex and "\\frac{p}{p + 2 q}" in latex
    assert derivation.steps[0].to_latex().startswith("\\text{Stationary point}")


def test_to_dict_is_json_with_string_leaves():
    data = _toy(p / (p + q)).to_dict()

    def leaves(node):
        if isinstance(node, dict):
            for value in node.values():
                yield from leaves(value)
        elif isinstance(node, list):
            for value in node:
                yield from leaves(value)
        else:
            yield node

    assert all(isinstance(leaf, str) for leaf in leaves(data))
    assert json.loads(json.dumps(data))["status"] == "proven"


def test_numbers_step_tolerance():
    assert numbers_step("n", "", "1.0000001", 1, rtol=1e-6).proved
    assert numbers_step("n", "", "1.00001", 1, rtol=1e-6).outcome == "failed"


def test_import_gantheory_does_not_import_sympy():
    code = "import sys, gantheory; assert 'sympy' not in sys.modules, 'sympy imported eagerly'"
    subprocess.run([sys.executable, "-c", code], check=True)
