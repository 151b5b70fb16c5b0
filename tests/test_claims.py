"""The claim registry: ids, lens declarations, statuses, and the quadrature checks with their controls."""

from __future__ import annotations

import subprocess
import sys

import pytest

from gantheory.claims import (
    CLAIMS,
    LENSES,
    Claim,
    Context,
    LensResult,
    NotApplicable,
    claim_status,
    resolve_claims,
    run_claim,
    run_control,
)
from gantheory.errors import GanTheoryError

EXPECTED_IDS = [
    "optimal-discriminator", "global-optimum", "jsd-bounds", "change-of-variables", "bce-is-value", "saturation",
    "non-saturating-objective", "envelope", "function-space-convergence", "algorithm-1", "maximum-likelihood",
    "label-smoothing", "least-squares", "f-divergence-bounds",
]


def test_registry_has_exactly_the_issue_claims_in_order():
    assert list(CLAIMS) == EXPECTED_IDS


@pytest.mark.parametrize("claim_id", EXPECTED_IDS)
def test_each_claim_is_complete(claim_id):
    claim = CLAIMS[claim_id]
    assert claim.id == claim_id
    assert claim.statement and claim.latex and claim.source and claim.title
    assert set(claim.lenses) == set(LENSES)
    assert any(not isinstance(check, NotApplicable) for check in claim.lenses.values())
    for name, check in claim.lenses.items():
        assert callable(check) or (isinstance(check, NotApplicable) and check.reason)
    assert claim.controls, "every claim keeps at least one negative control"
    for control in claim.controls:
        assert control.lens in LENSES and not isinstance(claim.lenses[control.lens], NotApplicable)


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
    return Claim("toy", "toy", "a toy claim", "x", "nowhere", lenses)


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


def test_unknown_claim_suggests_nearest():
    with pytest.raises(GanTheoryError, match="global-optimum"):
        resolve_claims(["global-optimun"])


def test_context_validates():
    with pytest.raises(GanTheoryError, match="profile"):
        Context(profile="medium")
    with pytest.raises(GanTheoryError, match="device"):
        Context(device="tpu")


# The quadrature lens of the cheaper claims, and each of its negative controls, in the quick profile.
QUICK_QUADRATURE = ["global-optimum", "jsd-bounds", "change-of-variables", "envelope", "function-space-convergence",
                    "algorithm-1", "maximum-likelihood", "label-smoothing", "least-squares", "saturation"]


@pytest.mark.parametrize("claim_id", QUICK_QUADRATURE)
def test_quadrature_lens_passes(claim_id):
    result = CLAIMS[claim_id].lenses["quadrature"](Context())
    assert isinstance(result, LensResult)
    assert result.status == "pass", result.summary
    assert result.measurements and all(m.passed for m in result.measurements)


@pytest.mark.parametrize("claim_id, control", [(c, k.name) for c in QUICK_QUADRATURE for k in CLAIMS[c].controls
                                               if k.lens == "quadrature"])
def test_quadrature_negative_control_is_refuted(claim_id, control):
    claim = CLAIMS[claim_id]
    outcome = run_control(claim, next(k for k in claim.controls if k.name == control), Context())
    assert outcome.refuted, outcome.result.summary
    assert outcome.result.margin  # says which measurement failed and by how much


def test_as_control_builds_a_claim_that_fails():
    claim = CLAIMS["jsd-bounds"].as_control("sqrt-JSD")
    result = run_claim(claim)
    assert result.status == "fail"
    assert result.lens("quadrature").status == "fail"
    assert {r.status for r in result.lenses if r.lens != "quadrature"} == {"skipped"}
