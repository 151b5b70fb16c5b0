"""Every lens of every claim passes in the quick profile, and every negative control is refuted.

Parametrised over :data:`gantheory.claims.CLAIMS` (nothing here lists claim ids). The empirical lenses
and controls train small seeded models on the CPU (seconds each) and skip cleanly without torch.
"""

from __future__ import annotations

import pytest

from gantheory.claims import CLAIMS, Context, LensResult, NotApplicable, run_control

QUICK = Context(profile="quick", seed=0, device="cpu")


def _lens_params(lens):
    marks = [pytest.mark.empirical] if lens == "empirical" else []
    return [pytest.param(c, id=c.id, marks=marks) for c in CLAIMS.values()
            if lens in c.lenses and not isinstance(c.lenses[lens], NotApplicable)]


def _control_params(lens):
    marks = [pytest.mark.empirical] if lens == "empirical" else []
    return [pytest.param(c, k, id=f"{c.id}[{k.name}]", marks=marks) for c in CLAIMS.values() for k in c.controls
            if k.lens == lens]


def _passes(claim, lens):
    if lens == "empirical":
        pytest.importorskip("torch")
    result = claim.lenses[lens](QUICK)
    assert isinstance(result, LensResult)
    assert result.status == "pass", result.summary
    assert result.measurements and all(m.passed for m in result.measurements)


def _refuted(claim, control):
    if control.lens == "empirical":
        pytest.importorskip("torch")
    outcome = run_control(claim, control, QUICK)
    assert outcome.refuted, outcome.result.summary
    assert outcome.result.margin  # says which measurement failed and by how much


@pytest.mark.parametrize("claim", _lens_params("symbolic"))
def test_symbolic_lens_passes(claim):
    pytest.importorskip("sympy")
    _passes(claim, "symbolic")


@pytest.mark.parametrize("claim", _lens_params("quadrature"))
def test_quadrature_lens_passes(claim):
    _passes(claim, "quadrature")


@pytest.mark.parametrize("claim", _lens_params("empirical"))
def test_empirical_lens_passes(claim):
    _passes(claim, "empirical")


@pytest.mark.parametrize("claim, control", _control_params("quadrature"))
def test_quadrature_control_is_refuted(claim, control):
    _refuted(claim, control)


@pytest.mark.parametrize("claim, control", _control_params("empirical"))
def test_empirical_control_is_refuted(claim, control):
    _refuted(claim, control)
