"""The audit on GAN losses as popular repositories write them (gantheory.loss_audit.corpus_real).

Every port of real code and every hand-made slip is classified as its ground truth says (family,
convention, parameters, generator kind, pairing, error or not, required findings), no entry raises, and
no slip passes as "OK". The ground truth is written from the mathematics of each port (its docstring
``why``); a negative control shows the comparison rejects a wrong ground truth. Stochastic entries (a
Monte Carlo average over 64 seeded calls, 10–30 s each) are marked slow.
"""

from __future__ import annotations

import dataclasses

import pytest

pytest.importorskip("torch")

from gantheory.loss_audit.corpus_real import PORTS, SLIPS, evaluate

_STOCHASTIC = {"keras_dcgan_noisy", "ganhacks_noisy_labels", "random_label_flip", "ganhacks_ranges_swapped"}


def _params(entries, slip):
    return [pytest.param(name, slip, id=name, marks=[pytest.mark.slow] if name in _STOCHASTIC else [])
            for name in entries]


@pytest.mark.parametrize("name,slip", _params(PORTS, False) + _params(SLIPS, True))
def test_entry_is_classified_as_its_ground_truth(name, slip):
    port = (SLIPS if slip else PORTS)[name]
    outcome = evaluate(port, slip=slip)
    assert outcome.status == "right", (outcome.detail, outcome.expected, outcome.got)


def test_corpus_size_and_sources():
    """≥ 60 ports from ≥ 10 repositories, each citing repository and file (with a commit or a date)."""
    assert len(PORTS) >= 60 and len(SLIPS) >= 30
    repos = {p.repository for p in PORTS.values()}
    assert len(repos) >= 10
    for port in PORTS.values():
        repo, _, rest = port.source.partition(" ")
        assert "/" in repo and rest, port.name
        assert "@" in rest or "read 20" in rest or "call" in rest, port.name
    assert all(port.why for port in SLIPS.values())  # every slip states its mathematics


def test_negative_control_a_wrong_ground_truth_is_rejected():
    port = PORTS["studiogan_hinge"]
    for change in ({"family": "least_squares"}, {"convention": "real_low"}, {"params": {"margin": 2.0}},
                   {"kind": "non_saturating"}, {"pairing": "inconsistent"}, {"error": True},
                   {"warn": frozenset({"overflow"})}):
        assert evaluate(dataclasses.replace(port, **change)).status == "wrong", change


def test_negative_control_a_slip_that_passes_as_ok_is_wrong():
    """The slips' extra criterion: an OK verdict fails it, even with an otherwise matching ground truth."""
    port = dataclasses.replace(PORTS["studiogan_hinge"], name="ok_entry")
    assert evaluate(port).status == "right"
    assert evaluate(port, slip=True).status == "wrong"
