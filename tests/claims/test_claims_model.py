"""The claim registry and the runner: rows, lens declarations, statuses, controls as claims."""

from __future__ import annotations

import dataclasses
import subprocess
import sys

import pytest

from gantheory.cases import CASES
from gantheory.claims import (
    CLAIMS,
    LENSES,
    TOPICS,
    Claim,
    Context,
    Control,
    NotApplicable,
    claim_status,
    resolve_claims,
    run_claim,
)
from gantheory.claims.model import with_cases
from gantheory.claims.shapes import Derivation, StationaryOptimum
from gantheory.errors import GanTheoryError

ALL = list(CLAIMS.values())


def test_registry_is_the_topic_modules_rows_in_order_without_duplicates():
    rows = [c for topic in TOPICS for c in topic.CLAIMS]
    assert [c.id for c in rows] == list(CLAIMS)
    assert len({c.id for c in rows}) == len(rows)


@pytest.mark.parametrize("claim", ALL, ids=[c.id for c in ALL])
def test_each_claim_is_complete(claim):
    assert claim is CLAIMS[claim.id]
    assert claim.statement and claim.latex and claim.source and claim.title
    assert set(claim.lenses) == set(LENSES)
    assert any(not isinstance(check, NotApplicable) for check in claim.lenses.values())
    for check in claim.lenses.values():
        assert callable(check) or (isinstance(check, NotApplicable) and check.reason)
    assert claim.controls, "every claim keeps at least one negative control"
    for control in claim.controls:
        assert control.lens in LENSES and not isinstance(claim.lenses[control.lens], NotApplicable)
    assert len({k.name for k in claim.controls}) == len(claim.controls)


@pytest.mark.parametrize("claim", ALL, ids=[c.id for c in ALL])
def test_lens_checks_are_dataclasses_a_reader_can_see_into(claim):
    """No lens code hidden in closures: every check of a claim and of its controls is a frozen dataclass."""
    checks = [c for c in claim.lenses.values() if not isinstance(c, NotApplicable)] + [k.check for k in claim.controls]
    for check in checks:
        assert dataclasses.is_dataclass(check) and not isinstance(check, type), check
        assert type(check).__dataclass_params__.frozen
        assert check.__class__.__name__ in repr(check)


@pytest.mark.parametrize("claim", ALL, ids=[c.id for c in ALL])
def test_claims_name_registered_cases_and_their_derivation_shape(claim):
    assert set(claim.cases) <= set(CASES)
    if claim.derivations:
        assert claim.lenses["symbolic"] == Derivation(claim.derivations)
    # a shape with a cases field runs on cases the claim lists (an empty field is filled with the claim's
    # cases), and the claim lists exactly the cases its checks run on
    used = set()
    for check in [*claim.lenses.values(), *(k.check for k in claim.controls)]:
        if dataclasses.is_dataclass(check) and "cases" in {f.name for f in dataclasses.fields(check)}:
            assert check.cases and set(check.cases) <= set(claim.cases), check
            used |= set(check.cases)
    assert used == set(claim.cases)


def test_an_empty_cases_field_takes_the_claims_cases():
    from gantheory.claims.gan import OptimalDiscriminatorQuadrature

    claim = CLAIMS["optimal-discriminator"]
    assert OptimalDiscriminatorQuadrature().cases == ()
    assert claim.lenses["quadrature"].cases == claim.cases


def test_derivation_names_are_registered_in_symbolic():
    from gantheory.symbolic import DERIVATIONS

    for claim in ALL:
        if claim.derivations:
            assert any(n in DERIVATIONS for n in claim.derivations), claim.id


def test_gantheory_resolves_claims_lazily():
    import gantheory

    assert gantheory.CLAIMS is CLAIMS


def test_importing_claims_loads_neither_torch_nor_sympy():
    code = "import sys, gantheory.claims, gantheory.report; print('torch' in sys.modules, 'sympy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "False"]


def test_claim_status_priority():
    assert claim_status(["pass", "fail", "error"]) == "fail"
    assert claim_status(["pass", "error", "skipped"]) == "error"
    assert claim_status(["pass", "skipped"]) == "pass"
    assert claim_status(["skipped", "skipped"]) == "skipped"


def _claim(**lenses):
    return Claim(id="toy", title="toy", statement="a toy claim", latex="x", source="nowhere", **lenses)


def test_not_applicable_lens_is_skipped_with_reason_never_pass():
    result = run_claim(_claim(quadrature=NotApplicable("no densities here")))
    lens = result.lens("quadrature")
    assert lens.status == "skipped" and lens.reason == "no densities here"
    assert result.status == "skipped"


def test_missing_lens_module_is_an_error_with_the_import_message():
    def check(ctx):
        import gantheory_lens_that_does_not_exist  # noqa: F401

    result = run_claim(_claim(empirical=check))
    lens = result.lens("empirical")
    assert lens.status == "error"
    assert "gantheory_lens_that_does_not_exist" in lens.error
    assert result.status == "error"


def test_a_crashing_lens_is_an_error_not_a_pass():
    def check(ctx):
        raise RuntimeError("boom")

    lens = run_claim(_claim(quadrature=check)).lens("quadrature")
    assert lens.status == "error" and "boom" in lens.summary


def test_positional_claim_with_a_lens_mapping_still_builds():
    # gantheory.cli builds stub claims as Claim(id, id, "", "", "", {}) for workers that crashed
    stub = Claim("x", "x", "", "", "", {})
    assert stub.lenses == {} and stub.controls == ()
    assert run_claim(stub).status == "skipped"


def test_unknown_claim_suggests_nearest():
    with pytest.raises(GanTheoryError, match="global-optimum"):
        resolve_claims(["global-optimun"])


def test_context_validates():
    with pytest.raises(GanTheoryError, match="profile"):
        Context(profile="medium")
    with pytest.raises(GanTheoryError, match="device"):
        Context(device="tpu")


def test_context_takes_the_first_cases_in_the_quick_profile_only():
    names = ("a", "b", "c")
    assert Context().take(names, 2) == ("a", "b")
    assert Context(profile="full").take(names, 2) == names
    assert Context().take(names, None) == names


def test_control_names_exactly_one_lens():
    control = Control("c", "a control", quadrature=Derivation(("x",)))
    assert control.lens == "quadrature" and control.check == Derivation(("x",))
    with pytest.raises(GanTheoryError, match="exactly one lens"):
        Control("c", "two lenses", quadrature=Derivation(("x",)), empirical=Derivation(("y",)))
    with pytest.raises(GanTheoryError, match="exactly one lens"):
        Control("c", "no lens")


def test_with_cases_fills_only_an_empty_cases_field():
    shape = StationaryOptimum("standard")
    assert with_cases(shape, ("gauss-unequal-scale",)).cases == ("gauss-unequal-scale",)
    own = StationaryOptimum("standard", cases=("gauss-narrow-far",))
    assert with_cases(own, ("gauss-unequal-scale",)).cases == ("gauss-narrow-far",)
    assert with_cases(Derivation(("x",)), ("gauss-unequal-scale",)) == Derivation(("x",))


def test_as_control_builds_a_claim_that_fails():
    claim = CLAIMS["jsd-bounds"].as_control("sqrt-JSD")
    result = run_claim(claim)
    assert result.status == "fail"
    assert result.lens("quadrature").status == "fail"
    assert {r.status for r in result.lenses if r.lens != "quadrature"} == {"skipped"}
    with pytest.raises(GanTheoryError, match="no negative control"):
        CLAIMS["jsd-bounds"].as_control("no-such-control")
