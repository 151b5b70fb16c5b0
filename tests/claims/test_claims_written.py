"""The written-derivation claim: the derivation checker passes the bundled text and refutes its mutants."""

from __future__ import annotations

import pytest

from gantheory.claims import CLAIMS, Context, run_control
from gantheory.claims.written import CONTROL_KINDS, WRITTEN_THEOREM_1, WrittenMistake
from gantheory.derivation_check.mutations import KINDS, mutate

pytest.importorskip("sympy")
QUICK = Context(profile="quick", seed=0, device="cpu")
CLAIM = CLAIMS["written-derivation"]


def test_every_control_plants_a_mistake_the_generator_can_make():
    assert set(CONTROL_KINDS) <= set(KINDS)
    assert [k.name for k in CLAIM.controls] == [f"written:{kind}" for kind in CONTROL_KINDS]
    for kind in CONTROL_KINDS:
        assert any(m.kind == kind for m in mutate(WRITTEN_THEOREM_1, kinds=(kind,))), kind


@pytest.mark.parametrize("kind", CONTROL_KINDS)
def test_each_planted_mistake_is_refuted_at_its_step(kind):
    control = next(c for c in CLAIM.controls if c.name == f"written:{kind}")
    outcome = run_control(CLAIM, control, QUICK)
    assert outcome.refuted, outcome.result.summary
    assert outcome.result.margin


def test_a_kind_that_plants_nothing_is_an_error_not_a_pass():
    # Negative control of the control: no applicable edit must never read as "mistake not found".
    result = WrittenMistake("argmax_negative", text="$$a = b$$")(QUICK)
    assert result.status == "error"
