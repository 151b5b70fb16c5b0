"""The game-dynamics claims (gantheory.claims.game_dynamics): every applicable lens has a negative control
of its own, the rows are registered, and the full profile of the cheap claims passes too. (Every lens and
control of every claim runs in test_claims_lenses.py.)"""

from __future__ import annotations

import pytest

from gantheory.claims import CLAIMS, Context, NotApplicable, game_dynamics, run_claim


@pytest.mark.parametrize("claim", game_dynamics.CLAIMS, ids=lambda c: c.id)
def test_every_applicable_lens_has_a_control(claim):
    """A claim's own controls, plus the symbolic controls of its derivations (which selftest runs)."""
    from gantheory.symbolic import NEGATIVE_CONTROLS

    assert CLAIMS[claim.id] is claim
    lenses = {name for name, check in claim.lenses.items() if not isinstance(check, NotApplicable)}
    assert len(lenses) >= 2, "each closed form is checked more than one way"
    controlled = {control.lens for control in claim.controls}
    if any(name.split(":")[0] in claim.derivations for name in NEGATIVE_CONTROLS):
        controlled.add("symbolic")
    assert lenses <= controlled


@pytest.mark.parametrize("claim_id", ["tutorial-xy", "update-schemes", "disjoint-support-gradient"])
def test_full_profile_of_cheap_claims(claim_id):
    result = run_claim(CLAIMS[claim_id], Context(profile="full", seed=1, device="cpu"))
    assert result.status == "pass", [lens.summary for lens in result.lenses]


def test_symbolic_lens_attaches_its_derivation():
    result = CLAIMS["dirac-gradient-penalty"].lenses["symbolic"](Context())
    assert result.status == "pass"
    assert result.derivation["name"] == "dirac-gradient-penalty"
    assert "Routh" in result.derivation["text"] and "R2" in result.derivation["text"]
